"""The demo categories and the generated findings (``inspections.demo``, ``seed_demo --findings``)."""

import json
from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import seed_demo_users
from accounts.models import User
from districts.demo import STREETS, community_code, seed_demo_geography
from districts.models import District, GridCell, Street
from inspections import deadlines, intake
from inspections.demo import CATEGORIES, bulk, seed_categories, seed_findings
from inspections.demo import findings as findings_module
from inspections.models import Category, DailySequence, Finding, FindingEvent, FindingPhoto, FindingQuerySet

pytestmark = pytest.mark.django_db

Status = Finding.Status
Kind = FindingEvent.Kind
PASSWORD = "demo-pass-2020"
SWEEP_KINDS = {Kind.REMINDED, Kind.ACK_LATE, Kind.OVERDUE, Kind.ESCALATED}
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _pinned_time():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def demo(db):
    """The demo geography, people and categories that findings are generated over (the command's
    other content, the campaign, volunteers and surveys, plays no part in them)."""
    seed_demo_geography()
    seed_demo_users(password=PASSWORD)
    seed_categories()
    return District.objects.get(code="370103")


@pytest.fixture
def seeded(demo):
    seed_findings(count=300, seed=7)
    return Finding.objects.select_related("category").prefetch_related("events")


def history(finding: Finding) -> list[FindingEvent]:
    return sorted(finding.events.all(), key=lambda e: (e.at, e.pk))


def number(code: str) -> int:
    return int(code.rsplit("-", 1)[1])


# --- categories ------------------------------------------------------------------------------


def test_seed_categories_makes_the_common_campaign_categories(db):
    seed_demo_geography()
    seed_categories()
    names = set(Category.objects.values_list("name", flat=True))
    assert {
        "暴露垃圾",
        "非法小广告",
        "乱停乱放",
        "占道经营",
        "公益广告缺损",
        "设施损坏",
        "楼道堆物",
        "违规张贴",
    } <= names
    road = Category.objects.get(code="road-occupation")
    assert (road.responsible, road.unit.code, road.unit.name) == (Category.Responsible.UNIT, "CGJ", "区城管局")
    assert Category.objects.get(code="broken-facility").deadline_hours == 48
    assert Category.objects.get(code="exposed-garbage").deadline_hours == 24
    assert set(Category.objects.values_list("ack_minutes", flat=True)) == {60}


def test_seed_categories_twice_creates_and_changes_nothing(db):
    seed_demo_geography()
    seed_categories()
    before = list(Category.objects.order_by("code").values())
    seed_categories()
    assert list(Category.objects.order_by("code").values()) == before
    assert len(before) == len(CATEGORIES)


def test_seed_categories_restores_an_edited_deadline_but_not_a_retirement(db):
    seed_demo_geography()
    seed_categories()
    Category.objects.filter(code="illegal-ads").update(deadline_hours=5, is_active=False)
    seed_categories()
    ads = Category.objects.get(code="illegal-ads")
    assert (ads.deadline_hours, ads.is_active) == (24, False)


# --- what is generated ---------------------------------------------------------------------


def test_seeding_adds_exactly_the_count_asked_for(seeded):
    assert seeded.count() == 300


def test_every_status_source_street_and_category_gets_findings(seeded):
    assert set(seeded.values_list("status", flat=True)) == set(Status.values)
    assert set(seeded.values_list("source", flat=True)) == set(Finding.Source.values)
    assert set(seeded.values_list("street__name", flat=True)) >= {f"{s.name}街道" for s in STREETS}
    assert set(seeded.values_list("category__code", flat=True)) == {c.code for c in CATEGORIES}


def test_most_findings_are_closed_and_some_are_open(seeded):
    statuses = Counter(seeded.values_list("status", flat=True))
    assert statuses[Status.CLOSED] > 300 * 8 // 10
    assert sum(statuses[s] for s in Finding.OPEN_STATUSES) >= 4  # every open status, at least


def test_the_demo_tells_of_a_district_that_works(db, demo):
    # Most closed on time, a few overdue, and those recent: not a map of red.
    seed_findings(count=2000, seed=3)
    findings = Finding.objects.all()
    closed = findings.filter(status=Status.CLOSED)
    on_time = closed.filter(FindingQuerySet.closed_in_time_condition()).count()
    assert on_time >= 0.85 * closed.count()
    overdue = findings.overdue()
    assert 0 < overdue.count() <= 0.02 * findings.count()
    assert overdue.filter(deadline_at__gte=timezone.now() - timedelta(days=10)).count() >= 0.8 * overdue.count()


def test_every_finding_has_its_before_photo_and_the_rectified_ones_their_after_photo(seeded):
    from django.core.files.storage import default_storage

    for finding in seeded.prefetch_related("photos"):
        stages = sorted(photo.stage for photo in finding.photos.all())
        expected = ["after", "before"] if finding.status in (Status.SUBMITTED, Status.CLOSED) else ["before"]
        assert stages == expected, (finding.code, finding.status)
    photo = FindingPhoto.objects.filter(stage="after").first()
    assert default_storage.exists(photo.image.name) and default_storage.exists(photo.thumbnail.name)
    assert (photo.width, photo.height) == (640, 480)
    # One file per category and stage, shared: the seed stays cheap at a million findings.
    assert FindingPhoto.objects.values("image").distinct().count() <= 2 * Category.objects.count()


def test_located_findings_lie_in_their_cell_with_its_community_and_street(seeded):
    located = seeded.filter(grid_cell__isnull=False).select_related("grid_cell__community")
    assert located.count() > 250
    for finding in located:
        cell = finding.grid_cell
        assert cell.min_lat < finding.lat < cell.max_lat and cell.min_lng < finding.lng < cell.max_lng
        assert (finding.community_id, finding.street_id) == (cell.community_id, cell.community.street_id)
        assert finding.district.code == "370103"


def test_a_few_findings_wait_for_dispatch_with_only_an_address(seeded):
    waiting = seeded.filter(status=Status.REPORTED, community__isnull=True)
    assert waiting.exists()
    for finding in waiting:
        assert finding.address and finding.lat is None and finding.street is None
        assert [e.kind for e in history(finding) if e.kind not in SWEEP_KINDS] == [Kind.REPORTED]


def test_findings_of_a_unit_category_are_the_units(seeded):
    for finding in seeded.filter(category__code="road-occupation").exclude(status=Status.REPORTED):
        assert finding.responsible_unit.code == "CGJ"


def test_reports_fall_in_the_last_sixty_days_and_every_time_is_in_order(seeded):
    now = timezone.now()
    for f in seeded:
        assert now - timedelta(days=60) <= f.reported_at < now
        assert f.deadline_at == f.reported_at + timedelta(hours=f.category.deadline_hours)
        steps = [f.reported_at, f.dispatched_at, f.acknowledged_at, f.submitted_at, f.closed_at]
        present = [t for t in steps if t is not None]
        assert present == sorted(present) and len(set(present)) == len(present), f.code
        assert all(t < now for t in present)
        if f.status in (Status.RECTIFYING, Status.SUBMITTED, Status.CLOSED):
            assert f.reported_at < f.dispatched_at <= f.acknowledged_at
        if f.status in (Status.SUBMITTED, Status.CLOSED):
            assert f.acknowledged_at < f.submitted_at
        if f.status == Status.CLOSED:
            assert f.submitted_at < f.closed_at


def test_some_closed_late_and_open_old_ones_are_overdue(seeded):
    closed = seeded.filter(status=Status.CLOSED)
    assert any(f.closed_at > f.deadline_at for f in closed)
    assert any(f.closed_at <= f.deadline_at for f in closed)
    assert seeded.overdue().exists()


def test_event_statuses_chain_from_reported_to_the_findings_status(seeded):
    for finding in seeded:
        events = history(finding)
        assert events[0].kind == Kind.REPORTED and events[0].at == finding.reported_at
        assert events[0].actor_id == finding.reporter_id
        status = Status.REPORTED
        for event in events[1:]:
            if event.kind in SWEEP_KINDS:
                # The deadline sweep's rungs change no status.
                assert (event.from_status, event.to_status, event.actor) == ("", "", None)
                continue
            assert event.from_status == status, (finding.code, event.kind)
            status = event.to_status
        assert status == finding.status, finding.code


def test_old_open_findings_are_overdue_and_escalated_as_the_sweep_leaves_them(seeded):
    old = seeded.filter(status__in=Finding.OPEN_STATUSES, deadline_at__lt=timezone.now() - timedelta(days=1))
    assert old.exists()
    for finding in old:
        rungs = {e.kind: e for e in history(finding) if e.kind in (Kind.OVERDUE, Kind.ESCALATED)}
        assert finding.escalation_level == 2 and finding.overdue_at == finding.deadline_at
        assert rungs[Kind.OVERDUE].at == finding.deadline_at and rungs[Kind.OVERDUE].payload == {"level": 1}
        assert rungs[Kind.ESCALATED].at == finding.deadline_at + timedelta(hours=24)


def test_findings_closed_late_were_overdue_and_those_closed_in_time_were_not(seeded):
    for finding in seeded.filter(status=Status.CLOSED):
        overdue = [e for e in history(finding) if e.kind == Kind.OVERDUE]
        if finding.closed_at > finding.deadline_at:
            assert finding.escalation_level >= 1 and [e.at for e in overdue] == [finding.deadline_at]
            assert finding.overdue_at == finding.deadline_at
        else:
            assert finding.escalation_level == 0 and not overdue and finding.overdue_at is None


def test_late_acknowledgements_are_marked_like_the_sweep_does(seeded):
    marked = seeded.filter(ack_late_at__isnull=False)
    assert marked.exists()
    for finding in seeded.filter(dispatched_at__isnull=False):
        assert finding.ack_deadline_at == finding.dispatched_at + timedelta(minutes=finding.category.ack_minutes)
        late = [e.at for e in history(finding) if e.kind == Kind.ACK_LATE]
        assert late == ([finding.ack_late_at] if finding.ack_late_at else [])
        if finding.ack_late_at and finding.acknowledged_at:
            assert finding.acknowledged_at > finding.ack_late_at


def test_a_deadline_sweep_right_after_seeding_has_nothing_left_to_do(demo):
    now = timezone.now()
    seed_findings(count=300, seed=7, now=now)
    result = deadlines.sweep(now=now)
    assert (result.reminded, result.ack_late, result.overdue, result.escalated) == ([], [], [], [])


def test_every_closed_finding_was_submitted_then_verified_to_closed(seeded):
    for finding in seeded.filter(status=Status.CLOSED):
        *_, submitted, verified = [e for e in history(finding) if e.kind not in SWEEP_KINDS]
        assert (submitted.kind, verified.kind, verified.to_status) == (Kind.SUBMITTED, Kind.VERIFIED, Status.CLOSED)
        assert (submitted.at, verified.at) == (finding.submitted_at, finding.closed_at)


def test_return_count_is_the_number_of_returned_events_and_some_were_returned(seeded):
    for finding in seeded:
        assert finding.return_count == sum(e.kind == Kind.RETURNED for e in history(finding))
    assert seeded.filter(status=Status.CLOSED, return_count__gt=0).exists()


def test_invalid_and_duplicate_findings_carry_their_closing_event(seeded):
    for finding in seeded.filter(status__in=[Status.INVALID, Status.DUPLICATE]):
        last = history(finding)[-1]
        assert (
            last.kind == {Status.INVALID: Kind.MARKED_INVALID, Status.DUPLICATE: Kind.MARKED_DUPLICATE}[finding.status]
        )
        assert last.at == finding.closed_at
    for duplicate in seeded.filter(status=Status.DUPLICATE).select_related("duplicate_of"):
        assert duplicate.duplicate_of.status != Status.DUPLICATE
        assert duplicate.duplicate_of.reported_at <= duplicate.reported_at
        assert history(duplicate)[-1].payload == {"original": duplicate.duplicate_of.code}


def test_routed_findings_are_dispatched_by_the_system_with_the_assignee(seeded):
    for finding in seeded.filter(grid_cell__isnull=False).exclude(status=Status.REPORTED):
        dispatched = next(e for e in history(finding) if e.kind == Kind.DISPATCHED)
        assert dispatched.actor is None
        if finding.responsible_unit_id:
            assert dispatched.payload == {"unit": finding.responsible_unit.code}
        else:
            assert dispatched.payload == {"community": finding.community.code, "grid": finding.grid_cell.code}


def test_the_acknowledging_demo_worker_is_responsible(seeded):
    worker = User.objects.get(username="community-qimingli")
    theirs = seeded.filter(
        community__code=community_code("启明里"),
        responsible_unit__isnull=True,
        status__in=[Status.RECTIFYING, Status.SUBMITTED, Status.CLOSED],
    )
    assert theirs.exists()
    assert set(theirs.values_list("responsible_person", flat=True)) == {worker.pk}
    for finding in seeded.filter(acknowledged_at__isnull=False):
        acknowledged = [e for e in history(finding) if e.kind == Kind.ACKNOWLEDGED][-1]
        assert finding.responsible_person_id == acknowledged.actor_id


def test_checks_are_made_by_the_streets_staff_and_the_street_rarely_checks_its_own_report(seeded):
    staff = User.objects.get(username="street-ganshiqiao")
    supervisor = User.objects.get(username="supervisor")
    street = Street.objects.get(name="杆石桥街道")
    verified = FindingEvent.objects.filter(kind=Kind.VERIFIED, finding__street=street)
    assert verified.exists()
    # The supervision team verifies what the street's staff reported themselves (nearly always).
    assert set(verified.values_list("actor", flat=True)) <= {staff.pk, supervisor.pk}
    for event in verified.select_related("finding"):
        if event.actor_id == supervisor.pk:
            assert event.finding.reporter_id == staff.pk
    own = verified.filter(actor=staff, finding__reporter=staff).count()
    assert own <= 0.1 * verified.filter(finding__reporter=staff).count() + 1


def test_hotline_findings_carry_a_ticket_number(seeded):
    for finding in seeded.filter(source=Finding.Source.HOTLINE):
        assert finding.external_ref == f"12345-{finding.code}"
        assert history(finding)[0].actor is None


# --- numbering -----------------------------------------------------------------------------


def test_codes_are_unique_and_continue_each_days_sequence(demo):
    day = timezone.localdate() - timedelta(days=3)
    DailySequence.objects.create(district=demo, day=day, value=41)  # numbers given to real reports that day

    seed_findings(count=300, seed=7)

    codes = list(Finding.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 300
    by_day: dict[str, list[int]] = {}
    for code in codes:
        district, stamp, _ = code.split("-")
        assert district == "370103"
        by_day.setdefault(stamp, []).append(number(code))
    for stamp, numbers in by_day.items():
        sequence = DailySequence.objects.get(district=demo, day=datetime.strptime(stamp, "%Y%m%d").date())
        first = 42 if sequence.day == day else 1
        assert sorted(numbers) == list(range(first, first + len(numbers))), stamp
        assert sequence.value == max(numbers)


def test_codes_count_up_with_the_report_time_within_a_day(seeded):
    days: dict[str, list[Finding]] = {}
    for finding in seeded.order_by("reported_at"):
        days.setdefault(finding.code.split("-")[1], []).append(finding)
    for findings in days.values():
        assert [number(f.code) for f in findings] == sorted(number(f.code) for f in findings)


def test_a_real_report_after_seeding_gets_the_next_number(seeded):
    grid_worker = User.objects.get(username="grid-qimingli")
    cell = GridCell.objects.get(code=community_code("启明里") + "001")
    today = timezone.localdate().strftime("%Y%m%d")
    last_today = max((number(c) for c in seeded.values_list("code", flat=True) if c.split("-")[1] == today), default=0)

    finding = intake.report_finding(
        actor=grid_worker,
        report=intake.Report(
            source=Finding.Source.GRID_PATROL,
            category=Category.objects.get(code="exposed-garbage"),
            description="路边垃圾堆放未及时清运",
            lat=(cell.min_lat + cell.max_lat) / 2,
            lng=(cell.min_lng + cell.max_lng) / 2,
        ),
    )

    assert finding.code == f"370103-{today}-{last_today + 1:04d}"
    assert Finding.objects.filter(code=finding.code).count() == 1


def test_seeding_again_adds_more_with_fresh_codes(seeded):
    seed_findings(count=300, seed=7)
    codes = list(Finding.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 600


def test_the_same_seed_draws_the_same_findings(seeded):
    def drawn(findings):
        # Not the times: they are drawn back from "now", which has moved on.
        return [(f.status, f.source, f.category_id, f.grid_cell_id, f.description) for f in findings]

    first = drawn(seeded.order_by("id"))
    seed_findings(count=300, seed=7)
    assert drawn(Finding.objects.order_by("id")[300:]) == first


def test_seeding_without_the_demo_district_is_refused(db):
    with pytest.raises(ValueError, match="seed_demo"):
        seed_findings(count=10)
    assert not Finding.objects.exists()


def test_a_failure_half_way_leaves_nothing_behind(demo, monkeypatch):
    monkeypatch.setattr(bulk.CopyWriter, "batch_size", 100)
    monkeypatch.setattr(bulk.OrmWriter, "batch_size", 100)
    make_batch = findings_module._Generator.batch

    def second_batch_fails(self, start, ids):
        if start:
            raise RuntimeError("disk full")
        return make_batch(self, start, ids)

    monkeypatch.setattr(findings_module._Generator, "batch", second_batch_fails)
    with pytest.raises(RuntimeError):
        seed_findings(count=150)
    # The first batch was written before the failure; the transaction took it back.
    assert not Finding.objects.exists() and not FindingEvent.objects.exists()
    assert not DailySequence.objects.exists()


def test_seeding_nothing_adds_nothing(demo):
    assert seed_findings(count=0) == 0
    assert not Finding.objects.exists() and not DailySequence.objects.exists()


# --- the command ---------------------------------------------------------------------------


def command(*args: str) -> list[str]:
    """What the command told on standard error (the accounts alone go to standard output)."""
    err = StringIO()
    call_command("seed_demo", "--password", PASSWORD, *args, stdout=StringIO(), stderr=err)
    return err.getvalue().splitlines()


def told(lines: list[str], prefix: str) -> str:
    """The summary line that starts with ``prefix`` (progress lines say "done/total", not "added")."""
    (line,) = [line for line in lines if line.startswith(prefix) and line.endswith(" added")]
    return line


#: The findings the demo's extension requests are made on (three in each seed community).
EXTENSION_FINDINGS = 3 * 4


def test_findings_option_adds_findings_every_time(db):
    first = command("--findings", "40")
    assert told(first, "findings:") == "findings: 40 added"
    assert told(first, "extension requests:").startswith("extension requests: 12 added; accountability cases: ")
    second = command("--findings", "40")
    assert told(second, "findings:") == "findings: 40 added"
    # The demo's requests and cases are made once.
    assert told(second, "extension requests:") == "extension requests: 0 added; accountability cases: 0 added"
    assert Finding.objects.count() == 80 + EXTENSION_FINDINGS


def test_findings_if_empty_seeds_only_the_first_time(db):
    assert told(command("--findings-if-empty", "50"), "findings:") == "findings: 50 added"
    events = FindingEvent.objects.count()
    assert told(command("--findings-if-empty", "50"), "findings:") == "findings: 0 added"
    assert (Finding.objects.count(), FindingEvent.objects.count()) == (50 + EXTENSION_FINDINGS, events)


def test_without_a_findings_option_no_finding_is_added_and_nothing_more_printed(db):
    lines = command()
    assert not Finding.objects.exists()
    assert not any(line.startswith("findings:") for line in lines)
    assert Category.objects.count() == len(CATEGORIES)


def test_the_demo_has_extension_requests_waiting_approved_and_refused(db):
    from inspections.models import Extension
    from notifications.models import Notification

    command("--findings", "200")
    states = Counter(Extension.objects.values_list("state", flat=True))
    assert states == {"pending": 4, "approved": 4, "refused": 4}
    waiting = Extension.objects.filter(state="pending").select_related("finding__street").first()
    # The street's staff were told of each request of their communities, through the outbox.
    staff = User.objects.get(username="street-ganshiqiao")
    asked_here = Extension.objects.filter(finding__street__code="370103002")
    assert asked_here.count() == 6
    for extension in asked_here:
        assert Notification.objects.filter(recipient=staff, subject__contains=extension.finding.code).exists()
    assert waiting.finding.status == Status.RECTIFYING and waiting.requested_by.username.startswith("community-")


def test_the_demo_has_a_case_under_review_and_a_decided_one(db):
    from oversight.models import AccountabilityCase

    command("--findings", "600")
    cases = AccountabilityCase.objects.order_by("opened_at")
    assert sorted(cases.values_list("state", flat=True)) == ["decided", "open"]
    decided = cases.get(state="decided")
    assert decided.outcome == AccountabilityCase.Outcome.TALK and decided.document_no
    assert all(link.finding.went_overdue() for case in cases for link in case.case_findings.all())


def test_progress_goes_to_stderr(db):
    err = StringIO()
    call_command("seed_demo", "--password", PASSWORD, "--findings", "30", stdout=StringIO(), stderr=err)
    assert "findings: 30/30" in err.getvalue()


def test_payloads_are_plain_json_objects(seeded):
    for payload in FindingEvent.objects.values_list("payload", flat=True):
        assert isinstance(payload, dict)
        json.dumps(payload)
