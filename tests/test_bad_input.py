"""Bad query strings get a page or a 400, never a 500."""

import pytest

from tests.factories import CategoryFactory, FindingFactory

BAD = [
    "/findings/?reported_after=yesterday&reported_before=2026-13-45",
    "/findings/?status=nonsense&source=%00&page=abc",
    "/findings/?page=999999&overdue=maybe&q=%27%20OR%201%3D1",
    "/findings/?grid=" + "x" * 500 + "&community=&street=%E4%B8%AD",
    "/findings/export.xlsx?status=nonsense&reported_after=bad",
    "/map/?status=bogus&category=%3Cscript%3E",
    "/findings/NOT-A-CODE/",
    "/oversight/?level=abc&street=zzz&page=-1",
    "/oversight/cases/?state=weird&page=x",
    "/oversight/performance/?from=bad&to=&group=nope",
    "/api/v1/findings/?reported_after=bad&page=abc",
    "/api/v1/findings/?status=nonsense&overdue=maybe",
    "/api/v1/stats/units/?from=2026-02-30&group=nope",
    "/api/v1/geo/grid-cells/?street=%00",
    "/api/v1/cases/?page=0",
    "/notifications/?page=zzz",
    "/findings/?q=a%00b&grid=%00",
    "/api/v1/findings/?q=%00&community=%00",
    "/oversight/?street=%00",
]


@pytest.mark.parametrize("url", BAD)
@pytest.mark.parametrize("persona", ["street_staff", "inspector", "community_worker"])
def test_bad_query_strings_never_cause_a_server_error(client, request, geo, url, persona):
    FindingFactory(grid_cell=geo.cell, category=CategoryFactory())
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/findings/", "not json"),
        ("/api/v1/findings/", '{"lat": "north", "category": 5, "description": null}'),
        ("/api/v1/cases/", '{"findings": "370103"}'),
        ("/api/v1/hotline/tickets/", '{"ticket_no": []}'),
    ],
)
def test_malformed_json_is_a_400(client, geo, supervisor, inspector, url, body):
    client.force_login(inspector if "cases" in url else supervisor)
    response = client.post(url, body, content_type="application/json")
    assert response.status_code in (400, 401, 403), response.status_code


# --- what the attacks found, each at its cause (these run on PostgreSQL in CI) ---------------

OFFSETS = ["2026-01-01T00:00:00+16:00", "2026-01-01T00:00:00-23:59", "2026-01-01T00:00:00+23:59"]


@pytest.mark.parametrize("value", OFFSETS)
@pytest.mark.parametrize("url", ["/api/v1/findings/", "/findings/", "/findings/export.xlsx", "/map/"])
def test_a_time_zone_offset_python_reads_and_postgresql_refuses_is_no_server_error(
    client, geo, street_staff, url, value
):
    FindingFactory(grid_cell=geo.cell, category=CategoryFactory())
    client.force_login(street_staff)
    response = client.get(url, {"reported_after": value})
    assert response.status_code == 200


def test_a_far_offset_means_the_same_instant(client, geo, street_staff):
    from datetime import UTC, datetime

    from inspections.models import Finding

    category = CategoryFactory()
    # 2026-01-01 00:00 at +16:00 is 2025-12-31 08:00 UTC: one finding before it, one after.
    FindingFactory(grid_cell=geo.cell, category=category, reported_at=datetime(2025, 12, 31, 7, 0, tzinfo=UTC))
    after = FindingFactory(grid_cell=geo.cell, category=category, reported_at=datetime(2025, 12, 31, 9, 0, tzinfo=UTC))
    client.force_login(street_staff)
    body = client.get("/api/v1/findings/", {"reported_after": OFFSETS[0]}).json()
    assert [row["code"] for row in body["results"]] == [after.code]
    assert Finding.objects.count() == 2


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00", "9999-12-31T23:59:59", "1999-12-31T00:00:00+08:00"])
def test_a_time_outside_the_portals_span_is_a_filter_error(client, geo, street_staff, value):
    client.force_login(street_staff)
    response = client.get("/api/v1/findings/", {"reported_before": value})
    assert response.status_code == 400 and "reported_before" in response.json()


@pytest.mark.parametrize(
    ("field", "value"), [("description", "垃圾\ufffe堆放"), ("address", "三号楼\uffff"), ("address", "a\x01b")]
)
def test_text_xml_cannot_carry_is_refused_at_intake_by_the_api(client, geo, supervisor, field, value):
    from inspections.models import Finding

    category = CategoryFactory()
    client.force_login(supervisor)
    body = {"category": category.code, "description": "楼道堆放杂物", "lat": 36.655, "lng": 116.995, field: value}
    response = client.post("/api/v1/findings/", body, content_type="application/json")
    assert response.status_code == 400 and field in response.json()
    assert not Finding.objects.exists()


def test_text_xml_cannot_carry_is_refused_on_the_intake_page(client, geo, community_worker):
    from inspections.models import Finding

    category = CategoryFactory()
    client.force_login(community_worker)
    data = {"category": category.code, "description": "垃圾\ufffe堆放", "lat": "36.655", "lng": "116.995"}
    response = client.post("/findings/new/", data)
    assert response.status_code == 400 and "description" in response.context["form"].errors
    assert not Finding.objects.exists()


def test_text_xml_cannot_carry_is_refused_from_the_hotline(client, geo):
    from accounts.models import ApiKey
    from inspections.models import Finding

    category = CategoryFactory()
    _row, key = ApiKey.objects.create_key(name="12345", scope=ApiKey.Scope.HOTLINE, district=geo.district)
    ticket = {
        "ticket_no": "T-1",
        "category": category.code,
        "description": "垃圾\uffff",
        "lat": 36.655,
        "lng": 116.995,
        "reported_at": "2026-11-26T09:00:00+08:00",
    }
    response = client.post(
        "/api/v1/hotline/tickets/", ticket, content_type="application/json", headers={"authorization": f"Api-Key {key}"}
    )
    assert response.status_code == 400 and "description" in response.json()
    assert not Finding.objects.exists()


@pytest.mark.parametrize(
    "query", [{"to": "9999-12-31"}, {"from": "0001-01-01"}, {"from": "9999-12-31", "to": "9999-12-31"}]
)
def test_statistics_at_the_edge_of_the_calendar_are_a_field_error(client, geo, inspector, query):
    client.force_login(inspector)
    response = client.get("/api/v1/stats/units/", query)
    assert response.status_code == 400, response.content
    assert set(response.json()) <= {"from", "to"}


def test_the_performance_page_at_the_edge_of_the_calendar_is_a_form_error(client, geo, inspector):
    client.force_login(inspector)
    response = client.get("/oversight/performance/", {"to": "9999-12-31"})
    assert response.status_code == 400
