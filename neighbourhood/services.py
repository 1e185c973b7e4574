"""What changes the life circle: points of interest, and turning a lack into a wish or a finding.

Who may: a community's workers for their community, street staff for the communities of their
street (``can_edit``); leaders read. Every write forgets the residents' cached page.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from accounts.models import Role
from accounts.visibility import holds
from districts.models import Community
from inspections import intake
from inspections.models import Category, Finding
from neighbourhood import circle
from neighbourhood.models import Kind, LackAction, PointOfInterest
from volunteers import wishes
from volunteers.models import Wish
from web.errors import Conflict, Forbidden, Invalid
from web.fields import strip_not_xml

EDITORS = (Role.COMMUNITY_WORKER, Role.STREET_STAFF)
#: A wish or finding still in these states stands for its lack: the same lack is not sent twice.
OPEN_WISH = (Wish.Status.RECORDED, Wish.Status.PUBLISHED, Wish.Status.CLAIMED)
OPEN_FINDING = Finding.OPEN_STATUSES


def can_edit(user, community: Community) -> bool:
    """Community workers edit their community's points; street staff those of their street."""
    return holds(user, EDITORS, community)


def can_wish(user, community: Community) -> bool:
    """A micro-wish is recorded by the community's own workers (``volunteers.wishes.record_wish``)."""
    return holds(user, [Role.COMMUNITY_WORKER], community)


def public_cache_key(code: str, language: str) -> str:
    return f"neighbourhood:public:{code}:{language}"


def forget(community: Community) -> None:
    """Drop the residents' cached page of the community, in every language (after the write)."""
    cache.delete_many([public_cache_key(community.code, code) for code, _name in settings.LANGUAGES])


@dataclass
class PointData:
    """A point of interest as typed on the page or read from a file, before it is checked."""

    kind: str
    name: str
    address: str = ""
    hours: str = ""
    lat: float | None = None
    lng: float | None = None


def check_point(community: Community, data: PointData, *, radius_m: int | None = None) -> str:
    """Check one point; raise ``Invalid`` on its field, or return a warning ("" when none).

    A point outside the community's boundary is accepted when it lies within the walking reach
    of it (the pharmacy across the road serves the community too), with a warning; farther away
    it is refused: it could never be within reach of a centre inside the community, and is most
    likely a mistake (latitude and longitude swapped, another city's coordinates).
    """
    if data.kind not in Kind.values:
        raise Invalid(_("Choose one of the kinds."), field="kind")
    name = strip_not_xml(data.name or "").strip()
    if not name:
        raise Invalid(_("Give the name."), field="name")
    if len(name) > 100:
        raise Invalid(_("The name is longer than 100 characters."), field="name")
    if len(strip_not_xml(data.address or "").strip()) > 200:
        raise Invalid(_("The address is longer than 200 characters."), field="address")
    if len(strip_not_xml(data.hours or "").strip()) > 100:
        raise Invalid(_("The opening hours are longer than 100 characters."), field="hours")
    for field, value, limit in (("lat", data.lat, 90), ("lng", data.lng, 180)):
        if value is None or not isinstance(value, int | float) or isinstance(value, bool):
            raise Invalid(_("Give the location (latitude and longitude)."), field=field)
        if not math.isfinite(value) or abs(value) > limit:
            raise Invalid(_("The coordinates are not WGS-84 longitude/latitude."), field=field)
    radius_m = circle.radius_of(community) if radius_m is None else radius_m
    outside = circle.metres_outside(community.boundary, lat=data.lat, lng=data.lng)
    if outside is not None and outside > radius_m:
        raise Invalid(
            _("The point lies %(distance)s m outside the community, farther than its walking reach (%(radius)s m).")
            % {"distance": round(outside), "radius": radius_m},
            field="lat",
        )
    if outside:
        return _("The point lies %(distance)s m outside the community's boundary.") % {"distance": round(outside)}
    return ""


def _cleaned(data: PointData) -> dict:
    return {
        "kind": data.kind,
        "name": strip_not_xml(data.name).strip(),
        "address": strip_not_xml(data.address or "").strip(),
        "hours": strip_not_xml(data.hours or "").strip(),
        "lat": float(data.lat),
        "lng": float(data.lng),
    }


def _same_name(community: Community, data: PointData, *, exclude: int | None = None) -> bool:
    rows = PointOfInterest.objects.filter(community=community, kind=data.kind, name=strip_not_xml(data.name).strip())
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return rows.exists()


def create_point(*, actor, community: Community, data: PointData) -> tuple[PointOfInterest, str]:
    """Add a point of interest; returns it with the warning of ``check_point``."""
    if not can_edit(actor, community):
        raise Forbidden(_("Only the community's workers and the street's staff edit its life circle."))
    warning = check_point(community, data)
    if _same_name(community, data):
        raise Invalid(_("The community already has a point of this kind by that name."), field="name")
    with transaction.atomic():
        point = PointOfInterest.objects.create(community=community, updated_by=actor, **_cleaned(data))
    forget(community)
    return point, warning


def update_point(*, actor, point: PointOfInterest, data: PointData) -> tuple[PointOfInterest, str]:
    """Change a point of interest; returns it with the warning of ``check_point``."""
    community = point.community
    if not can_edit(actor, community):
        raise Forbidden(_("Only the community's workers and the street's staff edit its life circle."))
    warning = check_point(community, data)
    if _same_name(community, data, exclude=point.pk):
        raise Invalid(_("The community already has a point of this kind by that name."), field="name")
    with transaction.atomic():
        for key, value in _cleaned(data).items():
            setattr(point, key, value)
        point.updated_by = actor
        point.save()
    forget(community)
    return point, warning


def delete_point(*, actor, point: PointOfInterest) -> None:
    community = point.community
    if not can_edit(actor, community):
        raise Forbidden(_("Only the community's workers and the street's staff edit its life circle."))
    with transaction.atomic():
        point.delete()
    forget(community)


def write_points(*, actor, community: Community, rows: list[PointData]) -> tuple[int, int]:
    """Write checked rows (``neighbourhood.importer``): update by kind and name, else create.

    Returns (created, updated). One transaction: all rows or none.
    """
    if not can_edit(actor, community):
        raise Forbidden(_("Only the community's workers and the street's staff edit its life circle."))
    with transaction.atomic():
        existing = {
            (p.kind, p.name): p for p in PointOfInterest.objects.select_for_update().filter(community=community)
        }
        new, changed = [], []
        for data in rows:
            values = _cleaned(data)
            point = existing.get((values["kind"], values["name"]))
            if point is None:
                new.append(PointOfInterest(community=community, updated_by=actor, **values))
            else:
                for key, value in values.items():
                    setattr(point, key, value)
                point.updated_by = actor
                changed.append(point)
        PointOfInterest.objects.bulk_create(new)
        # bulk_update does not apply auto_now: the time is set here.
        now = timezone.now()
        for point in changed:
            point.updated_at = now
        PointOfInterest.objects.bulk_update(changed, ["address", "hours", "lat", "lng", "updated_by", "updated_at"])
    forget(community)
    return len(new), len(changed)


# --- From a lack to a micro-wish or a finding ----------------------------------------------


def _open_action(community: Community, kind: str, *, of: str) -> LackAction | None:
    rows = LackAction.objects.filter(community=community, kind=kind)
    rows = rows.filter(wish__status__in=OPEN_WISH) if of == "wish" else rows.filter(finding__status__in=OPEN_FINDING)
    return rows.select_related("wish", "finding").first()


def _lack(community: Community, kind: str) -> circle.Circle:
    if kind not in circle.EXPECTED:
        raise Invalid(_("Choose one of the kinds."), field="kind")
    found = circle.circle_of(community)
    row = found.row(kind)
    if row is None or not row.lacking:
        raise Conflict(_("The circle no longer lacks this: a point of the kind is now within reach."))
    return found


def lack_sentence(found: circle.Circle, kind: str) -> str:
    """ "No clinic or pharmacy within 1000 m of the service centre", or the missing centre."""
    label = dict(Kind.choices)[kind]
    if kind == Kind.SERVICE_CENTRE:
        return _("%(community)s has no community service centre on its life circle map.") % {
            "community": found.community.name
        }
    if found.centre is None:
        return _("%(community)s: no %(kind)s can be placed within reach, for there is no service centre.") % {
            "community": found.community.name,
            "kind": label,
        }
    return _("%(community)s: no %(kind)s within %(radius)s m of %(centre)s (15-minute life circle).") % {
        "community": found.community.name,
        "kind": label,
        "radius": found.radius_m,
        "centre": found.centre.name,
    }


def lack_to_wish(*, actor, community: Community, kind: str) -> Wish:
    """Record the lack as the community's micro-wish (居民点单 on behalf of its residents)."""
    if not can_wish(actor, community):
        raise Forbidden(_("Only the community's workers record its residents' wishes."))
    found = _lack(community, kind)
    if _open_action(community, kind, of="wish") is not None:
        raise Conflict(_("This lack is already a micro-wish that is still open."))
    label = dict(Kind.choices)[kind]
    with transaction.atomic():
        wish = wishes.record_wish(
            actor=actor,
            community=community,
            title=(_("A %(kind)s within walking reach") % {"kind": label})[:100],
            description=lack_sentence(found, kind),
            resident_name=(_("Residents of %(community)s") % {"community": community.name})[:50],
        )
        LackAction.objects.create(community=community, kind=kind, wish=wish, created_by=actor)
    return wish


def finding_category() -> Category | None:
    return Category.objects.filter(code=settings.CIRCLE_FINDING_CATEGORY, is_active=True).first()


def lack_to_finding(*, actor, community: Community, kind: str, category: Category) -> Finding:
    """Report the lack as a finding, placed at the service centre (else inside the community).

    It goes through ``inspections.intake.report_finding``: routed, numbered and dispatched like
    any other report, with the source the actor's role reports as (自查 for the community).
    """
    if not can_edit(actor, community):
        raise Forbidden(_("Only the community's workers and the street's staff edit its life circle."))
    found = _lack(community, kind)
    if _open_action(community, kind, of="finding") is not None:
        raise Conflict(_("This lack is already a finding that is still open."))
    source = intake.default_source(actor)
    if source is None:
        raise Forbidden(_("Your role does not report findings."))
    lat = lng = None
    if found.centre is not None:
        lat, lng = found.centre.lat, found.centre.lng
    elif community.boundary:
        inside = shape(community.boundary).representative_point()
        lat, lng = inside.y, inside.x
    address = found.centre.address if found.centre is not None and found.centre.address else community.name
    with transaction.atomic():
        finding = intake.report_finding(
            actor=actor,
            report=intake.Report(
                source=source,
                category=category,
                description=lack_sentence(found, kind),
                address=address[:200],
                lat=lat,
                lng=lng,
            ),
        )
        LackAction.objects.create(community=community, kind=kind, finding=finding, created_by=actor)
    return finding
