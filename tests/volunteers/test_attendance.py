"""Attendance: QR check-in only within its window, hours from check-in and check-out, no-shows."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tests.factories import ActivityFactory, SignUpFactory
from volunteers import attendance, stats
from volunteers.models import Attendance, SignUp
from web.errors import Conflict, Forbidden, Invalid

Status = SignUp.Status


@pytest.fixture
def start():
    return timezone.now().replace(microsecond=0) + timedelta(days=1)


@pytest.fixture
def timed(serving, start, community_worker):
    """09:00–11:00 tomorrow, more or less: an activity with a fixed start."""
    return ActivityFactory(community=serving.community, starts_at=start, ends_at=start + timedelta(hours=2))


@pytest.fixture
def booked(timed, member):
    return SignUpFactory(activity=timed, volunteer=member)


def scan(member, activity, at, *, out=False):
    with time_machine.travel(at, tick=False):
        code = attendance.checkin_code(activity)
        step = attendance.check_out if out else attendance.check_in
        return step(actor=member.user, activity=activity, code=code)


@pytest.mark.parametrize("minutes", [-31, 121])
def test_a_qr_check_in_outside_the_window_is_refused(timed, booked, member, start, minutes):
    with pytest.raises(Conflict, match="30"):
        scan(member, timed, start + timedelta(minutes=minutes))
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("minutes", [-30, 0, 119])
def test_a_qr_check_in_inside_the_window_is_recorded(timed, booked, member, start, minutes):
    row = scan(member, timed, start + timedelta(minutes=minutes))
    assert row.check_in_method == Attendance.Method.QR and row.volunteer == member
    booked.refresh_from_db()
    assert booked.status == Status.ATTENDED


def test_a_code_from_three_minutes_ago_is_refused_and_last_minutes_is_accepted(timed, booked, member, start):
    with time_machine.travel(start - timedelta(minutes=3), tick=False):
        old = attendance.checkin_code(timed)
    with time_machine.travel(start - timedelta(minutes=1), tick=False):
        previous = attendance.checkin_code(timed)
    with time_machine.travel(start, tick=False):
        with pytest.raises(Invalid):
            attendance.check_in(actor=member.user, activity=timed, code=old)
        assert attendance.check_in(actor=member.user, activity=timed, code=previous)


def test_the_code_of_one_activity_does_not_open_another(serving, timed, booked, member, start):
    other = ActivityFactory(community=serving.community, starts_at=start, ends_at=start + timedelta(hours=2))
    with time_machine.travel(start, tick=False), pytest.raises(Invalid):
        attendance.check_in(actor=member.user, activity=timed, code=attendance.checkin_code(other))


def test_checking_in_without_a_sign_up_is_refused(timed, member, start):
    with pytest.raises(Conflict):
        scan(member, timed, start)


def test_hours_run_from_check_in_to_check_out_within_the_activity(timed, booked, member, start):
    scan(member, timed, start - timedelta(minutes=20))  # early: counted from the start
    row = scan(member, timed, start + timedelta(hours=1, minutes=30), out=True)
    assert row.hours == Decimal("1.50")


def test_hours_stop_at_the_end_of_the_activity(timed, booked, member, start):
    scan(member, timed, start)
    row = scan(member, timed, start + timedelta(hours=2, minutes=40), out=True)
    assert row.hours == Decimal("2.00")


def test_only_the_organisers_check_someone_in(timed, booked, member, other_community_worker, start):
    with time_machine.travel(start, tick=False), pytest.raises(Forbidden):
        attendance.check_in(actor=other_community_worker, activity=timed, volunteer=member)


def test_the_organiser_checks_in_and_out_and_everyone_out_at_once(timed, booked, member, community_worker, start):
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        attendance.check_in(actor=community_worker, activity=timed, volunteer=member)
    with time_machine.travel(start + timedelta(hours=1, minutes=5), tick=False):
        assert attendance.check_out_everyone(actor=community_worker, activity=timed) == 1
    assert Attendance.objects.get().hours == Decimal("1.00")


def test_hours_and_person_times_come_from_attendance_never_from_sign_ups(serving, timed, booked, member, start):
    # Signed up (confirmed) but never checked in: no hours, no person-time.
    window = {"start": start - timedelta(days=1), "end": start + timedelta(days=1)}
    assert stats.turnout(**window) == stats.Turnout(person_times=0, hours=Decimal("0"))
    scan(member, timed, start)
    assert stats.turnout(**window) == stats.Turnout(person_times=1, hours=Decimal("0"))
    scan(member, timed, start + timedelta(hours=2), out=True)
    assert stats.turnout(**window) == stats.Turnout(person_times=1, hours=Decimal("2.00"))


def test_turnout_counts_check_ins_in_the_half_open_period_and_the_communities_given(
    serving, timed, booked, member, start
):
    scan(member, timed, start)
    scan(member, timed, start + timedelta(hours=1), out=True)
    at = Attendance.objects.get().checked_in_at
    assert stats.turnout(start=at, end=at + timedelta(seconds=1)).person_times == 1
    assert stats.turnout(start=at - timedelta(hours=1), end=at).person_times == 0
    assert stats.turnout(start=at, end=at + timedelta(hours=1), communities=[serving.community.pk]).hours == Decimal(
        "1.00"
    )
    community_qs = type(serving.community).objects.filter(pk=serving.other_community.pk)
    assert stats.turnout(start=at, end=at + timedelta(hours=1), communities=community_qs).person_times == 0


def test_a_confirmed_sign_up_without_attendance_becomes_a_no_show_once(timed, booked, start):
    with time_machine.travel(start + timedelta(hours=2, minutes=59), tick=False):
        assert attendance.close_finished() == (0, 0)
    with time_machine.travel(start + timedelta(hours=3, minutes=1), tick=False):
        assert attendance.close_finished() == (1, 0)
        assert attendance.close_finished() == (0, 0)
    booked.refresh_from_db()
    assert booked.status == Status.NO_SHOW


def test_an_attendance_left_open_is_closed_at_the_end_of_the_activity(timed, booked, member, start):
    scan(member, timed, start + timedelta(minutes=30))
    with time_machine.travel(start + timedelta(hours=4), tick=False):
        assert attendance.close_finished() == (0, 1)
    row = Attendance.objects.get()
    assert row.closed_at_end and row.hours == Decimal("1.50") and row.checked_out_at == timed.ends_at


def test_the_organiser_puts_a_no_show_right_within_a_week(timed, booked, member, community_worker, start):
    with time_machine.travel(start + timedelta(hours=4), tick=False):
        attendance.close_finished()
    with time_machine.travel(start + timedelta(days=2), tick=False):
        row = attendance.check_in(actor=community_worker, activity=timed, volunteer=member, at=start)
        attendance.check_out(actor=community_worker, activity=timed, volunteer=member, at=start + timedelta(hours=2))
    booked.refresh_from_db()
    assert booked.status == Status.ATTENDED and row.checked_in_at == start
    assert Attendance.objects.get().hours == Decimal("2.00")
    with time_machine.travel(start + timedelta(days=8), tick=False), pytest.raises(Invalid):
        attendance.check_out(actor=community_worker, activity=timed, volunteer=member)
