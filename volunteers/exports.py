"""Excel exports (openpyxl): an activity's attendance sheet, and hours per unit, community, street or
volunteer over a period. Phones are written as the person downloading may see them."""

import tempfile
from datetime import date, datetime

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(value: datetime | None):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _text(sheet, value: str):
    """Text exactly as typed, never a formula (a name such as "=1+1" stays text)."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value or "")
    if not value:
        return None
    if not value.startswith(("=", "+", "-", "@")):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _respond(workbook: Workbook, filename: str) -> FileResponse:
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    try:
        workbook.save(target)
        target.seek(0)
    except BaseException:
        target.close()
        raise
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX)


def _sheet(workbook: Workbook, title: str, headers: list[tuple[str, int]]):
    sheet = workbook.create_sheet(title[:31])
    for index, (_header, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([header for header, _width in headers])
    return sheet


def attendance_response(activity, roll, managed: set[int]) -> FileResponse:
    """签到表: everyone on the roll with their status, times and hours."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(
        workbook,
        _("Attendance"),
        [
            (_("Name"), 12),
            (_("Unit"), 20),
            (_("Mobile phone"), 15),
            (_("Party member"), 8),
            (_("Status"), 14),
            (_("Checked in at"), 18),
            (_("Checked out at"), 18),
            (_("Hours"), 8),
        ],
    )
    for signup in roll:
        person = signup.volunteer
        row = getattr(signup, "attendance", None)
        sheet.append(
            [
                _text(sheet, person.name),
                _text(sheet, person.unit.name if person.unit_id else ""),
                _text(sheet, person.phone if person.pk in managed else person.masked_phone),
                _("yes") if person.is_party_member else _("no"),
                str(signup.get_status_display()),
                _local(row.checked_in_at) if row else None,
                _local(row.checked_out_at) if row else None,
                float(row.hours) if row else None,
            ]
        )
    day = timezone.localtime(activity.starts_at)
    return _respond(workbook, f"{_('Attendance')}-{day:%Y%m%d}-{activity.pk}.xlsx")


def hours_response(rows, *, group_label: str, start: date, end: date) -> FileResponse:
    """Hours and person-times per group over the period, most hours first."""
    workbook = Workbook(write_only=True)
    sheet = _sheet(
        workbook,
        _("Service hours"),
        [(group_label, 24), (_("Code"), 16), (_("Person-times"), 10), (_("Hours"), 10), (_("People"), 8)],
    )
    for row in rows:
        sheet.append([_text(sheet, row.name), _text(sheet, row.code), row.person_times, float(row.hours), row.people])
    return _respond(workbook, f"{_('Service hours')}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
