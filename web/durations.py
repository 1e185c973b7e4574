"""Durations in words, one way everywhere: 58天18小时, 3小时20分, 45分钟 (58 days 18 hours ...).

Two units at most, the larger first: days and hours from a day on, hours and minutes under a
day, minutes under an hour. Rounded down, so "overdue 2 hours" is never said of 1 h 59 min.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext, pgettext


def _days(n: int) -> str:
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def _hours(n: int) -> str:
    return ngettext("%(n)s hour", "%(n)s hours", n) % {"n": n}


def _minutes(n: int, *, after_hours: bool) -> str:
    if after_hours:
        return npgettext("after hours", "%(n)s minute", "%(n)s minutes", n) % {"n": n}
    return ngettext("%(n)s minute", "%(n)s minutes", n) % {"n": n}


def as_timedelta(value) -> timedelta | None:
    """A timedelta, or hours given as a number (``Decimal("30.5")``), or None."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float | Decimal):
        return timedelta(hours=float(value))
    return None


def duration(value) -> str:
    """The length of ``value`` (a timedelta, or a number of hours) in words; its sign is ignored."""
    delta = as_timedelta(value)
    if delta is None:
        return ""
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes < 1:
        return _("less than a minute")
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        parts = [_days(days)] + ([_hours(hours)] if hours else [])
    elif hours:
        parts = [_hours(hours)] + ([_minutes(minutes, after_hours=True)] if minutes else [])
    else:
        parts = [_minutes(minutes, after_hours=False)]
    if len(parts) == 1:
        return parts[0]
    return pgettext("two units of a duration", "%(larger)s %(smaller)s") % {"larger": parts[0], "smaller": parts[1]}
