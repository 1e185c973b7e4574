"""The one definition of the survey's rates (知晓率, 支持率, 满意率), and the queries that count them.

- An **answer** counts towards a measure when its question carries that measure (text questions
  carry none).
- An answer is **positive** when every option it chose is positive: no chosen option is a
  non-positive one (a choice question is always answered with at least one option).
- A measure's **rate** = positive answers / answers, over the responses asked about.

Every count here is one aggregate query over ``Answer``, grouped as the caller needs.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from surveys.models import Answer, Measure

MEASURES = tuple(Measure.values)


@dataclass
class Tally:
    """Answers and positive answers of one measure (or one question)."""

    answers: int = 0
    positive: int = 0

    @property
    def rate(self) -> float | None:
        return round(self.positive / self.answers, 4) if self.answers else None

    def add(self, other: "Tally") -> None:
        self.answers += other.answers
        self.positive += other.positive

    def as_dict(self) -> dict:
        return {"rate": self.rate, "answers": self.answers, "positive": self.positive}


def positive() -> Q:
    """The condition on an answer that makes it positive."""
    from surveys.models import Option

    negative = Answer.options.through.objects.filter(
        answer_id=OuterRef("pk"), option_id__in=Option.objects.filter(positive=False).values("pk")
    )
    return ~Q(Exists(negative))


def counted(responses: QuerySet) -> QuerySet:
    """The answers of ``responses`` that feed a measure."""
    return Answer.objects.filter(response__in=responses.values("pk"), question__measure__isnull=False).order_by()


def tallies(responses: QuerySet, *by: str) -> list[dict]:
    """Rows of ``by`` (e.g. ``response__community``) with ``measure``, ``answers`` and ``positive``."""
    return list(
        counted(responses)
        .values(*by, measure_=F("question__measure"))
        .annotate(answers=Count("pk"), positive=Count("pk", filter=positive()))
    )


def empty() -> dict[str, Tally]:
    return {measure: Tally() for measure in MEASURES}


def by_measure(responses: QuerySet) -> dict[str, Tally]:
    """{measure: Tally} over ``responses``, in one query."""
    out = empty()
    for row in tallies(responses):
        out[row["measure_"]].add(Tally(row["answers"], row["positive"]))
    return out


def by_measure_and(responses: QuerySet, key: str) -> dict[object, dict[str, Tally]]:
    """{value of ``key``: {measure: Tally}} over ``responses``, in one query."""
    out: dict[object, dict[str, Tally]] = {}
    for row in tallies(responses, key):
        out.setdefault(row[key], empty())[row["measure_"]].add(Tally(row["answers"], row["positive"]))
    return out


def by_question(responses: QuerySet) -> dict[int, Tally]:
    """{question id: Tally} of the questions that feed a measure, in one query."""
    rows = counted(responses).values("question").annotate(answers=Count("pk"), positive=Count("pk", filter=positive()))
    return {row["question"]: Tally(row["answers"], row["positive"]) for row in rows}


DEFINITIONS = (
    _("An answer counts towards a measure when its question carries that measure; text questions carry none."),
    _("An answer is positive when every option it chose is a positive one."),
    _("Rate = positive answers ÷ answers; coverage = responses ÷ target households."),
)
