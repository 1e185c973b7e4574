"""Reading an uploaded Excel sheet for an import, the way every import of the portal reads one.

Each import validates every row before it writes anything (its own rules), and refuses the file
with the list of what is wrong, row by row (``ImportRefused``). What they share is here: the
workbook opened read-only, the header row matched against the spellings each column accepts, and
the non-empty rows numbered as people see them in Excel (the header is row 1); and the sheet to
fill in that each import page offers (``template``).
"""

import io
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter


class ImportRefused(Exception):
    """The file cannot be imported; ``errors`` says why, row by row. Nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def cell_text(value) -> str:
    """A cell as text: empty for nothing, 3 for 3.0, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(
    upload,
    headers: Mapping[str, Sequence[str]],
    *,
    required: Sequence[str],
    max_rows: int,
    too_many: str | None = None,
    names: Mapping[str, str] | None = None,
    as_text: bool = True,
) -> list[tuple[int, dict]]:
    """(row number, {column key: value}) of every non-empty row after the header.

    ``headers`` gives each column's accepted spellings (lower case), the first one its name in
    messages unless ``names`` says otherwise; a ``required`` column missing from the header, a
    file that is no workbook, an empty sheet, more than ``max_rows`` rows (``too_many``, with
    ``%(count)s``): ``ImportRefused``. Values are text (``cell_text``), or as the cells hold them.
    """
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportRefused([_("The file is not an Excel workbook (.xlsx).")]) from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ImportRefused([_("The sheet is empty.")])
        found_names = [cell_text(cell).lower() for cell in header]
        columns: dict[str, int] = {}
        for key, spellings in headers.items():
            index = next((i for i, name in enumerate(found_names) if name in spellings), None)
            if index is not None:
                columns[key] = index
        missing = [(names or {}).get(key) or headers[key][0] for key in required if key not in columns]
        if missing:
            raise ImportRefused([_("Row 1: the columns %(columns)s are missing.") % {"columns": "、".join(missing)}])
        found = []
        for number, cells in enumerate(rows, start=2):
            values = {key: cells[index] if index < len(cells) else None for key, index in columns.items()}
            if as_text:
                values = {key: cell_text(value) for key, value in values.items()}
            if any(cell_text(value) for value in values.values()):
                found.append((number, values))
            if len(found) > max_rows:
                message = too_many or _("The sheet has more than %(count)s rows.")
                raise ImportRefused([message % {"count": max_rows}])
        return found
    finally:
        book.close()


def template(*, title: str, header: Sequence[str], examples: Sequence[Sequence], widths: Sequence[int]) -> bytes:
    """An Excel sheet to fill in for an import: the header row it reads (bold), and example rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for row in examples:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
