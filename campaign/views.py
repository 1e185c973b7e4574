"""/dashboard/: the leaders' dashboard, its definitions, the findings behind its numbers, its Excel
tables; inspection rounds marked on a phone; the daily briefings.

Leaders (district, street, community) see their own scope; anything outside it is a 404. A
wrong role is the 403 page. Rounds change only through ``campaign.rounds``: ``Forbidden`` is the
403 page, ``Conflict`` a message, ``Invalid`` the form again with the error on its field (400).
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import dashboard, exports, rounds
from campaign.forms import DashboardForm, MarkForm, StartRoundForm
from campaign.models import ActionLine, Briefing, CategoryLink, InspectionRound, Mark
from districts.models import Community
from inspections import rollup, selectors
from inspections.models import Finding
from oversight.forms import resolve_period
from web.errors import Conflict, Forbidden, Invalid, add_to_form
from web.pages import forbidden
from web.query import clean_params

PAGE_SIZE = 50


def leaders_only(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not dashboard.can_view(request.user):
            return forbidden(request, _("The dashboard is for the district's, streets' and communities' leaders."))
        return view(request, *args, **kwargs)

    return wrapped


def filters_from(request) -> tuple[dashboard.Filters | None, DashboardForm]:
    """The dashboard's filters from the query string (None with the form's errors when they are bad)."""
    user = request.user
    streets = list(dashboard.visible_streets(user))
    campaigns = list(dashboard.campaigns_for(user))
    params = clean_params(request.GET, exclude=("page", "measure", "community", "unit", "category", "source"))
    params.pop("action_line", None)
    form = DashboardForm(params or None, campaigns=campaigns, streets=streets)
    if form.is_bound and not form.is_valid():
        return None, form
    if form.is_bound:
        data = form.cleaned_data
    else:
        # Nothing asked: the last 30 days, every street of the scope, the active campaign.
        start, end = resolve_period()
        data = {"from": start, "to": end, "street": "", "campaign": None}
    street = next((s for s in streets if s.code == data["street"]), None) if data.get("street") else None
    campaign = next((c for c in campaigns if c.pk == data.get("campaign")), None)
    if campaign is None:
        campaign = next((c for c in campaigns if c.is_active), campaigns[0] if campaigns else None)
    return dashboard.Filters(start=data["from"], end=data["to"], campaign=campaign, street=street), form


@leaders_only
def home(request):
    """The dashboard: cards, rankings, red list, charts, map, quality of closure."""
    filters, form = filters_from(request)
    if filters is None:
        return render(request, "campaign/dashboard.html", {"form": form}, status=400)
    data = dashboard.build(request.user, filters)
    charts = {
        "series": data["series"],
        "sources": [{"name": row["name"], "value": row["reported"]} for row in data["sources"] if row["reported"]],
        "categories": [{"name": row["name"], "value": row["reported"]} for row in data["categories"]],
        "actionLines": [{"name": row["name"], "value": row["reported"]} for row in data["action_lines"]],
        "scoreTrend": data["score_trend"],
        "text": {
            "reported": _("Reported"),
            "closed": _("Closed"),
            "overdue": _("Went overdue"),
            "score": _("Score"),
        },
    }
    map_data = {
        "tiles": settings.MAP_TILES_URL,
        "crs": settings.MAP_TILES_CRS,
        "center": list(settings.MAP_CENTER),
        "cells": data["map"]["cells"],
        "streets": data["map"]["streets"],
        "text": {"open": _("open"), "overdue": _("overdue")},
        "listUrl": reverse("inspections:findings"),
    }
    return render(
        request,
        "campaign/dashboard.html",
        {
            "form": form,
            "data": data,
            "filters": filters,
            "query": filters.query(),
            "charts": charts,
            "map_data": map_data,
            "tables": exports.TABLES,
        },
    )


@leaders_only
def definitions(request):
    """口径说明: each measure's definition, from the code that computes it."""
    return render(request, "campaign/definitions.html", {"definitions": dashboard.definitions()})


@leaders_only
def findings(request):
    """The findings behind one number of the dashboard: a roll-up measure, a period, a place."""
    filters, form = filters_from(request)
    name = request.GET.get("measure", "")
    # A NUL byte is no code of anything (and PostgreSQL refuses it in a query): a bad request.
    if filters is None or name not in rollup.MEASURE_BY_NAME or any("\x00" in v for v in request.GET.values()):
        return render(request, "campaign/findings.html", {"form": form, "bad": True}, status=400)
    found = Finding.objects.visible_to(request.user, roles=dashboard.LEADER_ROLES)
    place = {
        "street": "street__code",
        "community": "community__code",
        "unit": "responsible_unit__code",
        "category": "category__code",
        "source": "source",
    }
    for param, lookup in place.items():
        value = request.GET.get(param, "").strip()
        if value:
            found = found.filter(**{lookup: value})
    line = request.GET.get("action_line", "").strip()
    if line and filters.campaign is not None:
        line_ids = ActionLine.objects.filter(campaign=filters.campaign, code=line).values("pk")
        found = found.filter(
            category__in=CategoryLink.objects.filter(campaign=filters.campaign, action_line__in=line_ids).values(
                "category"
            )
        )
    found = rollup.findings_behind(found, name, start=filters.start, end=filters.end)
    paginator = Paginator(found.for_list().order_by("-reported_at", "-id"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    selectors.annotate_deadlines(page.object_list)
    measure = rollup.MEASURE_BY_NAME[name]
    return render(
        request,
        "campaign/findings.html",
        {
            "form": form,
            "measure": measure,
            "dated_by": rollup.DATED_BY[measure.dated_by],
            "filters": filters,
            "page": page,
            "paginator": paginator,
            "page_query": clean_params(request.GET, exclude=("page",)).urlencode(),
        },
    )


@leaders_only
def export(request, table: str):
    """One table of the dashboard as an Excel file."""
    if table not in exports.TABLES:
        raise Http404(_("No such table."))
    filters, form = filters_from(request)
    if filters is None:
        return render(request, "campaign/dashboard.html", {"form": form}, status=400)
    data = dashboard.build(request.user, filters)
    return exports.table_response(table, data)


# --- inspection rounds ---------------------------------------------------------------------


def _rounds_or_403(request):
    user = request.user
    if not (rounds.can_inspect(user) or dashboard.can_view(user)):
        return forbidden(request, _("Inspection rounds are for the supervision team and the leaders."))
    return None


@login_required
def round_list(request):
    """Rounds in the user's scope, newest first; a supervisor starts one here."""
    refused = _rounds_or_403(request)
    if refused:
        return refused
    user = request.user
    found = (
        InspectionRound.objects.visible_to(user, roles=(*rounds.ROUND_ROLES, *dashboard.LEADER_ROLES))
        .select_related("community__street", "campaign", "follow_up_of")
        .order_by("-on", "-id")
    )
    paginator = Paginator(found, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "campaign/round_list.html",
        {"page": page, "can_start": rounds.can_inspect(user), "paginator": paginator},
    )


def _communities(user):
    return Community.objects.visible_to(user, roles=rounds.ROUND_ROLES).select_related("street").order_by("code")


@login_required
def round_new(request):
    """Start a round: community, kind, date, follow-up or not."""
    user = request.user
    if not rounds.can_inspect(user):
        return forbidden(request, _("Only the supervision team starts inspection rounds."))
    communities = list(_communities(user))
    campaign = rounds.active_campaign(user)
    status = 200
    if request.method == "POST":
        form = StartRoundForm(request.POST, communities=communities)
        if form.is_valid():
            data = form.cleaned_data
            community = next(c for c in communities if c.code == data["community"])
            try:
                if campaign is None:
                    raise Invalid(_("There is no active campaign."), field="community")
                round_ = rounds.start_round(
                    actor=user,
                    campaign=campaign,
                    community=community,
                    on=data["on"],
                    kind=data["kind"],
                    follow_up=data["follow_up"],
                )
            except Forbidden as error:
                return forbidden(request, error.message)
            except Invalid as error:
                add_to_form(form, error)
            else:
                return redirect("campaign:round", pk=round_.pk)
        status = 400
    else:
        form = StartRoundForm(communities=communities)
    return render(request, "campaign/round_new.html", {"form": form, "campaign": campaign}, status=status)


def _round_or_404(user, pk: int) -> InspectionRound:
    found = (
        InspectionRound.objects.visible_to(user, roles=(*rounds.ROUND_ROLES, *dashboard.LEADER_ROLES))
        .select_related("community__street", "campaign", "follow_up_of", "started_by", "closed_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(_("No such round in your area."))
    return found


def _render_round(request, round_: InspectionRound, *, failed: tuple[int, MarkForm] | None = None, status=200):
    marks = list(round_.marks.select_related("item", "finding").prefetch_related("photos"))
    forms_by_mark = {}
    for mark in marks:
        if failed and failed[0] == mark.pk:
            forms_by_mark[mark.pk] = failed[1]
        else:
            forms_by_mark[mark.pk] = MarkForm(
                initial={"result": mark.result, "note": mark.note, "lat": mark.lat, "lng": mark.lng},
                auto_id=f"id_m{mark.pk}_%s",
            )
    rows = [{"mark": mark, "form": forms_by_mark[mark.pk]} for mark in marks]
    done = sum(1 for mark in marks if mark.result)
    return render(
        request,
        "campaign/round_detail.html",
        {
            "round": round_,
            "rows": rows,
            "done": done,
            "total": len(marks),
            "can_mark": round_.state == InspectionRound.State.OPEN
            and rounds.can_inspect(request.user, round_.community),
            "comparison": rounds.comparison(round_),
            "failed_count": sum(1 for mark in marks if mark.result == Mark.Result.FAIL),
            "texts": {
                "saved": _("Saved: %s"),
                "offline": _("Not saved: no connection. Try this item again."),
            },
        },
        status=status,
    )


@login_required
def round_detail(request, pk: int):
    """A round: its items to mark (on a phone, one at a time), or its result and findings once closed."""
    refused = _rounds_or_403(request)
    if refused:
        return refused
    return _render_round(request, _round_or_404(request.user, pk))


def _wants_json(request) -> bool:
    return request.headers.get("x-requested-with") == "fetch"


@login_required
@require_POST
def mark(request, pk: int, mark_pk: int):
    """Save one item's mark at once (a fetch from the round page, or a plain form post)."""
    refused = _rounds_or_403(request)
    if refused:
        return refused
    round_ = _round_or_404(request.user, pk)
    found = round_.marks.select_related("item").filter(pk=mark_pk).first()
    if found is None:
        raise Http404(_("No such item in this round."))
    if not rounds.can_inspect(request.user, round_.community):
        return forbidden(request, _("Only the supervision team marks inspection rounds."))
    form = MarkForm(request.POST, request.FILES, auto_id=f"id_m{found.pk}_%s")
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            found = rounds.mark_item(
                actor=request.user,
                mark=found,
                result=data["result"],
                note=data["note"],
                lat=data["lat"],
                lng=data["lng"],
                photos=data["photos"],
            )
        except Conflict as exc:
            error = exc
            if not _wants_json(request):
                messages.error(request, exc.message)
                return redirect("campaign:round", pk=round_.pk)
        except Invalid as exc:
            add_to_form(form, exc)
            error = exc
    if _wants_json(request):
        if form.errors or error:
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            if error and not errors:
                errors = {"__all__": [error.message]}
            return JsonResponse({"saved": False, "errors": errors}, status=409 if isinstance(error, Conflict) else 400)
        return JsonResponse(
            {"saved": True, "result": found.result, "label": found.get_result_display(), "photos": found.photos.count()}
        )
    if form.errors:
        return _render_round(request, round_, failed=(found.pk, form), status=400)
    return redirect(f"{reverse('campaign:round', args=[round_.pk])}#mark-{found.pk}")


@login_required
@require_POST
def round_close(request, pk: int):
    """Close the round: failed items become findings, the score is written."""
    refused = _rounds_or_403(request)
    if refused:
        return refused
    round_ = _round_or_404(request.user, pk)
    try:
        round_ = rounds.close_round(actor=request.user, round_=round_)
    except Forbidden as error:
        return forbidden(request, error.message)
    except (Conflict, Invalid) as error:
        messages.error(request, error.message)
        return redirect("campaign:round", pk=round_.pk)
    count = round_.marks.filter(finding__isnull=False).count()
    messages.success(
        request,
        _("The round is closed with a score of %(score)s; %(count)s findings were reported.")
        % {"score": round_.score if round_.score is not None else "—", "count": count},
    )
    return redirect("campaign:round", pk=round_.pk)


# --- briefings -----------------------------------------------------------------------------


def _briefings(user):
    return Briefing.objects.visible_to(user, roles=dashboard.LEADER_ROLES).select_related("street", "district")


@leaders_only
def briefing_list(request):
    """The kept daily briefings of the leader's scope, newest first."""
    paginator = Paginator(_briefings(request.user).order_by("-day", "street__code"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "campaign/briefing_list.html", {"page": page, "paginator": paginator})


def _briefing_or_404(user, pk: int) -> Briefing:
    found = _briefings(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such briefing in your area."))
    return found


@leaders_only
def briefing_detail(request, pk: int):
    """One briefing as it was made (printable)."""
    return render(request, "campaign/briefing_detail.html", {"briefing": _briefing_or_404(request.user, pk)})


@leaders_only
def briefing_workbook(request, pk: int):
    briefing = _briefing_or_404(request.user, pk)
    place = briefing.street.code if briefing.street else briefing.district.code
    name = f"{_('Daily briefing')}-{briefing.day:%Y%m%d}-{place}.xlsx"
    return FileResponse(briefing.workbook.open("rb"), as_attachment=True, filename=name, content_type=exports.XLSX)
