"""State of the database, the broker and the beat, for /healthz."""

import logging
import os
from datetime import datetime

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

BEAT_KEY = "health:last-beat"
#: The beat runs every minute; a last run older than this means it has stopped.
BEAT_STALE_AFTER_SECONDS = 5 * 60


def record_beat() -> datetime:
    now = timezone.now()
    cache.set(BEAT_KEY, now.isoformat(), timeout=None)
    return now


def last_beat() -> datetime | None:
    value = cache.get(BEAT_KEY)
    return datetime.fromisoformat(value) if value else None


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def broker_state() -> str:
    """'ok' or 'down'; never raises, never blocks for more than a couple of seconds."""
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return "ok" if os.path.isdir(folder) and os.access(folder, os.W_OK) else "down"
    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
        return "ok" if client.ping() else "down"
    except Exception:
        return "down"


def overall(*, db: bool, broker: str, beat_age: float | None) -> str:
    """``error`` without a database; ``starting`` until the beat has run once (deadlines are not yet
    enforced); ``degraded`` when the broker is down or the beat has stopped; else ``ok``."""
    if not db:
        return "error"
    if beat_age is None:
        return "starting"
    if broker != "ok" or beat_age > BEAT_STALE_AFTER_SECONDS:
        return "degraded"
    return "ok"


def report() -> tuple[dict, bool]:
    """The health answer and whether the portal can serve (the database answers)."""
    db = database_ok()
    try:
        beat = last_beat()
    except Exception:  # a broken cache must not hide the database's state
        logger.warning("health: cannot read the last beat", exc_info=True)
        beat = None
    now = timezone.now()
    broker = broker_state()
    age = (now - beat).total_seconds() if beat else None
    body = {
        "status": overall(db=db, broker=broker, beat_age=age),
        "database": "ok" if db else "down",
        "broker": broker,
        "beat": {
            "last_run": beat.isoformat() if beat else None,
            "age_seconds": round(age) if age is not None else None,
        },
        "time": now.isoformat(),
    }
    return body, db
