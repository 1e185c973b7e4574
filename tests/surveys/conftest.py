"""A questionnaire with the three measures, and a round over three communities of two streets."""

import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from campaign.models import Campaign
from surveys.models import Option, Question, Questionnaire, RoundCommunity, SurveyRound
from surveys.responses import record_response
from tests.factories import VolunteerFactory, registered


@pytest.fixture
def campaign(geo):
    return Campaign.objects.create(
        district=geo.district, name="2026年全国文明城市复审", starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31)
    )


def build_questionnaire(campaign) -> SimpleNamespace:
    """Q1 awareness (single), Q2 support (single), Q3 satisfaction (multiple), Q4 satisfaction
    (single, optional), Q5 text (optional)."""
    questionnaire = Questionnaire.objects.create(campaign=campaign, title="创城入户问卷")

    def question(order, kind, text, measure, options, required=True):
        q = Question.objects.create(
            questionnaire=questionnaire, order=order, kind=kind, text=text, measure=measure, required=required
        )
        for index, (key, label, positive) in enumerate(options):
            Option.objects.create(question=q, key=key, text=label, positive=positive, order=index)
        return q

    q1 = question(
        1, "single", "您是否知道我市正在创建全国文明城市？", "awareness", [("a", "知道", True), ("b", "不知道", False)]
    )
    q2 = question(
        2,
        "single",
        "您是否支持创建全国文明城市？",
        "support",
        [("a", "支持", True), ("b", "无所谓", False), ("c", "不支持", False)],
    )
    q3 = question(
        3,
        "multiple",
        "近一年小区哪些方面有改善？",
        "satisfaction",
        [("a", "环境卫生", True), ("b", "停车秩序", True), ("c", "都没有改善", False)],
    )
    q4 = question(
        4,
        "single",
        "您对社区创城工作是否满意？",
        "satisfaction",
        [("a", "满意", True), ("b", "基本满意", False), ("c", "不满意", False)],
        required=False,
    )
    q5 = question(5, "text", "您对创城工作还有什么意见建议？", None, [], required=False)
    return SimpleNamespace(questionnaire=questionnaire, q1=q1, q2=q2, q3=q3, q4=q4, q5=q5)


@pytest.fixture
def survey(geo, campaign):
    built = build_questionnaire(campaign)
    today = timezone.localdate()
    round_ = SurveyRound.objects.create(
        questionnaire=built.questionnaire,
        title="第一轮入户调查",
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=5),
    )
    RoundCommunity.objects.create(round=round_, community=geo.community, target_households=10)
    RoundCommunity.objects.create(round=round_, community=geo.sibling_community, target_households=5)
    RoundCommunity.objects.create(round=round_, community=geo.other_community, target_households=8)
    built.round = round_
    return built


@pytest.fixture
def interviewer(geo, volunteer):
    """The ``volunteer`` login with a profile serving in the first community."""
    person = VolunteerFactory(user=volunteer, name="张建华", unit=geo.unit)
    registered(person, geo.community)
    return volunteer


def answers(s, q1="a", q2="a", q3=("a",), q4=None, q5=None) -> dict:
    out = {str(s.q1.pk): [q1], str(s.q2.pk): [q2], str(s.q3.pk): list(q3)}
    if q4:
        out[str(s.q4.pk)] = [q4]
    if q5:
        out[str(s.q5.pk)] = q5
    return out


def respond(s, actor, cell, at=None, **given):
    response, _created = record_response(
        actor=actor,
        round_=s.round,
        client_id=uuid.uuid4(),
        grid=cell.code,
        answers=answers(s, **given),
        answered_at=at,
    )
    return response
