"""The organisers' pages of 双报到 and the roster: registrations, the people, duty rules and days."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Prefetch, Q, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from districts.models import Unit
from volunteers import registration, roster, stats, swaps
from volunteers.forms import DecisionForm, LeaveForm, MemberForm, PeriodForm, ReassignForm, RuleForm, UnitRegisterForm
from volunteers.models import Activity, DutyRule, Registration, SignUp, Volunteer
from volunteers.permissions import managed_ids, unit_ids
from volunteers.views.common import found, perform, staff_only
from web.errors import Conflict, Forbidden, Invalid, add_to_form
from web.pages import forbidden

PAGE_SIZE = 50


def _my_units(user):
    return Unit.objects.filter(pk__in=unit_ids(user)).order_by("code") if not user.is_superuser else Unit.objects.all()


# --- registrations -------------------------------------------------------------------------


@staff_only
def registrations(request):
    """Community workers decide on registrations with their community; unit staff register their unit."""
    rows = Registration.objects.visible_to(request.user).select_related(
        "community__street", "unit", "volunteer", "decided_by"
    )
    state = request.GET.get("status", "")
    if state in Registration.Status.values:
        rows = rows.filter(status=state)
    # Those awaiting a decision first: they are what the page is for.
    waiting = Case(When(status=Registration.Status.PENDING, then=0), default=1)
    rows = rows.order_by(waiting, "-requested_at", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    units = _my_units(request.user)
    return render(
        request,
        "volunteers/registrations.html",
        {
            "page": page,
            "state": state,
            "statuses": Registration.Status.choices,
            "deciding": request.user.has_role(Role.COMMUNITY_WORKER) or request.user.is_superuser,
            "unit_form": UnitRegisterForm(units=units)
            if units.exists() and request.user.has_role(Role.UNIT_STAFF)
            else None,
            "decision_form": DecisionForm(),
        },
    )


@staff_only
@require_POST
def registration_new(request):
    form = UnitRegisterForm(request.POST, units=_my_units(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose the unit and the community."))
        return redirect("volunteers:registrations")
    data = form.cleaned_data
    return perform(
        request,
        lambda: registration.register_unit(
            actor=request.user, unit=data["unit"], community=data["community"], note=data["note"]
        ),
        success=_("Registration sent to %(community)s.") % {"community": data["community"].name},
        back=reverse("volunteers:registrations"),
    )


@staff_only
@require_POST
def registration_decide(request, pk: int):
    row = found(Registration.objects.visible_to(request.user).filter(pk=pk).first())
    approve = request.POST.get("decision") == "approve"
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return perform(
        request,
        lambda: registration.decide_registration(actor=request.user, registration=row, approve=approve, note=note),
        success=_("Registration approved.") if approve else _("Registration rejected."),
        back=reverse("volunteers:registrations"),
    )


@staff_only
@require_POST
def registration_withdraw(request, pk: int):
    row = found(Registration.objects.visible_to(request.user).filter(pk=pk).first())
    return perform(
        request,
        lambda: registration.withdraw_registration(actor=request.user, registration=row),
        success=_("Registration withdrawn."),
        back=reverse("volunteers:registrations"),
    )


# --- people --------------------------------------------------------------------------------


@staff_only
def people(request):
    """The volunteers in the person's scope; phones masked unless the person manages the profile."""
    rows = Volunteer.objects.visible_to(request.user).select_related("unit")
    query = (request.GET.get("q") or "").strip().replace("\x00", "")[:50]
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(phone=query) | Q(unit__name__icontains=query))
    page = Paginator(rows.order_by("unit__code", "name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    managed = managed_ids(request.user, [v.pk for v in page.object_list])
    standings = stats.standings([v.pk for v in page.object_list])
    for volunteer in page.object_list:
        volunteer.shown_phone = volunteer.phone if volunteer.pk in managed else volunteer.masked_phone
        volunteer.standing = standings[volunteer.pk]
    units = _my_units(request.user)
    return render(
        request,
        "volunteers/people.html",
        {
            "page": page,
            "q": query,
            "member_form": MemberForm() if units.exists() and request.user.has_role(Role.UNIT_STAFF) else None,
            "units": units,
        },
    )


@staff_only
@require_POST
def person_new(request):
    units = list(_my_units(request.user))
    unit = next((u for u in units if u.code == request.POST.get("unit")), units[0] if len(units) == 1 else None)
    form = MemberForm(request.POST)
    if unit is None:
        return forbidden(request, _("Only the unit's own staff manage its people."))
    if form.is_valid():
        data = form.cleaned_data
        try:
            person = registration.add_member(
                actor=request.user,
                unit=unit,
                name=data["name"],
                phone=data["phone"],
                is_party_member=data["is_party_member"],
                skills=data["skills"],
                availability=data["days"],
                username=data["username"],
            )
        except Forbidden as error:
            return forbidden(request, error.message)
        except (Conflict, Invalid) as error:
            add_to_form(form, error, aliases={"availability": "days"})
        else:
            messages.success(request, _("%(name)s added to %(unit)s.") % {"name": person.name, "unit": unit.name})
            return redirect("volunteers:person", pk=person.pk)
    messages.error(request, _("The person was not added; please check the marked fields."))
    page = Paginator(Volunteer.objects.none(), PAGE_SIZE).get_page(1)
    return render(
        request, "volunteers/people.html", {"page": page, "member_form": form, "units": units, "q": ""}, status=400
    )


@staff_only
def person(request, pk: int):
    """One volunteer: their profile (editable by their unit's staff), registrations, leave and hours."""
    volunteer = found(Volunteer.objects.visible_to(request.user).select_related("unit", "user").filter(pk=pk).first())
    manages_unit = volunteer.unit_id is not None and (
        request.user.is_superuser or volunteer.unit_id in unit_ids(request.user)
    )
    form = MemberForm(request.POST or None, volunteer=volunteer) if manages_unit else None
    status = 200
    if request.method == "POST":
        if form is None:
            return forbidden(request, _("Only the unit's own staff manage its people."))
        if request.POST.get("action") == "release":
            return perform(
                request,
                lambda: registration.release_member(actor=request.user, volunteer=volunteer),
                success=_("%(name)s no longer belongs to the unit.") % {"name": volunteer.name},
                back=reverse("volunteers:people"),
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration.update_member(
                    actor=request.user,
                    volunteer=volunteer,
                    name=data["name"],
                    phone=data["phone"],
                    is_party_member=data["is_party_member"],
                    skills=data["skills"],
                    availability=data["days"],
                )
            except (Conflict, Invalid) as error:
                add_to_form(form, error, aliases={"availability": "days"})
            else:
                messages.success(request, _("Saved."))
                return redirect("volunteers:person", pk=volunteer.pk)
        status = 400
    mine = stats.totals(volunteer.attendances.all())
    managed = managed_ids(request.user, [volunteer.pk])
    return render(
        request,
        "volunteers/person.html",
        {
            "volunteer": volunteer,
            "phone": volunteer.phone if volunteer.pk in managed else volunteer.masked_phone,
            "form": form,
            "totals": mine,
            "registrations": list(volunteer.registrations.select_related("community")),
            "leaves": list(volunteer.leaves.filter(ends_on__gte=timezone.localdate())),
            "leave_form": LeaveForm() if manages_unit else None,
            "recent": list(volunteer.attendances.select_related("activity").order_by("-checked_in_at")[:10]),
        },
        status=status,
    )


@staff_only
@require_POST
def person_leave(request, pk: int):
    volunteer = found(Volunteer.objects.visible_to(request.user).filter(pk=pk).first())
    form = LeaveForm(request.POST)
    back = reverse("volunteers:person", args=[volunteer.pk])
    if not form.is_valid():
        messages.error(request, _("Give the first and the last day of the leave."))
        return redirect(back)
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
        success=_("Leave recorded."),
        back=back,
    )


# --- the duty roster -----------------------------------------------------------------------


def _month(request) -> tuple[date, date]:
    """The month asked for (``?month=2026-12``), else this one."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (request.GET.get("month") or "").split("-"))
        first = date(year, month, 1)
    except (TypeError, ValueError):
        first = today.replace(day=1)
    if not 2000 <= first.year <= 2100:
        first = today.replace(day=1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


@staff_only
def roster_page(request):
    """Duty rules and a month of duty days, with the gaps and who is on duty."""
    user = request.user
    first, last = _month(request)
    rules_in = DutyRule.objects.visible_to(user).select_related("unit", "community").order_by("-starts_on", "id")
    days = (
        stats.duty_days(Activity.objects.filter(rule__in=rules_in))
        .filter(starts_at__date__gte=first, starts_at__date__lte=last, cancelled_at__isnull=True)
        .select_related("community", "rule__unit")
        .prefetch_related(
            Prefetch(
                "signups",
                queryset=SignUp.objects.filter(status__in=roster.ON_DUTY)
                .select_related("volunteer")
                .order_by("volunteer__name"),
                to_attr="on_duty_list",
            )
        )
        .order_by("starts_at", "community__code")
    )
    units = _my_units(user)
    manageable = {rule.pk for rule in rules_in if user.is_superuser or rule.unit_id in unit_ids(user)}
    days = list(days)
    for day in days:
        day.weekend = timezone.localtime(day.starts_at).weekday() >= 5
        day.gap = 0 if day.weekend else max(day.capacity - day.on_duty, 0)
        day.manageable = day.rule_id in manageable
    people_of = (
        {unit.pk: list(Volunteer.objects.filter(unit=unit, is_active=True).order_by("name")) for unit in units}
        if len(units) <= 5
        else {}
    )
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render(
        request,
        "volunteers/roster.html",
        {
            "rules": list(rules_in),
            "manageable": manageable,
            "days": days,
            "gaps": [d for d in days if d.gap],
            "first": first,
            "last": last,
            "previous": previous,
            "following": following,
            "rule_form": RuleForm(units=units, initial={"starts_on": first, "ends_on": last})
            if units.exists()
            else None,
            "period_form": PeriodForm(initial={"start": max(first, timezone.localdate()), "end": last}),
            "people_of": people_of,
            "coverage": stats.coverage(rules_in, start=first, end=last),
            "now": timezone.now(),
        },
    )


@staff_only
@require_POST
def rule_new(request):
    units = _my_units(request.user)
    form = RuleForm(request.POST, units=units)
    if not units.exists():
        return forbidden(request, _("Only the unit's staff make its duty roster."))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("volunteers:roster")
    data = form.cleaned_data
    if data["ends_on"] < data["starts_on"]:
        messages.error(request, _("The last day is before the first."))
        return redirect("volunteers:roster")
    if data["shift_end"] <= data["shift_start"]:
        messages.error(request, _("The shift ends before it starts."))
        return redirect("volunteers:roster")
    rule = DutyRule(created_by=request.user, **data)
    if rule.community_id and not roster.rule_communities(rule):
        messages.error(request, _("The unit is not registered with this community (or with any): register first."))
        return redirect("volunteers:roster")
    rule.save()
    messages.success(request, _("Duty rule saved: generate its days below."))
    return redirect(f"{reverse('volunteers:roster')}?month={data['starts_on']:%Y-%m}")


@staff_only
@require_POST
def roster_generate(request, pk: int):
    rule = found(DutyRule.objects.visible_to(request.user).filter(pk=pk).first())
    form = PeriodForm(request.POST)
    back = reverse("volunteers:roster")
    if not form.is_valid():
        messages.error(request, _("Give the first and the last day of the period."))
        return redirect(back)
    try:
        result = roster.generate_roster(
            actor=request.user, rule=rule, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    except Forbidden as error:
        return forbidden(request, error.message)
    except (Conflict, Invalid) as error:
        messages.error(request, error.message)
        return redirect(back)
    text = _("%(assigned)s duty places filled over %(days)s new days.") % {
        "assigned": result.assigned,
        "days": result.days_created,
    }
    if result.gaps:
        messages.error(
            request,
            text + " " + _("%(count)s weekdays are short of people: see the gaps.") % {"count": len(result.gaps)},
        )
    else:
        messages.success(request, text + " " + _("Every weekday has its people."))
    return redirect(f"{back}?month={result.start:%Y-%m}")


@staff_only
@require_POST
def duty_reassign(request):
    """The unit's staff give one person's duty day to another of the unit's people."""
    try:
        pk = int(request.POST.get("signup", ""))
    except ValueError:
        pk = 0
    signup = found(
        SignUp.objects.filter(activity__rule__in=DutyRule.objects.visible_to(request.user))
        .select_related("activity", "volunteer")
        .filter(pk=pk)
        .first()
    )
    form = ReassignForm(request.POST, people=Volunteer.objects.filter(unit_id=signup.activity.eligible_unit_id))
    back = f"{reverse('volunteers:roster')}?month={timezone.localdate(signup.activity.starts_at):%Y-%m}"
    if not form.is_valid():
        messages.error(request, _("Choose one of the unit's people."))
        return redirect(back)
    return perform(
        request,
        lambda: swaps.reassign_duty(actor=request.user, signup=signup, volunteer=form.cleaned_data["volunteer"]),
        success=_("Duty day moved to %(name)s.") % {"name": form.cleaned_data["volunteer"].name},
        back=back,
    )
