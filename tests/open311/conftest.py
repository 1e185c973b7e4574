"""Fixtures of the Open311 tests: a key of each kind, a category with questions, parsing helpers."""

import json
import xml.etree.ElementTree as ET

import pytest

from accounts.models import ApiKey
from open311.models import AttributeValue, ServiceAttribute

V2 = "/open311/v2"
POINT = {"lat": "36.655", "long": "116.995"}  # inside geo.cell


#: A service request's fields, in the specification's order (GeoReport v2, GET requests).
REQUEST = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


@pytest.fixture
def open311_key(geo):
    """A key of the district's residents' app: its reports are citizen snapshots (随手拍)."""
    _row, key = ApiKey.objects.create_key(
        name="泉城随手拍", scope=ApiKey.Scope.OPEN311, source=ApiKey.Source.SNAPSHOT, district=geo.district
    )
    return key


@pytest.fixture
def hotline_open311_key(geo):
    _row, key = ApiKey.objects.create_key(
        name="12345 Open311", scope=ApiKey.Scope.OPEN311, source=ApiKey.Source.HOTLINE, district=geo.district
    )
    return key


@pytest.fixture
def hotline_key(geo):
    _row, key = ApiKey.objects.create_key(name="12345热线", scope=ApiKey.Scope.HOTLINE, district=geo.district)
    return key


@pytest.fixture
def questions(category):
    """Two questions on the category: where exactly (required, one of a list) and how much (a number)."""
    where = ServiceAttribute.objects.create(
        category=category,
        code="where",
        description="垃圾在什么位置？",
        datatype=ServiceAttribute.Datatype.SINGLE,
        required=True,
        order=1,
    )
    AttributeValue.objects.create(attribute=where, key="roadside", name="路边", order=1)
    AttributeValue.objects.create(attribute=where, key="greenbelt", name="绿化带", order=2)
    ServiceAttribute.objects.create(
        category=category,
        code="bags",
        description="大约有几袋？",
        datatype=ServiceAttribute.Datatype.NUMBER,
        datatype_description="一个整数",
        order=2,
    )
    kinds = ServiceAttribute.objects.create(
        category=category,
        code="kinds",
        description="有哪些垃圾？",
        datatype=ServiceAttribute.Datatype.MULTIPLE,
        order=3,
    )
    AttributeValue.objects.create(attribute=kinds, key="household", name="生活垃圾", order=1)
    AttributeValue.objects.create(attribute=kinds, key="building", name="建筑垃圾", order=2)
    return category


def body(response, fmt: str):
    """The answer parsed: JSON as it is; XML as an ElementTree element (the standard library's parser)."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json"
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own answer, parsed as any client would)


def error_descriptions(response, fmt: str) -> list[str]:
    """The descriptions of an error answer, checking its form: errors/error with code and description."""
    parsed = body(response, fmt)
    if fmt == "json":
        assert isinstance(parsed, list) and parsed
        assert all(set(e) == {"code", "description"} and e["code"] == response.status_code for e in parsed)
        return [e["description"] for e in parsed]
    assert parsed.tag == "errors"
    errors = list(parsed)
    assert errors and all(e.tag == "error" for e in errors)
    assert all([c.tag for c in e] == ["code", "description"] for e in errors)
    assert all(e.findtext("code") == str(response.status_code) for e in errors)
    return [e.findtext("description") for e in errors]


def file(client, key: str, fmt: str = "json", **fields):
    data = {"api_key": key, "service_code": "exposed-garbage", "description": "路边有一堆垃圾", **POINT, **fields}
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(f"{V2}/requests.{fmt}", data)
