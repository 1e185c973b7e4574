"""The life circle's pages: the staff's list and community page, points, import, poster, the
lacks turned into wishes or findings, and the residents' public page (no account)."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts.models import Community
from inspections.models import Category
from neighbourhood import circle, importer, services
from neighbourhood.forms import ImportForm, LackFindingForm, PointForm
from neighbourhood.models import COLOURS, Kind, LackAction, PointOfInterest
from neighbourhood.navigation import READERS
from neighbourhood.services import PointData
from web.errors import Conflict, Forbidden, Invalid, add_to_form
from web.pages import forbidden
from web.sheets import XLSX, table_response


def _may_read(user) -> bool:
    return user.is_superuser or user.has_role(*READERS)


def staff(view):
    """Log in first; then anyone but the circle's readers gets the 403 page."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not _may_read(request.user):
            return forbidden(request, _("These pages are for community workers, street staff and leaders."))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _community(request, code: str) -> Community:
    """The community in the user's scope, or the 404 page (out of scope looks like missing)."""
    community = (
        Community.objects.visible_to(request.user, roles=READERS)
        .select_related("street", "circle_radius")
        .filter(code=code)
        .first()
    )
    if community is None:
        raise Http404
    return community


def _point(request, pk: int) -> PointOfInterest:
    point = PointOfInterest.objects.visible_to(request.user, roles=READERS).select_related("community").filter(pk=pk)
    point = point.first()
    if point is None:
        raise Http404
    return point


def public_url(community: Community) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("neighbourhood:public", args=[community.code])


def map_data(found: circle.Circle) -> dict:
    """What the map script draws: boundary, reach, points by kind (WGS-84; converted for GCJ-02 tiles)."""
    centre = found.centre
    return {
        "tiles": settings.MAP_TILES_URL,
        "crs": settings.MAP_TILES_CRS,
        "center": list(settings.MAP_CENTER),
        "boundary": found.community.boundary,
        "centre": [centre.lat, centre.lng] if centre else None,
        "radius": found.radius_m,
        "points": [
            {
                "kind": p.kind,
                "name": p.name,
                "address": p.address,
                "hours": p.hours,
                "lat": p.lat,
                "lng": p.lng,
                "colour": COLOURS[p.kind],
            }
            for p in found.points
        ],
    }


def _by_kind(found: circle.Circle) -> list[dict]:
    """The legend with the points listed under each kind, in the kinds' order."""
    groups = []
    for kind, label in Kind.choices:
        points = [p for p in found.points if p.kind == kind]
        if points or kind != Kind.OTHER:
            groups.append({"kind": kind, "label": label, "colour": COLOURS[kind], "points": points})
    return groups


@staff
def index(request):
    """The communities in the user's scope, each with its points and what its circle lacks."""
    communities = list(
        Community.objects.visible_to(request.user, roles=READERS).select_related("street").order_by("code")
    )
    circles = circle.circles_of(communities)
    rows = [{"community": c, "circle": circles[c.pk]} for c in communities]
    return render(request, "neighbourhood/index.html", {"rows": rows})


def _lacks_text(found: circle.Circle) -> str:
    if found.centre is None:
        return _("no service centre")
    return "、".join(str(row.label) for row in found.lacks) or _("nothing")


@staff
def export(request):
    """The index as an Excel table: each community's reach, centre, what it lacks, and each kind within reach."""
    communities = list(
        Community.objects.visible_to(request.user, roles=READERS).select_related("street").order_by("code")
    )
    circles = circle.circles_of(communities)
    kinds = circle.EXPECTED
    header = [
        _("Community code"),
        _("Community"),
        _("Street"),
        _("Points"),
        _("Walking reach (m)"),
        _("Service centre's name"),
        _("Lacks within reach"),
        *(str(Kind(kind).label) for kind in kinds),
    ]
    rows = []
    for community in communities:
        found = circles[community.pk]
        within = {row.kind: row.within for row in found.rows}
        rows.append(
            [
                community.code,
                community.name,
                community.street.name,
                len(found.points),
                found.radius_m,
                found.centre.name if found.centre else "",
                _lacks_text(found),
                *(within.get(kind, 0) if found.centre else "" for kind in kinds),
            ]
        )
    return table_response(
        filename=_("life-circles.xlsx"),
        title=_("15-minute life circles: points of each kind within reach of the community service centre"),
        header=header,
        rows=rows,
    )


@staff
def community_page(request, code: str):
    community = _community(request, code)
    found = circle.circle_of(community)
    actions = {}
    for action in LackAction.objects.filter(community=community).select_related("wish", "finding"):
        actions.setdefault(action.kind, []).append(action)
    lacks = [{"row": row, "actions": actions.get(row.kind, [])} for row in found.rows]
    return render(
        request,
        "neighbourhood/community.html",
        {
            "community": community,
            "circle": found,
            "lacks": lacks,
            "groups": _by_kind(found),
            "map_data": map_data(found),
            "can_edit": services.can_edit(request.user, community),
            "can_wish": services.can_wish(request.user, community),
            "public_url": public_url(community),
        },
    )


def _data(form: PointForm) -> PointData:
    return PointData(**form.cleaned_data)


def _point_form(request, community: Community, point: PointOfInterest | None):
    if not services.can_edit(request.user, community):
        return forbidden(request, _("Only the community's workers and the street's staff edit its life circle."))
    initial = None
    if point is not None:
        initial = {f: getattr(point, f) for f in ("kind", "name", "address", "hours", "lat", "lng")}
    form = PointForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if point is None:
                    point, warning = services.create_point(actor=request.user, community=community, data=_data(form))
                else:
                    point, warning = services.update_point(actor=request.user, point=point, data=_data(form))
            except Forbidden as error:
                return forbidden(request, error.message)
            except Invalid as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Saved: %(name)s.") % {"name": point.name})
                if warning:
                    messages.warning(request, warning)
                return redirect("neighbourhood:community", code=community.code)
        status = 400
    found = circle.circle_of(community)
    return render(
        request,
        "neighbourhood/point_form.html",
        {"form": form, "community": community, "point": point, "map_data": map_data(found)},
        status=status,
    )


@staff
def point_new(request, code: str):
    return _point_form(request, _community(request, code), None)


@staff
def point_edit(request, pk: int):
    point = _point(request, pk)
    return _point_form(request, point.community, point)


@staff
@require_POST
def point_delete(request, pk: int):
    point = _point(request, pk)
    community = point.community
    try:
        services.delete_point(actor=request.user, point=point)
    except Forbidden as error:
        return forbidden(request, error.message)
    messages.success(request, _("Removed: %(name)s.") % {"name": point.name})
    return redirect("neighbourhood:community", code=community.code)


@staff
def import_points(request, code: str):
    community = _community(request, code)
    if not services.can_edit(request.user, community):
        return forbidden(request, _("Only the community's workers and the street's staff edit its life circle."))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = importer.import_points(
                    actor=request.user, community=community, upload=form.cleaned_data["file"]
                )
            except importer.ImportRefused as refused:
                errors = refused.errors
            except Forbidden as error:
                return forbidden(request, error.message)
            else:
                messages.success(
                    request,
                    _("Imported: %(created)s new points, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                for warning in result.warnings:
                    messages.warning(request, warning)
                return redirect("neighbourhood:community", code=community.code)
        status = 400
    return render(
        request,
        "neighbourhood/import.html",
        {"form": form, "community": community, "errors": errors, "kinds": importer.CHINESE_LABELS.items()},
        status=status,
    )


@staff
def import_template(request, code: str):
    """The Excel sheet to fill in for the import (the header row it reads, one example row)."""
    community = _community(request, code)
    response = HttpResponse(importer.template(), content_type=XLSX)
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{community.name}-生活圈点位.xlsx"
    )
    return response


@staff
def poster(request, code: str):
    """The printable A4 poster: map, legend, the points, and the residents' page as URL and QR code."""
    community = _community(request, code)
    found = circle.circle_of(community)
    url = public_url(community)
    return render(
        request,
        "neighbourhood/poster.html",
        {
            "community": community,
            "circle": found,
            "groups": _by_kind(found),
            "map_data": map_data(found),
            "public_url": url,
            "qr": segno.make(url, error="m").svg_inline(scale=4, border=1, dark="#000"),
        },
    )


def _lack_kind(kind: str) -> str:
    if kind not in circle.EXPECTED:
        raise Http404
    return kind


@staff
@require_POST
def lack_wish(request, code: str, kind: str):
    community = _community(request, code)
    kind = _lack_kind(kind)
    try:
        wish = services.lack_to_wish(actor=request.user, community=community, kind=kind)
    except Forbidden as error:
        return forbidden(request, error.message)
    except (Conflict, Invalid) as error:
        messages.error(request, error.message)
        return redirect("neighbourhood:community", code=community.code)
    messages.success(request, _("The lack is now a micro-wish: publish it when units may claim it."))
    return redirect("volunteers:wish", pk=wish.pk)


@staff
def lack_finding(request, code: str, kind: str):
    community = _community(request, code)
    kind = _lack_kind(kind)
    if not services.can_edit(request.user, community):
        return forbidden(request, _("Only the community's workers and the street's staff edit its life circle."))
    form = LackFindingForm(request.POST or None, initial_category=services.finding_category())
    found = circle.circle_of(community)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            category: Category = form.cleaned_data["category"]
            try:
                finding = services.lack_to_finding(
                    actor=request.user, community=community, kind=kind, category=category
                )
            except Forbidden as error:
                return forbidden(request, error.message)
            except Conflict as error:
                messages.error(request, error.message)
                return redirect("neighbourhood:community", code=community.code)
            except Invalid as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("The lack is now finding %(code)s.") % {"code": finding.code})
                return redirect("inspections:detail", code=finding.code)
        status = 400
    sentence = services.lack_sentence(found, kind) if (found.row(kind) and found.row(kind).lacking) else ""
    return render(
        request,
        "neighbourhood/lack_finding.html",
        {"form": form, "community": community, "kind": kind, "label": dict(Kind.choices)[kind], "sentence": sentence},
        status=status,
    )


def public(request, code: str):
    """The residents' page: the map and the list, nothing else of the portal; no account; cached."""
    key = services.public_cache_key(code, get_language() or settings.LANGUAGE_CODE)
    context = cache.get(key)
    if context is None:
        community = Community.objects.select_related("circle_radius").filter(code=code).first()
        if community is None:
            raise Http404
        found = circle.circle_of(community)
        groups = [
            {
                "label": str(g["label"]),
                "colour": g["colour"],
                "points": [{"name": p.name, "address": p.address, "hours": p.hours} for p in g["points"]],
            }
            for g in _by_kind(found)
        ]
        context = {
            "name": community.name,
            "radius": found.radius_m,
            "has_centre": found.centre is not None,
            "groups": groups,
            "map_data": map_data(found),
        }
        cache.set(key, context, settings.CIRCLE_PUBLIC_CACHE_SECONDS)
    response = render(request, "neighbourhood/public.html", context)
    patch_cache_control(response, public=True, max_age=settings.CIRCLE_PUBLIC_CACHE_SECONDS)
    return response
