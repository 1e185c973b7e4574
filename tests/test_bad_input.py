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
