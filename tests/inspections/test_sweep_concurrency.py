"""The sweep on PostgreSQL with real concurrency and a real Celery worker."""

import os
import threading
from datetime import timedelta

import pytest
from celery.backends.redis import RedisBackend
from celery.contrib.testing.worker import start_worker
from celery.result import AsyncResult
from django.db import connection
from django.utils import timezone

from config.celery import app
from inspections import deadlines
from inspections.models import Finding, FindingEvent
from inspections.tasks import enforce_deadlines
from tests.conftest import requires_postgres
from tests.factories import FindingFactory

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def make_due(geo, category, count: int, *, hours_ago: float) -> None:
    """``count`` open findings whose deadline passed ``hours_ago`` hours ago, in one INSERT."""
    template = FindingFactory.build(grid_cell=geo.cell, category=category)
    reported = timezone.now() - timedelta(hours=24 + hours_ago)
    rows = []
    for n in range(count):
        row = Finding(
            **{f.attname: getattr(template, f.attname) for f in Finding._meta.concrete_fields if f.attname != "id"}
        )
        row.code = f"370103-20260101-{n:06d}"
        row.reported_at = reported
        row.deadline_at = reported + timedelta(hours=24)
        rows.append(row)
    Finding.objects.bulk_create(rows, batch_size=5000)


def test_two_concurrent_sweeps_write_exactly_one_overdue_event_each(geo, category):
    make_due(geo, category, 10_000, hours_ago=2)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(deadlines.sweep())
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Between them the two sweeps claimed every finding, and no finding twice.
    assert sum(len(r.overdue) for r in results) == 10_000
    assert FindingEvent.objects.filter(kind="overdue").count() == 10_000
    assert FindingEvent.objects.filter(kind="overdue").values("finding").distinct().count() == 10_000
    assert Finding.objects.filter(escalation_level=1).count() == 10_000


def beat_once(backend) -> str:
    """Send the beat's task through the broker and wait for the worker's answer."""
    sent = enforce_deadlines.apply_async(ignore_result=False)
    return AsyncResult(sent.id, backend=backend, app=app).get(timeout=30)


@pytest.mark.celery
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL (CI does)")
def test_beat_task_on_a_real_worker_escalates_a_late_finding_exactly_once(geo, category):
    (finding,) = [
        FindingFactory(grid_cell=geo.cell, category=category, reported_at=timezone.now() - timedelta(hours=50))
    ]
    entry = app.conf.beat_schedule["enforce-deadlines"]
    assert entry["task"] == enforce_deadlines.name
    # The worker thread stores results in Redis; this thread reads them with its own client.
    backend = RedisBackend(app=app, url=os.environ["REDIS_URL"])
    app.conf.result_backend = os.environ["REDIS_URL"]
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            # Two beats in a row: the second finds nothing left to do.
            first = beat_once(backend)
            second = beat_once(backend)
    finally:
        app.conf.result_backend = None
    assert first == "reminded 0, ack-late 0, overdue 1, escalated 1"
    assert second == "reminded 0, ack-late 0, overdue 0, escalated 0"
    finding.refresh_from_db()
    assert finding.escalation_level == 2
    assert FindingEvent.objects.filter(finding=finding, kind="escalated").count() == 1
