"""Volunteers and 双报到: a unit registers with communities, a party member with the community where
they live; the community approves. A volunteer serves in the communities of their approved
registrations and in those of their unit's."""

import secrets
from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Community, Unit
from districts.scoping import ScopedQuerySet

#: Days of the week as bits of ``Volunteer.availability`` (Monday is bit 0, as ``date.weekday()``).
WEEKDAY_BITS = 0b0011111
WEEKEND_BITS = 0b1100000
ALL_DAYS = WEEKDAY_BITS | WEEKEND_BITS
DAY_NAMES = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)

phone_validator = RegexValidator(r"^\+?\d{5,20}$", _("Digits only, e.g. 13805310000."))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def mask_phone(phone: str) -> str:
    """138****0001: the first three and last four digits (shorter numbers keep only the last two)."""
    if not phone:
        return ""
    if len(phone) >= 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * max(len(phone) - 2, 0) + phone[-2:]


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("awaiting approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


#: A registration that counts, or will once approved: at most one per community and party.
ACTIVE_REGISTRATION = (RegistrationStatus.PENDING, RegistrationStatus.APPROVED)


class VolunteerQuerySet(models.QuerySet):
    """Who sees a volunteer: the person themself; their unit's staff; and the staff of the places
    they serve in (a personal registration pending or approved there, or their unit's approved one)."""

    #: Kind of scope → path from a registration to it.
    PLACE_PATHS = {"district": "community__street__district", "street": "community__street", "community": "community"}

    def visible_to(self, user, *, roles=None) -> "VolunteerQuerySet":
        if user is None or not user.is_authenticated:
            return self.none()
        own = user.visibility_filter({"user": "user", "unit": "unit"}, roles=roles)
        personal = user.visibility_filter(
            {kind: f"registrations__{path}" for kind, path in self.PLACE_PATHS.items()}, roles=roles
        )
        through_unit = user.visibility_filter(
            {kind: f"unit__registrations__{path}" for kind, path in self.PLACE_PATHS.items()}, roles=roles
        )
        condition = None
        # Each term is one filter on one join: the status below applies to the same registration
        # row as the place (Django reuses a multi-valued join within one Q).
        for term in (
            own,
            personal & Q(registrations__status__in=ACTIVE_REGISTRATION) if personal is not None else None,
            through_unit & Q(unit__registrations__status=RegistrationStatus.APPROVED)
            if through_unit is not None
            else None,
        ):
            if term is not None:
                condition = term if condition is None else condition | term
        if condition is None:
            return self.none()
        return self.filter(pk__in=self.model.objects.filter(condition).values("pk"))

    def serving_in(self, communities) -> "VolunteerQuerySet":
        """Active volunteers who serve in ``communities`` (ids or a queryset) through an approved registration."""
        approved = Registration.objects.filter(status=RegistrationStatus.APPROVED, community__in=communities)
        return self.filter(is_active=True).filter(
            Q(pk__in=approved.filter(kind=Registration.Kind.MEMBER).values("volunteer_id"))
            | Q(unit__in=approved.filter(kind=Registration.Kind.UNIT).values("unit_id"))
        )


class Volunteer(models.Model):
    """A person who serves: a party member, a unit's cadre; linked to a login when they have one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("login"),
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, validators=[phone_validator])
    unit = models.ForeignKey(
        Unit, models.SET_NULL, null=True, blank=True, related_name="volunteers", verbose_name=_("unit")
    )
    is_party_member = models.BooleanField(_("party member"), default=False)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    # Days of the week the person can serve, as bits (Monday = 1, Sunday = 64).
    availability = models.PositiveSmallIntegerField(_("available days"), default=ALL_DAYS)
    # The secret of the person's calendar feed (an unguessable URL; renewing it cuts off old links).
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.CheckConstraint(
                condition=Q(availability__gte=0, availability__lte=ALL_DAYS), name="volunteers_volunteer_days_in_week"
            ),
        ]
        indexes = [models.Index(fields=["unit", "is_active"], name="vol_volunteer_unit")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def available_on(self, day: date) -> bool:
        return bool(self.availability & (1 << day.weekday()))

    @property
    def available_days(self) -> list[str]:
        return [str(name) for bit, name in enumerate(DAY_NAMES) if self.availability & (1 << bit)]


class RegistrationQuerySet(ScopedQuerySet):
    scope_paths = {
        "district": "community__street__district",
        "street": "community__street",
        "community": "community",
        "unit": "unit",
        "user": "volunteer__user",
    }

    def active(self) -> "RegistrationQuerySet":
        return self.filter(status__in=ACTIVE_REGISTRATION)

    def approved(self) -> "RegistrationQuerySet":
        return self.filter(status=RegistrationStatus.APPROVED)


class Registration(models.Model):
    """双报到: a unit (单位报到) or a party member (党员报到) registers with a community, which approves."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("unit registration")
        MEMBER = "member", _("party member registration")

    Status = RegistrationStatus

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="volunteer_registrations", verbose_name=_("community")
    )
    unit = models.ForeignKey(
        Unit, models.CASCADE, null=True, blank=True, related_name="registrations", verbose_name=_("unit")
    )
    volunteer = models.ForeignKey(
        Volunteer, models.CASCADE, null=True, blank=True, related_name="registrations", verbose_name=_("volunteer")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(_("note"), max_length=300, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="unit", unit__isnull=False, volunteer__isnull=True)
                | Q(kind="member", unit__isnull=True, volunteer__isnull=False),
                name="volunteers_registration_party_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["unit", "community"],
                condition=Q(kind="unit", status__in=ACTIVE_REGISTRATION),
                name="volunteers_registration_one_per_unit_and_community",
            ),
            # A party member registers with the one community where they live.
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(kind="member", status__in=ACTIVE_REGISTRATION),
                name="volunteers_registration_one_home_per_member",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True) | ~Q(status="pending"),
                name="volunteers_registration_pending_undecided",
            ),
        ]

    def __str__(self) -> str:
        party = self.unit if self.kind == self.Kind.UNIT else self.volunteer
        return f"{party} → {self.community_id} ({self.status})"

    @property
    def party_name(self) -> str:
        return str(self.unit if self.kind == self.Kind.UNIT else self.volunteer)


class Leave(models.Model):
    """Days a volunteer cannot serve (请假): the roster leaves them out."""

    volunteer = models.ForeignKey(Volunteer, models.CASCADE, related_name="leaves", verbose_name=_("volunteer"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="volunteers_leave_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.starts_on}–{self.ends_on}"
