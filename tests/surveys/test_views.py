"""The pages: rounds, filling in, results, exports; 404 out of scope, 403 for the wrong role."""

import io

import pytest
from openpyxl import load_workbook

from tests.surveys.conftest import respond


def test_the_rounds_page_offers_filling_in_to_a_volunteer(client, survey, interviewer):
    client.force_login(interviewer)
    page = client.get("/surveys/")
    assert page.status_code == 200
    assert f"/surveys/{survey.round.pk}/fill/".encode() in page.content
    assert f"/surveys/{survey.round.pk}/results/".encode() not in page.content


def test_the_fill_page_lists_only_the_cells_i_interview_in(client, survey, community_worker, geo):
    client.force_login(community_worker)
    page = client.get(f"/surveys/{survey.round.pk}/fill/")
    assert page.status_code == 200
    assert geo.cell.code.encode() in page.content and geo.sibling_cell.code.encode() in page.content
    assert geo.other_cell.code.encode() not in page.content


def test_the_fill_page_is_403_for_a_street_officer(client, survey, street_staff):
    client.force_login(street_staff)
    assert client.get(f"/surveys/{survey.round.pk}/fill/").status_code == 403


@pytest.mark.parametrize("page", ["fill/", "results/", "results.xlsx", "answers.xlsx"])
def test_every_page_of_a_round_out_of_scope_is_404(client, survey, page):
    from accounts.models import Role
    from tests.factories import CommunityFactory, person

    client.force_login(person(Role.COMMUNITY_WORKER, CommunityFactory(), username="far"))
    assert client.get(f"/surveys/{survey.round.pk}/{page}").status_code == 404


@pytest.mark.parametrize("page", ["results/", "results.xlsx", "answers.xlsx"])
def test_the_results_are_403_for_a_volunteer(client, survey, interviewer, page):
    client.force_login(interviewer)
    assert client.get(f"/surveys/{survey.round.pk}/{page}").status_code == 403


def test_the_results_page_shows_the_rates_per_community(client, survey, geo, community_worker, leader):
    respond(survey, community_worker, geo.cell, q1="a")
    respond(survey, community_worker, geo.cell, q1="b")
    client.force_login(leader)
    page = client.get(f"/surveys/{survey.round.pk}/results/")
    assert page.status_code == 200
    assert b'data-community="370103001001"' in page.content
    assert b'data-rate="0.5"' in page.content


def test_a_street_not_in_my_scope_is_a_404_on_the_results_page(client, survey, geo, street_staff):
    client.force_login(street_staff)
    assert client.get(f"/surveys/{survey.round.pk}/results/?street={geo.other_street.code}").status_code == 404


def test_the_results_page_query_count_is_pinned(
    client, survey, geo, community_worker, leader, django_assert_max_num_queries
):
    for _ in range(5):
        respond(survey, community_worker, geo.cell)
    client.force_login(leader)
    with django_assert_max_num_queries(16):
        assert client.get(f"/surveys/{survey.round.pk}/results/").status_code == 200


def _sheet(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_answers_export_names_interviewers_only_within_the_street(
    client, survey, geo, community_worker, leader, street_staff
):
    respond(survey, community_worker, geo.cell, q5="希望增加路灯")
    client.force_login(street_staff)
    rows = _sheet(client.get(f"/surveys/{survey.round.pk}/answers.xlsx"))
    assert rows[2][4] == str(community_worker) and "希望增加路灯" in rows[2]
    client.force_login(leader)
    rows = _sheet(client.get(f"/surveys/{survey.round.pk}/answers.xlsx"))
    assert rows[2][4] in ("", None)


def test_the_results_export_has_a_row_per_community_and_the_total(client, survey, geo, community_worker, leader):
    respond(survey, community_worker, geo.cell)
    client.force_login(leader)
    rows = _sheet(client.get(f"/surveys/{survey.round.pk}/results.xlsx"))
    communities = [row[1] for row in rows[2:]]
    assert "乐山小区社区" in communities and "启明里社区" in communities
    assert rows[-1][2] == 1 and rows[-1][3] == 23


def test_the_rounds_page_query_count_is_pinned(client, survey, street_staff, django_assert_max_num_queries):
    client.force_login(street_staff)
    client.get("/surveys/")
    with django_assert_max_num_queries(8):
        assert client.get("/surveys/").status_code == 200


def test_street_staff_set_up_a_round_over_their_streets_communities(client, survey, geo, street_staff):
    from surveys.models import RoundCommunity, SurveyRound

    client.force_login(street_staff)
    response = client.post(
        "/surveys/new/",
        {
            "questionnaire": survey.questionnaire.pk,
            "title": "第二轮入户调查",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-20",
            "communities": [geo.community.pk, geo.sibling_community.pk],
            "target_households": 60,
        },
    )
    assert response.status_code == 302
    made = SurveyRound.objects.get(title="第二轮入户调查")
    assert sorted(RoundCommunity.objects.filter(round=made).values_list("target_households", flat=True)) == [60, 60]


def test_a_round_over_another_streets_community_or_ending_before_it_starts_is_refused(
    client, survey, geo, street_staff
):
    from surveys.models import SurveyRound

    client.force_login(street_staff)
    base = {"questionnaire": survey.questionnaire.pk, "title": "越界", "target_households": 60}
    wrong_place = client.post(
        "/surveys/new/",
        {**base, "starts_on": "2026-12-01", "ends_on": "2026-12-20", "communities": [geo.other_community.pk]},
    )
    backwards = client.post(
        "/surveys/new/", {**base, "starts_on": "2026-12-20", "ends_on": "2026-12-01", "communities": [geo.community.pk]}
    )
    assert wrong_place.status_code == 400 and backwards.status_code == 400
    assert not SurveyRound.objects.filter(title="越界").exists()


def test_a_community_worker_gets_403_on_the_new_round_page(client, survey, community_worker):
    client.force_login(community_worker)
    assert client.get("/surveys/new/").status_code == 403
