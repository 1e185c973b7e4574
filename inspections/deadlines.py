"""The 24-hour rule, enforced by a set-based sweep (DESIGN §3.3).

Deadlines are data: each finding stores ``deadline_at`` (and ``ack_deadline_at``). Every minute
the beat runs ``sweep()``; ``manage.py enforce_deadlines`` runs the same code by hand. Each
rung of the ladder claims every due finding with one conditional ``UPDATE ... RETURNING``
(the words "due soon", "overdue", "escalated" and their hours are ``inspections.ladder``'s):

1. reminder: due soon and not yet reminded;
2. acknowledgement late: dispatched, not acknowledged by ``ack_deadline_at`` (a reminder and a
   mark for the statistics; no escalation);
3. overdue: open past ``deadline_at`` (``escalation_level`` 0 → 1);
4. escalated: still open ``DEADLINE_ESCALATE_AFTER`` after the deadline (→ 2, the district
   discipline commission's queue).

The WHERE clause of each UPDATE is its own guard: a row another sweep already moved no longer
matches (PostgreSQL re-checks it after waiting for the other's row lock), so two sweeps never
escalate a finding twice. Events are dated when the deadline passed, not when the sweep ran,
so a sweep after hours of downtime writes the same history as one that never stopped. All
rungs, their events and their notifications are one transaction: a crash leaves nothing
half-done. Notifications are one digest per person and rung, not one per finding.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import ngettext

from accounts.models import ROLE_SCOPE, Role, User
from accounts.visibility import people, scope_id
from inspections import ladder, rollup
from inspections.models import Finding, FindingEvent, FindingQuerySet
from inspections.permissions import rectifier_roles
from notifications.services import Message, notify_bulk

Kind = FindingEvent.Kind
OPEN = [str(s) for s in Finding.OPEN_STATUSES]
WORKING = [str(Finding.Status.DISPATCHED), str(Finding.Status.RECTIFYING)]
FINDING_PATHS = FindingQuerySet.scope_paths
#: What each claim returns of a finding: enough to date its event and find who to tell.
RETURNED = [
    "id",
    "code",
    "district_id",
    "street_id",
    "community_id",
    "grid_cell_id",
    "responsible_unit_id",
    "responsible_person_id",
    "deadline_at",
    "ack_deadline_at",
]


@dataclass
class Claimed:
    id: int
    code: str
    district_id: int
    street_id: int | None
    community_id: int | None
    grid_cell_id: int | None
    responsible_unit_id: int | None
    responsible_person_id: int | None
    deadline_at: datetime
    ack_deadline_at: datetime | None


@dataclass
class SweepResult:
    reminded: list[Claimed] = field(default_factory=list)
    ack_late: list[Claimed] = field(default_factory=list)
    overdue: list[Claimed] = field(default_factory=list)
    escalated: list[Claimed] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"reminded {len(self.reminded)}, ack-late {len(self.ack_late)}, "
            f"overdue {len(self.overdue)}, escalated {len(self.escalated)}"
        )


def _db_time(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _py_time(value) -> datetime | None:
    """A datetime read back by raw SQL: aware on PostgreSQL, a UTC string on SQLite."""
    if value is None or isinstance(value, datetime) and timezone.is_aware(value):
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, UTC) if timezone.is_naive(value) else value


@dataclass(frozen=True)
class Logged:
    """A rung's event as SQL over the claimed row: ``at`` and ``payload`` are expressions, ``params`` theirs.

    PostgreSQL only; the portable path, ``_write_events``, states the same rules in Python.
    """

    kind: str
    at: str
    payload: str = "'{}'"
    params: tuple = ()


#: ``deadline_at.isoformat()`` of the value read back, in SQL (the session's time zone is UTC):
#: microseconds only when there are any, all six digits, as in the events ``_write_events`` writes.
ISO_DEADLINE = (
    "to_char(deadline_at AT TIME ZONE 'UTC', CASE WHEN date_trunc('second', deadline_at) = deadline_at "
    """THEN 'YYYY-MM-DD"T"HH24:MI:SS' ELSE 'YYYY-MM-DD"T"HH24:MI:SS.US' END) || '+00:00'"""
)


def _logs_in_claim() -> bool:
    """PostgreSQL writes the events in the claiming statement: a data-modifying CTE.

    At 100,000 findings a rung's events then cost one ``INSERT ... SELECT`` inside the database
    instead of 100,000 model instances and a ``VALUES`` list of megabytes (bench/README.md,
    "Deadline sweep"). SQLite has no ``UPDATE`` inside ``WITH``.
    """
    return connection.vendor == "postgresql"


def _claim(assignments: str, condition: str, params: list, *, log: Logged) -> list[Claimed]:
    """One ``UPDATE ... WHERE <condition> RETURNING``: the rows this sweep, and only it, moved.

    On PostgreSQL the same statement writes each claimed row's event (``log``); elsewhere the
    caller writes them with ``_write_events``.
    """
    table = Finding._meta.db_table
    returned = ", ".join(RETURNED)
    sql = f"UPDATE {table} SET {assignments} WHERE {condition} RETURNING {returned}"  # noqa: S608
    if _logs_in_claim():
        # A data-modifying CTE runs to completion whether or not the outer SELECT reads it, and
        # sees exactly the rows the UPDATE claimed: the guard in the WHERE clause is unchanged.
        sql = (
            f"WITH claimed AS ({sql}), logged AS ("  # noqa: S608
            f"INSERT INTO {FindingEvent._meta.db_table} (finding_id, kind, from_status, to_status, note, at, payload) "
            f"SELECT id, %s, '', '', '', {log.at}, ({log.payload})::jsonb FROM claimed"
            f") SELECT {returned} FROM claimed"
        )
        params = [*params, log.kind, *log.params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [Claimed(*row[:8], deadline_at=_py_time(row[8]), ack_deadline_at=_py_time(row[9])) for row in rows]


def _in(values: list[str]) -> str:
    return ", ".join(["%s"] * len(values))


def sweep(*, now: datetime | None = None) -> SweepResult:
    """Run every rung of the ladder as at ``now``; unscoped, as a system task."""
    now = now or timezone.now()
    escalate_after = ladder.escalate_after()
    t = _db_time
    result = SweepResult()
    with transaction.atomic():
        result.reminded = _claim(
            "reminded_at = %s",
            f"status IN ({_in(WORKING)}) AND reminded_at IS NULL AND escalation_level = 0 "
            "AND deadline_at > %s AND deadline_at <= %s",
            [t(now), *WORKING, t(ladder.overdue_by(now)), t(ladder.due_soon_by(now))],
            log=Logged(Kind.REMINDED, "%s", f"jsonb_build_object('deadline', {ISO_DEADLINE})", (t(now),)),
        )
        result.ack_late = _claim(
            "ack_late_at = ack_deadline_at",
            "status = %s AND ack_late_at IS NULL AND ack_deadline_at <= %s",
            [str(Finding.Status.DISPATCHED), t(now)],
            log=Logged(Kind.ACK_LATE, "ack_deadline_at"),
        )
        # Overdue before escalated: after a long outage one sweep takes a finding 0 → 1 → 2,
        # each step with its own event and date.
        result.overdue = _claim(
            "escalation_level = 1, overdue_at = COALESCE(overdue_at, deadline_at)",
            f"status IN ({_in(OPEN)}) AND escalation_level < 1 AND deadline_at <= %s",
            [*OPEN, t(ladder.overdue_by(now))],
            log=Logged(Kind.OVERDUE, "deadline_at", """'{"level": 1}'"""),
        )
        result.escalated = _claim(
            "escalation_level = 2",
            f"status IN ({_in(OPEN)}) AND escalation_level < 2 AND deadline_at <= %s",
            [*OPEN, t(ladder.escalated_by(now))],
            log=Logged(Kind.ESCALATED, "deadline_at + %s", """'{"level": 2}'""", (escalate_after,)),
        )
        rollup.touch_ids(row.id for row in result.overdue)  # their overdue day, for the dashboard
        if not _logs_in_claim():
            _write_events(result, now=now, escalate_after=escalate_after)
        _notify(result, now=now)
    return result


def _write_events(result: SweepResult, *, now: datetime, escalate_after) -> None:
    """The claimed rows' events with one ``bulk_create``: the portable path (see ``Logged``)."""

    def event(row: Claimed, kind: str, at: datetime, **payload) -> FindingEvent:
        return FindingEvent(finding_id=row.id, actor=None, kind=kind, at=at, payload=payload)

    events = [event(r, Kind.REMINDED, now, deadline=r.deadline_at.isoformat()) for r in result.reminded]
    events += [event(r, Kind.ACK_LATE, r.ack_deadline_at) for r in result.ack_late]
    events += [event(r, Kind.OVERDUE, r.deadline_at, level=1) for r in result.overdue]
    events += [event(r, Kind.ESCALATED, r.deadline_at + escalate_after, level=2) for r in result.escalated]
    FindingEvent.objects.bulk_create(events, batch_size=None)


def _notify(result: SweepResult, *, now: datetime) -> None:
    """One digest per person and rung: the responsible side, the street's and district's discipline bodies."""
    rows = result.reminded + result.ack_late + result.overdue + result.escalated
    if not rows:
        return
    persons = {
        u.pk: u
        for u in User.objects.filter(
            pk__in={r.responsible_person_id for r in rows if r.responsible_person_id}, is_active=True
        )
    }
    # Who must rectify each row, by the one rule (``permissions.rectifier_roles``), read through
    # the finding's scope paths from the claimed columns: one query for everyone of every row.
    wanted = [(role, scope_id(r, ROLE_SCOPE[role], paths=FINDING_PATHS)) for r in rows for role in rectifier_roles(r)]
    wanted += [(Role.STREET_DISCIPLINE, r.street_id) for r in result.overdue + result.escalated]
    wanted += [(Role.INSPECTOR, r.district_id) for r in result.escalated]
    found = people(wanted)

    def rectifiers(row: Claimed) -> list:
        if row.responsible_person_id in persons:
            return [persons[row.responsible_person_id]]
        users = {}
        for role in rectifier_roles(row):
            for user in found[(role, scope_id(row, ROLE_SCOPE[role], paths=FINDING_PATHS))]:
                users.setdefault(user.pk, user)
        return list(users.values())

    digests: dict[tuple[str, int], tuple[object, list[str]]] = {}

    def add(rung: str, users, code: str) -> None:
        for user in users:
            digests.setdefault((rung, user.pk), (user, []))[1].append(code)

    for row in result.reminded:
        add("reminded", rectifiers(row), row.code)
    for row in result.ack_late:
        add("ack_late", rectifiers(row), row.code)
    for row in result.overdue:
        add("overdue", rectifiers(row), row.code)
        add("overdue-discipline", found[(Role.STREET_DISCIPLINE, row.street_id)], row.code)
    for row in result.escalated:
        add("escalated", found[(Role.INSPECTOR, row.district_id)], row.code)
        add("escalated", found[(Role.STREET_DISCIPLINE, row.street_id)], row.code)

    # One function per rung, so that each plural pair stays a literal ngettext() call.
    subjects = {
        "reminded": lambda n: ngettext(
            "%(count)s finding is due within %(hours)s hours", "%(count)s findings are due within %(hours)s hours", n
        ),
        "ack_late": lambda n: ngettext(
            "%(count)s finding was not acknowledged in time", "%(count)s findings were not acknowledged in time", n
        ),
        "overdue": lambda n: ngettext(
            "%(count)s finding is overdue: rectify it now", "%(count)s findings are overdue: rectify them now", n
        ),
        "overdue-discipline": lambda n: ngettext(
            "%(count)s finding in your street is overdue", "%(count)s findings in your street are overdue", n
        ),
        "escalated": lambda n: ngettext(
            "%(count)s finding was escalated to the district discipline commission",
            "%(count)s findings were escalated to the district discipline commission",
            n,
        ),
    }
    hours = int(ladder.remind_before().total_seconds() // 3600)
    run = uuid.uuid4().hex
    messages = []
    for (rung, user_id), (user, codes) in digests.items():
        shown = "、".join(codes[:20]) + ("…" if len(codes) > 20 else "")
        link = (
            reverse("oversight:queue")
            if rung in ("overdue-discipline", "escalated")
            else (reverse("inspections:findings") + "?overdue=true")
        )
        messages.append(
            Message(
                recipient=user,
                subject=subjects[rung](len(codes)) % {"count": len(codes), "hours": hours},
                body=shown,
                link=link,
                key=f"sweep:{run}:{rung}:{user_id}",
            )
        )
    notify_bulk(messages, now=now)
