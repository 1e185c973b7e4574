"""Our XML, read by a plain XML parser (the standard library's minidom), against the element
names and nesting of the GeoReport v2 specification; and a round trip POST → GET requests/{id}."""

import xml.dom.minidom

import pytest

from inspections.models import FindingEvent
from tests.open311.conftest import REQUEST, V2, file

#: The specification's documents: an element → its children in order; ``[name]`` is a list of ``name``.
SPEC = {
    "discovery": {
        "discovery": ["changeset", "contact", "key_service", "endpoints"],
        "endpoints": ["[endpoint]"],
        "endpoint": ["specification", "url", "changeset", "type", "formats"],
        "formats": ["[format]"],
    },
    "services": {
        "services": ["[service]"],
        "service": ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
    },
    "service_definition": {
        "service_definition": ["service_code", "attributes"],
        "attributes": ["[attribute]"],
        "attribute": [
            "variable",
            "code",
            "datatype",
            "required",
            "datatype_description",
            "order",
            "description",
            "values",
        ],
        "values": ["[value]"],
        "value": ["key", "name"],
    },
    "service_requests": {"service_requests": ["[request]"], "request": REQUEST},
    "created": {
        "service_requests": ["[request]"],
        "request": ["service_request_id", "token", "service_notice", "account_id"],
    },
    "token": {"service_requests": ["[request]"], "request": ["service_request_id", "token"]},
    "errors": {"errors": ["[error]"], "error": ["code", "description"]},
}


def elements(node) -> list:
    return [child for child in node.childNodes if child.nodeType == child.ELEMENT_NODE]


def check(node, spec: dict) -> int:
    """Check ``node`` and everything under it against ``spec``; returns how many elements were checked."""
    assert not node.namespaceURI and ":" not in node.tagName, node.tagName
    assert node.attributes.length == 0, node.tagName  # no xmlns, no attributes at all
    children = elements(node)
    wanted = spec.get(node.tagName)
    if wanted is None:  # a leaf: text only
        assert children == [], node.tagName
        return 1
    if len(wanted) == 1 and wanted[0].startswith("["):
        item = wanted[0][1:-1]
        assert all(child.tagName == item for child in children), (node.tagName, [c.tagName for c in children])
    else:
        assert [child.tagName for child in children] == wanted, node.tagName
    return 1 + sum(check(child, spec) for child in children)


def parse(response, kind: str) -> int:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    document = xml.dom.minidom.parseString(response.content)  # noqa: S318 (our own answer)
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = document.documentElement
    assert root.tagName == next(iter(SPEC[kind]))
    return check(root, SPEC[kind])


def test_every_document_has_the_specifications_elements_and_nesting(client, geo, questions, open311_key):
    posted = file(client, open311_key, "xml", account_id="u-1", **{"attribute[where]": "greenbelt"})
    assert posted.status_code == 201
    assert parse(posted, "created") == 6
    code = xml.dom.minidom.parseString(posted.content).getElementsByTagName("service_request_id")[0].firstChild.data  # noqa: S318
    token = xml.dom.minidom.parseString(posted.content).getElementsByTagName("token")[0].firstChild.data  # noqa: S318
    assert parse(client.get(f"{V2}/discovery.xml"), "discovery") > 10
    assert parse(client.get(f"{V2}/services.xml"), "services") == 1 + 8
    # three questions, two with two options each: 1 + 2 + 3 * 9 + 2 * 2 * 3
    assert parse(client.get(f"{V2}/services/exposed-garbage.xml"), "service_definition") == 42
    assert parse(client.get(f"{V2}/requests.xml"), "service_requests") == 1 + 1 + len(REQUEST)
    assert parse(client.get(f"{V2}/requests/{code}.xml"), "service_requests") == 1 + 1 + len(REQUEST)
    assert parse(client.get(f"{V2}/tokens/{token}.xml"), "token") == 4
    assert parse(client.get(f"{V2}/requests/nothing.xml"), "errors") == 4
    assert parse(file(client, "bad-key", "xml"), "errors") == 4


def test_text_is_escaped_not_markup(client, geo, category, open311_key):
    posted = file(client, open311_key, "xml", description="<b>垃圾</b> & 杂物 ]]>")
    code = xml.dom.minidom.parseString(posted.content).getElementsByTagName("service_request_id")[0].firstChild.data  # noqa: S318
    document = xml.dom.minidom.parseString(client.get(f"{V2}/requests/{code}.xml").content)  # noqa: S318
    assert document.getElementsByTagName("description")[0].firstChild.data == "<b>垃圾</b> & 杂物 ]]>"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_request_round_trips_from_post_to_get(client, geo, questions, open311_key, fmt):
    from tests.open311.test_requests import created, records_of

    posted = file(client, open311_key, fmt, address_string="舜耕路12号", **{"attribute[where]": "roadside"})
    assert posted.status_code == 201, posted.content
    answer = created(posted, fmt)
    (record,) = records_of(client.get(f"{V2}/requests/{answer['service_request_id']}.{fmt}"), fmt)
    assert record["service_request_id"] == answer["service_request_id"]
    assert record["service_notice"] == answer["service_notice"]
    assert record["service_code"] == "exposed-garbage"
    assert record["address"] == "舜耕路12号"
    assert record["description"] == "路边有一堆垃圾\n垃圾在什么位置？ 路边"
    assert record["status"] == "open"
    assert str(record["lat"]) == "36.655" and str(record["long"]) == "116.995"
    # Dispatched at intake: both events written with the finding.
    assert FindingEvent.objects.filter(finding__code=answer["service_request_id"]).count() == 2
