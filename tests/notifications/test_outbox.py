"""The outbox: rows written with the change that causes them, delivered later with retries."""

import logging
import os
import shutil
import socket
import subprocess
import threading
import time
from datetime import datetime, timedelta

import pytest
import time_machine
from celery.backends.redis import RedisBackend
from celery.contrib.testing.worker import start_worker
from celery.result import AsyncResult
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from kombu import pools

from config.celery import app
from inspections import workflow
from inspections.models import Finding
from notifications import services
from notifications.models import Notification
from notifications.services import Message
from notifications.tasks import deliver_due
from tests.conftest import requires_postgres
from tests.factories import CategoryFactory, FindingFactory, UserFactory

Channel = Notification.Channel
State = Notification.State
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


class RecordingSms:
    """An SMS gateway at the edge of the world: it records what it was asked to send."""

    calls: list[tuple[str, str]] = []
    # Called inside ``send`` (a test makes the gateway slow or make it fail with it).
    hook = None

    def send(self, *, phone: str, text: str) -> None:
        type(self).calls.append((phone, text))
        if type(self).hook is not None:
            type(self).hook()


class BrokenSms:
    """A gateway that is down."""

    def send(self, *, phone: str, text: str) -> None:
        raise ConnectionError("gateway unreachable")


@pytest.fixture(autouse=True)
def _channels(settings):
    settings.NOTIFICATION_CHANNELS = ["in_app", "email", "sms"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = f"{__name__}.RecordingSms"
    settings.OUTBOX_BACKOFF_SECONDS = 30
    settings.OUTBOX_MAX_ATTEMPTS = 8
    RecordingSms.calls = []
    RecordingSms.hook = None
    mail.outbox = []
    yield
    RecordingSms.calls = []
    RecordingSms.hook = None


@pytest.fixture
def texter(db):
    """A person reachable by SMS only."""
    return UserFactory(username="texter", phone="13805310000", email="")


@pytest.fixture
def mailer(db):
    """A person reachable by email only."""
    return UserFactory(username="mailer", email="mailer@example.com", phone="")


def pending(user, channel: str) -> Notification:
    return Notification.objects.get(recipient=user, channel=channel)


# --- written with the change -----------------------------------------------------------------


def test_a_rolled_back_transition_leaves_no_notification(geo, community_worker, settings):
    settings.HOTLINE_CALLBACK_URL = "http://hotline.invalid/feedback"
    finding = FindingFactory(
        grid_cell=geo.cell, category=CategoryFactory(), source=Finding.Source.HOTLINE, external_ref="12345-0001"
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.acknowledge_finding(actor=community_worker, finding=finding)
        # Inside the transaction the acknowledgement did write its callback row ...
        assert Notification.objects.filter(channel=Channel.CALLBACK).count() == 1
        raise RuntimeError("the request failed after the change")
    # ... and the rollback took it away with the change.
    assert not Notification.objects.exists()
    finding.refresh_from_db()
    assert finding.status == Finding.Status.DISPATCHED


def test_a_dispatched_finding_notifies_the_communitys_workers_in_app(
    geo, street_staff, community_worker, other_community_worker
):
    finding = FindingFactory(grid_cell=geo.cell, category=CategoryFactory(), status=Finding.Status.REPORTED)
    workflow.dispatch_finding(actor=street_staff, finding=finding, community=geo.community)
    rows = Notification.objects.filter(channel=Channel.IN_APP)
    assert [row.recipient for row in rows] == [community_worker]
    (row,) = rows
    assert row.state == State.SENT
    assert finding.code in row.subject
    assert row.link == reverse("inspections:detail", args=[finding.code])


# --- idempotency ---------------------------------------------------------------------------------


def test_writing_the_same_message_twice_gives_one_row_per_channel(db):
    person = UserFactory(email="both@example.com", phone="13805310001")
    message = Message(recipient=person, subject="整改提醒", key="event:42")
    services.notify(message)
    services.notify(message)
    rows = Notification.objects.filter(recipient=person)
    assert sorted(rows.values_list("channel", flat=True)) == sorted([Channel.IN_APP, Channel.EMAIL, Channel.SMS])


def test_messages_without_a_key_are_each_written(db):
    person = UserFactory()
    # Written one after another, each message object freed before the next is made.
    subjects = [f"第{n}条" for n in range(10)]
    for subject in subjects:
        services.notify(Message(recipient=person, subject=subject))
    assert sorted(Notification.objects.values_list("subject", flat=True)) == sorted(subjects)


def test_a_person_without_email_or_phone_gets_only_the_in_app_row(db):
    person = UserFactory(email="", phone="")
    services.notify(Message(recipient=person, subject="通知", key="k"))
    assert list(Notification.objects.values_list("channel", flat=True)) == [Channel.IN_APP]


# --- backoff -------------------------------------------------------------------------------------


def test_a_failed_delivery_is_retried_after_30_then_60_then_120_seconds(texter, settings):
    settings.SMS_BACKEND = f"{__name__}.BrokenSms"
    with time_machine.travel(NOW, tick=False) as traveller:
        services.notify(Message(recipient=texter, subject="短信", key="k"))
        for attempt, delay in enumerate([30, 60, 120], start=1):
            assert services.deliver_due() == 0
            row = pending(texter, Channel.SMS)
            assert (row.state, row.attempts) == (State.PENDING, attempt)
            assert row.next_attempt_at == timezone.now() + timedelta(seconds=delay)
            assert "gateway unreachable" in row.last_error
            traveller.shift(timedelta(seconds=delay))


def test_a_row_not_yet_due_is_left_alone(texter, settings):
    settings.SMS_BACKEND = f"{__name__}.BrokenSms"
    with time_machine.travel(NOW, tick=False) as traveller:
        services.notify(Message(recipient=texter, subject="短信", key="k"))
        services.deliver_due()
        traveller.shift(timedelta(seconds=29))
        services.deliver_due()
    assert pending(texter, Channel.SMS).attempts == 1


def test_delivery_gives_up_after_the_last_attempt(texter, settings):
    settings.SMS_BACKEND = f"{__name__}.BrokenSms"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with time_machine.travel(NOW, tick=False) as traveller:
        services.notify(Message(recipient=texter, subject="短信", key="k"))
        for _ in range(3):
            services.deliver_due()
            traveller.move_to(pending(texter, Channel.SMS).next_attempt_at)
        row = pending(texter, Channel.SMS)
        assert (row.state, row.attempts) == (State.FAILED, 3)
        # A failed row is never taken again, however late the sweep comes.
        traveller.shift(timedelta(days=1))
        assert services.deliver_due() == 0
    assert pending(texter, Channel.SMS).attempts == 3


def test_deliver_due_sends_only_the_rows_that_are_due(texter, mailer):
    with time_machine.travel(NOW, tick=False):
        services.notify(Message(recipient=texter, subject="现在", key="now"))
        services.notify(Message(recipient=mailer, subject="以后", key="later"), now=NOW + timedelta(minutes=5))
        assert services.deliver_due() == 1
    assert pending(texter, Channel.SMS).state == State.SENT
    later = pending(mailer, Channel.EMAIL)
    assert (later.state, later.attempts) == (State.PENDING, 0)


def test_a_courier_that_listed_a_row_does_not_retry_it_before_its_backoff(texter, settings):
    settings.SMS_BACKEND = f"{__name__}.BrokenSms"
    with time_machine.travel(NOW, tick=False):
        services.notify(Message(recipient=texter, subject="短信", key="k"))
        row_id = pending(texter, Channel.SMS).pk
        # Two couriers listed the row; the first failed, the second comes right after it.
        assert services.deliver(row_id) is False
        assert services.deliver(row_id) is False
    assert pending(texter, Channel.SMS).attempts == 1


# --- channels --------------------------------------------------------------------------------------


def test_an_email_is_sent_through_django_mail_once(mailer, settings):
    settings.SITE_URL = "https://cc.example.gov.cn/"
    services.notify(Message(recipient=mailer, subject="新问题", body="请签收", link="/findings/X-1/", key="k"))
    assert services.deliver_due() == 1
    assert services.deliver_due() == 0
    (sent,) = mail.outbox
    assert sent.to == ["mailer@example.com"]
    assert sent.subject == "新问题"
    assert sent.body == "请签收\n\nhttps://cc.example.gov.cn/findings/X-1/"
    row = pending(mailer, Channel.EMAIL)
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 1, "")


def test_an_sms_is_sent_through_the_configured_gateway_once(texter):
    services.notify(Message(recipient=texter, subject="新问题", body="请签收", key="k"))
    assert services.deliver_due() == 1
    assert services.deliver_due() == 0
    assert RecordingSms.calls == [("13805310000", "新问题 请签收")]
    assert pending(texter, Channel.SMS).state == State.SENT


# --- couriers and the broker on PostgreSQL and Redis ---------------------------------------------


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_couriers_at_once_send_a_row_only_once(texter):
    # Written directly: ``notify`` would ask the real broker for a delivery after commit.
    row = Notification.objects.create(
        recipient=texter, channel=Channel.SMS, subject="短信", idempotency_key="race", next_attempt_at=NOW
    )
    barrier = threading.Barrier(2)
    one_returned, waited = threading.Event(), []
    # The gateway holds the first courier (and its row lock) until the other courier is done.
    RecordingSms.hook = lambda: waited.append(one_returned.wait(timeout=10))
    results, errors = [], []

    def courier():
        try:
            barrier.wait()
            results.append(services.deliver(row.pk))
            one_returned.set()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=courier) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [False, True]
    assert len(RecordingSms.calls) == 1
    # The second courier returned while the first still held the row: it skipped, not waited.
    assert waited == [True]
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, which it can take down and bring back on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)  # waiting for the server to listen, not for a deadline
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_broker():
    """Point the Celery app at a private Redis; afterwards restore the app's broker and pools."""
    redis = PrivateRedis()
    saved = {
        "broker_url": app.conf.broker_url,
        "result_backend": app.conf.result_backend,
        "_pool": app._pool,
        "_producer_pool": app.amqp._producer_pool,
    }
    app.conf.broker_url = redis.url
    app.conf.result_backend = redis.url
    # The app caches its connection and producer pools on first use: drop them so the next
    # send connects to the private broker.
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield redis
    finally:
        redis.kill()
        app.conf.broker_url = saved["broker_url"]
        app.conf.result_backend = saved["result_backend"]
        app._pool = saved["_pool"]
        app.amqp._producer_pool = saved["_producer_pool"]
        # Close and forget the pools kombu keeps (process-wide) for the private broker.
        for group in (pools.connections, pools.producers):
            for key in [key for key in list(group) if getattr(key, "port", None) == redis.port]:
                group.pop(key).force_close_all()


def deliver_through_broker(backend) -> int:
    sent = deliver_due.apply_async(ignore_result=False)
    return AsyncResult(sent.id, backend=backend, app=app).get(timeout=30)


@requires_postgres
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL (CI does)")
@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server binary")
@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_notification_written_while_the_broker_is_down_is_delivered_after_it_returns_once(
    texter, private_broker, caplog
):
    private_broker.start()
    private_broker.kill()
    # 1. A request changes something while Redis is down: its message is written, the request
    #    commits, and asking for a delivery only leaves a warning in the log.
    with caplog.at_level(logging.WARNING, logger="notifications.services"), transaction.atomic():
        services.notify(Message(recipient=texter, subject="新问题", body="请签收", key="outage"))
    row = pending(texter, Channel.SMS)
    assert (row.state, row.attempts) == (State.PENDING, 0)
    assert "broker unavailable" in caplog.text
    # 2. Redis comes back (empty: it keeps nothing on disk) and a real worker takes the next call.
    private_broker.start()
    backend = RedisBackend(app=app, url=private_broker.url)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        first = deliver_through_broker(backend)
        second = deliver_through_broker(backend)
    assert (first, second) == (1, 0)
    assert RecordingSms.calls == [("13805310000", "新问题 请签收")]
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 1)
