"""The deadline ladder: reminders, overdue, escalation; dated at the deadline; exactly once."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import Role
from inspections import deadlines
from inspections.models import Finding, FindingEvent
from notifications.models import Notification
from tests.factories import FindingFactory, person

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.get_default_timezone())


def due(geo, category, *, hours_ago: float = 0, count: int = 1, cell=None, **fields):
    """Findings reported 24 h + ``hours_ago`` before T0, i.e. whose deadline passed ``hours_ago`` ago."""
    reported = T0 - timedelta(hours=24 + hours_ago)
    return [
        FindingFactory(grid_cell=cell or geo.cell, category=category, reported_at=reported, **fields)
        for _ in range(count)
    ]


def events(kind):
    return FindingEvent.objects.filter(kind=kind)


def test_finding_past_its_deadline_becomes_overdue_dated_at_the_deadline(geo, category):
    (finding,) = due(geo, category, hours_ago=3)
    result = deadlines.sweep(now=T0)
    finding.refresh_from_db()
    assert finding.escalation_level == 1
    assert [r.code for r in result.overdue] == [finding.code]
    (event,) = events("overdue")
    assert event.at == finding.deadline_at
    assert event.actor is None


def test_second_sweep_changes_nothing(geo, category):
    due(geo, category, hours_ago=3)
    deadlines.sweep(now=T0)
    result = deadlines.sweep(now=T0 + timedelta(minutes=1))
    assert result.overdue == [] and result.escalated == []
    assert events("overdue").count() == 1


def test_finding_still_open_a_day_after_its_deadline_is_escalated(geo, category):
    (finding,) = due(geo, category, hours_ago=25)
    deadlines.sweep(now=T0)
    finding.refresh_from_db()
    assert finding.escalation_level == 2
    # One sweep after a long outage writes both steps, each dated when it fell due.
    assert events("overdue").get().at == finding.deadline_at
    assert events("escalated").get().at == finding.deadline_at + timedelta(hours=24)


def test_sweep_three_days_late_dates_each_event_at_its_own_deadline(geo, category):
    findings = [
        FindingFactory(grid_cell=geo.cell, category=category, reported_at=T0 + timedelta(hours=h)) for h in (0, 5, 11)
    ]
    out = StringIO()
    call_command("enforce_deadlines", now=(T0 + timedelta(days=3)).isoformat(), stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "reminded 0, overdue 3, escalated 3"
    for finding in findings:
        assert FindingEvent.objects.get(finding=finding, kind="overdue").at == finding.deadline_at
        assert FindingEvent.objects.get(finding=finding, kind="escalated").at == finding.deadline_at + timedelta(
            hours=24
        )


def test_closed_findings_are_never_overdue(geo, category):
    due(geo, category, hours_ago=30, status=Finding.Status.CLOSED)
    due(geo, category, hours_ago=30, status=Finding.Status.INVALID)
    assert deadlines.sweep(now=T0).overdue == []


def test_reminder_goes_out_two_hours_before_once(geo, category, community_worker):
    (finding,) = due(geo, category, hours_ago=-1.5)  # deadline in 90 minutes
    first = deadlines.sweep(now=T0)
    second = deadlines.sweep(now=T0 + timedelta(minutes=5))
    assert [r.id for r in first.reminded] == [finding.pk] and second.reminded == []
    expected = ngettext(
        "%(count)s finding is due within %(hours)s hours", "%(count)s findings are due within %(hours)s hours", 1
    ) % {"count": 1, "hours": 2}
    assert list(Notification.objects.filter(recipient=community_worker).values_list("subject", flat=True)) == [expected]


def test_unacknowledged_finding_is_marked_late_without_escalation(geo, category, community_worker):
    (finding,) = due(geo, category, hours_ago=-20)  # plenty of time to rectify
    Finding.objects.filter(pk=finding.pk).update(ack_deadline_at=T0 - timedelta(minutes=10))
    result = deadlines.sweep(now=T0)
    finding.refresh_from_db()
    assert [r.id for r in result.ack_late] == [finding.pk]
    assert finding.ack_late_at == T0 - timedelta(minutes=10)
    assert finding.escalation_level == 0
    assert events("ack_late").get().at == finding.ack_late_at


def test_overdue_tells_the_responsible_side_and_the_street_discipline_officers(
    geo, category, community_worker, street_discipline, inspector
):
    due(geo, category, hours_ago=3, count=2)
    deadlines.sweep(now=T0)
    worker_notes = Notification.objects.filter(recipient=community_worker, channel="in_app")
    # One digest for both findings, not one message each, naming both.
    (note,) = worker_notes
    assert note.subject == ngettext(
        "%(count)s finding is overdue: rectify it now", "%(count)s findings are overdue: rectify them now", 2
    ) % {"count": 2}
    assert set(note.body.split("、")) == set(Finding.objects.values_list("code", flat=True))
    assert Notification.objects.filter(recipient=street_discipline, channel="in_app").count() == 1
    assert not Notification.objects.filter(recipient=inspector).exists()


def test_escalation_tells_the_district_inspectors(geo, category, inspector, other_street_staff):
    due(geo, category, hours_ago=30)
    deadlines.sweep(now=T0)
    assert Notification.objects.filter(recipient=inspector, channel="in_app").count() == 1
    assert not Notification.objects.filter(recipient=other_street_staff).exists()


def test_responsible_person_is_told_instead_of_the_whole_community(geo, category, community_worker):
    colleague = person(Role.COMMUNITY_WORKER, geo.community, username="colleague")
    due(geo, category, hours_ago=3, status=Finding.Status.RECTIFYING, responsible_person=community_worker)
    deadlines.sweep(now=T0)
    assert Notification.objects.filter(recipient=community_worker).exists()
    assert not Notification.objects.filter(recipient=colleague).exists()


def test_grid_worker_of_the_cell_is_told_that_the_finding_is_overdue(
    geo, category, community_worker, grid_worker, other_community_worker
):
    # Grid workers may rectify their cell's findings, so they are told like the community's workers.
    due(geo, category, hours_ago=3)
    deadlines.sweep(now=T0)
    subject = ngettext(
        "%(count)s finding is overdue: rectify it now", "%(count)s findings are overdue: rectify them now", 1
    ) % {"count": 1}
    for told in (grid_worker, community_worker):
        assert list(
            Notification.objects.filter(recipient=told, channel="in_app").values_list("subject", flat=True)
        ) == [subject]
    assert not Notification.objects.filter(recipient=other_community_worker).exists()


def test_grid_worker_of_another_cell_is_not_told(geo, category, grid_worker):
    due(geo, category, hours_ago=3, cell=geo.sibling_cell)
    deadlines.sweep(now=T0)
    assert not Notification.objects.filter(recipient=grid_worker).exists()


def test_a_person_holding_two_rectifier_roles_gets_each_code_once(geo, category, community_worker):
    from tests.factories import MembershipFactory

    MembershipFactory(user=community_worker, role=Role.GRID_WORKER, grid_cell=geo.cell)
    (finding,) = due(geo, category, hours_ago=3)
    deadlines.sweep(now=T0)
    (note,) = Notification.objects.filter(recipient=community_worker, channel="in_app")
    assert note.body == finding.code


def test_the_reminder_goes_out_exactly_when_the_list_starts_calling_a_finding_due_soon(geo, category, settings):
    from inspections.selectors import deadline_label

    settings.DEADLINE_REMIND_BEFORE = timedelta(hours=3)
    # Deadlines 3 h and 3 h 1 min after T0: only the first is due soon, for the list and the sweep alike.
    soon = FindingFactory(grid_cell=geo.cell, category=category, reported_at=T0 - timedelta(hours=21))
    later = FindingFactory(
        grid_cell=geo.cell, category=category, reported_at=T0 - timedelta(hours=21) + timedelta(minutes=1)
    )
    result = deadlines.sweep(now=T0)
    assert [r.code for r in result.reminded] == [soon.code]
    assert deadline_label(soon, T0).css == "soon" and deadline_label(later, T0).css == "ok"
    assert list(Finding.objects.due_soon(T0)) == [soon]


def _statements(geo, category, count):
    Finding.objects.all().delete()
    due(geo, category, hours_ago=30, count=count)
    with CaptureQueriesContext(connection) as queries:
        deadlines.sweep(now=T0)
    assert Finding.objects.filter(escalation_level=2).count() == count
    return len(queries)


@pytest.mark.postgres
def test_sweep_statements_do_not_grow_with_the_number_of_findings(
    geo, category, community_worker, street_discipline, inspector
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite splits bulk inserts by its variable limit")
    assert _statements(geo, category, 3) == _statements(geo, category, 60)


def test_overdue_mark_survives_an_approved_extension(geo, category):
    (finding,) = due(geo, category, hours_ago=1)
    first_deadline = finding.deadline_at
    deadlines.sweep(now=T0)
    finding.refresh_from_db()
    assert finding.overdue_at == first_deadline
    # An approved extension restarts the ladder; when the new deadline passes too, the mark
    # still says when the finding first went overdue.
    Finding.objects.filter(pk=finding.pk).update(escalation_level=0, deadline_at=T0 + timedelta(hours=5))
    deadlines.sweep(now=T0 + timedelta(hours=6))
    finding.refresh_from_db()
    assert finding.escalation_level == 1
    assert finding.overdue_at == first_deadline
