"""Intake: how a problem becomes a finding, from a person (pages, API) or a system (hotline, Open311).

- ``report_finding``: validate, route by location, number, write, and dispatch at once when the
  finding can be routed (through ``workflow.dispatch_at_intake``).
- ``take_in_ticket``: a system's report, idempotent on its own reference (the hotline's ticket
  number), bounded to the district its key serves.
- ``sources_for`` / ``default_source``: the sources a person reports as, by role; the first is
  the default of the intake page and of the API alike.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from districts import routing
from districts.models import Community, District, GridCell, Street
from inspections import permissions, workflow
from inspections import photos as photo_files
from inspections.models import Category, DailySequence, Finding, FindingEvent, FindingPhoto
from web.errors import Conflict, Forbidden, Invalid

Source = Finding.Source
Status = Finding.Status
Kind = FindingEvent.Kind

#: Role → the sources a person in it reports as, the usual one first (the default).
SOURCES_BY_ROLE = {
    Role.GRID_WORKER: (Source.GRID_PATROL, Source.SNAPSHOT),
    Role.SUPERVISOR: (Source.SUPERVISION, Source.CITIZEN_PATROL, Source.UNDERCOVER),
    # The discipline commission's own inspections are mostly undercover visits (暗访).
    Role.INSPECTOR: (Source.UNDERCOVER, Source.SUPERVISION),
    Role.STREET_DISCIPLINE: (Source.SUPERVISION, Source.UNDERCOVER),
    Role.STREET_STAFF: (Source.SELF_INSPECTION, Source.CITIZEN_PATROL, Source.SNAPSHOT),
    Role.COMMUNITY_WORKER: (Source.SELF_INSPECTION, Source.SNAPSHOT),
}


def sources_for(user) -> list[str]:
    """The sources ``user`` may report as, in the order of their memberships; the first is the default."""
    if user.is_superuser:
        return [value for value in Source.values if value != Source.HOTLINE]
    sources: list[str] = []
    for membership in user.memberships_cached:
        for source in SOURCES_BY_ROLE.get(membership.role, ()):
            if source not in sources:
                sources.append(source)
    return sources


def default_source(user) -> str | None:
    sources = sources_for(user)
    return sources[0] if sources else None


@dataclass
class Report:
    """What a reporter says of a problem; validated by ``report_finding``."""

    source: str
    category: Category
    description: str
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    reported_at: datetime | None = None
    external_ref: str = ""
    district: District | None = None


def locate(lat: float | None, lng: float | None) -> GridCell | None:
    """The cell holding the point; ``Invalid`` when a point is given outside every cell."""
    if lat is None and lng is None:
        return None
    if lat is None or lng is None:
        raise Invalid(_("Give both latitude and longitude."), field="lat" if lat is None else "lng")
    cell = routing.locate(lat=lat, lng=lng)
    if cell is None:
        raise Invalid(_("The location is outside the district's grid."), field="lat")
    return cell


def next_code(*, district: District, at: datetime) -> str:
    """The next finding number of the district for the (local) day of ``at``: 370103-20261126-0007."""
    day = timezone.localtime(at).date()
    # The row lock serialises reporters of one district and day; numbers are never reused.
    sequence, _created = DailySequence.objects.select_for_update().get_or_create(district=district, day=day)
    sequence.value += 1
    sequence.save(update_fields=["value"])
    return f"{district.code}-{day:%Y%m%d}-{sequence.value:04d}"


def address_only_place(actor) -> GridCell | object | None:
    """Where an address-only report of ``actor`` lands (DESIGN §4: routed reports go out at once).

    A community worker's lands in their community; a grid worker's in their grid cell when they
    hold one, in their community when their cells all lie in one; street staff's waits in their
    street's queue. Returns the cell, the community or the street (None: nowhere of their own, as
    for the district's roles, whose reports wait for the district's dispatcher).
    """
    memberships = actor.memberships_cached
    for m in memberships:
        if m.community_id:
            return m.community
    cells = [m.grid_cell for m in memberships if m.grid_cell_id]
    if len(cells) == 1:
        return cells[0]
    if cells and len({cell.community_id for cell in cells}) == 1:
        return cells[0].community
    for m in memberships:
        if m.street_id:
            return m.street
    return None


def _place_by_reporter(finding: Finding, actor) -> None:
    """Put an address-only report where ``address_only_place`` says."""
    place = address_only_place(actor)
    if isinstance(place, GridCell):
        workflow.place_in(finding, place)
    elif isinstance(place, Community):
        finding.community = place
        finding.street_id = place.street_id
    elif isinstance(place, Street):
        finding.street_id = place.pk


def report_finding(
    *, actor, report: Report, photos: Iterable = (), kept: Iterable = (), now: datetime | None = None
) -> Finding:
    """Take in a problem, route it by location, and dispatch it at once when it can be routed.

    1. Validate the photos (all of them, before writing) and the location; a finding without
       coordinates takes them from the first photo whose EXIF has GPS.
    2. Route: point → grid cell → community → street → district; a category answered by a
       unit goes to that unit wherever it is.
    3. Number it, set ``deadline_at = reported_at + category.deadline_hours``, write it with its
       ``reported`` event; routed findings are dispatched in the same transaction.
    ``actor`` is None for a system (the hotline), which is then not checked for a role. ``kept``
    are ``DraftPhoto`` rows of the actor's earlier try, which become "before" photos too.
    """
    now = now or timezone.now()
    processed = photo_files.prepare(photos)
    kept = list(kept)
    description = (report.description or "").strip()
    if not description:
        raise Invalid(_("Describe the problem."), field="description")
    if not report.category.is_active:
        raise Invalid(_("This category is no longer in use."), field="category")
    lat, lng, located_from_photo = report.lat, report.lng, False
    if lat is None and lng is None:
        with_gps = next((p for p in [*processed, *kept] if p.gps_lat is not None), None)
        if with_gps is not None and routing.locate(lat=with_gps.gps_lat, lng=with_gps.gps_lng) is not None:
            lat, lng, located_from_photo = with_gps.gps_lat, with_gps.gps_lng, True
    cell = locate(lat, lng)
    if cell is None and not report.address.strip():
        raise Invalid(_("Give the location on the map or an address."), field="address")
    if cell is None and actor is not None and actor.has_role(Role.GRID_WORKER) and not address_only_place(actor):
        # A grid worker's cells in several communities: the address alone cannot say which.
        raise Invalid(_("Your grid cells lie in several communities: put the pin on the map."), field="address")
    if actor is not None and not permissions.can_report_in(actor, cell):
        raise Forbidden(_("Your role does not allow this action on this finding."))
    district = cell.community.street.district if cell else report.district
    if district is None and actor is not None:
        district = District.objects.visible_to(actor).first()
    if district is None:
        raise Invalid(_("The location is outside the district's grid."), field="lat")
    reported_at = report.reported_at or now
    if reported_at > now + timedelta(minutes=5):
        raise Invalid(_("The report time is in the future."), field="reported_at")

    with transaction.atomic():
        finding = Finding(
            source=report.source,
            category=report.category,
            description=description,
            address=report.address.strip(),
            lat=lat,
            lng=lng,
            district=district,
            status=Status.REPORTED,
            reported_at=reported_at,
            deadline_at=reported_at + timedelta(hours=report.category.deadline_hours),
            external_ref=report.external_ref,
            reporter=actor,
        )
        workflow.place_in(finding, cell)
        if cell is None and actor is not None:
            _place_by_reporter(finding, actor)
        if report.category.responsible == Category.Responsible.UNIT:
            finding.responsible_unit = report.category.unit
        finding.code = next_code(district=district, at=reported_at)
        finding.save()
        workflow.record_event(finding, actor=actor, kind=Kind.REPORTED, at=now, source=finding.source)
        if located_from_photo:
            workflow.record_event(finding, actor=None, kind=Kind.LOCATED, at=now, lat=lat, lng=lng)
        for photo in processed:
            photo_files.store(finding, photo, stage=FindingPhoto.Stage.BEFORE, actor=actor, at=now)
        if kept:
            photo_files.attach_drafts(finding, kept, actor=actor, at=now)
        if finding.community_id or finding.responsible_unit_id:
            workflow.dispatch_at_intake(finding, at=now)
    return finding


# --- systems: the hotline, Open311 clients ---------------------------------------------------


@dataclass
class Ticket:
    """A system's report. ``ref`` is the system's own number for it (the hotline's ticket number):
    given, a second delivery of the same number answers with the finding the first one made."""

    source: str
    category: Category
    description: str
    reported_at: datetime
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    ref: str = ""


def taken_in(source: str, ref: str) -> Finding | None:
    """The finding already taken in for ``ref`` from ``source``, if any."""
    if not ref:
        return None
    return Finding.objects.filter(source=source, external_ref=ref).first()


def intake_district(district: District | None) -> District | None:
    """The district a system's key serves, else the only district there is (None when there are several)."""
    if district is not None:
        return district
    districts = list(District.objects.all()[:2])
    return districts[0] if len(districts) == 1 else None


def take_in_ticket(*, ticket: Ticket, district: District | None, photos: Iterable = ()) -> tuple[Finding, bool]:
    """Take in a system's ticket once; returns the finding and whether this call created it.

    1. A ticket already taken in is answered as it stands, whatever the repeat says (a number of
       another district's finding is a ``Conflict``).
    2. The point must lie in the key's district; ``report_finding`` validates, routes and stores.
    3. Two deliveries of one ticket at once: the unique (source, external_ref) constraint lets one
       insert win; the other catches the ``IntegrityError`` and answers with the winner.
    Runs with no acting person: a system is checked by its key, not by a role.
    """

    def repeat(existing: Finding) -> tuple[Finding, bool]:
        if district is not None and existing.district_id != district.pk:
            raise Conflict(_("This ticket number belongs to another district's finding."))
        return existing, False

    existing = taken_in(ticket.source, ticket.ref)
    if existing is not None:
        return repeat(existing)
    serves = intake_district(district)
    if serves is not None and ticket.lat is not None and ticket.lng is not None:
        cell = routing.locate(lat=ticket.lat, lng=ticket.lng)
        if cell is not None and cell.community.street.district_id != serves.pk:
            raise Invalid(_("The location is outside the district's grid."), field="lat")
    report = Report(
        source=ticket.source,
        category=ticket.category,
        description=ticket.description,
        address=ticket.address,
        lat=ticket.lat,
        lng=ticket.lng,
        reported_at=ticket.reported_at,
        external_ref=ticket.ref,
        district=serves,
    )
    try:
        return report_finding(actor=None, report=report, photos=photos), True
    except IntegrityError:
        existing = taken_in(ticket.source, ticket.ref)
        if existing is None:
            raise
        return repeat(existing)
