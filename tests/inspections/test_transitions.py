"""The workflow's one table (``workflow.TRANSITIONS``): what a page offers is what the API accepts.

The extension steps (延期), which move the deadline and not the status, are held to the same rule.
"""

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from inspections import workflow
from inspections.models import Finding
from tests.factories import FindingFactory

Status = Finding.Status
EXTENSION_ACTIONS = ["request-extension", "decide-extension"]
PERSONAS = [
    "street_staff",
    "supervisor",
    "community_worker",
    "grid_worker",
    "unit_staff",
    "leader",
    "inspector",
    "street_discipline",
    "other_street_staff",
]


def _finding(geo, category, status: str, *, unit=None) -> Finding:
    fields = {"status": status, "responsible_unit": unit}
    if status == Status.DUPLICATE:
        fields["duplicate_of"] = FindingFactory(grid_cell=geo.cell, category=category)
    return FindingFactory(grid_cell=geo.cell, category=category, **fields)


def _offered(client, finding: Finding) -> set[str]:
    response = client.get(f"/findings/{finding.code}/")
    if response.status_code == 404:
        return set()
    assert response.status_code == 200
    return {panel["name"] for panel in response.context["panels"]} - {"add-photo"}


def _accepted(api, finding: Finding) -> set[str]:
    """The actions the API does not refuse for the role (403) or the state (409); each is undone."""
    accepted = set()
    for action in [*workflow.TRANSITIONS, *EXTENSION_ACTIONS]:
        with transaction.atomic():
            response = api.post(f"/api/v1/findings/{finding.code}/{action}/", {}, format="json")
            transaction.set_rollback(True)
        if response.status_code not in (403, 404, 409):
            accepted.add(action)
    return accepted


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("responsible", ["community", "unit"])
def test_the_page_offers_exactly_the_actions_the_api_accepts(
    client, request, geo, category, unit_category, status, persona, responsible
):
    unit = geo.unit if responsible == "unit" else None
    finding = _finding(geo, unit_category if unit else category, status, unit=unit)
    user = request.getfixturevalue(persona)
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    offered = _offered(client, finding)
    assert offered == _accepted(api, finding)
    # And the status changes among them are exactly what the table allows.
    expected = {
        name
        for name, step in workflow.TRANSITIONS.items()
        if status in step.sources and step.allowed(user, finding) and persona != "other_street_staff"
    }
    assert offered - set(EXTENSION_ACTIONS) == expected


@pytest.mark.parametrize(
    ("persona", "status", "expected"),
    [
        ("community_worker", Status.DISPATCHED, {"acknowledge", "decline"}),
        ("grid_worker", Status.RECTIFYING, {"submit", "decline"}),
        ("street_staff", Status.SUBMITTED, {"verify", "return", "mark-invalid", "mark-duplicate"}),
        ("street_staff", Status.REPORTED, {"dispatch", "mark-invalid", "mark-duplicate"}),
        ("leader", Status.SUBMITTED, set()),
        ("street_staff", Status.CLOSED, set()),
    ],
)
def test_the_table_gives_each_role_its_steps(request, geo, category, persona, status, expected):
    finding = _finding(geo, category, status)
    assert set(workflow.available_actions(request.getfixturevalue(persona), finding)) == expected


@pytest.mark.parametrize("pending", [False, True])
@pytest.mark.parametrize("persona", ["community_worker", "street_staff", "leader"])
def test_extension_steps_are_offered_exactly_when_the_api_accepts_them(
    client, request, geo, category, community_worker, persona, pending
):
    from datetime import timedelta

    finding = _finding(geo, category, Status.RECTIFYING)
    if pending:
        workflow.request_extension(
            actor=community_worker,
            finding=finding,
            reason="需要协调物业",
            until=finding.deadline_at + timedelta(days=1),
        )
    user = request.getfixturevalue(persona)
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    offered = _offered(client, finding) & set(EXTENSION_ACTIONS)
    assert offered == _accepted(api, finding) & set(EXTENSION_ACTIONS)
    expected = {
        ("community_worker", False): {"request-extension"},
        ("street_staff", True): {"decide-extension"},
    }.get((persona, pending), set())
    assert offered == expected
