"""The results and the raw answers as Excel files (``web.sheets``)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Measure, Question
from surveys.permissions import sees_interviewer
from web.sheets import table_response


def _measure_header() -> list[str]:
    out = []
    for _value, label in Measure.choices:
        out += [
            str(label),
            _("%(measure)s: answers") % {"measure": label},
            _("%(measure)s: positive") % {"measure": label},
        ]
    return out


def _measure_cells(measures: dict) -> list:
    out = []
    for value in Measure.values:
        tally = measures[value]
        out += [tally.rate, tally.answers, tally.positive]
    return out


def results(data: dict):
    """One row per community, then its streets and the total."""
    round_ = data["round"]
    header = [_("Street"), _("Community"), _("Responses"), _("Target households"), _("Coverage"), *_measure_header()]
    rows = [
        [row.street.name, row.name, row.responses, row.target, row.coverage, *_measure_cells(row.measures)]
        for row in data["communities"]
    ]
    rows += [
        [row.name, _("(street total)"), row.responses, row.target, row.coverage, *_measure_cells(row.measures)]
        for row in data["streets"]
    ]
    total = data["total"]
    rows.append([_("Total"), "", total.responses, total.target, total.coverage, *_measure_cells(total.measures)])
    percent = {4, 5, 8, 11}
    title = _("%(round)s: results (exported %(at)s)") % {
        "round": round_.title,
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    return table_response(
        filename=f"survey-{round_.pk}-results.xlsx", title=title, header=header, rows=rows, percent_columns=percent
    )


def answers(user, round_, responses, questions: list[Question]):
    """One row per response; interviewers' names only for readers of the response's street."""
    found = (
        responses.select_related("street", "community", "grid_cell", "interviewer")
        .prefetch_related("answers__options")
        .order_by("answered_at", "id")
    )
    header = [_("Answered at"), _("Street"), _("Community"), _("Grid cell"), _("Interviewer")]
    header += [f"{q.order}. {q.text}" for q in questions]
    rows = []
    for response in found:
        given = {}
        for answer in response.answers.all():
            chosen = sorted(answer.options.all(), key=lambda o: (o.order, o.pk))
            given[answer.question_id] = "、".join(f"{o.key}.{o.text}" for o in chosen) if chosen else answer.text
        interviewer = str(response.interviewer) if response.interviewer and sees_interviewer(user, response) else ""
        rows.append(
            [
                timezone.localtime(response.answered_at).strftime("%Y-%m-%d %H:%M"),
                response.street.name,
                response.community.name,
                response.grid_cell.name,
                interviewer,
                *[given.get(q.pk, "") for q in questions],
            ]
        )
    title = _("%(round)s: answers (exported %(at)s)") % {
        "round": round_.title,
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    return table_response(filename=f"survey-{round_.pk}-answers.xlsx", title=title, header=header, rows=rows)
