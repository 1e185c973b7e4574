"""The admin opens every model; the append-only history cannot be changed there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from inspections.models import FindingEvent
from tests.factories import CategoryFactory, FindingFactory, UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def finding(geo):
    finding = FindingFactory(grid_cell=geo.cell, category=CategoryFactory())
    FindingEvent.objects.create(finding=finding, kind="reported")
    return finding


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_list_opens(admin_client, finding, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200


def test_grid_cell_page_draws_the_boundary_on_a_local_leaflet_map(admin_client, geo):
    response = admin_client.get(reverse("admin:districts_gridcell_change", args=[geo.cell.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="boundary-map"' in html
    assert "/static/leaflet/leaflet.js" in html and "/static/js/boundary-map.js" in html


def test_an_invalid_polygon_is_refused_in_the_admin(admin_client, geo):
    bow_tie = (
        '{"type": "Polygon", "coordinates": '
        "[[[116.99, 36.65], [117.0, 36.66], [117.0, 36.65], [116.99, 36.66], [116.99, 36.65]]]}"
    )
    data = {"code": geo.cell.code, "name": geo.cell.name, "community": geo.community.pk, "boundary": bow_tie}
    response = admin_client.post(reverse("admin:districts_gridcell_change", args=[geo.cell.pk]), data)
    assert response.status_code == 200
    assert "boundary" in response.context["adminform"].form.errors
    geo.cell.refresh_from_db()
    assert geo.cell.boundary != bow_tie


def test_finding_events_cannot_be_changed_or_deleted_in_the_admin(admin_client, finding):
    event = finding.events.get()
    change = reverse("admin:inspections_findingevent_change", args=[event.pk])
    assert admin_client.post(change, {"note": "rewritten"}).status_code == 403
    assert admin_client.post(reverse("admin:inspections_findingevent_delete", args=[event.pk])).status_code == 403
    event.refresh_from_db()
    assert event.note == ""


def test_a_findings_status_is_read_only_in_the_admin(admin_client, finding):
    response = admin_client.get(reverse("admin:inspections_finding_change", args=[finding.pk]))
    form = response.context["adminform"].form
    assert "status" not in form.fields and "deadline_at" not in form.fields
    assert "description" in form.fields
