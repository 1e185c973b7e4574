"""The dashboard's tables as Excel files, from the same data the page shows (``campaign.dashboard.build``)."""

import tempfile

from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Table name (its URL) → its title.
TABLES = {
    "streets": gettext_lazy("Streets"),
    "communities": gettext_lazy("Communities"),
    "units": gettext_lazy("Units"),
    "red-list": gettext_lazy("Red list"),
    "most-improved": gettext_lazy("Most improved"),
    "days": gettext_lazy("Per day"),
    "sources": gettext_lazy("By source"),
    "categories": gettext_lazy("By category"),
    "action-lines": gettext_lazy("By action line"),
}


def percent(value: float | None):
    return None if value is None else round(value * 100, 1)


def ranking_rows(rows, *, with_score: bool = True) -> tuple[list[str], list[list]]:
    headers = [
        _("Rank"),
        _("Name"),
        _("Findings"),
        _("On-time rate (%)"),
        _("Went overdue"),
        _("Overdue now"),
        _("Rework rate (%)"),
    ]
    if with_score:
        headers += [_("Score"), _("Satisfaction rate (%)")]
    out = []
    for row in rows:
        line = [
            row.rank,
            row.name,
            row.counted,
            percent(row.on_time_rate),
            row.went_overdue,
            row.overdue_now,
            percent(row.rework_rate),
        ]
        if with_score:
            line.append(float(row.score) if row.score is not None else None)
            line.append(percent(row.satisfaction))
        out.append(line)
    return headers, out


def table(name: str, data: dict) -> tuple[list[str], list[list]]:
    """Headers and rows of one table of the dashboard."""
    if name in ("streets", "communities"):
        return ranking_rows(data[name])
    if name == "units":
        return ranking_rows(data["units"], with_score=False)
    if name in ("red-list", "most-improved"):
        key = "red_list" if name == "red-list" else "most_improved"
        headers, rows = ranking_rows(data[key]["streets"] + data[key]["communities"])
        headers = [*headers, _("Change of the on-time rate (points)")]
        changes = [percent(r.change) for r in data[key]["streets"] + data[key]["communities"]]
        return headers, [[*row, change] for row, change in zip(rows, changes, strict=True)]
    if name == "days":
        series = data["series"]
        rows = [
            list(values)
            for values in zip(series["days"], series["reported"], series["closed"], series["overdue"], strict=True)
        ]
        return [_("Day"), _("Reported"), _("Closed"), _("Went overdue")], rows
    if name == "sources":
        return [_("Source"), _("Reported")], [[r["name"], r["reported"]] for r in data["sources"]]
    if name == "categories":
        return (
            [_("Category"), _("Reported"), _("On-time rate (%)")],
            [[r["name"], r["reported"], percent(r["on_time_rate"])] for r in data["categories"]],
        )
    return (
        [_("Code"), _("Action line"), _("Lead unit"), _("Reported")],
        [[r["code"], r["name"], r["lead_unit"], r["reported"]] for r in data["action_lines"]],
    )


def _clean(value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        # Names come from people: never let one become a formula.
        return f"'{value}" if value.startswith("=") else value
    return value


def write_sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list]) -> None:
    sheet = workbook.create_sheet(str(title)[:31])
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append([_clean(v) for v in row])


def table_response(name: str, data: dict) -> FileResponse:
    workbook = Workbook(write_only=True)
    headers, rows = table(name, data)
    write_sheet(workbook, TABLES[name], headers, rows)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    workbook.save(target)
    target.seek(0)
    period = data["period"]
    filename = f"{TABLES[name]}-{period['from']}-{period['to']}.xlsx"
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX)
