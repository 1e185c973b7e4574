from datetime import timedelta

from django import template

from web import durations

register = template.Library()


@register.filter
def duration(value) -> str:
    """``{{ delta|duration }}``: 58天18小时, 3小时20分 (a timedelta, or a number of hours)."""
    return durations.duration(value)


@register.filter
def minutes(value) -> int | str:
    """Whole minutes of a timedelta (rounded up), for sentences such as "locked for 15 minutes"."""
    if not isinstance(value, timedelta):
        return ""
    return max(1, -(-int(value.total_seconds()) // 60))
