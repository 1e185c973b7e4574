"""Hours and person-times (人次), from attendance alone, and a unit's quota coverage.

A person-time is one attendance: someone checked in at an activity. Its hours count once the
person is checked out (by the organiser, by the code, or by the sweep at the activity's end).
Each function takes the attendance to count (already scoped by the caller) and aggregates in
the database: one query per table, whatever the number of rows.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from volunteers import rules
from volunteers.models import Attendance, SignUp

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Turnout:
    person_times: int
    hours: Decimal


def turnout(*, start: datetime, end: datetime, communities=None) -> Turnout:
    """Attendance with check-in in [start, end), in these communities (a queryset or ids; None: all).

    ``person_times`` counts every check-in; ``hours`` adds the hours of those checked out. Unscoped:
    the caller decides which communities a person may see (the dashboard passes its own).
    """
    rows = Attendance.objects.filter(checked_in_at__gte=start, checked_in_at__lt=end)
    if communities is not None:
        rows = rows.filter(community__in=communities)
    totals = rows.aggregate(person_times=Count("pk"), hours=Coalesce(Sum("hours"), ZERO))
    return Turnout(person_times=totals["person_times"], hours=totals["hours"])


def week_of(now: datetime) -> tuple[datetime, datetime]:
    """The local week (Monday 00:00 to the next Monday 00:00) that holds ``now``."""
    day = timezone.localdate(now)
    monday = datetime.combine(day - timedelta(days=day.weekday()), time.min, tzinfo=timezone.get_current_timezone())
    return monday, monday + timedelta(days=7)


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The days ``start`` … ``end`` (both included) as [start 00:00, the day after end 00:00), local time."""
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=zone), datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=zone
    )


def turnout_of(attendance: QuerySet, now: datetime) -> Turnout:
    """Person-times and hours of these rows in the week that holds ``now``."""
    start, end = week_of(now)
    totals = attendance.filter(checked_in_at__gte=start, checked_in_at__lt=end).aggregate(
        person_times=Count("pk"), hours=Coalesce(Sum("hours"), ZERO)
    )
    return Turnout(person_times=totals["person_times"], hours=totals["hours"])


@dataclass(frozen=True)
class HoursRow:
    key: object
    code: str
    name: str
    person_times: int
    hours: Decimal
    people: int


#: What each grouping reads from an attendance row: (key, code, name).
GROUPS = {
    "volunteer": ("volunteer_id", "volunteer__unit__code", "volunteer__name"),
    "unit": ("unit_id", "unit__code", "unit__name"),
    "community": ("community_id", "community__code", "community__name"),
    "street": ("community__street_id", "community__street__code", "community__street__name"),
}


def hours_by(attendance: QuerySet, *, group: str, start: datetime, end: datetime, limit: int | None = None):
    """Person-times, hours and distinct people per volunteer, unit, community, street, most hours
    first; or per week (Monday, local time), oldest first."""
    if group == "week":
        return [
            HoursRow(
                key=row["week"],
                code=timezone.localdate(row["week"]).isoformat(),
                name=timezone.localdate(row["week"]).isoformat(),
                person_times=row["person_times"],
                hours=row["hours"],
                people=row["people"],
            )
            for row in weekly(attendance, start=start, end=end, people=True)
        ]
    key, code, name = GROUPS[group]
    rows = (
        attendance.filter(checked_in_at__gte=start, checked_in_at__lt=end)
        .values(key, code, name)
        .annotate(
            person_times=Count("pk"), hours=Coalesce(Sum("hours"), ZERO), people=Count("volunteer_id", distinct=True)
        )
        .order_by("-hours", "-person_times", code, key)
    )
    if limit:
        rows = rows[:limit]
    return [
        HoursRow(
            key=row[key],
            code=row[code] or "",
            name=row[name] or "",
            person_times=row["person_times"],
            hours=row["hours"],
            people=row["people"],
        )
        for row in rows
    ]


def weekly(attendance: QuerySet, *, start: datetime, end: datetime, people: bool = False) -> list[dict]:
    """Person-times and hours (and, with ``people``, distinct people) per week (weeks start on
    Monday, local time), oldest first."""
    counts = {"person_times": Count("pk"), "hours": Coalesce(Sum("hours"), ZERO)}
    if people:
        counts["people"] = Count("volunteer_id", distinct=True)
    return list(
        attendance.filter(checked_in_at__gte=start, checked_in_at__lt=end)
        .annotate(week=TruncWeek("checked_in_at"))
        .values("week")
        .annotate(**counts)
        .order_by("week")
    )


@dataclass(frozen=True)
class Totals:
    person_times: int
    hours: Decimal
    standing: rules.Standing


def totals(attendance: QuerySet) -> Totals:
    """All-time person-times and hours of these rows, and the star level the hours reach."""
    found = attendance.aggregate(person_times=Count("pk"), hours=Coalesce(Sum("hours"), ZERO))
    return Totals(person_times=found["person_times"], hours=found["hours"], standing=rules.standing(found["hours"]))


def standings(volunteer_ids) -> dict[int, rules.Standing]:
    """Each volunteer's all-time hours and star level, in one query."""
    hours = dict(
        Attendance.objects.filter(volunteer_id__in=list(volunteer_ids))
        .values("volunteer_id")
        .annotate(total=Coalesce(Sum("hours"), ZERO))
        .values_list("volunteer_id", "total")
    )
    return {pk: rules.standing(hours.get(pk, ZERO)) for pk in volunteer_ids}


@dataclass(frozen=True)
class Coverage:
    """A unit's weekday quota over a period: places required, assigned on the roster, served."""

    unit_id: int
    unit_code: str
    unit_name: str
    required: int
    assigned: int
    served: int

    @property
    def assigned_rate(self) -> float | None:
        return self.assigned / self.required if self.required else None

    @property
    def served_rate(self) -> float | None:
        return self.served / self.required if self.required else None


def weekdays(start: date, end: date) -> list[date]:
    return [
        start + timedelta(days=i) for i in range((end - start).days + 1) if (start + timedelta(days=i)).weekday() < 5
    ]


def coverage(duty_rules: QuerySet, *, start: date, end: date) -> list[Coverage]:
    """Quota coverage per unit: required = each rule's quota on its weekdays in the period; assigned =
    people on those weekday duty days (however it turned out); served = those who checked in. Three
    queries."""
    required: dict[int, int] = defaultdict(int)
    names: dict[int, tuple[str, str]] = {}
    rules_in = list(
        duty_rules.filter(starts_on__lte=end, ends_on__gte=start).values(
            "pk", "unit_id", "unit__code", "unit__name", "per_weekday", "starts_on", "ends_on"
        )
    )
    for rule in rules_in:
        days = weekdays(max(start, rule["starts_on"]), min(end, rule["ends_on"]))
        required[rule["unit_id"]] += rule["per_weekday"] * len(days)
        names[rule["unit_id"]] = (rule["unit__code"], rule["unit__name"])
    rule_ids = [rule["pk"] for rule in rules_in]
    weekday_filter = Q(activity__starts_at__week_day__in=[2, 3, 4, 5, 6])  # Monday … Friday (Sunday is 1)
    signups = (
        SignUp.objects.filter(
            weekday_filter,
            activity__rule__in=rule_ids,
            activity__cancelled_at__isnull=True,
            activity__starts_at__date__gte=start,
            activity__starts_at__date__lte=end,
        )
        .exclude(status__in=SignUp.ENDED + (SignUp.Status.WAITLISTED,))
        .values(unit=F("activity__rule__unit_id"))
        .annotate(assigned=Count("pk"), served=Count("pk", filter=Q(status=SignUp.Status.ATTENDED)))
    )
    found = {row["unit"]: row for row in signups}
    return sorted(
        (
            Coverage(
                unit_id=unit,
                unit_code=names[unit][0],
                unit_name=names[unit][1],
                required=required[unit],
                assigned=found.get(unit, {}).get("assigned", 0),
                served=found.get(unit, {}).get("served", 0),
            )
            for unit in required
        ),
        key=lambda row: (-(row.served_rate or 0), row.unit_code),
    )


def duty_days(activities: QuerySet) -> QuerySet:
    """Duty days with their places taken (confirmed, attended or absent), for the roster's table."""
    return activities.filter(rule__isnull=False).annotate(
        on_duty=Count(
            "signups",
            filter=Q(signups__status__in=[SignUp.Status.CONFIRMED, SignUp.Status.ATTENDED, SignUp.Status.NO_SHOW]),
        )
    )
