"""双报到 and profiles: who serves where, who approves, who sees whose phone."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Role
from notifications.models import Notification
from tests.factories import ActivityFactory, SignUpFactory, VolunteerFactory, person, registered
from volunteers import calendar, certificates, registration
from volunteers.models import Activity, Attendance, Registration, SignUp, Volunteer
from volunteers.permissions import managed_ids, phone_for
from web.errors import Conflict, Forbidden, Invalid

Status = Registration.Status


def test_a_party_member_registers_and_the_community_approves(serving, volunteer, community_worker):
    member = registration.save_profile(actor=volunteer, name="张建华", phone="13805310001", is_party_member=True)
    row = registration.register_member(actor=volunteer, community=serving.community, note="住3号楼")
    assert Notification.objects.filter(recipient=community_worker, subject__contains="张建华").exists()
    assert not Volunteer.objects.serving_in([serving.community.pk]).filter(pk=member.pk).exists()
    registration.decide_registration(actor=community_worker, registration=row, approve=True)
    assert Volunteer.objects.serving_in([serving.community.pk]).filter(pk=member.pk).exists()
    assert Notification.objects.filter(recipient=volunteer, subject__contains=serving.community.name).exists()


def test_a_party_member_has_one_home_community_at_a_time(serving, resident_member):
    with pytest.raises(Conflict):
        registration.register_member(actor=resident_member.user, community=serving.sibling_community)


def test_someone_who_is_not_a_party_member_serves_through_their_unit(serving, volunteer):
    registration.save_profile(actor=volunteer, name="赵军", phone="", is_party_member=False)
    with pytest.raises(Invalid):
        registration.register_member(actor=volunteer, community=serving.community)


def test_only_the_communitys_workers_decide(serving, resident_member, other_community_worker, street_staff):
    Registration.objects.filter(volunteer=resident_member).update(status=Status.WITHDRAWN)
    row = registered(resident_member, serving.sibling_community, status=Status.PENDING)
    for actor in (other_community_worker, street_staff, resident_member.user):
        with pytest.raises(Forbidden):
            registration.decide_registration(actor=actor, registration=row, approve=True)


def test_a_unit_registers_with_several_communities_but_once_with_each(serving, jgsw_staff):
    registration.register_unit(actor=jgsw_staff, unit=serving.other_unit, community=serving.community)
    with pytest.raises(Conflict):
        registration.register_unit(actor=jgsw_staff, unit=serving.other_unit, community=serving.sibling_community)


def test_only_a_units_staff_register_it(serving, unit_staff):
    with pytest.raises(Forbidden):
        registration.register_unit(actor=unit_staff, unit=serving.other_unit, community=serving.community)


def test_a_units_people_serve_where_the_unit_is_approved(serving, jgsw_staff):
    person_ = registration.add_member(actor=jgsw_staff, unit=serving.other_unit, name="周明", phone="13805310003")
    serving_ids = set(Volunteer.objects.serving_in([serving.sibling_community.pk]).values_list("pk", flat=True))
    assert person_.pk in serving_ids
    assert not Volunteer.objects.serving_in([serving.community.pk]).filter(pk=person_.pk).exists()


def test_adding_a_login_gives_it_the_volunteer_role(serving, jgsw_staff, stranger):
    registration.add_member(actor=jgsw_staff, unit=serving.other_unit, name="陈静", username="stranger")
    stranger.refresh_from_db()
    assert stranger.memberships.filter(role=Role.VOLUNTEER).exists()
    assert stranger.volunteer.unit == serving.other_unit


def test_someone_of_another_unit_is_not_taken_over(serving, jgsw_staff, member):
    with pytest.raises(Conflict):
        registration.add_member(actor=jgsw_staff, unit=serving.other_unit, name="x", username=member.user.username)


def test_the_phone_is_whole_for_those_who_manage_the_profile_and_masked_for_others(
    serving, member, resident_member, unit_staff, community_worker, jgsw_staff, street_staff, leader
):
    assert phone_for(member.user, member) == "13805310001"
    assert phone_for(unit_staff, member) == "13805310001"
    assert phone_for(community_worker, resident_member) == "13805310002"
    for user in (jgsw_staff, street_staff, leader, community_worker):
        assert phone_for(user, member) == "138****0001"
    assert managed_ids(leader, [member.pk, resident_member.pk]) == set()


def test_leave_is_recorded_by_the_person_or_their_unit_and_not_by_others(serving, member, unit_staff, jgsw_staff):
    today = timezone.localdate()
    registration.add_leave(actor=member.user, volunteer=member, starts_on=today, ends_on=today)
    registration.add_leave(actor=unit_staff, volunteer=member, starts_on=today, ends_on=today + timedelta(days=2))
    with pytest.raises(Forbidden):
        registration.add_leave(actor=jgsw_staff, volunteer=member, starts_on=today, ends_on=today)
    with pytest.raises(Invalid):
        registration.add_leave(actor=member.user, volunteer=member, starts_on=today, ends_on=today - timedelta(days=1))


def served(member, community, hours: str, *, days_ago: int = 3, kind="cleaning"):
    start = timezone.now() - timedelta(days=days_ago)
    activity = ActivityFactory(community=community, kind=kind, starts_at=start, ends_at=start + timedelta(hours=4))
    signup = SignUpFactory(activity=activity, volunteer=member, status=SignUp.Status.ATTENDED)
    return Attendance.objects.create(
        signup=signup,
        activity=activity,
        volunteer=member,
        community=community,
        unit=member.unit,
        checked_in_at=start,
        checked_out_at=start + timedelta(hours=float(hours)),
        hours=Decimal(hours),
        check_in_method="organiser",
    )


def test_a_certificate_states_the_hours_and_service_in_the_community_and_is_numbered(serving, member):
    served(member, serving.community, "2.5")
    served(member, serving.community, "3.0", days_ago=10, kind="publicity")
    served(member, serving.sibling_community, "4.0")
    first = certificates.issue_certificate(actor=member.user, volunteer=member, community=serving.community)
    second = certificates.issue_certificate(actor=member.user, volunteer=member, community=serving.community)
    assert first.hours == Decimal("5.50") and first.person_times == 2
    labels = [str(Activity.Kind.CLEANING.label), str(Activity.Kind.PUBLICITY.label)]
    assert all(label in first.content for label in labels), first.content
    year = timezone.localdate().year
    assert (first.number, second.number) == (
        f"{year}{serving.community.code}-0001",
        f"{year}{serving.community.code}-0002",
    )


def test_no_certificate_without_hours_there_and_none_for_strangers(serving, member, jgsw_staff):
    with pytest.raises(Invalid):
        certificates.issue_certificate(actor=member.user, volunteer=member, community=serving.community)
    served(member, serving.community, "1.0")
    with pytest.raises(Forbidden):
        certificates.issue_certificate(actor=jgsw_staff, volunteer=member, community=serving.community)


def test_the_calendar_feed_holds_the_persons_activities_and_not_the_cancelled(serving, member):
    coming = ActivityFactory(community=serving.community, title="文明劝导")
    SignUpFactory(activity=coming, volunteer=member)
    dropped = ActivityFactory(community=serving.community, title="已取消的活动")
    SignUpFactory(activity=dropped, volunteer=member, status=SignUp.Status.CANCELLED)
    events = list(Calendar.from_ical(calendar.feed(member)).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["文明劝导"]
    assert events[0].decoded("dtstart") == coming.starts_at.replace(microsecond=0)
    assert events[0]["uid"].startswith("signup-")


def test_renewing_the_calendar_link_changes_its_secret(member):
    old = member.calendar_token
    registration.renew_calendar(actor=member.user, volunteer=member)
    member.refresh_from_db()
    assert member.calendar_token != old and len(member.calendar_token) >= 40


def test_availability_outside_the_week_is_refused(volunteer):
    with pytest.raises(Invalid):
        registration.save_profile(actor=volunteer, name="x", phone="", is_party_member=True, availability=128)


def test_a_person_with_no_role_keeps_no_profile(stranger):
    with pytest.raises(Forbidden):
        registration.save_profile(actor=stranger, name="x", phone="", is_party_member=True)


def test_the_leave_dates_are_days(serving, member):
    leave = registration.add_leave(
        actor=member.user, volunteer=member, starts_on=date(2027, 1, 1), ends_on=date(2027, 1, 3)
    )
    assert leave.volunteer == member
    other = person(Role.VOLUNTEER, None)
    assert VolunteerFactory(user=other).leaves.count() == 0
