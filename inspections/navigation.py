"""The findings pages in each role's menu (``web.navigation``)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from inspections.permissions import EXTENSION_DECIDER_ROLES, can_report
from web.navigation import Page

#: Everyone who works on findings, and the leaders who read them.
FINDING_ROLES = (
    Role.LEADER,
    Role.STREET_LEADER,
    Role.COMMUNITY_LEADER,
    Role.INSPECTOR,
    Role.STREET_DISCIPLINE,
    Role.STREET_STAFF,
    Role.COMMUNITY_WORKER,
    Role.GRID_WORKER,
    Role.SUPERVISOR,
    Role.UNIT_STAFF,
)


def _may_report(user) -> bool:
    return can_report(user)


ITEMS = [
    Page(
        "inspections:findings",
        _("Findings"),
        FINDING_ROLES,
        order=20,
        covers=("inspections:detail", "inspections:act"),
    ),
    Page("inspections:map", _("Battle map"), FINDING_ROLES, order=30),
    Page("inspections:extensions", _("Extension requests"), EXTENSION_DECIDER_ROLES, order=35),
    Page("inspections:report", _("Report a problem"), FINDING_ROLES, order=25, when=_may_report),
]
