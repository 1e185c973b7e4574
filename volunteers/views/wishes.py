"""Micro-wishes: the list, recording one, its page with the timeline and the step each person may take."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.visibility import scope_ids
from districts.models import Community, Unit
from volunteers import selectors, wishes
from volunteers.forms import CallOffForm, FulfilForm, RateForm, WishForm
from volunteers.models import Registration, Wish, WishEvent
from volunteers.permissions import is_staff_reader, is_volunteer, unit_ids
from volunteers.views.common import found, perform
from web.errors import Conflict, Forbidden, Invalid, add_to_form
from web.pages import forbidden

PAGE_SIZE = 30


def _may_read(user) -> bool:
    return user.is_authenticated and (is_staff_reader(user) or is_volunteer(user))


def _worker_communities(user):
    if user.is_superuser:
        return Community.objects.order_by("code")
    return Community.objects.filter(pk__in=scope_ids(user, (Role.COMMUNITY_WORKER,)).get("community", ())).order_by(
        "code"
    )


def wish_list(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not _may_read(request.user):
        return forbidden(request, _("These pages are for organisers, volunteers, street staff and leaders."))
    rows = Wish.objects.visible_to(request.user).select_related("community", "claimed_unit", "claimed_volunteer")
    state = request.GET.get("status", "")
    if state in Wish.Status.values:
        rows = rows.filter(status=state)
    page = Paginator(rows.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteers/wish_list.html",
        {
            "page": page,
            "state": state,
            "statuses": Wish.Status.choices,
            "can_record": _worker_communities(request.user).exists(),
        },
    )


def wish_new(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    communities = _worker_communities(request.user)
    if not communities.exists():
        return forbidden(request, _("Only the community's workers record its residents' wishes."))
    form = WishForm(request.POST or None)
    status = 200
    if request.method == "POST":
        community = communities.filter(code=request.POST.get("community", "")).first() or (
            communities.first() if communities.count() == 1 else None
        )
        if form.is_valid() and community is not None:
            data = form.cleaned_data
            try:
                wish = wishes.record_wish(actor=request.user, community=community, **data)
            except Forbidden as error:
                return forbidden(request, error.message)
            except Invalid as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Wish recorded; publish it when the units may claim it."))
                return redirect("volunteers:wish", pk=wish.pk)
        elif community is None:
            form.add_error(None, _("Choose the community."))
        status = 400
    return render(request, "volunteers/wish_form.html", {"form": form, "communities": communities}, status=status)


def _wish(request, pk: int) -> Wish:
    return found(
        Wish.objects.visible_to(request.user)
        .select_related("community__street", "claimed_unit", "claimed_volunteer", "recorded_by")
        .filter(pk=pk)
        .first()
    )


def _claim_units(user, wish: Wish):
    registered = Registration.objects.approved().filter(kind="unit", community_id=wish.community_id)
    return Unit.objects.filter(pk__in=unit_ids(user)).filter(pk__in=registered.values("unit_id")).order_by("code")


def wish_detail(request, pk: int, *, fulfil_form=None, rate_form=None, status=200):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    wish = _wish(request, pk)
    user = request.user
    community_side = wishes.is_community_of(user, wish)
    volunteer = selectors.profile_of(user)
    return render(
        request,
        "volunteers/wish_detail.html",
        {
            "wish": wish,
            "show_resident": wishes.can_see_resident(user, wish),
            "community_side": community_side,
            "claim_units": list(_claim_units(user, wish)) if wish.status == Wish.Status.PUBLISHED else [],
            "claim_myself": wish.status == Wish.Status.PUBLISHED
            and volunteer is not None
            and volunteer.is_party_member,
            "claimant": wish.status == Wish.Status.CLAIMED and wishes.is_claimant(user, wish),
            "fulfil_form": fulfil_form or FulfilForm(),
            "rate_form": rate_form or RateForm(),
            "cancel_form": CallOffForm(),
            "events": list(WishEvent.objects.filter(wish=wish).select_related("actor")),
            "photos": list(wish.photos.all()),
        },
        status=status,
    )


@require_POST
def wish_action(request, pk: int, action: str):
    if not request.user.is_authenticated:
        return redirect("login")
    wish = _wish(request, pk)
    user = request.user
    back = reverse("volunteers:wish", args=[wish.pk])
    if action == "publish":
        return perform(request, lambda: wishes.publish_wish(actor=user, wish=wish), success=_("Published."), back=back)
    if action == "claim":
        code = request.POST.get("unit", "")
        unit = _claim_units(user, wish).filter(code=code).first() if code else None
        if code and unit is None:
            return forbidden(request, _("Only units registered with this community claim its wishes."))
        return perform(
            request,
            lambda: wishes.claim_wish(actor=user, wish=wish, unit=unit),
            success=_("Claimed: the community has been told."),
            back=back,
        )
    if action == "cancel":
        form = CallOffForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        return perform(
            request,
            lambda: wishes.cancel_wish(actor=user, wish=wish, reason=reason),
            success=_("Cancelled."),
            back=back,
        )
    if action == "fulfil":
        form = FulfilForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                wishes.fulfil_wish(
                    actor=user, wish=wish, note=form.cleaned_data["note"], files=form.cleaned_data["photos"]
                )
            except Forbidden as error:
                return forbidden(request, error.message)
            except Conflict as error:
                messages.error(request, error.message)
                return redirect(back)
            except Invalid as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Fulfilled: the community will ask the resident."))
                return redirect(back)
        return wish_detail(request, pk, fulfil_form=form, status=400)
    if action == "rate":
        form = RateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            return perform(
                request,
                lambda: wishes.rate_wish(
                    actor=user, wish=wish, satisfaction=data["satisfaction"], feedback=data["feedback"]
                ),
                success=_("The resident's satisfaction is recorded; the wish is closed."),
                back=back,
            )
        return wish_detail(request, pk, rate_form=form, status=400)
    return found(None)
