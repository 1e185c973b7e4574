"""The volunteer service's rules of time and recognition, in one place.

- Sign-ups close when the activity starts; a volunteer may cancel until
  ``settings.VOLUNTEER_CANCEL_CUTOFF`` before the start (the organiser until the end).
- Check-in is open from ``CHECKIN_OPENS_BEFORE`` before the start until the end; check-out until
  ``CHECKOUT_CLOSES_AFTER`` after the end. An organiser may record attendance for a week after
  the end (a forgotten check-in, put right); the QR code only within the window.
- Hours of one attendance: from check-in to check-out, within the activity's own hours.
- A confirmed sign-up without attendance is a no-show once the check-out window has closed;
  ``settings.VOLUNTEER_NO_SHOW_LIMIT`` no-shows within ``settings.VOLUNTEER_NO_SHOW_WINDOW``
  make the person's next sign-ups wait for the organiser's approval.
- Reminders: the day before (24 hours) and two hours before, to confirmed sign-ups made before then.
- Star levels (星级志愿者) by cumulative hours: 一星 100, 二星 300, 三星 600, 四星 1000, 五星 1500.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

CHECKIN_OPENS_BEFORE = timedelta(minutes=30)
CHECKOUT_CLOSES_AFTER = timedelta(hours=1)
CORRECTION_PERIOD = timedelta(days=7)
REMIND_DAY_BEFORE = timedelta(hours=24)
REMIND_SOON_BEFORE = timedelta(hours=2)
#: The QR code on the organiser's screen changes this often; a code is good for two steps.
CHECKIN_CODE_STEP = timedelta(seconds=60)


def cancel_cutoff() -> timedelta:
    return settings.VOLUNTEER_CANCEL_CUTOFF


def no_show_limit() -> int:
    return settings.VOLUNTEER_NO_SHOW_LIMIT


def no_show_window() -> timedelta:
    return settings.VOLUNTEER_NO_SHOW_WINDOW


def checkin_open(activity, now: datetime) -> bool:
    return activity.starts_at - CHECKIN_OPENS_BEFORE <= now <= activity.ends_at


def checkout_open(activity, now: datetime) -> bool:
    return activity.starts_at - CHECKIN_OPENS_BEFORE <= now <= activity.ends_at + CHECKOUT_CLOSES_AFTER


def correction_open(activity, now: datetime) -> bool:
    """The organiser may still record or put right attendance."""
    return activity.starts_at - CHECKIN_OPENS_BEFORE <= now <= activity.ends_at + CORRECTION_PERIOD


def no_show_after(activity) -> datetime:
    return activity.ends_at + CHECKOUT_CLOSES_AFTER


def served_hours(
    *, checked_in_at: datetime, checked_out_at: datetime, starts_at: datetime, ends_at: datetime
) -> Decimal:
    """Hours between check-in and check-out that fall within the activity, to two decimals."""
    start = max(checked_in_at, starts_at)
    end = min(checked_out_at, ends_at)
    seconds = max((end - start).total_seconds(), 0)
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Star:
    level: int
    label: str
    hours: int


STARS = (
    Star(1, _("one star"), 100),
    Star(2, _("two stars"), 300),
    Star(3, _("three stars"), 600),
    Star(4, _("four stars"), 1000),
    Star(5, _("five stars"), 1500),
)


@dataclass(frozen=True)
class Standing:
    """Where cumulative hours put a person: their star (None below 100 hours) and the next one."""

    hours: Decimal
    star: Star | None
    next_star: Star | None

    @property
    def hours_to_next(self) -> Decimal | None:
        return None if self.next_star is None else Decimal(self.next_star.hours) - self.hours


def standing(hours: Decimal) -> Standing:
    reached = [star for star in STARS if hours >= star.hours]
    ahead = [star for star in STARS if hours < star.hours]
    return Standing(hours=hours, star=reached[-1] if reached else None, next_star=ahead[0] if ahead else None)
