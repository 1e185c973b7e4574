"""Tables as Excel files, the way every export of the portal looks.

A title row (what the table is, its filters, when it was exported) across the columns, a bold
shaded header frozen in view with an autofilter over it, sensible column widths, then the rows.
For small tables (rankings, statistics); the ledger, which may hold a million rows, streams its
own (``inspections.exports``).
"""

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from web.fields import strip_not_xml

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _clean(value):
    if isinstance(value, str):
        value = strip_not_xml(value)
    return value


def workbook(
    *, title: str, header: Sequence[str], rows: Iterable[Sequence], percent_columns: set[int] = frozenset()
) -> bytes:
    """The file's bytes. ``percent_columns`` (0-based) hold shares (0.25) shown as 25.0%."""
    book = Workbook()
    sheet = book.active
    sheet.title = (strip_not_xml(header[0]) if header else "Sheet")[:31] or "Sheet"
    last = get_column_letter(max(len(header), 1))
    sheet.append([strip_not_xml(title)])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A1"].alignment = Alignment(vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 36
    sheet.append([strip_not_xml(str(h)) for h in header])
    fill, bold = PatternFill("solid", fgColor="F2F2F2"), Font(bold=True)
    for cell in sheet[2]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    count = 0
    for row in rows:
        sheet.append([_clean(value) for value in row])
        count += 1
        for index in percent_columns:
            sheet.cell(row=count + 2, column=index + 1).number_format = "0.0%"
    widths = [len(str(h)) for h in header]
    for row in sheet.iter_rows(min_row=3, values_only=True):
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
    for index, width in enumerate(widths, start=1):
        # CJK characters are about twice as wide as Latin ones.
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width * 1.8, 8), 50)
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{last}{count + 2}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(*, filename: str, **table) -> HttpResponse:
    """The table as a download named ``filename``."""
    response = HttpResponse(workbook(**table), content_type=XLSX)
    response.headers["Content-Disposition"] = _disposition(filename)
    return response


def _disposition(filename: str) -> str:
    return content_disposition_header(as_attachment=True, filename=filename)
