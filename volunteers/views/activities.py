"""Activities: the list, creating one, its page (sign-up for volunteers, the roll and attendance for
its organisers), the QR code to check in with, and the attendance sheet as Excel."""

import segno
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from volunteers import attendance, exports, rules, selectors, signups
from volunteers.forms import ActivityForm, CallOffForm, CapacityForm
from volunteers.models import Activity, SignUp, Volunteer
from volunteers.permissions import can_organise, managed_ids, organiser_communities, organises
from volunteers.views.common import found, perform, staff_only
from web.errors import Conflict, Forbidden, Invalid, add_to_form
from web.pages import forbidden
from web.query import query_without

PAGE_SIZE = 30


@staff_only
def activity_list(request):
    """The activities in the person's scope: coming ones first, then (``?when=past``) those over."""
    now = timezone.now()
    past = request.GET.get("when") == "past"
    activities = selectors.staff_activities(request.user)
    activities = (
        activities.filter(ends_at__lte=now).order_by("-starts_at", "-id")
        if past
        else activities.filter(ends_at__gt=now).order_by("starts_at", "id")
    )
    if request.GET.get("kind") in Activity.Kind.values:
        activities = activities.filter(kind=request.GET["kind"])
    paginator = Paginator(activities, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/activity_list.html",
        {
            "page": page,
            "paginator": paginator,
            "past": past,
            "kind": request.GET.get("kind", ""),
            "kinds": Activity.Kind.choices,
            "can_organise": can_organise(request.user),
            "page_query": query_without(request.GET, "page"),
        },
    )


@staff_only
def activity_new(request):
    if not can_organise(request.user):
        return forbidden(request, _("Only community workers and unit staff organise activities."))
    communities = organiser_communities(request.user)
    form = ActivityForm(request.POST or None, communities=communities)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                activity = signups.create_activity(
                    actor=request.user,
                    community=data["community"],
                    data=signups.ActivityInput(
                        title=data["title"],
                        kind=data["kind"],
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        place=data["place"],
                        capacity=data["capacity"],
                        description=data["description"],
                        eligibility=data["eligibility"],
                        eligible_unit=data["eligible_unit"],
                    ),
                )
            except Forbidden as error:
                return forbidden(request, error.message)
            except (Conflict, Invalid) as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Activity created: volunteers of the community can sign up now."))
                return redirect("volunteers:activity", pk=activity.pk)
        status = 400
    return render(
        request,
        "volunteers/activity_form.html",
        {"form": form, "no_community": not communities.exists()},
        status=status,
    )


def _activity(request, pk: int) -> Activity:
    if not request.user.is_authenticated:
        raise Http404
    return found(selectors.visible_activity(request.user, pk))


def activity_detail(request, pk: int):
    """One activity: for a volunteer their sign-up; for its organisers the roll, attendance and the QR code."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    activity = _activity(request, pk)
    now = timezone.now()
    volunteer = selectors.profile_of(request.user)
    mine = (
        activity.signups.filter(volunteer=volunteer)
        .exclude(status__in=SignUp.ENDED)
        .select_related("attendance")
        .first()
        if volunteer
        else None
    )
    context = {
        "activity": activity,
        "volunteer": volunteer,
        "mine": mine,
        "position": signups.waitlist_position(mine) if mine else None,
        "can_sign_up": False,
        "now": now,
    }
    if volunteer and mine is None and not activity.cancelled_at and activity.starts_at > now and not activity.is_duty:
        context["why_not"] = signups.eligibility_error(activity, volunteer)
        context["can_sign_up"] = context["why_not"] is None
    if mine is not None:
        context["can_cancel"] = (
            mine.status in SignUp.HOLDING
            and not activity.is_duty
            and now < activity.ends_at
            and (mine.status != SignUp.Status.CONFIRMED or now <= activity.starts_at - rules.cancel_cutoff())
        )
    if organises(request.user, activity):
        roll = list(selectors.roll(activity))
        managed = managed_ids(request.user, [s.volunteer_id for s in roll])
        for signup in roll:
            signup.phone = signup.volunteer.phone if signup.volunteer_id in managed else signup.volunteer.masked_phone
            signup.row = getattr(signup, "attendance", None)
        context.update(
            {
                "organiser": True,
                "roll": roll,
                "recording": rules.correction_open(activity, now),
                "call_off_form": CallOffForm(),
                "capacity_form": CapacityForm(initial={"capacity": activity.capacity}),
                "open_rows": sum(1 for s in roll if s.row and not s.row.checked_out_at),
                "code_shown": not activity.cancelled_at and now <= activity.ends_at + rules.CHECKOUT_CLOSES_AFTER,
            }
        )
    return render(request, "volunteers/activity_detail.html", context)


@require_POST
def activity_signup(request, pk: int):
    if not request.user.is_authenticated:
        return redirect("login")
    activity = _activity(request, pk)
    back = reverse("volunteers:activity", args=[activity.pk])
    try:
        signup = signups.sign_up(actor=request.user, activity=activity)
    except Forbidden as error:
        return forbidden(request, error.message)
    except (Conflict, Invalid) as error:
        messages.error(request, error.message)
        return redirect(back)
    text = {
        SignUp.Status.CONFIRMED: _("You are signed up. See you there!"),
        SignUp.Status.WAITLISTED: _(
            "The activity is full: you are on the waitlist, number %(n)s. You will be told if a place frees up."
        ),
        SignUp.Status.PENDING: _("After several absences, your sign-up waits for the organiser's approval."),
    }[signup.status]
    messages.success(request, text % {"n": signups.waitlist_position(signup)} if "%(n)s" in text else text)
    return redirect(back)


@require_POST
def activity_cancel(request, pk: int):
    """Cancel a sign-up: one's own, or (organisers, ``signup`` given) someone's on the roll."""
    if not request.user.is_authenticated:
        return redirect("login")
    activity = _activity(request, pk)
    back = reverse("volunteers:activity", args=[activity.pk])
    if request.POST.get("signup"):
        if not organises(request.user, activity):
            return forbidden(request, _("Only the activity's organisers cancel someone else's sign-up."))
        signup = found(activity.signups.filter(pk=_int(request.POST["signup"])).first())
    else:
        volunteer = selectors.profile_of(request.user)
        signup = found(activity.signups.filter(volunteer=volunteer).exclude(status__in=SignUp.ENDED).first())
    return perform(
        request,
        lambda: signups.cancel_sign_up(actor=request.user, signup=signup),
        success=_("Sign-up cancelled."),
        back=back,
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@staff_only
@require_POST
def activity_call_off(request, pk: int):
    activity = _activity(request, pk)
    form = CallOffForm(request.POST)
    back = reverse("volunteers:activity", args=[activity.pk])
    if not form.is_valid():
        messages.error(request, _("Say why the activity is called off."))
        return redirect(back)
    return perform(
        request,
        lambda: signups.cancel_activity(actor=request.user, activity=activity, reason=form.cleaned_data["reason"]),
        success=_("Activity called off; everyone signed up has been told."),
        back=back,
    )


@staff_only
@require_POST
def activity_capacity(request, pk: int):
    activity = _activity(request, pk)
    form = CapacityForm(request.POST)
    back = reverse("volunteers:activity", args=[activity.pk])
    if not form.is_valid():
        messages.error(request, _("Give the number of places (1 to 10,000)."))
        return redirect(back)
    return perform(
        request,
        lambda: signups.change_capacity(actor=request.user, activity=activity, capacity=form.cleaned_data["capacity"]),
        success=_("Places changed."),
        back=back,
    )


@staff_only
@require_POST
def activity_attendance(request, pk: int):
    """The organiser's buttons on the roll: check in, check out, approve, decline, everyone out."""
    activity = _activity(request, pk)
    back = reverse("volunteers:activity", args=[activity.pk]) + "#roll"
    action = request.POST.get("action", "")
    if action == "checkout_all":
        return perform(
            request,
            lambda: attendance.check_out_everyone(actor=request.user, activity=activity),
            success=_("Everyone still there is checked out."),
            back=back,
        )
    signup = activity.signups.select_related("volunteer").filter(pk=_int(request.POST.get("signup"))).first()
    if signup is None or action not in ("checkin", "checkout", "approve", "decline"):
        messages.error(request, _("Choose a person on the roll and an action."))
        return redirect(back)
    runs = {
        "checkin": (
            lambda: attendance.check_in(actor=request.user, activity=activity, volunteer=signup.volunteer),
            _("%(name)s checked in."),
        ),
        "checkout": (
            lambda: attendance.check_out(actor=request.user, activity=activity, volunteer=signup.volunteer),
            _("%(name)s checked out."),
        ),
        "approve": (
            lambda: signups.decide_sign_up(actor=request.user, signup=signup, approve=True),
            _("%(name)s let in."),
        ),
        "decline": (
            lambda: signups.decide_sign_up(actor=request.user, signup=signup, approve=False),
            _("%(name)s's sign-up declined."),
        ),
    }
    run, text = runs[action]
    return perform(request, run, success=text % {"name": signup.volunteer.name}, back=back)


@staff_only
def activity_qr(request, pk: int):
    """The check-in code, full screen for a phone or a projector; it renews itself every half minute."""
    activity = _activity(request, pk)
    if not organises(request.user, activity):
        return forbidden(request, _("Only the activity's organisers show its check-in code."))
    now = timezone.now()
    url = request.build_absolute_uri(
        reverse("volunteers:scan", args=[activity.pk, attendance.checkin_code(activity, now)])
    )
    qr = segno.make(url, error="m")
    return render(
        request,
        "volunteers/activity_qr.html",
        {
            "activity": activity,
            "svg": qr.svg_inline(scale=8, border=2, dark="#1f2328"),
            "url": url,
            "open": rules.checkin_open(activity, now) or rules.checkout_open(activity, now),
        },
    )


@staff_only
def activity_export(request, pk: int):
    activity = _activity(request, pk)
    if not organises(request.user, activity):
        return forbidden(request, _("Only the activity's organisers download its attendance sheet."))
    roll = list(selectors.roll(activity))
    managed = managed_ids(request.user, [s.volunteer_id for s in roll])
    return exports.attendance_response(activity, roll, managed)


@staff_only
@require_POST
def activity_add_person(request, pk: int):
    """An organiser adds someone serving in the community (found by phone) to the activity."""
    activity = _activity(request, pk)
    back = reverse("volunteers:activity", args=[activity.pk]) + "#roll"
    phone = (request.POST.get("phone") or "").strip()
    candidates = Volunteer.objects.serving_in([activity.community_id]).filter(phone=phone) if phone else []
    person = candidates.first() if phone else None
    if person is None:
        messages.error(request, _("Nobody serving in this community has this phone number."))
        return redirect(back)
    return perform(
        request,
        lambda: signups.sign_up(actor=request.user, activity=activity, volunteer=person),
        success=_("%(name)s added.") % {"name": person.name},
        back=back,
    )
