"""The portal's /open311/v2/ against its own OpenAPI description (``/open311/v2/openapi.json``).

schemathesis generates requests for every operation from the description and sends them to the
WSGI application: no answer may be a server error, and every answer (status, content type,
headers, and the JSON bodies) must be one the description allows. POSTs carry a real Open311 key,
so that filing gets past the key check and its validation is exercised too. The examples are
bounded (``MAX_EXAMPLES`` per operation) so that the test runs in seconds.

One check is left out: that every request the description allows is accepted. GeoReport v2's
rules are not all expressible in a schema (dates at most 90 days apart, a point inside the
district's grid, a location given one way or another), and those refusals are documented 400s.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import ApiKey
from config.wsgi import application
from inspections.models import Finding, FindingEvent
from tests.factories import FindingFactory

MAX_EXAMPLES = 20

schema = schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", application)


@pytest.fixture
def _connection_kept():
    """The WSGI handler closes the database connection after each request; like Django's test
    client, keep it open, so that the requests run inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def filing_key(geo, questions, _connection_kept):
    """A key to file with, and findings to read: one open, one closed with a public note."""
    FindingFactory(grid_cell=geo.cell, category=questions)
    closed = FindingFactory(grid_cell=geo.cell, category=questions, status=Finding.Status.CLOSED, address="纬二路5号")
    FindingEvent.objects.create(finding=closed, kind=FindingEvent.Kind.VERIFIED, note="已清理")
    _row, key = ApiKey.objects.create_key(name="schemathesis", scope="open311", source="snapshot")
    return key


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_open311_conforms_to_its_description(case, filing_key):
    if case.method == "POST" and isinstance(case.body, dict):
        case.body["api_key"] = filing_key
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_filing_and_its_reads_conform(filing_key, fmt):
    operation = schema[f"/open311/v2/requests.{fmt}"]["POST"]
    body = {
        "api_key": filing_key,
        "service_code": "exposed-garbage",
        "lat": 36.655,
        "long": 116.995,
        "description": "路边有垃圾",
        "attribute[where]": "roadside",
    }
    response = operation.Case(body=body, media_type="application/x-www-form-urlencoded").call_and_validate()
    assert response.status_code == 201
    listed = schema[f"/open311/v2/requests.{fmt}"]["GET"].Case(query={}).call_and_validate()
    assert listed.status_code == 200
    assert (len(listed.json()) if fmt == "json" else listed.content.count(b"<request>")) == 3
    code = Finding.objects.filter(source=Finding.Source.SNAPSHOT).get().code
    one = schema[f"/open311/v2/requests/{{service_request_id}}.{fmt}"]["GET"]
    assert one.Case(path_parameters={"service_request_id": code}).call_and_validate().status_code == 200


def test_the_description_covers_every_resource_in_both_formats():
    paths = set(schema.raw_schema["paths"])
    for resource in ("discovery", "services", "services/{service_code}", "requests", "requests/{service_request_id}"):
        assert {f"/open311/v2/{resource}.xml", f"/open311/v2/{resource}.json"} <= paths
    assert {"/open311/v2/tokens/{token}.xml", "/open311/v2/tokens/{token}.json"} <= paths
