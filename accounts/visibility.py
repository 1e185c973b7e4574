"""The one visibility rule, from a user's memberships and a model's scope paths.

A scoped model's queryset (``districts.scoping.ScopedQuerySet``) names, for each kind of scope,
the path from the model to it (a finding: ``street``, ``community``, ``grid_cell`` ...). From
those same paths this module answers the three questions every app asks:

- which objects a user sees: ``scope_filter`` (behind ``visible_to(user, roles=...)``);
- does this user hold role R over this object: ``holds``;
- who holds role R over these scopes: ``people`` and ``holders``.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from accounts.models import ROLE_SCOPE, SCOPE_COLUMN, Membership


def scope_ids(user, roles=None) -> dict[str, set[int]]:
    """Kind of scope → ids the user holds some role in (``user`` kind: the user's own id).

    With ``roles``, only memberships of those roles count.
    """
    held: dict[str, set[int]] = defaultdict(set)
    for membership in user.memberships_cached:
        if roles is None or membership.role in roles:
            held[ROLE_SCOPE[membership.role]].add(membership.scope_id)
    return held


def scope_filter(user, scope_paths: dict[str, str], roles=None) -> Q | None:
    """The condition on a model (described by ``scope_paths``) that selects what ``user`` sees.

    Each membership contributes "the object lies in my scope" through the path its kind of scope
    has on the model; the contributions are OR-ed. ``roles`` limits which memberships count.
    A superuser sees everything (``Q()``); a user with no membership that reaches the model sees
    nothing (``None``).
    """
    if user.is_superuser:
        return Q()
    condition = None
    for kind, ids in scope_ids(user, roles).items():
        path = scope_paths.get(kind)
        if path is None:
            continue
        term = Q(**{f"{path}__in": sorted(ids)})
        condition = term if condition is None else condition | term
    return condition


def scope_paths_of(model) -> dict[str, str]:
    return getattr(model._default_manager.get_queryset(), "scope_paths", {})


def scope_id(obj, kind: str, *, paths: dict[str, str] | None = None) -> int | None:
    """The id of ``obj``'s scope of ``kind``, read along its scope path without a query.

    ``obj`` may be a model instance or any object with the same attributes (the deadline sweep's
    claimed rows): a path ``a__b__c`` reads ``obj.a.b.c_id``. None when the model has no path
    for that kind or a step of it is empty.
    """
    paths = scope_paths_of(type(obj)) if paths is None else paths
    path = paths.get(kind)
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id")


def holds(user, roles: str | Iterable[str], obj, *, paths: dict[str, str] | None = None) -> bool:
    """Does ``user`` hold one of ``roles`` in a scope that contains ``obj``?

    The same rule as ``visible_to(user, roles=roles)``, answered from the object's own columns
    (no query): a street role counts for an object in its street, a grid worker for one in their
    cell, and so on. A superuser holds every role everywhere.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = {roles} if isinstance(roles, str) else set(roles)
    model_paths = scope_paths_of(type(obj)) if paths is None else paths
    for membership in user.memberships_cached:
        if membership.role not in roles:
            continue
        held = scope_id(obj, ROLE_SCOPE[membership.role], paths=model_paths)
        if held is not None and held == membership.scope_id:
            return True
    return False


def people(roles_in: Iterable[tuple[str, int | None]]) -> dict[tuple[str, int], list]:
    """Active users holding each ``(role, scope id)`` asked for, as {(role, id): [users]}, in one query."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for role, scope in roles_in:
        if scope:
            wanted[role].add(scope)
    found: dict[tuple[str, int], list] = defaultdict(list)
    if not wanted:
        return found
    condition = Q(pk__in=[])
    for role, ids in wanted.items():
        condition |= Q(role=role, **{f"{SCOPE_COLUMN[ROLE_SCOPE[role]]}__in": sorted(ids)})
    rows = Membership.objects.filter(condition, user__is_active=True).select_related("user").order_by("user_id")
    for m in rows:
        found[(m.role, m.scope_id)].append(m.user)
    return found


def holders(obj, roles: Iterable[str], *, paths: dict[str, str] | None = None) -> list:
    """The active users holding one of ``roles`` over ``obj`` (each once), in one query."""
    roles = list(roles)
    model_paths = scope_paths_of(type(obj)) if paths is None else paths
    asked = [(role, scope_id(obj, ROLE_SCOPE[role], paths=model_paths)) for role in roles]
    found = people(asked)
    users, seen = [], set()
    for key in asked:
        for user in found.get(key, ()):
            if user.pk not in seen:
                seen.add(user.pk)
                users.append(user)
    return users
