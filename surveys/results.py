"""What a round's results pages, API and Excel files show, for one reader's scope.

Rates come from ``surveys.rates`` alone. Everything is read in a fixed number of queries,
whatever the number of responses: the measures, the responses and targets per community, the
questions' shares, and the trend over the campaign's rounds.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Sum

from districts.models import Community, Street
from surveys import rates
from surveys.models import Response, RoundCommunity, SurveyRound
from surveys.permissions import READ_ROLES

#: How many of the weakest questions the results name.
LOWEST = 5


def responses_for(user, round_: SurveyRound | None = None):
    """The responses ``user`` may count (their scope), of ``round_`` when given."""
    found = Response.objects.visible_to(user, roles=READ_ROLES)
    return found.filter(round=round_) if round_ is not None else found


def communities_for(user, round_: SurveyRound):
    """The round's communities in ``user``'s scope."""
    return (
        Community.objects.visible_to(user, roles=READ_ROLES)
        .filter(pk__in=RoundCommunity.objects.filter(round=round_).values("community_id"))
        .select_related("street")
        .order_by("code")
    )


def streets_for(user, round_: SurveyRound):
    return (
        Street.objects.visible_to(user, roles=READ_ROLES)
        .filter(pk__in=RoundCommunity.objects.filter(round=round_).values("community__street_id"))
        .order_by("code")
    )


@dataclass
class Place:
    """One community (or street) of the results."""

    code: str
    name: str
    responses: int = 0
    target: int = 0
    measures: dict = field(default_factory=rates.empty)

    @property
    def coverage(self) -> float | None:
        return round(self.responses / self.target, 4) if self.target else None


def summary(user, round_: SurveyRound, *, community: Community | None = None, street: Street | None = None) -> dict:
    """The API's answer: measures, responses, target (in the reader's scope, narrowed by the filters)."""
    responses = responses_for(user, round_)
    places = RoundCommunity.objects.filter(round=round_, community__in=communities_for(user, round_).values("pk"))
    if community is not None:
        responses, places = responses.filter(community=community), places.filter(community=community)
    if street is not None:
        responses, places = responses.filter(street=street), places.filter(community__street=street)
    measures = rates.by_measure(responses)
    return {
        "measures": {name: tally.as_dict() for name, tally in measures.items()},
        "responses": responses.count(),
        "target": places.aggregate(n=Sum("target_households"))["n"] or 0,
    }


def build(user, round_: SurveyRound, *, community: Community | None = None, street: Street | None = None) -> dict:
    """Everything the results page shows."""
    responses = responses_for(user, round_)
    communities = communities_for(user, round_)
    if community is not None:
        responses, communities = responses.filter(community=community), communities.filter(pk=community.pk)
    if street is not None:
        responses, communities = responses.filter(street=street), communities.filter(street=street)
    targets = dict(
        RoundCommunity.objects.filter(round=round_, community__in=communities.values("pk")).values_list(
            "community_id", "target_households"
        )
    )
    counts = dict(responses.order_by().values("community").annotate(n=Count("pk")).values_list("community", "n"))
    tallies = rates.by_measure_and(responses, "response__community")
    rows, by_street = [], {}
    total = Place(code="", name="")
    for c in communities:
        row = Place(
            code=c.code,
            name=c.name,
            responses=counts.get(c.pk, 0),
            target=targets.get(c.pk, 0),
            measures=tallies.get(c.pk, rates.empty()),
        )
        row.street = c.street
        rows.append(row)
        into = by_street.setdefault(c.street_id, Place(code=c.street.code, name=c.street.name))
        for place in (into, total):
            place.responses += row.responses
            place.target += row.target
            for name, tally in row.measures.items():
                place.measures[name].add(tally)
    shares = rates.by_question(responses)
    questions = {q.pk: q for q in round_.questionnaire.questions.filter(measure__isnull=False)}
    lowest = sorted(
        ((questions[pk], tally) for pk, tally in shares.items() if pk in questions and tally.answers),
        key=lambda item: (item[1].rate, item[0].order),
    )[:LOWEST]
    return {
        "round": round_,
        "total": total,
        "communities": rows,
        "streets": sorted(by_street.values(), key=lambda p: p.code),
        "lowest": lowest,
        "trend": trend(user, round_, community=community, street=street),
        "measures": rates.MEASURES,
    }


def trend(user, round_: SurveyRound, *, community=None, street=None) -> list[dict]:
    """The measures of each round of the same campaign, oldest first, in the same scope and place."""
    rounds = list(
        SurveyRound.objects.visible_to(user)
        .filter(questionnaire__campaign_id=round_.questionnaire.campaign_id, starts_on__lte=round_.starts_on)
        .order_by("starts_on", "id")[:12]
    )
    responses = responses_for(user).filter(round__in=[r.pk for r in rounds])
    if community is not None:
        responses = responses.filter(community=community)
    if street is not None:
        responses = responses.filter(street=street)
    tallies = rates.by_measure_and(responses, "response__round")
    return [{"round": r, "measures": tallies.get(r.pk, rates.empty())} for r in rounds]


def latest(*, campaign_id: int | None, communities=None) -> dict | None:
    """The dashboard's card and columns: the latest round of the campaign with responses in the
    reader's scope (``communities``: ids to narrow to), its measures and satisfaction per place.

    Three queries. None when there is no such round.
    """
    if campaign_id is None:
        return None
    found = Response.objects.filter(round__questionnaire__campaign_id=campaign_id)
    if communities is not None:
        found = found.filter(community__in=communities)
    first = found.order_by("-round__ends_on", "-round_id").values_list("round_id", "round__title").first()
    if first is None:
        return None
    round_id, title = first
    responses = found.filter(round_id=round_id)
    by_community = rates.by_measure_and(responses, "response__community")
    by_street_ids = dict(Community.objects.filter(pk__in=list(by_community)).values_list("pk", "street_id"))
    total, streets = rates.empty(), {}
    for community_id, measures in by_community.items():
        into = streets.setdefault(by_street_ids[community_id], rates.empty())
        for name, tally in measures.items():
            total[name].add(tally)
            into[name].add(tally)
    return {"round_id": round_id, "title": title, "measures": total, "communities": by_community, "streets": streets}
