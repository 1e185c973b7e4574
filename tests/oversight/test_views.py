"""The oversight pages (/oversight/): the overdue queue, cases, notices, performance; who sees what."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role
from inspections.models import Finding, FindingEvent
from oversight import services
from oversight.models import AccountabilityCase, CaseEvent, CaseFinding
from tests.factories import FindingFactory, GridCellFactory, person

Status = Finding.Status
NOW = timezone.make_aware(timezone.datetime(2026, 11, 26, 10, 0), timezone.get_fixed_timezone(480))
QUEUE = reverse("oversight:queue")
CASES = reverse("oversight:cases")
CASE_NEW = reverse("oversight:case_new")
PERFORMANCE = reverse("oversight:performance")

pytestmark = pytest.mark.usefixtures("pinned")


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client():
    # English pages, so that assertions on texts do not depend on the Chinese catalogue.
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def other_street_discipline(geo):
    return person(Role.STREET_DISCIPLINE, geo.other_street, username="other_street_discipline")


def as_user(client, user):
    client.force_login(user)
    return client


def overdue(geo, category, *, hours: float = 30, cell=None, level: int = 1, **fields) -> Finding:
    """A finding whose 24-hour deadline passed ``hours`` ago."""
    reported = NOW - timedelta(hours=24 + hours)
    # As the sweep leaves it: the level, and when it first went overdue.
    overdue_at = reported + timedelta(hours=24) if level >= 1 else None
    return FindingFactory(
        grid_cell=cell or geo.cell,
        category=category,
        reported_at=reported,
        escalation_level=level,
        overdue_at=overdue_at,
        **fields,
    )


def unit_overdue(geo, unit_category, person=None, **fields) -> Finding:
    return overdue(
        geo, unit_category, responsible_unit=geo.unit, responsible_person=person, status=Status.RECTIFYING, **fields
    )


def codes(response) -> list[str]:
    return [finding.code for finding in response.context["page"].object_list]


def case_url(case, name: str = "case") -> str:
    return reverse(f"oversight:{name}", args=[case.pk])


def decision(**fields) -> dict:
    return {
        "outcome": "talk",
        "review": "约谈了城管局分管负责人",
        "decision_date": NOW.date().isoformat(),
        "document_no": "市中纪约〔2026〕7号",
        **fields,
    }


@pytest.fixture
def case(geo, unit_category, inspector, unit_staff):
    first = unit_overdue(geo, unit_category, unit_staff, hours=30)
    second = unit_overdue(geo, unit_category, unit_staff, hours=6)
    return services.open_case(actor=inspector, codes=[first.code, second.code])


# --- who may enter -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["street_staff", "community_worker", "unit_staff", "supervisor"])
@pytest.mark.parametrize("url", [QUEUE, CASES, PERFORMANCE])
def test_non_discipline_roles_get_403(client, request, role, url):
    user = request.getfixturevalue(role)
    response = as_user(client, user).get(url)
    assert response.status_code == 403
    assert "Only the discipline bodies work here." in response.content.decode()


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["inspector", "street_discipline"])
def test_discipline_roles_see_the_queue_cases_and_performance(client, request, role):
    user = request.getfixturevalue(role)
    as_user(client, user)
    for url in (QUEUE, CASES, PERFORMANCE):
        assert client.get(url).status_code == 200


# --- leaders read everything here, and act on nothing ---------------------------------------


def test_a_leader_reads_the_whole_districts_queue_without_the_case_form(client, geo, leader, category):
    mine = overdue(geo, category)
    theirs = overdue(geo, category, cell=geo.other_cell)
    response = as_user(client, leader).get(QUEUE)
    assert response.status_code == 200
    assert set(codes(response)) == {mine.code, theirs.code}
    html = response.content.decode()
    assert 'name="findings"' not in html and 'id="id_title"' not in html


def test_a_leader_reads_a_case_and_its_notice_without_the_review_forms(client, leader, case):
    as_user(client, leader)
    response = client.get(case_url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "decide-form" not in html and "note-form" not in html
    assert client.get(f"{case_url(case)}notice/").status_code == 200
    assert client.get(CASES).context["page"].object_list[0] == case


def test_a_leader_cannot_open_or_decide_a_case(client, geo, leader, category, case):
    as_user(client, leader)
    finding = overdue(geo, category)
    assert client.post(reverse("oversight:case_new"), {"findings": [finding.code]}).status_code == 403
    assert client.post(f"{case_url(case)}decide/", decision()).status_code == 403
    assert client.post(f"{case_url(case)}note/", {"note": "已阅"}).status_code == 403
    assert not AccountabilityCase.objects.exclude(pk=case.pk).exists()
    case.refresh_from_db()
    assert case.state == AccountabilityCase.State.OPEN


def test_a_leader_reads_unit_performance(client, leader):
    assert as_user(client, leader).get(PERFORMANCE).status_code == 200


# --- the overdue queue ---------------------------------------------------------------------


def test_inspector_sees_the_overdue_findings_of_the_whole_district(client, geo, inspector, category):
    ours = overdue(geo, category)
    theirs = overdue(geo, category, cell=geo.other_cell)
    response = as_user(client, inspector).get(QUEUE)
    assert sorted(codes(response)) == sorted([ours.code, theirs.code])


def test_street_discipline_officer_sees_only_their_streets_overdue_findings(client, geo, street_discipline, category):
    ours = overdue(geo, category)
    overdue(geo, category, cell=geo.other_cell)
    response = as_user(client, street_discipline).get(QUEUE)
    assert codes(response) == [ours.code]


def test_queue_leaves_out_findings_on_time_and_closed_ones(client, geo, inspector, category):
    late = overdue(geo, category)
    # The sweep has not marked this one yet; its deadline has passed all the same.
    unmarked = overdue(geo, category, hours=1, level=0)
    FindingFactory(grid_cell=geo.cell, category=category, reported_at=NOW - timedelta(hours=2))
    overdue(geo, category, status=Status.CLOSED, closed_at=NOW - timedelta(hours=1))
    overdue(geo, category, status=Status.INVALID, closed_at=NOW - timedelta(hours=1))
    response = as_user(client, inspector).get(QUEUE)
    assert sorted(codes(response)) == sorted([late.code, unmarked.code])


def test_queue_is_sorted_by_hours_overdue_most_first(client, geo, inspector, category):
    six = overdue(geo, category, hours=6)
    fifty = overdue(geo, category, hours=50, level=2)
    thirty = overdue(geo, category, hours=30, cell=geo.other_cell)
    response = as_user(client, inspector).get(QUEUE)
    assert codes(response) == [fifty.code, thirty.code, six.code]
    rows = {f.code: f.hours_overdue for f in response.context["page"].object_list}
    assert rows == {fifty.code: Decimal("50.0"), thirty.code: Decimal("30.0"), six.code: Decimal("6.0")}
    assert "overdue 2 days 2 hours" in response.content.decode()


@pytest.mark.parametrize(
    ("param", "value", "expected"),
    [
        ("street", "370103002", "other_street"),
        ("community", "370103001002", "sibling"),
        ("unit", "CGJ", "unit"),
        ("category", "road-occupation", "unit"),
        ("level", "2", "escalated"),
    ],
)
def test_queue_filters(client, geo, inspector, category, unit_category, param, value, expected):
    # Overdue by 6 hours, except one still open a day and more past its deadline: escalated.
    made = {
        "plain": overdue(geo, category, hours=6),
        "other_street": overdue(geo, category, hours=6, cell=geo.other_cell),
        "sibling": overdue(geo, category, hours=6, cell=GridCellFactory(community=geo.sibling_community)),
        "unit": unit_overdue(geo, unit_category, hours=6),
        "escalated": overdue(geo, category, hours=40, level=2),
    }
    response = as_user(client, inspector).get(QUEUE, {param: value})
    assert codes(response) == [made[expected].code]


def test_queue_offers_the_filters_found_in_it(client, geo, inspector, category, unit_category):
    unit_overdue(geo, unit_category)
    overdue(geo, category, cell=geo.other_cell)
    response = as_user(client, inspector).get(QUEUE)
    assert response.context["streets"] == [("370103001", "杆石桥街道"), ("370103002", "魏家庄街道")]
    assert response.context["units"] == [("CGJ", "区城管局")]
    assert {code for code, _name in response.context["categories"]} == {"exposed-garbage", "road-occupation"}


def test_each_row_links_to_the_findings_full_timeline(client, geo, inspector, category):
    finding = overdue(geo, category)
    FindingEvent.objects.create(finding=finding, kind=FindingEvent.Kind.OVERDUE, note="超期未整改", at=NOW)
    response = as_user(client, inspector).get(QUEUE)
    html = response.content.decode()
    assert reverse("inspections:detail", args=[finding.code]) in html
    # The timeline is on the row too, folded.
    assert "超期未整改" in html
    assert as_user(client, inspector).get(reverse("inspections:detail", args=[finding.code])).status_code == 200


def _queue_queries(client, geo, category, inspector, count: int) -> int:
    made = [overdue(geo, category, hours=index + 1) for index in range(count)]
    for finding in made:
        FindingEvent.objects.create(finding=finding, kind=FindingEvent.Kind.OVERDUE, at=NOW)
    services.open_case(actor=inspector, codes=[made[0].code])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert len(codes(response)) >= count
    assert CaseFinding.objects.exists()
    return len(queries)


def test_queue_query_count_does_not_grow_with_the_findings(
    client, geo, inspector, category, django_assert_max_num_queries
):
    as_user(client, inspector)
    few = _queue_queries(client, geo, category, inspector, 3)
    many = _queue_queries(client, geo, category, inspector, 30)
    assert few == many
    with django_assert_max_num_queries(12):
        client.get(QUEUE)


# --- opening a case ------------------------------------------------------------------------


def test_opening_a_case_from_two_findings_prefills_unit_person_and_facts(
    client, geo, inspector, unit_category, unit_staff
):
    first = unit_overdue(geo, unit_category, unit_staff, hours=30, return_count=1)
    second = unit_overdue(geo, unit_category, unit_staff, hours=6)
    response = as_user(client, inspector).post(CASE_NEW, {"findings": [first.code, second.code]})

    case = AccountabilityCase.objects.get()
    assert response.status_code == 302
    assert response.url == case_url(case)
    assert case.responsible_unit == geo.unit
    assert case.responsible_person == unit_staff
    assert case.street == geo.street
    assert case.opened_by == inspector
    facts = {link.finding.code: (link.deadline_at, link.hours_overdue) for link in case.case_findings.all()}
    assert facts == {
        first.code: (first.deadline_at, Decimal("30.0")),
        second.code: (second.deadline_at, Decimal("6.0")),
    }
    assert first.code in case.summary and "overdue 1 day 6 hours" in case.summary
    assert "returned 1 time(s)" in case.summary
    for finding in (first, second):
        event = finding.events.get(kind=FindingEvent.Kind.CASE_OPENED)
        assert event.actor == inspector and event.payload == {"case": case.pk}


def test_case_page_shows_what_the_case_was_prefilled_with(client, geo, inspector, case, unit_staff):
    response = as_user(client, inspector).get(case_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "区城管局" in html
    assert str(unit_staff) in html
    for link in case.case_findings.all():
        assert link.finding.code in html
    # Each, and the sum, in words.
    assert "1 day 6 hours" in html and ">6 hours<" in html and "1 day 12 hours" in html
    assert len(response.context["events"]) == 1


def test_opening_a_case_from_findings_of_two_sides_shows_the_error_on_the_queue(
    client, geo, inspector, category, unit_category
):
    unit_finding = unit_overdue(geo, unit_category)
    community_finding = overdue(geo, category)
    response = as_user(client, inspector).post(CASE_NEW, {"findings": [unit_finding.code, community_finding.code]})
    assert response.status_code == 400
    assert "one responsible unit or community" in response.content.decode()
    # The ticks are kept, so the officer can untick one and try again.
    assert response.context["ticked"] == {unit_finding.code, community_finding.code}
    assert not AccountabilityCase.objects.exists()
    assert not FindingEvent.objects.filter(kind=FindingEvent.Kind.CASE_OPENED).exists()


def test_opening_a_case_with_nothing_ticked_is_a_form_error(client, geo, inspector, category):
    overdue(geo, category)
    response = as_user(client, inspector).post(CASE_NEW, {})
    assert response.status_code == 400
    assert "Choose at least one overdue finding." in response.content.decode()


def test_opening_a_case_from_another_streets_finding_is_refused(client, geo, street_discipline, category):
    theirs = overdue(geo, category, cell=geo.other_cell)
    response = as_user(client, street_discipline).post(CASE_NEW, {"findings": [theirs.code]})
    assert response.status_code == 400
    assert "No such finding in your area" in response.content.decode()
    assert not AccountabilityCase.objects.exists()


@pytest.mark.parametrize("role", ["street_staff", "community_worker", "leader"])
def test_other_roles_cannot_open_a_case(client, request, geo, category, role):
    finding = overdue(geo, category)
    response = as_user(client, request.getfixturevalue(role)).post(CASE_NEW, {"findings": [finding.code]})
    assert response.status_code == 403
    assert not AccountabilityCase.objects.exists()


def test_opening_a_case_needs_post(client, inspector):
    assert as_user(client, inspector).get(CASE_NEW).status_code == 405


# --- cases: scope --------------------------------------------------------------------------


def test_street_discipline_officer_of_the_street_sees_the_case(client, street_discipline, case):
    assert as_user(client, street_discipline).get(case_url(case)).status_code == 200


def test_street_discipline_officer_of_another_street_gets_404(client, other_street_discipline, case):
    as_user(client, other_street_discipline)
    for name in ("case", "case_notice"):
        assert client.get(case_url(case, name)).status_code == 404
    assert client.post(case_url(case, "case_decide"), decision()).status_code == 404
    assert client.post(case_url(case, "case_note"), {"note": "x"}).status_code == 404


@pytest.mark.parametrize("role", ["street_staff", "unit_staff"])
def test_other_roles_get_403_on_a_case(client, request, case, role):
    as_user(client, request.getfixturevalue(role))
    assert client.get(case_url(case)).status_code == 403
    assert client.post(case_url(case, "case_decide"), decision()).status_code == 403
    case.refresh_from_db()
    assert case.state == AccountabilityCase.State.OPEN


def test_case_list_shows_only_the_cases_in_reach(client, geo, category, inspector, other_street_discipline, case):
    theirs = services.open_case(actor=inspector, codes=[overdue(geo, category, cell=geo.other_cell).code])
    listed = as_user(client, inspector).get(CASES).context["page"].object_list
    assert {c.pk for c in listed} == {case.pk, theirs.pk}
    listed = as_user(client, other_street_discipline).get(CASES).context["page"].object_list
    assert [c.pk for c in listed] == [theirs.pk]


def test_case_list_filters_by_state(client, inspector, case):
    as_user(client, inspector)
    assert [c.pk for c in client.get(CASES, {"state": "open"}).context["page"].object_list] == [case.pk]
    assert list(client.get(CASES, {"state": "decided"}).context["page"].object_list) == []


def _case_list_queries(client, geo, category, inspector, count: int) -> int:
    for _ in range(count):
        findings = [overdue(geo, category).code, overdue(geo, category).code]
        services.open_case(actor=inspector, codes=findings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CASES)
    assert response.status_code == 200
    return len(queries)


def test_case_list_query_count_does_not_grow_with_the_cases(
    client, geo, category, inspector, django_assert_max_num_queries
):
    as_user(client, inspector)
    few = _case_list_queries(client, geo, category, inspector, 3)
    many = _case_list_queries(client, geo, category, inspector, 27)
    assert few == many
    with django_assert_max_num_queries(8):
        client.get(CASES)


# --- deciding and notes --------------------------------------------------------------------


def test_deciding_a_case_records_the_talk_on_the_case_and_both_timelines(client, inspector, case):
    response = as_user(client, inspector).post(case_url(case, "case_decide"), decision())
    assert response.status_code == 302

    case.refresh_from_db()
    assert case.state == AccountabilityCase.State.DECIDED
    assert case.outcome == AccountabilityCase.Outcome.TALK
    assert case.decision_date == NOW.date()
    assert case.document_no == "市中纪约〔2026〕7号"
    assert case.decided_by == inspector
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.OPENED, CaseEvent.Kind.DECIDED]
    for link in case.case_findings.all():
        event = link.finding.events.get(kind=FindingEvent.Kind.CASE_DECIDED)
        assert "市中纪约〔2026〕7号" in event.note
        page = client.get(reverse("inspections:detail", args=[link.finding.code])).content.decode()
        assert "市中纪约〔2026〕7号" in page

    html = client.get(case_url(case)).content.decode()
    assert "talk (约谈)" in html and "市中纪约〔2026〕7号" in html
    # Decided: no decision form any more.
    assert 'class="action-form decide-form"' not in html


def test_a_case_is_decided_once(client, inspector, case):
    as_user(client, inspector).post(case_url(case, "case_decide"), decision())
    response = client.post(
        case_url(case, "case_decide"), decision(outcome="sanction", document_no="other"), follow=True
    )
    assert "This case has already been decided." in response.content.decode()
    case.refresh_from_db()
    assert case.outcome == AccountabilityCase.Outcome.TALK
    assert case.events.filter(kind=CaseEvent.Kind.DECIDED).count() == 1


def test_a_decision_without_document_number_is_refused_on_its_field(client, inspector, case):
    response = as_user(client, inspector).post(case_url(case, "case_decide"), decision(document_no=""))
    assert response.status_code == 400
    assert response.context["decide_form"].errors == {"document_no": ["Give the document number of the decision."]}
    case.refresh_from_db()
    assert case.state == AccountabilityCase.State.OPEN


def test_a_decision_with_a_bad_date_is_a_form_error(client, inspector, case):
    response = as_user(client, inspector).post(case_url(case, "case_decide"), decision(decision_date="26/11"))
    assert response.status_code == 400
    assert "decision_date" in response.context["decide_form"].errors


def test_no_action_needs_no_document_number(client, inspector, case):
    as_user(client, inspector).post(case_url(case, "case_decide"), decision(outcome="no_action", document_no=""))
    case.refresh_from_db()
    assert case.outcome == AccountabilityCase.Outcome.NO_ACTION


def test_a_note_is_added_to_the_case_history(client, street_discipline, case):
    response = as_user(client, street_discipline).post(case_url(case, "case_note"), {"note": "已约谈单位负责人"})
    assert response.status_code == 302
    assert case.events.last().note == "已约谈单位负责人"
    assert "已约谈单位负责人" in client.get(case_url(case)).content.decode()


def test_an_empty_note_is_a_form_error(client, inspector, case):
    response = as_user(client, inspector).post(case_url(case, "case_note"), {"note": "  "})
    assert response.status_code == 400
    assert case.events.count() == 1


# --- printable notices ---------------------------------------------------------------------


def test_finding_notice_is_a_printable_page(client, geo, inspector, unit_category, unit_staff):
    finding = unit_overdue(geo, unit_category, unit_staff, hours=30)
    response = as_user(client, inspector).get(reverse("oversight:finding_notice", args=[finding.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "css/print.css" in html
    # No script at all: the notice prints as it is.
    assert "<script" not in html
    assert finding.code in html and "区城管局" in html and "overdue 1 day 6 hours" in html
    assert "市中区 Commission for Discipline Inspection and Supervision" in html


def test_street_discipline_officer_signs_for_the_street(client, geo, street_discipline, category):
    finding = overdue(geo, category)
    response = as_user(client, street_discipline).get(reverse("oversight:finding_notice", args=[finding.code]))
    assert "杆石桥街道 Discipline Working Committee" in response.content.decode()


def test_case_notice_lists_the_cases_findings(client, inspector, case):
    response = as_user(client, inspector).get(case_url(case, "case_notice"))
    html = response.content.decode()
    assert response.status_code == 200
    for link in case.case_findings.all():
        assert link.finding.code in html
    assert "css/print.css" in html and "<script" not in html


def test_finding_notice_out_of_reach_is_404(client, geo, street_discipline, category):
    theirs = overdue(geo, category, cell=geo.other_cell)
    response = as_user(client, street_discipline).get(reverse("oversight:finding_notice", args=[theirs.code]))
    assert response.status_code == 404


def test_finding_notice_for_other_roles_is_403(client, geo, street_staff, category):
    finding = overdue(geo, category)
    response = as_user(client, street_staff).get(reverse("oversight:finding_notice", args=[finding.code]))
    assert response.status_code == 403


def test_print_stylesheet_hides_the_page_around_the_notice():
    css = Path(finders.find("css/print.css")).read_text(encoding="utf-8")
    assert "@media print" in css
    assert ".topbar" in css.split("@media print", 1)[1]


# --- performance ---------------------------------------------------------------------------


def test_performance_page_shows_each_units_numbers(client, geo, inspector, unit_category):
    FindingFactory(
        grid_cell=geo.cell,
        category=unit_category,
        responsible_unit=geo.unit,
        reported_at=NOW - timedelta(days=2),
        status=Status.CLOSED,
        acknowledged_at=NOW - timedelta(days=2) + timedelta(minutes=30),
        ack_deadline_at=NOW - timedelta(days=2) + timedelta(hours=1),
        closed_at=NOW - timedelta(days=2) + timedelta(hours=10),
    )
    unit_overdue(geo, unit_category)
    response = as_user(client, inspector).get(PERFORMANCE, {"group": "unit"})
    assert response.status_code == 200
    (item,) = response.context["rows"]
    assert item["row"].code == "CGJ" and item["row"].total == 2
    assert item["ack"] == "50.0%" and item["closed"] == "50.0%"
    assert item["row"].overdue == 1 and item["row"].avg_hours_to_close == 10.0


def test_performance_page_refuses_a_period_that_ends_before_it_starts(client, inspector):
    response = as_user(client, inspector).get(PERFORMANCE, {"from": "2026-11-20", "to": "2026-11-01"})
    assert response.status_code == 400
    assert gettext("The start of the period is after its end.") in response.content.decode()


def test_performance_page_offers_only_the_streets_in_reach(client, geo, street_discipline):
    response = as_user(client, street_discipline).get(PERFORMANCE, {"street": geo.other_street.code})
    assert response.status_code == 400
    assert [code for code, _ in response.context["form"].fields["street"].choices] == ["", geo.street.code]


def test_queue_takes_the_findings_lists_search_too(client, geo, inspector, category):
    wanted = overdue(geo, category)
    overdue(geo, category)
    response = as_user(client, inspector).get(QUEUE, {"q": wanted.code})
    assert codes(response) == [wanted.code]


def test_a_printed_notice_gives_its_dates_in_words_of_the_language(client, inspector, case):
    chinese = Client(headers={"accept-language": "zh-hans"})
    chinese.force_login(inspector)
    html = chinese.get(f"{case_url(case)}notice/").content.decode()
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in html
