"""Unit performance (inspections.stats and GET /api/v1/stats/units/) on a hand-built example.

The example, all reported on 10 November 2026 at 08:00 (T) unless said otherwise, each
dispatched at once with an hour to acknowledge and 24 hours to rectify:

    finding  responsible   acknowledged  closed   other                    counts as
    A        区城管局       T+30 min      T+10 h   -                        ack ✓ closed ✓
    B        区城管局       T+2 h         T+30 h   overdue, returned once   ack ✗ closed ✗ overdue returned
    C        区城管局       T+45 min      open     escalated (level 2)      ack ✓ overdue
    D        区城管局       T+60 min      T+40 h   extended to T+48 h       ack ✓ (on the minute) closed ✓ extended
    E        区城管局       -             open     reported 25 Nov 20:00    nothing yet
    K        乐山小区社区   T+10 min      T+6 h    community, no unit       (community and street groups)
    M        魏家庄社区     -             open     the other street         overdue (not yet swept)
    left out: an invalid and a duplicate one, one reported half an hour before the period, one
    at the midnight after it, one never dispatched.

So 区城管局: 5 findings; 3 acknowledged in time (60%), 2 closed in time (40%), 2 overdue,
1 returned (20%), 1 extended (20%), average hours to close (10 + 30 + 40) / 3 = 26.7; and B
closed late (超期办结, 20%).
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from inspections.models import Finding
from inspections.stats import Performance, performance
from tests.factories import FindingFactory

Status = Finding.Status
ZONE = timezone.get_fixed_timezone(480)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZONE)
T = datetime(2026, 11, 10, 8, 0, tzinfo=ZONE)
START = datetime(2026, 11, 1, tzinfo=ZONE)
END = datetime(2026, 11, 26, tzinfo=ZONE)  # the period is 1–25 November, both days included
STATS = "/api/v1/stats/units/"
PERIOD = {"from": "2026-11-01", "to": "2026-11-25"}
H = timedelta(hours=1)
MIN = timedelta(minutes=1)

pytestmark = pytest.mark.usefixtures("pinned")


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api():
    return APIClient()


def made(cell, category, *, at=T, ack=None, closed=None, deadline=24 * H, **fields) -> Finding:
    values = {
        "reported_at": at,
        "dispatched_at": at,
        "ack_deadline_at": at + H,
        "acknowledged_at": at + ack if ack is not None else None,
        "deadline_at": at + deadline,
        "closed_at": at + closed if closed is not None else None,
        **fields,
    }
    if values.get("escalation_level", 0) >= 1:
        values.setdefault("overdue_at", values["deadline_at"])  # as the sweep marks it
    return FindingFactory(grid_cell=cell, category=category, **values)


@pytest.fixture
def example(geo, category, unit_category):
    unit = {"responsible_unit": geo.unit}
    a = made(geo.cell, unit_category, ack=30 * MIN, closed=10 * H, status=Status.CLOSED, **unit)
    made(
        geo.cell,
        unit_category,
        ack=2 * H,
        closed=30 * H,
        status=Status.CLOSED,
        escalation_level=1,
        return_count=1,
        **unit,
    )
    made(geo.cell, unit_category, ack=45 * MIN, status=Status.RECTIFYING, escalation_level=2, **unit)
    made(
        geo.cell,
        unit_category,
        ack=60 * MIN,
        closed=40 * H,
        deadline=48 * H,
        extension_count=1,
        status=Status.CLOSED,
        **unit,
    )
    made(geo.cell, unit_category, at=datetime(2026, 11, 25, 20, 0, tzinfo=ZONE), status=Status.DISPATCHED, **unit)
    made(geo.cell, category, ack=10 * MIN, closed=6 * H, status=Status.CLOSED)
    made(geo.other_cell, category, status=Status.DISPATCHED)
    # Left out of everything:
    made(geo.cell, unit_category, ack=10 * MIN, closed=H, status=Status.INVALID, **unit)
    made(geo.cell, unit_category, ack=10 * MIN, closed=H, status=Status.DUPLICATE, duplicate_of=a, **unit)
    made(geo.cell, unit_category, at=START - 30 * MIN, ack=10 * MIN, closed=H, status=Status.CLOSED, **unit)
    made(geo.cell, unit_category, at=END, ack=10 * MIN, closed=H, status=Status.CLOSED, **unit)
    made(geo.cell, unit_category, status=Status.REPORTED, dispatched_at=None, **unit)


UNIT = Performance(
    code="CGJ",
    name="区城管局",
    total=5,
    ack_in_time=3,
    closed_in_time=2,
    overdue=2,
    returned=1,
    extended=1,
    avg_hours_to_close=26.7,
    closed_late=1,
)


# --- the definitions -----------------------------------------------------------------------


def test_unit_numbers_follow_the_definitions(example):
    assert performance(Finding.objects.all(), start=START, end=END, group="unit") == [UNIT]


def test_unit_rates_are_shares_of_all_its_findings(example):
    (row,) = performance(Finding.objects.all(), start=START, end=END, group="unit")
    assert (row.ack_in_time_rate, row.closed_in_time_rate, row.return_rate, row.extension_rate) == (
        0.6,
        0.4,
        0.2,
        0.2,
    )


def test_invalid_and_duplicate_findings_are_left_out(example):
    # Were they counted, the unit would have 7 findings, two of them closed in time.
    (row,) = performance(Finding.objects.all(), start=START, end=END, group="unit")
    assert Finding.objects.filter(responsible_unit__code="CGJ", status__in=["invalid", "duplicate"]).count() == 2
    assert row.total == 5


def test_community_groups_hold_only_findings_no_unit_answers_for(example):
    rows = performance(Finding.objects.all(), start=START, end=END, group="community")
    assert rows == [
        Performance("370103001001", "乐山小区社区", 1, 1, 1, 0, 0, 0, 6.0),
        # M is past its deadline and open: overdue, whether or not the sweep has marked it yet.
        Performance("370103002001", "魏家庄社区", 1, 0, 0, 1, 0, 0, None),
    ]


def test_street_groups_hold_units_and_communities_alike(example):
    rows = performance(Finding.objects.all(), start=START, end=END, group="street")
    # 杆石桥: A–E and K; average hours to close (10 + 30 + 40 + 6) / 4.
    assert rows == [
        Performance("370103001", "杆石桥街道", 6, 4, 3, 2, 1, 1, 21.5, closed_late=1),
        Performance("370103002", "魏家庄街道", 1, 0, 0, 1, 0, 0, None),
    ]


def test_a_group_without_findings_has_no_rates():
    empty = Performance("X", "x", 0, 0, 0, 0, 0, 0, None)
    assert (empty.ack_in_time_rate, empty.closed_in_time_rate) == (None, None)


# --- the API -------------------------------------------------------------------------------


def test_api_answers_the_same_numbers(api, example, inspector):
    api.force_login(inspector)
    response = api.get(STATS, PERIOD)
    assert response.status_code == 200
    assert response.json() == {
        "from": "2026-11-01",
        "to": "2026-11-25",
        "street": None,
        "group": "unit",
        "results": [
            {
                "code": "CGJ",
                "name": "区城管局",
                "total": 5,
                "ack_in_time": 3,
                "ack_in_time_rate": 0.6,
                "closed_in_time": 2,
                "closed_in_time_rate": 0.4,
                "closed_late": 1,
                "closed_late_rate": 0.2,
                "overdue": 2,
                "returned": 1,
                "return_rate": 0.2,
                "extended": 1,
                "extension_rate": 0.2,
                "avg_hours_to_close": 26.7,
            }
        ],
    }


def test_api_groups_by_community_and_street(api, example, leader):
    api.force_login(leader)
    communities = api.get(STATS, {**PERIOD, "group": "community"}).json()["results"]
    assert [(row["code"], row["total"]) for row in communities] == [("370103001001", 1), ("370103002001", 1)]
    streets = api.get(STATS, {**PERIOD, "group": "street"}).json()["results"]
    assert [(row["code"], row["total"]) for row in streets] == [("370103001", 6), ("370103002", 1)]


def test_api_narrows_to_one_street(api, example, inspector):
    api.force_login(inspector)
    body = api.get(STATS, {**PERIOD, "group": "community", "street": "370103002"}).json()
    assert body["street"] == "370103002"
    assert [row["code"] for row in body["results"]] == ["370103002001"]


def test_api_counts_only_the_users_street(api, example, street_staff):
    api.force_login(street_staff)
    rows = api.get(STATS, {**PERIOD, "group": "street"}).json()["results"]
    assert [row["code"] for row in rows] == ["370103001"]


def test_api_period_defaults_to_the_last_30_days(api, inspector):
    api.force_login(inspector)
    body = api.get(STATS).json()
    assert (body["from"], body["to"], body["group"]) == ("2026-10-28", "2026-11-26", "unit")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group": "person"}, "group"),
        ({"from": "2026-11-20", "to": "2026-11-01"}, "from"),
        ({"from": "November"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "2020-01-01", "to": "2026-11-01"}, "from"),
    ],
)
def test_api_bad_query_is_a_field_error(api, inspector, params, field):
    api.force_login(inspector)
    response = api.get(STATS, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("role", ["community_worker", "grid_worker", "unit_staff", "volunteer", "stranger"])
def test_api_wrong_role_gets_403(api, request, role):
    api.force_login(request.getfixturevalue(role))
    assert api.get(STATS).status_code == 403


def test_api_anonymous_gets_403(api, db):
    assert api.get(STATS).status_code == 403


def test_api_street_out_of_scope_is_404(api, geo, street_staff):
    api.force_login(street_staff)
    assert api.get(STATS, {"street": geo.other_street.code}).status_code == 404
    assert api.get(STATS, {"street": "no-such-street"}).status_code == 404


def test_api_query_count_does_not_grow_with_the_findings(api, geo, unit_category, inspector):
    api.force_login(inspector)

    def queries(count: int) -> int:
        for _ in range(count):
            made(geo.cell, unit_category, responsible_unit=geo.unit, status=Status.DISPATCHED)
        with CaptureQueriesContext(connection) as captured:
            assert api.get(STATS, {**PERIOD, "group": "street"}).status_code == 200
        return len(captured)

    assert queries(3) == queries(30)


# --- ranking -------------------------------------------------------------------------------


def _row(code: str, total: int, closed: int, overdue: int = 0) -> Performance:
    return Performance(code, code, total, 0, closed, overdue, 0, 0, None)


def test_ranking_puts_the_best_first_and_ties_share_a_rank():
    from inspections.stats import ranked

    rows = [_row("A", 10, 5), _row("B", 10, 9), _row("C", 4, 2), _row("D", 0, 0)]
    # 按期整改率: B 90%, A 50%, C 50%, D has no findings and no rank.
    assert [(rank, row.code) for rank, row in ranked(rows)] == [(1, "B"), (2, "A"), (2, "C"), (None, "D")]


def test_ranking_by_a_count_where_fewer_is_better():
    from inspections.stats import ranked

    rows = [_row("A", 10, 5, overdue=3), _row("B", 10, 9, overdue=0), _row("C", 4, 2, overdue=7)]
    assert [(rank, row.code) for rank, row in ranked(rows, by="overdue")] == [(1, "B"), (2, "A"), (3, "C")]
    worst = ranked(rows, by="overdue", best_first=False)
    assert [(rank, row.code) for rank, row in worst] == [(3, "C"), (2, "A"), (1, "B")]
