"""Generated findings of the last 60 days in the demo district, with their histories."""

import bisect
import json
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from shapely import prepared
from shapely.geometry import Point, box, shape

from accounts.demo import demo_accounts
from accounts.models import Membership, Role
from districts import demo as geography
from districts.models import District, GridCell
from inspections import ladder
from inspections.demo.bulk import DAY, HOUR, MINUTE, SECOND, micros, moment, writer_for
from inspections.demo.categories import CATEGORIES
from inspections.demo.photos import demo_photos
from inspections.models import Category, DailySequence, Finding, FindingEvent

Status = Finding.Status
Source = Finding.Source
Kind = FindingEvent.Kind

WINDOW_DAYS = 60


def _cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


STATUSES = tuple(Status.values)
SOURCES = tuple(Source.values)
SOURCE_WEIGHTS = {
    Source.GRID_PATROL: 30,
    Source.SUPERVISION: 15,
    Source.HOTLINE: 15,
    Source.SNAPSHOT: 12,
    Source.CITIZEN_PATROL: 10,
    Source.SELF_INSPECTION: 10,
    Source.UNDERCOVER: 5,
}
# Status by age, as in a district that works: young findings are mostly still open; by the next
# day most are closed; of those older than three days hardly any is still open (and those few
# are overdue). Order as STATUSES: reported, dispatched, rectifying, submitted, closed, invalid,
# duplicate.
STATUS_WEIGHTS_BY_AGE = (
    (2 * HOUR, (4, 55, 30, 8, 1, 1, 1)),
    (DAY, (2, 12, 30, 20, 32, 2, 2)),
    (3 * DAY, (0.5, 1, 4, 3, 85, 4, 2.5)),
    (10 * DAY, (0.1, 0.2, 1.2, 0.5, 91, 4.6, 2.4)),
    (None, (0, 0.01, 0.04, 0.02, 93, 4.6, 2.4)),
)
#: The share of rectifications that take longer than the deadline (closed late, 超期办结).
LATE_SHARE = 0.06

STATUS_CUM_WEIGHTS = tuple((limit, _cumulative(weights)) for limit, weights in STATUS_WEIGHTS_BY_AGE)
SOURCE_CUM_WEIGHTS = _cumulative(SOURCE_WEIGHTS[s] for s in SOURCES)

ROADS = (
    "经四路", "经七路", "纬二路", "纬六路", "英雄山路", "舜耕路", "舜玉路", "二环南路", "阳光新路",
    "郎茂山路", "六里山路", "七贤路", "党杨路", "旅游路", "顺河街", "万寿路", "建设路", "玉函路",
)  # fmt: skip
SUBMIT_NOTES = ("已清理完毕", "已整改，现场恢复整洁", "已联系物业处理完毕", "已拆除", "已修复", "")
RETURN_REASONS = ("整改不彻底，现场仍有残留", "照片不清晰，请重新拍摄", "未按要求整改", "复查时问题反弹")
INVALID_REASONS = ("现场核实无此问题", "不属于创城问题范围", "信息不全，无法核实")
DECLINE_REASONS = ("不属于本社区辖区", "应由职能部门处理", "位置有误，请重新派遣")

# How a finding came in: located (routed and dispatched at once), address only and dispatched
# later by hand, or address only and still waiting.
ROUTED, MANUAL, UNROUTED = "routed", "manual", "unrouted"
WORKING = (Status.DISPATCHED, Status.RECTIFYING)  # the statuses the sweep reminds
LEVEL_PAYLOADS = {level: json.dumps({"level": level}) for level in (1, 2)}
ONE_PHOTO = json.dumps({"photos": 1})  # the submit events' payload: each brings its "after" photo


def seed_findings(
    *,
    count: int,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> int:
    """Add ``count`` findings of the last 60 days to the demo district, with their events.

    Every status, source, street and category gets findings (when ``count`` allows). Each
    finding's columns and events are those the workflow and the deadline sweep would have left:
    its steps with their actors (demo users where one holds the role, else None), then the
    sweep's rungs (late acknowledgement, reminder, overdue, escalated) dated when they fell
    due, so a sweep run right after has nothing to catch up. No notifications are written:
    the history is in the past. Needs the demo geography and categories. In one transaction:

    1. Draw the report times, sorted, so that codes count up with time within a day.
    2. Lock the district's DailySequence rows of the window (creating the missing ones), so a
       real report made meanwhile waits instead of taking a number given out here.
    3. In batches: number each finding after the day's last number, pick its place, status
       and history, and write findings and events in bulk.
    4. Store each day's last number in one pass, so real reports continue after them.

    Returns the number added. ``progress(done, count)`` is called after every batch.
    """
    if count <= 0:
        return 0
    now = now or timezone.now()
    district = District.objects.filter(code=geography.DISTRICT_CODE).first()
    if district is None:
        raise ValueError("The demo district does not exist: run seed_demo first.")
    with transaction.atomic():
        generator = _Generator(district=district, count=count, rng=random.Random(seed), now=now)
        writer = writer_for(count)
        try:
            done = 0
            while done < count:
                size = min(writer.batch_size, count - done)
                findings, events, photos = generator.batch(done, writer.allocate_ids(size))
                writer.write(findings, events, photos)
                done += size
                if progress:
                    progress(done, count)
        except BaseException:
            writer.close(failed=True)
            raise
        writer.close()
        generator.sequences.save()
    return count


@dataclass(frozen=True)
class _Cell:
    id: int
    code: str
    community_id: int
    community_code: str
    community_name: str
    street_id: int
    street_name: str
    bounds: tuple[float, float, float, float]  # west, south, east, north
    polygon: object | None  # a prepared shapely geometry, or None when the cell is its bounding box
    inside: tuple[float, float]  # a point surely inside (lat, lng)


class _Sequences:
    """The district's DailySequence rows of the window, locked; numbers are given out in memory."""

    def __init__(self, district: District, days: list[date]):
        DailySequence.objects.bulk_create(
            [DailySequence(district=district, day=d) for d in days], ignore_conflicts=True
        )
        rows = DailySequence.objects.select_for_update().filter(district=district, day__in=days)
        self.rows = {row.day: row for row in rows}
        self.initial = {day: row.value for day, row in self.rows.items()}

    def next(self, day: date) -> int:
        row = self.rows[day]
        row.value += 1
        return row.value

    def save(self) -> None:
        changed = [row for day, row in self.rows.items() if row.value != self.initial[day]]
        DailySequence.objects.bulk_update(changed, ["value"])


class _Generator:
    """Makes rows of findings and events; everything random comes from one seeded ``rng``."""

    def __init__(self, *, district: District, count: int, rng: random.Random, now: datetime):
        self.rng, self.district = rng, district
        self.now = micros(now)
        self.tz = timezone.get_current_timezone()
        self._load_places()
        self._load_categories()
        self.photo_files = demo_photos([c.code for c in self.categories])
        self._load_people()
        self._draw_times(count)
        self.sequences = _Sequences(district, self.days)
        # Per street, the latest findings a later one can duplicate (None: those without a street).
        self.recent: dict[int | None, deque] = {}
        last = (
            Finding.objects.filter(district=district)
            .exclude(status__in=[Status.DUPLICATE, Status.INVALID])
            .order_by("-reported_at", "-id")
            .values_list("id", "code")
            .first()
        )
        self.any_original = last
        self.payloads: dict = {}
        # The ladder's hours (``inspections.ladder``), in the generator's microseconds.
        self.remind_before = ladder.remind_before() // timedelta(microseconds=1)
        self.escalate_after = ladder.escalate_after() // timedelta(microseconds=1)
        self._force(count)

    # 1. What is there to draw from.

    def _load_places(self) -> None:
        cells = GridCell.objects.filter(community__street__district=self.district).select_related("community__street")
        self.cells = [self._cell(c) for c in cells.order_by("code")]
        if not self.cells:
            raise ValueError("The demo district has no grid cells: run seed_demo first.")
        self.cells_by_street: dict[int, list[_Cell]] = {}
        for cell in self.cells:
            self.cells_by_street.setdefault(cell.street_id, []).append(cell)
        self.streets = sorted(self.cells_by_street)

    @staticmethod
    def _cell(cell: GridCell) -> _Cell:
        area = shape(cell.boundary)
        bounds = (cell.min_lng, cell.min_lat, cell.max_lng, cell.max_lat)
        is_box = abs(box(*bounds).area - area.area) < 1e-12
        inside = area.representative_point()
        return _Cell(
            id=cell.pk,
            code=cell.code,
            community_id=cell.community_id,
            community_code=cell.community.code,
            community_name=cell.community.name,
            street_id=cell.community.street_id,
            street_name=cell.community.street.name,
            bounds=bounds,
            polygon=None if is_box else prepared.prep(area),
            inside=(round(inside.y, 6), round(inside.x, 6)),
        )

    def _load_categories(self) -> None:
        self.categories = list(Category.objects.filter(is_active=True).select_related("unit"))
        if not self.categories:
            raise ValueError("There is no active category: run seed_demo first.")
        demo = {c.code: c for c in CATEGORIES}
        self.category_weights = _cumulative(demo[c.code].weight if c.code in demo else 3 for c in self.categories)
        self.community_categories = [c for c in self.categories if c.unit_id is None]
        self.descriptions = {
            c.pk: (demo[c.code].descriptions if c.code in demo else ()) or (f"{c.name}问题，请及时整改",)
            for c in self.categories
        }

    def _load_people(self) -> None:
        """The demo users by the role and scope they hold (real users are never named as actors)."""
        usernames = [a.username for a in demo_accounts()]
        memberships = Membership.objects.filter(user__username__in=usernames, user__is_active=True).order_by("user_id")
        self.people: dict[tuple[str, int], int] = {}
        for m in memberships:
            if m.scope_id is not None:
                self.people.setdefault((m.role, m.scope_id), m.user_id)
        self.supervisor = self._person(Role.SUPERVISOR, self.district.pk)
        self.inspector = self._person(Role.INSPECTOR, self.district.pk)

    def _person(self, role: str, scope_id: int | None) -> int | None:
        return self.people.get((role, scope_id)) if scope_id is not None else None

    def _draw_times(self, count: int) -> None:
        """Report times in the last 60 days, mostly in the daytime, sorted; the local days they fall on."""
        rng, tz = self.rng, self.tz
        start, end = self.now - WINDOW_DAYS * DAY, self.now - 10 * MINUTE
        first = datetime.fromtimestamp(start / SECOND, tz).date()
        last = datetime.fromtimestamp(end / SECOND, tz).date()
        self.days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.midnights = [micros(datetime.combine(d, time(), tzinfo=tz)) for d in self.days]
        times = []
        while len(times) < count:
            midnight = self.midnights[rng.randrange(len(self.days))]
            # Most reports come in the daytime; the hotline and snapshots also at night.
            daytime = rng.random() < 0.85
            at = midnight + (rng.randrange(7 * HOUR, 20 * HOUR) if daytime else rng.randrange(DAY))
            if start <= at <= end:
                times.append(at)
        times.sort()
        self.times = times

    def _force(self, count: int) -> None:
        """Give every status, street, source and category at least one finding when there are enough."""
        wanted = [("status", s) for s in STATUSES] + [("category", c) for c in self.categories]
        wanted += [("street", s) for s in self.streets] + [("source", s) for s in SOURCES]
        self.forced: dict[int, dict[str, object]] = {}
        if count <= len(wanted):
            return
        # Distinct positions: a forced category never meets a forced status that would change it.
        # The open statuses go to findings of the last three days (the times are sorted), so that
        # forcing them does not leave old findings open where the district would have closed them.
        recent = [i for i in range(1, count) if self.now - self.times[i] < 3 * DAY]
        open_wanted = [("status", s) for s in Finding.OPEN_STATUSES]
        if len(recent) >= len(open_wanted):
            for position, (attribute, value) in zip(
                self.rng.sample(recent, len(open_wanted)), open_wanted, strict=True
            ):
                self.forced[position] = {attribute: value}
            wanted = [item for item in wanted if item not in open_wanted]
        free = [i for i in range(1, count) if i not in self.forced]
        for position, (attribute, value) in zip(self.rng.sample(free, len(wanted)), wanted, strict=True):
            self.forced.setdefault(position, {})[attribute] = value

    # 2. One batch.

    def batch(self, start: int, ids: list[int]) -> tuple[list[tuple], list[tuple], list[tuple]]:
        findings, events, photos = [], [], []
        for offset, finding_id in enumerate(ids):
            index = start + offset
            row, history, pictures = self._finding(finding_id, self.times[index], self.forced.get(index, {}))
            findings.append(row)
            events.extend(history)
            photos.extend(pictures)
        return findings, events, photos

    def _finding(self, finding_id: int, reported: int, forced: dict) -> tuple[tuple, list[tuple]]:
        rng = self.rng
        age = self.now - reported
        weights = next(w for limit, w in STATUS_CUM_WEIGHTS if limit is None or age < limit)
        status = forced.get("status") or rng.choices(STATUSES, cum_weights=weights)[0]
        category = forced.get("category") or rng.choices(self.categories, cum_weights=self.category_weights)[0]
        if forced.get("status") == Status.REPORTED and category.unit_id is not None and self.community_categories:
            category = rng.choice(self.community_categories)  # the forced one waits unrouted, see below
        source = forced.get("source") or rng.choices(SOURCES, cum_weights=SOURCE_CUM_WEIGHTS)[0]
        street = forced.get("street")
        cell = rng.choice(self.cells_by_street[street] if street else self.cells)
        by_unit = category.unit_id is not None

        # 1. How it came in. A unit's category is always routed: the workflow dispatches it to
        # the unit at once, located or not.
        if by_unit:
            intake = ROUTED
        elif status == Status.REPORTED:
            intake = UNROUTED if "status" in forced or rng.random() < 0.6 else rng.choice((ROUTED, MANUAL))
        elif status in (Status.INVALID, Status.DUPLICATE) and rng.random() < 0.25:
            intake = UNROUTED
        else:
            intake = MANUAL if rng.random() < 0.07 else ROUTED
        street_id = cell.street_id if intake != UNROUTED else None
        original = self._original(street_id) if status == Status.DUPLICATE else None
        if status == Status.DUPLICATE and original is None:
            status = Status.INVALID

        # 2. Its history as (offset from the report, kind, from, to, actor, note, payload).
        reporter = self._reporter(source, cell, intake)
        rectifier = (
            self._person(Role.UNIT_STAFF, category.unit_id)
            if by_unit
            else self._person(Role.COMMUNITY_WORKER, cell.community_id)
            or (self._person(Role.GRID_WORKER, cell.id) if intake == ROUTED else None)
        )
        checker = self._person(Role.STREET_STAFF, street_id) if street_id else self.supervisor
        if checker is not None and checker == reporter and rng.random() < 0.95:
            # A street's own report is mostly verified by the supervision team: one who checks
            # their own report is what the dashboard's quality of closure looks for, and rare.
            checker = self.supervisor
        assignee = self._json(
            ("unit", category.unit_id) if by_unit else (cell.id, intake),
            lambda: (
                {"unit": category.unit.code}
                if by_unit
                else {"community": cell.community_code, "grid": cell.code if intake == ROUTED else None}
            ),
        )
        history = [[0, Kind.REPORTED, "", "", reporter, "", self._json(source, lambda: {"source": source})]]

        def step(delay: int, kind: str, to: str, actor: int | None, note: str = "", payload: str = "{}"):
            previous = history[-1]
            history.append([previous[0] + delay, kind, previous[3] or Status.REPORTED, to, actor, note, payload])

        ack_minutes = category.ack_minutes * MINUTE
        hours = category.deadline_hours * HOUR
        late = rng.random() < LATE_SHARE

        def ack() -> int:
            # Nine in ten are acknowledged in time.
            if rng.random() < 0.9:
                return rng.randrange(2 * MINUTE, ack_minutes)
            return rng.randrange(ack_minutes, ack_minutes + 6 * HOUR)

        def rectify() -> int:
            return rng.randrange(hours, 3 * hours) if late else rng.randrange(30 * MINUTE, hours * 4 // 10)

        def review() -> int:
            return rng.randrange(10 * MINUTE, 4 * HOUR)

        if intake == ROUTED:
            step(rng.randrange(5 * SECOND, 3 * MINUTE), Kind.DISPATCHED, Status.DISPATCHED, None, payload=assignee)
        elif intake == MANUAL:
            # Only a supervision team member of the district reaches a finding with no street yet.
            delay = rng.randrange(10 * MINUTE, 4 * HOUR)
            step(delay, Kind.DISPATCHED, Status.DISPATCHED, self.supervisor, payload=assignee)
        returns = 0
        if status == Status.REPORTED and intake != UNROUTED:
            if rng.random() < 0.4:
                step(ack(), Kind.ACKNOWLEDGED, Status.RECTIFYING, rectifier)
            step(review(), Kind.DECLINED, Status.REPORTED, rectifier, rng.choice(DECLINE_REASONS), assignee)
        elif status in (Status.RECTIFYING, Status.SUBMITTED, Status.CLOSED):
            step(ack(), Kind.ACKNOWLEDGED, Status.RECTIFYING, rectifier)
            if status == Status.CLOSED:
                returns = rng.choices((0, 1, 2), weights=(88, 10, 2))[0]
            else:
                returns = 1 if rng.random() < 0.12 else 0
            for _ in range(returns):
                step(rectify(), Kind.SUBMITTED, Status.SUBMITTED, rectifier, rng.choice(SUBMIT_NOTES), ONE_PHOTO)
                step(review(), Kind.RETURNED, Status.RECTIFYING, checker, rng.choice(RETURN_REASONS))
            if status != Status.RECTIFYING:
                step(rectify(), Kind.SUBMITTED, Status.SUBMITTED, rectifier, rng.choice(SUBMIT_NOTES), ONE_PHOTO)
            if status == Status.CLOSED:
                step(review(), Kind.VERIFIED, Status.CLOSED, checker, rng.choice(("", "复查合格")))
        elif status in (Status.INVALID, Status.DUPLICATE):
            if intake != UNROUTED and rng.random() < 0.4:
                step(ack(), Kind.ACKNOWLEDGED, Status.RECTIFYING, rectifier)
            if status == Status.INVALID:
                step(review(), Kind.MARKED_INVALID, Status.INVALID, checker, rng.choice(INVALID_REASONS))
            else:
                original_code = json.dumps({"original": original[1]})
                step(review(), Kind.MARKED_DUPLICATE, Status.DUPLICATE, checker, "", original_code)

        # 3. Everything happened before now: a history too long for the time since the report
        # is squeezed into it (kept in order, at least a microsecond apart).
        room = self.now - MINUTE - reported
        if history[-1][0] > room:
            factor = room / history[-1][0] * rng.uniform(0.5, 0.95)
            for i in range(1, len(history)):
                history[i][0] = max(int(history[i][0] * factor), history[i - 1][0] + 1)

        # 4. The finding's columns, as the workflow leaves them after these steps.
        dispatched_at = acknowledged_at = submitted_at = closed_at = None
        unit_id = person_id = None
        for offset, kind, _from, _to, actor, _note, _payload in history:
            at = reported + offset
            if kind == Kind.DISPATCHED:
                dispatched_at, unit_id = at, category.unit_id
            elif kind == Kind.ACKNOWLEDGED:
                acknowledged_at, person_id = at, actor
            elif kind == Kind.SUBMITTED:
                submitted_at = at
            elif kind == Kind.RETURNED:
                submitted_at = None
            elif kind == Kind.DECLINED:
                acknowledged_at = unit_id = person_id = None
            elif kind in (Kind.VERIFIED, Kind.MARKED_INVALID, Kind.MARKED_DUPLICATE):
                closed_at = at

        ladder, level, ack_deadline, ack_late, reminded = self._ladder(
            history, reported=reported, deadline=reported + hours, ack_window=ack_minutes
        )

        day = self.days[bisect.bisect_right(self.midnights, reported) - 1]
        code = f"{self.district.code}-{day:%Y%m%d}-{self.sequences.next(day):04d}"
        if intake == ROUTED:
            lat, lng = self._point(cell)
        else:
            lat = lng = None
        place = f"{rng.choice(ROADS)}{rng.randrange(1, 200)}号"
        address = (
            f"{cell.street_name}{place}" if intake == UNROUTED else f"{cell.street_name}{cell.community_name} {place}"
        )
        row = (
            finding_id,
            code,
            source,
            category.pk,
            rng.choice(self.descriptions[category.pk]),
            address,
            lat,
            lng,
            cell.id if intake == ROUTED else None,
            cell.community_id if intake != UNROUTED else None,
            street_id,
            self.district.pk,
            unit_id,
            person_id,
            str(status),
            reported,
            dispatched_at,
            acknowledged_at,
            submitted_at,
            closed_at,
            reported + hours,
            level,
            ack_deadline,
            reminded,
            ack_late,
            reported + hours if level else None,  # overdue_at: the sweep dates it at the deadline
            returns,
            f"12345-{code}" if source == Source.HOTLINE else "",
            original[0] if original else None,
            reporter,
        )
        if status not in (Status.DUPLICATE, Status.INVALID):
            self.recent.setdefault(street_id, deque(maxlen=20)).append((finding_id, code))
            self.any_original = (finding_id, code)
        events = [
            (finding_id, actor, str(kind), str(old), str(new), note, reported + offset, payload)
            for offset, kind, old, new, actor, note, payload in history
        ]
        if ladder:
            events += [(finding_id, None, str(kind), "", "", "", at, payload) for at, kind, payload in ladder]
            events.sort(key=lambda event: event[6])  # stable: a step keeps its place before a rung of its moment
        # 5. The photos: the one taken when it was reported, and the "after" one of the last submission.
        before = self.photo_files[(category.code, "before")]
        photos = [
            (finding_id, "before", before.image, before.thumbnail, before.width, before.height, reporter, reported)
        ]
        submissions = [(offset, actor) for offset, kind, _old, _new, actor, *_ in history if kind == Kind.SUBMITTED]
        if submissions and status in (Status.SUBMITTED, Status.CLOSED):
            offset, actor = submissions[-1]
            after = self.photo_files[(category.code, "after")]
            photos.append(
                (finding_id, "after", after.image, after.thumbnail, after.width, after.height, actor, reported + offset)
            )
        return row, events, photos

    def _ladder(self, history: list, *, reported: int, deadline: int, ack_window: int) -> tuple:
        """What the deadline sweep (``inspections.deadlines``) would have written by now.

        Its rungs depend on the status at given moments: acknowledgement late (still
        dispatched at ``ack_deadline_at``), the reminder (first moment within
        DEADLINE_REMIND_BEFORE of the deadline when it is being worked on), overdue (open at
        the deadline: level 1), escalated (open DEADLINE_ESCALATE_AFTER later: level 2).
        Returns (events as (at, kind, payload)), level, ack_deadline_at, ack_late_at, reminded_at.
        """
        changes = [(reported + offset, to) for offset, _kind, _old, to, *_ in history if to]

        def status_at(when: int) -> str:
            status = Status.REPORTED
            for at, to in changes:
                if at > when:
                    break
                status = to
            return status

        now, events = self.now, []
        level, ack_deadline, ack_late, reminded = 0, None, None, None
        dispatches = [reported + offset for offset, kind, *_ in history if kind == Kind.DISPATCHED]
        if dispatches:
            ack_deadline = dispatches[-1] + ack_window
            if ack_deadline <= now and status_at(ack_deadline) == Status.DISPATCHED:
                ack_late = ack_deadline
                events.append((ack_deadline, Kind.ACK_LATE, "{}"))
        start = deadline - self.remind_before
        for when in [start] + [at for at, _to in changes if start < at]:
            if when >= deadline or when > now:
                break
            if status_at(when) in WORKING:
                reminded = when
                events.append((when, Kind.REMINDED, json.dumps({"deadline": moment(deadline).isoformat()})))
                break
        if deadline <= now and status_at(deadline) in Finding.OPEN_STATUSES:
            level = 1
            events.append((deadline, Kind.OVERDUE, LEVEL_PAYLOADS[1]))
            escalate = deadline + self.escalate_after
            if escalate <= now and status_at(escalate) in Finding.OPEN_STATUSES:
                level = 2
                events.append((escalate, Kind.ESCALATED, LEVEL_PAYLOADS[2]))
        return events, level, ack_deadline, ack_late, reminded

    def _json(self, key, payload: Callable[[], dict]) -> str:
        """An event's payload as JSON text, made once per distinct payload (most repeat)."""
        text = self.payloads.get(key)
        if text is None:
            text = self.payloads[key] = json.dumps(payload(), ensure_ascii=False)
        return text

    def _original(self, street_id: int | None) -> tuple[int, str] | None:
        """An earlier finding of the same street (else any earlier one) for a duplicate to point at."""
        recent = self.recent.get(street_id)
        return self.rng.choice(recent) if recent else self.any_original

    def _reporter(self, source: str, cell: _Cell, intake: str) -> int | None:
        """Who reports from each source: the hotline and citizens' snapshots come in without a user."""
        if source in (Source.HOTLINE, Source.SNAPSHOT):
            return None
        if source in (Source.SUPERVISION, Source.CITIZEN_PATROL):
            return self.supervisor
        if source == Source.UNDERCOVER:
            return self.inspector
        # Patrols and self-inspection: the people of the place. Grid and community workers
        # report only located problems in their own cells; street staff may report anything.
        found = None
        if intake == ROUTED:
            if source == Source.GRID_PATROL:
                found = self._person(Role.GRID_WORKER, cell.id)
            found = found or self._person(Role.COMMUNITY_WORKER, cell.community_id)
        return found or self._person(Role.STREET_STAFF, cell.street_id)

    def _point(self, cell: _Cell) -> tuple[float, float]:
        """A random point inside the cell (lat, lng), off its edges."""
        west, south, east, north = cell.bounds
        dx, dy = (east - west) * 0.05, (north - south) * 0.05
        for _ in range(20):
            lng = round(self.rng.uniform(west + dx, east - dx), 6)
            lat = round(self.rng.uniform(south + dy, north - dy), 6)
            if cell.polygon is None or cell.polygon.contains(Point(lng, lat)):
                return lat, lng
        return cell.inside
