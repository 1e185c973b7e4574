"""The cases API (/api/v1/cases/): scope, roles, opening, deciding once, the append-only history."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.test import APIClient

from accounts.models import Role
from inspections.models import Finding, FindingEvent
from oversight import services
from oversight.models import AccountabilityCase, CaseEvent
from tests.factories import FindingFactory, person

Status = Finding.Status
NOW = timezone.make_aware(timezone.datetime(2026, 11, 26, 10, 0), timezone.get_fixed_timezone(480))
CASES = "/api/v1/cases/"

pytestmark = pytest.mark.usefixtures("pinned")


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def login(api):
    def log_in(user):
        api.force_login(user)
        return api

    return log_in


@pytest.fixture
def other_street_discipline(geo):
    return person(Role.STREET_DISCIPLINE, geo.other_street, username="other_street_discipline")


def overdue(geo, category, *, hours: float = 30, cell=None, level: int = 1, **fields) -> Finding:
    reported = NOW - timedelta(hours=24 + hours)
    return FindingFactory(
        grid_cell=cell or geo.cell, category=category, reported_at=reported, escalation_level=level, **fields
    )


def unit_overdue(geo, unit_category, person=None, **fields) -> Finding:
    return overdue(
        geo, unit_category, responsible_unit=geo.unit, responsible_person=person, status=Status.RECTIFYING, **fields
    )


def url(case=None, action=None) -> str:
    if case is None:
        return CASES
    return f"{CASES}{case.pk}/" + (f"{action}/" if action else "")


def decision(**fields) -> dict:
    return {
        "outcome": "talk",
        "review": "约谈了城管局分管负责人",
        "decision_date": NOW.date().isoformat(),
        "document_no": "市中纪约〔2026〕7号",
        **fields,
    }


@pytest.fixture
def two(geo, unit_category, unit_staff):
    return (
        unit_overdue(geo, unit_category, unit_staff, hours=30),
        unit_overdue(geo, unit_category, unit_staff, hours=6),
    )


@pytest.fixture
def case(inspector, two):
    return services.open_case(actor=inspector, codes=[f.code for f in two])


# --- opening -------------------------------------------------------------------------------


def test_inspector_opens_a_case_from_two_findings_prefilled(login, inspector, unit_staff, two):
    first, second = two
    response = login(inspector).post(CASES, {"findings": [first.code, second.code]}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["responsible_unit"] == "CGJ"
    assert body["responsible_community"] is None
    assert body["responsible_person"] == unit_staff.username
    assert body["street"] == "370103001"
    assert body["state"] == "open"
    assert body["findings"] == [first.code, second.code]
    assert [(row["code"], row["hours_overdue"]) for row in body["case_findings"]] == [
        (first.code, "30.0"),
        (second.code, "6.0"),
    ]
    assert body["title"]
    assert first.code in body["summary"] and second.code in body["summary"]
    assert [event["kind"] for event in body["events"]] == ["opened"]
    for finding in two:
        assert finding.events.filter(kind=FindingEvent.Kind.CASE_OPENED, payload__case=body["id"]).exists()


def test_a_title_and_facts_given_are_kept(login, inspector, two):
    response = login(inspector).post(
        CASES, {"findings": [two[0].code], "title": "城管局超期", "summary": "见附件"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["title"], response.json()["summary"]) == ("城管局超期", "见附件")


def test_community_worker_cannot_open_a_case(login, community_worker, geo, category):
    finding = overdue(geo, category)
    response = login(community_worker).post(CASES, {"findings": [finding.code]}, format="json")
    assert response.status_code == 403
    assert not AccountabilityCase.objects.exists()


def test_a_finding_not_overdue_cannot_be_put_in_a_case(login, inspector, geo, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category, reported_at=NOW - timedelta(hours=2))
    response = login(inspector).post(CASES, {"findings": [finding.code]}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["findings"]
    assert finding.code in response.json()["findings"][0]


def test_an_unknown_or_out_of_reach_finding_is_a_field_error(login, street_discipline, geo, category):
    theirs = overdue(geo, category, cell=geo.other_cell)
    response = login(street_discipline).post(CASES, {"findings": [theirs.code, "nope"]}, format="json")
    assert response.status_code == 400
    assert "nope" in response.json()["findings"][0] and theirs.code in response.json()["findings"][0]
    assert not AccountabilityCase.objects.exists()


def test_an_empty_list_of_findings_is_a_field_error(login, inspector):
    response = login(inspector).post(CASES, {"findings": []}, format="json")
    assert response.status_code == 400
    assert response.json() == {"findings": [gettext("Choose at least one overdue finding.")]}


def test_findings_of_two_responsible_sides_make_no_case(login, inspector, geo, category, unit_category):
    codes = [unit_overdue(geo, unit_category).code, overdue(geo, category).code]
    response = login(inspector).post(CASES, {"findings": codes}, format="json")
    assert response.status_code == 400
    assert not AccountabilityCase.objects.exists()


# --- reading: scope and roles --------------------------------------------------------------


def test_list_shows_only_the_cases_in_reach(login, geo, category, inspector, street_discipline, case):
    theirs = services.open_case(actor=inspector, codes=[overdue(geo, category, cell=geo.other_cell).code])
    district = login(inspector).get(CASES).json()["results"]
    assert {row["id"] for row in district} == {case.pk, theirs.pk}
    street = login(street_discipline).get(CASES).json()["results"]
    assert [row["id"] for row in street] == [case.pk]


def test_street_discipline_officer_sees_the_case_of_the_street(login, street_discipline, case):
    response = login(street_discipline).get(url(case))
    assert response.status_code == 200
    assert response.json()["id"] == case.pk


def test_street_discipline_officer_of_another_street_gets_404(login, other_street_discipline, case):
    api = login(other_street_discipline)
    assert api.get(url(case)).status_code == 404
    assert api.post(url(case, "decide"), decision(), format="json").status_code == 404
    case.refresh_from_db()
    assert case.state == AccountabilityCase.State.OPEN


@pytest.mark.parametrize("role", ["street_staff", "community_worker", "unit_staff", "supervisor"])
def test_other_roles_get_403(login, request, case, role):
    api = login(request.getfixturevalue(role))
    assert api.get(CASES).status_code == 403
    assert api.get(url(case)).status_code == 403
    assert api.post(url(case, "decide"), decision(), format="json").status_code == 403


def test_anonymous_gets_403(api, case):
    assert api.get(CASES).status_code == 403


def _list_queries(api, geo, category, inspector, count: int) -> int:
    for _ in range(count):
        services.open_case(actor=inspector, codes=[overdue(geo, category).code, overdue(geo, category).code])
    with CaptureQueriesContext(connection) as queries:
        response = api.get(CASES)
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_the_cases(login, geo, category, inspector, django_assert_max_num_queries):
    api = login(inspector)
    few = _list_queries(api, geo, category, inspector, 3)
    many = _list_queries(api, geo, category, inspector, 27)
    assert few == many
    with django_assert_max_num_queries(6):
        api.get(CASES)


# --- deciding ------------------------------------------------------------------------------


def test_inspector_records_the_decision(login, inspector, case):
    response = login(inspector).post(url(case, "decide"), decision(), format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["outcome"], body["decision_date"], body["document_no"]) == (
        "decided",
        "talk",
        NOW.date().isoformat(),
        "市中纪约〔2026〕7号",
    )
    assert body["decided_by"] == inspector.username
    assert [event["kind"] for event in body["events"]] == ["opened", "decided"]
    for link in case.case_findings.all():
        assert link.finding.events.filter(kind=FindingEvent.Kind.CASE_DECIDED).count() == 1


def test_a_second_decision_is_a_conflict(login, inspector, case):
    api = login(inspector)
    assert api.post(url(case, "decide"), decision(), format="json").status_code == 200
    response = api.post(url(case, "decide"), decision(outcome="sanction"), format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": gettext("This case has already been decided.")}
    case.refresh_from_db()
    assert case.outcome == AccountabilityCase.Outcome.TALK
    assert FindingEvent.objects.filter(kind=FindingEvent.Kind.CASE_DECIDED).count() == 2  # one per finding


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"outcome": "fine"}, "outcome"),
        ({"review": ""}, "review"),
        ({"decision_date": "yesterday"}, "decision_date"),
        ({"decision_date": "2026-11-27"}, "decision_date"),
        ({"document_no": ""}, "document_no"),
    ],
)
def test_a_bad_decision_is_a_field_error_and_changes_nothing(login, inspector, case, fields, field):
    response = login(inspector).post(url(case, "decide"), decision(**fields), format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    case.refresh_from_db()
    assert case.state == AccountabilityCase.State.OPEN
    assert case.events.count() == 1


def test_a_note_is_appended_to_the_history(login, street_discipline, case):
    response = login(street_discipline).post(url(case, "notes"), {"note": "已约谈"}, format="json")
    assert response.status_code == 200
    assert [(e["kind"], e["note"]) for e in response.json()["events"]] == [("opened", ""), ("note", "已约谈")]


def test_an_empty_note_is_a_field_error(login, inspector, case):
    response = login(inspector).post(url(case, "notes"), {"note": ""}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["note"]


# --- the history is append-only ------------------------------------------------------------


def test_case_events_cannot_be_updated(case):
    event = case.events.get()
    event.note = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(pk=event.pk).update(note="rewritten")
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_case_events_cannot_be_deleted(case):
    event = case.events.get()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(pk=event.pk).delete()
    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_case_snapshot_keeps_the_hours_as_they_stood(login, inspector, case):
    # A day later the findings are later still; the case keeps the facts of its opening.
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        body = login(inspector).get(url(case)).json()
    assert [row["hours_overdue"] for row in body["case_findings"]] == ["30.0", "6.0"]
    assert case.case_findings.first().hours_overdue == Decimal("30.0")


def test_a_leader_reads_cases_through_the_api_and_opens_none(login, leader, case, geo, category):
    api = login(leader)
    assert [row["id"] for row in api.get("/api/v1/cases/").json()["results"]] == [case.pk]
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert api.post(f"/api/v1/cases/{case.pk}/notes/", {"note": "已阅"}, format="json").status_code == 403
    code = overdue(geo, category).code
    assert api.post("/api/v1/cases/", {"findings": [code]}, format="json").status_code == 403
