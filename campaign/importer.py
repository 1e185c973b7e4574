"""Import a campaign's assessment items from an Excel sheet: validate every row, then write all.

One row per item, the first row naming the columns (Chinese or English headers):

    编码 code | 上级编码 parent | 名称 name | 测评标准 standard | 测评方法 method | 权重 weight |
    攻坚行动 action line | 问题类别 categories

``parent`` is the code of another item (of the sheet or already in the campaign), empty for a
top item; ``method`` is 实地考察 / 材料审核 / 问卷调查 (or field / materials / survey);
``action line`` the code of one of the campaign's action lines; ``categories`` the codes of
finding categories, separated by commas, that the item is linked to. A bad row is reported
with its row number and nothing is written. Items are matched by code, so importing again
updates them.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from campaign.models import ActionLine, AssessmentItem, Campaign, CategoryLink
from inspections.models import Category
from web.imports import ImportRefused, read_rows

HEADERS = {
    "code": ("编码", "code"),
    "parent": ("上级编码", "parent", "parent code"),
    "name": ("名称", "name"),
    "standard": ("测评标准", "standard"),
    "method": ("测评方法", "method"),
    "weight": ("权重", "weight"),
    "action_line": ("攻坚行动", "action line", "action_line"),
    "categories": ("问题类别", "categories", "category"),
}
REQUIRED = ("code", "name")
METHODS = {
    "实地考察": AssessmentItem.Method.FIELD,
    "材料审核": AssessmentItem.Method.MATERIALS,
    "问卷调查": AssessmentItem.Method.SURVEY,
    **{value: value for value in AssessmentItem.Method.values},
}
MAX_ROWS = 5000


@dataclass
class Row:
    number: int
    code: str
    parent: str
    name: str
    standard: str
    method: str
    weight: Decimal
    action_line: str
    categories: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    links: int


def _read(upload) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) of every non-empty row after the header."""
    return read_rows(upload, HEADERS, required=REQUIRED, max_rows=MAX_ROWS)


def _validate(campaign: Campaign, raw: list[tuple[int, dict[str, str]]]) -> list[Row]:
    errors: list[str] = []
    rows: list[Row] = []
    seen: dict[str, int] = {}
    existing = set(AssessmentItem.objects.filter(campaign=campaign).values_list("code", flat=True))
    lines = set(ActionLine.objects.filter(campaign=campaign).values_list("code", flat=True))
    categories = set(Category.objects.values_list("code", flat=True))

    def refuse(number: int, message: str) -> None:
        errors.append(_("Row %(number)s: %(message)s") % {"number": number, "message": message})

    for number, values in raw:
        code, name = values.get("code", ""), values.get("name", "")
        if not code:
            refuse(number, _("the code is empty."))
            continue
        if len(code) > 20 or "\x00" in code:
            refuse(number, _("the code “%(code)s” is not valid (at most 20 characters).") % {"code": code[:30]})
            continue
        if code in seen:
            refuse(number, _("the code %(code)s is already on row %(row)s.") % {"code": code, "row": seen[code]})
            continue
        seen[code] = number
        if not name or len(name) > 200:
            refuse(number, _("the name is empty or longer than 200 characters."))
        method = METHODS.get(values.get("method", "") or AssessmentItem.Method.FIELD)
        if method is None:
            refuse(number, _("the method must be 实地考察, 材料审核 or 问卷调查."))
        weight_text = values.get("weight", "") or "1"
        try:
            weight = Decimal(weight_text)
            if not weight.is_finite() or weight < 0 or weight >= 10000:
                raise InvalidOperation
            weight = weight.quantize(Decimal("0.01"))
        except InvalidOperation:
            refuse(number, _("the weight “%(weight)s” is not a number from 0 to 9999.") % {"weight": weight_text[:20]})
            weight = Decimal("0")
        line = values.get("action_line", "")
        if line and line not in lines:
            refuse(number, _("there is no action line %(code)s in this campaign.") % {"code": line[:30]})
        codes = [c.strip() for c in values.get("categories", "").replace("，", ",").split(",") if c.strip()]
        unknown = [c for c in codes if c not in categories]
        if unknown:
            refuse(number, _("unknown categories: %(codes)s.") % {"codes": "、".join(unknown)[:100]})
        rows.append(
            Row(
                number=number,
                code=code,
                parent=values.get("parent", ""),
                name=name[:200],
                standard=values.get("standard", "")[:5000],
                method=method or AssessmentItem.Method.FIELD,
                weight=weight,
                action_line=line,
                categories=codes,
            )
        )
    parents = {row.code: row.parent for row in rows}
    known = existing | set(parents)
    for row in rows:
        if row.parent and row.parent not in known:
            refuse(
                row.number, _("its parent %(code)s is neither in the sheet nor in the campaign.") % {"code": row.parent}
            )
        # Walk up the sheet's own parents: a loop would make a tree without a root.
        steps, code = 0, row.parent
        while code in parents and steps <= len(parents):
            if code == row.code:
                refuse(row.number, _("its parents lead back to itself."))
                break
            code, steps = parents[code], steps + 1
    linked: dict[str, int] = {}
    for row in rows:
        for category in row.categories:
            if category in linked:
                refuse(
                    row.number,
                    _("category %(code)s is already linked on row %(row)s.")
                    % {"code": category, "row": linked[category]},
                )
            linked[category] = row.number
    if not raw:
        errors.append(_("The sheet has no items."))
    if errors:
        raise ImportRefused(errors)
    return rows


def import_items(*, actor, campaign: Campaign, upload) -> ImportResult:
    """Validate the whole sheet (``ImportRefused`` lists every bad row), then write every item and link."""
    rows = _validate(campaign, _read(upload))
    with transaction.atomic():
        items = {item.code: item for item in AssessmentItem.objects.select_for_update().filter(campaign=campaign)}
        lines = {line.code: line for line in ActionLine.objects.filter(campaign=campaign)}
        created = updated = 0
        for order, row in enumerate(rows, start=1):
            item = items.get(row.code) or AssessmentItem(campaign=campaign, code=row.code)
            created += item.pk is None
            updated += item.pk is not None
            item.name, item.standard, item.method, item.weight = row.name, row.standard, row.method, row.weight
            item.action_line = lines.get(row.action_line)
            item.sort_order = order * 10
            item.parent = None
            item.save()
            items[row.code] = item
        for row in rows:
            if row.parent:
                items[row.code].parent = items[row.parent]
                items[row.code].save(update_fields=["parent"])
        categories = Category.objects.in_bulk([c for row in rows for c in row.categories], field_name="code")
        links = 0
        for row in rows:
            for code in row.categories:
                CategoryLink.objects.update_or_create(
                    campaign=campaign,
                    category=categories[code],
                    defaults={"item": items[row.code], "action_line": items[row.code].action_line},
                )
                links += 1
    return ImportResult(created=created, updated=updated, links=links)
