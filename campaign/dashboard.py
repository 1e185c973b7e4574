"""The leaders' dashboard: what its page, its JSON, its Excel tables and the daily briefing show.

Everything comes from two sources, in a fixed number of queries whatever the number of findings:

- the daily roll-up (``inspections.rollup``: its ``DailySubtotal`` rows) for every measure over a period:
  on-time rate, rework, went overdue, closed, time to close, quality of closure, the charts and
  the rankings;
- live counts over open findings for "now": open, overdue (the ladder's one bound,
  ``inspections.ladder.overdue_by``), reported and closed today, the map's shading.

A leader sees their own scope (``visible_to(user, roles=LEADER_ROLES)``): the district, their
street or their community. Every number carries the link to the findings behind it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from campaign import scoring
from campaign.models import ActionLine, Campaign, CategoryLink, Score
from districts.models import Community, GridCell, Street, Unit
from inspections import ladder, rollup
from inspections.models import Category, DailySubtotal, Finding
from surveys import results as survey_results
from volunteers.stats import turnout

#: The leaders: the district's, a street's, a community's; each sees the dashboard of their scope.
LEADER_ROLES = (Role.LEADER, Role.STREET_LEADER, Role.COMMUNITY_LEADER)
RED_LIST_SIZE = 5
OPEN = [str(status) for status in Finding.OPEN_STATUSES]

#: Derived rates, each a quotient of two roll-up measures: (name, label, numerator, denominator, definition).
RATES = (
    (
        "on_time_rate",
        gettext_lazy("On-time rate"),
        "closed_in_time",
        "counted",
        gettext_lazy("按期整改率: closed in time, out of the findings to rectify reported in the period."),
    ),
    (
        "rework_rate",
        gettext_lazy("Rework rate"),
        "returned",
        "counted",
        gettext_lazy(
            "返工率: returned for rework at least once, out of the findings to rectify reported in the period."
        ),
    ),
    (
        "average_close",
        gettext_lazy("Average time to close"),
        "close_seconds",
        "closed",
        gettext_lazy("From the report to the verification, averaged over the findings closed in the period."),
    ),
)
LIVE = (
    (gettext_lazy("Open now"), gettext_lazy("Reported, dispatched, being rectified or awaiting verification.")),
    (
        gettext_lazy("Overdue now"),
        gettext_lazy("Open, and the deadline has come (the deadline ladder's one definition of overdue)."),
    ),
)


def can_view(user) -> bool:
    return user.is_superuser or user.has_role(*LEADER_ROLES)


def rate(part: int | None, whole: int | None) -> float | None:
    return round(part / whole, 4) if whole else None


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Filters:
    """What the page, the JSON and the exports are asked for."""

    start: date
    end: date
    campaign: Campaign | None = None
    street: Street | None = None

    def query(self, **extra) -> str:
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.street is not None:
            params["street"] = self.street.code
        if self.campaign is not None:
            params["campaign"] = str(self.campaign.pk)
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)


def behind(measure: str, filters: Filters, *, start: date | None = None, end: date | None = None, **place) -> str:
    """The link to the findings a roll-up measure counts (``inspections.rollup.findings_behind``)."""
    query = {"measure": measure, "from": (start or filters.start).isoformat(), "to": (end or filters.end).isoformat()}
    if filters.street is not None and "street" not in place and "community" not in place:
        query["street"] = filters.street.code
    query.update({k: v for k, v in place.items() if v})
    return f"{reverse('campaign:findings')}?{urlencode(query)}"


def live_list(filters: Filters, *, overdue: bool = False, **place) -> str:
    """The link to the findings list (``/findings/``) of what is open, or overdue, now."""
    query: list[tuple[str, str]] = [("overdue", "true")] if overdue else [("status", s) for s in OPEN]
    if filters.street is not None and "street" not in place and "community" not in place:
        query.append(("street", filters.street.code))
    query += [(k, v) for k, v in place.items() if v]
    return f"{reverse('inspections:findings')}?{urlencode(query)}"


@dataclass
class Ranked:
    """One street, community or unit of a ranking."""

    kind: str
    code: str
    name: str
    counted: int = 0
    closed_in_time: int = 0
    went_overdue: int = 0
    returned: int = 0
    previous_counted: int = 0
    previous_closed_in_time: int = 0
    overdue_now: int = 0
    open_now: int = 0
    score: Decimal | None = None
    #: 满意率 of the latest door-to-door survey round (``surveys.rates``).
    satisfaction: float | None = None
    rank: int = 0
    links: dict = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.closed_in_time, self.counted)

    @property
    def rework_rate(self) -> float | None:
        return rate(self.returned, self.counted)

    @property
    def previous_rate(self) -> float | None:
        return rate(self.previous_closed_in_time, self.previous_counted)

    @property
    def change(self) -> float | None:
        if self.on_time_rate is None or self.previous_rate is None:
            return None
        return round(self.on_time_rate - self.previous_rate, 4)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "rank": self.rank,
            "findings": self.counted,
            "on_time_rate": self.on_time_rate,
            "overdue": self.went_overdue,
            "overdue_now": self.overdue_now,
            "open_now": self.open_now,
            "rework_rate": self.rework_rate,
            "score": float(self.score) if self.score is not None else None,
            "satisfaction_rate": self.satisfaction,
            "previous_on_time_rate": self.previous_rate,
            "change": self.change,
        }


def _rank(rows: list[Ranked]) -> list[Ranked]:
    """Best first: on-time rate, then fewer overdue; places without findings last."""
    rows.sort(key=lambda r: (r.on_time_rate is None, -(r.on_time_rate or 0), r.went_overdue, r.code))
    for number, row in enumerate(rows, start=1):
        row.rank = number
    return rows


def red_list(rows: list[Ranked]) -> list[Ranked]:
    """The worst five: lowest on-time rate, then most overdue (places with findings only)."""
    rated = [r for r in rows if r.on_time_rate is not None]
    return sorted(rated, key=lambda r: (r.on_time_rate, -r.went_overdue, r.code))[:RED_LIST_SIZE]


def most_improved(rows: list[Ranked]) -> list[Ranked]:
    """The five whose on-time rate rose most since the previous period of the same length."""
    rising = [r for r in rows if r.change is not None and r.change > 0]
    return sorted(rising, key=lambda r: (-r.change, r.code))[:RED_LIST_SIZE]


def visible_streets(user):
    return Street.objects.visible_to(user, roles=LEADER_ROLES).order_by("code")


def campaigns_for(user):
    return Campaign.objects.filter(district__in=visible_districts(user)).order_by("-is_active", "-starts_on")


def visible_districts(user):
    from districts.models import District

    return District.objects.visible_to(user, roles=LEADER_ROLES)


def build(user, filters: Filters, *, now: datetime | None = None) -> dict:
    """Every number of the dashboard for ``user`` and ``filters``, in a fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start, end = filters.start, filters.end
    length = (end - start).days + 1
    previous_start = start - timedelta(days=length)
    week_from, month_from = end - timedelta(days=6), end - timedelta(days=29)

    counts = DailySubtotal.objects.visible_to(user, roles=LEADER_ROLES)
    findings = Finding.objects.visible_to(user, roles=LEADER_ROLES)
    streets = visible_streets(user)
    communities = Community.objects.visible_to(user, roles=LEADER_ROLES)
    cells = GridCell.objects.visible_to(user, roles=LEADER_ROLES)
    if filters.street is not None:
        counts = counts.filter(street=filters.street)
        findings = findings.filter(street=filters.street)
        streets = streets.filter(pk=filters.street.pk)
        communities = communities.filter(street=filters.street)
        cells = cells.filter(community__street=filters.street)
    counts = counts.order_by()
    by_place = counts.filter(grain=DailySubtotal.Grain.PLACE)

    # 1. One pass over the roll-up's place subtotals of the window (the period, the one before
    # it, the last 30 days), grouped by place but not by day: the totals, the on-time rates over
    # 7 and 30 days and the rankings all come from it.
    period = Q(day__gte=start, day__lte=end)
    window = by_place.filter(day__gte=min(previous_start, month_from), day__lte=end)
    group = ("street", "community", "responsible_unit")
    sums = {f"t_{c}": Sum(c, filter=period) for c in rollup.COLUMNS}
    sums.update(
        week_counted=Sum("counted", filter=Q(day__gte=week_from)),
        week_in_time=Sum("closed_in_time", filter=Q(day__gte=week_from)),
        month_counted=Sum("counted", filter=Q(day__gte=month_from)),
        month_in_time=Sum("closed_in_time", filter=Q(day__gte=month_from)),
        previous_counted=Sum("counted", filter=Q(day__gte=previous_start, day__lt=start)),
        previous_closed_in_time=Sum("closed_in_time", filter=Q(day__gte=previous_start, day__lt=start)),
    )
    rows = list(window.values(*group).annotate(**sums))
    names = [*(f"t_{c}" for c in rollup.COLUMNS), "week_counted", "week_in_time", "month_counted", "month_in_time"]
    totals = {name.removeprefix("t_"): sum(row[name] or 0 for row in rows) for name in names}

    ranked_columns = ("counted", "closed_in_time", "went_overdue", "returned")

    def grouped(column: str) -> dict:
        out: dict = defaultdict(lambda: defaultdict(int))
        for row in rows:
            if row[column] is None:
                continue
            into = out[row[column]]
            for name in ranked_columns:
                into[f"n_{name}"] += row[f"t_{name}"] or 0
            into["n_previous_counted"] += row["previous_counted"] or 0
            into["n_previous_closed_in_time"] += row["previous_closed_in_time"] or 0
        return out

    street_sums, community_sums, unit_sums = grouped("street"), grouped("community"), grouped("responsible_unit")

    # By source and by category over the period, each from its own subtotals.
    by_source: dict[str, int] = {
        row["source"]: row["n_reported"] or 0
        for row in counts.filter(period, grain=DailySubtotal.Grain.SOURCE)
        .values("source")
        .annotate(n_reported=Sum("reported"))
    }
    by_category = {
        row["category"]: row
        for row in counts.filter(period, grain=DailySubtotal.Grain.CATEGORY)
        .values("category")
        .annotate(n_reported=Sum("reported"), n_counted=Sum("counted"), n_closed_in_time=Sum("closed_in_time"))
        if row["n_reported"] or row["n_counted"]
    }

    # 2. Per day of the period.
    per_day = {
        row["day"]: row
        for row in by_place.filter(period)
        .values("day")
        .annotate(n_reported=Sum("reported"), n_closed=Sum("closed"), n_overdue=Sum("overdue"))
    }
    days = [start + timedelta(days=n) for n in range(length)]

    # 3. Live: reported and closed today, each from its own index (open and overdue: below).
    midnight = day_start(today)
    open_q = Q(status__in=Finding.OPEN_STATUSES)
    live = {
        "reported_today": findings.filter(reported_at__gte=midnight).count(),
        "closed_today": findings.filter(status=Finding.Status.CLOSED, closed_at__gte=midnight).count(),
    }

    # 4. The map and the "now" cards and columns: open and overdue findings per grid cell (one query).
    # Of open findings only, so "overdue" is the ladder's bound on the deadline alone; COUNT(*)
    # and these columns are all in ``insp_finding_open_place``, so no row is read from the table.
    per_cell = (
        findings.filter(open_q)
        .order_by()
        .values("grid_cell", "community", "street")
        .annotate(open=Count("*"), overdue=Count("deadline_at", filter=Q(deadline_at__lte=ladder.overdue_by(now))))
    )
    now_by = {"grid_cell": defaultdict(lambda: [0, 0]), "community": defaultdict(lambda: [0, 0])}
    now_by["street"] = defaultdict(lambda: [0, 0])
    live["open_now"] = live["overdue_now"] = 0
    for row in per_cell:
        live["open_now"] += row["open"]
        live["overdue_now"] += row["overdue"]
        for key in ("grid_cell", "community", "street"):
            if row[key] is not None:
                now_by[key][row[key]][0] += row["open"]
                now_by[key][row[key]][1] += row["overdue"]

    # 5. Places, names and outlines.
    street_rows = list(streets.values_list("pk", "code", "name", "boundary"))
    community_rows = list(communities.order_by("street__code", "code").values_list("pk", "code", "name", "street_id"))
    cell_rows = list(cells.order_by("code").values_list("pk", "code", "name", "boundary"))
    unit_ids = list(unit_sums)
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)} if unit_ids else {}
    categories = {c.pk: c for c in Category.objects.all()}

    # 6. The campaign: its action lines, its scores.
    campaign = filters.campaign
    lines, links, community_scores, history = [], {}, {}, []
    if campaign is not None:
        lines = list(ActionLine.objects.filter(campaign=campaign).select_related("lead_unit"))
        links = dict(CategoryLink.objects.filter(campaign=campaign).values_list("category_id", "action_line_id"))
        community_scores = scoring.latest_community_scores(
            campaign.pk, street_id=filters.street.pk if filters.street else None
        )
        scores = Score.objects.visible_to(user, roles=LEADER_ROLES).filter(campaign=campaign, community__isnull=True)
        if filters.street is not None:
            scores = scores.filter(street=filters.street)
        history = list(scores.order_by("on", "id").values_list("street_id", "on", "value"))

    street_names = {pk: name for pk, _code, name, _b in street_rows}
    street_codes = {pk: code for pk, code, _n, _b in street_rows}
    community_codes = {pk: code for pk, code, _n, _s in community_rows}
    visible_community_ids = set(community_codes)
    community_scores = {k: v for k, v in community_scores.items() if k in visible_community_ids}
    street_scores: dict[int, Decimal | None] = {}
    by_street_scores: dict[int, list[Decimal]] = defaultdict(list)
    for pk, _code, _name, street_id in community_rows:
        if pk in community_scores:
            by_street_scores[street_id].append(community_scores[pk])
    for street_id in street_names:
        street_scores[street_id] = scoring.mean(by_street_scores.get(street_id, []))

    def ranked(kind: str, pk: int, code: str, name: str, sums: dict, place: dict, score=None) -> Ranked:
        row = sums.get(pk, {})
        counts_now = now_by.get(kind, {}).get(pk, [0, 0]) if kind != "unit" else [0, 0]
        item = Ranked(
            kind=kind,
            code=code,
            name=name,
            counted=row.get("n_counted") or 0,
            closed_in_time=row.get("n_closed_in_time") or 0,
            went_overdue=row.get("n_went_overdue") or 0,
            returned=row.get("n_returned") or 0,
            previous_counted=row.get("n_previous_counted") or 0,
            previous_closed_in_time=row.get("n_previous_closed_in_time") or 0,
            open_now=counts_now[0],
            overdue_now=counts_now[1],
            score=score,
        )
        item.links = {
            "counted": behind("counted", filters, **place),
            "closed_in_time": behind("closed_in_time", filters, **place),
            "went_overdue": behind("went_overdue", filters, **place),
            "returned": behind("returned", filters, **place),
            "overdue_now": live_list(filters, overdue=True, **place),
            "open_now": live_list(filters, **place),
        }
        return item

    street_ranking = _rank(
        [
            ranked("street", pk, code, name, street_sums, {"street": code}, street_scores.get(pk))
            for pk, code, name, _b in street_rows
        ]
    )
    community_names = {pk: name for pk, _c, name, _s in community_rows}
    community_ranking = _rank(
        [
            ranked("community", pk, code, name, community_sums, {"community": code}, community_scores.get(pk))
            for pk, code, name, _s in community_rows
        ]
    )
    unit_ranking = _rank(
        [
            ranked("unit", pk, unit.code, unit.name, unit_sums, {"unit": unit.code})
            for pk, unit in sorted(units.items(), key=lambda item: item[1].code)
        ]
    )

    # The district's (or the street's) own score: the mean of its communities'.
    latest_score = scoring.mean(community_scores.values())

    category_rows = []
    for pk, row in sorted(by_category.items(), key=lambda item: -(item[1]["n_reported"] or 0)):
        category = categories.get(pk)
        if category is None:
            continue
        category_rows.append(
            {
                "code": category.code,
                "name": category.name,
                "reported": row["n_reported"] or 0,
                "on_time_rate": rate(row["n_closed_in_time"], row["n_counted"]),
                "link": behind("reported", filters, category=category.code),
            }
        )
    line_totals: dict[int | None, int] = defaultdict(int)
    for pk, row in by_category.items():
        line_totals[links.get(pk)] += row["n_reported"] or 0
    line_rows = [
        {
            "code": line.code,
            "name": line.name,
            "lead_unit": line.lead_unit.name if line.lead_unit else "",
            "reported": line_totals.get(line.pk, 0),
            "link": behind("reported", filters, action_line=line.code, campaign=str(campaign.pk)),
        }
        for line in lines
    ]
    source_labels = dict(Finding.Source.choices)
    source_rows = [
        {
            "code": value,
            "name": str(source_labels[value]),
            "reported": by_source.get(value, 0),
            "link": behind("reported", filters, source=value),
        }
        for value in Finding.Source.values
    ]

    # Volunteers this week (Monday to now) in the leader's communities.
    monday = today - timedelta(days=today.weekday())
    district_wide = filters.street is None and (user.is_superuser or user.has_role(Role.LEADER))
    volunteer = turnout(
        start=day_start(monday), end=now, communities=None if district_wide else sorted(visible_community_ids)
    )

    # The latest door-to-door survey of the campaign in the leader's places: a card and a column.
    survey = survey_results.latest(
        campaign_id=campaign.pk if campaign is not None else None,
        communities=None if district_wide else sorted(visible_community_ids),
    )
    if survey is not None:
        for rows_, by in ((street_ranking, survey["streets"]), (community_ranking, survey["communities"])):
            codes = street_codes if rows_ is street_ranking else community_codes
            pks = {code: pk for pk, code in codes.items()}
            for row in rows_:
                found = by.get(pks.get(row.code))
                row.satisfaction = found["satisfaction"].rate if found else None

    closed = totals["closed"]
    cards = {
        "open_now": {"value": live["open_now"], "link": live_list(filters)},
        "overdue_now": {"value": live["overdue_now"], "link": live_list(filters, overdue=True)},
        "reported_today": {
            "value": live["reported_today"],
            "link": behind("reported", filters, start=today, end=today),
        },
        "closed_today": {"value": live["closed_today"], "link": behind("closed", filters, start=today, end=today)},
        "on_time_7": {
            "value": rate(totals["week_in_time"], totals["week_counted"]),
            "part": totals["week_in_time"],
            "whole": totals["week_counted"],
            "link": behind("closed_in_time", filters, start=week_from, end=end),
        },
        "on_time_30": {
            "value": rate(totals["month_in_time"], totals["month_counted"]),
            "part": totals["month_in_time"],
            "whole": totals["month_counted"],
            "link": behind("closed_in_time", filters, start=month_from, end=end),
        },
        "average_close_hours": {
            "value": round(totals["close_seconds"] / closed / 3600, 1) if closed else None,
            "seconds": totals["close_seconds"] / closed if closed else None,
            "link": behind("closed", filters),
        },
        "closed_late": {"value": totals["closed_late"], "link": behind("closed_late", filters)},
        "score": {"value": float(latest_score) if latest_score is not None else None},
        "volunteer_person_times": {"value": volunteer.person_times, "hours": float(volunteer.hours)},
        "survey": {
            "value": survey["measures"]["satisfaction"].rate if survey else None,
            "awareness": survey["measures"]["awareness"].rate if survey else None,
            "support": survey["measures"]["support"].rate if survey else None,
            "answers": survey["measures"]["satisfaction"].answers if survey else 0,
            "round": survey["title"] if survey else None,
            "link": reverse("surveys:results", args=[survey["round_id"]]) if survey else None,
        },
    }
    quality = {
        "closed": {"value": closed, "link": behind("closed", filters)},
        "closed_fast": {"value": totals["closed_fast"], "link": behind("closed_fast", filters)},
        "closed_by_reporter": {"value": totals["closed_by_reporter"], "link": behind("closed_by_reporter", filters)},
    }
    series = {
        "days": [d.isoformat() for d in days],
        "reported": [(per_day.get(d) or {}).get("n_reported") or 0 for d in days],
        "closed": [(per_day.get(d) or {}).get("n_closed") or 0 for d in days],
        "overdue": [(per_day.get(d) or {}).get("n_overdue") or 0 for d in days],
    }
    score_trend: dict[str, list] = defaultdict(list)
    for street_id, on, value in history:
        if street_id in street_names:
            score_trend[street_names[street_id]].append([on.isoformat(), float(value)])

    return {
        "filters": filters,
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "now": now,
        "cards": cards,
        "quality": quality,
        "totals": totals,
        "series": series,
        "sources": source_rows,
        "categories": category_rows,
        "action_lines": line_rows,
        "streets": street_ranking,
        "communities": community_ranking,
        "units": unit_ranking,
        "red_list": {"streets": red_list(street_ranking), "communities": red_list(community_ranking)},
        "most_improved": {"streets": most_improved(street_ranking), "communities": most_improved(community_ranking)},
        "score_trend": dict(score_trend),
        "map": {
            "cells": [
                {
                    "code": code,
                    "name": name,
                    "boundary": boundary,
                    "open": now_by["grid_cell"].get(pk, [0, 0])[0],
                    "overdue": now_by["grid_cell"].get(pk, [0, 0])[1],
                }
                for pk, code, name, boundary in cell_rows
            ],
            "streets": [
                {"code": code, "name": name, "boundary": boundary}
                for _pk, code, name, boundary in street_rows
                if boundary
            ],
        },
        "street_codes": street_codes,
        "community_names": community_names,
    }


def as_json(data: dict) -> dict:
    """The dashboard as the API answers it (``GET /api/v1/dashboard/``)."""

    def ranked(rows):
        return [row.as_dict() for row in rows]

    cards = {key: {k: v for k, v in card.items() if k != "link"} for key, card in data["cards"].items()}
    return {
        "period": data["period"],
        "street": data["filters"].street.code if data["filters"].street else None,
        "campaign": data["filters"].campaign.pk if data["filters"].campaign else None,
        "cards": cards,
        "quality": {key: value["value"] for key, value in data["quality"].items()},
        "series": data["series"],
        "sources": [{k: v for k, v in row.items() if k != "link"} for row in data["sources"]],
        "categories": [{k: v for k, v in row.items() if k != "link"} for row in data["categories"]],
        "action_lines": [{k: v for k, v in row.items() if k != "link"} for row in data["action_lines"]],
        "streets": ranked(data["streets"]),
        "communities": ranked(data["communities"]),
        "units": ranked(data["units"]),
        "red_list": {k: ranked(v) for k, v in data["red_list"].items()},
        "most_improved": {k: ranked(v) for k, v in data["most_improved"].items()},
        "score_trend": data["score_trend"],
    }


def definitions() -> list[dict]:
    """口径说明: every measure's definition, from the code that computes it."""
    rows = [{"label": label, "definition": text, "dated_by": ""} for label, text in LIVE]
    rows += [
        {
            "label": measure.label,
            "definition": measure.definition,
            "dated_by": rollup.DATED_BY[measure.dated_by],
        }
        for measure in rollup.MEASURES
    ]
    labels = {m.name: m.label for m in rollup.MEASURES}
    rows += [
        {
            "label": label,
            "definition": f"{text} ({labels[top]} ÷ {labels[bottom]})",
            "dated_by": "",
        }
        for _name, label, top, bottom, text in RATES
    ]
    rows += [{"label": label, "definition": text, "dated_by": ""} for label, text in scoring.DEFINITIONS]
    rows.append(
        {
            "label": _("Red list and most improved"),
            "definition": _(
                "The red list: the five with the lowest on-time rate in the period (more overdue first when "
                "equal). Most improved: the five whose on-time rate rose most against the period of the same "
                "length just before."
            ),
            "dated_by": "",
        }
    )
    return rows
