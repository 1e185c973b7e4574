"""The unit performance page: ranked among peers, sorted by any measure, exported, readable on a phone."""

import io
from datetime import datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from inspections.models import Finding
from tests.factories import CommunityFactory, FindingFactory, GridCellFactory

ZONE = timezone.get_default_timezone()
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=ZONE)
PAGE = "/oversight/performance/"
pytestmark = pytest.mark.usefixtures("pinned")


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def done(cell, category, *, late: bool = False, **fields) -> Finding:
    reported = NOW - timedelta(days=3)
    closed = reported + timedelta(hours=30 if late else 5)
    return FindingFactory(
        grid_cell=cell,
        category=category,
        reported_at=reported,
        status=Finding.Status.CLOSED,
        closed_at=closed,
        **fields,
    )


@pytest.fixture
def three_communities(geo, category):
    """乐山小区 closes 2 of 2 in time, 启明里 1 of 2, 魏家庄 0 of 1."""
    sibling_cell = GridCellFactory(community=geo.sibling_community)
    done(geo.cell, category)
    done(geo.cell, category)
    done(sibling_cell, category)
    done(sibling_cell, category, late=True)
    done(geo.other_cell, category, late=True)
    return geo


def page(user, **params):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client.get(PAGE, {"group": "community", "from": "2026-11-01", "to": "2026-11-26", **params})


def ranks(response) -> list[tuple[int | None, str]]:
    return [(item["rank"], item["row"].name) for item in response.context["rows"]]


def test_communities_are_ranked_by_the_on_time_rate_by_default(three_communities, inspector):
    assert ranks(page(inspector)) == [(1, "乐山小区社区"), (2, "启明里社区"), (3, "魏家庄社区")]


def test_a_heading_sorts_by_its_measure_and_again_the_other_way(three_communities, inspector):
    response = page(inspector, sort="late")
    # Fewer late closures is better: 乐山小区 0, then 启明里 and 魏家庄 1 each (a shared rank).
    assert ranks(response) == [(1, "乐山小区社区"), (2, "启明里社区"), (2, "魏家庄社区")]
    late_heading = next(h for h in response.context["headings"] if h["key"] == "late")
    assert "order=worst" in late_heading["query"] and late_heading["sort"] == "ascending"
    assert ranks(page(inspector, sort="late", order="worst"))[0][1] in {"启明里社区", "魏家庄社区"}


def test_streets_are_ranked_among_streets_only(three_communities, inspector):
    names = [name for _rank, name in ranks(page(inspector, group="street"))]
    assert names == ["杆石桥街道", "魏家庄街道"]


def test_a_street_discipline_officer_ranks_their_own_street(three_communities, street_discipline):
    assert ranks(page(street_discipline)) == [(1, "乐山小区社区"), (2, "启明里社区")]


def test_an_unknown_measure_is_a_400_not_a_server_error(three_communities, inspector):
    assert page(inspector, sort="nonsense").status_code == 400


def test_on_a_phone_every_number_carries_its_label(three_communities, inspector):
    html = page(inspector).content.decode()
    assert 'data-label="Rectified in time"' in html and 'data-label="Rank"' in html


def test_the_table_exports_to_excel_in_the_same_order(three_communities, inspector):
    client = Client(headers={"accept-language": "en"})
    client.force_login(inspector)
    params = {"group": "community", "from": "2026-11-01", "to": "2026-11-26"}
    response = client.get("/oversight/performance.xlsx", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "2026-11-01" in sheet["A1"].value and sheet["A2"].value == "Rank" and sheet["A2"].font.bold
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(row[0], row[2]) for row in rows] == [(1, "乐山小区社区"), (2, "启明里社区"), (3, "魏家庄社区")]
    assert rows[1][5] == 0.5 and sheet.freeze_panes == "A3"


@pytest.mark.parametrize("persona", ["street_staff", "community_worker", "unit_staff"])
def test_the_export_is_refused_to_other_roles(request, geo, persona):
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/oversight/performance.xlsx").status_code == 403


def test_the_page_and_export_run_a_fixed_number_of_queries(geo, category, inspector, django_assert_max_num_queries):
    for n in range(6):
        done(GridCellFactory(community=CommunityFactory(street=geo.street)), category, late=n % 2 == 0)
    client = Client()
    client.force_login(inspector)
    params = {"group": "community", "from": "2026-11-01", "to": "2026-11-26"}
    # Session, user, memberships, the streets to choose from, the one aggregate, the bell.
    with django_assert_max_num_queries(6):
        assert client.get(PAGE, params).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/oversight/performance.xlsx", params).status_code == 200
