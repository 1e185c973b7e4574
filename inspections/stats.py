"""Unit performance over a period (DESIGN §1): one aggregate query per grouping.

Definitions, over the findings reported in [start, end) and dispatched to someone:

- total: those findings;
- 按时签收率 (acknowledged in time): acknowledged no later than ``ack_deadline_at``, / total;
- 按期整改率 (closed in time): closed (verified) no later than ``deadline_at``, / total;
- overdue: went overdue at some point (``FindingQuerySet.went_overdue_condition``: overdue now,
  or marked by the sweep when it was), still open or not, even when an extension was approved
  afterwards;
- 超期办结 (closed late): verified and closed after the deadline, / total;
- 返工率 (returned): returned for rework at least once, / total;
- 延期率 (extended): granted at least one extension, / total;
- average hours to close: from report to verification, over the closed ones.

Findings marked invalid or duplicate are left out: they were never work to do.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from inspections.models import Finding, FindingQuerySet

GROUPS = {
    # grouping → (code field, name field, which findings belong to such a group)
    "unit": ("responsible_unit__code", "responsible_unit__name", Q(responsible_unit__isnull=False)),
    "community": ("community__code", "community__name", Q(responsible_unit__isnull=True, community__isnull=False)),
    "street": ("street__code", "street__name", Q(street__isnull=False)),
}


@dataclass(frozen=True)
class Performance:
    code: str
    name: str
    total: int
    ack_in_time: int
    closed_in_time: int
    overdue: int
    returned: int
    extended: int
    avg_hours_to_close: float | None
    closed_late: int = 0

    @staticmethod
    def _rate(part: int, total: int) -> float | None:
        return round(part / total, 4) if total else None

    @property
    def ack_in_time_rate(self):
        return self._rate(self.ack_in_time, self.total)

    @property
    def closed_in_time_rate(self):
        return self._rate(self.closed_in_time, self.total)

    @property
    def closed_late_rate(self):
        return self._rate(self.closed_late, self.total)

    @property
    def return_rate(self):
        return self._rate(self.returned, self.total)

    @property
    def extension_rate(self):
        return self._rate(self.extended, self.total)


def performance(findings: QuerySet, *, start: datetime, end: datetime, group: str) -> list[Performance]:
    """Performance per unit, community or street of ``findings`` (already scoped by the caller)."""
    code_field, name_field, belongs = GROUPS[group]
    closed = Q(status=Finding.Status.CLOSED)
    now = timezone.now()
    rows = (
        findings.filter(belongs, reported_at__gte=start, reported_at__lt=end, dispatched_at__isnull=False)
        .exclude(status__in=[Finding.Status.INVALID, Finding.Status.DUPLICATE])
        .values(code_field, name_field)
        .annotate(
            total=Count("id"),
            ack_in_time=Count("id", filter=Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("ack_deadline_at"))),
            closed_in_time=Count("id", filter=FindingQuerySet.closed_in_time_condition()),
            closed_late=Count("id", filter=FindingQuerySet.closed_late_condition()),
            overdue=Count("id", filter=FindingQuerySet.went_overdue_condition(now)),
            returned=Count("id", filter=Q(return_count__gt=0)),
            extended=Count("id", filter=Q(extension_count__gt=0)),
            to_close=Avg(
                ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField()), filter=closed
            ),
        )
        .order_by(code_field)
    )
    return [
        Performance(
            code=row[code_field],
            name=row[name_field],
            total=row["total"],
            ack_in_time=row["ack_in_time"],
            closed_in_time=row["closed_in_time"],
            overdue=row["overdue"],
            returned=row["returned"],
            extended=row["extended"],
            avg_hours_to_close=round(row["to_close"].total_seconds() / 3600, 1) if row["to_close"] else None,
            closed_late=row["closed_late"],
        )
        for row in rows
    ]


# --- ranking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A column of the performance table: the value it ranks by, and which way is better."""

    key: str
    value: Callable[[Performance], float | int | None]
    higher_is_better: bool


#: The measures a table may be sorted and ranked by, by their key in URLs.
MEASURES = {
    m.key: m
    for m in (
        Measure("total", lambda row: row.total, True),
        Measure("ack", lambda row: row.ack_in_time_rate, True),
        Measure("closed", lambda row: row.closed_in_time_rate, True),
        Measure("overdue", lambda row: row.overdue, False),
        Measure("late", lambda row: row.closed_late, False),
        Measure("returned", lambda row: row.return_rate, False),
        Measure("extended", lambda row: row.extension_rate, False),
        Measure("to_close", lambda row: row.avg_hours_to_close, False),
    )
}
#: The default ranking: 按期整改率, the rate the rule of 24 hours is judged by.
DEFAULT_MEASURE = "closed"


def ranked(
    rows: list[Performance], *, by: str = DEFAULT_MEASURE, best_first: bool = True
) -> list[tuple[int, Performance]]:
    """The rows with their rank (1 = best) by one measure, ordered best first (or worst first).

    Ties share a rank (1, 2, 2, 4); rows with no value (no findings, nothing closed) come last and
    have no rank. The rows are one peer group: streets, communities or units, never mixed.
    """
    measure = MEASURES[by]
    valued = [row for row in rows if measure.value(row) is not None]
    empty = [row for row in rows if measure.value(row) is None]
    valued.sort(key=lambda row: (measure.value(row), row.code))
    if measure.higher_is_better:
        valued.sort(key=lambda row: measure.value(row), reverse=True)  # stable: ties keep code order
    out: list[tuple[int, Performance]] = []
    for position, row in enumerate(valued, start=1):
        tied = out and measure.value(out[-1][1]) == measure.value(row)
        out.append((out[-1][0] if tied else position, row))
    if not best_first:
        out.reverse()
    return out + [(None, row) for row in sorted(empty, key=lambda row: row.code)]
