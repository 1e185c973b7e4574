"""The ledger (台账): the current filtered list of findings as an Excel file.

Built to stay small in memory whatever the size of the list: the rows come from the database
as tuples in chunks (``values_list(...).iterator(chunk_size=...)``, a server-side cursor on
PostgreSQL), openpyxl's write-only workbook streams each row to disk, and the finished file is
a temporary file handed to ``FileResponse``, which sends it in blocks and closes (deletes) it.
"""

import tempfile
from datetime import datetime

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from inspections import ladder
from inspections.models import Finding

CHUNK_SIZE = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: (header, field of ``values_list``, column width); the order is the ledger's.
COLUMNS = [
    (gettext_lazy("Number"), "code", 22),
    (gettext_lazy("Source"), "source", 12),
    (gettext_lazy("Category"), "category__name", 14),
    (gettext_lazy("Description"), "description", 40),
    (gettext_lazy("Address"), "address", 30),
    (gettext_lazy("Street"), "street__name", 14),
    (gettext_lazy("Community"), "community__name", 16),
    (gettext_lazy("Grid cell"), "grid_cell__name", 18),
    (gettext_lazy("Responsible unit"), "responsible_unit__name", 18),
    (gettext_lazy("Responsible person"), "responsible_person__real_name", 12),
    (gettext_lazy("Status"), "status", 12),
    (gettext_lazy("Reported at"), "reported_at", 18),
    (gettext_lazy("Deadline"), "deadline_at", 18),
    (gettext_lazy("Acknowledged at"), "acknowledged_at", 18),
    (gettext_lazy("Submitted at"), "submitted_at", 18),
    (gettext_lazy("Closed at"), "closed_at", 18),
    (gettext_lazy("Overdue"), None, 8),
    (gettext_lazy("Times returned"), "return_count", 10),
    (gettext_lazy("External reference"), "external_ref", 16),
    (gettext_lazy("Latitude"), "lat", 11),
    (gettext_lazy("Longitude"), "lng", 11),
]
_FIELDS = [field for _header, field, _width in COLUMNS if field]
_OPEN = set(Finding.OPEN_STATUSES)


def _local(value: datetime | None) -> datetime | None:
    # Excel has no time zones: write the district's local time, naive.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _text_cell(sheet, value: str):
    """A string exactly as typed: control characters that XML forbids dropped, never a formula.

    A description such as ``=HYPERLINK(...)`` from a citizen would otherwise become a live
    formula in the ledger (openpyxl treats a leading "=" as one).
    """
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value:
        return None  # an empty cell is not written at all: cheaper than an empty string
    if not value.startswith("="):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def write_ledger(queryset, target, *, now: datetime | None = None) -> int:
    """Write the findings of ``queryset`` to ``target`` (a path or a binary file); return the row count."""
    now = now or timezone.now()
    labels = {
        "source": {value: str(label) for value, label in Finding.Source.choices},
        "status": {value: str(label) for value, label in Finding.Status.choices},
    }
    yes, no = _("yes"), _("no")
    position = {field: index for index, field in enumerate(_FIELDS)}
    status_at, deadline_at = position["status"], position["deadline_at"]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Ledger"))
    sheet.freeze_panes = "B2"
    for index, (_header, _field, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([str(header) for header, _field, _width in COLUMNS])

    rows = queryset.order_by("-reported_at", "-id").values_list(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    count = 0
    for row in rows:
        out = []
        for _header, field, _width in COLUMNS:
            if field is None:  # the one derived column: overdue now
                out.append(yes if row[status_at] in _OPEN and ladder.is_overdue(row[deadline_at], now) else no)
                continue
            value = row[position[field]]
            if field in labels:
                value = labels[field].get(value, value)
            if isinstance(value, datetime):
                value = _local(value)
            elif isinstance(value, str):
                value = _text_cell(sheet, value)
            out.append(value)
        sheet.append(out)
        count += 1
    workbook.save(target)
    return count


def ledger_filename(now: datetime | None = None) -> str:
    return f"{_('Ledger')}-{timezone.localtime(now or timezone.now()):%Y%m%d}.xlsx"


def ledger_response(queryset) -> FileResponse:
    """The ledger as a download; the temporary file is deleted when the response is closed."""
    now = timezone.now()
    # Rows go to disk as they are written; nothing the size of the list is held in memory.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        write_ledger(queryset, target, now=now)
        target.seek(0)
    except BaseException:
        target.close()
        raise
    return FileResponse(target, as_attachment=True, filename=ledger_filename(now), content_type=XLSX)
