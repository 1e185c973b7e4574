"""The portal's navigation: every page a role may open, in that role's menu.

Each app lists its pages in its own ``navigation.py`` (``ITEMS``, a list of ``Page``); this
module finds them through Django's app registry (as the admin finds ``admin.py``), so the
ground floor imports none of them. ``for_user`` answers the menu of one person: the pages
whose roles they hold (a superuser: every page), in order, with the current one marked.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class Page:
    """One entry of the menu: the URL name, its label, the roles that may open it."""

    url_name: str
    label: str
    roles: tuple[str, ...]
    order: int = 100
    #: URL names that count as this page, to mark it as current ("name*": every name so beginning).
    covers: tuple[str, ...] = ()
    #: Further condition on the person (e.g. "may report"), beyond holding one of the roles.
    when: Callable | None = field(default=None, compare=False)

    def is_current(self, view_name: str) -> bool:
        if view_name == self.url_name:
            return True
        return any(view_name == c or (c.endswith("*") and view_name.startswith(c[:-1])) for c in self.covers)


@cache
def pages() -> tuple[Page, ...]:
    """Every app's pages, in menu order (read once per process)."""
    found: list[Page] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.navigation"
        if config.name != __name__.rsplit(".", 1)[0] and find_spec(module_name) is not None:
            found.extend(getattr(import_module(module_name), "ITEMS", ()))
    return tuple(sorted(found, key=lambda page: page.order))


def for_user(user, view_name: str = "") -> list[dict]:
    """The menu of ``user``: [{url, label, current}] for every page their roles may open."""
    if user is None or not user.is_authenticated:
        return []
    held = user.roles()
    menu = []
    for page in pages():
        if not (user.is_superuser or held & set(page.roles)):
            continue
        if page.when is not None and not page.when(user):
            continue
        menu.append({"url": reverse(page.url_name), "label": page.label, "current": page.is_current(view_name)})
    return menu


def context(request) -> dict:
    """Template context: ``nav``, the person's menu (no query: roles come from the cached memberships)."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return {"nav": for_user(user, match.view_name if match else "")}
