"""The daily briefing: yesterday's numbers, ranking, red list and overdue list, kept and sent."""

import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaign.briefing import make_briefings
from campaign.models import Briefing
from inspections import rollup
from inspections.models import Finding
from notifications.models import Notification
from tests.factories import FindingFactory

ZONE = timezone.get_fixed_timezone(480)
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=ZONE)
YESTERDAY = date(2026, 11, 25)

pytestmark = pytest.mark.usefixtures("pinned")


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def day(geo, category, unit_category):
    """Yesterday: two reported in 乐山小区 (one closed in time), one of 区城管局 overdue since yesterday."""
    h = timedelta(hours=1)
    FindingFactory(grid_cell=geo.cell, category=category, reported_at=datetime(2026, 11, 25, 9, tzinfo=ZONE),
                   status=Finding.Status.CLOSED, closed_at=datetime(2026, 11, 25, 15, tzinfo=ZONE))  # fmt: skip
    FindingFactory(grid_cell=geo.cell, category=category, reported_at=datetime(2026, 11, 25, 10, tzinfo=ZONE))
    late = FindingFactory(
        grid_cell=geo.other_cell,
        category=unit_category,
        responsible_unit=geo.unit,
        status=Finding.Status.RECTIFYING,
        reported_at=datetime(2026, 11, 24, 7, tzinfo=ZONE),
        escalation_level=1,
        overdue_at=datetime(2026, 11, 25, 7, tzinfo=ZONE),
    )
    assert late.deadline_at == late.reported_at + 24 * h
    rollup.rebuild()
    return late


def test_the_briefings_of_yesterday_hold_the_numbers_ranking_and_overdue_list(geo, day, leader, street_leader):
    made = make_briefings()
    assert {(b.day, b.street_id) for b in made} == {
        (YESTERDAY, None),
        (YESTERDAY, geo.street.pk),
        (YESTERDAY, geo.other_street.pk),
    }
    district = Briefing.objects.get(street__isnull=True)
    assert 'data-n="reported">2<' in district.html
    assert 'data-n="closed">1<' in district.html
    assert 'data-n="overdue">1<' in district.html  # went overdue yesterday
    assert day.code in district.html and "区城管局" in district.html
    street = Briefing.objects.get(street=geo.street)
    assert day.code not in street.html  # the overdue one is in the other street
    workbook = load_workbook(io.BytesIO(district.workbook.read()))
    assert len(workbook.worksheets) == 4  # numbers, ranking, red list, overdue
    overdue_rows = list(workbook.worksheets[3].iter_rows(values_only=True))
    assert overdue_rows[1][0] == day.code and overdue_rows[1][4] == "区城管局"


def test_briefings_are_sent_to_their_leaders_through_the_outbox(geo, day, leader, street_leader):
    make_briefings()
    assert Notification.objects.filter(recipient=leader, channel="in_app").count() == 1
    assert Notification.objects.filter(recipient=street_leader, channel="in_app").count() == 1
    link = Notification.objects.get(recipient=street_leader, channel="in_app").link
    assert link == reverse("campaign:briefing", args=[Briefing.objects.get(street=geo.street).pk])


def test_making_the_same_day_twice_replaces_and_tells_nobody_twice(geo, day, leader):
    make_briefings()
    first = set(Briefing.objects.values_list("pk", flat=True))
    call_command("make_briefing", "--date", "2026-11-25", stdout=io.StringIO())
    assert Briefing.objects.count() == 3
    assert set(Briefing.objects.values_list("pk", flat=True)).isdisjoint(first)
    assert Notification.objects.filter(recipient=leader, channel="in_app").count() == 1


def test_the_command_refuses_a_bad_date(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("make_briefing", "--date", "2026-02-30")


def test_briefings_are_listed_printable_and_scoped(geo, day, leader, street_leader, community_worker):
    make_briefings()
    client = Client(headers={"accept-language": "en"})
    client.force_login(street_leader)
    listed = client.get(reverse("campaign:briefings"))
    assert {b.street_id for b in listed.context["page"].object_list} == {geo.street.pk}
    other = Briefing.objects.get(street=geo.other_street)
    assert client.get(reverse("campaign:briefing", args=[other.pk])).status_code == 404
    assert client.get(reverse("campaign:briefing_workbook", args=[other.pk])).status_code == 404
    own = Briefing.objects.get(street=geo.street)
    page = client.get(reverse("campaign:briefing", args=[own.pk]))
    assert page.status_code == 200 and "print.css" in page.content.decode()
    assert client.get(reverse("campaign:briefing_workbook", args=[own.pk])).status_code == 200
    client.force_login(community_worker)
    assert client.get(reverse("campaign:briefings")).status_code == 403


def test_the_beat_runs_the_briefings_at_eight_in_shanghai(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["daily-briefing"]
    assert entry["task"] == "campaign.tasks.make_daily_briefings"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {0})
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
