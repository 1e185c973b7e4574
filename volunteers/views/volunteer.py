"""The volunteer's own pages, phone first: my activities and sign-ups, my duty days and swaps,
registration with a community, my profile and leave, my hours and certificates, the QR check-in,
and the calendar feed."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts.models import Community
from volunteers import attendance, calendar, certificates, registration, rules, selectors, stats, swaps
from volunteers.forms import LeaveForm, ProfileForm, RegisterForm, SwapForm
from volunteers.models import Activity, Certificate, Leave, Registration, SignUp, SwapRequest, Volunteer
from volunteers.permissions import is_staff_reader, is_volunteer, manages
from volunteers.signups import waitlist_position
from volunteers.views.common import found, perform, volunteer_only
from web.errors import Conflict, Forbidden, Invalid, add_to_form
from web.pages import forbidden

#: How many coming duty days the volunteer's page lists.
DUTY_SHOWN = 5


def home(request):
    """A volunteer's page; staff land on the activities they organise or read."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not is_volunteer(request.user):
        if is_staff_reader(request.user):
            return redirect("volunteers:activities")
        return forbidden(request, _("These pages are for volunteers."))
    volunteer = selectors.profile_of(request.user)
    if volunteer is None:
        return profile(request)
    now = timezone.now()
    signups = list(selectors.upcoming_signups(volunteer, now))
    # The cards show each activity's places: counted for all of them in one query.
    counted = Activity.objects.filter(pk__in=[s.activity_id for s in signups]).with_counts().in_bulk()
    for signup in signups:
        signup.activity.signed_up = counted[signup.activity_id].signed_up
        signup.activity.waitlisted = counted[signup.activity_id].waitlisted
        signup.position = waitlist_position(signup)
        signup.can_cancel = (
            signup.status in SignUp.HOLDING
            and not signup.activity.is_duty
            and (signup.status != SignUp.Status.CONFIRMED or now <= signup.activity.starts_at - rules.cancel_cutoff())
        )
    duty = [s for s in signups if s.activity.is_duty and s.status == SignUp.Status.CONFIRMED]
    asked, waiting = selectors.pending_swaps(volunteer)
    colleagues = Volunteer.objects.filter(unit_id=volunteer.unit_id, is_active=True).exclude(pk=volunteer.pk)
    their_days = (
        SignUp.objects.filter(
            volunteer__in=colleagues,
            status=SignUp.Status.CONFIRMED,
            activity__rule__isnull=False,
            activity__starts_at__gt=now,
        )
        .select_related("volunteer", "activity")
        .order_by("activity__starts_at")
    )
    mine = selectors.attendance_of(volunteer)
    return render(
        request,
        "volunteers/home.html",
        {
            "volunteer": volunteer,
            "signups": [s for s in signups if not (s.activity.is_duty and s.status == SignUp.Status.CONFIRMED)],
            # The next few duty days; the rest are on the calendar feed.
            "duty": duty[:DUTY_SHOWN],
            "duty_more": max(len(duty) - DUTY_SHOWN, 0),
            "swap_form": SwapForm(colleagues=colleagues, their_days=their_days) if duty and volunteer.unit_id else None,
            "asked": asked,
            "waiting": waiting,
            "open": selectors.open_activities(volunteer, now)[:30],
            "communities": list(selectors.served_communities(volunteer)),
            "registrations": list(volunteer.registrations.select_related("community").order_by("-requested_at")[:5]),
            "totals": stats.totals(mine),
            "week": stats.turnout_of(mine, now),
        },
    )


@volunteer_only
def profile(request):
    """My profile (first visit: made here), my leave, my calendar link."""
    volunteer = selectors.profile_of(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, volunteer=volunteer)
    else:
        form = ProfileForm(volunteer=volunteer)
        if volunteer is None:
            form.initial.update({"name": request.user.real_name, "phone": request.user.phone})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration.save_profile(
                    actor=request.user,
                    name=data["name"],
                    phone=data["phone"],
                    is_party_member=data["is_party_member"],
                    skills=data["skills"],
                    availability=data["days"],
                )
            except Invalid as error:
                add_to_form(form, error, aliases={"availability": "days"})
            else:
                messages.success(request, _("Profile saved."))
                return redirect("volunteers:home")
        status = 400
    return render(
        request,
        "volunteers/profile.html",
        {
            "volunteer": volunteer,
            "form": form,
            "leave_form": LeaveForm(),
            "leaves": list(volunteer.leaves.filter(ends_on__gte=timezone.localdate())) if volunteer else [],
            "register_form": RegisterForm(),
            "calendar_url": request.build_absolute_uri(reverse("volunteers:calendar", args=[volunteer.calendar_token]))
            if volunteer
            else "",
        },
        status=status,
    )


@volunteer_only
@require_POST
def register(request):
    """党员报到 with the community where the member lives."""
    form = RegisterForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("volunteers:profile")
    data = form.cleaned_data
    return perform(
        request,
        lambda: registration.register_member(actor=request.user, community=data["community"], note=data["note"]),
        success=_("Registration sent to %(community)s; it will tell you once it decides.")
        % {"community": data["community"].name},
        back=reverse("volunteers:home"),
    )


@volunteer_only
@require_POST
def withdraw_own_registration(request, pk: int):
    own = get_object_or_404(Registration.objects.filter(volunteer__user=request.user), pk=pk)
    return perform(
        request,
        lambda: registration.withdraw_registration(actor=request.user, registration=own),
        success=_("Registration withdrawn."),
        back=reverse("volunteers:home"),
    )


@volunteer_only
@require_POST
def leave_add(request):
    volunteer = found(selectors.profile_of(request.user))
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the first and the last day of the leave."))
        return redirect("volunteers:profile")
    data = form.cleaned_data
    return perform(
        request,
        lambda: registration.add_leave(
            actor=request.user,
            volunteer=volunteer,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            reason=data["reason"],
        ),
        success=_("Leave recorded: the roster leaves you out on those days."),
        back=reverse("volunteers:profile"),
    )


@require_POST
def leave_cancel(request, pk: int):
    """The person or their unit's staff take back a leave."""
    if not request.user.is_authenticated:
        return redirect("login")
    leave = get_object_or_404(Leave.objects.select_related("volunteer"), pk=pk)
    if not (leave.volunteer.user_id == request.user.pk or manages(request.user, leave.volunteer)):
        raise Http404
    back = request.POST.get("back") or reverse("volunteers:profile")
    if not back.startswith("/volunteers/"):
        back = reverse("volunteers:profile")
    return perform(
        request,
        lambda: registration.cancel_leave(actor=request.user, leave=leave),
        success=_("Leave taken back."),
        back=back,
    )


@volunteer_only
@require_POST
def calendar_renew(request):
    volunteer = found(selectors.profile_of(request.user))
    return perform(
        request,
        lambda: registration.renew_calendar(actor=request.user, volunteer=volunteer),
        success=_("New calendar link made; the old one no longer works."),
        back=reverse("volunteers:profile"),
    )


def calendar_feed(request, token: str):
    """The .ics feed at its secret URL (no login: calendars cannot log in)."""
    volunteer = get_object_or_404(Volunteer, calendar_token=token, is_active=True)
    response = HttpResponse(calendar.feed(volunteer), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="volunteer.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- hours and certificates ----------------------------------------------------------------


@volunteer_only
def my_hours(request):
    """My hours and person-times, my star level, week by week, and my certificates."""
    volunteer = selectors.profile_of(request.user)
    if volunteer is None:
        return profile(request)
    now = timezone.now()
    mine = selectors.attendance_of(volunteer)
    return render(
        request,
        "volunteers/my_hours.html",
        {
            "volunteer": volunteer,
            "totals": stats.totals(mine),
            "weeks": stats.weekly(mine, start=now - timedelta(weeks=12), end=now + timedelta(days=1)),
            "recent": selectors.recent_attendance(volunteer),
            "served": list(certificates.communities_served(volunteer)),
            "certificates": list(volunteer.certificates.select_related("community")),
            "stars": rules.STARS,
        },
    )


@volunteer_only
@require_POST
def certificate_issue(request):
    volunteer = found(selectors.profile_of(request.user))
    community = Community.objects.filter(code=request.POST.get("community", "")).first()
    if community is None:
        messages.error(request, _("Choose the community."))
        return redirect("volunteers:my_hours")
    try:
        certificate = certificates.issue_certificate(actor=request.user, volunteer=volunteer, community=community)
    except Forbidden as error:
        return forbidden(request, error.message)
    except Invalid as error:
        messages.error(request, error.message)
        return redirect("volunteers:my_hours")
    return redirect("volunteers:certificate", pk=certificate.pk)


def certificate(request, pk: int):
    """The printable 志愿服务记录证明: for the person, and for whoever manages their profile."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    row = get_object_or_404(Certificate.objects.select_related("volunteer", "community__street__district"), pk=pk)
    if not (row.volunteer.user_id == request.user.pk or manages(request.user, row.volunteer)):
        raise Http404
    return render(request, "volunteers/certificate.html", {"certificate": row, "standing": rules.standing(row.hours)})


# --- QR check-in ---------------------------------------------------------------------------


def scan(request, pk: int, code: str):
    """Where the organiser's QR code leads: check in (or, once in, out) with one tap."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    activity = get_object_or_404(Activity.objects.select_related("community"), pk=pk)
    volunteer = selectors.profile_of(request.user)
    signup = (
        activity.signups.filter(volunteer=volunteer)
        .exclude(status__in=SignUp.ENDED)
        .select_related("attendance")
        .first()
        if volunteer
        else None
    )
    checked_in = signup is not None and signup.status == SignUp.Status.ATTENDED
    if request.method == "POST":
        step = attendance.check_out if checked_in else attendance.check_in
        try:
            row = step(actor=request.user, activity=activity, code=code)
        except Forbidden as error:
            return forbidden(request, error.message)
        except (Conflict, Invalid) as error:
            return render(
                request,
                "volunteers/scan.html",
                {"activity": activity, "signup": signup, "error": error.message},
                status=409,
            )
        if checked_in:
            messages.success(request, _("Checked out: %(hours)s hours counted.") % {"hours": row.hours})
        else:
            messages.success(request, _("Checked in. Thank you for coming!"))
        return redirect("volunteers:home")
    valid = attendance.code_is_valid(activity, code)
    return render(
        request,
        "volunteers/scan.html",
        {
            "activity": activity,
            "signup": signup,
            "checked_in": checked_in,
            "code": code,
            "error": "" if valid else _("This code has expired: scan the code on the organiser's screen again."),
        },
        status=200 if valid else 409,
    )


# --- swaps ---------------------------------------------------------------------------------


@volunteer_only
@require_POST
def swap_new(request, signup_pk: int):
    volunteer = found(selectors.profile_of(request.user))
    signup = get_object_or_404(SignUp.objects.select_related("activity").filter(volunteer=volunteer), pk=signup_pk)
    colleagues = Volunteer.objects.filter(unit_id=volunteer.unit_id or 0, is_active=True).exclude(pk=volunteer.pk)
    their_days = SignUp.objects.filter(volunteer__in=colleagues).select_related("activity", "volunteer")
    form = SwapForm(request.POST, colleagues=colleagues, their_days=their_days)
    if not form.is_valid():
        messages.error(request, _("Choose a colleague of your unit."))
        return redirect("volunteers:home")
    data = form.cleaned_data
    return perform(
        request,
        lambda: swaps.request_swap(
            actor=request.user, signup=signup, colleague=data["colleague"], in_return=data["in_return"]
        ),
        success=_("Asked %(name)s; you will be told of the answer.") % {"name": data["colleague"].name},
        back=reverse("volunteers:home"),
    )


@volunteer_only
@require_POST
def swap_answer(request, pk: int):
    swap = get_object_or_404(
        SwapRequest.objects.select_related("colleague", "requester", "signup"), pk=pk, colleague__user=request.user
    )
    accept = request.POST.get("answer") == "accept"
    return perform(
        request,
        lambda: swaps.answer_swap(actor=request.user, swap=swap, accept=accept),
        success=_("You took the duty day.") if accept else _("Declined."),
        back=reverse("volunteers:home"),
    )


@volunteer_only
@require_POST
def swap_withdraw(request, pk: int):
    swap = get_object_or_404(SwapRequest.objects.select_related("requester"), pk=pk, requester__user=request.user)
    return perform(
        request,
        lambda: swaps.withdraw_swap(actor=request.user, swap=swap),
        success=_("Request withdrawn."),
        back=reverse("volunteers:home"),
    )
