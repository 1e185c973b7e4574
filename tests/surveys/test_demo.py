"""The questionnaires' demo: the three measures, two rounds, a few hundred responses, counted as service."""

from io import StringIO

from django.core.management import call_command

from surveys import rates
from surveys.models import Questionnaire, Response, SurveyRound
from volunteers.models import Activity, Attendance


def seed():
    call_command("seed_demo", "--password", "demo-pass-1234", stdout=StringIO(), stderr=StringIO())


def test_the_demo_has_a_questionnaire_with_the_three_measures_and_a_few_hundred_responses(db):
    seed()
    questionnaire = Questionnaire.objects.get()
    assert set(questionnaire.questions.exclude(measure=None).values_list("measure", flat=True)) == set(rates.MEASURES)
    latest = SurveyRound.objects.order_by("-starts_on").first()
    assert latest.communities.count() == 4
    assert Response.objects.filter(round=latest).count() == 4 * 55
    assert Response.objects.count() == 4 * (25 + 55)
    measures = rates.by_measure(Response.objects.filter(round=latest))
    for measure in rates.MEASURES:
        assert 0.5 < measures[measure].rate < 1, measure
    # The volunteers' interviews are their service, in the volunteers' ledger.
    assert Attendance.objects.filter(activity__kind=Activity.Kind.SURVEY).exists()


def test_seeding_again_makes_no_second_questionnaire(db):
    seed()
    count = Response.objects.count()
    seed()
    assert Questionnaire.objects.count() == 1 and Response.objects.count() == count
