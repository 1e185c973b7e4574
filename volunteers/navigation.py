"""The volunteer service's pages in each role's menu (``web.navigation``)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from web.navigation import Page

VOLUNTEER = (Role.VOLUNTEER,)
ORGANISERS = (Role.COMMUNITY_WORKER, Role.UNIT_STAFF)
READERS = (Role.COMMUNITY_WORKER, Role.UNIT_STAFF, Role.STREET_STAFF, Role.LEADER)

ITEMS = [
    Page(
        "volunteers:home",
        _("Volunteer service"),
        VOLUNTEER,
        order=60,
        covers=("volunteers:scan", "volunteers:swap*"),
    ),
    Page("volunteers:my_hours", _("My hours"), VOLUNTEER, order=61, covers=("volunteers:certificate*",)),
    Page("volunteers:profile", _("My profile"), VOLUNTEER, order=62),
    Page("volunteers:activities", _("Volunteer activities"), READERS, order=63, covers=("volunteers:activit*",)),
    Page("volunteers:registrations", _("Registrations"), ORGANISERS, order=64, covers=("volunteers:registration*",)),
    Page("volunteers:people", _("Volunteer list"), READERS, order=65, covers=("volunteers:person*",)),
    Page("volunteers:roster", _("Duty roster"), READERS, order=66, covers=("volunteers:rule*", "volunteers:duty*")),
    Page("volunteers:wishes", _("Micro-wishes"), (*READERS, Role.VOLUNTEER), order=67, covers=("volunteers:wish*",)),
    Page("volunteers:hours", _("Service hours"), READERS, order=68),
]
