"""Two people acting on one finding at the same moment: the row lock lets exactly one through.

PostgreSQL only (SQLite serialises whole transactions, so there is no race to show). Each test
runs in real transactions; the threads start together at a barrier and close their own
database connections when done.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey
from inspections import workflow
from inspections.models import Finding, FindingEvent
from tests.concurrency import run_together
from tests.conftest import requires_postgres
from tests.factories import FindingFactory
from web.errors import Conflict

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Status = Finding.Status


def test_two_verifiers_at_once_one_closes_it_the_other_gets_a_conflict(geo, category, street_staff, supervisor):
    finding = FindingFactory(grid_cell=geo.cell, category=category, status=Status.SUBMITTED)
    for user in (street_staff, supervisor):
        user.roles()  # read the memberships now, not inside the race

    def verify_as(user):
        return lambda: workflow.verify_finding(actor=user, finding=Finding.objects.get(pk=finding.pk))

    results = run_together(verify_as(street_staff), verify_as(supervisor))

    assert sum(isinstance(r, Finding) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    finding.refresh_from_db()
    assert finding.status == Status.CLOSED
    assert FindingEvent.objects.filter(finding=finding).count() == 1


def test_two_acknowledgements_at_once_through_the_api_answer_200_and_409(geo, category, community_worker, grid_worker):
    finding = FindingFactory(grid_cell=geo.cell, category=category, status=Status.DISPATCHED)
    clients = []
    for user in (community_worker, grid_worker):
        client = APIClient()
        client.force_login(user)
        clients.append(client)

    def acknowledge(client):
        return lambda: client.post(f"/api/v1/findings/{finding.code}/acknowledge/", {}, format="json").status_code

    results = run_together(*(acknowledge(client) for client in clients))

    assert sorted(results) == [200, 409]
    assert FindingEvent.objects.filter(finding=finding, kind="acknowledged").count() == 1


def test_one_ticket_delivered_twice_at_once_makes_one_finding(geo, category):
    _row, key = ApiKey.objects.create_key(name="12345", scope=ApiKey.Scope.HOTLINE, district=geo.district)
    ticket = {
        "ticket_no": "T2026-0001",
        "category": category.code,
        "description": "路边有垃圾",
        "lat": 36.655,
        "lng": 116.995,
        "reported_at": (timezone.now() - timedelta(hours=1)).isoformat(),
    }

    def deliver():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
        response = client.post("/api/v1/hotline/tickets/", ticket, format="json")
        return response.status_code, response.json()["code"]

    results = run_together(deliver, deliver)

    assert sorted(status for status, _code in results) == [200, 201]
    assert results[0][1] == results[1][1]
    assert Finding.objects.count() == 1
