"""The discipline bodies' pages in each role's menu (``web.navigation``)."""

from django.utils.translation import gettext_lazy as _

from oversight.models import OVERSIGHT_READERS as OVERSIGHT_ROLES
from web.navigation import Page

ITEMS = [
    Page("oversight:queue", _("Overdue queue"), OVERSIGHT_ROLES, order=40, covers=("oversight:finding_notice",)),
    Page("oversight:cases", _("Accountability cases"), OVERSIGHT_ROLES, order=41, covers=("oversight:case*",)),
    Page("oversight:performance", _("Unit performance"), OVERSIGHT_ROLES, order=42),
]
