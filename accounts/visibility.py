"""The one visibility rule: a user's memberships → the filter behind ``visible_to(user)``."""

from collections import defaultdict

from django.db.models import Q

from accounts.models import ROLE_SCOPE


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
