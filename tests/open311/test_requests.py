"""POST requests and the reads of requests and tokens, in both formats, with each error case."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.utils import timezone

from accounts.models import ApiKey
from inspections.models import Finding, FindingEvent, FindingPhoto
from open311 import records
from open311.models import ServiceRequest
from tests.factories import CommunityFactory, DistrictFactory, FindingFactory, GridCellFactory, StreetFactory, photo
from tests.factories import square as square_at
from tests.open311.conftest import POINT, V2, body, error_descriptions, file

FORMATS = ["xml", "json"]


def created(response, fmt: str) -> dict:
    """The one ``request`` of a POST's answer, as a dict."""
    parsed = body(response, fmt)
    if fmt == "json":
        assert isinstance(parsed, list) and len(parsed) == 1
        return parsed[0]
    assert parsed.tag == "service_requests"
    (request,) = parsed
    assert request.tag == "request"
    return {child.tag: child.text for child in request}


# --- POST requests --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_filing_makes_a_routed_finding_with_the_keys_source(client, geo, category, community_worker, open311_key, fmt):
    response = file(client, open311_key, fmt, account_id="u-1001", email="zhang@example.cn", phone="13805310000")
    assert response.status_code == 201, response.content
    answer = created(response, fmt)
    finding = Finding.objects.get(code=answer["service_request_id"])
    assert finding.source == Finding.Source.SNAPSHOT
    assert finding.grid_cell == geo.cell and finding.status == Finding.Status.DISPATCHED
    assert list(finding.events.values_list("kind", flat=True)) == [
        FindingEvent.Kind.REPORTED,
        FindingEvent.Kind.DISPATCHED,
    ]
    assert answer["account_id"] == "u-1001"
    assert answer["service_notice"] == records.notice(finding)
    filed = ServiceRequest.objects.get(finding=finding)
    assert (filed.email, filed.phone, filed.account_id) == ("zhang@example.cn", "13805310000", "u-1001")
    assert answer["token"] == str(filed.token)


def test_a_hotline_configured_key_files_hotline_findings(client, geo, category, hotline_open311_key):
    response = file(client, hotline_open311_key)
    assert response.status_code == 201
    assert Finding.objects.get().source == Finding.Source.HOTLINE


def test_form_encoded_filing_with_an_address_only_waits_for_dispatch(client, geo, category, open311_key):
    data = {
        "api_key": open311_key,
        "service_code": "exposed-garbage",
        "address_string": "纬二路51号",
        "description": "垃圾",
    }
    response = client.post(f"{V2}/requests.json", urlencode(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201, response.content
    finding = Finding.objects.get()
    assert (finding.address, finding.status, finding.district) == ("纬二路51号", Finding.Status.REPORTED, geo.district)
    assert created(response, "json")["account_id"] is None


def test_the_answers_are_kept_and_shown_to_the_officials_on_the_finding(client, geo, questions, open311_key):
    response = client.post(
        f"{V2}/requests.json",
        {
            "api_key": open311_key,
            "service_code": "exposed-garbage",
            **POINT,
            "description": "垃圾",
            "attribute[where]": "greenbelt",
            "attribute[bags]": "3",
            "attribute[kinds][]": ["household", "building"],
        },
    )
    assert response.status_code == 201, response.content
    filed = ServiceRequest.objects.get()
    assert filed.answers == {"where": "greenbelt", "bags": "3", "kinds": ["household", "building"]}
    assert "垃圾在什么位置？ 绿化带" in filed.finding.description
    assert "有哪些垃圾？ 生活垃圾、建筑垃圾" in filed.finding.description


def test_an_uploaded_photo_is_the_findings_before_photo(client, geo, category, open311_key):
    response = file(client, open311_key, media=photo())
    assert response.status_code == 201, response.content
    assert FindingPhoto.objects.get().stage == FindingPhoto.Stage.BEFORE


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("fields", "status", "says"),
    [
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "nonsense"}, 404, "nonsense"),
        ({"description": "长" * 4001}, 400, "description"),
        ({"lat": None, "long": None}, 400, "lat"),
        ({"long": None}, 400, "long"),
        ({"lat": "north"}, 400, "lat"),
        ({"lat": "95"}, 400, "lat"),
        ({"lat": "nan"}, 400, "lat"),
        ({"lat": "36.700", "long": "117.300"}, 400, "lat"),  # outside the grid
        ({"lat": None, "long": None, "address_id": "545483"}, 400, "address_id"),
        ({"email": "not-an-address"}, 400, "email"),
        ({"phone": "call me"}, 400, "phone"),
        ({"media_url": "ftp://files.example/x.jpg"}, 400, "media_url"),
        ({"jurisdiction_id": "999999"}, 404, "999999"),
        ({"media": "x"}, 400, "media"),
    ],
)
def test_bad_input_is_refused_in_the_error_form_and_writes_nothing(
    client, geo, category, open311_key, fmt, fields, status, says
):
    response = file(client, open311_key, fmt, **fields)
    assert response.status_code == status, response.content
    assert any(says in description for description in error_descriptions(response, fmt))
    assert not Finding.objects.exists() and not ServiceRequest.objects.exists()


@pytest.mark.parametrize(
    ("answers", "says"),
    [
        ({}, "attribute[where]"),  # required
        ({"attribute[where]": "river"}, "attribute[where]"),
        ({"attribute[where]": ["roadside", "greenbelt"]}, "attribute[where]"),
        ({"attribute[where]": "roadside", "attribute[bags]": "many"}, "attribute[bags]"),
        ({"attribute[where]": "roadside", "attribute[kinds][]": ["household", "glass"]}, "attribute[kinds]"),
        ({"attribute[where]": "roadside", "attribute[colour]": "red"}, "attribute[colour]"),
    ],
)
def test_bad_answers_are_refused(client, geo, questions, open311_key, answers, says):
    response = file(client, open311_key, **answers)
    assert response.status_code == 400, response.content
    assert any(says in description for description in error_descriptions(response, "json"))
    assert not Finding.objects.exists()


def test_empty_optional_arguments_are_absent_ones(client, geo, category, open311_key):
    response = file(client, open311_key, email="", phone="  ", jurisdiction_id="", address_id="", media_url="")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("fmt", FORMATS)
def test_filing_without_a_key_or_with_a_bad_one_is_a_403(client, geo, category, fmt):
    for key in (None, "", "not-a-key", "abc.def"):
        response = file(client, key, fmt)
        assert response.status_code == 403, key
        assert error_descriptions(response, fmt)
    assert not Finding.objects.exists()


def test_a_hotline_key_may_not_file_through_open311(client, geo, category, hotline_key):
    response = file(client, hotline_key)
    assert response.status_code == 403
    assert not Finding.objects.exists()


def test_a_revoked_key_is_a_403(client, geo, category):
    row, key = ApiKey.objects.create_key(name="old", scope="open311", source="snapshot", revoked=True)
    assert file(client, key).status_code == 403


def test_a_key_may_not_file_in_another_district(client, geo, category, open311_key):
    DistrictFactory(code="370102", name="历下区")
    response = file(client, open311_key, jurisdiction_id="370102")
    assert response.status_code == 403
    assert not Finding.objects.exists()


def test_a_point_in_another_district_is_refused(client, geo, category, open311_key):
    other = DistrictFactory(code="370102", name="历下区")
    community = CommunityFactory(street=StreetFactory(district=other, code="370102001"), code="370102001001")
    GridCellFactory(community=community, code="370102001001001", boundary=square_at(117.100, 36.650))
    response = file(client, open311_key, lat="36.655", long="117.105")
    assert response.status_code == 400
    assert not Finding.objects.exists()


def test_past_the_rate_limit_a_key_gets_a_429_with_retry_after(
    client, settings, geo, category, open311_key, hotline_open311_key
):
    settings.OPEN311_WRITE_RATE = "2/min"
    with time_machine.travel(timezone.now(), tick=False):
        assert file(client, open311_key).status_code == 201
        assert file(client, open311_key, description="x" * 5000).status_code == 400  # counted too
        response = file(client, open311_key, "xml")
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert error_descriptions(response, "xml")
        # Another key has its own allowance.
        assert file(client, hotline_open311_key).status_code == 201
    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=1), tick=False):
        assert file(client, open311_key).status_code == 201
    assert Finding.objects.count() == 3


# --- GET requests, requests/{id}, tokens ----------------------------------------------------


def records_of(response, fmt: str) -> list[dict]:
    parsed = body(response, fmt)
    if fmt == "json":
        return parsed
    assert parsed.tag == "service_requests"
    assert all(r.tag == "request" for r in parsed)
    return [{child.tag: child.text for child in request} for request in parsed]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_filed_reads_back_the_same_in_both_formats(client, geo, category, open311_key, fmt):
    code = created(file(client, open311_key, fmt, address_string="纬二路51号"), fmt)["service_request_id"]
    finding = Finding.objects.get(code=code)
    (record,) = records_of(client.get(f"{V2}/requests/{code}.{fmt}"), fmt)
    expected = {
        "service_request_id": code,
        "status": "open",
        "service_name": "暴露垃圾",
        "service_code": "exposed-garbage",
        "description": "路边有一堆垃圾",
        "agency_responsible": geo.community.name,
        "service_notice": records.notice(finding),
        "requested_datetime": timezone.localtime(finding.reported_at).isoformat(timespec="seconds"),
        "expected_datetime": timezone.localtime(finding.deadline_at).isoformat(timespec="seconds"),
        "address": "纬二路51号",
    }
    assert {name: record[name] for name in expected} == expected
    assert record["requested_datetime"].endswith("+08:00")
    if fmt == "json":
        assert (record["lat"], record["long"], record["status_notes"], record["media_url"]) == (
            36.655,
            116.995,
            None,
            None,
        )
    else:
        assert (record["lat"], record["long"], record["status_notes"]) == ("36.655", "116.995", None)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_or_other_districts_request_is_a_404(client, geo, category, fmt):
    other = DistrictFactory(code="370102", name="历下区")
    community = CommunityFactory(street=StreetFactory(district=other, code="370102001"), code="370102001001")
    elsewhere = FindingFactory(
        grid_cell=GridCellFactory(community=community, code="370102001001001"), category=category
    )
    for code in ("370103-20261126-9999", elsewhere.code):
        response = client.get(f"{V2}/requests/{code}.{fmt}", {"jurisdiction_id": "370103"})
        assert response.status_code == 404, code
        assert error_descriptions(response, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_list_is_the_last_90_days_newest_first(client, geo, category, fmt):
    now = timezone.now()
    old = FindingFactory(grid_cell=geo.cell, category=category, reported_at=now - timedelta(days=91))
    recent = FindingFactory(grid_cell=geo.cell, category=category, reported_at=now - timedelta(days=2))
    newest = FindingFactory(grid_cell=geo.cell, category=category, reported_at=now - timedelta(hours=1))
    found = [r["service_request_id"] for r in records_of(client.get(f"{V2}/requests.{fmt}"), fmt)]
    assert found == [newest.code, recent.code]
    assert old.code not in found


def test_the_list_filters_by_service_status_and_dates(client, geo, category, unit_category):
    now = timezone.now()
    garbage = FindingFactory(grid_cell=geo.cell, category=category, reported_at=now - timedelta(days=10))
    closed = FindingFactory(
        grid_cell=geo.cell, category=category, status=Finding.Status.CLOSED, reported_at=now - timedelta(days=5)
    )
    stall = FindingFactory(grid_cell=geo.cell, category=unit_category, reported_at=now - timedelta(days=1))

    def codes(**params):
        response = client.get(f"{V2}/requests.json", params)
        assert response.status_code == 200, response.content
        return {r["service_request_id"] for r in response.json()}

    assert codes(service_code="road-occupation") == {stall.code}
    assert codes(service_code="road-occupation,exposed-garbage") == {stall.code, garbage.code, closed.code}
    assert codes(status="closed") == {closed.code}
    assert codes(status="open") == {stall.code, garbage.code}
    start = (now - timedelta(days=7)).isoformat()
    assert codes(start_date=start, end_date=(now - timedelta(days=2)).isoformat()) == {closed.code}
    assert codes(start_date=start) == {closed.code, stall.code}
    # The numbers override every other filter.
    assert codes(service_request_id=f"{garbage.code}, {stall.code}", status="closed") == {garbage.code, stall.code}
    assert codes(status="", service_code="") == {garbage.code, closed.code, stall.code}


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"},  # over 90 days
        {"start_date": "2026-06-01T00:00:00+08:00", "end_date": "2026-05-01T00:00:00+08:00"},
        {"start_date": "yesterday"},
        {"status": "pending"},
        {"end_date": "1999-12-31T00:00:00+08:00"},
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_list_arguments_are_a_400(client, geo, params, fmt):
    response = client.get(f"{V2}/requests.{fmt}", params)
    assert response.status_code == 400, response.content
    assert error_descriptions(response, fmt)


def test_a_list_answers_at_most_the_limit(client, geo, category, monkeypatch):
    monkeypatch.setattr(records, "MAX_RESULTS", 3)
    for _ in range(5):
        FindingFactory(grid_cell=geo.cell, category=category)
    assert len(client.get(f"{V2}/requests.json").json()) == 3


def test_a_list_costs_the_same_queries_for_any_number_of_rows(client, geo, category, django_assert_max_num_queries):
    for _ in range(3):
        FindingFactory(grid_cell=geo.cell, category=category)
    # jurisdiction, findings (with their last public note), their photos
    with django_assert_max_num_queries(3):
        assert len(client.get(f"{V2}/requests.json").json()) == 3
    for _ in range(20):
        FindingFactory(grid_cell=geo.cell, category=category)
    with django_assert_max_num_queries(3):
        assert len(client.get(f"{V2}/requests.json", {"status": "open"}).json()) == 23


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_leads_to_its_request(client, geo, category, open311_key, fmt):
    answer = created(file(client, open311_key, fmt), fmt)
    (record,) = records_of(client.get(f"{V2}/tokens/{answer['token']}.{fmt}"), fmt)
    assert record == {"service_request_id": answer["service_request_id"], "token": answer["token"]}
    for token in ("nonsense", "8a7b1c2d-0000-4000-8000-000000000000"):
        response = client.get(f"{V2}/tokens/{token}.{fmt}")
        assert response.status_code == 404
        assert error_descriptions(response, fmt)


def test_a_token_of_another_districts_request_is_a_404(client, geo, category, open311_key):
    token = created(file(client, open311_key), "json")["token"]
    DistrictFactory(code="370102", name="历下区")
    assert client.get(f"{V2}/tokens/{token}.json", {"jurisdiction_id": "370103"}).status_code == 200
    response = client.get(f"{V2}/tokens/{token}.json", {"jurisdiction_id": "370102"})
    assert response.status_code == 404
    assert error_descriptions(response, "json")


def test_public_reads_are_cached_briefly(client, geo, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.get(f"{V2}/requests.json").json()[0]["status"] == "open"
        Finding.objects.filter(pk=finding.pk).update(status=Finding.Status.CLOSED)
        assert client.get(f"{V2}/requests.json").json()[0]["status"] == "open"  # from the cache
        traveller.shift(timedelta(seconds=31))
        assert client.get(f"{V2}/requests.json").json()[0]["status"] == "closed"
