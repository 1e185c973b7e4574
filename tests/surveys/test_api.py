"""/api/v1/surveys/: scope (404), roles (403), validation (400), idempotent responses."""

import uuid

import pytest

from surveys.models import Answer, Response
from tests.concurrency import run_together
from tests.conftest import requires_postgres
from tests.surveys.conftest import answers, respond
from volunteers.models import Activity, Attendance

URL = "/api/v1/surveys/"


def post(client, survey, body):
    return client.post(f"{URL}{survey.round.pk}/responses/", body, content_type="application/json")


def body(survey, cell, **given):
    return {"client_id": str(uuid.uuid4()), "grid": cell.code, "answers": answers(survey, **given)}


def test_the_list_shows_the_rounds_over_my_places(client, survey, street_staff):
    client.force_login(street_staff)
    data = client.get(URL).json()
    assert data["count"] == 1
    assert data["results"][0] == {
        "id": survey.round.pk,
        "title": "第一轮入户调查",
        "communities": ["370103001001", "370103001002", "370103002001"],
        "starts_on": survey.round.starts_on.isoformat(),
        "ends_on": survey.round.ends_on.isoformat(),
    }


def test_a_volunteer_sees_the_rounds_of_the_communities_they_serve_in(client, survey, interviewer):
    client.force_login(interviewer)
    assert client.get(URL).json()["count"] == 1


def test_a_volunteer_serving_nowhere_sees_no_round_and_gets_404(client, survey, volunteer):
    client.force_login(volunteer)
    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}{survey.round.pk}/").status_code == 404
    assert (
        post(client, survey, body(survey, survey.round.places.first().community.grid_cells.first())).status_code == 404
    )


def test_a_person_of_another_district_gets_404_on_every_endpoint(client, survey, other_district_unit, geo):
    from accounts.models import Role
    from tests.factories import CommunityFactory, person

    stranger = person(Role.COMMUNITY_WORKER, CommunityFactory(), username="far")
    client.force_login(stranger)
    rid = survey.round.pk
    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}{rid}/").status_code == 404
    assert client.get(f"{URL}{rid}/results/").status_code == 404
    assert post(client, survey, body(survey, geo.cell)).status_code == 404


def test_the_questionnaire_lists_the_questions_in_order_with_their_options(client, survey, community_worker):
    client.force_login(community_worker)
    data = client.get(f"{URL}{survey.round.pk}/").json()
    assert [q["id"] for q in data["questions"]] == [
        survey.q1.pk,
        survey.q2.pk,
        survey.q3.pk,
        survey.q4.pk,
        survey.q5.pk,
    ]
    assert data["questions"][0]["kind"] == "single" and data["questions"][0]["measure"] == "awareness"
    assert data["questions"][0]["options"] == [
        {"key": "a", "text": "知道", "positive": True},
        {"key": "b", "text": "不知道", "positive": False},
    ]
    assert data["questions"][4]["measure"] is None


def test_the_list_query_count_is_pinned(client, survey, street_staff, django_assert_num_queries):
    client.force_login(street_staff)
    client.get(URL)
    # session, user, memberships, count, page, the rounds' communities.
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200


def test_a_response_is_201_then_200_with_the_same_body_when_sent_again(client, survey, community_worker, geo):
    client.force_login(community_worker)
    sent = body(survey, geo.cell, q5="希望多设垃圾桶")
    first = post(client, survey, sent)
    again = post(client, survey, sent)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json() == again.json()
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 4


def test_an_unknown_question_or_option_is_a_400_and_nothing_is_saved(client, survey, community_worker, geo):
    client.force_login(community_worker)
    wrong = body(survey, geo.cell)
    wrong["answers"]["999999"] = ["a"]
    wrong["answers"][str(survey.q1.pk)] = ["z"]
    response = post(client, survey, wrong)
    assert response.status_code == 400
    # Both problems, each its own message, on the answers.
    assert list(response.json()) == ["answers"] and len(response.json()["answers"]) == 2
    assert Response.objects.count() == 0


def test_a_missing_required_answer_is_a_400(client, survey, community_worker, geo):
    client.force_login(community_worker)
    wrong = body(survey, geo.cell)
    del wrong["answers"][str(survey.q2.pk)]
    response = post(client, survey, wrong)
    assert response.status_code == 400 and list(response.json()) == ["answers"]
    assert Response.objects.count() == 0


def test_two_options_on_a_single_choice_question_are_a_400(client, survey, community_worker, geo):
    client.force_login(community_worker)
    wrong = body(survey, geo.cell, q2="a")
    wrong["answers"][str(survey.q2.pk)] = ["a", "b"]
    assert post(client, survey, wrong).status_code == 400


def test_a_cell_outside_the_rounds_communities_is_a_400_on_grid(client, survey, community_worker, geo):
    from tests.factories import GridCellFactory

    elsewhere = GridCellFactory(community__street=geo.street)
    client.force_login(community_worker)
    response = post(client, survey, body(survey, elsewhere))
    assert response.status_code == 400 and list(response.json()) == ["grid"]


def test_a_cell_of_another_community_of_the_round_is_a_400_for_its_worker(client, survey, community_worker, geo):
    client.force_login(community_worker)
    response = post(client, survey, body(survey, geo.other_cell))
    assert response.status_code == 400 and list(response.json()) == ["grid"]


@pytest.mark.parametrize("persona", ["street_staff", "leader"])
def test_a_role_that_does_not_interview_gets_403_on_post(client, survey, geo, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert post(client, survey, body(survey, geo.cell)).status_code == 403
    assert Response.objects.count() == 0


def test_a_volunteer_gets_403_on_the_results(client, survey, interviewer):
    client.force_login(interviewer)
    assert client.get(f"{URL}{survey.round.pk}/results/").status_code == 403


def test_the_results_are_narrowed_to_my_scope_and_to_the_place_asked(
    client, survey, geo, community_worker, other_community_worker, leader
):
    respond(survey, community_worker, geo.cell, q1="a")
    respond(survey, community_worker, geo.sibling_cell, q1="b")
    respond(survey, other_community_worker, geo.other_cell, q1="b")
    client.force_login(leader)
    everything = client.get(f"{URL}{survey.round.pk}/results/").json()
    assert everything["responses"] == 3 and everything["target"] == 23
    assert everything["measures"]["awareness"] == {"rate": 0.3333, "answers": 3, "positive": 1}
    street = client.get(f"{URL}{survey.round.pk}/results/?street={geo.street.code}").json()
    assert (street["responses"], street["target"]) == (2, 15)
    client.force_login(community_worker)
    mine = client.get(f"{URL}{survey.round.pk}/results/").json()
    assert mine["responses"] == 2 and mine["target"] == 10
    assert mine["measures"]["awareness"]["rate"] == 0.5


def test_a_community_out_of_my_scope_is_a_404_on_the_results(client, survey, geo, community_worker):
    client.force_login(community_worker)
    url = f"{URL}{survey.round.pk}/results/?community={geo.other_community.code}"
    assert client.get(url).status_code == 404


def test_a_volunteers_responses_count_as_their_service(client, survey, interviewer, geo):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(interviewer)
    start = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    for minutes in (0, 40, 150):
        sent = body(survey, geo.cell)
        sent["answered_at"] = (start + timedelta(minutes=minutes)).isoformat()
        assert post(client, survey, sent).status_code == 201
    activity = Activity.objects.get(kind=Activity.Kind.SURVEY)
    attendance = Attendance.objects.get(activity=activity)
    # One person-time, from the first to the last response: 2.5 hours.
    assert attendance.volunteer.user == interviewer
    assert str(attendance.hours) == "2.50"


def test_a_community_workers_responses_are_not_volunteer_service(client, survey, community_worker, geo):
    client.force_login(community_worker)
    assert post(client, survey, body(survey, geo.cell)).status_code == 201
    assert not Attendance.objects.exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_with_the_same_client_id_at_once_save_one_response(survey, community_worker, geo):
    from django.test import Client

    sent = body(survey, geo.cell)

    def send():
        client = Client()
        client.force_login(community_worker)
        return post(client, survey, sent).status_code

    codes = run_together(send, send)
    assert sorted(codes) == [200, 201]
    assert Response.objects.filter(client_id=sent["client_id"]).count() == 1


@pytest.mark.parametrize(
    "sent",
    [
        {"client_id": "not-a-uuid", "grid": "370103001001001", "answers": {}},
        {"client_id": str(uuid.uuid4()), "grid": "x" * 40, "answers": {}},
        {"client_id": str(uuid.uuid4()), "grid": "370103001001001", "answers": ["a"]},
        {"client_id": str(uuid.uuid4()), "grid": "370103001001001", "answers": {"1": {"a": 1}}},
        {"client_id": str(uuid.uuid4()), "grid": "370103001001001", "answers": None},
        {"client_id": str(uuid.uuid4()), "grid": "370103001001001", "answers": {}, "answered_at": "yesterday"},
        {"client_id": str(uuid.uuid4()), "grid": "370103001001001", "answers": {}, "answered_at": "2001-01-01T00:00"},
        {"client_id": str(uuid.uuid4()), "grid": "\x00", "answers": {}},
    ],
)
def test_malformed_responses_are_400_with_field_messages(client, survey, community_worker, sent):
    client.force_login(community_worker)
    response = post(client, survey, sent)
    assert response.status_code == 400 and isinstance(response.json(), dict)
    assert Response.objects.count() == 0


def test_wrong_types_inside_the_answers_are_400(client, survey, community_worker, geo):
    client.force_login(community_worker)
    sent = body(survey, geo.cell)
    sent["answers"][str(survey.q1.pk)] = "a"
    sent["answers"][str(survey.q5.pk)] = ["a"]
    response = post(client, survey, sent)
    assert response.status_code == 400 and len(response.json()["answers"]) == 2


def test_a_volunteers_day_of_interviews_is_one_person_time_in_the_volunteers_turnout(client, survey, interviewer, geo):
    from datetime import timedelta

    from django.utils import timezone

    from volunteers.stats import turnout

    client.force_login(interviewer)
    assert post(client, survey, body(survey, geo.cell)).status_code == 201
    assert post(client, survey, body(survey, geo.sibling_cell)).status_code == 201
    now = timezone.now()
    counted = turnout(start=now - timedelta(days=1), end=now + timedelta(minutes=1), communities=[geo.community.pk])
    # Two visits minutes apart: one person-time, the half-hour minimum.
    assert (counted.person_times, str(counted.hours)) == (1, "0.50")


def test_the_results_query_count_does_not_grow_with_the_responses(
    client, survey, geo, community_worker, leader, django_assert_max_num_queries
):
    for _ in range(6):
        respond(survey, community_worker, geo.cell)
    client.force_login(leader)
    client.get(f"{URL}{survey.round.pk}/results/")
    with django_assert_max_num_queries(9):
        assert client.get(f"{URL}{survey.round.pk}/results/?street={geo.street.code}").status_code == 200


def test_counting_many_responses_at_once_gives_the_rows_counted_one_by_one(survey, interviewer, community_worker, geo):
    from datetime import timedelta

    from django.utils import timezone

    from surveys import service
    from surveys.models import ServiceDay

    start = timezone.now().replace(microsecond=0) - timedelta(days=1, hours=2)
    made = [
        respond(survey, interviewer, geo.cell, at=start),
        respond(survey, interviewer, geo.cell, at=start + timedelta(minutes=95)),
        respond(survey, interviewer, geo.cell, at=start + timedelta(days=1)),  # another day
        respond(survey, community_worker, geo.cell, at=start + timedelta(minutes=10)),  # not a volunteer
    ]

    def ledger():
        return sorted(
            Attendance.objects.values_list("volunteer_id", "community_id", "checked_in_at", "checked_out_at", "hours")
        )

    one_by_one = ledger()
    assert len(one_by_one) == 2 and {row[4] for row in one_by_one} == {
        service.MIN_HOURS,
        service._hours(made[0].answered_at, made[1].answered_at),
    }
    Activity.objects.filter(kind=Activity.Kind.SURVEY).delete()
    assert not ServiceDay.objects.exists() and not Attendance.objects.exists()
    assert service.count_many(list(Response.objects.all())) == 2
    assert ledger() == one_by_one
    assert ServiceDay.objects.count() == 2
