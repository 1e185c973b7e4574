"""Intake as a service: the source a role reports as, and a system's ticket taken in once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from inspections import intake
from inspections.models import Finding
from tests.factories import DistrictFactory, person
from web.errors import Conflict, Invalid


@pytest.mark.parametrize(
    ("persona", "source"),
    [
        ("grid_worker", "grid_patrol"),
        ("supervisor", "supervision"),
        ("inspector", "undercover"),
        ("street_discipline", "supervision"),
        ("street_staff", "self_inspection"),
        ("community_worker", "self_inspection"),
    ],
)
def test_the_page_and_the_api_default_to_the_same_source_for_each_role(client, request, geo, category, persona, source):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    form = client.get("/findings/new/").context["form"]
    assert form["source"].value() == source == intake.default_source(user)
    api = APIClient()
    api.force_authenticate(user)
    body = {"category": category.code, "description": "楼道堆放杂物", "lat": 36.655, "lng": 116.995}
    if persona in ("street_staff", "street_discipline", "supervisor", "inspector"):
        body["address"] = "乐山小区3号楼"
    response = api.post("/api/v1/findings/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == source


def _ticket(category, **fields) -> intake.Ticket:
    values = {
        "source": Finding.Source.HOTLINE,
        "category": category,
        "description": "路边垃圾堆放未及时清运",
        "reported_at": timezone.now() - timedelta(minutes=5),
        "lat": 36.655,
        "lng": 116.995,
        "ref": "T-1",
    }
    return intake.Ticket(**{**values, **fields})


def test_a_ticket_is_taken_in_once(geo, category):
    finding, created = intake.take_in_ticket(ticket=_ticket(category), district=geo.district)
    again, created_again = intake.take_in_ticket(ticket=_ticket(category, description="别的"), district=geo.district)
    assert (created, created_again) == (True, False)
    assert again.pk == finding.pk and Finding.objects.count() == 1
    assert finding.status == Finding.Status.DISPATCHED and finding.reporter is None


def test_tickets_without_a_reference_are_each_new(geo, category):
    intake.take_in_ticket(ticket=_ticket(category, ref=""), district=geo.district)
    intake.take_in_ticket(ticket=_ticket(category, ref=""), district=geo.district)
    assert Finding.objects.count() == 2


def test_a_ticket_number_of_another_districts_finding_is_a_conflict(geo, category):
    intake.take_in_ticket(ticket=_ticket(category), district=geo.district)
    with pytest.raises(Conflict):
        intake.take_in_ticket(ticket=_ticket(category), district=DistrictFactory(code="370102"))


def test_a_point_outside_the_keys_district_is_refused(geo, category):
    elsewhere = DistrictFactory(code="370102")
    person(Role.LEADER, elsewhere)
    with pytest.raises(Invalid) as refused:
        intake.take_in_ticket(ticket=_ticket(category), district=elsewhere)
    assert refused.value.field == "lat" and not Finding.objects.exists()
