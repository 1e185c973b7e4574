"""Input that only PostgreSQL refuses (NUL bytes, dates past 9999, offsets past ±15:59) is a 400
or a 404 in the specification's form, never a server error, and writes nothing."""

import pytest

from inspections.models import Finding
from tests.conftest import requires_postgres
from tests.open311.conftest import V2, error_descriptions, file

pytestmark = requires_postgres

GETS = [
    ("/requests.json", {"start_date": "9999-12-31T23:59:59-15:59", "end_date": "10000-01-01T00:00:00Z"}),
    ("/requests.json", {"end_date": "2026-11-01T00:00:00+99:99"}),
    ("/requests.json", {"service_request_id": "370103-\x00", "service_code": "a\x00b"}),
    ("/requests.json", {"jurisdiction_id": "3701\x0003"}),
    ("/requests/370103-2026%00.json", {}),
    ("/services/exposed%00garbage.json", {}),
    ("/tokens/%00.json", {}),
    ("/services.xml", {"jurisdiction_id": "\x00"}),
]


@pytest.mark.parametrize(("path", "params"), GETS)
def test_bad_reads_are_refused_in_the_error_form(client, geo, category, path, params):
    response = client.get(V2 + path, params)
    assert response.status_code in (400, 404), (path, response.status_code)
    error_descriptions(response, "xml" if path.endswith(".xml") else "json")


@pytest.mark.parametrize(
    "fields",
    [
        {"description": "垃圾\x00"},
        {"address_string": "纬二路\x00", "lat": None, "long": None},
        {"account_id": "\x00"},
        {"service_code": "exposed\x00garbage"},
        {"jurisdiction_id": "370103\x00"},
        {"attribute[where\x00]": "x"},
        {"lat": "1e400"},
        {"api_key": "key\x00"},
    ],
)
def test_bad_filings_are_refused_and_write_nothing(client, geo, category, open311_key, fields):
    response = file(client, open311_key, **fields)
    assert response.status_code in (400, 403, 404), (fields, response.status_code)
    error_descriptions(response, "json")
    assert not Finding.objects.exists()


def test_an_offset_past_15_59_is_read_as_the_instant_it_names(client, geo, category):
    # Python reads offsets up to ±23:59; PostgreSQL's own limit (±15:59) is never reached,
    # because the instant is what is sent to it.
    response = client.get(f"{V2}/requests.json", {"start_date": "2026-11-01T00:00:00+16:00"})
    assert response.status_code == 200
    assert response.json() == []


def test_a_datetime_answer_past_9999_is_a_400(client, geo, category, open311_key):
    from open311.models import ServiceAttribute

    ServiceAttribute.objects.create(
        category=category, code="since", description="何时", datatype=ServiceAttribute.Datatype.DATETIME, order=1
    )
    for value in ("10000-01-01T00:00:00Z", "2026-11-01T00:00:00+99:00", "0001-01-01T00:00:00+08:00"):
        response = file(client, open311_key, **{"attribute[since]": value})
        assert response.status_code == 400, value
    assert not Finding.objects.exists()
