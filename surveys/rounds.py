"""Starting a door-to-door round (入户调查) over some communities."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from surveys import permissions
from surveys.models import Questionnaire, RoundCommunity, SurveyRound
from web.errors import Forbidden


def start_round(
    *,
    actor,
    questionnaire: Questionnaire,
    title: str,
    starts_on: date,
    ends_on: date,
    communities,
    target_households: int,
) -> SurveyRound:
    """Make the round with its communities, each with ``target_households``; the caller has chosen
    the communities among those in the actor's scope (``permissions.round_communities``)."""
    if not permissions.may_import(actor):
        raise Forbidden(_("Survey rounds are set up by the street offices and the district."))
    with transaction.atomic():
        round_ = SurveyRound.objects.create(
            questionnaire=questionnaire, title=title, starts_on=starts_on, ends_on=ends_on
        )
        RoundCommunity.objects.bulk_create(
            [RoundCommunity(round=round_, community=c, target_households=target_households) for c in communities]
        )
    return round_
