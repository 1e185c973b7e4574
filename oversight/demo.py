"""Demo accountability cases, opened and decided through the real services.

The district's inspector opens a case against the responsible side with the most findings that
went overdue in the last month; the street discipline officer of another side's street opens
one against it and records the outcome (约谈), so the cases list shows both states, the notice
prints, and the findings' timelines show the case. Runs once: when any case exists, it does
nothing. Unscoped, as a management command's service.
"""

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import STREET_SLUGS
from accounts.models import User
from districts import demo as geography
from inspections.models import Finding
from oversight import services
from oversight.models import AccountabilityCase


@transaction.atomic
def seed_cases(*, now=None) -> int:
    """Make the demo's cases (see the module); returns how many were opened."""
    if AccountabilityCase.objects.exists():
        return 0
    now = now or timezone.now()
    inspector = User.objects.filter(username="inspector").first()
    if inspector is None:
        return 0
    late = (
        Finding.objects.filter(district__code=geography.DISTRICT_CODE, reported_at__gte=now - timedelta(days=30))
        .went_overdue(now)
        .exclude(status__in=[Finding.Status.INVALID, Finding.Status.DUPLICATE])
        .values_list("code", "responsible_unit_id", "community_id", "street__code")
    )
    sides: dict[tuple, list[tuple[str, str]]] = {}
    for code, unit, community, street in late:
        sides.setdefault((unit, None if unit else community), []).append((code, street))
    ranked = Counter({side: len(rows) for side, rows in sides.items()}).most_common()
    opened = 0
    for position, (side, _count) in enumerate(ranked[:2]):
        rows = sides[side][:3]
        if position == 0:
            services.open_case(actor=inspector, codes=[code for code, _street in rows])
            opened += 1
            continue
        street_code = rows[0][1]
        slug = next((STREET_SLUGS[s.name] for s in geography.STREETS if s.code == street_code), None)
        officer = User.objects.filter(username=f"discipline-{slug}").first() if slug else None
        if officer is None or any(street != street_code for _code, street in rows):
            officer = inspector
        case = services.open_case(actor=officer, codes=[code for code, _street in rows])
        services.add_note(actor=officer, case=case, note="已约谈责任单位负责人，要求立即整改并建立台账。")
        services.decide_case(
            actor=officer,
            case=case,
            outcome=AccountabilityCase.Outcome.TALK,
            review="经核查，问题未按期整改属实，责任单位已整改到位。对分管负责人进行约谈提醒。",
            decision_date=timezone.localdate(),
            document_no=f"市中纪约〔{timezone.localdate():%Y}〕{position + 6}号",
        )
        opened += 1
    return opened
