"""The Celery app really delivers through the configured broker (Redis in CI)."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from config import health
from config.celery import app
from config.tasks import heartbeat

requires_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/15 (CI does)"
)


def test_beat_schedule_runs_the_heartbeat_every_minute():
    entry = app.conf.beat_schedule["heartbeat"]
    assert entry["task"] == heartbeat.name
    assert entry["schedule"].total_seconds() == 60


@requires_redis
@pytest.mark.celery
def test_a_real_worker_runs_the_heartbeat_sent_through_redis(db):
    assert app.conf.broker_url.startswith("redis://")
    assert not app.conf.task_always_eager
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        heartbeat.delay()
        # The worker thread records the beat in the cache this process shares with it.
        for _ in range(200):
            if health.last_beat() is not None:
                break
            time.sleep(0.05)
    assert health.last_beat() is not None
