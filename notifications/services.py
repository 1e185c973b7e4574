"""Writing to the outbox and delivering from it.

Writers call ``notify`` / ``notify_bulk`` / ``enqueue_callback`` inside the transaction of the
change that causes the message; delivery is asked for only after that transaction commits,
and if the broker is down the request goes on regardless: the sweep delivers later.
"""

import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.channels import DELIVER
from notifications.models import Notification

logger = logging.getLogger(__name__)

Channel = Notification.Channel
State = Notification.State


@dataclass(frozen=True)
class Message:
    """One message to one person; ``key`` makes writing it twice a no-op (without one, every write is new)."""

    recipient: object
    subject: str
    body: str = ""
    link: str = ""
    key: str = ""


def channels_for(user) -> list[str]:
    """In-app always; email and SMS when the person has an address and the channel is on."""
    chosen = [Channel.IN_APP]
    if Channel.EMAIL in settings.NOTIFICATION_CHANNELS and user.email:
        chosen.append(Channel.EMAIL)
    if Channel.SMS in settings.NOTIFICATION_CHANNELS and user.phone:
        chosen.append(Channel.SMS)
    return chosen


def notify_bulk(messages: Iterable[Message], *, now: datetime | None = None) -> int:
    """Write the messages on every channel of each recipient, with one INSERT; returns rows offered.

    In-app rows are born delivered (the bell reads them); the others wait for the courier.
    """
    now = now or timezone.now()
    rows = []
    for message in messages:
        # Not ``id(message)``: addresses are reused once an object is freed, and a later message
        # to the same person would collide with an earlier one and be silently dropped.
        key = message.key or uuid.uuid4().hex
        for channel in channels_for(message.recipient):
            delivered = channel == Channel.IN_APP
            rows.append(
                Notification(
                    recipient=message.recipient,
                    channel=channel,
                    subject=message.subject[:200],
                    body=message.body,
                    link=message.link,
                    state=State.SENT if delivered else State.PENDING,
                    sent_at=now if delivered else None,
                    next_attempt_at=now,
                    created_at=now,
                    idempotency_key=f"{key}:{message.recipient.pk}:{channel}"[:200],
                )
            )
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if any(row.state == State.PENDING for row in rows):
        request_delivery()
    return len(rows)


def notify(message: Message, *, now: datetime | None = None) -> int:
    return notify_bulk([message], now=now)


def enqueue_callback(*, url: str, payload: dict, key: str, subject: str = "", now: datetime | None = None) -> None:
    """A signed JSON POST to a system (the hotline), retried until it is accepted."""
    now = now or timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                channel=Channel.CALLBACK,
                target=url,
                subject=subject[:200] or key[:200],
                payload=payload,
                next_attempt_at=now,
                created_at=now,
                idempotency_key=key[:200],
            )
        ],
        ignore_conflicts=True,
    )
    request_delivery()


_broker_down_until = 0.0


def broker_reachable() -> bool:
    """A quick look at the broker before publishing to it.

    Publishing to a Redis that refuses connections makes the client retry for seconds; a web
    request must not wait for that. One 0.5 s probe answers instead, and a failed probe is
    remembered for 10 s so that a burst of requests during an outage pays for it once.
    """
    global _broker_down_until
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return True  # the filesystem transport has nothing to be down
    if time.monotonic() < _broker_down_until:
        return False
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5, retry=None).ping()
    except redis.RedisError:
        _broker_down_until = time.monotonic() + 10
        return False
    return True


def request_delivery() -> None:
    """Ask a worker to deliver, once the current transaction has committed; never fails the caller."""

    def send() -> None:
        from notifications.tasks import deliver_due

        if not broker_reachable():
            logger.warning("outbox: broker unavailable; delivery left to the sweep")
            return
        try:
            deliver_due.apply_async(retry=False)
        except Exception:  # the broker went down meanwhile: the outbox sweep delivers later
            logger.warning("outbox: broker unavailable; delivery left to the sweep", exc_info=True)

    transaction.on_commit(send)


#: How long a claimed row is left alone while its courier sends it (longer than any timeout).
DELIVERY_LEASE = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    """Exponential: 30 s, 1 min, 2 min, 4 min ... capped at 6 hours."""
    return min(timedelta(seconds=settings.OUTBOX_BACKOFF_SECONDS * 2 ** (attempts - 1)), timedelta(hours=6))


def deliver(notification_id: int, *, now: datetime | None = None) -> bool:
    """Deliver one pending row; True when it was sent by this call.

    1. Claim: in a short transaction, lock the row (``SELECT ... FOR UPDATE SKIP LOCKED``, only
       when it is due), count the attempt and push ``next_attempt_at`` a lease ahead. Another
       courier skips a locked row and, after the commit, finds it not due: the same message is
       never sent by two couriers at once.
    2. Send, outside any transaction: a slow far side holds no lock (on SQLite a lock would stop
       every other write).
    3. Record: sent, or the error with the next attempt after the backoff (or failed for good).
    A crash between 2 and 3 sends the message again after the lease: at least once, never lost;
    callbacks carry an ``Idempotency-Key`` for that case.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            # ``of=("self",)``: PostgreSQL refuses FOR UPDATE on the nullable side of the outer
            # join that select_related("recipient") makes (callbacks have no recipient).
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=notification_id, state=State.PENDING, next_attempt_at__lte=now)
            .select_related("recipient")
            .first()
        )
        if row is None:
            return False
        row.attempts += 1
        row.next_attempt_at = now + DELIVERY_LEASE
        row.save(update_fields=["attempts", "next_attempt_at"])
    try:
        DELIVER[row.channel](row)
    except Exception as exc:  # any failure of the far side is retried, never lost
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            row.state = State.FAILED
            logger.error("outbox: giving up on %s after %s attempts: %s", row.pk, row.attempts, row.last_error)
        else:
            row.next_attempt_at = now + backoff(row.attempts)
        row.save(update_fields=["last_error", "state", "next_attempt_at"])
        return False
    row.state = State.SENT
    row.sent_at = now
    row.last_error = ""
    row.save(update_fields=["last_error", "state", "sent_at"])
    return True


def deliver_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Deliver every pending row whose next attempt is due; returns how many were sent."""
    now = now or timezone.now()
    ids = list(Notification.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return sum(deliver(pk, now=now) for pk in ids)


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's in-app notifications read (all of them when ``ids`` is None)."""
    rows = Notification.objects.visible_to(user).unread()
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
