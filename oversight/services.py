"""问责: accountability cases, opened by the discipline bodies from overdue findings.

A case names one responsible side (a unit, or a community) and holds the facts as they stood
when it was opened; its history (``CaseEvent``) is append-only, and its decision is recorded
once. Each finding's own timeline shows the case too.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import Finding, FindingEvent
from oversight.models import DISCIPLINE_ROLES, AccountabilityCase, CaseEvent, CaseFinding
from oversight.selectors import can_handle_cases, findings_in_reach
from web.durations import duration
from web.errors import Conflict, Forbidden, Invalid


def hours_overdue(finding: Finding, now: datetime) -> Decimal:
    """Hours past the deadline: until closing for a closed finding, until now for an open one."""
    end = finding.closed_at if finding.closed_at and not finding.is_open else now
    return Decimal(max((end - finding.deadline_at).total_seconds(), 0) / 3600).quantize(Decimal("0.1"))


def _facts(findings: Sequence[Finding], now: datetime) -> str:
    lines = []
    for f in findings:
        lines.append(
            _(
                "%(code)s %(category)s, %(address)s: deadline %(deadline)s, overdue %(overdue)s, status %(status)s, "
                "returned %(returns)s time(s)"
            )
            % {
                "code": f.code,
                "category": f.category.name,
                "address": f.address or "-",
                "deadline": timezone.localtime(f.deadline_at).strftime("%Y-%m-%d %H:%M"),
                "overdue": duration(hours_overdue(f, now)),
                "status": f.get_status_display(),
                "returns": f.return_count,
            }
        )
    return "\n".join(lines)


def open_case(*, actor, codes: Sequence[str], title: str = "", summary: str = "") -> AccountabilityCase:
    """Open a case from overdue findings (by code) of one responsible side, pre-filled from them.

    1. Only discipline roles; each finding must be in their reach as such (else "not found").
    2. Every finding must have gone overdue (``Finding.went_overdue``: overdue now, or at some time
       before an extension) and share one responsible unit, or one community when no unit
       answers for them.
    3. Write the case, its findings with their facts, its ``opened`` event, and an event on
       each finding's timeline, in one transaction.
    """
    if not can_handle_cases(actor):
        raise Forbidden(_("Only the discipline bodies open accountability cases."))
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not codes:
        raise Invalid(_("Choose at least one overdue finding."), field="findings")
    now = timezone.now()
    with transaction.atomic():
        findings = list(
            findings_in_reach(actor)
            .filter(code__in=codes)
            .select_related("category", "responsible_unit", "community", "street", "district")
            .select_for_update(of=("self",))
            .order_by("deadline_at")
        )
        missing = sorted(set(codes) - {f.code for f in findings})
        if missing:
            raise Invalid(
                _("No such finding in your area: %(codes)s") % {"codes": ", ".join(missing)}, field="findings"
            )
        not_overdue = [f.code for f in findings if not f.went_overdue(now)]
        if not_overdue:
            raise Invalid(
                _("These findings have not gone overdue: %(codes)s") % {"codes": ", ".join(not_overdue)},
                field="findings",
            )
        sides = {(f.responsible_unit_id, None if f.responsible_unit_id else f.community_id) for f in findings}
        if len(sides) > 1:
            raise Invalid(
                _("A case concerns one responsible unit or community; these findings have several."), field="findings"
            )
        first = findings[0]
        streets = {f.street_id for f in findings}
        persons = Counter(f.responsible_person_id for f in findings if f.responsible_person_id)
        side_name = (
            first.responsible_unit.name
            if first.responsible_unit_id
            else (first.community.name if first.community_id else first.district.name)
        )
        case = AccountabilityCase.objects.create(
            district=first.district,
            street=first.street if len(streets) == 1 else None,
            responsible_unit=first.responsible_unit,
            responsible_community=None if first.responsible_unit_id else first.community,
            responsible_person_id=persons.most_common(1)[0][0] if persons else None,
            title=(title or "").strip()[:200] or _("Overdue rectification by %(side)s") % {"side": side_name},
            summary=(summary or "").strip() or _facts(findings, now),
            opened_by=actor,
            opened_at=now,
        )
        CaseFinding.objects.bulk_create(
            [
                CaseFinding(case=case, finding=f, deadline_at=f.deadline_at, hours_overdue=hours_overdue(f, now))
                for f in findings
            ]
        )
        CaseEvent.objects.create(
            case=case, actor=actor, kind=CaseEvent.Kind.OPENED, at=now, payload={"findings": [f.code for f in findings]}
        )
        FindingEvent.objects.bulk_create(
            [
                FindingEvent(
                    finding=f,
                    actor=actor,
                    kind=FindingEvent.Kind.CASE_OPENED,
                    at=now,
                    note=case.title,
                    payload={"case": case.pk},
                )
                for f in findings
            ]
        )
    return case


def _locked_case(actor, case: AccountabilityCase) -> AccountabilityCase:
    if not can_handle_cases(actor):
        raise Forbidden(_("Only the discipline bodies handle accountability cases."))
    return AccountabilityCase.objects.visible_to(actor, roles=DISCIPLINE_ROLES).select_for_update().get(pk=case.pk)


def add_note(*, actor, case: AccountabilityCase, note: str) -> CaseEvent:
    """Record a step of the review (a talk held, a document received ...)."""
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Write the note."), field="note")
    with transaction.atomic():
        case = _locked_case(actor, case)
        return CaseEvent.objects.create(case=case, actor=actor, kind=CaseEvent.Kind.NOTE, note=note)


def decide_case(
    *, actor, case: AccountabilityCase, outcome: str, review: str, decision_date: date | None, document_no: str = ""
) -> AccountabilityCase:
    """Record the outcome once; the findings' timelines show it."""
    if outcome not in AccountabilityCase.Outcome.values:
        raise Invalid(_("Choose an outcome."), field="outcome")
    review = (review or "").strip()
    if not review:
        raise Invalid(_("Write the review."), field="review")
    if decision_date is None:
        raise Invalid(_("Give the decision date."), field="decision_date")
    if decision_date > timezone.localdate():
        raise Invalid(_("The decision date is in the future."), field="decision_date")
    if outcome != AccountabilityCase.Outcome.NO_ACTION and not (document_no or "").strip():
        raise Invalid(_("Give the document number of the decision."), field="document_no")
    with transaction.atomic():
        case = _locked_case(actor, case)
        if case.state != AccountabilityCase.State.OPEN:
            raise Conflict(_("This case has already been decided."))
        now = timezone.now()
        case.state = AccountabilityCase.State.DECIDED
        case.outcome, case.review, case.decision_date = outcome, review, decision_date
        case.document_no = (document_no or "").strip()
        case.decided_by, case.decided_at = actor, now
        case.save()
        label = case.get_outcome_display()
        CaseEvent.objects.create(
            case=case,
            actor=actor,
            kind=CaseEvent.Kind.DECIDED,
            at=now,
            note=review,
            payload={"outcome": outcome, "document_no": case.document_no, "decision_date": decision_date.isoformat()},
        )
        FindingEvent.objects.bulk_create(
            [
                FindingEvent(
                    finding_id=finding_id,
                    actor=actor,
                    kind=FindingEvent.Kind.CASE_DECIDED,
                    at=now,
                    note=f"{label} {case.document_no}".strip(),
                    payload={"case": case.pk, "outcome": outcome},
                )
                for finding_id in case.case_findings.values_list("finding_id", flat=True)
            ]
        )
    return case
