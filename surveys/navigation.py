"""The questionnaires' pages in each role's menu (``web.navigation``)."""

from django.utils.translation import gettext_lazy as _

from surveys.permissions import ANSWER_ROLES, IMPORT_ROLES, READ_ROLES
from web.navigation import Page

ITEMS = [
    Page(
        "surveys:rounds",
        _("Door-to-door surveys"),
        tuple(dict.fromkeys((*ANSWER_ROLES, *READ_ROLES))),
        order=69,
        covers=(
            "surveys:fill",
            "surveys:round_new",
            "surveys:results",
            "surveys:results_export",
            "surveys:answers_export",
        ),
    ),
    Page("surveys:import", _("Import a questionnaire"), IMPORT_ROLES, order=70),
]
