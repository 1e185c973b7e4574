"""The life circle's pages in each role's menu (``web.navigation``)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from web.navigation import Page

#: Community workers and street staff edit; the leaders of every level read.
READERS = (
    Role.COMMUNITY_WORKER,
    Role.STREET_STAFF,
    Role.COMMUNITY_LEADER,
    Role.STREET_LEADER,
    Role.LEADER,
)

ITEMS = [
    Page("neighbourhood:index", _("15-minute life circle"), READERS, order=70, covers=("neighbourhood:*",)),
]
