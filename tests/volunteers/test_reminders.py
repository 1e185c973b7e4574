"""Reminders the day before and two hours before, through the outbox, each exactly once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from tests.factories import ActivityFactory, SignUpFactory
from volunteers import reminders
from volunteers.models import SignUp


@pytest.fixture
def start():
    return timezone.now().replace(microsecond=0) + timedelta(days=3)


@pytest.fixture
def booked(serving, member, start):
    activity = ActivityFactory(community=serving.community, starts_at=start, ends_at=start + timedelta(hours=2))
    return SignUpFactory(activity=activity, volunteer=member, confirmed_at=start - timedelta(days=5))


def sweep(at):
    with time_machine.travel(at, tick=False):
        return reminders.send_reminders()


def subjects(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, channel="in_app").order_by("id").values_list("subject", flat=True)
    )


def test_the_day_before_reminder_is_sent_once_and_the_two_hour_one_once(booked, member, start):
    assert sweep(start - timedelta(hours=25)) == {"day": 0, "soon": 0}
    assert sweep(start - timedelta(hours=24)) == {"day": 1, "soon": 0}
    assert sweep(start - timedelta(hours=23)) == {"day": 0, "soon": 0}
    assert sweep(start - timedelta(hours=2)) == {"day": 0, "soon": 1}
    assert sweep(start - timedelta(hours=1)) == {"day": 0, "soon": 0}
    sent = subjects(member.user)
    assert len(sent) == 2 and all(booked.activity.title in s for s in sent)


def test_a_sweep_after_downtime_sends_only_the_reminder_still_due(booked, member, start):
    # Down from two days before until ninety minutes before: the day-before reminder is past use.
    assert sweep(start - timedelta(minutes=90)) == {"day": 0, "soon": 1}
    assert len(subjects(member.user)) == 1


def test_a_sign_up_made_inside_the_lead_time_is_not_reminded_of_it(booked, member, start):
    SignUp.objects.filter(pk=booked.pk).update(confirmed_at=start - timedelta(hours=10))
    assert sweep(start - timedelta(hours=20)) == {"day": 0, "soon": 0}
    assert sweep(start - timedelta(hours=2)) == {"day": 0, "soon": 1}


@pytest.mark.parametrize("status", [SignUp.Status.WAITLISTED, SignUp.Status.CANCELLED, SignUp.Status.PENDING])
def test_only_confirmed_sign_ups_are_reminded(booked, start, status):
    SignUp.objects.filter(pk=booked.pk).update(status=status)
    assert sweep(start - timedelta(hours=24)) == {"day": 0, "soon": 0}


def test_a_called_off_activity_is_not_reminded(booked, start):
    booked.activity.cancelled_at = timezone.now()
    booked.activity.save()
    assert sweep(start - timedelta(hours=24)) == {"day": 0, "soon": 0}


def test_reminders_of_many_sign_ups_take_a_fixed_number_of_queries(serving, start, django_assert_max_num_queries):
    from accounts.models import Role
    from tests.factories import VolunteerFactory, person

    activity = ActivityFactory(
        community=serving.community, starts_at=start, ends_at=start + timedelta(hours=2), capacity=50
    )
    for _ in range(30):
        volunteer = VolunteerFactory(user=person(Role.VOLUNTEER, None), unit=serving.unit)
        SignUpFactory(activity=activity, volunteer=volunteer, confirmed_at=start - timedelta(days=5))
    with django_assert_max_num_queries(12):
        assert sweep(start - timedelta(hours=24))["day"] == 30
    assert Notification.objects.filter(channel="in_app").count() == 30
