"""The duty roster generator on a hand-built month (February 2027: four whole weeks from Monday 1st).

区城管局 sends 10 people each weekday to 乐山小区; at weekends everyone available. Its people:
eight regulars who serve every day, two who serve only on Monday, Wednesday and Friday, one who
serves every day but is on leave in the second week, one who serves only at weekends. One regular
has signed up for something else on Wednesday the 17th, during the shift. So a Tuesday or a
Thursday has nine people (eight in the leave week): the quota cannot be met there, and those
days, exactly, are the gaps.
"""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role
from notifications.models import Notification
from tests.factories import ActivityFactory, SignUpFactory, UnitFactory, VolunteerFactory, person, unit_registered
from volunteers import roster, swaps
from volunteers.models import Activity, Attendance, DutyRule, Leave, SignUp
from web.errors import Forbidden, Invalid

FEBRUARY = (date(2027, 2, 1), date(2027, 2, 28))
MWF = 0b0010101
WEEKENDS = 0b1100000
SHIFT = Decimal(3)


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


@pytest.fixture(autouse=True)
def _january():
    with time_machine.travel(local(date(2027, 1, 15), time(10)), tick=False):
        yield


@pytest.fixture
def month(serving, unit_staff):
    unit, community = serving.unit, serving.community
    regulars = [VolunteerFactory(unit=unit, name=f"常{i}") for i in range(8)]
    mwf = [VolunteerFactory(unit=unit, name=f"一三五{i}", availability=MWF) for i in range(2)]
    on_leave = VolunteerFactory(unit=unit, name="请假")
    Leave.objects.create(volunteer=on_leave, starts_on=date(2027, 2, 8), ends_on=date(2027, 2, 12))
    weekends = VolunteerFactory(unit=unit, name="周末", availability=WEEKENDS)
    busy = ActivityFactory(
        community=community, starts_at=local(date(2027, 2, 17), time(9)), ends_at=local(date(2027, 2, 17), time(10))
    )
    SignUpFactory(activity=busy, volunteer=regulars[0])
    rule = DutyRule.objects.create(
        unit=unit,
        community=community,
        per_weekday=10,
        starts_on=FEBRUARY[0],
        ends_on=FEBRUARY[1],
        created_by=unit_staff,
    )
    return {"rule": rule, "regulars": regulars, "mwf": mwf, "on_leave": on_leave, "weekends": weekends}


def duty(rule) -> dict[date, set[int]]:
    days: dict[date, set[int]] = {}
    for activity in Activity.objects.filter(rule=rule).prefetch_related("signups"):
        on = {s.volunteer_id for s in activity.signups.all() if s.status in roster.ON_DUTY}
        days[timezone.localdate(activity.starts_at)] = on
    return days


def hours(rule) -> dict[int, Decimal]:
    total: dict[int, Decimal] = {}
    for signup in SignUp.objects.filter(activity__rule=rule):
        total[signup.volunteer_id] = total.get(signup.volunteer_id, Decimal(0)) + SHIFT
    return total


def test_the_quota_is_met_wherever_enough_people_are_free(month, unit_staff):
    result = roster.generate_roster(actor=unit_staff, rule=month["rule"], start=FEBRUARY[0], end=FEBRUARY[1])
    days = duty(month["rule"])
    assert len(days) == 28 and result.days_created == 28
    for day, on in days.items():
        if day.weekday() in (0, 2, 4):
            assert len(on) == 10, day


def test_the_gaps_are_reported_exactly(month, unit_staff):
    result = roster.generate_roster(actor=unit_staff, rule=month["rule"], start=FEBRUARY[0], end=FEBRUARY[1])
    gaps = {(gap.day.day, gap.assigned, gap.missing) for gap in result.gaps}
    assert gaps == {(2, 9, 1), (4, 9, 1), (9, 8, 2), (11, 8, 2), (16, 9, 1), (18, 9, 1), (23, 9, 1), (25, 9, 1)}


def test_nobody_is_put_on_a_day_they_cannot_serve(month, unit_staff):
    roster.generate_roster(actor=unit_staff, rule=month["rule"], start=FEBRUARY[0], end=FEBRUARY[1])
    days = duty(month["rule"])
    mwf = {v.pk for v in month["mwf"]}
    for day, on in days.items():
        if day.weekday() not in (0, 2, 4):
            assert not on & mwf, day
        if day.weekday() < 5:
            assert month["weekends"].pk not in on, day
        if date(2027, 2, 8) <= day <= date(2027, 2, 12):
            assert month["on_leave"].pk not in on, day
    assert month["regulars"][0].pk not in days[date(2027, 2, 17)]


def test_at_weekends_everyone_available_is_on_duty(month, unit_staff):
    roster.generate_roster(actor=unit_staff, rule=month["rule"], start=FEBRUARY[0], end=FEBRUARY[1])
    everyone = {v.pk for v in month["regulars"]} | {month["on_leave"].pk, month["weekends"].pk}
    for day, on in duty(month["rule"]).items():
        if day.weekday() >= 5:
            assert on == everyone, day


def test_comparable_people_end_within_one_shift_of_each_other(month, unit_staff):
    roster.generate_roster(actor=unit_staff, rule=month["rule"], start=FEBRUARY[0], end=FEBRUARY[1])
    served = hours(month["rule"])
    # Same days, no leave, no other commitment, no hours before: the regulars but the busy one; the MWF pair.
    for group in (month["regulars"][1:], month["mwf"]):
        loads = [served.get(v.pk, Decimal(0)) for v in group]
        assert max(loads) - min(loads) <= SHIFT, loads


def test_those_with_fewer_hours_served_are_chosen_first(serving, unit_staff):
    unit = serving.unit
    veteran, newcomer = VolunteerFactory(unit=unit, name="老"), VolunteerFactory(unit=unit, name="新")
    old = ActivityFactory(
        community=serving.community,
        starts_at=local(date(2027, 1, 5), time(9)),
        ends_at=local(date(2027, 1, 5), time(12)),
    )
    signup = SignUpFactory(activity=old, volunteer=veteran, status=SignUp.Status.ATTENDED)
    Attendance.objects.create(
        signup=signup, activity=old, volunteer=veteran, community=serving.community, unit=unit,
        checked_in_at=old.starts_at, checked_out_at=old.ends_at, hours=Decimal(3), check_in_method="organiser",
    )  # fmt: skip
    rule = DutyRule.objects.create(
        unit=unit,
        community=serving.community,
        per_weekday=1,
        weekends_everyone=False,
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 2, 2),
    )
    roster.generate_roster(actor=unit_staff, rule=rule, start=rule.starts_on, end=rule.ends_on)
    days = duty(rule)
    assert days[date(2027, 2, 1)] == {newcomer.pk}
    assert days[date(2027, 2, 2)] == {veteran.pk}  # now both have three hours; the lower id goes first


def test_generating_again_adds_nothing_and_reports_the_same_gaps(month, unit_staff):
    first = roster.generate_roster(actor=unit_staff, rule=month["rule"], start=FEBRUARY[0], end=FEBRUARY[1])
    again = roster.generate_roster(actor=unit_staff, rule=month["rule"], start=FEBRUARY[0], end=FEBRUARY[1])
    assert (again.days_created, again.assigned) == (0, 0)
    assert [(g.day, g.missing) for g in again.gaps] == [(g.day, g.missing) for g in first.gaps]


def test_the_organisers_are_told_of_the_unfilled_days_once(month, unit_staff):
    roster.generate_roster(actor=unit_staff, rule=month["rule"], start=FEBRUARY[0], end=FEBRUARY[1])
    roster.generate_roster(actor=unit_staff, rule=month["rule"], start=FEBRUARY[0], end=FEBRUARY[1])
    [told] = Notification.objects.filter(recipient=unit_staff, channel="in_app")
    assert "8" in told.subject
    assert "2027-02-09" in told.body and "2027-02-03" not in told.body


def test_a_freed_place_is_filled_by_a_second_run(month, unit_staff):
    rule = month["rule"]
    roster.generate_roster(actor=unit_staff, rule=rule, start=FEBRUARY[0], end=FEBRUARY[1])
    monday = Activity.objects.get(rule=rule, starts_at=local(date(2027, 2, 1), time(8, 30)))
    before = duty(rule)[date(2027, 2, 1)]
    left_out = ({v.pk for v in month["regulars"] + month["mwf"]} | {month["on_leave"].pk}) - before
    taken_off = monday.signups.filter(volunteer=month["regulars"][3])
    assert taken_off.update(status=SignUp.Status.CANCELLED) == 1
    result = roster.generate_roster(actor=unit_staff, rule=rule, start=FEBRUARY[0], end=FEBRUARY[1])
    assert result.assigned == 1
    # The one left out the first time takes the place; the one taken off is not put back.
    assert duty(rule)[date(2027, 2, 1)] - before == left_out


def test_the_generator_issues_the_same_number_of_queries_for_twice_the_people(
    serving, unit_staff, django_assert_max_num_queries
):
    def rule_for(people: int):
        unit = UnitFactory(district=serving.district)
        unit_registered(unit, serving.community)
        for _ in range(people):
            VolunteerFactory(unit=unit)
        staff = person(Role.UNIT_STAFF, unit)
        rule = DutyRule.objects.create(unit=unit, per_weekday=8, starts_on=FEBRUARY[0], ends_on=FEBRUARY[1])
        return staff, rule

    counts = []
    for people in (12, 24):
        staff, rule = rule_for(people)
        staff.roles()
        with CaptureQueriesContext(connection) as queries:
            roster.generate_roster(actor=staff, rule=rule, start=FEBRUARY[0], end=FEBRUARY[1])
        counts.append(queries.captured_queries)
    # Reads are the same whatever the number of people; writes are bulk INSERTs (SQLite splits a
    # long one into batches of its parameter limit, so only their number may grow, by batches).
    reads = [sum(q["sql"].startswith("SELECT") for q in captured) for captured in counts]
    assert reads[0] == reads[1], reads
    assert all(len(captured) <= 20 for captured in counts), [len(c) for c in counts]


def test_spread_over_the_units_communities_the_quota_is_split(serving, unit_staff):
    unit_registered(serving.unit, serving.sibling_community)
    for _ in range(10):
        VolunteerFactory(unit=serving.unit)
    rule = DutyRule.objects.create(
        unit=serving.unit, per_weekday=5, weekends_everyone=False, starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 2)
    )
    roster.generate_roster(actor=unit_staff, rule=rule, start=rule.starts_on, end=rule.ends_on)
    sizes = sorted(
        (timezone.localdate(a.starts_at).day, a.community_id, a.signups.count())
        for a in Activity.objects.filter(rule=rule)
    )
    assert sorted((day, n) for day, _c, n in sizes) == [(1, 2), (1, 3), (2, 2), (2, 3)]
    # The remainder rotates: the community short on Monday is not short on Tuesday.
    short = {day: community for day, community, n in sizes if n == 2}
    assert short[1] != short[2]


def test_only_the_units_staff_generate(month, jgsw_staff, community_worker):
    for actor in (jgsw_staff, community_worker):
        with pytest.raises(Forbidden):
            roster.generate_roster(actor=actor, rule=month["rule"], start=FEBRUARY[0], end=FEBRUARY[1])


def test_a_period_outside_the_rule_is_refused(month, unit_staff):
    with pytest.raises(Invalid):
        roster.generate_roster(actor=unit_staff, rule=month["rule"], start=date(2027, 4, 1), end=date(2027, 4, 30))


def test_a_swap_moves_the_day_when_the_colleague_accepts(month, unit_staff, serving):
    rule = month["rule"]
    roster.generate_roster(actor=unit_staff, rule=rule, start=FEBRUARY[0], end=FEBRUARY[1])
    giver = month["mwf"][0]
    giver.user = person(Role.VOLUNTEER, None)
    giver.save()
    taker = month["weekends"]
    taker.availability = 0b1111111
    taker.user = person(Role.VOLUNTEER, None)
    taker.save()
    signup = SignUp.objects.filter(volunteer=giver, activity__rule=rule).order_by("activity__starts_at").first()
    request = swaps.request_swap(actor=giver.user, signup=signup, colleague=taker)
    swaps.answer_swap(actor=taker.user, swap=request, accept=True)
    signup.refresh_from_db()
    assert signup.volunteer == taker


def test_a_swap_with_someone_who_cannot_serve_that_day_is_refused(month, unit_staff):
    rule = month["rule"]
    roster.generate_roster(actor=unit_staff, rule=rule, start=FEBRUARY[0], end=FEBRUARY[1])
    giver = month["regulars"][1]
    giver.user = person(Role.VOLUNTEER, None)
    giver.save()
    tuesday = SignUp.objects.get(volunteer=giver, activity__starts_at=local(date(2027, 2, 2), time(8, 30)))
    with pytest.raises(Invalid, match=month["mwf"][0].name):
        swaps.request_swap(actor=giver.user, signup=tuesday, colleague=month["mwf"][0])
    thursday_leave = SignUp.objects.get(volunteer=giver, activity__starts_at=local(date(2027, 2, 9), time(8, 30)))
    with pytest.raises(Invalid) as refused:
        swaps.request_swap(actor=giver.user, signup=thursday_leave, colleague=month["on_leave"])
    assert refused.value.message == gettext("%(name)s is on leave that day.") % {"name": month["on_leave"].name}
