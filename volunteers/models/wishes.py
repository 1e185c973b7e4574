"""Micro-wishes (微心愿): 居民点单 → 社区下单 → 单位/党员接单, fulfilled with a photo, rated by the resident.

The resident's name and phone are the community's: no page or answer outside the community's own
staff shows the phone (``volunteers.wishes.can_see_resident``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Community, Unit
from districts.scoping import ScopedQuerySet
from volunteers.models.people import Registration, Volunteer, phone_validator


class WishQuerySet(ScopedQuerySet):
    """The community's staff and those above it see its wishes; a registered unit and the volunteers
    serving there see the published ones; a claimant sees what it claimed."""

    scope_paths = {"district": "community__street__district", "street": "community__street", "community": "community"}

    def visible_to(self, user, *, roles=None) -> "WishQuerySet":
        if user is None or not user.is_authenticated:
            return self.none()
        condition = user.visibility_filter(self.scope_paths, roles=roles)
        # A unit: the wishes it claimed, and the published ones of the communities it is registered with.
        units = user.visibility_filter({"unit": "pk"}, roles=roles)
        if units is not None:
            registered = Registration.objects.approved().filter(kind="unit", unit__in=Unit.objects.filter(units))
            unit_part = Q(claimed_unit__in=Unit.objects.filter(units)) | Q(
                status__in=Wish.OPEN_TO_CLAIM, community__in=registered.values("community_id")
            )
            condition = unit_part if condition is None else condition | unit_part
        if (roles is None or "volunteer" in roles) and "volunteer" in user.roles():
            served = Registration.objects.approved().filter(
                Q(kind="member", volunteer__user=user) | Q(kind="unit", unit__volunteers__user=user)
            )
            mine = Q(claimed_volunteer__user=user) | Q(
                status__in=Wish.OPEN_TO_CLAIM, community__in=served.values("community_id")
            )
            condition = mine if condition is None else condition | mine
        if condition is None:
            return self.none()
        return self.filter(condition)


class Wish(models.Model):
    """One resident's small wish, recorded by the community and adopted by a unit or a party member."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("recorded")
        PUBLISHED = "published", _("published, waiting to be claimed")
        CLAIMED = "claimed", _("claimed")
        FULFILLED = "fulfilled", _("fulfilled")
        CLOSED = "closed", _("closed with the resident's rating")
        CANCELLED = "cancelled", _("cancelled")

    class Satisfaction(models.TextChoices):
        VERY_SATISFIED = "very_satisfied", _("very satisfied")
        SATISFIED = "satisfied", _("satisfied")
        DISSATISFIED = "dissatisfied", _("dissatisfied")

    OPEN_TO_CLAIM = (Status.PUBLISHED,)
    CLAIMED_STATUSES = (Status.CLAIMED, Status.FULFILLED, Status.CLOSED)

    community = models.ForeignKey(Community, models.PROTECT, related_name="wishes", verbose_name=_("community"))
    title = models.CharField(_("wish"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    resident_name = models.CharField(_("resident"), max_length=50)
    resident_phone = models.CharField(_("resident's phone"), max_length=20, blank=True, validators=[phone_validator])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECORDED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    claimed_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="claimed_wishes", verbose_name=_("claimed by unit")
    )
    claimed_volunteer = models.ForeignKey(
        Volunteer,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="claimed_wishes",
        verbose_name=_("claimed by party member"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilment_note = models.TextField(_("how it was fulfilled"), blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True)
    feedback = models.CharField(_("resident's words"), max_length=300, blank=True)

    objects = WishQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        constraints = [
            # Claimed, fulfilled and closed wishes have exactly one claimant; the others none.
            models.CheckConstraint(
                condition=Q(status__in=["claimed", "fulfilled", "closed"], claimed_at__isnull=False)
                & (
                    Q(claimed_unit__isnull=False, claimed_volunteer__isnull=True)
                    | Q(claimed_unit__isnull=True, claimed_volunteer__isnull=False)
                )
                | ~Q(status__in=["claimed", "fulfilled", "closed"])
                & Q(claimed_unit__isnull=True, claimed_volunteer__isnull=True),
                name="volunteers_wish_one_claimant_when_claimed",
            ),
            models.CheckConstraint(
                condition=Q(status="closed") & ~Q(satisfaction="") | ~Q(status="closed") & Q(satisfaction=""),
                name="volunteers_wish_rated_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["community", "status"], name="vol_wish_community_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def claimant_name(self) -> str:
        if self.claimed_unit_id:
            return self.claimed_unit.name
        if self.claimed_volunteer_id:
            return self.claimed_volunteer.name
        return ""


class WishEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Wish events are append-only.")

    def delete(self):
        raise TypeError("Wish events are append-only.")


class WishEvent(models.Model):
    """The timeline of a wish. Append-only: never updated, never deleted."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", _("recorded by the community")
        PUBLISHED = "published", _("published")
        CLAIMED = "claimed", _("claimed")
        FULFILLED = "fulfilled", _("fulfilled")
        RATED = "rated", _("rated by the resident")
        CANCELLED = "cancelled", _("cancelled")

    wish = models.ForeignKey(Wish, models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    objects = WishEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.wish_id} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("Wish events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Wish events are append-only.")


class WishPhoto(models.Model):
    """A photo of the fulfilled wish (no EXIF: ``web.photos`` stores a clean copy)."""

    wish = models.ForeignKey(Wish, models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="wishes/%Y/%m/")
    thumbnail = models.ImageField(upload_to="wishes/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.wish_id} photo"
