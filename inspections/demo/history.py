"""Demo histories for findings made through the real intake in the past (an inspection round's).

The workflow stamps its steps with the present moment; a demo that reports findings on an
earlier day (a round of three weeks ago) gives them here the history of having been put right
in time: acknowledged within the hour, rectified with an "after" photo, verified by the
street, each step dated on that day, as the bulk generator writes its histories. Demo only.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role
from inspections.demo.photos import demo_photos
from inspections.models import Finding, FindingEvent, FindingPhoto

Status = Finding.Status
Kind = FindingEvent.Kind


def _person(role: str, **scope) -> int | None:
    return (
        Membership.objects.filter(role=role, user__is_active=True, **scope)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .first()
    )


@transaction.atomic
def rectify_in_time(findings, *, rng: random.Random, note: str = "已按要求整改到位") -> int:
    """Acknowledge, rectify and verify each dispatched finding before its deadline; returns how many."""
    done = 0
    photos = demo_photos(sorted({f.category.code for f in findings}))
    for finding in findings:
        if finding.status != Status.DISPATCHED or finding.dispatched_at is None:
            continue
        rectifier = _person(Role.COMMUNITY_WORKER, community_id=finding.community_id) or _person(
            Role.GRID_WORKER, grid_cell_id=finding.grid_cell_id
        )
        checker = _person(Role.STREET_STAFF, street_id=finding.street_id)
        start = finding.dispatched_at
        window = finding.deadline_at - start
        acknowledged = start + timedelta(minutes=rng.randrange(5, 50))
        submitted = acknowledged + window * rng.uniform(0.2, 0.6)
        verified = submitted + timedelta(minutes=rng.randrange(20, 180))
        if verified >= finding.deadline_at or verified >= timezone.now():
            continue
        steps = [
            (Kind.ACKNOWLEDGED, Status.DISPATCHED, Status.RECTIFYING, rectifier, acknowledged, "", {}),
            (Kind.SUBMITTED, Status.RECTIFYING, Status.SUBMITTED, rectifier, submitted, note, {"photos": 1}),
            (Kind.VERIFIED, Status.SUBMITTED, Status.CLOSED, checker, verified, "复查合格", {}),
        ]
        FindingEvent.objects.bulk_create(
            FindingEvent(finding=finding, kind=k, from_status=a, to_status=b, actor_id=who, at=at, note=n, payload=p)
            for k, a, b, who, at, n, p in steps
        )
        after = photos[(finding.category.code, "after")]
        FindingPhoto.objects.create(
            finding=finding,
            stage=FindingPhoto.Stage.AFTER,
            image=after.image,
            thumbnail=after.thumbnail,
            uploader_id=rectifier,
            uploaded_at=submitted,
        )
        Finding.objects.filter(pk=finding.pk).update(
            status=Status.CLOSED,
            acknowledged_at=acknowledged,
            responsible_person_id=rectifier,
            submitted_at=submitted,
            closed_at=verified,
            updated_at=verified,
        )
        done += 1
    return done
