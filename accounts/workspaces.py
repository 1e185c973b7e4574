"""Where each role works: the home page sends a person to the workspace of their first role."""

from django.utils.translation import gettext_lazy as _

from accounts.models import Role

#: Role → (URL name of its workspace, title), in the order that decides for people with several.
WORKSPACES = {
    Role.LEADER: ("campaign:dashboard", _("Leader's dashboard")),
    Role.STREET_LEADER: ("campaign:dashboard", _("Leader's dashboard")),
    Role.COMMUNITY_LEADER: ("campaign:dashboard", _("Leader's dashboard")),
    Role.INSPECTOR: ("oversight:queue", _("Oversight")),
    Role.STREET_DISCIPLINE: ("oversight:queue", _("Oversight")),
    Role.STREET_STAFF: ("inspections:map", _("Battle map")),
    Role.SUPERVISOR: ("inspections:findings", _("Findings")),
    Role.COMMUNITY_WORKER: ("inspections:findings", _("Findings")),
    Role.GRID_WORKER: ("inspections:findings", _("Findings")),
    Role.UNIT_STAFF: ("inspections:findings", _("Findings")),
    Role.VOLUNTEER: ("volunteers:home", _("Volunteer service")),
}


def workspace_for(user) -> str | None:
    """The URL name of the user's workspace, or None for a person without a role."""
    roles = user.roles()
    for role, (url_name, _title) in WORKSPACES.items():
        if role in roles:
            return url_name
    return None
