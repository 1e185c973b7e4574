"""Sign-ups: places, the waitlist and its promotion, overlaps, the cut-off, eligibility, approval."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role
from notifications.models import Notification
from tests.factories import ActivityFactory, SignUpFactory, VolunteerFactory, person
from volunteers import signups
from volunteers.models import Activity, SignUp
from web.errors import Conflict, Forbidden, Invalid

Status = SignUp.Status


def people(serving, n: int, *, unit=None):
    """``n`` party members with logins, serving in 乐山小区 through 区城管局."""
    found = []
    for _ in range(n):
        user = person(Role.VOLUNTEER, None)
        found.append(VolunteerFactory(user=user, unit=unit or serving.unit))
    return found


def test_places_are_confirmed_until_full_then_the_waitlist_fills_in_order(serving, activity):
    crowd = people(serving, 10)
    results = [signups.sign_up(actor=v.user, activity=activity) for v in crowd]
    assert [r.status for r in results] == [Status.CONFIRMED] * 8 + [Status.WAITLISTED] * 2
    assert [signups.waitlist_position(r) for r in results[8:]] == [1, 2]


def test_a_cancelled_place_goes_to_the_first_waiting_who_is_told_through_the_outbox(serving, activity):
    crowd = people(serving, 10)
    results = [signups.sign_up(actor=v.user, activity=activity) for v in crowd]

    signups.cancel_sign_up(actor=crowd[0].user, signup=results[0])

    statuses = dict(SignUp.objects.filter(activity=activity).values_list("volunteer_id", "status"))
    assert statuses[crowd[8].pk] == Status.CONFIRMED
    assert statuses[crowd[9].pk] == Status.WAITLISTED
    assert SignUp.objects.filter(activity=activity, status=Status.CONFIRMED).count() == 8
    told = Notification.objects.filter(channel="in_app", subject__contains=activity.title)
    assert [n.recipient_id for n in told] == [crowd[8].user_id]


def test_cancelling_a_waitlisted_sign_up_promotes_nobody(serving, activity):
    crowd = people(serving, 9)
    results = [signups.sign_up(actor=v.user, activity=activity) for v in crowd]
    signups.cancel_sign_up(actor=crowd[8].user, signup=results[8])
    assert SignUp.objects.filter(activity=activity, status=Status.CONFIRMED).count() == 8
    assert not Notification.objects.exists()


def test_more_places_promote_the_waitlist_and_fewer_than_taken_are_refused(serving, activity, community_worker):
    crowd = people(serving, 11)
    for v in crowd:
        signups.sign_up(actor=v.user, activity=activity)
    signups.change_capacity(actor=community_worker, activity=activity, capacity=10)
    assert SignUp.objects.filter(activity=activity, status=Status.CONFIRMED).count() == 10
    with pytest.raises(Invalid) as refused:
        signups.change_capacity(actor=community_worker, activity=activity, capacity=9)
    assert refused.value.field == "capacity" and "10" in refused.value.message


def test_an_overlapping_sign_up_of_one_person_is_refused(serving, activity, member):
    signups.sign_up(actor=member.user, activity=activity)
    overlapping = ActivityFactory(
        community=serving.community,
        starts_at=activity.starts_at + timedelta(hours=1),
        ends_at=activity.ends_at + timedelta(hours=1),
    )
    with pytest.raises(Conflict, match=activity.title):
        signups.sign_up(actor=member.user, activity=overlapping)
    assert not SignUp.objects.filter(activity=overlapping).exists()


def test_back_to_back_activities_do_not_overlap(serving, activity, member):
    signups.sign_up(actor=member.user, activity=activity)
    after = ActivityFactory(
        community=serving.community, starts_at=activity.ends_at, ends_at=activity.ends_at + timedelta(hours=1)
    )
    assert signups.sign_up(actor=member.user, activity=after).status == Status.CONFIRMED


def test_signing_up_twice_is_refused(serving, activity, member):
    signups.sign_up(actor=member.user, activity=activity)
    with pytest.raises(Conflict):
        signups.sign_up(actor=member.user, activity=activity)


def test_a_volunteer_cancels_until_the_cut_off_and_not_after(serving, member, settings):
    settings.VOLUNTEER_CANCEL_CUTOFF = timedelta(hours=2)
    start = timezone.now() + timedelta(hours=5)
    activity = ActivityFactory(community=serving.community, starts_at=start, ends_at=start + timedelta(hours=2))
    signup = signups.sign_up(actor=member.user, activity=activity)
    with time_machine.travel(start - timedelta(hours=1, minutes=59)), pytest.raises(Conflict, match="2"):
        signups.cancel_sign_up(actor=member.user, signup=signup)
    with time_machine.travel(start - timedelta(hours=2, minutes=1)):
        assert signups.cancel_sign_up(actor=member.user, signup=signup).status == Status.CANCELLED


def test_the_organiser_may_cancel_after_the_cut_off(serving, member, community_worker):
    start = timezone.now() + timedelta(minutes=30)
    activity = ActivityFactory(community=serving.community, starts_at=start, ends_at=start + timedelta(hours=2))
    signup = signups.sign_up(actor=member.user, activity=activity)
    assert signups.cancel_sign_up(actor=community_worker, signup=signup).status == Status.CANCELLED


def test_someone_not_serving_in_the_community_cannot_sign_up(serving, other_activity, member):
    with pytest.raises(Forbidden) as refused:
        signups.sign_up(actor=member.user, activity=other_activity)
    assert refused.value.message == gettext("You do not serve in this community: register with it first.")


def test_a_pending_registration_does_not_make_someone_serve(serving, activity):
    from tests.factories import registered

    user = person(Role.VOLUNTEER, None)
    volunteer = VolunteerFactory(user=user)
    registered(volunteer, serving.community, status="pending")
    with pytest.raises(Forbidden):
        signups.sign_up(actor=user, activity=activity)


def test_an_activity_for_party_members_refuses_others(serving, member):
    activity = ActivityFactory(community=serving.community, eligibility=Activity.Eligibility.PARTY_MEMBERS)
    member.is_party_member = False
    member.save()
    with pytest.raises(Forbidden) as refused:
        signups.sign_up(actor=member.user, activity=activity)
    assert refused.value.message == gettext("This activity is for party members.")


def test_an_activity_for_one_unit_refuses_other_units(serving, member, resident_member):
    activity = ActivityFactory(
        community=serving.community, eligibility=Activity.Eligibility.UNIT, eligible_unit=serving.unit
    )
    assert signups.sign_up(actor=member.user, activity=activity).status == Status.CONFIRMED
    with pytest.raises(Forbidden):
        signups.sign_up(actor=resident_member.user, activity=activity)


def test_after_the_no_show_limit_a_sign_up_waits_for_the_organiser(serving, member, community_worker, settings):
    settings.VOLUNTEER_NO_SHOW_LIMIT = 2
    past = timezone.now() - timedelta(days=3)
    for _ in range(2):
        old = ActivityFactory(community=serving.community, starts_at=past, ends_at=past + timedelta(hours=2))
        SignUpFactory(activity=old, volunteer=member, status=Status.NO_SHOW)
    activity = ActivityFactory(community=serving.community)

    signup = signups.sign_up(actor=member.user, activity=activity)

    assert signup.status == Status.PENDING
    assert Notification.objects.filter(recipient=community_worker, subject__contains=member.name).exists()
    assert signups.decide_sign_up(actor=community_worker, signup=signup, approve=True).status == Status.CONFIRMED


def test_no_shows_older_than_the_window_are_forgiven(serving, member, settings):
    settings.VOLUNTEER_NO_SHOW_LIMIT = 1
    settings.VOLUNTEER_NO_SHOW_WINDOW = timedelta(days=30)
    long_ago = timezone.now() - timedelta(days=40)
    old = ActivityFactory(community=serving.community, starts_at=long_ago, ends_at=long_ago + timedelta(hours=2))
    SignUpFactory(activity=old, volunteer=member, status=Status.NO_SHOW)
    assert (
        signups.sign_up(actor=member.user, activity=ActivityFactory(community=serving.community)).status
        == Status.CONFIRMED
    )


def test_an_approved_sign_up_joins_the_waitlist_when_the_places_are_gone(serving, community_worker, member):
    activity = ActivityFactory(community=serving.community, capacity=1)
    signup = SignUpFactory(activity=activity, volunteer=member, status=Status.PENDING, confirmed_at=None)
    signups.sign_up(actor=people(serving, 1)[0].user, activity=activity)
    assert signups.decide_sign_up(actor=community_worker, signup=signup, approve=True).status == Status.WAITLISTED


def test_sign_up_closes_at_the_start(serving, member):
    start = timezone.now() - timedelta(minutes=1)
    activity = ActivityFactory(community=serving.community, starts_at=start, ends_at=start + timedelta(hours=1))
    with pytest.raises(Conflict):
        signups.sign_up(actor=member.user, activity=activity)


def test_calling_off_tells_everyone_signed_up_and_ends_their_sign_ups(serving, activity, community_worker):
    crowd = people(serving, 9)
    for v in crowd:
        signups.sign_up(actor=v.user, activity=activity)
    signups.cancel_activity(actor=community_worker, activity=activity, reason="暴雨")
    assert set(SignUp.objects.filter(activity=activity).values_list("status", flat=True)) == {Status.CANCELLED}
    told = set(Notification.objects.filter(channel="in_app").values_list("recipient_id", flat=True))
    assert told == {v.user_id for v in crowd}


def test_only_the_organisers_create_activities_where_they_organise(serving, member, other_community_worker, unit_staff):
    data = signups.ActivityInput(
        title="文明劝导",
        kind=Activity.Kind.PUBLICITY,
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=2),
        place="经七路口",
        capacity=5,
    )
    with pytest.raises(Forbidden):
        signups.create_activity(actor=member.user, community=serving.community, data=data)
    with pytest.raises(Invalid) as refused:
        signups.create_activity(actor=other_community_worker, community=serving.community, data=data)
    assert refused.value.field == "community"
    # Unit staff organise in the communities their unit is registered with, in the unit's name.
    created = signups.create_activity(actor=unit_staff, community=serving.community, data=data)
    assert created.organiser_unit == serving.unit
