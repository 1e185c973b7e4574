"""The leaders' dashboard on a hand-built example, worked out by hand.

Now is 26 November 2026, 10:00 (Asia/Shanghai); the period is 20–26 November. Each finding is
dispatched when reported, with 24 hours to rectify:

    finding  where                 reported      what became of it
    A        乐山小区 (杆石桥)      24th 08:00    closed 24th 18:00: in time, 10 h
    B        乐山小区              24th 09:00    returned once, closed 25th 15:00: late (30 h), overdue at 25th 09:00
    C        乐山小区              25th 08:00    still being rectified: overdue since 26th 08:00
    D        启明里 (杆石桥)        26th 07:00    dispatched, due 27th 07:00
    E        魏家庄 (魏家庄街道)    25th 10:00    closed 10:05 by the person who reported it: fast, in time
    F        乐山小区              24th 12:00    invalid
    G        乐山小区              10th 08:00    closed the same day in time (before the period, within 30 days)

So, district-wide, in the period: reported 6 (A–F), to rectify 5 (F is invalid), closed in
time 2 (A, E), closed late 1 (B), went overdue 2 (B, C), returned 1 (B); closed 3 (A, B, E)
in 10 h + 30 h + 5 min, an average of 13 h 21 min; closed fast 1 and verified by its reporter
1 (E). Now: open 2 (C, D), overdue 1 (C), reported today 1 (D), closed today 0. On-time rate
over 7 days 2/5 = 40%, over 30 days (G too) 3/6 = 50%. Streets: 魏家庄 1/1 = 100% first,
杆石桥 1/4 = 25% second (2 went overdue, 1 overdue now, rework 1/4).
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from campaign import dashboard, exports
from inspections import rollup
from inspections.models import Finding, FindingEvent
from tests.factories import FindingFactory, GridCellFactory, person, square

ZONE = timezone.get_fixed_timezone(480)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZONE)
H = timedelta(hours=1)
PERIOD = {"from": "2026-11-20", "to": "2026-11-26"}
Status = Finding.Status

pytestmark = pytest.mark.usefixtures("pinned")


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"})


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


def made(cell, category, reported, *, closed=None, status=Status.DISPATCHED, **fields) -> Finding:
    values = {"reported_at": reported, "dispatched_at": reported, "deadline_at": reported + 24 * H, "status": status}
    if closed is not None:
        values.update(status=Status.CLOSED, closed_at=closed)
    values.update(fields)
    return FindingFactory(grid_cell=cell, category=category, **values)


@pytest.fixture
def example(geo, category, street_staff):
    qimingli = GridCellFactory(community=geo.sibling_community, code="370103001002001", boundary=square(117.02, 36.65))
    found = {
        "A": made(geo.cell, category, at(24, 8), closed=at(24, 18)),
        "B": made(geo.cell, category, at(24, 9), closed=at(25, 15), return_count=1, overdue_at=at(25, 9)),
        "C": made(geo.cell, category, at(25, 8), status=Status.RECTIFYING, escalation_level=1, overdue_at=at(26, 8)),
        "D": made(qimingli, category, at(26, 7)),
        "E": made(geo.other_cell, category, at(25, 10), closed=at(25, 10, 5), reporter=street_staff),
        "F": made(geo.cell, category, at(24, 12), status=Status.INVALID, closed_at=at(24, 13)),
        "G": made(geo.cell, category, at(10, 8), closed=at(10, 12)),
    }
    FindingEvent.objects.create(
        finding=found["E"], kind=FindingEvent.Kind.VERIFIED, actor=street_staff, at=at(25, 10, 5)
    )
    rollup.rebuild()
    return found


def filters(**fields):
    return dashboard.Filters(start=datetime(2026, 11, 20).date(), end=datetime(2026, 11, 26).date(), **fields)


def test_the_district_numbers_match_the_hand_worked_example(leader, example):
    data = dashboard.build(leader, filters())
    totals, cards, quality = data["totals"], data["cards"], data["quality"]
    assert {
        k: totals[k] for k in ("reported", "counted", "closed_in_time", "closed_late", "went_overdue", "returned")
    } == {
        "reported": 6,
        "counted": 5,
        "closed_in_time": 2,
        "closed_late": 1,
        "went_overdue": 2,
        "returned": 1,
    }
    assert (totals["closed"], totals["overdue"]) == (3, 2)
    assert {k: cards[k]["value"] for k in ("open_now", "overdue_now", "reported_today", "closed_today")} == {
        "open_now": 2,
        "overdue_now": 1,
        "reported_today": 1,
        "closed_today": 0,
    }
    assert (cards["on_time_7"]["value"], cards["on_time_30"]["value"]) == (0.4, 0.5)
    # (10 h + 30 h + 5 min) / 3
    assert cards["average_close_hours"]["value"] == 13.4
    assert cards["closed_late"]["value"] == 1
    assert (quality["closed_fast"]["value"], quality["closed_by_reporter"]["value"]) == (1, 1)
    assert data["series"]["reported"][-3:] == [3, 2, 1]  # 24th A B F, 25th C E, 26th D


def test_streets_are_ranked_by_on_time_rate(leader, example, geo):
    streets = dashboard.build(leader, filters())["streets"]
    assert [(s.name, s.rank, s.on_time_rate) for s in streets] == [("魏家庄街道", 1, 1.0), ("杆石桥街道", 2, 0.25)]
    ganshiqiao = streets[1]
    assert (ganshiqiao.went_overdue, ganshiqiao.overdue_now, ganshiqiao.rework_rate) == (2, 1, 0.25)
    assert dashboard.build(leader, filters())["red_list"]["streets"][0].name == "杆石桥街道"


def test_a_street_leader_sees_only_the_street(street_leader, example):
    data = dashboard.build(street_leader, filters())
    assert data["totals"]["reported"] == 5  # A, B, C, D, F
    assert data["cards"]["overdue_now"]["value"] == 1
    assert [s.name for s in data["streets"]] == ["杆石桥街道"]
    assert {c.name for c in data["communities"]} == {"乐山小区社区", "启明里社区"}


def test_a_community_leader_sees_only_the_community(community_leader, example):
    data = dashboard.build(community_leader, filters())
    assert data["totals"]["reported"] == 4  # A, B, C, F
    assert [c.name for c in data["communities"]] == ["乐山小区社区"]
    assert data["cards"]["open_now"]["value"] == 1  # C; D is in 启明里


def test_a_street_out_of_scope_is_404_for_the_api_and_ignored_by_the_page(client, street_leader, example, geo):
    client.force_login(street_leader)
    assert client.get("/api/v1/dashboard/", {**PERIOD, "street": geo.other_street.code}).status_code == 404
    page = client.get(reverse("campaign:dashboard"), {**PERIOD, "street": geo.other_street.code})
    assert page.status_code == 400  # not one of the choices


def test_the_findings_behind_a_number_stay_in_scope(client, community_leader, example):
    client.force_login(community_leader)
    response = client.get(reverse("campaign:findings"), {**PERIOD, "measure": "reported"})
    assert response.status_code == 200
    assert {f.code for f in response.context["page"].object_list} == {example[k].code for k in "ABCF"}


def test_every_card_links_to_the_findings_it_counts(client, leader, example):
    client.force_login(leader)
    data = dashboard.build(leader, filters())
    response = client.get(data["quality"]["closed_fast"]["link"])
    assert [f.code for f in response.context["page"].object_list] == [example["E"].code]
    response = client.get(data["cards"]["closed_late"]["link"])
    assert [f.code for f in response.context["page"].object_list] == [example["B"].code]
    # Overdue now is the findings list itself.
    response = client.get(data["streets"][1].links["overdue_now"])
    assert [f.code for f in response.context["page"].object_list] == [example["C"].code]


def test_the_api_answers_the_same_numbers(client, leader, example):
    client.force_login(leader)
    body = client.get("/api/v1/dashboard/", PERIOD).json()
    assert body["cards"]["overdue_now"]["value"] == 1
    assert body["cards"]["on_time_7"]["value"] == 0.4
    assert [s["code"] for s in body["streets"]] == ["370103002", "370103001"]


@pytest.mark.parametrize(
    "query", [{"from": "2026-13-01"}, {"from": "2026-11-26", "to": "2026-11-01"}, {"campaign": "x"}]
)
def test_a_bad_period_is_a_400_with_field_messages(client, leader, example, query):
    client.force_login(leader)
    response = client.get("/api/v1/dashboard/", query)
    assert response.status_code == 400, response.content
    assert set(response.json()) <= {"from", "to", "campaign"}
    page = client.get(reverse("campaign:dashboard"), query)
    assert page.status_code == 400, page.context["form"].errors


@pytest.mark.parametrize("persona", ["inspector", "street_staff", "community_worker", "supervisor", "stranger"])
def test_other_roles_get_403(client, request, persona, example):
    client.force_login(request.getfixturevalue(persona))
    urls = (
        reverse("campaign:dashboard"),
        reverse("campaign:definitions"),
        reverse("campaign:briefings"),
        reverse("campaign:findings") + "?measure=reported",
        reverse("campaign:export", args=["streets"]),
    )
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.get("/api/v1/dashboard/").status_code == 403


def test_the_page_shows_the_cards_and_the_definitions_page_states_each_measure(client, leader, example):
    client.force_login(leader)
    page = client.get(reverse("campaign:dashboard"), PERIOD).content.decode()
    assert 'data-card="overdue_now"' in page and "dashboard-charts" in page and "dashboard-map" in page
    definitions = client.get(reverse("campaign:definitions")).content.decode()
    for measure in rollup.MEASURES:
        assert str(measure.definition) in definitions


def test_every_table_exports_to_excel(client, leader, example):
    import io

    client.force_login(leader)
    for table in exports.TABLES:
        response = client.get(reverse("campaign:export", args=[table]), PERIOD)
        assert response.status_code == 200, table
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0], table  # a header row
        if table == "streets":
            assert [row[1] for row in rows[1:]] == ["魏家庄街道", "杆石桥街道"]


def test_the_query_count_does_not_grow_with_the_data(leader, example, geo, category):
    def queries() -> int:
        fresh = type(leader).objects.get(pk=leader.pk)  # its memberships are read again, as in a request
        with CaptureQueriesContext(connection) as captured:
            dashboard.build(fresh, filters())
        return len(captured)

    before = queries()
    for n in range(30):
        cell = GridCellFactory(community=geo.other_community, boundary=square(116.5 + n * 0.01, 36.5))
        made(cell, category, at(20 + n % 6, 9), closed=at(21 + n % 5, 9))
    rollup.rebuild()
    assert queries() == before == 13


def test_the_page_query_count_is_pinned(client, leader, example, django_assert_num_queries):
    client.force_login(leader)
    with django_assert_num_queries(18):
        assert client.get(reverse("campaign:dashboard"), PERIOD).status_code == 200


def test_a_leader_lands_on_the_dashboard(client, db, geo):
    for role, scope in ((Role.STREET_LEADER, geo.street), (Role.COMMUNITY_LEADER, geo.community)):
        user = person(role, scope)
        client.force_login(user)
        assert client.get("/").url == reverse("campaign:dashboard")


BAD_QUERIES = [
    "/dashboard/?from=yesterday&to=2026-13-45&street=%00&campaign=x",
    "/dashboard/?from=99999-01-01&to=0000-00-00",
    "/dashboard/?from=2026-11-26&to=2020-01-01",
    "/dashboard/findings/?measure=nope&from=%00",
    "/dashboard/findings/?measure=reported&community=%00&unit=%00&category=%00&source=%00&action_line=%00&page=x",
    "/dashboard/export/streets.xlsx?from=bad",
    "/dashboard/export/nothing.xlsx",
    "/dashboard/briefings/?page=zzz",
    "/dashboard/rounds/?page=-1",
    "/api/v1/dashboard/?from=99999-01-01&street=%00",
    "/api/v1/dashboard/?campaign=-1&to=2026-02-30",
]


def test_bad_query_strings_never_cause_a_server_error(client, leader, example):
    client.force_login(leader)
    for url in BAD_QUERIES:
        response = client.get(url)
        # A list page with a bad page number shows its last page; everything else is refused.
        expected = (200,) if "page=" in url and "measure=reported&" not in url else (400, 404)
        assert response.status_code in expected, (url, response.status_code)
