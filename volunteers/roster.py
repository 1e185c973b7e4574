"""The duty roster generator and swaps.

A rule says "unit U sends N people each weekday to community C (or spread over the communities it
is registered with) from A to B; at weekends everyone available". ``generate_roster`` fills a
period with duty days (activities with ``rule`` set) and their confirmed sign-ups:

1. Read everything it needs in a fixed number of queries, whatever the number of people and
   days: the unit's people, the hours each has served (attendance) and is already down for
   (future duty days), their leave, their other sign-ups in the period, and the duty days of
   this rule already made (a second run tops them up rather than making them twice).
2. Walk the days. A weekday needs N people (spread over the communities, the remainder rotating
   so that no community is always short); each place goes to the available person with the
   fewest hours (served plus planned so far), then the fewest duty days, then the lowest id.
   Available: the day is one of their days of the week, they are not on leave, nothing they
   signed up for overlaps the shift, and they are not already on duty that day. At weekends
   everyone available is on duty, spread over the communities.
3. Write the new days and sign-ups with two bulk INSERTs; report exactly the weekday places that
   could not be filled, and tell the unit's staff of them (and each person of their days)
   through the outbox, in the same transaction.

For people with the same days, the same leave and the same hours at the start, "fewest hours
first" keeps their hours within one shift of each other: whenever one is chosen over the other,
the chosen one had no more hours.
"""

import hashlib
import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role
from accounts.visibility import holders, holds
from districts.models import Community
from notifications.services import Message, notify_bulk
from volunteers.models import Activity, Attendance, DutyRule, Leave, Registration, SignUp, Volunteer
from web.errors import Conflict, Forbidden, Invalid

#: The longest period one generation fills.
MAX_DAYS = 93
#: Sign-ups that take a place on a duty day (and keep the person from a second one that day).
ON_DUTY = (SignUp.Status.PENDING, SignUp.Status.CONFIRMED, SignUp.Status.ATTENDED, SignUp.Status.NO_SHOW)


@dataclass(frozen=True)
class Gap:
    """A weekday where the quota could not be met: ``needed`` places, ``assigned`` filled."""

    day: date
    community: Community
    needed: int
    assigned: int

    @property
    def missing(self) -> int:
        return self.needed - self.assigned


@dataclass
class RosterResult:
    rule: DutyRule
    start: date
    end: date
    days_created: int = 0
    assigned: int = 0
    gaps: list[Gap] = field(default_factory=list)


def can_manage_rule(user, rule: DutyRule) -> bool:
    return holds(user, [Role.UNIT_STAFF], rule)


def rule_communities(rule: DutyRule) -> list[Community]:
    """The rule's community, or every community its unit is registered with (approved), by code."""
    registered = Registration.objects.approved().filter(kind=Registration.Kind.UNIT, unit_id=rule.unit_id)
    communities = Community.objects.filter(pk__in=registered.values("community_id")).order_by("code")
    if rule.community_id:
        communities = communities.filter(pk=rule.community_id)
    return list(communities)


def _aware(day: date, at) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())


def _shift_hours(rule: DutyRule) -> Decimal:
    start, end = datetime.combine(date.min, rule.shift_start), datetime.combine(date.min, rule.shift_end)
    return Decimal((end - start).total_seconds()) / Decimal(3600)


def _split(total: int, parts: int, offset: int) -> list[int]:
    """``total`` places over ``parts`` communities; the remainder goes to a rotating few."""
    base, extra = divmod(total, parts)
    return [base + (1 if (j - offset) % parts < extra else 0) for j in range(parts)]


class _People:
    """The unit's people with what the walk over the days needs, read in a fixed number of queries."""

    def __init__(self, rule: DutyRule, start: date, end: date, now: datetime):
        first, last = _aware(start, rule.shift_start), _aware(end, rule.shift_end)
        rows = list(Volunteer.objects.filter(unit_id=rule.unit_id, is_active=True).values_list("pk", "availability"))
        self.ids = [pk for pk, _days in rows]
        self.days = dict(rows)
        unit_people = Volunteer.objects.filter(unit_id=rule.unit_id, is_active=True).values("pk")
        # Hours served, and hours already planned on duty days to come.
        self.load: dict[int, Decimal] = defaultdict(Decimal)
        served = (
            Attendance.objects.filter(volunteer__in=unit_people).values("volunteer_id").annotate(total=Sum("hours"))
        )
        for row in served:
            self.load[row["volunteer_id"]] += row["total"] or Decimal(0)
        planned = SignUp.objects.filter(
            volunteer__in=unit_people,
            status__in=(SignUp.Status.CONFIRMED, SignUp.Status.PENDING),
            activity__rule__isnull=False,
            activity__starts_at__gt=now,
        ).values_list("volunteer_id", "activity__starts_at", "activity__ends_at")
        for pk, starts_at, ends_at in planned:
            self.load[pk] += Decimal((ends_at - starts_at).total_seconds()) / Decimal(3600)
        self.shifts: dict[int, int] = defaultdict(int)
        # Leave, as (person, day).
        self.away: set[tuple[int, date]] = set()
        leaves = Leave.objects.filter(volunteer__in=unit_people, starts_on__lte=end, ends_on__gte=start)
        for pk, begin, finish in leaves.values_list("volunteer_id", "starts_on", "ends_on"):
            day = max(begin, start)
            while day <= min(finish, end):
                self.away.add((pk, day))
                day += timedelta(days=1)
        # Other commitments in the period (not this rule's own days), by person and local day.
        self.busy: dict[tuple[int, date], list[tuple[datetime, datetime]]] = defaultdict(list)
        other = (
            SignUp.objects.holding()
            .filter(volunteer__in=unit_people, activity__starts_at__lt=last, activity__ends_at__gt=first)
            .filter(activity__cancelled_at__isnull=True)
            .exclude(activity__rule=rule)
            .values_list("volunteer_id", "activity__starts_at", "activity__ends_at")
        )
        for pk, starts_at, ends_at in other:
            day = timezone.localdate(starts_at)
            while day <= timezone.localdate(ends_at):
                self.busy[(pk, day)].append((starts_at, ends_at))
                day += timedelta(days=1)

    def free(self, pk: int, day: date, starts_at: datetime, ends_at: datetime) -> bool:
        if not self.days[pk] & (1 << day.weekday()) or (pk, day) in self.away:
            return False
        return not any(s < ends_at and e > starts_at for s, e in self.busy.get((pk, day), ()))

    def order(self, pks) -> list[int]:
        return sorted(pks, key=lambda pk: (self.load[pk], self.shifts[pk], pk))

    def take(self, pk: int, hours: Decimal) -> None:
        self.load[pk] += hours
        self.shifts[pk] += 1


def generate_roster(*, actor, rule: DutyRule, start: date, end: date, now: datetime | None = None) -> RosterResult:
    """Fill ``start`` … ``end`` (within the rule's dates; days whose shift has begun by ``now`` are
    left as they are) fairly, report the gaps exactly, and tell the organisers and the people."""
    if not can_manage_rule(actor, rule):
        raise Forbidden(_("Only the unit's staff make its duty roster."))
    if start is None or end is None or end < start:
        raise Invalid(_("Give the first and the last day of the period."), field="start")
    start, end = max(start, rule.starts_on), min(end, rule.ends_on)
    if end < start:
        raise Invalid(_("The period lies outside the rule's dates."), field="start")
    if (end - start).days >= MAX_DAYS:
        raise Invalid(_("At most %(days)s days at a time.") % {"days": MAX_DAYS}, field="end")
    now = now or timezone.now()
    with transaction.atomic():
        # Two organisers generating at once take turns: the second tops up what the first made.
        rule = DutyRule.objects.select_for_update().select_related("unit").get(pk=rule.pk)
        communities = rule_communities(rule)
        if not communities:
            raise Conflict(_("The unit is not registered with this community (or with any): register first."))
        result = RosterResult(rule=rule, start=start, end=end)
        people = _People(rule, start, end, now)
        hours = _shift_hours(rule)

        # This rule's days already made in the period, and who is on them.
        made = {
            (timezone.localdate(a.starts_at), a.community_id): a
            for a in Activity.objects.filter(
                rule=rule, starts_at__gte=_aware(start, rule.shift_start), starts_at__lte=_aware(end, rule.shift_start)
            )
        }
        key_of = {activity.pk: key for key, activity in made.items()}
        on_day: dict[tuple[date, int], set[int]] = defaultdict(set)
        # Someone taken off a day (cancelled by the organiser) is not put back on it.
        taken_off: dict[date, set[int]] = defaultdict(set)
        for activity_id, pk, status in SignUp.objects.filter(activity__in=list(key_of)).values_list(
            "activity_id", "volunteer_id", "status"
        ):
            if status in ON_DUTY:
                on_day[key_of[activity_id]].add(pk)
            else:
                taken_off[key_of[activity_id][0]].add(pk)

        new_days: list[Activity] = []
        new_people: dict[tuple[date, int], list[int]] = {}
        grown: list[Activity] = []
        weekday_index = 0
        day = start
        while day <= end:
            starts_at, ends_at = _aware(day, rule.shift_start), _aware(day, rule.shift_end)
            weekend = day.weekday() >= 5
            if starts_at <= now or (weekend and not rule.weekends_everyone):
                day += timedelta(days=1)
                weekday_index += 0 if weekend else 1
                continue
            busy_today = set().union(taken_off[day], *(on_day[(day, c.pk)] for c in communities))
            free = [pk for pk in people.ids if pk not in busy_today and people.free(pk, day, starts_at, ends_at)]
            chosen: dict[int, list[int]] = {c.pk: [] for c in communities}
            needs = _split(rule.per_weekday, len(communities), weekday_index)
            # One order for the day: a person's load changes only when they are chosen, and nobody
            # is chosen twice in a day, so those still free keep their places in it.
            ordered = people.order(free)
            if weekend:
                # Everyone available, each to the community with the fewest people that day so far.
                sizes = [(len(on_day[(day, c.pk)]), c.code, index) for index, c in enumerate(communities)]
                heapq.heapify(sizes)
                for pk in ordered:
                    size, code, index = heapq.heappop(sizes)
                    chosen[communities[index].pk].append(pk)
                    people.take(pk, hours)
                    heapq.heappush(sizes, (size + 1, code, index))
            else:
                taken = 0
                for index, community in enumerate(communities):
                    existing = made.get((day, community.pk))
                    need = needs[index] = existing.capacity if existing else needs[index]
                    wanted = max(need - len(on_day[(day, community.pk)]), 0)
                    for pk in ordered[taken : taken + wanted]:
                        chosen[community.pk].append(pk)
                        people.take(pk, hours)
                    taken += len(chosen[community.pk])
                    assigned = len(on_day[(day, community.pk)]) + len(chosen[community.pk])
                    if assigned < need:
                        result.gaps.append(Gap(day=day, community=community, needed=need, assigned=assigned))
                weekday_index += 1
            for community, need in zip(communities, needs, strict=True):
                picked = chosen[community.pk]
                existing = made.get((day, community.pk))
                if existing is None and (picked or not weekend):
                    # A weekday's places are its quota; a weekend's, everyone available that day.
                    capacity = len(picked) if weekend else need
                    new_days.append(_duty_day(rule, community, day, starts_at, ends_at, capacity, actor))
                    new_people[(day, community.pk)] = picked
                elif existing is not None and picked:
                    new_people[(day, community.pk)] = picked
                    if weekend:
                        existing.capacity = len(on_day[(day, community.pk)]) + len(picked)
                        grown.append(existing)
            day += timedelta(days=1)

        Activity.objects.bulk_create(new_days, batch_size=1000)
        Activity.objects.bulk_update(grown, ["capacity"], batch_size=1000)
        for activity in new_days:
            made[(timezone.localdate(activity.starts_at), activity.community_id)] = activity
        placed = [(made[key], pk) for key, picked in new_people.items() for pk in picked]
        _write_sign_ups([(activity.pk, pk) for activity, pk in placed], now)
        result.days_created, result.assigned = len(new_days), len(placed)
        _tell(rule, result, placed)
    return result


def _write_sign_ups(pairs: list[tuple[int, int]], now: datetime) -> None:
    """The new duty sign-ups (activity, person), confirmed, in one statement on PostgreSQL.

    A month for thousands of people is tens of thousands of rows: ``INSERT ... SELECT FROM unnest``
    of two arrays spares building a model instance for each (bench/README.md, "Duty roster").
    """
    if not pairs:
        return
    if connection.vendor != "postgresql":
        SignUp.objects.bulk_create(
            [
                SignUp(
                    activity_id=activity,
                    volunteer_id=pk,
                    status=SignUp.Status.CONFIRMED,
                    source=SignUp.Source.ROSTER,
                    created_at=now,
                    confirmed_at=now,
                )
                for activity, pk in pairs
            ],
            batch_size=2000,
        )
        return
    table = SignUp._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (activity_id, volunteer_id, status, source, created_at, confirmed_at) "  # noqa: S608
            "SELECT a, v, %s, %s, %s, %s FROM unnest(%s::bigint[], %s::bigint[]) AS t(a, v)",
            [
                SignUp.Status.CONFIRMED,
                SignUp.Source.ROSTER,
                now,
                now,
                [activity for activity, _pk in pairs],
                [pk for _activity, pk in pairs],
            ],
        )


def _duty_day(rule, community, day, starts_at, ends_at, capacity, actor) -> Activity:
    # A stored title, in the portal's language whatever the language of the person generating.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("%(unit)s duty day") % {"unit": rule.unit.name}
    return Activity(
        community=community,
        title=title,
        kind=Activity.Kind.DUTY,
        starts_at=starts_at,
        ends_at=ends_at,
        place=rule.place or community.name,
        capacity=max(capacity, 1),
        eligibility=Activity.Eligibility.UNIT,
        eligible_unit=rule.unit,
        organiser=actor,
        organiser_unit=rule.unit,
        rule=rule,
    )


def _tell(rule: DutyRule, result: RosterResult, placed: list[tuple[Activity, int]]) -> None:
    """The unfilled days to the unit's staff; each person their new duty days."""
    messages = []
    link = reverse("volunteers:roster")
    if result.gaps:
        lines = [
            _("%(day)s %(community)s: %(assigned)s of %(needed)s")
            % {
                "day": gap.day.isoformat(),
                "community": gap.community.name,
                "assigned": gap.assigned,
                "needed": gap.needed,
            }
            for gap in result.gaps
        ]
        digest = hashlib.sha1("\n".join(lines).encode(), usedforsecurity=False).hexdigest()[:16]
        subject = ngettext(
            "Duty roster: %(count)s weekday is short of people",
            "Duty roster: %(count)s weekdays are short of people",
            len(result.gaps),
        ) % {"count": len(result.gaps)}
        for user in holders(rule, [Role.UNIT_STAFF]):
            messages.append(
                Message(
                    recipient=user,
                    subject=subject,
                    body="\n".join(lines),
                    link=link,
                    key=f"vol-gaps:{rule.pk}:{digest}",
                )
            )
    days: dict[int, list[datetime]] = defaultdict(list)
    for activity, pk in placed:
        days[pk].append(activity.starts_at)
    users = {v.pk: v.user for v in Volunteer.objects.filter(pk__in=days, user__is_active=True).select_related("user")}
    for pk, starts in days.items():
        if pk in users:
            text = ", ".join(timezone.localtime(s).strftime("%m-%d %H:%M") for s in sorted(starts))
            messages.append(
                Message(
                    recipient=users[pk],
                    subject=ngettext("You are on duty %(count)s day", "You are on duty %(count)s days", len(starts))
                    % {"count": len(starts)},
                    body=text,
                    link=reverse("volunteers:home"),
                )
            )
    notify_bulk(messages)
