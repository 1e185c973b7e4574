"""延期: asking for more time before the deadline, and the decision (/api/v1/findings/{code}/...-extension/)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from rest_framework.test import APIClient

from inspections.models import Extension, Finding, FindingEvent
from notifications.models import Notification
from tests.factories import FindingFactory

Kind = FindingEvent.Kind
NOW = timezone.make_aware(timezone.datetime(2026, 11, 26, 10, 0), timezone.get_fixed_timezone(480))
#: The finding's own deadline (reported two hours ago, 24 hours to rectify) and a later one.
DEADLINE = NOW + timedelta(hours=22)
LATER = NOW + timedelta(hours=70)

pytestmark = pytest.mark.usefixtures("pinned")


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def login(api):
    def log_in(user):
        api.force_login(user)
        return api

    return log_in


@pytest.fixture
def finding(geo, category):
    """Being rectified by the community (乐山小区社区), due in 22 hours."""
    return FindingFactory(
        grid_cell=geo.cell, category=category, status=Finding.Status.RECTIFYING, reported_at=NOW - timedelta(hours=2)
    )


def request_url(finding) -> str:
    return f"/api/v1/findings/{finding.code}/request-extension/"


def decide_url(finding) -> str:
    return f"/api/v1/findings/{finding.code}/decide-extension/"


def ask(api, finding, **fields):
    return api.post(
        request_url(finding), {"reason": "需协调产权单位", "until": LATER.isoformat(), **fields}, format="json"
    )


@pytest.fixture
def pending(login, community_worker, finding):
    response = ask(login(community_worker), finding)
    assert response.status_code == 201
    return Extension.objects.get()


def kinds(finding) -> list[str]:
    return list(finding.events.values_list("kind", flat=True))


# --- asking --------------------------------------------------------------------------------


def test_rectifier_asks_for_an_extension_before_the_deadline(login, community_worker, street_staff, finding):
    response = ask(login(community_worker), finding)
    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["finding"], body["requested_by"]) == ("pending", finding.code, "community_worker")
    extension = Extension.objects.get()
    assert (extension.old_deadline, extension.requested_deadline) == (DEADLINE, LATER)
    finding.refresh_from_db()
    # Asking moves nothing: only an approval does.
    assert finding.deadline_at == DEADLINE
    event = finding.events.get(kind=Kind.EXTENSION_REQUESTED)
    assert event.actor == community_worker and event.note == "需协调产权单位"
    # The street's dispatchers are told.
    assert Notification.objects.filter(
        recipient=street_staff, idempotency_key__startswith=f"extension:{extension.pk}:"
    ).exists()


def test_unit_staff_ask_for_their_units_finding(login, geo, unit_category, unit_staff):
    finding = FindingFactory(
        grid_cell=geo.cell,
        category=unit_category,
        responsible_unit=geo.unit,
        status=Finding.Status.RECTIFYING,
        reported_at=NOW - timedelta(hours=2),
    )
    assert ask(login(unit_staff), finding).status_code == 201


def test_asking_after_the_deadline_is_a_conflict(login, community_worker, finding, pinned):
    pinned.move_to(DEADLINE + timedelta(minutes=1))
    response = ask(login(community_worker), finding)
    assert response.status_code == 409
    assert response.json()["detail"] == gettext("The deadline has passed; an extension must be asked for before it.")
    assert not Extension.objects.exists()
    assert Kind.EXTENSION_REQUESTED not in kinds(finding)


def test_a_second_request_while_one_waits_is_a_conflict(login, community_worker, finding, pending):
    response = ask(login(community_worker), finding, until=(LATER + timedelta(days=1)).isoformat())
    assert response.status_code == 409
    assert response.json()["detail"] == gettext(
        "An extension request for this finding is already waiting for a decision."
    )
    assert Extension.objects.count() == 1


def test_a_new_deadline_not_later_than_the_current_one_is_a_field_error(login, community_worker, finding):
    response = ask(login(community_worker), finding, until=(DEADLINE - timedelta(hours=1)).isoformat())
    assert response.status_code == 400
    assert list(response.json()) == ["until"]
    assert not Extension.objects.exists()


@pytest.mark.parametrize(("fields", "field"), [({"reason": "  "}, "reason"), ({"until": "next week"}, "until")])
def test_a_request_without_reason_or_date_is_a_field_error(login, community_worker, finding, fields, field):
    response = ask(login(community_worker), finding, **fields)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_closed_finding_gets_no_extension(login, community_worker, finding):
    Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.SUBMITTED)
    assert ask(login(community_worker), finding).status_code == 409


@pytest.mark.parametrize("role", ["street_staff", "leader", "inspector", "street_discipline"])
def test_only_the_rectifier_asks(login, request, finding, role):
    response = ask(login(request.getfixturevalue(role)), finding)
    assert response.status_code == 403
    assert not Extension.objects.exists()


def test_community_worker_cannot_ask_for_a_units_finding(login, geo, unit_category, community_worker):
    finding = FindingFactory(
        grid_cell=geo.cell, category=unit_category, responsible_unit=geo.unit, reported_at=NOW - timedelta(hours=2)
    )
    assert ask(login(community_worker), finding).status_code == 403


def test_another_communitys_worker_gets_404(login, other_community_worker, finding):
    assert ask(login(other_community_worker), finding).status_code == 404
    assert not Extension.objects.exists()


def test_an_unknown_finding_is_404(login, community_worker, db):
    response = login(community_worker).post(
        "/api/v1/findings/370103-20991231-9999/request-extension/", {"reason": "x", "until": LATER.isoformat()}
    )
    assert response.status_code == 404


# --- deciding ------------------------------------------------------------------------------


def test_street_staff_approval_moves_the_deadline_and_logs_it(login, street_staff, community_worker, finding, pending):
    response = login(street_staff).post(decide_url(finding), {"approve": True, "note": "同意"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "approved"
    assert parse_datetime(response.json()["deadline_at"]) == LATER

    finding.refresh_from_db()
    assert finding.deadline_at == LATER
    assert finding.extension_count == 1
    event = finding.events.get(kind=Kind.EXTENSION_APPROVED)
    assert event.actor == street_staff
    assert parse_datetime(event.payload["old_deadline"]) == DEADLINE
    assert parse_datetime(event.payload["deadline"]) == LATER
    pending.refresh_from_db()
    assert (pending.state, pending.decided_by, pending.decision_note) == ("approved", street_staff, "同意")
    assert Notification.objects.filter(
        recipient=community_worker, idempotency_key__startswith=f"extension-decided:{pending.pk}:"
    ).exists()


def test_approval_after_the_deadline_restarts_the_ladder(login, street_staff, finding, pending, pinned):
    pinned.move_to(DEADLINE + timedelta(hours=1))
    Finding.objects.filter(pk=finding.pk).update(escalation_level=1)
    assert login(street_staff).post(decide_url(finding), {"approve": True}, format="json").status_code == 200
    finding.refresh_from_db()
    assert (finding.deadline_at, finding.escalation_level) == (LATER, 0)
    assert not finding.is_overdue()


def test_refusing_needs_a_note(login, street_staff, finding, pending):
    response = login(street_staff).post(decide_url(finding), {"approve": False, "note": " "}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["note"]
    pending.refresh_from_db()
    assert pending.state == Extension.State.PENDING


def test_a_refusal_keeps_the_deadline_and_is_logged(login, street_staff, finding, pending):
    response = login(street_staff).post(decide_url(finding), {"approve": False, "note": "理由不充分"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "refused"
    finding.refresh_from_db()
    assert (finding.deadline_at, finding.extension_count) == (DEADLINE, 0)
    assert finding.events.get(kind=Kind.EXTENSION_REFUSED).note == "理由不充分"


def test_a_decision_must_say_approve_or_not(login, street_staff, finding, pending):
    response = login(street_staff).post(decide_url(finding), {"note": "?"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["approve"]


def test_deciding_with_nothing_waiting_is_a_conflict(login, street_staff, finding):
    response = login(street_staff).post(decide_url(finding), {"approve": True}, format="json")
    assert response.status_code == 409


def test_a_decided_request_cannot_be_decided_again(login, street_staff, finding, pending):
    api = login(street_staff)
    assert api.post(decide_url(finding), {"approve": True}, format="json").status_code == 200
    assert api.post(decide_url(finding), {"approve": False, "note": "no"}, format="json").status_code == 409
    finding.refresh_from_db()
    assert finding.deadline_at == LATER


def test_after_a_decision_the_rectifier_may_ask_again(login, street_staff, community_worker, finding, pending):
    login(street_staff).post(decide_url(finding), {"approve": False, "note": "理由不充分"}, format="json")
    assert ask(login(community_worker), finding, reason="补充说明").status_code == 201


@pytest.mark.parametrize("role", ["street_discipline", "inspector", "supervisor"])
def test_discipline_officers_and_supervisors_may_decide(login, request, finding, pending, role):
    response = login(request.getfixturevalue(role)).post(decide_url(finding), {"approve": True}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["community_worker", "leader", "grid_worker"])
def test_other_roles_cannot_decide(login, request, finding, pending, role):
    response = login(request.getfixturevalue(role)).post(decide_url(finding), {"approve": True}, format="json")
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.state == Extension.State.PENDING


def test_another_streets_staff_gets_404(login, other_street_staff, finding, pending):
    response = login(other_street_staff).post(decide_url(finding), {"approve": True}, format="json")
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.state == Extension.State.PENDING
