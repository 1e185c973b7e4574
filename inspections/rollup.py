"""The daily roll-up of findings: one row per day × street × community × unit × category × source.

The dashboard sums these rows instead of counting a million findings; for its totals, rankings
and charts it reads their subtotals (``DailySubtotal``: the same columns summed over category and
source, over unit and source, over unit and category), written with them from the same rows. Each column is one
``Measure``: a condition on a finding (the ladder's and the statistics' own definitions,
``FindingQuerySet``), and the moment that dates it (its report, its closing, the moment it went
overdue). The same ``MEASURES`` compute the rows, answer "which findings are behind this
number" (``findings_behind``) and state their definitions on the 口径说明 page.

Kept current in two steps:

1. whatever changes a finding marks its days stale (``touch``): the workflow for every event
   it writes, the deadline sweep for what it marks overdue;
2. a Celery task (``refresh_stale``, every minute) recomputes the stale days whole from the
   findings. ``rebuild`` recomputes every day (``manage.py rebuild_rollup``).

A day is recomputed whole (every group of it), so a finding that moved to another community
leaves no stale count behind: its days (report, closing, overdue) are the same before and after.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import DailyCount, DailySubtotal, Finding, FindingEvent, FindingQuerySet, StaleDay

Status = Finding.Status

#: A verification this soon after the dispatch is suspiciously fast (quality of closure).
FAST_CLOSE = timedelta(minutes=10)

GROUP = ("district", "street", "community", "responsible_unit", "category", "source")
Grain = DailySubtotal.Grain
#: What each subtotal keeps of ``GROUP`` (the rest is summed over: None, or "" for the source).
GRAINS = {
    Grain.PLACE: ("district", "street", "community", "responsible_unit"),
    Grain.CATEGORY: ("district", "street", "community", "category"),
    Grain.SOURCE: ("district", "street", "community", "source"),
}


def counted_condition() -> Q:
    """Work to do: dispatched to someone, and not marked invalid or duplicate (as ``inspections.stats``)."""
    return Q(dispatched_at__isnull=False) & ~Q(status__in=[Status.INVALID, Status.DUPLICATE])


def closed_condition() -> Q:
    return Q(status=Status.CLOSED)


def closed_fast_condition() -> Q:
    """Verified and closed within ``FAST_CLOSE`` of its (last) dispatch."""
    return closed_condition() & Q(dispatched_at__isnull=False, closed_at__lte=F("dispatched_at") + FAST_CLOSE)


def closed_by_reporter_condition() -> Q:
    """Verified by the very person who reported it."""
    verified_by_reporter = FindingEvent.objects.filter(
        finding=OuterRef("pk"), kind=FindingEvent.Kind.VERIFIED, actor=OuterRef("reporter")
    )
    return closed_condition() & Q(reporter__isnull=False) & Q(Exists(verified_by_reporter))


@dataclass(frozen=True)
class Measure:
    """One column of the roll-up: which findings count, on which day, and what it means."""

    name: str
    label: str
    definition: str
    #: The moment that dates a finding for this measure.
    dated_by: str
    condition: object  # a callable returning a Q
    #: Summed instead of counted: the seconds from report to closing.
    seconds: bool = False

    def aggregate(self):
        if self.seconds:
            return Sum(
                ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField()),
                filter=self.condition(),
            )
        return Count("pk", filter=self.condition())


DATED_BY = {
    "reported_at": _("the day it was reported"),
    "closed_at": _("the day it was closed"),
    "overdue_at": _("the day it went overdue"),
}

MEASURES: tuple[Measure, ...] = (
    Measure(
        "reported",
        _("Reported"),
        _("Every finding reported, whatever became of it."),
        "reported_at",
        Q,
    ),
    Measure(
        "counted",
        _("To rectify"),
        _("Findings dispatched to a community or a unit, less those marked invalid or duplicate."),
        "reported_at",
        counted_condition,
    ),
    Measure(
        "closed_in_time",
        _("Closed in time"),
        _("Of those to rectify: verified and closed no later than the deadline (an approved extension moves it)."),
        "reported_at",
        lambda: counted_condition() & FindingQuerySet.closed_in_time_condition(),
    ),
    Measure(
        "closed_late",
        _("Closed late"),
        _("Of those to rectify: verified and closed, but after the deadline."),
        "reported_at",
        lambda: counted_condition() & FindingQuerySet.closed_late_condition(),
    ),
    Measure(
        "went_overdue",
        _("Went overdue"),
        _("Of those to rectify: past the deadline while still open, at some moment (closed since or not)."),
        "reported_at",
        lambda: counted_condition() & Q(overdue_at__isnull=False),
    ),
    Measure(
        "returned",
        _("Returned for rework"),
        _("Of those to rectify: returned at least once because the fix was not good enough."),
        "reported_at",
        lambda: counted_condition() & Q(return_count__gt=0),
    ),
    Measure(
        "closed",
        _("Closed"),
        _("Findings verified and closed."),
        "closed_at",
        closed_condition,
    ),
    Measure(
        "close_seconds",
        _("Time to close"),
        _("From the report to the verification, added up over the findings closed."),
        "closed_at",
        closed_condition,
        seconds=True,
    ),
    Measure(
        "closed_fast",
        _("Closed suspiciously fast"),
        _("Verified and closed within 10 minutes of being dispatched."),
        "closed_at",
        closed_fast_condition,
    ),
    Measure(
        "closed_by_reporter",
        _("Verified by its reporter"),
        _("Verified and closed by the same person who reported it."),
        "closed_at",
        closed_by_reporter_condition,
    ),
    Measure(
        "overdue",
        _("Went overdue that day"),
        _("Findings whose deadline passed while they were open, dated by the deadline."),
        "overdue_at",
        lambda: Q(overdue_at__isnull=False),
    ),
)

MEASURE_BY_NAME = {measure.name: measure for measure in MEASURES}
COLUMNS = tuple(measure.name for measure in MEASURES)


# --- which findings are behind a number ----------------------------------------------------


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The days ``start`` … ``end`` (both included) as [start 00:00, the day after end 00:00), local time."""
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=zone), datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=zone
    )


def findings_behind(findings: FindingQuerySet, name: str, *, start: date, end: date) -> FindingQuerySet:
    """The findings of ``findings`` that measure ``name`` counts in the days ``start`` … ``end``."""
    measure = MEASURE_BY_NAME[name]
    begin, finish = day_bounds(start, end)
    return findings.filter(
        measure.condition(), **{f"{measure.dated_by}__gte": begin, f"{measure.dated_by}__lt": finish}
    )


# --- computing rows ------------------------------------------------------------------------


def _days_condition(field: str, days: Iterable[date] | None) -> Q:
    if days is None:
        return Q(**{f"{field}__isnull": False})
    condition = Q(pk__in=[])
    for day in sorted(set(days)):
        begin, finish = day_bounds(day, day)
        condition |= Q(**{f"{field}__gte": begin, f"{field}__lt": finish})
    return condition


def compute(days: Iterable[date] | None = None) -> dict[tuple, dict[str, int]]:
    """The roll-up rows of ``days`` (None: every day) from the findings: {(day, *group): {column: value}}.

    One aggregate query per dating moment (report, closing, overdue), grouped by its local day.
    """
    days = None if days is None else list(days)
    rows: dict[tuple, dict[str, int]] = {}
    for field in DATED_BY:
        measures = [m for m in MEASURES if m.dated_by == field]
        found = (
            Finding.objects.filter(_days_condition(field, days))
            .annotate(rollup_day=TruncDate(field))
            .order_by()
            .values("rollup_day", *GROUP)
            .annotate(**{f"m_{m.name}": m.aggregate() for m in measures})
        )
        for row in found:
            key = (row["rollup_day"], *(row[g] for g in GROUP))
            values = rows.setdefault(key, dict.fromkeys(COLUMNS, 0))
            for m in measures:
                value = row[f"m_{m.name}"]
                if m.seconds:
                    value = int(value.total_seconds()) if value else 0
                values[m.name] = value or 0
    return {key: values for key, values in rows.items() if any(values.values())}


def subtotals(rows: dict[tuple, dict[str, int]]) -> dict[tuple, dict[str, int]]:
    """``compute``'s rows summed to each grain: {(grain, day, *GROUP with the summed-over ones empty): columns}."""
    out: dict[tuple, dict[str, int]] = {}
    for grain, kept in GRAINS.items():
        for key, values in rows.items():
            place = tuple(
                value if name in kept else ("" if name == "source" else None)
                for name, value in zip(GROUP, key[1:], strict=True)
            )
            into = out.setdefault((grain, key[0], *place), dict.fromkeys(COLUMNS, 0))
            for column in COLUMNS:
                into[column] += values[column]
    return out


def _fields() -> list[str]:
    return [*(f"{g}_id" for g in GROUP[:-1]), "source"]


def stored(days: Iterable[date] | None = None) -> dict[tuple, dict[str, int]]:
    """The roll-up rows as stored, in the shape ``compute`` returns."""
    rows = DailyCount.objects.all() if days is None else DailyCount.objects.filter(day__in=list(days))
    fields = ["day", *_fields()]
    return {tuple(r[f] for f in fields): {c: r[c] for c in COLUMNS} for r in rows.values(*fields, *COLUMNS)}


def stored_subtotals(days: Iterable[date] | None = None) -> dict[tuple, dict[str, int]]:
    """The subtotals as stored, in the shape ``subtotals`` returns."""
    rows = DailySubtotal.objects.all() if days is None else DailySubtotal.objects.filter(day__in=list(days))
    fields = ["grain", "day", *_fields()]
    return {tuple(r[f] for f in fields): {c: r[c] for c in COLUMNS} for r in rows.values(*fields, *COLUMNS)}


def _write(days: list[date] | None) -> int:
    rows = compute(days)
    for model in (DailyCount, DailySubtotal):
        old = model.objects.all() if days is None else model.objects.filter(day__in=days)
        old._raw_delete(old.db)
    DailyCount.objects.bulk_create(
        [
            DailyCount(day=key[0], **dict(zip(_fields(), key[1:], strict=True)), **values)
            for key, values in rows.items()
        ],
        batch_size=2000,
    )
    DailySubtotal.objects.bulk_create(
        [
            DailySubtotal(grain=key[0], day=key[1], **dict(zip(_fields(), key[2:], strict=True)), **values)
            for key, values in subtotals(rows).items()
        ],
        batch_size=2000,
    )
    return len(rows)


# --- keeping it current --------------------------------------------------------------------


def _local_day(value: datetime | None) -> date | None:
    return timezone.localdate(value) if value else None


def touch(findings: Iterable[Finding]) -> None:
    """Mark the days of these findings stale (inside the transaction that changed them).

    An upsert, not "insert or ignore": it locks the day's row until this transaction commits,
    so a refresh that is clearing the same day waits for the change and then sees it.
    """
    days = set()
    for finding in findings:
        days |= {_local_day(finding.reported_at), _local_day(finding.closed_at), _local_day(finding.overdue_at)}
    days.discard(None)
    if days:
        now = timezone.now()
        StaleDay.objects.bulk_create(
            [StaleDay(day=day, marked_at=now) for day in sorted(days)],
            update_conflicts=True,
            unique_fields=["day"],
            update_fields=["marked_at"],
        )


def touch_ids(ids: Iterable[int]) -> None:
    """``touch`` for findings known by id (the sweep's claimed rows)."""
    ids = list(ids)
    if ids:
        touch(Finding.objects.filter(pk__in=ids).only("reported_at", "closed_at", "overdue_at"))


def refresh_stale() -> int:
    """Recompute the stale days and clear their marks; returns how many days. Unscoped (a task)."""
    with transaction.atomic():
        days = list(StaleDay.objects.select_for_update().order_by("day").values_list("day", flat=True))
        if not days:
            return 0
        StaleDay.objects.filter(day__in=days).delete()
        # Read after the marks are locked and gone: a change that marked one of these days
        # committed before the lock was granted, so this statement sees it.
        _write(days)
    return len(days)


def rebuild() -> int:
    """Recompute the whole roll-up from the findings; returns the number of rows. Unscoped."""
    with transaction.atomic():
        StaleDay.objects.all().delete()
        return _write(None)
