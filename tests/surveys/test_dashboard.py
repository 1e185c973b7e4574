"""The survey's numbers on the leaders' dashboard (a card, a ranking column) and in the daily briefing."""

from datetime import timedelta

from django.utils import timezone

from campaign import dashboard
from campaign.briefing import make_briefing
from tests.surveys.conftest import respond


def filters(campaign, street=None):
    today = timezone.localdate()
    return dashboard.Filters(start=today - timedelta(days=6), end=today, campaign=campaign, street=street)


def two_communities(survey, geo, community_worker, other_community_worker):
    # 乐山小区: Q3 positive, Q3 not (no Q4) → satisfaction 1/2; 魏家庄: Q3 positive + Q4 positive → 2/2.
    respond(survey, community_worker, geo.cell, q3=("a",))
    respond(survey, community_worker, geo.cell, q3=("c",))
    respond(survey, other_community_worker, geo.other_cell, q3=("b",), q4="a")


def test_the_card_shows_the_latest_rounds_rates_in_the_leaders_scope(
    survey, geo, campaign, leader, community_worker, other_community_worker
):
    two_communities(survey, geo, community_worker, other_community_worker)
    card = dashboard.build(leader, filters(campaign))["cards"]["survey"]
    assert (card["value"], card["answers"], card["round"]) == (0.75, 4, "第一轮入户调查")
    assert card["awareness"] == 1.0


def test_a_street_leader_sees_only_the_streets_answers(
    survey, geo, campaign, street_leader, community_worker, other_community_worker
):
    two_communities(survey, geo, community_worker, other_community_worker)
    card = dashboard.build(street_leader, filters(campaign))["cards"]["survey"]
    assert (card["value"], card["answers"]) == (0.5, 2)


def test_the_rankings_carry_each_places_satisfaction_rate(
    survey, geo, campaign, leader, community_worker, other_community_worker
):
    two_communities(survey, geo, community_worker, other_community_worker)
    data = dashboard.build(leader, filters(campaign))
    by_code = {row.code: row.satisfaction for row in data["communities"]}
    assert by_code[geo.community.code] == 0.5 and by_code[geo.other_community.code] == 1.0
    assert by_code[geo.sibling_community.code] is None
    streets = {row["code"]: row["satisfaction_rate"] for row in dashboard.as_json(data)["streets"]}
    assert streets == {geo.street.code: 0.5, geo.other_street.code: 1.0}


def test_without_responses_the_card_is_empty(survey, campaign, leader):
    assert dashboard.build(leader, filters(campaign))["cards"]["survey"]["value"] is None


def test_the_daily_briefing_carries_the_surveys_rates(survey, geo, campaign, community_worker, other_community_worker):
    two_communities(survey, geo, community_worker, other_community_worker)
    briefing = make_briefing(district=geo.district, street=None, day=timezone.localdate() - timedelta(days=1))
    assert 'data-n="survey"' in briefing.html and "75.0%" in briefing.html
