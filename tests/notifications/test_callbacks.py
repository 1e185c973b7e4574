"""The signed callback to the 12345 hotline on every status change of a finding it reported."""

import hashlib
import hmac
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from inspections import workflow
from inspections.models import Finding
from notifications import services
from notifications.models import Notification
from tests.factories import CategoryFactory, FindingFactory

State = Notification.State
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
SECRET = "hotline-shared-secret"


class Hotline:
    """The hotline's feedback endpoint: refuses the first call with a 500, accepts the others."""

    def __init__(self):
        self.received: list[dict] = []  # every request, with the status it was answered
        hotline = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status, headers = hotline.answer(self.path)
                hotline.received.append(
                    {"method": "POST", "status": status, "headers": dict(self.headers), "body": body}
                )
                self.send_response(status)
                for name, value in {"Content-Length": "0", **headers}.items():
                    self.send_header(name, value)
                self.end_headers()

            def do_GET(self):
                hotline.received.append({"method": "GET", "status": 200, "headers": dict(self.headers), "body": b""})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):  # keep the test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/feedback"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def answer(self, path: str) -> tuple[int, dict]:
        return (500 if not self.received else 200), {}

    def accepted(self) -> list[dict]:
        return [r for r in self.received if r["method"] == "POST" and r["status"] == 200]


class MovedHotline(Hotline):
    """An endpoint that moved: it redirects every POST to a page that answers GET with 200."""

    def answer(self, path: str) -> tuple[int, dict]:
        return 302, {"Location": "/moved"}


def serving(server: Hotline, settings):
    server.thread.start()
    settings.HOTLINE_CALLBACK_URL = server.url
    settings.HOTLINE_CALLBACK_SECRET = SECRET
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join(timeout=5)


@pytest.fixture
def hotline(settings):
    yield from serving(Hotline(), settings)


@pytest.fixture
def moved_hotline(settings):
    yield from serving(MovedHotline(), settings)


def hotline_finding(geo, **fields) -> Finding:
    return FindingFactory(
        grid_cell=geo.cell,
        category=CategoryFactory(),
        source=Finding.Source.HOTLINE,
        external_ref="12345-20261126-0042",
        **fields,
    )


def callback_row() -> Notification:
    return Notification.objects.get(channel=Notification.Channel.CALLBACK)


@pytest.fixture
def acknowledged(geo, community_worker, hotline):
    """A hotline finding acknowledged at NOW with a note; time stays pinned for the test."""
    finding = hotline_finding(geo)
    with time_machine.travel(NOW, tick=False) as traveller:
        workflow.acknowledge_finding(actor=community_worker, finding=finding, note="已派人清理")
        yield traveller


def test_a_refused_callback_waits_for_its_backoff_and_is_then_delivered(acknowledged, hotline):
    assert services.deliver_due() == 0
    row = callback_row()
    assert (row.state, row.attempts) == (State.PENDING, 1)
    assert "500" in row.last_error
    assert row.next_attempt_at == NOW + timedelta(seconds=30)
    acknowledged.shift(timedelta(seconds=31))
    assert services.deliver_due() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 2)
    assert len(hotline.received) == 2


def test_the_accepted_callback_tells_the_ticket_its_new_status(acknowledged, hotline):
    services.deliver_due()
    acknowledged.shift(timedelta(seconds=31))
    services.deliver_due()
    (request,) = hotline.accepted()
    payload = json.loads(request["body"])
    assert payload["ticket_no"] == "12345-20261126-0042"
    assert payload["status"] == Finding.Status.RECTIFYING
    assert payload["note"] == "已派人清理"
    assert datetime.fromisoformat(payload["at"]) == NOW


def test_the_accepted_callback_is_signed_with_the_shared_secret(acknowledged, hotline):
    services.deliver_due()
    acknowledged.shift(timedelta(seconds=31))
    services.deliver_due()
    (request,) = hotline.accepted()
    # Computed here, independently of notifications.channels.sign, over the raw body received.
    expected = "sha256=" + hmac.new(SECRET.encode(), request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-Chuangcheng-Signature"] == expected


def test_an_accepted_callback_is_not_sent_again(acknowledged, hotline):
    services.deliver_due()
    acknowledged.shift(timedelta(seconds=31))
    services.deliver_due()
    acknowledged.shift(timedelta(hours=1))
    assert services.deliver_due() == 0
    assert len(hotline.received) == 2


def test_a_redirect_is_not_taken_for_an_acceptance(geo, community_worker, moved_hotline):
    workflow.acknowledge_finding(actor=community_worker, finding=hotline_finding(geo))
    assert services.deliver_due() == 0
    row = callback_row()
    # Following it would turn the POST into a bodiless GET that the moved page answers with 200.
    assert (row.state, row.attempts) == (State.PENDING, 1)
    assert "302" in row.last_error
    assert [r["method"] for r in moved_hotline.received] == ["POST"]


def test_a_finding_not_from_the_hotline_gets_no_callback(geo, community_worker, hotline):
    finding = FindingFactory(grid_cell=geo.cell, category=CategoryFactory(), source=Finding.Source.SUPERVISION)
    workflow.acknowledge_finding(actor=community_worker, finding=finding)
    assert not Notification.objects.filter(channel=Notification.Channel.CALLBACK).exists()


def test_no_callback_is_written_when_no_hotline_url_is_configured(geo, community_worker, settings):
    settings.HOTLINE_CALLBACK_URL = ""
    workflow.acknowledge_finding(actor=community_worker, finding=hotline_finding(geo))
    assert not Notification.objects.filter(channel=Notification.Channel.CALLBACK).exists()


def test_a_callback_url_without_a_secret_fails_the_system_check(settings):
    from notifications.checks import hotline_callback_is_signed

    settings.HOTLINE_CALLBACK_URL = "https://12345.example/feedback"
    settings.HOTLINE_CALLBACK_SECRET = ""
    assert [e.id for e in hotline_callback_is_signed()] == ["notifications.E001"]
    settings.HOTLINE_CALLBACK_SECRET = "s3cret"
    assert hotline_callback_is_signed() == []
