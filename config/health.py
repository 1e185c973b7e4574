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


def report() -> tuple[dict, bool]:
    db = database_ok()
    try:
        beat = last_beat()
    except Exception:  # a broken cache must not hide the database's state
        logger.warning("health: cannot read the last beat", exc_info=True)
        beat = None
    now = timezone.now()
    body = {
        "status": "ok" if db else "error",
        "database": "ok" if db else "down",
        "broker": broker_state(),
        "beat": {
            "last_run": beat.isoformat() if beat else None,
            "age_seconds": round((now - beat).total_seconds()) if beat else None,
        },
        "time": now.isoformat(),
    }
    return body, db
