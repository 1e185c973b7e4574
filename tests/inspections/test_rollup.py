"""The daily roll-up (inspections.rollup) equals a recomputation from the findings.

A random mix of workflow actions (report, dispatch, acknowledge, submit, return, verify,
decline, reassign, invalid, extension) and deadline sweeps, spread over several days, then the
minute task's refresh: the stored rows must be exactly what a fresh computation gives.
"""

import contextlib
import random
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from inspections import deadlines, intake, rollup, workflow
from inspections.models import Category, DailyCount, DailySubtotal, Finding, StaleDay
from tests.factories import photo
from web.errors import DomainError

ZONE = timezone.get_fixed_timezone(480)
START = datetime(2026, 11, 20, 8, 0, tzinfo=ZONE)


def _report(actor, category, rng, at, geo, *, anywhere: bool = False) -> Finding:
    # Street staff report anywhere in the street, with or without a point; a grid worker in their cell.
    located = not anywhere or rng.random() < 0.8
    report = intake.Report(
        source=intake.default_source(actor),
        category=category,
        description="楼道堆放杂物",
        address="杆石桥街道乐山小区",
        lat=36.655 if located else None,
        lng=(116.995 if not anywhere or rng.random() < 0.5 else 117.005) if located else None,
    )
    return intake.report_finding(actor=actor, report=report, now=at)


def _step(finding: Finding, rng, people) -> None:
    finding.refresh_from_db()
    status = finding.status
    choices = {
        Finding.Status.REPORTED: [
            lambda: workflow.dispatch_finding(actor=people["staff"], finding=finding, community=people["community"]),
            lambda: workflow.mark_invalid(actor=people["staff"], finding=finding, reason="无此问题"),
        ],
        Finding.Status.DISPATCHED: [
            lambda: workflow.acknowledge_finding(actor=people["worker"], finding=finding),
            lambda: workflow.decline_finding(actor=people["worker"], finding=finding, reason="不属于本社区"),
        ],
        Finding.Status.RECTIFYING: [
            lambda: workflow.submit_rectification(actor=people["worker"], finding=finding, photos=[photo()]),
            lambda: workflow.request_extension(
                actor=people["worker"],
                finding=finding,
                reason="需要更多时间",
                until=finding.deadline_at + timedelta(hours=24),
            ),
            lambda: workflow.decide_extension(actor=people["staff"], finding=finding, approve=True),
        ],
        Finding.Status.SUBMITTED: [
            lambda: workflow.verify_finding(actor=people["staff"], finding=finding),
            lambda: workflow.return_finding(actor=people["staff"], finding=finding, reason="不彻底"),
        ],
    }.get(status)
    if not choices:
        return
    # A refusal (e.g. an extension asked after the deadline) changes nothing: the mix goes on.
    with contextlib.suppress(DomainError):
        rng.choice(choices)()


@pytest.fixture
def people(geo, street_staff, community_worker):
    return {"staff": street_staff, "worker": community_worker, "community": geo.community}


def test_rollup_equals_recomputation_after_a_random_mix_of_workflow_actions(geo, category, people, grid_worker):
    rng = random.Random(2026)
    findings = []
    with time_machine.travel(START, tick=False) as traveller:
        for _hour in range(60):
            traveller.shift(timedelta(hours=rng.choice((1, 2, 3))))
            now = timezone.now()
            for _ in range(rng.randrange(0, 3)):
                findings.append(
                    _report(grid_worker if rng.random() < 0.5 else people["staff"], category, rng, now, geo)
                )
            for finding in rng.sample(findings, min(len(findings), 4)):
                _step(finding, rng, people)
            if rng.random() < 0.3:
                deadlines.sweep()
            if rng.random() < 0.2:
                rollup.refresh_stale()  # the minute task, now and then: marks keep coming after it
        deadlines.sweep()
        rollup.refresh_stale()

    assert not StaleDay.objects.exists()
    stored = rollup.stored()
    assert stored == rollup.compute()
    # The mix reached every kind of row: several days, closings, overdue ones, returns.
    assert len({key[0] for key in stored}) >= 4
    totals = {column: sum(row[column] for row in stored.values()) for column in rollup.COLUMNS}
    assert totals["reported"] == len(findings)
    assert totals["closed"] > 0 and totals["overdue"] > 0 and totals["returned"] > 0
    # The subtotals were kept with the rows, and each grain adds up to the same totals.
    subtotals = rollup.stored_subtotals()
    assert subtotals == rollup.subtotals(stored)
    for grain in rollup.Grain:
        rows = [row for key, row in subtotals.items() if key[0] == grain]
        assert {column: sum(row[column] for row in rows) for column in rollup.COLUMNS} == totals


def test_a_workflow_action_marks_its_days_stale_and_the_task_clears_them(geo, category, people, grid_worker):
    with time_machine.travel(START, tick=False):
        finding = _report(grid_worker, category, random.Random(1), timezone.now(), geo)
    assert set(StaleDay.objects.values_list("day", flat=True)) == {START.date()}
    assert rollup.refresh_stale() == 1
    assert not StaleDay.objects.exists()
    row = DailyCount.objects.get()
    assert (row.day, row.reported, row.counted, row.community_id) == (START.date(), 1, 1, geo.community.pk)
    with time_machine.travel(START + timedelta(days=2), tick=False):
        deadlines.sweep()  # overdue: dated at its deadline, the day after the report
        assert Finding.objects.get(pk=finding.pk).overdue_at is not None
        rollup.refresh_stale()
    assert rollup.stored() == rollup.compute()
    assert sum(row["overdue"] for row in rollup.stored().values()) == 1


def test_subtotals_sum_the_rows_over_what_each_grain_leaves_out(geo, category, people, grid_worker):
    other = Category.objects.create(code="small-ads", name="乱张贴小广告")
    with time_machine.travel(START, tick=False):
        rng = random.Random(1)
        _report(grid_worker, category, rng, timezone.now(), geo)
        _report(grid_worker, other, rng, timezone.now(), geo)
        _report(people["staff"], other, rng, timezone.now(), geo)
    rollup.refresh_stale()
    full = rollup.stored()
    assert sum(row["reported"] for row in full.values()) == 3
    subtotals = rollup.stored_subtotals()
    by_grain = {grain: {k: v["reported"] for k, v in subtotals.items() if k[0] == grain} for grain in rollup.Grain}
    # One community, no unit: one place row with all three.
    assert list(by_grain[rollup.Grain.PLACE].values()) == [3]
    place_key = next(iter(by_grain[rollup.Grain.PLACE]))
    assert place_key[1:] == (START.date(), geo.district.pk, geo.street.pk, geo.community.pk, None, None, "")
    # Two categories: one and two.
    assert sorted(by_grain[rollup.Grain.CATEGORY].values()) == [1, 2]
    assert {key[6] for key in by_grain[rollup.Grain.CATEGORY]} == {category.pk, other.pk}
    assert sum(by_grain[rollup.Grain.SOURCE].values()) == 3
    assert {key[7] for key in by_grain[rollup.Grain.SOURCE]} == {key[-1] for key in full}


def test_rebuild_recomputes_everything(geo, category, people, grid_worker):
    with time_machine.travel(START, tick=False):
        _report(grid_worker, category, random.Random(1), timezone.now(), geo)
    DailyCount.objects.all().delete()
    DailySubtotal.objects.all().delete()
    assert rollup.rebuild() == 1
    assert rollup.stored() == rollup.compute()
    assert rollup.stored_subtotals() == rollup.subtotals(rollup.compute())
    assert DailySubtotal.objects.count() == len(rollup.Grain)
    assert not StaleDay.objects.exists()


def test_findings_behind_a_measure_are_those_it_counts(geo, category, people, grid_worker):
    with time_machine.travel(START, tick=False):
        finding = _report(grid_worker, category, random.Random(1), timezone.now(), geo)
    rollup.rebuild()
    day = START.date()
    behind = rollup.findings_behind(Finding.objects.all(), "reported", start=day, end=day)
    assert list(behind) == [finding]
    assert not rollup.findings_behind(Finding.objects.all(), "closed", start=day, end=day).exists()
