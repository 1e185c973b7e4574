"""The ledger (台账): the current filtered list of findings as an Excel file.

The sheet opens with a title row (whose ledger, which filters, when it was exported), then a
bold header row that stays in view (frozen) with an autofilter over it, then one row per
finding. Built to stay small in memory whatever the size of the list: the rows come from the
database as tuples in chunks (``values_list(...).iterator(chunk_size=...)``, a server-side
cursor on PostgreSQL), openpyxl's write-only workbook streams each row to disk, and the finished
file is a temporary file handed to ``FileResponse``, which sends it in blocks and closes
(deletes) it.
"""

import tempfile
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from inspections import ladder
from inspections.models import Finding, FindingEvent
from web.durations import duration
from web.fields import strip_not_xml

CHUNK_SIZE = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: object  # a lazy translation
    field: str  # of ``values_list``, or the name of a column derived from others (``_DERIVED``)
    width: int


#: The ledger's columns, in order. Derived ones: 责任主体 (the unit, else the community), 超期情况
#: (on time, overdue, closed late) and 超期时长 (how long, in words).
COLUMNS = [
    Column(gettext_lazy("Number"), "code", 22),
    Column(gettext_lazy("Source"), "source", 12),
    Column(gettext_lazy("Category"), "category__name", 14),
    Column(gettext_lazy("Description"), "description", 40),
    Column(gettext_lazy("Address"), "address", 30),
    Column(gettext_lazy("Street"), "street__name", 14),
    Column(gettext_lazy("Community"), "community__name", 16),
    Column(gettext_lazy("Grid cell"), "grid_cell__name", 20),
    Column(gettext_lazy("Responsible side"), "side", 20),
    Column(gettext_lazy("Responsible person"), "responsible_person__real_name", 12),
    Column(gettext_lazy("Status"), "status", 12),
    Column(gettext_lazy("Reported at"), "reported_at", 17),
    Column(gettext_lazy("Deadline"), "deadline_at", 17),
    Column(gettext_lazy("Acknowledged at"), "acknowledged_at", 17),
    Column(gettext_lazy("Submitted at"), "submitted_at", 17),
    Column(gettext_lazy("Closed at"), "closed_at", 17),
    Column(gettext_lazy("Timeliness"), "timeliness", 12),
    Column(gettext_lazy("Overdue by"), "lateness", 14),
    Column(gettext_lazy("Times returned"), "return_count", 10),
    Column(gettext_lazy("Rectification"), "rectification", 36),
    Column(gettext_lazy("External reference"), "external_ref", 16),
    Column(gettext_lazy("Latitude"), "lat", 11),
    Column(gettext_lazy("Longitude"), "lng", 11),
]
_DERIVED = {"side", "timeliness", "lateness"}
#: What the derived columns are computed from, read with the others.
_EXTRA = ["responsible_unit__name"]
_FIELDS = [column.field for column in COLUMNS if column.field not in _DERIVED] + _EXTRA
_OPEN = set(Finding.OPEN_STATUSES)
_CLOSED = Finding.Status.CLOSED


def _local(value: datetime | None) -> datetime | None:
    # Excel has no time zones: write the district's local time, naive.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _text_cell(sheet, value: str):
    """A string exactly as typed: characters XML forbids dropped, never a formula.

    A description such as ``=HYPERLINK(...)`` from a citizen would otherwise become a live
    formula in the ledger (openpyxl treats a leading "=" as one). Intake refuses what XML cannot
    carry; stripping it here too keeps a ledger of older rows from failing for everyone.
    """
    value = strip_not_xml(value)
    if not value:
        return None  # an empty cell is not written at all: cheaper than an empty string
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def with_rectification(queryset):
    """The findings with ``rectification``: the note of their latest rectification (整改情况)."""
    latest = (
        FindingEvent.objects.filter(finding=OuterRef("pk"), kind=FindingEvent.Kind.SUBMITTED)
        .order_by("-at", "-id")
        .values("note")[:1]
    )
    return queryset.annotate(rectification=Subquery(latest))


def _timeliness(status: str, deadline_at: datetime, closed_at: datetime | None, now: datetime) -> tuple[str, str]:
    """超期情况 and 超期时长 of one row, by the ladder's definitions."""
    if status in _OPEN:
        if ladder.is_overdue(deadline_at, now):
            return _("overdue"), duration(now - deadline_at)
        return _("on time"), ""
    if status == _CLOSED and closed_at is not None:
        if closed_at > deadline_at:
            return _("closed late"), duration(closed_at - deadline_at)
        return _("closed on time"), ""
    return "", ""


def write_ledger(queryset, target, *, title: str = "", now: datetime | None = None) -> int:
    """Write the findings of ``queryset`` to ``target`` (a path or a binary file); return the row count."""
    now = now or timezone.now()
    labels = {
        "source": {value: str(label) for value, label in Finding.Source.choices},
        "status": {value: str(label) for value, label in Finding.Status.choices},
    }
    at = {field: index for index, field in enumerate(_FIELDS)}

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Ledger"))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    last_column = get_column_letter(len(COLUMNS))
    # Set before the first row: a write-only sheet writes its view (the frozen panes) first.
    sheet.freeze_panes = "B3"

    # 1. The title row, across every column.
    heading = WriteOnlyCell(sheet, value=strip_not_xml(title) or _("Ledger"))
    heading.font = Font(bold=True, size=13)
    heading.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 36
    sheet.merged_cells.ranges.add(f"A1:{last_column}1")
    sheet.append([heading])

    # 2. The header: bold, shaded, frozen with the title above the first data row.
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2F2F2")
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)

    # 3. The rows.
    rows = (
        with_rectification(queryset)
        .order_by("-reported_at", "-id")
        .values_list(*_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    count = 0
    for row in rows:
        timeliness, lateness = _timeliness(row[at["status"]], row[at["deadline_at"]], row[at["closed_at"]], now)
        derived = {
            "side": row[at["responsible_unit__name"]] or row[at["community__name"]],
            "timeliness": timeliness,
            "lateness": lateness,
        }
        out = []
        for column in COLUMNS:
            value = derived[column.field] if column.field in _DERIVED else row[at[column.field]]
            if column.field in labels:
                value = labels[column.field].get(value, value)
            if isinstance(value, datetime):
                value = _local(value)
            elif isinstance(value, str):
                value = _text_cell(sheet, value)
            out.append(value)
        sheet.append(out)
        count += 1
    sheet.auto_filter.ref = f"A2:{last_column}{count + 2}"
    workbook.save(target)
    return count


def ledger_filename(now: datetime | None = None) -> str:
    return f"{_('Ledger')}-{timezone.localtime(now or timezone.now()):%Y%m%d}.xlsx"


def ledger_response(queryset, *, title: str = "") -> FileResponse:
    """The ledger as a download; the temporary file is deleted when the response is closed."""
    now = timezone.now()
    # Rows go to disk as they are written; nothing the size of the list is held in memory.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        write_ledger(queryset, target, title=title, now=now)
        target.seek(0)
    except BaseException:
        target.close()
        raise
    return FileResponse(target, as_attachment=True, filename=ledger_filename(now), content_type=XLSX)
