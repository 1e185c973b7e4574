"""/api/v1/volunteers/: the fields the issue names, scoped like everything else (404 out of scope, 403 wrong role)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import ActivityFactory, SignUpFactory, VolunteerFactory, photo, unit_registered
from volunteers import attendance, wishes
from volunteers.models import DutyRule, SignUp, Wish

pytestmark = pytest.mark.django_db

ACTIVITY_FIELDS = {
    "id",
    "title",
    "community",
    "kind",
    "starts_at",
    "ends_at",
    "place",
    "capacity",
    "description",
    "signed_up",
    "waitlisted",
}


def valid_body(serving) -> dict:
    return {
        "title": "x",
        "community": serving.community.code,
        "kind": "other",
        "starts_at": "2030-01-01T09:00:00+08:00",
        "ends_at": "2030-01-01T10:00:00+08:00",
        "place": "x",
        "capacity": 1,
    }


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_activities_list_has_exactly_the_named_fields(activity, member):
    SignUpFactory(activity=activity, volunteer=member)
    [row] = api(member.user).get("/api/v1/volunteers/activities/").json()["results"]
    assert set(row) == ACTIVITY_FIELDS
    assert (row["community"], row["signed_up"], row["waitlisted"]) == (activity.community.code, 1, 0)


@pytest.mark.parametrize("persona", ["grid_worker", "inspector", "stranger"])
def test_the_activities_are_403_for_other_roles(request, serving, persona):
    assert api(request.getfixturevalue(persona)).get("/api/v1/volunteers/activities/").status_code == 403


def test_an_organiser_creates_an_activity(serving, community_worker):
    start = timezone.now() + timedelta(days=2)
    body = {
        "title": "文明交通劝导",
        "community": serving.community.code,
        "kind": "publicity",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "place": "经七路口",
        "capacity": 6,
    }
    response = api(community_worker).post("/api/v1/volunteers/activities/", body, format="json")
    assert response.status_code == 201 and response.json()["capacity"] == 6


def test_creating_is_403_for_a_volunteer_and_400_in_another_community(serving, member, other_community_worker):
    body = valid_body(serving)
    assert api(member.user).post("/api/v1/volunteers/activities/", body, format="json").status_code == 403
    response = api(other_community_worker).post("/api/v1/volunteers/activities/", body, format="json")
    assert response.status_code == 400 and "community" in response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"starts_at": "2030-02-30T09:00:00+08:00"},
        {"starts_at": "99999-01-01T09:00:00"},
        {"capacity": 0},
        {"title": "a\x00b"},
        {"kind": "duty"},
        {"ends_at": "2030-01-01T08:00:00+08:00"},
    ],
)
def test_bad_input_to_create_is_a_400_and_writes_nothing(serving, community_worker, body):
    base = valid_body(serving)
    response = api(community_worker).post("/api/v1/volunteers/activities/", {**base, **body}, format="json")
    assert response.status_code == 400
    from volunteers.models import Activity

    assert not Activity.objects.exists()


@pytest.mark.parametrize("action", ["signup", "cancel", "checkin", "checkout"])
def test_every_activity_action_is_404_out_of_scope(activity, other_community_worker, action):
    response = api(other_community_worker).post(
        f"/api/v1/volunteers/activities/{activity.pk}/{action}/", {}, format="json"
    )
    assert response.status_code == 404
    assert api(other_community_worker).get(f"/api/v1/volunteers/activities/{activity.pk}/").status_code == 404


@pytest.mark.parametrize("action", ["signup", "cancel", "checkin", "checkout"])
def test_every_activity_action_is_403_for_a_wrong_role(activity, street_staff, member, action):
    # A street's staff see the activity but organise nothing and sign up for nothing.
    body = {"volunteer": member.pk}
    response = api(street_staff).post(f"/api/v1/volunteers/activities/{activity.pk}/{action}/", body, format="json")
    assert response.status_code == 403


def test_sign_up_then_cancel_through_the_api(activity, member):
    client = api(member.user)
    response = client.post(f"/api/v1/volunteers/activities/{activity.pk}/signup/", {}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
    assert client.post(f"/api/v1/volunteers/activities/{activity.pk}/signup/", {}, format="json").status_code == 409
    assert (
        client.post(f"/api/v1/volunteers/activities/{activity.pk}/cancel/", {}, format="json").json()["status"]
        == "cancelled"
    )


def test_checkin_with_the_code_and_checkout_by_the_organiser(serving, member, community_worker):
    start = timezone.now() + timedelta(minutes=5)
    activity = ActivityFactory(community=serving.community, starts_at=start, ends_at=start + timedelta(hours=2))
    SignUpFactory(activity=activity, volunteer=member)
    code = attendance.checkin_code(activity)
    response = api(member.user).post(
        f"/api/v1/volunteers/activities/{activity.pk}/checkin/", {"code": code}, format="json"
    )
    assert response.status_code == 200
    with time_machine.travel(start + timedelta(hours=1, minutes=30)):
        response = api(community_worker).post(
            f"/api/v1/volunteers/activities/{activity.pk}/checkout/", {"volunteer": member.pk}, format="json"
        )
    assert response.json()["hours"] == "1.50"


def test_a_checkin_outside_the_window_is_a_409(activity, member):
    SignUpFactory(activity=activity, volunteer=member)
    response = api(member.user).post(
        f"/api/v1/volunteers/activities/{activity.pk}/checkin/",
        {"code": attendance.checkin_code(activity)},
        format="json",
    )
    assert response.status_code == 409


@pytest.fixture
def rule(serving, unit_staff):
    for _ in range(3):
        VolunteerFactory(unit=serving.unit)
    return DutyRule.objects.create(
        unit=serving.unit,
        community=serving.community,
        per_weekday=4,
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 2, 28),
    )


def test_generate_reports_the_gaps_and_the_roster_lists_the_days(rule, unit_staff):
    with time_machine.travel(date(2027, 1, 20)):
        client = api(unit_staff)
        response = client.post(
            "/api/v1/volunteers/roster/generate/",
            {"rule": rule.pk, "from": "2027-02-01", "to": "2027-02-07"},
            format="json",
        )
        assert response.status_code == 200
        assert [(g["date"], g["missing"]) for g in response.json()["gaps"]] == [
            (f"2027-02-0{d}", 1) for d in range(1, 6)
        ]
        days = client.get("/api/v1/volunteers/roster/?from=2027-02-01&to=2027-02-07").json()["results"]
    assert len(days) == 7 and days[0]["gap"] == 1 and len(days[0]["on_duty"]) == 3


def test_the_roster_is_403_for_volunteers_and_generating_404_out_of_scope_403_for_the_community(
    rule, member, jgsw_staff, community_worker
):
    assert api(member.user).get("/api/v1/volunteers/roster/").status_code == 403
    body = {"rule": rule.pk, "from": "2027-02-01", "to": "2027-02-07"}
    assert api(member.user).post("/api/v1/volunteers/roster/generate/", body, format="json").status_code == 403
    assert api(jgsw_staff).post("/api/v1/volunteers/roster/generate/", body, format="json").status_code == 404
    assert api(community_worker).post("/api/v1/volunteers/roster/generate/", body, format="json").status_code == 403


def test_the_roster_of_another_street_is_not_listed(rule, unit_staff, other_street_staff):
    with time_machine.travel(date(2027, 1, 20)):
        api(unit_staff).post(
            "/api/v1/volunteers/roster/generate/",
            {"rule": rule.pk, "from": "2027-02-01", "to": "2027-02-07"},
            format="json",
        )
        assert (
            api(other_street_staff).get("/api/v1/volunteers/roster/?from=2027-02-01&to=2027-02-07").json()["results"]
            == []
        )


@pytest.fixture
def wish(serving, community_worker):
    return wishes.record_wish(
        actor=community_worker,
        community=serving.community,
        title="路灯",
        description="",
        resident_name="王大爷",
        resident_phone="13905310000",
    )


def test_a_wish_goes_its_whole_way_through_the_api_and_the_phone_stays_in_the_community(
    wish, community_worker, unit_staff, street_staff
):
    worker, unit = api(community_worker), api(unit_staff)
    assert worker.post(f"/api/v1/volunteers/wishes/{wish.pk}/publish/").status_code == 200
    assert unit.post(f"/api/v1/volunteers/wishes/{wish.pk}/claim/", {"unit": "CGJ"}, format="json").status_code == 200
    response = unit.post(
        f"/api/v1/volunteers/wishes/{wish.pk}/fulfil/", {"note": "已修好", "photos": [photo()]}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert (
        worker.post(
            f"/api/v1/volunteers/wishes/{wish.pk}/rate/", {"satisfaction": "satisfied"}, format="json"
        ).status_code
        == 200
    )
    assert worker.get(f"/api/v1/volunteers/wishes/{wish.pk}/").json()["resident"]["phone"] == "13905310000"
    for client in (unit, api(street_staff)):
        body = client.get(f"/api/v1/volunteers/wishes/{wish.pk}/").json()
        assert body["resident"] is None and "13905310000" not in str(body)
    assert [e["kind"] for e in body["timeline"]] == ["recorded", "published", "claimed", "fulfilled", "rated"]


@pytest.mark.parametrize("action", ["publish", "claim", "fulfil", "rate", "cancel"])
def test_every_wish_action_is_404_out_of_scope(wish, other_community_worker, action):
    assert (
        api(other_community_worker)
        .post(f"/api/v1/volunteers/wishes/{wish.pk}/{action}/", {}, format="json")
        .status_code
        == 404
    )


@pytest.mark.parametrize("action", ["publish", "fulfil", "rate", "cancel"])
def test_every_wish_action_is_403_for_a_wrong_role(wish, street_staff, action):
    body = {"satisfaction": "satisfied", "reason": "x"}
    assert (
        api(street_staff).post(f"/api/v1/volunteers/wishes/{wish.pk}/{action}/", body, format="json").status_code == 403
    )


def test_claiming_is_403_for_a_unit_not_registered_there(wish, community_worker, jgsw_staff):
    api(community_worker).post(f"/api/v1/volunteers/wishes/{wish.pk}/publish/")
    response = api(jgsw_staff).post(f"/api/v1/volunteers/wishes/{wish.pk}/claim/", {"unit": "JGSW"}, format="json")
    assert response.status_code in (403, 404)
    assert Wish.objects.get().status == Wish.Status.PUBLISHED


def test_recording_a_wish_is_403_for_others(serving, unit_staff, member):
    body = {"community": serving.community.code, "title": "x", "resident_name": "y"}
    for user in (unit_staff, member.user):
        assert api(user).post("/api/v1/volunteers/wishes/", body, format="json").status_code == 403


def test_my_hours_are_for_volunteers_and_count_attendance(serving, member, community_worker):
    from tests.volunteers.test_registration import served

    served(member, serving.community, "2.5")
    body = api(member.user).get("/api/v1/volunteers/me/hours/").json()
    assert (body["hours"], body["person_times"], body["star"], body["next_star_hours"]) == ("2.50", 1, None, 100)
    assert api(community_worker).get("/api/v1/volunteers/me/hours/").status_code == 403


def test_the_api_lists_take_a_fixed_number_of_queries(serving, member, community_worker, django_assert_max_num_queries):
    unit_registered(serving.other_unit, serving.community)
    for _ in range(10):
        SignUpFactory(
            activity=ActivityFactory(community=serving.community), volunteer=VolunteerFactory(unit=serving.unit)
        )
    with django_assert_max_num_queries(6):
        assert api(community_worker).get("/api/v1/volunteers/activities/").status_code == 200
    with django_assert_max_num_queries(8):
        assert api(community_worker).get("/api/v1/volunteers/wishes/").status_code == 200
    assert SignUp.objects.count() == 10
