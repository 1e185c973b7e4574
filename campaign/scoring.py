"""Assessment scores (测评得分): one definition, used by the rounds, the dashboard and the 口径说明 page.

- A round's score is the weighted pass rate of its applicable items: the weights of the items
  that passed over the weights of those that passed or failed, as a percentage. An item marked
  not applicable leaves the denominator.
- A community's score is that of its latest closed round (by the round's date).
- A street's score is the mean of its communities' scores (those that have one).

Each closing of a round writes the community's new score and its street's, dated by the
round: the rows of one place are its history (``campaign.models.Score``).
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from campaign.models import InspectionRound, Mark, Score

Result = Mark.Result

#: Shown on the 口径说明 page, beside the measures of the findings.
DEFINITIONS = (
    (
        _("Round score"),
        _(
            "The weighted pass rate of the items the round marked: the weights of the items that "
            "passed, divided by the weights of those that passed or failed, as a percentage. Items "
            "marked “not applicable” are left out of both."
        ),
    ),
    (_("Community score"), _("The score of the community's latest closed round.")),
    (_("Street score"), _("The mean of the scores of the street's communities that have been assessed.")),
)

HUNDREDTH = Decimal("0.01")


def weighted_pass_rate(marks: Iterable[tuple[str, Decimal]]) -> Decimal | None:
    """The score of ``(result, weight)`` pairs, 0–100 with two decimals; None when nothing applies."""
    passed = applicable = Decimal("0")
    for result, weight in marks:
        if result == Result.PASS:
            passed += weight
            applicable += weight
        elif result == Result.FAIL:
            applicable += weight
    if not applicable:
        return None
    return (passed * 100 / applicable).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def round_score(round_: InspectionRound) -> Decimal | None:
    return weighted_pass_rate(round_.marks.values_list("result", "item__weight"))


def mean(values: Iterable[Decimal]) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return (sum(values) / len(values)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def latest_community_scores(campaign_id: int, *, street_id: int | None = None, on=None) -> dict[int, Decimal]:
    """Community id → its score (its latest closed round's), as of ``on`` (None: now)."""
    rounds = InspectionRound.objects.filter(
        campaign_id=campaign_id, state=InspectionRound.State.CLOSED, score__isnull=False
    )
    if street_id is not None:
        rounds = rounds.filter(community__street_id=street_id)
    if on is not None:
        rounds = rounds.filter(on__lte=on)
    latest: dict[int, Decimal] = {}
    # Oldest first, so the latest round of each community is the one left standing.
    for community_id, score in rounds.order_by("on", "closed_at", "id").values_list("community_id", "score"):
        latest[community_id] = score
    return latest


def record_scores(round_: InspectionRound) -> None:
    """Write the community's score from this (closed) round and its street's new mean (in the caller's transaction)."""
    community = round_.community
    if round_.score is not None:
        Score.objects.create(
            campaign_id=round_.campaign_id,
            street_id=community.street_id,
            community=community,
            round=round_,
            on=round_.on,
            value=round_.score,
        )
    street_score = mean(
        latest_community_scores(round_.campaign_id, street_id=community.street_id, on=round_.on).values()
    )
    if street_score is not None:
        Score.objects.create(
            campaign_id=round_.campaign_id, street_id=community.street_id, on=round_.on, value=street_score
        )
