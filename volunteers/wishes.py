"""Micro-wishes (微心愿), the way communities run them: 居民点单 → 社区下单 → 单位/党员接单.

recorded ─publish→ published ─claim→ claimed ─fulfil(photo)→ fulfilled ─rate→ closed
(and cancelled, by the community, before it is fulfilled)

A community worker records a resident's wish and publishes it; a unit registered with the
community (its staff) or a party member serving there claims it; the claimant fulfils it with a
photo; the community records the resident's satisfaction. Each step is one service that locks
the wish, checks its status and the actor, and appends its event to the timeline. The resident's
phone stays with the community: ``can_see_resident``.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.visibility import holders, holds
from districts.models import Community, Unit
from notifications.services import Message, notify_bulk
from volunteers.models import Registration, Volunteer, Wish, WishEvent, WishPhoto
from volunteers.models.people import phone_validator
from volunteers.permissions import unit_ids
from web import photos
from web.errors import Conflict, Forbidden, Invalid

Status = Wish.Status
Kind = WishEvent.Kind


def can_see_resident(user, wish: Wish) -> bool:
    """The resident's name and phone: the community's own workers alone."""
    return holds(user, [Role.COMMUNITY_WORKER], wish)


def is_community_of(user, wish: Wish) -> bool:
    return holds(user, [Role.COMMUNITY_WORKER], wish)


def link(wish: Wish) -> str:
    return reverse("volunteers:wish", args=[wish.pk])


def _locked(wish: Wish) -> Wish:
    return (
        Wish.objects.select_for_update(of=("self",))
        .select_related("community", "claimed_unit", "claimed_volunteer")
        .get(pk=wish.pk)
    )


def _event(wish: Wish, actor, kind: str, note: str = "") -> WishEvent:
    return WishEvent.objects.create(wish=wish, actor=actor, kind=kind, note=note, at=timezone.now())


def record_wish(
    *, actor, community: Community, title: str, description: str, resident_name: str, resident_phone: str = ""
) -> Wish:
    """居民点单, recorded by the community's worker."""
    if not holds(actor, [Role.COMMUNITY_WORKER], community):
        raise Forbidden(_("Only the community's workers record its residents' wishes."))
    title, resident_name = (title or "").strip(), (resident_name or "").strip()
    if not title:
        raise Invalid(_("Say what the resident wishes for."), field="title")
    if not resident_name:
        raise Invalid(_("Give the resident's name."), field="resident_name")
    resident_phone = (resident_phone or "").strip()
    if resident_phone:
        try:
            phone_validator(resident_phone)
        except Exception as exc:
            raise Invalid(_("Digits only, e.g. 13805310000."), field="resident_phone") from exc
    with transaction.atomic():
        wish = Wish.objects.create(
            community=community,
            title=title[:100],
            description=(description or "").strip(),
            resident_name=resident_name[:50],
            resident_phone=resident_phone,
            recorded_by=actor,
        )
        _event(wish, actor, Kind.RECORDED)
    return wish


def publish_wish(*, actor, wish: Wish) -> Wish:
    """社区下单: open for claiming; the units registered with the community are told."""
    if not is_community_of(actor, wish):
        raise Forbidden(_("Only the community's workers publish its wishes."))
    with transaction.atomic():
        wish = _locked(wish)
        if wish.status != Status.RECORDED:
            raise Conflict(_("This wish has already been published."))
        wish.status, wish.published_at = Status.PUBLISHED, timezone.now()
        wish.save(update_fields=["status", "published_at"])
        _event(wish, actor, Kind.PUBLISHED)
        units = Registration.objects.approved().filter(kind="unit", community=wish.community).values_list("unit_id")
        subject = _("New micro-wish in %(community)s: %(title)s") % {
            "community": wish.community.name,
            "title": wish.title,
        }
        staff = []
        for unit in Unit.objects.filter(pk__in=units):
            staff.extend(holders(unit, [Role.UNIT_STAFF]))
        notify_bulk([Message(recipient=user, subject=subject, link=link(wish)) for user in staff])
    return wish


def claim_wish(*, actor, wish: Wish, unit: Unit | None = None) -> Wish:
    """单位/党员接单: a unit registered with the community (``unit``, by its staff), or a party member
    serving there for themself. First come, first served: the lock lets one claim through."""
    claimant_unit = claimant = None
    if unit is not None:
        if not (actor.is_superuser or unit.pk in unit_ids(actor)):
            raise Forbidden(_("Only the unit's staff claim in its name."))
        registered = Registration.objects.approved().filter(kind="unit", unit=unit, community_id=wish.community_id)
        if not registered.exists():
            raise Forbidden(_("Only units registered with this community claim its wishes."))
        claimant_unit = unit
    else:
        claimant = Volunteer.objects.filter(user=actor).first() if actor.is_authenticated else None
        if claimant is None or not claimant.is_party_member:
            raise Forbidden(_("Wishes are claimed by units and by party members."))
        if not Volunteer.objects.serving_in([wish.community_id]).filter(pk=claimant.pk).exists():
            raise Forbidden(_("You do not serve in this community."))
    with transaction.atomic():
        wish = _locked(wish)
        if wish.status != Status.PUBLISHED:
            raise Conflict(_("This wish is not open to claim (someone may have just claimed it)."))
        wish.status, wish.claimed_at = Status.CLAIMED, timezone.now()
        wish.claimed_unit, wish.claimed_volunteer = claimant_unit, claimant
        wish.save(update_fields=["status", "claimed_at", "claimed_unit", "claimed_volunteer"])
        _event(wish, actor, Kind.CLAIMED, wish.claimant_name)
        subject = _("%(claimant)s claimed the wish “%(title)s”") % {"claimant": wish.claimant_name, "title": wish.title}
        notify_bulk(
            [
                Message(recipient=user, subject=subject, link=link(wish))
                for user in holders(wish, [Role.COMMUNITY_WORKER])
            ]
        )
    return wish


def is_claimant(user, wish: Wish) -> bool:
    if wish.claimed_unit_id:
        return user.is_superuser or wish.claimed_unit_id in unit_ids(user)
    return wish.claimed_volunteer_id is not None and wish.claimed_volunteer.user_id == user.pk


def fulfil_wish(*, actor, wish: Wish, note: str, files) -> Wish:
    """The claimant says it is done, with at least one photo (validated before anything is written)."""
    # Read afresh: who claimed it is what decides, not what the caller's copy says.
    wish = Wish.objects.select_related("claimed_volunteer").get(pk=wish.pk)
    if not is_claimant(actor, wish):
        raise Forbidden(_("Only whoever claimed the wish fulfils it."))
    files = list(files or [])
    if not files:
        raise Invalid(_("Add a photo of the fulfilled wish."), field="photos")
    processed = photos.prepare(files)
    with transaction.atomic():
        wish = _locked(wish)
        if wish.status != Status.CLAIMED or not is_claimant(actor, wish):
            raise Conflict(_("This wish is not waiting to be fulfilled."))
        now = timezone.now()
        wish.status, wish.fulfilled_at, wish.fulfilment_note = Status.FULFILLED, now, (note or "").strip()
        wish.save(update_fields=["status", "fulfilled_at", "fulfilment_note"])
        for photo in processed:
            row = WishPhoto(wish=wish, uploaded_by=actor, uploaded_at=now)
            row.image.save(photo.image.name, photo.image, save=False)
            row.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
            row.save()
        _event(wish, actor, Kind.FULFILLED, wish.fulfilment_note)
        subject = _("The wish “%(title)s” is fulfilled: ask the resident") % {"title": wish.title}
        notify_bulk(
            [
                Message(recipient=user, subject=subject, link=link(wish))
                for user in holders(wish, [Role.COMMUNITY_WORKER])
            ]
        )
    return wish


def rate_wish(*, actor, wish: Wish, satisfaction: str, feedback: str = "") -> Wish:
    """The community records the resident's satisfaction; the wish is closed and the claimant told."""
    if not is_community_of(actor, wish):
        raise Forbidden(_("Only the community's workers record the resident's satisfaction."))
    if satisfaction not in Wish.Satisfaction.values:
        raise Invalid(_("Choose how satisfied the resident is."), field="satisfaction")
    with transaction.atomic():
        wish = _locked(wish)
        if wish.status != Status.FULFILLED:
            raise Conflict(_("Only a fulfilled wish is rated."))
        wish.status, wish.satisfaction, wish.feedback = Status.CLOSED, satisfaction, (feedback or "").strip()[:300]
        wish.save(update_fields=["status", "satisfaction", "feedback"])
        _event(wish, actor, Kind.RATED, f"{wish.get_satisfaction_display()} {wish.feedback}".strip())
        if wish.claimed_unit_id:
            recipients = holders(wish.claimed_unit, [Role.UNIT_STAFF])
        else:
            user = wish.claimed_volunteer.user
            recipients = [user] if user and user.is_active else []
        subject = _("The resident rated the wish “%(title)s”: %(rating)s") % {
            "title": wish.title,
            "rating": wish.get_satisfaction_display(),
        }
        notify_bulk([Message(recipient=user, subject=subject, link=link(wish)) for user in recipients])
    return wish


def cancel_wish(*, actor, wish: Wish, reason: str) -> Wish:
    """The community withdraws a wish not yet fulfilled (the resident moved, it was met otherwise)."""
    if not is_community_of(actor, wish):
        raise Forbidden(_("Only the community's workers cancel its wishes."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the wish is cancelled."), field="reason")
    with transaction.atomic():
        wish = _locked(wish)
        if wish.status not in (Status.RECORDED, Status.PUBLISHED, Status.CLAIMED):
            raise Conflict(_("A fulfilled wish is not cancelled."))
        wish.status = Status.CANCELLED
        wish.claimed_unit = wish.claimed_volunteer = None
        wish.claimed_at = None
        wish.save(update_fields=["status", "claimed_unit", "claimed_volunteer", "claimed_at"])
        _event(wish, actor, Kind.CANCELLED, reason)
    return wish
