"""The ledger (台账) export: the filtered, scoped list as an Excel file."""

import io
from datetime import datetime, timedelta
from urllib.parse import quote

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.http import FileResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections.exports import COLUMNS
from inspections.models import Finding
from tests.factories import FindingFactory

Status = Finding.Status
EXPORT = reverse("inspections:export")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.get_fixed_timezone(480))


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"})


def workbook(client, user, params=None):
    client.force_login(user)
    response = client.get(EXPORT, params or {})
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    body = b"".join(response.streaming_content)
    return response, openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]


def download(client, user, params=None):
    """The response, and the sheet's rows below the title row (the header first)."""
    response, sheet = workbook(client, user, params)
    return response, [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def by_header(rows) -> list[dict]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_export_is_an_xlsx_with_a_header_and_one_row_per_finding(client, geo, street_staff, category):
    first = FindingFactory(grid_cell=geo.cell, category=category)
    second = FindingFactory(grid_cell=geo.sibling_cell, category=category, status=Status.CLOSED)
    response, rows = download(client, street_staff)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert rows[0] == [str(column.header) for column in COLUMNS]
    assert sorted(row[0] for row in rows[1:]) == sorted([first.code, second.code])


def test_export_follows_the_filters(client, geo, street_staff, category):
    waiting = FindingFactory(grid_cell=geo.cell, category=category, status=Status.REPORTED)
    FindingFactory(grid_cell=geo.cell, category=category, status=Status.DISPATCHED)
    _response, rows = download(client, street_staff, {"status": "reported", "page": "3"})
    assert [row[0] for row in rows[1:]] == [waiting.code]


def test_export_is_scoped(client, geo, other_street_staff, category):
    FindingFactory(grid_cell=geo.cell, category=category)
    theirs = FindingFactory(grid_cell=geo.other_cell, category=category)
    _response, rows = download(client, other_street_staff)
    assert [row[0] for row in rows[1:]] == [theirs.code]


def test_person_without_a_role_gets_only_the_header(client, geo, stranger, category):
    FindingFactory(grid_cell=geo.cell, category=category)
    _response, rows = download(client, stranger)
    assert len(rows) == 1  # the header


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(EXPORT)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@time_machine.travel(NOW, tick=False)
def test_rows_hold_readable_values_in_local_time(client, geo, street_staff, category):
    FindingFactory(
        grid_cell=geo.cell,
        category=category,
        reported_at=NOW - timedelta(hours=30),
        address="乐山小区3号楼",
        description="楼道堆放杂物",
    )
    _response, rows = download(client, street_staff)
    (row,) = by_header(rows)
    assert row["Category"] == "暴露垃圾" and row["Address"] == "乐山小区3号楼"
    assert row["Community"] == "乐山小区社区" and row["Grid cell"] == "乐山小区第一网格"
    assert row["Status"] == "dispatched" and row["Source"] == "supervision team"
    assert row["Reported at"] == datetime(2026, 11, 25, 4, 0)  # Beijing time, as Excel has no zones
    assert (row["Timeliness"], row["Overdue by"]) == ("overdue", "6 hours")


@time_machine.travel(NOW, tick=False)
def test_the_responsible_side_is_the_unit_else_the_community(client, geo, street_staff, category, unit_category):
    FindingFactory(grid_cell=geo.cell, category=category)
    FindingFactory(grid_cell=geo.cell, category=unit_category, responsible_unit=geo.unit)
    _response, rows = download(client, street_staff)
    assert sorted(row["Responsible side"] for row in by_header(rows)) == ["乐山小区社区", "区城管局"]


@time_machine.travel(NOW, tick=False)
def test_a_late_closure_shows_its_lateness_and_the_last_rectification(client, geo, street_staff, category):
    from inspections.models import FindingEvent

    reported = NOW - timedelta(days=40)
    late = FindingFactory(
        grid_cell=geo.cell,
        category=category,
        status=Status.CLOSED,
        reported_at=reported,
        closed_at=reported + timedelta(days=35, hours=3),
    )
    for at, note in (
        (reported + timedelta(days=2), "已清理"),
        (reported + timedelta(days=34), "已清理完毕，并加装围挡"),
    ):
        FindingEvent.objects.create(finding=late, kind="submitted", note=note, at=at)
    FindingFactory(grid_cell=geo.cell, category=category, status=Status.CLOSED, closed_at=NOW)
    _response, rows = download(client, street_staff)
    rows = {row["Number"]: row for row in by_header(rows)}
    assert (rows[late.code]["Timeliness"], rows[late.code]["Overdue by"]) == ("closed late", "34 days 3 hours")
    assert rows[late.code]["Rectification"] == "已清理完毕，并加装围挡"
    on_time = next(row for code, row in rows.items() if code != late.code)
    assert (on_time["Timeliness"], on_time["Overdue by"]) == ("closed on time", None)


@time_machine.travel(NOW, tick=False)
def test_the_sheet_has_a_title_a_bold_frozen_header_and_an_autofilter(client, geo, street_staff, category):
    FindingFactory(grid_cell=geo.cell, category=category)
    FindingFactory(grid_cell=geo.cell, category=category, status=Status.REPORTED)
    _response, sheet = workbook(client, street_staff, {"status": "reported"})
    title = sheet["A1"].value
    assert "杆石桥街道" in title and "awaiting dispatch" in title and "2026-11-26 10:00" in title
    assert sheet["A2"].value == "Number" and sheet["A2"].font.bold
    assert sheet.freeze_panes == "B3"
    assert sheet.auto_filter.ref == f"A2:W{sheet.max_row}"
    assert sheet.column_dimensions["D"].width == 40


def test_text_that_looks_like_a_formula_stays_text(client, geo, street_staff, category):
    FindingFactory(
        grid_cell=geo.cell, category=category, description='=HYPERLINK("http://evil.example","x")', address="a\x0bb"
    )
    client.force_login(street_staff)
    body = b"".join(client.get(EXPORT).streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    header = [cell.value for cell in sheet[2]]
    description = sheet.cell(row=3, column=header.index("Description") + 1)
    assert description.data_type == "s" and description.value.startswith("=HYPERLINK")
    # A character that XML forbids (stored before intake refused it) is dropped rather than
    # failing the whole export.
    assert sheet.cell(row=3, column=header.index("Address") + 1).value == "ab"


def test_text_xml_cannot_carry_never_fails_the_ledger(client, geo, street_staff, category):
    FindingFactory(grid_cell=geo.cell, category=category, description="垃圾\ufffe\uffff堆放", address="\x01三号楼")
    _response, rows = download(client, street_staff)
    (row,) = by_header(rows)
    assert (row["Description"], row["Address"]) == ("垃圾堆放", "三号楼")


@time_machine.travel(NOW, tick=False)
def test_file_is_named_after_the_ledger_and_the_day(client, geo, street_staff):
    client.force_login(street_staff)
    response = client.get(EXPORT)
    assert response["Content-Disposition"] == 'attachment; filename="Ledger-20261126.xlsx"'


@time_machine.travel(NOW, tick=False)
def test_a_chinese_file_name_is_sent_rfc_5987_encoded(client, geo, street_staff, monkeypatch):
    from inspections import exports

    monkeypatch.setattr(exports, "_", lambda text: "台账" if text == "Ledger" else text)
    client.force_login(street_staff)
    response = client.get(EXPORT)
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('台账-20261126.xlsx')}"


def test_export_query_count_does_not_grow_with_the_findings(client, geo, street_staff, category):
    client.force_login(street_staff)

    def queries(count):
        for _ in range(count):
            FindingFactory(grid_cell=geo.cell, category=category)
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(EXPORT).streaming_content)
        return len(captured)

    few = queries(3)
    assert few == queries(30)
