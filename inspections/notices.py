"""Who is told what when a finding changes: outbox rows, written in the change's transaction."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.visibility import holders
from inspections.models import Finding, FindingEvent
from inspections.permissions import rectifier_roles
from notifications.services import Message, enqueue_callback, notify_bulk

Kind = FindingEvent.Kind


def rectifiers(finding: Finding) -> list:
    """The people who must act: the responsible person once someone acknowledged, else everyone
    holding a rectifier role over it (``permissions.rectifier_roles``)."""
    if finding.responsible_person_id:
        return [finding.responsible_person]
    return holders(finding, rectifier_roles(finding))


def dispatchers(finding: Finding) -> list:
    """The street's staff, who dispatch and verify its findings."""
    return holders(finding, [Role.STREET_STAFF])


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
