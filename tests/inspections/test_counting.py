"""Counting lists at any size: exact up to a threshold, else an estimate that says so; and the
search (``q``) served by trigram indexes on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.counting import count
from inspections.filters import FindingFilter
from inspections.models import Finding
from inspections.pagination import FindingPagination
from tests.conftest import requires_postgres
from tests.factories import FindingFactory

LIST = "/api/v1/findings/"


@pytest.fixture
def findings(geo, category):
    return [FindingFactory(grid_cell=geo.cell, category=category) for _ in range(6)]


def test_a_short_list_is_counted_exactly(findings, settings):
    settings.LIST_EXACT_COUNT_UP_TO = 10
    counted = count(Finding.objects.all())
    assert (counted.value, counted.estimated) == (6, False)


@requires_postgres
def test_past_the_threshold_the_count_is_the_planners_estimate_in_one_query(findings, settings):
    settings.LIST_EXACT_COUNT_UP_TO = 3
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inspections_finding")
    with CaptureQueriesContext(connection) as queries:
        counted = count(Finding.objects.filter(category__code="exposed-garbage"))
    assert counted.estimated is True
    assert counted.value >= 4  # never less than what was seen
    assert len(queries) == 1


@requires_postgres
def test_the_estimate_respects_the_filter(findings, geo, settings):
    settings.LIST_EXACT_COUNT_UP_TO = 0
    assert count(Finding.objects.filter(status=Finding.Status.DISPATCHED)).estimated is True
    # Nothing matches: an exact zero.
    assert count(Finding.objects.filter(status=Finding.Status.CLOSED)).value == 0


def test_the_api_says_whether_its_count_is_an_estimate(client, findings, street_staff, settings):
    client.force_login(street_staff)
    settings.LIST_EXACT_COUNT_UP_TO = 100
    body = client.get(LIST).json()
    assert (body["count"], body["count_is_estimate"]) == (6, False)


@requires_postgres
def test_past_the_threshold_the_api_marks_its_count_as_estimated(client, findings, street_staff, settings):
    client.force_login(street_staff)
    settings.LIST_EXACT_COUNT_UP_TO = 2
    body = client.get(LIST).json()
    assert body["count_is_estimate"] is True and body["count"] >= 3
    assert len(body["results"]) == 6


def test_the_list_api_costs_the_same_queries_past_the_threshold(
    client, findings, street_staff, settings, django_assert_max_num_queries
):
    client.force_login(street_staff)
    settings.LIST_EXACT_COUNT_UP_TO = 100
    with CaptureQueriesContext(connection) as exact:
        client.get(LIST)
    settings.LIST_EXACT_COUNT_UP_TO = 2
    with django_assert_max_num_queries(len(exact)):
        client.get(LIST)


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@requires_postgres
@pytest.mark.parametrize("q", ["纬二路", "0007", "T2026-0001"])
def test_q_is_served_by_indexes_on_postgresql(findings, q):
    queryset = FindingFilter({"q": q}, queryset=Finding.objects.all()).qs.order_by()
    plan = _plan(*queryset.query.sql_with_params())
    assert "insp_finding_code_trgm" in plan
    assert "insp_finding_address_trgm" in plan
    assert "insp_finding_external_ref" in plan
    assert "Seq Scan" not in plan


def test_q_finds_by_code_address_and_reference(geo, category):
    by_code = FindingFactory(grid_cell=geo.cell, category=category, code="370103-20261126-0042")
    by_address = FindingFactory(grid_cell=geo.cell, category=category, address="纬二路51号")
    by_ref = FindingFactory(grid_cell=geo.cell, category=category, source="hotline", external_ref="T-77")
    FindingFactory(grid_cell=geo.cell, category=category, address="经七路1号")

    def found(q):
        return set(FindingFilter({"q": q}, queryset=Finding.objects.all()).qs)

    assert found("1126-0042") == {by_code}
    assert found("纬二") == {by_address}
    assert found("T-77") == {by_ref}


@requires_postgres
def test_with_an_estimate_the_pages_follow_the_rows_not_the_estimate(
    client, findings, street_staff, settings, monkeypatch
):
    client.force_login(street_staff)
    settings.LIST_EXACT_COUNT_UP_TO = 2
    monkeypatch.setattr(FindingPagination, "page_size", 4)
    first = client.get(LIST).json()
    assert len(first["results"]) == 4 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    seen = {f["code"] for f in first["results"] + second["results"]}
    assert seen == {f.code for f in findings}
    assert client.get(LIST, {"page": 9}).json()["results"] == []
    assert client.get(LIST, {"page": 0}).status_code == 404
