"""Activities and sign-ups: capacity that is never exceeded, the waitlist, overlaps, cancellation.

Capacity under concurrency: a sign-up locks the activity's row (``SELECT ... FOR UPDATE``) before
counting its places, so of twenty people signing up at once for eight places the row lock lets
them through one by one: eight are confirmed and twelve waitlisted, whatever the timing. A
person's own sign-ups are serialised by a lock on their profile row, so two overlapping
activities cannot both be taken by one person at the same moment. Locks are always taken in that
order (person, then activity); a cancellation locks only the activity and the sign-up rows.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.visibility import holders, scope_ids
from districts.models import Community, Unit
from notifications.services import Message, notify_bulk
from volunteers import rules
from volunteers.models import Activity, Registration, SignUp, Volunteer
from volunteers.permissions import can_organise, organiser_communities, organises, unit_ids
from web.durations import duration
from web.errors import Conflict, Forbidden, Invalid

Status = SignUp.Status


def _local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def activity_link(activity: Activity) -> str:
    return reverse("volunteers:activity", args=[activity.pk])


@dataclass(frozen=True)
class ActivityInput:
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    description: str = ""
    eligibility: str = Activity.Eligibility.EVERYONE
    eligible_unit: object = None


def _check(data: ActivityInput) -> None:
    if not (data.title or "").strip():
        raise Invalid(_("Give the activity a title."), field="title")
    if data.kind not in Activity.Kind.values or data.kind == Activity.Kind.DUTY:
        raise Invalid(_("Choose the kind of activity."), field="kind")
    if data.starts_at is None or data.ends_at is None:
        raise Invalid(_("Give the start and the end."), field="starts_at")
    if data.ends_at <= data.starts_at:
        raise Invalid(_("The activity ends before it starts."), field="ends_at")
    if data.ends_at - data.starts_at > rules.CORRECTION_PERIOD:
        raise Invalid(_("An activity lasts at most a week; make several."), field="ends_at")
    if data.starts_at < timezone.now():
        raise Invalid(_("The start is in the past."), field="starts_at")
    if not (data.place or "").strip():
        raise Invalid(_("Say where people meet."), field="place")
    if not data.capacity or data.capacity < 1 or data.capacity > 10000:
        raise Invalid(_("Give the number of places (1 to 10,000)."), field="capacity")
    if data.eligibility not in Activity.Eligibility.values:
        raise Invalid(_("Choose who may sign up."), field="eligibility")
    if data.eligibility == Activity.Eligibility.UNIT and data.eligible_unit is None:
        raise Invalid(_("Choose the unit whose people may sign up."), field="eligible_unit")


def create_activity(*, actor, community: Community, data: ActivityInput, organiser_unit=None) -> Activity:
    """An organiser creates an activity in a community they organise in (a unit: one it is registered with)."""
    if not can_organise(actor):
        raise Forbidden(_("Only community workers and unit staff organise activities."))
    if not organiser_communities(actor).filter(pk=community.pk).exists():
        raise Invalid(_("You do not organise activities in this community."), field="community")
    if organiser_unit is not None and not (actor.is_superuser or organiser_unit.pk in unit_ids(actor)):
        raise Forbidden(_("Only the unit's own staff organise in its name."))
    worker_of = scope_ids(actor, (Role.COMMUNITY_WORKER,)).get("community", set())
    if organiser_unit is None and community.pk not in worker_of and not actor.is_superuser:
        # Unit staff organise in the name of their unit registered with the community.
        organiser_unit = _registered_unit(sorted(unit_ids(actor)), community)
    _check(data)
    return Activity.objects.create(
        community=community,
        title=data.title.strip()[:100],
        kind=data.kind,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        place=data.place.strip()[:200],
        capacity=data.capacity,
        description=(data.description or "").strip(),
        eligibility=data.eligibility,
        eligible_unit=data.eligible_unit if data.eligibility == Activity.Eligibility.UNIT else None,
        organiser=actor,
        organiser_unit=organiser_unit,
    )


def _registered_unit(unit_pks: list[int], community: Community) -> Unit | None:
    registered = Registration.objects.approved().filter(kind="unit", community=community, unit__in=unit_pks)
    return Unit.objects.filter(pk__in=registered.values("unit_id")).order_by("code").first()


def _holding_people(activity: Activity) -> list:
    users = Volunteer.objects.filter(
        signups__activity=activity, signups__status__in=SignUp.HOLDING, user__is_active=True
    ).select_related("user")
    return [v.user for v in users if v.user_id]


def cancel_activity(*, actor, activity: Activity, reason: str) -> Activity:
    """The organiser calls an activity off; everyone still signed up is told."""
    if not organises(actor, activity):
        raise Forbidden(_("Only the activity's organisers call it off."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the activity is called off."), field="reason")
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if activity.cancelled_at:
            raise Conflict(_("This activity has already been called off."))
        if activity.starts_at <= timezone.now():
            raise Conflict(_("This activity has already started."))
        now = timezone.now()
        activity.cancelled_at, activity.cancel_reason = now, reason[:200]
        activity.save(update_fields=["cancelled_at", "cancel_reason"])
        subject = _("Called off: %(title)s on %(when)s") % {"title": activity.title, "when": _local(activity.starts_at)}
        notify_bulk(
            [
                Message(
                    recipient=user,
                    subject=subject,
                    body=reason,
                    link=activity_link(activity),
                    key=f"vol-off:{activity.pk}",
                )
                for user in _holding_people(activity)
            ]
        )
        activity.signups.filter(status__in=SignUp.HOLDING).update(status=Status.CANCELLED, cancelled_at=now)
    return activity


def change_capacity(*, actor, activity: Activity, capacity: int) -> Activity:
    """More places promote the waitlist in order; fewer than those already confirmed are refused."""
    if not organises(actor, activity):
        raise Forbidden(_("Only the activity's organisers change it."))
    if not capacity or capacity < 1 or capacity > 10000:
        raise Invalid(_("Give the number of places (1 to 10,000)."), field="capacity")
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        taken = activity.signups.filter(status__in=SignUp.PLACE_HOLDING).count()
        if capacity < taken:
            raise Invalid(
                _("%(count)s people are already confirmed; cancel sign-ups first.") % {"count": taken}, field="capacity"
            )
        activity.capacity = capacity
        activity.save(update_fields=["capacity"])
        _promote(activity, places=capacity - taken)
    return activity


# --- sign-ups ------------------------------------------------------------------------------


def eligibility_error(activity: Activity, volunteer: Volunteer) -> str | None:
    """Why ``volunteer`` may not sign up for ``activity`` (None: they may)."""
    if not volunteer.is_active:
        return _("This volunteer profile is no longer active.")
    if not Volunteer.objects.serving_in([activity.community_id]).filter(pk=volunteer.pk).exists():
        return _("You do not serve in this community: register with it first.")
    if activity.eligibility == Activity.Eligibility.UNIT and volunteer.unit_id != activity.eligible_unit_id:
        return _("This activity is for the people of %(unit)s.") % {"unit": activity.eligible_unit.name}
    if activity.eligibility == Activity.Eligibility.PARTY_MEMBERS and not volunteer.is_party_member:
        return _("This activity is for party members.")
    return None


def recent_no_shows(volunteer: Volunteer, now: datetime) -> int:
    return SignUp.objects.filter(
        volunteer=volunteer, status=Status.NO_SHOW, activity__ends_at__gte=now - rules.no_show_window()
    ).count()


def sign_up(*, actor, activity: Activity, volunteer: Volunteer | None = None) -> SignUp:
    """Sign up (a volunteer themself, or an organiser adding someone who serves there).

    1. Checks that need no lock: the activity is open and not a duty day; the person may join it.
    2. Lock the person's row, then the activity's (the module's lock order).
    3. Refuse a second sign-up and one that overlaps another the person holds.
    4. Too many recent no-shows (and not added by the organiser): wait for approval. Else a place
       if one is free, the waitlist if not.
    """
    by_organiser = volunteer is not None
    if by_organiser:
        if not organises(actor, activity):
            raise Forbidden(_("Only the activity's organisers add people to it."))
    else:
        volunteer = Volunteer.objects.filter(user=actor).first() if actor.is_authenticated else None
        if volunteer is None:
            raise Forbidden(_("Fill in your volunteer profile first."))
    now = timezone.now()
    if activity.cancelled_at:
        raise Conflict(_("This activity has been called off."))
    if activity.starts_at <= now:
        raise Conflict(_("Sign-up closed when the activity started."))
    if activity.is_duty:
        raise Conflict(_("Duty days are filled by the roster; swap with a colleague instead."))
    error = eligibility_error(activity, volunteer)
    if error:
        raise Forbidden(error)
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if activity.cancelled_at:
            raise Conflict(_("This activity has been called off."))
        if activity.signups.filter(volunteer=volunteer).exclude(status__in=SignUp.ENDED).exists():
            raise Conflict(_("You have already signed up for this activity."))
        clash = overlapping(volunteer, activity.starts_at, activity.ends_at).exclude(activity=activity).first()
        if clash is not None:
            raise Conflict(
                _("This overlaps with “%(title)s” (%(when)s), which you have signed up for.")
                % {"title": clash.activity.title, "when": _local(clash.activity.starts_at)}
            )
        if not by_organiser and recent_no_shows(volunteer, now) >= rules.no_show_limit():
            signup = SignUp.objects.create(activity=activity, volunteer=volunteer, status=Status.PENDING)
            _tell_organisers(
                activity,
                _("%(name)s asks to join %(title)s (approval needed)")
                % {"name": volunteer.name, "title": activity.title},
            )
            return signup
        taken = activity.signups.filter(status__in=SignUp.PLACE_HOLDING).count()
        confirmed = taken < activity.capacity
        return SignUp.objects.create(
            activity=activity,
            volunteer=volunteer,
            status=Status.CONFIRMED if confirmed else Status.WAITLISTED,
            confirmed_at=now if confirmed else None,
            source=SignUp.Source.ORGANISER if by_organiser else SignUp.Source.SELF,
        )


def overlapping(volunteer: Volunteer, starts_at: datetime, ends_at: datetime):
    """The person's sign-ups that hold their time and overlap [starts_at, ends_at)."""
    return (
        SignUp.objects.holding()
        .filter(volunteer=volunteer, activity__starts_at__lt=ends_at, activity__ends_at__gt=starts_at)
        .filter(activity__cancelled_at__isnull=True)
        .select_related("activity")
    )


def _tell_organisers(activity: Activity, subject: str) -> None:
    notify_bulk(
        [
            Message(recipient=user, subject=subject, link=activity_link(activity))
            for user in holders(activity, [Role.COMMUNITY_WORKER, Role.UNIT_STAFF])
        ]
    )


def waitlist_position(signup: SignUp) -> int | None:
    if signup.status != Status.WAITLISTED:
        return None
    ahead = SignUp.objects.filter(activity_id=signup.activity_id, status=Status.WAITLISTED).filter(
        Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk)
    )
    return ahead.count() + 1


def _promote(activity: Activity, *, places: int) -> list[SignUp]:
    """Give up to ``places`` freed places to the first on the waitlist, and tell them (under the activity's lock)."""
    if places <= 0 or activity.cancelled_at or activity.starts_at <= timezone.now():
        return []
    first = list(
        activity.signups.filter(status=Status.WAITLISTED)
        .select_related("volunteer__user")
        .select_for_update(of=("self",))
        .order_by("created_at", "id")[:places]
    )
    if not first:
        return []
    now = timezone.now()
    SignUp.objects.filter(pk__in=[s.pk for s in first]).update(status=Status.CONFIRMED, confirmed_at=now)
    subject = _("A place is yours: %(title)s on %(when)s") % {
        "title": activity.title,
        "when": _local(activity.starts_at),
    }
    body = _(
        "You were on the waitlist and a place has freed up. If you cannot come, cancel so the next person gets it."
    )
    notify_bulk(
        [
            Message(
                recipient=s.volunteer.user,
                subject=subject,
                body=body,
                link=activity_link(activity),
                key=f"vol-promoted:{s.pk}",
            )
            for s in first
            if s.volunteer.user_id and s.volunteer.user.is_active
        ]
    )
    for s in first:
        s.status, s.confirmed_at = Status.CONFIRMED, now
    return first


def cancel_sign_up(*, actor, signup: SignUp) -> SignUp:
    """Cancel a sign-up: the volunteer until the cut-off before the start, the organiser until the end.

    A confirmed place that frees up goes to the first person on the waitlist, exactly one, who is
    told through the outbox.
    """
    activity = signup.activity
    own = signup.volunteer.user_id == actor.pk
    if not (own or organises(actor, activity)):
        raise Forbidden(_("Only the volunteer or the activity's organisers cancel a sign-up."))
    now = timezone.now()
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        signup = SignUp.objects.select_for_update().get(pk=signup.pk)
        if signup.status not in SignUp.HOLDING:
            raise Conflict(_("This sign-up is no longer in force."))
        if activity.is_duty and own:
            raise Conflict(_("Duty days are not cancelled: ask a colleague to swap, or your unit for leave."))
        if own and signup.status == Status.CONFIRMED and now > activity.starts_at - rules.cancel_cutoff():
            raise Conflict(
                _("Cancelling closed %(cutoff)s before the start; tell the organiser instead.")
                % {"cutoff": duration(rules.cancel_cutoff())}
            )
        if now >= activity.ends_at:
            raise Conflict(_("This activity is over."))
        held_place = signup.status == Status.CONFIRMED
        signup.status, signup.cancelled_at = Status.CANCELLED, now
        signup.save(update_fields=["status", "cancelled_at"])
        if held_place:
            _promote(activity, places=1)
        if not own and signup.volunteer.user_id:
            notify_bulk(
                [
                    Message(
                        recipient=signup.volunteer.user,
                        subject=_("Your sign-up for %(title)s was cancelled by the organiser")
                        % {"title": activity.title},
                        link=activity_link(activity),
                    )
                ]
            )
    return signup


def decide_sign_up(*, actor, signup: SignUp, approve: bool) -> SignUp:
    """The organiser lets a pending sign-up in (a place, or the waitlist when full) or declines it."""
    if not organises(actor, signup.activity):
        raise Forbidden(_("Only the activity's organisers approve sign-ups."))
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=signup.activity_id)
        signup = SignUp.objects.select_for_update(of=("self",)).select_related("volunteer__user").get(pk=signup.pk)
        if signup.status != Status.PENDING:
            raise Conflict(_("This sign-up is not awaiting approval."))
        now = timezone.now()
        if not approve:
            signup.status = Status.DECLINED
            subject = _("Your sign-up for %(title)s was not accepted") % {"title": activity.title}
        elif activity.signups.filter(status__in=SignUp.PLACE_HOLDING).count() < activity.capacity:
            signup.status, signup.confirmed_at = Status.CONFIRMED, now
            subject = _("You are in: %(title)s on %(when)s") % {
                "title": activity.title,
                "when": _local(activity.starts_at),
            }
        else:
            # The place freed while they waited went to someone else: they queue from now on.
            signup.status, signup.created_at = Status.WAITLISTED, now
            subject = _("You are on the waitlist of %(title)s") % {"title": activity.title}
        signup.save(update_fields=["status", "confirmed_at", "created_at"])
        if signup.volunteer.user_id:
            notify_bulk([Message(recipient=signup.volunteer.user, subject=subject, link=activity_link(activity))])
    return signup
