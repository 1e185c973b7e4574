"""Scoped querysets: every list shown to a person starts from ``visible_to(user)``.

This module knows nothing of users or roles: a queryset declares, for each kind of scope
(district, street, community, grid, unit, user), the lookup path from its model to that scope,
and asks the user for the filter (``accounts.visibility.scope_filter`` builds it from the
user's memberships). That keeps the import direction districts ← accounts.
"""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    #: kind of scope -> lookup path from this model to the scope's primary key; a kind that is
    #: missing sees nothing of this model through that kind of membership.
    scope_paths: dict[str, str] = {}
    #: True when a path crosses a one-to-many relation, so that one row could match twice.
    crosses_many = False
    #: When set, only memberships of these roles open this model (e.g. accountability cases are
    #: for discipline roles alone); None: every role's scope counts.
    scope_roles: tuple[str, ...] | None = None

    def visible_to(self, user, *, roles=None) -> "ScopedQuerySet":
        """What ``user`` may see; with ``roles``, only through memberships of those roles."""
        if user is None or not user.is_authenticated:
            return self.none()
        if roles is not None and self.scope_roles is not None:
            roles = tuple(role for role in roles if role in self.scope_roles)
        condition = user.visibility_filter(self.scope_paths, roles=roles if roles is not None else self.scope_roles)
        if condition is None:
            return self.none()
        scoped = self.filter(condition)
        return scoped.distinct() if self.crosses_many else scoped
