"""Who is told what when a finding changes: outbox rows, written in the change's transaction."""

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from inspections.models import Finding, FindingEvent
from notifications.services import Message, enqueue_callback, notify_bulk

Kind = FindingEvent.Kind


def people(*, roles_in: Iterable[tuple[str, str, Iterable[int]]]) -> dict[tuple[str, int], list]:
    """Active users holding ``role`` in each scope id, as {(role, scope id): [users]}, in one query.

    ``roles_in`` is a list of (role, membership column, ids).
    """
    condition = Q(pk__in=[])
    for role, column, ids in roles_in:
        ids = [i for i in ids if i]
        if ids:
            condition |= Q(role=role, **{f"{column}__in": ids})
    found: dict[tuple[str, int], list] = defaultdict(list)
    for m in Membership.objects.filter(condition, user__is_active=True).select_related("user"):
        found[(m.role, m.scope_id)].append(m.user)
    return found


def rectifiers(finding: Finding) -> list:
    """The people who must act: the responsible person, else the unit's staff or the community's workers."""
    if finding.responsible_person_id:
        return [finding.responsible_person]
    if finding.responsible_unit_id:
        return people(roles_in=[(Role.UNIT_STAFF, "unit", [finding.responsible_unit_id])])[
            (Role.UNIT_STAFF, finding.responsible_unit_id)
        ]
    return people(roles_in=[(Role.COMMUNITY_WORKER, "community", [finding.community_id])])[
        (Role.COMMUNITY_WORKER, finding.community_id)
    ]


def dispatchers(finding: Finding) -> list:
    return people(roles_in=[(Role.STREET_STAFF, "street", [finding.street_id])])[(Role.STREET_STAFF, finding.street_id)]


def link(finding: Finding) -> str:
    return reverse("inspections:detail", args=[finding.code])


def status_changed(finding: Finding, event: FindingEvent) -> None:
    """Tell the people the change concerns, and the hotline if the finding came from it."""
    link_ = link(finding)
    subject_args = {"code": finding.code, "category": finding.category.name}
    recipients, subject = [], ""
    if event.kind in (Kind.DISPATCHED, Kind.REASSIGNED):
        recipients = rectifiers(finding)
        subject = _("New finding %(code)s (%(category)s): acknowledge it now") % subject_args
    elif event.kind == Kind.SUBMITTED:
        recipients = dispatchers(finding)
        subject = _("Finding %(code)s (%(category)s) is rectified: please verify") % subject_args
    elif event.kind == Kind.RETURNED:
        recipients = rectifiers(finding)
        subject = _("Finding %(code)s (%(category)s) was returned for rework") % subject_args
    elif event.kind == Kind.DECLINED:
        recipients = dispatchers(finding)
        subject = _("Finding %(code)s (%(category)s) was declined: dispatch it again") % subject_args
    if recipients:
        notify_bulk(
            [
                Message(
                    recipient=user,
                    subject=subject,
                    body=event.note or finding.description[:200],
                    link=link_,
                    key=f"event:{event.pk}",
                )
                for user in recipients
            ],
            now=event.at,
        )
    if finding.source == Finding.Source.HOTLINE and finding.external_ref and settings.HOTLINE_CALLBACK_URL:
        enqueue_callback(
            url=settings.HOTLINE_CALLBACK_URL,
            payload=hotline_payload(finding, event),
            key=f"hotline:{event.pk}",
            subject=f"{finding.external_ref} {finding.status}",
            now=event.at,
        )


def hotline_payload(finding: Finding, event: FindingEvent) -> dict:
    """What the hotline is told of a status change (its own ticket number first)."""
    return {
        "ticket_no": finding.external_ref,
        "code": finding.code,
        "status": finding.status,
        "event": event.kind,
        "note": event.note,
        "at": event.at.isoformat(),
    }
