"""Inspection rounds (督查 / 暗访 / 模拟测评): start, mark item by item, close into findings.

- ``start_round``: a supervision team member starts a round for a
  community on a date, with a mark to fill for every leaf of the campaign's item tree. A
  follow-up round (复查) follows the community's latest closed round and flags the items that
  failed in it.
- ``mark_item``: one item, saved at once (a lost connection loses at most the item at hand).
- ``close_round``: every item marked; each failed one becomes a finding through the
  workflow's intake (``inspections.intake.report_finding``: source from the kind of round,
  category from the item, placed where it was marked), then the round's score and the
  scores it changes are written. One transaction: all of it or nothing.
- ``comparison``: a follow-up against the round it follows: fixed, still failing, newly failing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.visibility import holds
from campaign import scoring
from campaign.models import AssessmentItem, Campaign, CategoryLink, InspectionRound, Mark, MarkPhoto
from districts import routing
from districts.models import Community, District
from inspections import intake, workflow
from inspections import photos as photo_files
from web.errors import Conflict, Forbidden, Invalid

#: Who inspects: the district's supervision team (督查组).
ROUND_ROLES = (Role.SUPERVISOR,)

Result = Mark.Result


def can_inspect(user, community: Community | None = None) -> bool:
    """Does ``user`` run rounds (in ``community``, when given)?"""
    if community is None:
        return user.is_superuser or user.has_role(*ROUND_ROLES)
    return holds(user, ROUND_ROLES, community)


def active_campaign(user) -> Campaign | None:
    """The active campaign of a district the user inspects."""
    districts = District.objects.visible_to(user, roles=ROUND_ROLES)
    return Campaign.objects.filter(district__in=districts, is_active=True).first()


def leaves(campaign: Campaign):
    """The items a round marks: the leaves of the campaign's tree."""
    return AssessmentItem.objects.filter(campaign=campaign, children__isnull=True).order_by("sort_order", "code")


def previous_round(campaign: Campaign, community: Community, *, before: date) -> InspectionRound | None:
    """The community's latest closed round on or before ``before``: what a follow-up follows."""
    return (
        InspectionRound.objects.filter(
            campaign=campaign, community=community, state=InspectionRound.State.CLOSED, on__lte=before
        )
        .order_by("-on", "-closed_at", "-id")
        .first()
    )


def start_round(
    *, actor, campaign: Campaign, community: Community, on: date, kind: str, follow_up: bool = False
) -> InspectionRound:
    """Start a round with one empty mark per leaf item; a follow-up flags what failed last time."""
    if not can_inspect(actor, community):
        raise Forbidden(_("Your role does not run inspection rounds here."))
    if kind not in InspectionRound.Kind.values:
        raise Invalid(_("Choose the kind of round."), field="kind")
    if not campaign.is_active:
        raise Invalid(_("This campaign is not active."), field="campaign")
    if community.street.district_id != campaign.district_id:
        raise Invalid(_("That community is not in the campaign's district."), field="community")
    items = list(leaves(campaign))
    if not items:
        raise Invalid(_("The campaign has no assessment items yet."), field="campaign")
    with transaction.atomic():
        previous = previous_round(campaign, community, before=on) if follow_up else None
        if follow_up and previous is None:
            raise Invalid(_("This community has no closed round to follow up."), field="follow_up")
        failed = set()
        if previous is not None:
            failed = set(previous.marks.filter(result=Result.FAIL).values_list("item_id", flat=True))
        round_ = InspectionRound.objects.create(
            campaign=campaign, kind=kind, community=community, on=on, follow_up_of=previous, started_by=actor
        )
        Mark.objects.bulk_create([Mark(round=round_, item=item, carried_over=item.pk in failed) for item in items])
    return round_


def _locked_mark(mark: Mark) -> Mark:
    return Mark.objects.select_for_update().select_related("round__community__street", "item").get(pk=mark.pk)


def mark_item(
    *,
    actor,
    mark: Mark,
    result: str,
    note: str = "",
    lat: float | None = None,
    lng: float | None = None,
    photos: Iterable = (),
) -> Mark:
    """Mark one item; saved at once. A photo with GPS places an item that has no point yet."""
    if result not in Result.values:
        raise Invalid(_("Choose pass, fail or not applicable."), field="result")
    if (lat is None) != (lng is None):
        raise Invalid(_("Give both latitude and longitude."), field="lat")
    if lat is not None and routing.locate(lat=lat, lng=lng) is None:
        raise Invalid(_("The location is outside the district's grid."), field="lat")
    processed = photo_files.prepare(photos)
    note = (note or "").strip()
    if result == Result.FAIL and not note and not processed:
        raise Invalid(_("Say what is wrong, or add a photo."), field="note")
    with transaction.atomic():
        mark = _locked_mark(mark)
        round_ = InspectionRound.objects.select_for_update().get(pk=mark.round_id)
        if not can_inspect(actor, mark.round.community):
            raise Forbidden(_("Your role does not run inspection rounds here."))
        if round_.state != InspectionRound.State.OPEN:
            raise Conflict(_("This round is closed; its marks can no longer change."))
        if lat is None:
            with_gps = next((p for p in processed if p.gps_lat is not None), None)
            if with_gps is not None and routing.locate(lat=with_gps.gps_lat, lng=with_gps.gps_lng) is not None:
                lat, lng = with_gps.gps_lat, with_gps.gps_lng
        mark.result, mark.note = result, note
        if lat is not None:
            mark.lat, mark.lng = lat, lng
        mark.marked_by, mark.marked_at = actor, timezone.now()
        mark.save(update_fields=["result", "note", "lat", "lng", "marked_by", "marked_at"])
        for photo in processed:
            row = MarkPhoto(mark=mark)
            row.image.save(photo.image.name, photo.image, save=False)
            row.save()
    return mark


def _categories(round_: InspectionRound, items: list[AssessmentItem]) -> dict[int, object]:
    """Item id → the category its findings get: the first category the campaign links to it."""
    found: dict[int, object] = {}
    links = CategoryLink.objects.filter(campaign_id=round_.campaign_id, item__in=items, category__is_active=True)
    for link in links.select_related("category").order_by("category__sort_order", "category__code"):
        found.setdefault(link.item_id, link.category)
    return found


def _description(mark: Mark) -> str:
    what = mark.note or mark.item.standard or mark.item.name
    return f"【{mark.item.code} {mark.item.name}】{what}"


def close_round(*, actor, round_: InspectionRound, now: datetime | None = None) -> InspectionRound:
    """Close a fully marked round: its failed items become findings, its score is written.

    1. Lock the round; it must be open and every item marked.
    2. For each failed item that has a category linked to it: ``report_finding`` (source from
       the kind of round, category from the item, the point where it was marked and its
       photos); a failed item with no point is dispatched to the round's community by the
       same actor, through the workflow.
    3. The round's score (``campaign.scoring``), then the community's and street's scores.
    """
    now = now or timezone.now()
    with transaction.atomic():
        round_ = InspectionRound.objects.select_for_update().select_related("community__street").get(pk=round_.pk)
        if not can_inspect(actor, round_.community):
            raise Forbidden(_("Your role does not run inspection rounds here."))
        if round_.state != InspectionRound.State.OPEN:
            raise Conflict(_("This round is already closed."))
        marks = list(round_.marks.select_related("item").prefetch_related("photos"))
        unmarked = [m for m in marks if not m.result]
        if unmarked:
            raise Invalid(
                _("%(count)s items are not marked yet, e.g. %(code)s.")
                % {"count": len(unmarked), "code": unmarked[0].item.code},
                field="marks",
            )
        failed = [m for m in marks if m.result == Result.FAIL]
        categories = _categories(round_, [m.item for m in failed])
        community = round_.community
        # An item no category is linked to (a review of materials, a survey) counts in the
        # score but is nothing to rectify on the street: it becomes no finding.
        for mark in (m for m in failed if m.item_id in categories):
            uploads = [photo.image.open("rb") for photo in mark.photos.all()]
            try:
                report = intake.Report(
                    source=round_.source,
                    category=categories[mark.item_id],
                    description=_description(mark),
                    address=f"{community.street.name}{community.name}",
                    lat=mark.lat,
                    lng=mark.lng,
                    district=community.street.district,
                )
                finding = intake.report_finding(actor=actor, report=report, photos=uploads, now=now)
            finally:
                for upload in uploads:
                    upload.close()
            if finding.community_id is None:
                finding = workflow.dispatch_finding(actor=actor, finding=finding, community=community)
            mark.finding = finding
            mark.save(update_fields=["finding"])
        round_.state = InspectionRound.State.CLOSED
        round_.closed_at, round_.closed_by = now, actor
        round_.score = scoring.weighted_pass_rate((m.result, m.item.weight) for m in marks)
        round_.save(update_fields=["state", "closed_at", "closed_by", "score"])
        scoring.record_scores(round_)
    return round_


# --- follow-up comparison ------------------------------------------------------------------


@dataclass
class Comparison:
    """A follow-up beside the round it follows, item by item (pairs of the earlier and the new mark)."""

    fixed: list[tuple[Mark | None, Mark]] = field(default_factory=list)
    still_failing: list[tuple[Mark | None, Mark]] = field(default_factory=list)
    newly_failing: list[tuple[Mark | None, Mark]] = field(default_factory=list)


def comparison(round_: InspectionRound) -> Comparison | None:
    """Fixed (failed, now passes), still failing, newly failing (failed now, not last time)."""
    if round_.follow_up_of_id is None:
        return None
    before = {m.item_id: m for m in round_.follow_up_of.marks.select_related("item", "finding")}
    result = Comparison()
    for mark in round_.marks.select_related("item", "finding"):
        earlier = before.get(mark.item_id)
        failed_before = earlier is not None and earlier.result == Result.FAIL
        if failed_before and mark.result == Result.PASS:
            result.fixed.append((earlier, mark))
        elif failed_before and mark.result == Result.FAIL:
            result.still_failing.append((earlier, mark))
        elif mark.result == Result.FAIL:
            result.newly_failing.append((earlier, mark))
    return result
