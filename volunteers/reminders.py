"""Reminders the day before and two hours before an activity, through the outbox, each sent once.

Each rung claims its due sign-ups in one transaction: ``SELECT ... FOR UPDATE SKIP LOCKED`` of
the due rows (a second sweep running at the same moment skips them), one ``UPDATE`` that sets the
rung's mark on all of them (so no later sweep finds them again), and one ``INSERT`` of the
messages, keyed by sign-up and rung (so even a message written twice is stored once). A sign-up
made inside a rung's lead time gets no reminder of that rung: the person has just seen the time.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.services import Message, notify_bulk
from volunteers import rules
from volunteers.models import SignUp


@dataclass(frozen=True)
class Rung:
    name: str
    mark: str
    lead: timedelta
    #: Due no earlier than this before the start: a later rung takes over inside its own lead.
    until: timedelta


RUNGS = (
    Rung("day", "reminded_day_at", rules.REMIND_DAY_BEFORE, rules.REMIND_SOON_BEFORE),
    Rung("soon", "reminded_soon_at", rules.REMIND_SOON_BEFORE, timedelta(0)),
)


def _due(rung: Rung, now: datetime):
    return SignUp.objects.filter(
        status=SignUp.Status.CONFIRMED,
        activity__cancelled_at__isnull=True,
        activity__starts_at__gt=now + rung.until,
        activity__starts_at__lte=now + rung.lead,
        confirmed_at__lte=F("activity__starts_at") - rung.lead,
        **{f"{rung.mark}__isnull": True},
    )


def _message(rung: Rung, row: dict) -> Message:
    when = timezone.localtime(row["activity__starts_at"])
    names = {"title": row["activity__title"], "date": when.strftime("%m-%d"), "time": when.strftime("%H:%M")}
    if rung.name == "day":
        subject = _("Reminder: %(title)s on %(date)s at %(time)s") % names
    else:
        subject = _("In two hours, at %(time)s: %(title)s") % names
    body = _("Meet at %(place)s. If you cannot come, cancel so that someone on the waitlist can take your place.") % {
        "place": row["activity__place"]
    }
    return Message(
        recipient=row["recipient"],
        subject=subject,
        body=body,
        link=reverse("volunteers:activity", args=[row["activity_id"]]),
        key=f"vol-remind:{rung.name}:{row['pk']}",
    )


def send_reminders(now: datetime | None = None) -> dict[str, int]:
    """Both rungs, unscoped (a system task); returns how many sign-ups each reminded."""
    now = now or timezone.now()
    sent = {}
    for rung in RUNGS:
        with transaction.atomic():
            rows = list(
                _due(rung, now)
                .select_for_update(skip_locked=True, of=("self",))
                .values(
                    "pk",
                    "activity_id",
                    "activity__title",
                    "activity__place",
                    "activity__starts_at",
                    "volunteer__user_id",
                )
            )
            if not rows:
                sent[rung.name] = 0
                continue
            SignUp.objects.filter(pk__in=[row["pk"] for row in rows]).update(**{rung.mark: now})
            users = User.objects.in_bulk({row["volunteer__user_id"] for row in rows if row["volunteer__user_id"]})
            messages = []
            for row in rows:
                user = users.get(row["volunteer__user_id"])
                if user is not None and user.is_active:
                    messages.append(_message(rung, {**row, "recipient": user}))
            notify_bulk(messages, now=now)
            sent[rung.name] = len(rows)
    return sent
