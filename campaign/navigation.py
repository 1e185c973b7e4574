"""The leaders' pages and the inspection rounds in each role's menu (``web.navigation``)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from web.navigation import Page

LEADERS = (Role.LEADER, Role.STREET_LEADER, Role.COMMUNITY_LEADER)

ITEMS = [
    Page(
        "campaign:dashboard",
        _("Dashboard"),
        LEADERS,
        order=10,
        covers=("campaign:definitions", "campaign:findings", "campaign:export"),
    ),
    Page("campaign:briefings", _("Daily briefings"), LEADERS, order=11, covers=("campaign:briefing*",)),
    Page("campaign:rounds", _("Inspection rounds"), (Role.SUPERVISOR, *LEADERS), order=26, covers=("campaign:round*",)),
]
