"""/healthz: database, broker and beat, without login or secrets."""

import pytest

from config import health
from config.tasks import heartbeat


def test_health_is_200_with_database_and_broker_state(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "down"}
    assert body["beat"]["last_run"] is None


def test_health_needs_no_login_and_shows_no_secrets(client, db, settings):
    response = client.get("/healthz")
    text = response.content.decode()
    assert response.status_code == 200
    assert settings.SECRET_KEY not in text
    assert "password" not in text.lower()
    assert "redis://" not in text and "postgres://" not in text


def test_health_reports_the_last_beat_run(client, db, time_machine):
    time_machine.move_to("2026-11-26T08:00:00+08:00", tick=False)
    heartbeat()
    time_machine.move_to("2026-11-26T08:01:30+08:00", tick=False)
    body = client.get("/healthz").json()
    assert body["beat"]["last_run"].startswith("2026-11-26T00:00:00")
    assert body["beat"]["age_seconds"] == 90


def test_health_is_503_when_the_database_does_not_answer(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise health.DatabaseError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_broker_down_is_reported_without_failing(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "down"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_health_answers_only_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405


def test_health_says_starting_until_the_beat_has_run(client, db):
    assert client.get("/healthz").json()["status"] == "starting"


def test_health_says_ok_once_the_beat_runs_and_the_broker_answers(client, db, settings, monkeypatch):
    monkeypatch.setattr(health, "broker_state", lambda: "ok")
    heartbeat()
    assert client.get("/healthz").json()["status"] == "ok"


def test_health_says_degraded_when_the_beat_has_stopped(client, db, time_machine, monkeypatch):
    monkeypatch.setattr(health, "broker_state", lambda: "ok")
    time_machine.move_to("2026-11-26T08:00:00+08:00", tick=False)
    heartbeat()
    time_machine.move_to("2026-11-26T08:10:00+08:00", tick=False)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "degraded"


def test_health_says_degraded_when_the_broker_is_down(client, db, settings):
    heartbeat()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert client.get("/healthz").json()["status"] == "degraded"
