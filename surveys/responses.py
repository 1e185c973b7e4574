"""Recording a household visit: ``record_response`` checks everything, then saves it whole.

A response is identified by the id its phone made (``client_id``): sending it again, because the
answer to the first attempt was lost, finds the one already saved and changes nothing. Two
attempts at the same moment meet at the unique constraint on (round, client id): one inserts, the
other finds it.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import GridCell
from surveys import permissions, service
from surveys.models import Answer, Question, Response, SurveyRound
from web.errors import Forbidden, Invalid

#: A phone's clock may run a little ahead.
CLOCK_SKEW = timedelta(minutes=10)
MAX_TEXT = 2000


class AnswersInvalid(Invalid):
    """Several answers are wrong; ``messages`` says which, one message each."""

    def __init__(self, messages: list[str]):
        super().__init__(messages[0], field="answers")
        self.messages = messages


@dataclass(frozen=True)
class Given:
    question: Question
    option_ids: list[int]
    text: str


def _check_answers(round_: SurveyRound, answers) -> list[Given]:
    """The answers as rows to write, or ``AnswersInvalid`` with every problem."""
    if not isinstance(answers, dict):
        raise AnswersInvalid([_("Give the answers as an object: question id → option keys or text.")])
    questions = {
        str(q.pk): q for q in round_.questionnaire.questions.prefetch_related("options").order_by("order", "id")
    }
    errors: list[str] = []
    given: list[Given] = []
    for key in answers:
        if str(key) not in questions:
            errors.append(_("Question %(id)s is not in this questionnaire.") % {"id": str(key)[:20]})
    for key, question in questions.items():
        value = answers.get(key)
        number = question.order
        if question.kind == Question.Kind.TEXT:
            if value is None or value == "":
                if question.required:
                    errors.append(_("Question %(number)s needs an answer.") % {"number": number})
                continue
            if not isinstance(value, str):
                errors.append(_("Question %(number)s is answered with text.") % {"number": number})
                continue
            if len(value) > MAX_TEXT or "\x00" in value:
                errors.append(
                    _("The answer to question %(number)s is longer than %(max)s characters.")
                    % {"number": number, "max": MAX_TEXT}
                )
                continue
            given.append(Given(question, [], value.strip()))
            continue
        if value is None or value == []:
            if question.required:
                errors.append(_("Question %(number)s needs an answer.") % {"number": number})
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors.append(_("Question %(number)s is answered with a list of option keys.") % {"number": number})
            continue
        options = {o.key: o.pk for o in question.options.all()}
        unknown = [v for v in value if v not in options]
        if unknown:
            errors.append(_("Question %(number)s has no option %(key)s.") % {"number": number, "key": unknown[0][:20]})
            continue
        if len(set(value)) != len(value):
            errors.append(_("Question %(number)s names an option twice.") % {"number": number})
            continue
        if question.kind == Question.Kind.SINGLE and len(value) != 1:
            errors.append(_("Question %(number)s takes one option.") % {"number": number})
            continue
        given.append(Given(question, [options[v] for v in value], ""))
    if errors:
        raise AnswersInvalid(errors)
    return given


def record_response(
    *,
    actor,
    round_: SurveyRound,
    client_id: uuid.UUID,
    grid: str,
    answers,
    answered_at: datetime | None = None,
) -> tuple[Response, bool]:
    """Save one household visit; returns (response, created). A client id already received answers
    the response saved then (created False) and changes nothing.

    1. The actor's role must allow interviewing (``Forbidden``).
    2. A response with this client id in this round: returned as it is.
    3. The time lies in the round's period and not in the future; the cell is one of the round's
       communities' and one the actor works in; every answer fits its question (``Invalid``).
    4. The response, its answers and chosen options are written in one transaction, with the
       interviewer's volunteer service (``surveys.service``).
    """
    if not permissions.may_answer(actor):
        raise Forbidden(_("Questionnaires are filled in by volunteers, community workers and grid workers."))
    existing = Response.objects.filter(round=round_, client_id=client_id).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    answered_at = answered_at or now
    if answered_at > now + CLOCK_SKEW:
        raise Invalid(_("The time of the visit is in the future."), field="answered_at")
    if not round_.is_open_on(timezone.localdate(answered_at)):
        raise Invalid(
            _("This round runs from %(start)s to %(end)s.") % {"start": round_.starts_on, "end": round_.ends_on},
            field="answered_at",
        )
    cell = (
        GridCell.objects.filter(code=grid, community__in=round_.communities.all())
        .select_related("community__street")
        .first()
    )
    if cell is None:
        raise Invalid(_("This grid cell is not in the round's communities."), field="grid")
    if not permissions.answerable_cells(actor, round_).filter(pk=cell.pk).exists():
        raise Invalid(_("This grid cell is outside the communities you interview in."), field="grid")
    given = _check_answers(round_, answers)
    with transaction.atomic():
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    round=round_,
                    client_id=client_id,
                    grid_cell=cell,
                    community=cell.community,
                    street=cell.community.street,
                    interviewer=actor,
                    answered_at=answered_at,
                    created_at=now,
                )
        except IntegrityError:
            # The same response, sent again while the first attempt was being saved.
            return Response.objects.get(round=round_, client_id=client_id), False
        rows = Answer.objects.bulk_create([Answer(response=response, question=g.question, text=g.text) for g in given])
        through = Answer.options.through
        through.objects.bulk_create(
            [
                through(answer_id=row.pk, option_id=option)
                for row, g in zip(rows, given, strict=True)
                for option in g.option_ids
            ]
        )
        service.count_service(response, actor=actor)
    return response, True
