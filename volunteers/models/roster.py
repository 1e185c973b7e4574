"""The duty roster (常态化值守): a unit sends N people each weekday to a community, everyone available
at weekends. The generator (``volunteers.roster``) turns a rule into duty days (activities with
``rule`` set) and their sign-ups; people swap with colleagues through ``SwapRequest``."""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Community, Unit
from districts.scoping import ScopedQuerySet


class DutyRuleQuerySet(ScopedQuerySet):
    scope_paths = {
        "district": "unit__district",
        "street": "community__street",
        "community": "community",
        "unit": "unit",
    }


class DutyRule(models.Model):
    """ "Unit U sends N people each weekday to community C (or spread over its communities) from A to B;
    at weekends everyone available"."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="duty_rules", verbose_name=_("unit"))
    # Empty: spread over every community the unit is registered with (approved).
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="duty_rules",
        verbose_name=_("community"),
    )
    per_weekday = models.PositiveSmallIntegerField(_("people each weekday"))
    weekends_everyone = models.BooleanField(_("everyone available at weekends"), default=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    shift_start = models.TimeField(_("shift starts"), default=time(8, 30))
    shift_end = models.TimeField(_("shift ends"), default=time(11, 30))
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("organiser")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = DutyRuleQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("duty rule")
        verbose_name_plural = _("duty rules")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="volunteers_dutyrule_ordered"),
            models.CheckConstraint(condition=Q(per_weekday__gt=0), name="volunteers_dutyrule_quota_positive"),
            models.CheckConstraint(
                condition=Q(shift_end__gt=models.F("shift_start")), name="volunteers_dutyrule_shift_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} × {self.per_weekday}"


class SwapRequest(models.Model):
    """A volunteer asks a colleague of their unit to take their duty day (optionally giving one back)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting the colleague")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    signup = models.ForeignKey(
        "volunteers.SignUp", models.CASCADE, related_name="swap_requests", verbose_name=_("duty day given")
    )
    requester = models.ForeignKey(
        "volunteers.Volunteer", models.CASCADE, related_name="swaps_asked", verbose_name=_("asked by")
    )
    colleague = models.ForeignKey(
        "volunteers.Volunteer", models.CASCADE, related_name="swaps_offered", verbose_name=_("colleague")
    )
    # The colleague's duty day the requester takes in exchange (empty: the colleague just covers).
    in_return = models.ForeignKey(
        "volunteers.SignUp",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duty day taken in return"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        constraints = [
            models.UniqueConstraint(
                fields=["signup"], condition=Q(status="pending"), name="volunteers_swaprequest_one_pending"
            ),
            models.CheckConstraint(
                condition=~Q(requester=models.F("colleague")), name="volunteers_swaprequest_not_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signup_id}: {self.requester_id} → {self.colleague_id}"
