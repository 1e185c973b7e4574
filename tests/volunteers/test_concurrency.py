"""Sign-ups racing for places: the activity's row lock lets exactly as many through as there are places.

PostgreSQL only (SQLite serialises whole transactions, so there is no race to show). The threads
start together at a barrier and close their own database connections when done.
"""

from datetime import timedelta

import pytest

from accounts.models import Role
from notifications.models import Notification
from tests.concurrency import run_together
from tests.conftest import requires_postgres
from tests.factories import ActivityFactory, VolunteerFactory, person
from volunteers import signups
from volunteers.models import Activity, SignUp
from web.errors import Conflict

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Status = SignUp.Status


def crowd(serving, n: int) -> list:
    found = []
    for _ in range(n):
        user = person(Role.VOLUNTEER, None)
        user.roles()  # read the memberships now, not inside the race
        found.append(VolunteerFactory(user=user, unit=serving.unit))
    return found


def sign_up_as(volunteer, activity_pk: int):
    return lambda: signups.sign_up(actor=volunteer.user, activity=Activity.objects.get(pk=activity_pk))


def test_twenty_at_once_for_eight_places_give_eight_confirmed_and_twelve_waiting(serving):
    activity = ActivityFactory(community=serving.community, capacity=8)
    people = crowd(serving, 20)

    results = run_together(*(sign_up_as(v, activity.pk) for v in people))

    assert [r for r in results if not isinstance(r, SignUp)] == []
    assert sorted(r.status for r in results).count(Status.CONFIRMED) == 8
    assert SignUp.objects.filter(activity=activity, status=Status.CONFIRMED).count() == 8
    assert SignUp.objects.filter(activity=activity, status=Status.WAITLISTED).count() == 12


def test_one_cancellation_racing_new_sign_ups_frees_exactly_one_place_for_the_first_waiting(serving):
    activity = ActivityFactory(community=serving.community, capacity=8)
    people = crowd(serving, 14)
    held = [signups.sign_up(actor=v.user, activity=activity) for v in people[:10]]  # 8 in, 2 waiting
    first_waiting = held[8]
    late = people[10:]

    def cancel():
        return signups.cancel_sign_up(actor=people[0].user, signup=SignUp.objects.get(pk=held[0].pk))

    results = run_together(cancel, *(sign_up_as(v, activity.pk) for v in late))

    assert [r for r in results if isinstance(r, Exception)] == []
    assert SignUp.objects.filter(activity=activity, status=Status.CONFIRMED).count() == 8
    first_waiting.refresh_from_db()
    assert first_waiting.status == Status.CONFIRMED
    # The four who came late all wait, behind the one still waiting from before.
    assert SignUp.objects.filter(activity=activity, status=Status.WAITLISTED).count() == 5
    assert Notification.objects.filter(channel="in_app", recipient=first_waiting.volunteer.user).count() == 1


def test_one_person_signing_up_for_two_overlapping_activities_at_once_gets_one(serving):
    first = ActivityFactory(community=serving.community)
    second = ActivityFactory(
        community=serving.community,
        starts_at=first.starts_at + timedelta(hours=1),
        ends_at=first.ends_at + timedelta(hours=1),
    )
    [volunteer] = crowd(serving, 1)

    results = run_together(sign_up_as(volunteer, first.pk), sign_up_as(volunteer, second.pk))

    assert sum(isinstance(r, SignUp) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert SignUp.objects.filter(volunteer=volunteer).count() == 1
