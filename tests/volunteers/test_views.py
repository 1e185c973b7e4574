"""The volunteer pages: who may open each (403 for a wrong role, 404 out of scope), what they show."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from tests.factories import ActivityFactory, SignUpFactory, VolunteerFactory, person, registered
from volunteers import attendance
from volunteers.models import Attendance, DutyRule, Registration, SignUp, Wish

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


# --- who may open what ---------------------------------------------------------------------

STAFF_PAGES = [
    "/volunteers/activities/",
    "/volunteers/activities/new/",
    "/volunteers/registrations/",
    "/volunteers/people/",
    "/volunteers/roster/",
    "/volunteers/service/",
    "/volunteers/service/export.xlsx",
]
VOLUNTEER_PAGES = ["/volunteers/profile/", "/volunteers/me/hours/"]


@pytest.mark.parametrize("url", STAFF_PAGES)
@pytest.mark.parametrize("persona", ["volunteer", "grid_worker", "inspector", "stranger"])
def test_staff_pages_refuse_other_roles(client, request, serving, url, persona):
    assert login(client, request.getfixturevalue(persona)).get(url).status_code == 403


@pytest.mark.parametrize("url", STAFF_PAGES[:1] + STAFF_PAGES[2:])
@pytest.mark.parametrize("persona", ["community_worker", "unit_staff", "street_staff", "leader"])
def test_staff_pages_open_for_organisers_and_readers(client, request, serving, url, persona):
    assert login(client, request.getfixturevalue(persona)).get(url).status_code == 200


@pytest.mark.parametrize("url", VOLUNTEER_PAGES)
@pytest.mark.parametrize("persona", ["community_worker", "street_staff", "stranger"])
def test_volunteer_pages_refuse_other_roles(client, request, serving, url, persona):
    assert login(client, request.getfixturevalue(persona)).get(url).status_code == 403


def test_only_organisers_open_the_new_activity_page(client, serving, street_staff, community_worker):
    assert login(client, street_staff).get("/volunteers/activities/new/").status_code == 403
    assert login(client, community_worker).get("/volunteers/activities/new/").status_code == 200


def test_staff_landing_on_the_volunteers_page_go_to_the_activities(client, community_worker):
    response = login(client, community_worker).get("/volunteers/")
    assert response.status_code == 302 and response.url == "/volunteers/activities/"


def test_a_volunteer_without_a_profile_is_asked_for_one_and_saves_it(client, serving, volunteer):
    login(client, volunteer)
    assert 'name="name"' in client.get("/volunteers/").content.decode()
    response = client.post(
        "/volunteers/profile/",
        {"name": "张建华", "phone": "13805310001", "is_party_member": "on", "days": ["0", "5", "6"]},
    )
    assert response.status_code == 302
    assert volunteer.volunteer.availability == 0b1100001


def test_a_bad_profile_is_the_form_again_with_the_error(client, volunteer):
    response = login(client, volunteer).post("/volunteers/profile/", {"name": "", "phone": "abc\x00"})
    assert response.status_code == 400
    assert not hasattr(volunteer, "volunteer") or volunteer.volunteer is None


# --- activities ----------------------------------------------------------------------------


def test_an_activity_out_of_scope_is_404_for_staff_and_volunteers(client, activity, other_community_worker, member):
    url = f"/volunteers/activities/{activity.pk}/"
    assert login(client, other_community_worker).get(url).status_code == 404
    other = VolunteerFactory(user=person(Role.VOLUNTEER, None))
    assert login(client, other.user).get(url).status_code == 404
    assert login(client, member.user).get(url).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["signup/", "cancel/", "call-off/", "capacity/", "attendance/", "add/"],
)
def test_every_activity_action_out_of_scope_is_404(client, activity, other_community_worker, path):
    response = login(client, other_community_worker).post(
        f"/volunteers/activities/{activity.pk}/{path}", {"reason": "x"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["qr/", "attendance.xlsx"])
def test_the_code_and_the_sheet_are_404_out_of_scope_and_403_for_readers(
    client, activity, other_community_worker, street_staff, path
):
    url = f"/volunteers/activities/{activity.pk}/{path}"
    assert login(client, other_community_worker).get(url).status_code == 404
    assert login(client, street_staff).get(url).status_code == 403


@pytest.mark.parametrize("path", ["call-off/", "capacity/", "attendance/", "add/"])
def test_organisers_actions_are_403_for_a_reader_in_scope(client, activity, street_staff, member, path):
    signup = SignUpFactory(activity=activity, volunteer=member)
    data = {"reason": "雨", "capacity": 3, "action": "checkin", "signup": signup.pk, "phone": member.phone}
    assert login(client, street_staff).post(f"/volunteers/activities/{activity.pk}/{path}", data).status_code == 403


def test_signing_up_on_the_page_is_403_for_someone_without_a_profile(client, activity, community_worker):
    assert login(client, community_worker).post(f"/volunteers/activities/{activity.pk}/signup/").status_code == 403


def test_a_volunteer_signs_up_and_sees_it_on_their_page(client, activity, member):
    login(client, member.user)
    response = client.post(f"/volunteers/activities/{activity.pk}/signup/", follow=True)
    assert SignUp.objects.get(activity=activity, volunteer=member).status == SignUp.Status.CONFIRMED
    assert activity.title in client.get("/volunteers/").content.decode()
    assert response.status_code == 200


def test_the_organiser_sees_the_roll_with_phones_masked_unless_they_manage_them(
    client, activity, community_worker, member, resident_member
):
    SignUpFactory(activity=activity, volunteer=member)
    SignUpFactory(activity=activity, volunteer=resident_member)
    html = login(client, community_worker).get(f"/volunteers/activities/{activity.pk}/").content.decode()
    assert "138****0001" in html and "13805310001" not in html
    assert "13805310002" in html  # registered with this community in person: the community manages them


def test_the_organiser_checks_in_and_out_from_the_roll(client, serving, community_worker, member):
    start = timezone.now() + timedelta(minutes=10)
    activity = ActivityFactory(community=serving.community, starts_at=start, ends_at=start + timedelta(hours=2))
    signup = SignUpFactory(activity=activity, volunteer=member)
    login(client, community_worker)
    url = f"/volunteers/activities/{activity.pk}/attendance/"
    assert client.post(url, {"action": "checkin", "signup": signup.pk}).status_code == 302
    with time_machine.travel(start + timedelta(hours=1)):
        assert client.post(url, {"action": "checkout", "signup": signup.pk}).status_code == 302
    assert Attendance.objects.get().hours == 1


def test_the_qr_page_shows_a_code_that_leads_to_check_in(client, serving, community_worker, member):
    start = timezone.now() + timedelta(minutes=10)
    activity = ActivityFactory(community=serving.community, starts_at=start, ends_at=start + timedelta(hours=2))
    SignUpFactory(activity=activity, volunteer=member)
    html = login(client, community_worker).get(f"/volunteers/activities/{activity.pk}/qr/").content.decode()
    assert "<svg" in html
    code = attendance.checkin_code(activity)
    login(client, member.user)
    assert client.get(f"/volunteers/scan/{activity.pk}/{code}/").status_code == 200
    assert client.post(f"/volunteers/scan/{activity.pk}/{code}/").status_code == 302
    assert Attendance.objects.filter(volunteer=member, check_in_method="qr").exists()


def test_an_expired_code_is_refused_on_the_scan_page(client, serving, member):
    start = timezone.now() + timedelta(minutes=10)
    activity = ActivityFactory(community=serving.community, starts_at=start, ends_at=start + timedelta(hours=2))
    SignUpFactory(activity=activity, volunteer=member)
    login(client, member.user)
    assert client.post(f"/volunteers/scan/{activity.pk}/notacode/").status_code == 409
    assert not Attendance.objects.exists()


def test_the_attendance_sheet_is_an_excel_file(client, activity, community_worker, member):
    SignUpFactory(activity=activity, volunteer=member)
    response = login(client, community_worker).get(f"/volunteers/activities/{activity.pk}/attendance.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_the_activity_list_takes_a_fixed_number_of_queries(
    client, serving, community_worker, django_assert_max_num_queries
):
    for _ in range(12):
        activity = ActivityFactory(community=serving.community, capacity=3)
        for _ in range(4):
            SignUpFactory(activity=activity, volunteer=VolunteerFactory(unit=serving.unit))
    login(client, community_worker)
    with django_assert_max_num_queries(10):
        assert client.get("/volunteers/activities/").status_code == 200


def test_a_volunteers_page_takes_a_fixed_number_of_queries(client, serving, member, django_assert_max_num_queries):
    for _ in range(8):
        SignUpFactory(activity=ActivityFactory(community=serving.community), volunteer=member)
        ActivityFactory(community=serving.community)
    login(client, member.user)
    with django_assert_max_num_queries(30):
        assert client.get("/volunteers/").status_code == 200


# --- registrations, people, roster, wishes, hours ------------------------------------------


def test_deciding_a_registration_out_of_scope_is_404_and_for_a_reader_403(
    client, serving, other_community_worker, street_staff
):
    volunteer = VolunteerFactory()
    row = registered(volunteer, serving.community, status=Registration.Status.PENDING)
    assert (
        login(client, other_community_worker)
        .post(f"/volunteers/registrations/{row.pk}/decide/", {"decision": "approve"})
        .status_code
        == 404
    )
    assert (
        login(client, street_staff)
        .post(f"/volunteers/registrations/{row.pk}/decide/", {"decision": "approve"})
        .status_code
        == 403
    )


def test_the_community_approves_on_its_page(client, serving, community_worker):
    row = registered(VolunteerFactory(), serving.community, status=Registration.Status.PENDING)
    login(client, community_worker).post(f"/volunteers/registrations/{row.pk}/decide/", {"decision": "approve"})
    row.refresh_from_db()
    assert row.status == Registration.Status.APPROVED


def test_a_person_out_of_scope_is_404(client, member, jgsw_staff, other_street_staff):
    for user in (jgsw_staff, other_street_staff):
        assert login(client, user).get(f"/volunteers/people/{member.pk}/").status_code == 404


def test_the_units_staff_add_a_person_and_a_reader_may_not(client, serving, unit_staff, street_staff):
    data = {"unit": "CGJ", "name": "刘洋", "phone": "13805310009", "is_party_member": "on", "days": ["0", "1"]}
    assert login(client, street_staff).post("/volunteers/people/new/", data).status_code == 403
    assert login(client, unit_staff).post("/volunteers/people/new/", data).status_code == 302
    assert serving.unit.volunteers.filter(name="刘洋").exists()


def test_the_people_list_masks_phones_of_people_not_managed(client, member, community_worker, unit_staff):
    assert "138****0001" in login(client, community_worker).get("/volunteers/people/").content.decode()
    assert "13805310001" in login(client, unit_staff).get("/volunteers/people/").content.decode()


@pytest.fixture
def rule(serving, unit_staff):
    return DutyRule.objects.create(
        unit=serving.unit,
        community=serving.community,
        per_weekday=2,
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 2, 28),
    )


def test_generating_a_rule_out_of_scope_is_404_and_for_the_community_403(client, rule, jgsw_staff, community_worker):
    data = {"start": "2027-02-01", "end": "2027-02-07"}
    assert login(client, jgsw_staff).post(f"/volunteers/roster/rules/{rule.pk}/generate/", data).status_code == 404
    assert (
        login(client, community_worker).post(f"/volunteers/roster/rules/{rule.pk}/generate/", data).status_code == 403
    )


def test_the_roster_page_shows_the_days_and_the_gaps(client, serving, rule, unit_staff, django_assert_max_num_queries):
    VolunteerFactory(unit=serving.unit)
    with time_machine.travel(date(2027, 1, 20)):
        login(client, unit_staff).post(
            f"/volunteers/roster/rules/{rule.pk}/generate/", {"start": "2027-02-01", "end": "2027-02-28"}
        )
        with django_assert_max_num_queries(25):
            html = client.get("/volunteers/roster/?month=2027-02").content.decode()
    assert html.count('class="gap"') == 20  # one person for a quota of two, every weekday


def test_a_wish_out_of_scope_is_404_and_a_step_for_the_wrong_role_403(
    client, serving, community_worker, other_community_worker, street_staff
):
    from volunteers import wishes

    wish = wishes.record_wish(
        actor=community_worker,
        community=serving.community,
        title="路灯",
        description="",
        resident_name="王大爷",
        resident_phone="13905310000",
    )
    assert login(client, other_community_worker).get(f"/volunteers/wishes/{wish.pk}/").status_code == 404
    assert login(client, other_community_worker).post(f"/volunteers/wishes/{wish.pk}/publish/").status_code == 404
    assert login(client, street_staff).post(f"/volunteers/wishes/{wish.pk}/publish/").status_code == 403
    html = login(client, street_staff).get(f"/volunteers/wishes/{wish.pk}/").content.decode()
    assert "13905310000" not in html and "王大爷" not in html
    assert "13905310000" in login(client, community_worker).get(f"/volunteers/wishes/{wish.pk}/").content.decode()


def test_the_wish_pages_refuse_a_grid_worker(client, serving, grid_worker):
    assert login(client, grid_worker).get("/volunteers/wishes/").status_code == 403
    assert login(client, grid_worker).get("/volunteers/wishes/new/").status_code == 403


def test_a_wish_is_recorded_on_its_page(client, serving, community_worker):
    data = {"title": "休闲座椅", "description": "", "resident_name": "王桂芝", "resident_phone": "13905319999"}
    assert login(client, community_worker).post("/volunteers/wishes/new/", data).status_code == 302
    assert Wish.objects.get().community == serving.community


def test_the_hours_page_ranks_within_the_persons_scope(client, serving, member, street_staff, other_street_staff):
    start = timezone.now() - timedelta(hours=3)
    activity = ActivityFactory(community=serving.community, starts_at=start, ends_at=start + timedelta(hours=2))
    signup = SignUpFactory(activity=activity, volunteer=member, status=SignUp.Status.ATTENDED)
    Attendance.objects.create(
        signup=signup, activity=activity, volunteer=member, community=serving.community, unit=serving.unit,
        checked_in_at=start, checked_out_at=start + timedelta(hours=2), hours=2, check_in_method="qr",
    )  # fmt: skip
    assert "区城管局" in login(client, street_staff).get("/volunteers/service/").content.decode()
    assert "区城管局" not in login(client, other_street_staff).get("/volunteers/service/").content.decode()


@pytest.mark.parametrize(
    "query", ["start=2026-13-01", "start=2027-02-01&end=2027-01-01", "group=nope", "start=99999-01-01"]
)
def test_a_bad_period_is_a_400(client, community_worker, query):
    assert login(client, community_worker).get(f"/volunteers/service/?{query}").status_code == 400


def test_a_certificate_of_someone_else_is_404(client, serving, member, jgsw_staff):
    from tests.volunteers.test_registration import served
    from volunteers import certificates

    served(member, serving.community, "2.0")
    row = certificates.issue_certificate(actor=member.user, volunteer=member, community=serving.community)
    assert login(client, jgsw_staff).get(f"/volunteers/certificates/{row.pk}/").status_code == 404
    html = login(client, member.user).get(f"/volunteers/certificates/{row.pk}/").content.decode()
    assert row.number in html and "2" in html


def test_the_calendar_feed_needs_its_secret(client, member):
    assert client.get("/volunteers/calendar/not-the-token.ics").status_code == 404
    response = client.get(f"/volunteers/calendar/{member.calendar_token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
