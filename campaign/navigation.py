"""The leaders' pages in each role's menu (``web.navigation``)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from web.navigation import Page

ITEMS = [Page("campaign:dashboard", _("Dashboard"), (Role.LEADER,), order=10)]
