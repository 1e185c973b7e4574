"""Import a questionnaire from an Excel sheet: validate every row, then write all of it.

One row per question, the first row naming the columns (Chinese or English headers):

    序号 order | 题型 kind | 题目 question | 必答 required | 指标 measure | 选项 options | 正向选项 positive

``kind`` is 单选 / 多选 / 填空 (or single / multiple / text); ``required`` 是 / 否 (default 是);
``measure`` 知晓率 / 支持率 / 满意率 (or awareness / support / satisfaction), empty for none;
``options`` one per line (or separated by ``|`` or ``；``), each a key and its text, ``A.知道``;
``positive`` the keys of the options that count towards the measure, ``A`` or ``A,B``. A bad row
is reported with its row number and nothing is written. Each import makes a new questionnaire:
one that has been asked keeps its questions as they were.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from surveys.models import Measure, Option, Question, Questionnaire
from web import imports
from web.imports import ImportRefused, read_rows

HEADERS = {
    "order": ("序号", "题号", "order", "number"),
    "kind": ("题型", "kind", "type"),
    "text": ("题目", "问题", "question", "text"),
    "required": ("必答", "required"),
    "measure": ("指标", "measure"),
    "options": ("选项", "options"),
    "positive": ("正向选项", "positive"),
}
REQUIRED = ("order", "kind", "text")
KINDS = {
    "单选": Question.Kind.SINGLE,
    "单选题": Question.Kind.SINGLE,
    "多选": Question.Kind.MULTIPLE,
    "多选题": Question.Kind.MULTIPLE,
    "填空": Question.Kind.TEXT,
    "填空题": Question.Kind.TEXT,
    "问答": Question.Kind.TEXT,
    **{value: value for value in Question.Kind.values},
}
MEASURES = {
    "知晓率": Measure.AWARENESS,
    "支持率": Measure.SUPPORT,
    "满意率": Measure.SATISFACTION,
    **{value: value for value in Measure.values},
}
YES = {"是", "必答", "yes", "y", "true", "1"}
NO = {"否", "选答", "no", "n", "false", "0"}
OPTION = re.compile(r"^([A-Za-z0-9_-]{1,20})\s*[.．、:：\s]\s*(.+)$")
MAX_ROWS = 200


@dataclass
class Row:
    number: int
    order: int
    kind: str
    text: str
    required: bool
    measure: str | None
    options: list[tuple[str, str, bool]] = field(default_factory=list)


def _read(upload) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) of every non-empty row after the header."""
    return read_rows(
        upload,
        HEADERS,
        required=REQUIRED,
        max_rows=MAX_ROWS,
        too_many=_("The sheet has more than %(count)s questions."),
    )


def _options(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n|；;]", text) if part.strip()]


def validate(raw: list[tuple[int, dict[str, str]]]) -> list[Row]:
    """The rows as questions to write, or ``ImportRefused`` naming every bad row."""
    errors: list[str] = []
    rows: list[Row] = []
    seen: dict[int, int] = {}

    def refuse(number: int, message: str) -> None:
        errors.append(_("Row %(number)s: %(message)s") % {"number": number, "message": message})

    for number, values in raw:
        order_text = values.get("order", "")
        if not order_text.isdigit() or not 1 <= int(order_text) <= 999:
            refuse(
                number, _("the number “%(order)s” is not a whole number from 1 to 999.") % {"order": order_text[:10]}
            )
            continue
        order = int(order_text)
        if order in seen:
            refuse(number, _("question %(order)s is already on row %(row)s.") % {"order": order, "row": seen[order]})
            continue
        seen[order] = number
        kind = KINDS.get(values.get("kind", "").lower())
        if kind is None:
            refuse(number, _("the kind must be 单选, 多选 or 填空."))
            continue
        text = values.get("text", "")
        if not text or len(text) > 300 or "\x00" in text:
            refuse(number, _("the question is empty or longer than 300 characters."))
        required_text = values.get("required", "").lower() or "是"
        if required_text not in YES | NO:
            refuse(number, _("“required” must be 是 or 否."))
        measure_text = values.get("measure", "").lower()
        measure = MEASURES.get(measure_text) if measure_text else None
        if measure_text and measure is None:
            refuse(number, _("the measure must be 知晓率, 支持率 or 满意率, or empty."))
        parts = _options(values.get("options", ""))
        positive = {k.strip() for k in re.split(r"[,，、\s]+", values.get("positive", "")) if k.strip()}
        options: list[tuple[str, str, bool]] = []
        if kind == Question.Kind.TEXT:
            if parts or measure or positive:
                refuse(number, _("a text question has no options and feeds no measure."))
        else:
            keys = set()
            for part in parts:
                match = OPTION.match(part)
                if match is None or len(match.group(2)) > 200:
                    refuse(
                        number,
                        _("the option “%(option)s” is not a key and its text, e.g. A.知道.") % {"option": part[:30]},
                    )
                    continue
                key, label = match.group(1), match.group(2).strip()
                if key in keys:
                    refuse(number, _("the option key %(key)s is given twice.") % {"key": key})
                keys.add(key)
                options.append((key, label, key in positive))
            if len(parts) < 2:
                refuse(number, _("a choice question needs at least two options."))
            unknown = sorted(positive - keys)
            if unknown:
                refuse(
                    number,
                    _("the positive options %(keys)s are not among the options.") % {"keys": "、".join(unknown)[:60]},
                )
            if measure and not positive:
                refuse(number, _("a question that feeds a measure names its positive options."))
        rows.append(
            Row(
                number=number,
                order=order,
                kind=kind,
                text=text[:300],
                required=required_text in YES,
                measure=measure,
                options=options,
            )
        )
    if not raw:
        errors.append(_("The sheet has no questions."))
    if errors:
        raise ImportRefused(errors)
    return rows


def import_questionnaire(*, campaign, title: str, introduction: str = "", upload) -> Questionnaire:
    """Validate the whole sheet (``ImportRefused`` lists every bad row), then write the questionnaire."""
    rows = validate(_read(upload))
    with transaction.atomic():
        questionnaire = Questionnaire.objects.create(campaign=campaign, title=title, introduction=introduction)
        for row in sorted(rows, key=lambda r: r.order):
            question = Question.objects.create(
                questionnaire=questionnaire,
                order=row.order,
                kind=row.kind,
                text=row.text,
                required=row.required,
                measure=row.measure,
            )
            Option.objects.bulk_create(
                [
                    Option(question=question, key=key, text=label, positive=positive, order=index)
                    for index, (key, label, positive) in enumerate(row.options)
                ]
            )
    return questionnaire


def template() -> bytes:
    """An Excel sheet to fill in: the header row the import reads and one question of each kind."""
    return imports.template(
        title="问卷",
        header=["序号", "题型", "题目", "必答", "指标", "选项", "正向选项"],
        examples=[
            [1, "单选", "您是否知道我市正在创建全国文明城市？", "是", "知晓率", "A.知道\nB.不知道", "A"],
            [2, "多选", "您参加过哪些创城志愿服务？", "否", "支持率", "A.清扫保洁\nB.文明劝导\nC.没有参加", "A,B"],
            [3, "填空", "您对社区创城工作还有什么建议？", "否", "", "", ""],
        ],
        widths=(8, 8, 44, 8, 10, 28, 12),
    )
