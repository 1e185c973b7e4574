"""Swapping duty days with a colleague of the same unit (换班).

A volunteer asks a colleague to take one of their duty days, optionally taking one of the
colleague's in return; the colleague accepts or declines. The unit's staff may also move a duty
day from one person to another directly. Either way the person taking a day must be free for it:
one of their days of the week, not on leave, nothing else at that time, not already on it.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import Message, notify_bulk
from volunteers.models import Leave, SignUp, SwapRequest, Volunteer
from volunteers.permissions import unit_ids
from volunteers.signups import overlapping
from web.errors import Conflict, Forbidden, Invalid

Status = SwapRequest.Status


def _when(signup: SignUp) -> str:
    return timezone.localtime(signup.activity.starts_at).strftime("%Y-%m-%d %H:%M")


def free_for(volunteer: Volunteer, signup: SignUp, *, giving: SignUp | None = None) -> str | None:
    """Why ``volunteer`` cannot take the duty day of ``signup`` (None: they can); ``giving`` is a
    sign-up of theirs they give away in the same swap."""
    activity = signup.activity
    day = timezone.localdate(activity.starts_at)
    if not volunteer.is_active or volunteer.unit_id != activity.eligible_unit_id:
        return _("%(name)s is not one of the unit's people.") % {"name": volunteer.name}
    if not volunteer.available_on(day):
        return _("%(name)s does not serve on that day of the week.") % {"name": volunteer.name}
    if Leave.objects.filter(volunteer=volunteer, starts_on__lte=day, ends_on__gte=day).exists():
        return _("%(name)s is on leave that day.") % {"name": volunteer.name}
    if activity.signups.filter(volunteer=volunteer).exclude(status__in=SignUp.ENDED).exists():
        return _("%(name)s is already on that duty day.") % {"name": volunteer.name}
    clash = overlapping(volunteer, activity.starts_at, activity.ends_at)
    if giving is not None:
        clash = clash.exclude(pk=giving.pk)
    if clash.exists():
        return _("%(name)s has something else at that time.") % {"name": volunteer.name}
    return None


def _swappable(signup: SignUp) -> None:
    if not signup.activity.is_duty:
        raise Invalid(_("Only duty days are swapped."), field="signup")
    if signup.status != SignUp.Status.CONFIRMED:
        raise Conflict(_("This duty day is no longer yours to give."))
    if signup.activity.starts_at <= timezone.now():
        raise Conflict(_("This duty day has begun."))


def request_swap(*, actor, signup: SignUp, colleague: Volunteer, in_return: SignUp | None = None) -> SwapRequest:
    """Ask ``colleague`` to take ``signup`` (the actor's duty day), optionally giving ``in_return``."""
    requester = Volunteer.objects.filter(user=actor).first() if actor.is_authenticated else None
    if requester is None or signup.volunteer_id != requester.pk:
        raise Forbidden(_("Only the person on duty offers their day."))
    _swappable(signup)
    if colleague.pk == requester.pk:
        raise Invalid(_("Choose a colleague."), field="colleague")
    if in_return is not None:
        if in_return.volunteer_id != colleague.pk:
            raise Invalid(_("The day in return must be the colleague's own."), field="in_return")
        _swappable(in_return)
        error = free_for(requester, in_return, giving=signup)
        if error:
            raise Invalid(error, field="in_return")
    error = free_for(colleague, signup, giving=in_return)
    if error:
        raise Invalid(error, field="colleague")
    with transaction.atomic():
        # The day's row is the lock: two requests for one day at once take turns.
        SignUp.objects.select_for_update().get(pk=signup.pk)
        if SwapRequest.objects.filter(signup=signup, status=Status.PENDING).exists():
            raise Conflict(_("You have already asked someone to take this day."))
        swap = SwapRequest.objects.create(signup=signup, requester=requester, colleague=colleague, in_return=in_return)
        if colleague.user_id:
            subject = _("%(name)s asks you to take their duty day %(when)s") % {
                "name": requester.name,
                "when": _when(signup),
            }
            body = _("In return they take yours of %(when)s.") % {"when": _when(in_return)} if in_return else ""
            notify_bulk(
                [Message(recipient=colleague.user, subject=subject, body=body, link=reverse("volunteers:home"))]
            )
    return swap


def _move(signup: SignUp, to: Volunteer) -> None:
    signup.volunteer = to
    signup.reminded_day_at = signup.reminded_soon_at = None
    signup.save(update_fields=["volunteer", "reminded_day_at", "reminded_soon_at"])


def answer_swap(*, actor, swap: SwapRequest, accept: bool) -> SwapRequest:
    """The colleague accepts (the days change hands, checked again under lock) or declines."""
    if swap.colleague.user_id != actor.pk:
        raise Forbidden(_("Only the colleague asked answers."))
    with transaction.atomic():
        # Both people's rows first (as every sign-up does), then the swap and its days.
        list(Volunteer.objects.select_for_update().filter(pk__in=[swap.requester_id, swap.colleague_id]).order_by("pk"))
        swap = SwapRequest.objects.select_for_update().select_related("requester", "colleague").get(pk=swap.pk)
        if swap.status != Status.PENDING:
            raise Conflict(_("This request has already been answered."))
        swap.status, swap.decided_at = (Status.ACCEPTED if accept else Status.DECLINED), timezone.now()
        if accept:
            signup = SignUp.objects.select_for_update().select_related("activity").get(pk=swap.signup_id)
            in_return = (
                SignUp.objects.select_for_update().select_related("activity").get(pk=swap.in_return_id)
                if swap.in_return_id
                else None
            )
            for day in filter(None, (signup, in_return)):
                if day.status != SignUp.Status.CONFIRMED or day.activity.starts_at <= timezone.now():
                    raise Conflict(_("One of the duty days has changed meanwhile; the swap is off."))
            error = free_for(swap.colleague, signup, giving=in_return)
            if error is None and in_return is not None:
                error = free_for(swap.requester, in_return, giving=signup)
            if error:
                raise Conflict(error)
            _move(signup, swap.colleague)
            if in_return is not None:
                _move(in_return, swap.requester)
        swap.save(update_fields=["status", "decided_at"])
        if swap.requester.user_id:
            subject = (
                _("%(name)s took your duty day %(when)s")
                if accept
                else _("%(name)s cannot take your duty day %(when)s")
            ) % {"name": swap.colleague.name, "when": _when(swap.signup)}
            notify_bulk([Message(recipient=swap.requester.user, subject=subject, link=reverse("volunteers:home"))])
    return swap


def withdraw_swap(*, actor, swap: SwapRequest) -> SwapRequest:
    if swap.requester.user_id != actor.pk:
        raise Forbidden(_("Only the person who asked withdraws the request."))
    with transaction.atomic():
        swap = SwapRequest.objects.select_for_update().get(pk=swap.pk)
        if swap.status != Status.PENDING:
            raise Conflict(_("This request has already been answered."))
        swap.status, swap.decided_at = Status.WITHDRAWN, timezone.now()
        swap.save(update_fields=["status", "decided_at"])
    return swap


def reassign_duty(*, actor, signup: SignUp, volunteer: Volunteer) -> SignUp:
    """The unit's staff move a duty day to another of the unit's people (illness, a gap filled)."""
    activity = signup.activity
    if not activity.is_duty or not (actor.is_superuser or activity.eligible_unit_id in unit_ids(actor)):
        raise Forbidden(_("Only the unit's staff move its duty days."))
    _swappable(signup)
    error = free_for(volunteer, signup)
    if error:
        raise Invalid(error, field="volunteer")
    with transaction.atomic():
        list(Volunteer.objects.select_for_update().filter(pk=volunteer.pk))
        signup = (
            SignUp.objects.select_for_update(of=("self",))
            .select_related("activity", "volunteer__user")
            .get(pk=signup.pk)
        )
        if signup.status != SignUp.Status.CONFIRMED:
            raise Conflict(_("This duty day is no longer yours to give."))
        previous = signup.volunteer
        _move(signup, volunteer)
        messages = []
        if volunteer.user_id:
            messages.append(
                Message(
                    recipient=volunteer.user,
                    subject=_("You are on duty %(when)s") % {"when": _when(signup)},
                    link=reverse("volunteers:home"),
                )
            )
        if previous.user_id:
            messages.append(
                Message(
                    recipient=previous.user,
                    subject=_("Your duty day %(when)s went to %(name)s")
                    % {"when": _when(signup), "name": volunteer.name},
                    link=reverse("volunteers:home"),
                )
            )
        notify_bulk(messages)
    return signup
