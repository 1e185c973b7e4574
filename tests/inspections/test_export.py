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


def download(client, user, params=None):
    client.force_login(user)
    response = client.get(EXPORT, params or {})
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    body = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    return response, [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_is_an_xlsx_with_a_header_and_one_row_per_finding(client, geo, street_staff, category):
    first = FindingFactory(grid_cell=geo.cell, category=category)
    second = FindingFactory(grid_cell=geo.sibling_cell, category=category, status=Status.CLOSED)
    response, rows = download(client, street_staff)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert rows[0] == [str(header) for header, _field, _width in COLUMNS]
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
    assert len(rows) == 1


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
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Category"] == "暴露垃圾" and row["Address"] == "乐山小区3号楼"
    assert row["Community"] == "乐山小区社区" and row["Grid cell"] == "乐山小区第一网格"
    assert row["Status"] == "dispatched" and row["Source"] == "supervision team"
    assert row["Reported at"] == datetime(2026, 11, 25, 4, 0)  # Beijing time, as Excel has no zones
    assert row["Overdue"] == "yes"


def test_text_that_looks_like_a_formula_stays_text(client, geo, street_staff, category):
    FindingFactory(
        grid_cell=geo.cell, category=category, description='=HYPERLINK("http://evil.example","x")', address="a\x0bb"
    )
    client.force_login(street_staff)
    body = b"".join(client.get(EXPORT).streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    description = sheet.cell(row=2, column=header.index("Description") + 1)
    assert description.data_type == "s" and description.value.startswith("=HYPERLINK")
    # A control character that XML forbids is dropped rather than failing the whole export.
    assert sheet.cell(row=2, column=header.index("Address") + 1).value == "ab"


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
