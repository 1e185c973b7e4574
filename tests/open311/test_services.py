"""Discovery, the service list and service definitions, in both formats, with their errors."""

from datetime import timedelta

import pytest

from districts.models import District
from inspections.models import Category
from tests.factories import DistrictFactory
from tests.open311.conftest import V2, body, error_descriptions
from web.durations import duration

FORMATS = ["xml", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_this_endpoint_and_both_formats(client, geo, fmt):
    response = client.get(f"{V2}/discovery.{fmt}")
    assert response.status_code == 200
    parsed = body(response, fmt)
    if fmt == "json":
        endpoint = parsed["endpoints"][0]
        assert set(parsed) == {"changeset", "contact", "key_service", "endpoints"}
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert endpoint["url"].endswith("/open311/v2")
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    else:
        assert parsed.tag == "discovery"
        assert [f.text for f in parsed.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]
        assert parsed.findtext("endpoints/endpoint/url").endswith("/open311/v2")


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_categories(client, geo, questions, unit_category, fmt):
    Category.objects.create(code="retired", name="已停用", is_active=False)
    response = client.get(f"{V2}/services.{fmt}")
    assert response.status_code == 200
    parsed = body(response, fmt)
    if fmt == "json":
        services = {s["service_code"]: s for s in parsed}
        assert set(services) == {"exposed-garbage", "road-occupation"}
        garbage = services["exposed-garbage"]
        assert garbage["service_name"] == "暴露垃圾"
        assert garbage["metadata"] is True and services["road-occupation"]["metadata"] is False
        assert garbage["type"] == "realtime"
        assert duration(timedelta(hours=24)) in garbage["description"]
    else:
        assert parsed.tag == "services"
        services = {s.findtext("service_code"): s for s in parsed.findall("service")}
        assert set(services) == {"exposed-garbage", "road-occupation"}
        assert services["exposed-garbage"].findtext("metadata") == "true"
        assert services["road-occupation"].findtext("metadata") == "false"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_lists_its_questions_in_order(client, geo, questions, fmt):
    response = client.get(f"{V2}/services/exposed-garbage.{fmt}")
    assert response.status_code == 200
    parsed = body(response, fmt)
    if fmt == "json":
        assert parsed["service_code"] == "exposed-garbage"
        where, bags, kinds = parsed["attributes"]
        assert where == {
            "variable": True,
            "code": "where",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": None,
            "order": 1,
            "description": "垃圾在什么位置？",
            "values": [{"key": "roadside", "name": "路边"}, {"key": "greenbelt", "name": "绿化带"}],
        }
        assert (bags["datatype"], bags["required"], bags["values"]) == ("number", False, [])
        assert kinds["datatype"] == "multivaluelist"
    else:
        assert parsed.tag == "service_definition"
        codes = [a.findtext("code") for a in parsed.findall("attributes/attribute")]
        assert codes == ["where", "bags", "kinds"]
        values = parsed.findall("attributes/attribute")[0].findall("values/value")
        assert [(v.findtext("key"), v.findtext("name")) for v in values] == [
            ("roadside", "路边"),
            ("greenbelt", "绿化带"),
        ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_or_retired_service_is_a_404_in_the_error_form(client, geo, fmt):
    Category.objects.create(code="retired", name="已停用", is_active=False)
    for code in ("nonsense", "retired"):
        response = client.get(f"{V2}/services/{code}.{fmt}")
        assert response.status_code == 404
        assert any(code in d for d in error_descriptions(response, fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_jurisdiction_is_a_404(client, category, geo, fmt):
    for url in (f"{V2}/services.{fmt}", f"{V2}/services/exposed-garbage.{fmt}", f"{V2}/requests.{fmt}"):
        response = client.get(url, {"jurisdiction_id": "999999"})
        assert response.status_code == 404, url
        assert "999999" in error_descriptions(response, fmt)[0]


def test_the_district_code_is_the_jurisdiction_and_an_empty_one_is_absent(client, category, geo):
    assert client.get(f"{V2}/services.json", {"jurisdiction_id": "370103"}).status_code == 200
    assert client.get(f"{V2}/services.json", {"jurisdiction_id": ""}).status_code == 200


def test_with_several_districts_the_jurisdiction_must_be_given(client, category, geo):
    DistrictFactory(code="370102", name="历下区")
    response = client.get(f"{V2}/services.json")
    assert response.status_code == 400
    assert error_descriptions(response, "json")[0].startswith("jurisdiction_id")
    assert District.objects.count() == 2
    assert client.get(f"{V2}/services.json", {"jurisdiction_id": "370102"}).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_resource_is_a_404_in_the_error_form(client, geo, fmt):
    response = client.get(f"{V2}/nothing-here.{fmt}")
    assert response.status_code == 404
    error_descriptions(response, fmt)


def test_an_unknown_resource_without_a_suffix_answers_in_xml(client, geo):
    response = client.post(f"{V2}/requests")
    assert response.status_code == 404
    error_descriptions(response, "xml")


def test_a_method_a_resource_does_not_have_is_a_405_in_the_error_form(client, geo):
    response = client.delete(f"{V2}/services.xml")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    error_descriptions(response, "xml")


def test_the_suffix_chooses_the_format_whatever_the_accept_header_says(client, geo, category):
    response = client.get(f"{V2}/services.xml", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert body(response, "xml").tag == "services"


def test_a_services_group_is_its_action_line_in_the_active_campaign(client, geo, category, unit_category):
    from datetime import date

    from campaign.models import ActionLine, Campaign, CategoryLink

    old = Campaign.objects.create(
        district=geo.district,
        name="2019年复审",
        starts_on=date(2019, 1, 1),
        ends_on=date(2019, 12, 31),
        is_active=False,
    )
    campaign = Campaign.objects.create(
        district=geo.district, name="2026年复审", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    line = ActionLine.objects.create(campaign=campaign, code="A02", name="城市环境面貌提升")
    stale = ActionLine.objects.create(campaign=old, code="A01", name="旧的攻坚行动")
    CategoryLink.objects.create(campaign=campaign, category=category, action_line=line)
    CategoryLink.objects.create(campaign=old, category=unit_category, action_line=stale)
    services = {s["service_code"]: s for s in client.get(f"{V2}/services.json").json()}
    assert services[category.code]["group"] == "城市环境面貌提升"
    assert services[unit_category.code]["group"] == ""
