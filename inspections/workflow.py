"""The finding workflow: the only code that changes ``Finding.status`` (DESIGN §4).

``TRANSITIONS`` is the one table of the workflow: per action, the statuses it may start from,
the status it reaches and who may take it. The functions below check against it, the detail
page offers exactly the actions it allows (``available_actions``), and the API's actions read
it too.

Each transition is ``verb_finding(*, actor, finding, ...)``. In one transaction it locks the
finding's row, checks the current status and the actor's right, changes the row and appends
its ``FindingEvent``. Two people acting on one finding at once are serialised by the row lock:
the second sees the status the first left and gets ``Conflict``, with nothing half-written.

    reported ─dispatch→ dispatched ─acknowledge→ rectifying ─submit→ submitted ─verify→ closed
                                                      ↑                  │
                                                      └─────return───────┘
    decline: back to reported (the street's dispatcher); reassign: dispatched to another side;
    mark invalid / duplicate: from any open status.

A new finding comes in through ``inspections.intake``, which dispatches it here when it can be
routed. Extensions (延期) move the deadline, not the status; they live here too because they
lock the same row and write the same history.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts import routing
from districts.models import Community, GridCell, Unit
from inspections import notices, permissions, rollup
from inspections import photos as photo_files
from inspections.models import Extension, Finding, FindingEvent, FindingPhoto
from web.errors import Conflict, Forbidden, Invalid

Status = Finding.Status
Kind = FindingEvent.Kind


@dataclass(frozen=True)
class Transition:
    """One action on a finding: the statuses it may start from, the one it reaches, who may take it."""

    sources: tuple[str, ...]
    target: str
    allowed: Callable[..., bool]


#: Action name (as in the pages' and the API's URLs) → its transition, in the order pages show them.
TRANSITIONS: dict[str, Transition] = {
    "acknowledge": Transition((Status.DISPATCHED,), Status.RECTIFYING, permissions.can_acknowledge),
    "submit": Transition((Status.RECTIFYING,), Status.SUBMITTED, permissions.can_submit),
    "verify": Transition((Status.SUBMITTED,), Status.CLOSED, permissions.can_verify),
    "return": Transition((Status.SUBMITTED,), Status.RECTIFYING, permissions.can_return),
    "dispatch": Transition((Status.REPORTED,), Status.DISPATCHED, permissions.can_dispatch),
    "reassign": Transition((Status.DISPATCHED, Status.RECTIFYING), Status.DISPATCHED, permissions.can_reassign),
    "decline": Transition((Status.DISPATCHED, Status.RECTIFYING), Status.REPORTED, permissions.can_decline),
    "mark-invalid": Transition(Finding.OPEN_STATUSES, Status.INVALID, permissions.can_mark_invalid),
    "mark-duplicate": Transition(Finding.OPEN_STATUSES, Status.DUPLICATE, permissions.can_mark_duplicate),
}


def may(user, finding: Finding, action: str) -> bool:
    """The role check of ``action`` alone (status aside): a wrong role is a 403 before anything else."""
    return TRANSITIONS[action].allowed(user, finding)


def available_actions(user, finding: Finding) -> list[str]:
    """The actions ``user`` may take on ``finding`` now: its status allows them and so does their role."""
    return [
        name
        for name, transition in TRANSITIONS.items()
        if finding.status in transition.sources and transition.allowed(user, finding)
    ]


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


def expect_status(finding: Finding, action: str) -> None:
    """``Conflict`` unless the finding's status allows ``action`` (pages and the API ask before any input)."""
    _expect(finding, *TRANSITIONS[action].sources)


def _begin(actor, finding: Finding, action: str) -> Finding:
    """Lock the row, then check the actor's right and the status against the table (in that order)."""
    finding = _locked(finding)
    _require(may(actor, finding, action))
    expect_status(finding, action)
    return finding


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Please give a reason."), field=field)
    return reason


def record_event(
    finding: Finding, *, actor, kind: str, old: str = "", note: str = "", at=None, **payload
) -> FindingEvent:
    """Append one entry to the finding's history (inside the caller's transaction)."""
    rollup.touch([finding])  # the dashboard's roll-up recomputes this finding's days
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


def _transition(
    finding: Finding, action: str, *, actor, kind: str, note: str = "", fields=(), at=None, **payload
) -> Finding:
    old = finding.status
    finding.status = TRANSITIONS[action].target
    finding.save(update_fields=["status", "updated_at", *fields])
    event = record_event(finding, actor=actor, kind=kind, old=old, note=note, at=at, **payload)
    # Messages are outbox rows in this same transaction: committed with the change or not at all.
    notices.status_changed(finding, event)
    return finding


ACK_WINDOW_FIELDS = ["dispatched_at", "ack_deadline_at", "ack_late_at", "acknowledged_at"]
PLACE_FIELDS = ["grid_cell", "community", "street", "district"]


def _open_ack_window(finding: Finding, at: datetime) -> None:
    """Dispatched now: the acknowledgement clock starts again (category.ack_minutes)."""
    finding.dispatched_at = at
    finding.ack_deadline_at = at + timedelta(minutes=finding.category.ack_minutes)
    finding.ack_late_at = None
    finding.acknowledged_at = None


def place_in(finding: Finding, cell: GridCell | None) -> None:
    """Put the finding in ``cell`` and the community, street and district that hold it (unsaved)."""
    finding.grid_cell = cell
    if cell is not None:
        finding.community = cell.community
        finding.street = cell.community.street
        finding.district = cell.community.street.district


def assignee_payload(finding: Finding) -> dict:
    if finding.responsible_unit_id:
        return {"unit": finding.responsible_unit.code}
    return {"community": finding.community.code, "grid": finding.grid_cell.code if finding.grid_cell_id else None}


# --- intake's dispatch and photos ----------------------------------------------------------


def dispatch_at_intake(finding: Finding, *, at: datetime) -> Finding:
    """A new finding that routing placed (or a unit answers for) is dispatched at once, by the system.

    Called by ``inspections.intake`` inside the transaction that wrote the finding.
    """
    _expect(finding, *TRANSITIONS["dispatch"].sources)
    _open_ack_window(finding, at)
    return _transition(
        finding,
        "dispatch",
        actor=None,
        kind=Kind.DISPATCHED,
        fields=ACK_WINDOW_FIELDS,
        at=at,
        **assignee_payload(finding),
    )


def add_photo(*, actor, finding: Finding, stage: str, upload) -> FindingPhoto:
    """Attach a photo; a GPS-tagged photo locates a finding that has no coordinates yet."""
    if stage not in FindingPhoto.Stage.values:
        raise Invalid(_("Choose “before” or “after”."), field="stage")
    (photo,) = photo_files.prepare([upload], field="image")
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_add_photo(actor, finding, stage))
        if not finding.is_open:
            raise Conflict(_("This finding is closed; no more photos can be added."))
        if stage == FindingPhoto.Stage.AFTER:
            _expect(finding, Status.RECTIFYING)
        now = timezone.now()
        row = photo_files.store(finding, photo, stage=stage, actor=actor, at=now)
        record_event(finding, actor=actor, kind=Kind.PHOTO_ADDED, at=now, stage=stage, photo=row.pk)
        if finding.lat is None and photo.gps_lat is not None:
            cell = routing.locate(lat=photo.gps_lat, lng=photo.gps_lng)
            if cell is not None:
                finding.lat, finding.lng = photo.gps_lat, photo.gps_lng
                fields = ["lat", "lng", "updated_at"]
                if finding.grid_cell_id is None:
                    place_in(finding, cell)
                    fields += PLACE_FIELDS
                finding.save(update_fields=fields)
                record_event(finding, actor=None, kind=Kind.LOCATED, at=now, lat=finding.lat, lng=finding.lng)
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
        finding = _begin(actor, finding, action)
        # The new side must lie in the dispatcher's own reach.
        if community is not None and not Community.objects.visible_to(actor).filter(pk=community.pk).exists():
            raise Invalid(_("That community is outside your area."), field="community")
        if unit is not None and unit.district_id != finding.district_id:
            raise Invalid(_("That unit does not belong to this district."), field="unit")
        if community is not None:
            if grid_cell is not None:
                place_in(finding, grid_cell)
            elif finding.community_id != community.pk:
                finding.grid_cell = None
                finding.community = community
                finding.street = community.street
            finding.responsible_unit = None
        else:
            finding.responsible_unit = unit
        finding.responsible_person = None
        _open_ack_window(finding, timezone.now())
        return _transition(
            finding,
            action,
            actor=actor,
            kind=Kind.DISPATCHED if action == "dispatch" else Kind.REASSIGNED,
            note=note,
            fields=["grid_cell", "community", "street", "responsible_unit", "responsible_person", *ACK_WINDOW_FIELDS],
            **assignee_payload(finding),
        )


def acknowledge_finding(*, actor, finding: Finding, note: str = "") -> Finding:
    """签收: the responsible side takes the finding on; the acting person becomes responsible."""
    with transaction.atomic():
        finding = _begin(actor, finding, "acknowledge")
        finding.acknowledged_at = timezone.now()
        finding.responsible_person = actor
        return _transition(
            finding,
            "acknowledge",
            actor=actor,
            kind=Kind.ACKNOWLEDGED,
            note=note,
            fields=["acknowledged_at", "responsible_person"],
        )


def submit_rectification(*, actor, finding: Finding, note: str = "", photos: Iterable = ()) -> Finding:
    """Report the fix; at least one "after" photo must be on the finding (given now or before)."""
    processed = photo_files.prepare(photos)
    with transaction.atomic():
        finding = _begin(actor, finding, "submit")
        now = timezone.now()
        for photo in processed:
            photo_files.store(finding, photo, stage=FindingPhoto.Stage.AFTER, actor=actor, at=now)
        if not finding.photos.filter(stage=FindingPhoto.Stage.AFTER).exists():
            raise Invalid(_("Add at least one photo taken after the rectification."), field="photos")
        finding.submitted_at = now
        return _transition(
            finding,
            "submit",
            actor=actor,
            kind=Kind.SUBMITTED,
            note=note.strip(),
            fields=["submitted_at"],
            photos=len(processed),
        )


def verify_finding(*, actor, finding: Finding, note: str = "") -> Finding:
    """核查 passed: the finding is closed."""
    with transaction.atomic():
        finding = _begin(actor, finding, "verify")
        finding.closed_at = timezone.now()
        return _transition(finding, "verify", actor=actor, kind=Kind.VERIFIED, note=note.strip(), fields=["closed_at"])


def return_finding(*, actor, finding: Finding, reason: str) -> Finding:
    """退回: the fix is not good enough; counted as rework. The deadline is not reset."""
    reason = _reason(reason)
    with transaction.atomic():
        finding = _begin(actor, finding, "return")
        finding.return_count += 1
        finding.submitted_at = None
        return _transition(
            finding,
            "return",
            actor=actor,
            kind=Kind.RETURNED,
            note=reason,
            fields=["return_count", "submitted_at"],
        )


def decline_finding(*, actor, finding: Finding, reason: str) -> Finding:
    """退单: "not ours"; back to the street's dispatcher, who sends it to the right side."""
    reason = _reason(reason)
    with transaction.atomic():
        finding = _begin(actor, finding, "decline")
        declined_by = assignee_payload(finding)
        finding.responsible_unit = None
        finding.responsible_person = None
        finding.acknowledged_at = None
        return _transition(
            finding,
            "decline",
            actor=actor,
            kind=Kind.DECLINED,
            note=reason,
            fields=["responsible_unit", "responsible_person", "acknowledged_at"],
            **declined_by,
        )


def mark_invalid(*, actor, finding: Finding, reason: str) -> Finding:
    """Not a real problem (or not one for the campaign): closed without rectification."""
    reason = _reason(reason)
    with transaction.atomic():
        finding = _begin(actor, finding, "mark-invalid")
        finding.closed_at = timezone.now()
        return _transition(
            finding, "mark-invalid", actor=actor, kind=Kind.MARKED_INVALID, note=reason, fields=["closed_at"]
        )


def mark_duplicate(*, actor, finding: Finding, original: Finding, reason: str = "") -> Finding:
    """The same problem as ``original``, which goes on; this one is closed as its duplicate."""
    with transaction.atomic():
        finding = _begin(actor, finding, "mark-duplicate")
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
            "mark-duplicate",
            actor=actor,
            kind=Kind.MARKED_DUPLICATE,
            note=(reason or "").strip(),
            fields=["duplicate_of", "closed_at"],
            original=original.code,
        )


# --- extensions (延期) ---------------------------------------------------------------------

#: The statuses in which the responsible side may ask for more time.
EXTENSION_FROM = (Status.DISPATCHED, Status.RECTIFYING)


def pending_extension(finding: Finding) -> Extension | None:
    """The request waiting for a decision, if any (there is at most one)."""
    return finding.extensions.filter(state=Extension.State.PENDING).select_related("requested_by").first()


def expect_extension_request(finding: Finding, now: datetime) -> None:
    """``Conflict`` unless more time may be asked for now: a working status, before the deadline,
    and no request already waiting. (The role is ``permissions.can_request_extension``.)"""
    _expect(finding, *EXTENSION_FROM)
    if finding.is_overdue(now):
        raise Conflict(_("The deadline has passed; an extension must be asked for before it."))
    if finding.extensions.filter(state=Extension.State.PENDING).exists():
        raise Conflict(_("An extension request for this finding is already waiting for a decision."))


def expect_extension_decision(finding: Finding) -> None:
    """``Conflict`` unless a request is waiting for a decision."""
    if not finding.extensions.filter(state=Extension.State.PENDING).exists():
        raise Conflict(_("There is no extension request waiting for a decision."))


def request_extension(*, actor, finding: Finding, reason: str, until: datetime) -> Extension:
    """The responsible side asks, before the deadline, for a later one; a dispatcher decides."""
    reason = _reason(reason)
    with transaction.atomic():
        finding = _locked(finding)
        _require(permissions.can_request_extension(actor, finding))
        now = timezone.now()
        expect_extension_request(finding, now)
        if until <= finding.deadline_at:
            raise Invalid(_("The new deadline must be later than the current one."), field="until")
        extension = Extension.objects.create(
            finding=finding,
            reason=reason,
            old_deadline=finding.deadline_at,
            requested_deadline=until,
            requested_by=actor,
            requested_at=now,
        )
        record_event(
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
            expect_extension_decision(finding)  # none waiting: refused as such
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
            record_event(
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
            record_event(
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
