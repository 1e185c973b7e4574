"""The deadline ladder's words, each defined once (DESIGN §4).

A finding is **open** until it is closed, invalid or a duplicate. Of an open finding, as at
``now``:

- **overdue**: its deadline has come (``deadline_at <= overdue_by(now)``);
- **escalated**: it is still open ``DEADLINE_ESCALATE_AFTER`` after the deadline
  (``deadline_at <= escalated_by(now)``); an escalated finding is overdue too;
- **due soon** (临期): not overdue, and the deadline falls within ``DEADLINE_REMIND_BEFORE``
  (``deadline_at <= due_soon_by(now)``): the window in which the reminder goes out.

Every reader uses these bounds with ``<=``: the sweep's conditional updates, the querysets
(``FindingQuerySet.overdue`` ...), the model's ``is_overdue`` ..., the lists and the map, the
overdue queue, the ledger, the statistics and the demo generator. Hours come from settings.
"""

from datetime import datetime, timedelta

from django.conf import settings


def remind_before() -> timedelta:
    return settings.DEADLINE_REMIND_BEFORE


def escalate_after() -> timedelta:
    return settings.DEADLINE_ESCALATE_AFTER


def overdue_by(now: datetime) -> datetime:
    """An open finding whose deadline is at or before this is overdue."""
    return now


def escalated_by(now: datetime) -> datetime:
    """An open finding whose deadline is at or before this is escalated to the district."""
    return now - escalate_after()


def due_soon_by(now: datetime) -> datetime:
    """An open finding not overdue whose deadline is at or before this is due soon."""
    return now + remind_before()


def is_overdue(deadline_at: datetime, now: datetime) -> bool:
    return deadline_at <= overdue_by(now)


def is_escalated(deadline_at: datetime, now: datetime) -> bool:
    return deadline_at <= escalated_by(now)


def is_due_soon(deadline_at: datetime, now: datetime) -> bool:
    return not is_overdue(deadline_at, now) and deadline_at <= due_soon_by(now)
