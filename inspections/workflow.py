"""The finding workflow: the only code that changes ``Finding.status`` (DESIGN §4).

Each transition is ``verb_finding(*, actor, finding, ...)``. In one transaction it locks the
finding's row, checks the current status and the actor's right, changes the row and appends
its ``FindingEvent``. Two people acting on one finding at once are serialised by the row lock:
the second sees the status the first left and gets ``Conflict``, with nothing half-written.

    reported ─dispatch→ dispatched ─acknowledge→ rectifying ─submit→ submitted ─verify→ closed
                                                      ↑                  │
                                                      └─────return───────┘
    decline: back to reported (the street's dispatcher); reassign: dispatched to another side;
    mark invalid / duplicate: from any open status.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts import routing
from districts.models import Community, District, GridCell, Unit
from inspections import notices, permissions
from inspections.models import Category, DailySequence, Extension, Finding, FindingEvent, FindingPhoto
from inspections.photos import PhotoError, ProcessedPhoto
from inspections.photos import process as process_photo

Status = Finding.Status
Kind = FindingEvent.Kind


class WorkflowError(Exception):
    """A workflow step was refused; ``str(error)`` is a message for the person acting."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Forbidden(WorkflowError):
    """The actor's role does not allow this (HTTP 403)."""


class Conflict(WorkflowError):
    """The finding is not (or no longer) in a status that allows this (HTTP 409)."""


class Invalid(WorkflowError):
    """The input does not allow this (HTTP 400 with the field)."""


# --- helpers -------------------------------------------------------------------------------


def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().get(pk=finding.pk)


def _require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(_("Your role does not allow this action on this finding."))


def _expect(finding: Finding, *statuses: str) -> None:
    if finding.status not in statuses:
        raise Conflict(
            _("This finding is now “%(status)s”; the action was not applied. Reload to see the latest.")
            % {"status": finding.get_status_display()}
        )


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Please give a reason."), field=field)
    return reason


def _event(finding: Finding, *, actor, kind: str, old: str = "", note: str = "", at=None, **payload) -> FindingEvent:
    return FindingEvent.objects.create(
        finding=finding,
        actor=actor,
        kind=kind,
        from_status=old,
        to_status=finding.status if old else "",
        note=note,
        at=at or timezone.now(),
        payload=payload,
    )


def _transition(finding: Finding, *, actor, kind: str, to: str, note: str = "", fields=(), **payload) -> Finding:
    old = finding.status
    finding.status = to
    finding.save(update_fields=["status", "updated_at", *fields])
    event = _event(finding, actor=actor, kind=kind, old=old, note=note, **payload)
    # Messages are outbox rows in this same transaction: committed with the change or not at all.
    notices.status_changed(finding, event)
    return finding


ACK_WINDOW_FIELDS = ["dispatched_at", "ack_deadline_at", "ack_late_at", "acknowledged_at"]


def _open_ack_window(finding: Finding, at: datetime) -> None:
    """Dispatched now: the acknowledgement clock starts again (category.ack_minutes)."""
    finding.dispatched_at = at
    finding.ack_deadline_at = at + timedelta(minutes=finding.category.ack_minutes)
    finding.ack_late_at = None
    finding.acknowledged_at = None


def next_code(*, district: District, at: datetime) -> str:
    """The next finding number of the district for the (local) day of ``at``: 370103-20261126-0007."""
    day = timezone.localtime(at).date()
    # The row lock serialises reporters of one district and day; numbers are never reused.
    sequence, _created = DailySequence.objects.select_for_update().get_or_create(district=district, day=day)
    sequence.value += 1
    sequence.save(update_fields=["value"])
    return f"{district.code}-{day:%Y%m%d}-{sequence.value:04d}"


def _place(finding: Finding, cell: GridCell | None) -> None:
    finding.grid_cell = cell
    if cell is not None:
        finding.community = cell.community
        finding.street = cell.community.street
        finding.district = cell.community.street.district


def _place_by_reporter(finding: Finding, actor) -> None:
    """An address-only report lands in the reporter's own street or community, when they have one.

    Street staff's report waits in their street's queue; a community worker's goes to their community.
    """
    for m in actor.memberships_cached:
        if m.community_id:
            finding.community = m.community
            finding.street_id = m.community.street_id
            return
    for m in actor.memberships_cached:
        if m.street_id:
            finding.street_id = m.street_id
            return


# --- intake --------------------------------------------------------------------------------


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


def prepare_photos(files: Iterable, *, field: str = "photos") -> list[ProcessedPhoto]:
    """Validate every upload before anything is written; ``Invalid`` names the first bad one."""
    processed = []
    for index, upload in enumerate(files):
        try:
            processed.append(process_photo(upload))
        except PhotoError as exc:
            name = getattr(upload, "name", "") or str(index + 1)
            raise Invalid(_("Photo %(name)s: %(error)s") % {"name": name, "error": exc}, field=field) from exc
    return processed


def report_finding(*, actor, report: Report, photos: Iterable = (), now: datetime | None = None) -> Finding:
    """Take in a problem, route it by location, and dispatch it at once when it can be routed.

    1. Validate the photos (all of them, before writing) and the location; a finding without
       coordinates takes them from the first photo whose EXIF has GPS.
    2. Route: point → grid cell → community → street → district; a category answered by a
       unit goes to that unit wherever it is.
    3. Number it, set ``deadline_at = reported_at + category.deadline_hours``, write it with its
       ``reported`` event; routed findings are dispatched in the same transaction.
    ``actor`` is None for a system (the hotline), which is then not checked for a role.
    """
    now = now or timezone.now()
    processed = prepare_photos(photos)
    description = (report.description or "").strip()
    if not description:
        raise Invalid(_("Describe the problem."), field="description")
    if not report.category.is_active:
        raise Invalid(_("This category is no longer in use."), field="category")
    lat, lng, located_from_photo = report.lat, report.lng, False
    if lat is None and lng is None:
        with_gps = next((p for p in processed if p.gps_lat is not None), None)
        if with_gps is not None and routing.locate(lat=with_gps.gps_lat, lng=with_gps.gps_lng) is not None:
            lat, lng, located_from_photo = with_gps.gps_lat, with_gps.gps_lng, True
    cell = locate(lat, lng)
    if cell is None and not report.address.strip():
        raise Invalid(_("Give the location on the map or an address."), field="address")
    if actor is not None:
        _require(permissions.can_report_in(actor, cell))
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
        _place(finding, cell)
        if cell is None and actor is not None:
            _place_by_reporter(finding, actor)
        if report.category.responsible == Category.Responsible.UNIT:
            finding.responsible_unit = report.category.unit
        finding.code = next_code(district=district, at=reported_at)
        finding.save()
        _event(finding, actor=actor, kind=Kind.REPORTED, at=now, source=finding.source)
        if located_from_photo:
            _event(finding, actor=None, kind=Kind.LOCATED, at=now, lat=lat, lng=lng)
        for photo in processed:
            _store_photo(finding, photo, stage=FindingPhoto.Stage.BEFORE, actor=actor, at=now)
        if finding.community_id or finding.responsible_unit_id:
            _open_ack_window(finding, now)
            _transition(
                finding,
                actor=None,
                kind=Kind.DISPATCHED,
                to=Status.DISPATCHED,
                fields=ACK_WINDOW_FIELDS,
                **_assignee_payload(finding),
            )
    return finding


def _assignee_payload(finding: Finding) -> dict:
    if finding.responsible_unit_id:
        return {"unit": finding.responsible_unit.code}
    return {"community": finding.community.code, "grid": finding.grid_cell.code if finding.grid_cell_id else None}


def _store_photo(finding: Finding, photo: ProcessedPhoto, *, stage: str, actor, at) -> FindingPhoto:
    row = FindingPhoto(
        finding=finding,
        stage=stage,
        taken_at=photo.taken_at,
        gps_lat=photo.gps_lat,
        gps_lng=photo.gps_lng,
        uploader=actor,
        uploaded_at=at,
    )
    row.image.save(photo.image.name, photo.image, save=False)
    row.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
    row.save()
    return row


def add_photo(*, actor, finding: Finding, stage: str, upload) -> FindingPhoto:
    """Attach a photo; a GPS-tagged photo locates a finding that has no coordinates yet."""
    if stage not in FindingPhoto.Stage.values:
        raise Invalid(_("Choose “before” or “after”."), field="stage")
    (photo,) = prepare_photos([upload], field="image")
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_add_photo(actor, finding, stage))
        if not finding.is_open:
            raise Conflict(_("This finding is closed; no more photos can be added."))
        if stage == FindingPhoto.Stage.AFTER:
            _expect(finding, Status.RECTIFYING)
        now = timezone.now()
        row = _store_photo(finding, photo, stage=stage, actor=actor, at=now)
        _event(finding, actor=actor, kind=Kind.PHOTO_ADDED, at=now, stage=stage, photo=row.pk)
        if finding.lat is None and photo.gps_lat is not None:
            cell = routing.locate(lat=photo.gps_lat, lng=photo.gps_lng)
            if cell is not None:
                finding.lat, finding.lng = photo.gps_lat, photo.gps_lng
                fields = ["lat", "lng", "updated_at"]
                if finding.grid_cell_id is None:
                    _place(finding, cell)
                    fields += ["grid_cell", "community", "street", "district"]
                finding.save(update_fields=fields)
                _event(finding, actor=None, kind=Kind.LOCATED, at=now, lat=finding.lat, lng=finding.lng)
    return row


# --- transitions ---------------------------------------------------------------------------


def dispatch_finding(
    *,
    actor,
    finding: Finding,
    community: Community | None = None,
    unit: Unit | None = None,
    grid_cell: GridCell | None = None,
    note: str = "",
) -> Finding:
    """Send a waiting finding to a community (optionally a cell of it) or to a unit."""
    return _assign(
        actor=actor, finding=finding, community=community, unit=unit, grid_cell=grid_cell, note=note, action="dispatch"
    )


def reassign_finding(
    *,
    actor,
    finding: Finding,
    community: Community | None = None,
    unit: Unit | None = None,
    grid_cell: GridCell | None = None,
    reason: str = "",
) -> Finding:
    """Move a dispatched finding to another community or unit; it must be acknowledged again."""
    reason = _reason(reason)
    return _assign(
        actor=actor,
        finding=finding,
        community=community,
        unit=unit,
        grid_cell=grid_cell,
        note=reason,
        action="reassign",
    )


def _assign(*, actor, finding, community, unit, grid_cell, note, action) -> Finding:
    if grid_cell is not None:
        community = grid_cell.community
    if (community is None) == (unit is None):
        raise Invalid(_("Choose either a community or a unit."), field="community")
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.ACTIONS[action](actor, finding))
        _expect(finding, *permissions.ACTION_FROM[action])
        # The new side must lie in the dispatcher's own reach.
        if community is not None and not Community.objects.visible_to(actor).filter(pk=community.pk).exists():
            raise Invalid(_("That community is outside your area."), field="community")
        if unit is not None and unit.district_id != finding.district_id:
            raise Invalid(_("That unit does not belong to this district."), field="unit")
        if community is not None:
            if grid_cell is not None:
                _place(finding, grid_cell)
            elif finding.community_id != community.pk:
                finding.grid_cell = None
                finding.community = community
                finding.street = community.street
            finding.responsible_unit = None
        else:
            finding.responsible_unit = unit
        finding.responsible_person = None
        _open_ack_window(finding, timezone.now())
        kind = Kind.DISPATCHED if action == "dispatch" else Kind.REASSIGNED
        return _transition(
            finding,
            actor=actor,
            kind=kind,
            to=Status.DISPATCHED,
            note=note,
            fields=[
                "grid_cell",
                "community",
                "street",
                "responsible_unit",
                "responsible_person",
                *ACK_WINDOW_FIELDS,
            ],
            **_assignee_payload(finding),
        )


def acknowledge_finding(*, actor, finding: Finding, note: str = "") -> Finding:
    """签收: the responsible side takes the finding on; the acting person becomes responsible."""
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_acknowledge(actor, finding))
        _expect(finding, Status.DISPATCHED)
        finding.acknowledged_at = timezone.now()
        finding.responsible_person = actor
        return _transition(
            finding,
            actor=actor,
            kind=Kind.ACKNOWLEDGED,
            to=Status.RECTIFYING,
            note=note,
            fields=["acknowledged_at", "responsible_person"],
        )


def submit_rectification(*, actor, finding: Finding, note: str = "", photos: Iterable = ()) -> Finding:
    """Report the fix; at least one "after" photo must be on the finding (given now or before)."""
    processed = prepare_photos(photos)
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_submit(actor, finding))
        _expect(finding, Status.RECTIFYING)
        now = timezone.now()
        for photo in processed:
            _store_photo(finding, photo, stage=FindingPhoto.Stage.AFTER, actor=actor, at=now)
        if not finding.photos.filter(stage=FindingPhoto.Stage.AFTER).exists():
            raise Invalid(_("Add at least one photo taken after the rectification."), field="photos")
        finding.submitted_at = now
        return _transition(
            finding,
            actor=actor,
            kind=Kind.SUBMITTED,
            to=Status.SUBMITTED,
            note=note.strip(),
            fields=["submitted_at"],
            photos=len(processed),
        )


def verify_finding(*, actor, finding: Finding, note: str = "") -> Finding:
    """核查 passed: the finding is closed."""
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_verify(actor, finding))
        _expect(finding, Status.SUBMITTED)
        finding.closed_at = timezone.now()
        return _transition(
            finding, actor=actor, kind=Kind.VERIFIED, to=Status.CLOSED, note=note.strip(), fields=["closed_at"]
        )


def return_finding(*, actor, finding: Finding, reason: str) -> Finding:
    """退回: the fix is not good enough; counted as rework. The deadline is not reset."""
    reason = _reason(reason)
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_return(actor, finding))
        _expect(finding, Status.SUBMITTED)
        finding.return_count += 1
        finding.submitted_at = None
        return _transition(
            finding,
            actor=actor,
            kind=Kind.RETURNED,
            to=Status.RECTIFYING,
            note=reason,
            fields=["return_count", "submitted_at"],
        )


def decline_finding(*, actor, finding: Finding, reason: str) -> Finding:
    """退单: "not ours"; back to the street's dispatcher, who sends it to the right side."""
    reason = _reason(reason)
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_decline(actor, finding))
        _expect(finding, Status.DISPATCHED, Status.RECTIFYING)
        declined_by = _assignee_payload(finding)
        finding.responsible_unit = None
        finding.responsible_person = None
        finding.acknowledged_at = None
        return _transition(
            finding,
            actor=actor,
            kind=Kind.DECLINED,
            to=Status.REPORTED,
            note=reason,
            fields=["responsible_unit", "responsible_person", "acknowledged_at"],
            **declined_by,
        )


def mark_invalid(*, actor, finding: Finding, reason: str) -> Finding:
    """Not a real problem (or not one for the campaign): closed without rectification."""
    reason = _reason(reason)
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_mark_invalid(actor, finding))
        _expect(finding, *Finding.OPEN_STATUSES)
        finding.closed_at = timezone.now()
        return _transition(
            finding, actor=actor, kind=Kind.MARKED_INVALID, to=Status.INVALID, note=reason, fields=["closed_at"]
        )


def mark_duplicate(*, actor, finding: Finding, original: Finding, reason: str = "") -> Finding:
    """The same problem as ``original``, which goes on; this one is closed as its duplicate."""
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_mark_duplicate(actor, finding))
        _expect(finding, *Finding.OPEN_STATUSES)
        if original.pk == finding.pk or original.duplicate_of_id == finding.pk:
            raise Invalid(_("A finding cannot duplicate itself."), field="original")
        if original.status == Status.DUPLICATE:
            original = original.duplicate_of
        if not Finding.objects.visible_to(actor).filter(pk=original.pk).exists():
            raise Invalid(_("No such finding in your area."), field="original")
        finding.duplicate_of = original
        finding.closed_at = timezone.now()
        return _transition(
            finding,
            actor=actor,
            kind=Kind.MARKED_DUPLICATE,
            to=Status.DUPLICATE,
            note=(reason or "").strip(),
            fields=["duplicate_of", "closed_at"],
            original=original.code,
        )


# --- extensions (延期) ---------------------------------------------------------------------


def request_extension(*, actor, finding: Finding, reason: str, until: datetime) -> Extension:
    """The responsible side asks, before the deadline, for a later one; a dispatcher decides."""
    reason = _reason(reason)
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_request_extension(actor, finding))
        _expect(finding, Status.DISPATCHED, Status.RECTIFYING)
        now = timezone.now()
        if finding.deadline_at <= now:
            raise Conflict(_("The deadline has passed; an extension must be asked for before it."))
        if until <= finding.deadline_at:
            raise Invalid(_("The new deadline must be later than the current one."), field="until")
        if finding.extensions.filter(state=Extension.State.PENDING).exists():
            raise Conflict(_("An extension request for this finding is already waiting for a decision."))
        extension = Extension.objects.create(
            finding=finding,
            reason=reason,
            old_deadline=finding.deadline_at,
            requested_deadline=until,
            requested_by=actor,
            requested_at=now,
        )
        _event(
            finding,
            actor=actor,
            kind=Kind.EXTENSION_REQUESTED,
            note=reason,
            at=now,
            extension=extension.pk,
            until=until.isoformat(),
        )
        messages = [
            notices.Message(
                recipient=user,
                subject=_("Extension requested for %(code)s") % {"code": finding.code},
                body=reason,
                link=notices.link(finding),
                key=f"extension:{extension.pk}",
            )
            for user in notices.dispatchers(finding)
        ]
        notices.notify_bulk(messages, now=now)
    return extension


def decide_extension(*, actor, finding: Finding, approve: bool, note: str = "") -> Extension:
    """Approve (the deadline moves, the ladder starts again from it) or refuse the waiting request."""
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_decide_extension(actor, finding))
        extension = finding.extensions.select_for_update().filter(state=Extension.State.PENDING).first()
        if extension is None:
            raise Conflict(_("There is no extension request waiting for a decision."))
        if not approve and not (note or "").strip():
            raise Invalid(_("Please give a reason."), field="note")
        now = timezone.now()
        extension.state = Extension.State.APPROVED if approve else Extension.State.REFUSED
        extension.decided_by, extension.decided_at, extension.decision_note = actor, now, (note or "").strip()
        extension.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        if approve:
            old = finding.deadline_at
            finding.deadline_at = extension.requested_deadline
            # The ladder restarts from the new deadline; the overdue history stays in the events.
            finding.escalation_level = 0
            finding.reminded_at = None
            finding.extension_count += 1
            finding.save(
                update_fields=["deadline_at", "escalation_level", "reminded_at", "extension_count", "updated_at"]
            )
            _event(
                finding,
                actor=actor,
                kind=Kind.EXTENSION_APPROVED,
                note=extension.decision_note,
                at=now,
                extension=extension.pk,
                old_deadline=old.isoformat(),
                deadline=finding.deadline_at.isoformat(),
            )
        else:
            _event(
                finding,
                actor=actor,
                kind=Kind.EXTENSION_REFUSED,
                note=extension.decision_note,
                at=now,
                extension=extension.pk,
            )
        if extension.requested_by_id:
            subject = (_("Extension approved for %(code)s") if approve else _("Extension refused for %(code)s")) % {
                "code": finding.code
            }
            notices.notify_bulk(
                [
                    notices.Message(
                        recipient=extension.requested_by,
                        subject=subject,
                        body=extension.decision_note,
                        link=notices.link(finding),
                        key=f"extension-decided:{extension.pk}",
                    )
                ],
                now=now,
            )
    return extension
