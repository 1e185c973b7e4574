"""The 15-minute life circle (15分钟生活圈): a community's points of interest and what it lacks.

Locations are WGS-84 latitude/longitude columns, like the findings' (DESIGN §3.7: no GDAL);
distances are computed in Python (``neighbourhood.circle``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Community
from districts.scoping import ScopedQuerySet
from inspections.models import Finding
from volunteers.models import Wish


class Kind(models.TextChoices):
    """What a point of interest is, in the order the circle's table and legend list them."""

    SERVICE_CENTRE = "service_centre", _("community service centre")
    MARKET = "market", _("convenience market")
    CLINIC = "clinic", _("clinic or pharmacy")
    BANK = "bank", _("bank")
    SCHOOL = "school", _("school")
    SHELTER = "shelter", _("emergency shelter")
    ELDERLY_CARE = "elderly_care", _("elderly care")
    SPORTS_CULTURE = "sports_culture", _("sports and culture")
    OTHER = "other", _("other")


#: The official Chinese names of the kinds, as the street offices' sheets write them.
CHINESE_LABELS = {
    Kind.SERVICE_CENTRE: "社区服务中心",
    Kind.MARKET: "便民市场",
    Kind.CLINIC: "诊所药店",
    Kind.BANK: "银行",
    Kind.SCHOOL: "学校",
    Kind.SHELTER: "紧急避难所",
    Kind.ELDERLY_CARE: "养老",
    Kind.SPORTS_CULTURE: "文体健身",
    Kind.OTHER: "其他",
}

#: Legend colours, one per kind (readable on a blank ground and in print).
COLOURS = {
    Kind.SERVICE_CENTRE: "#c8102e",
    Kind.MARKET: "#1a7f37",
    Kind.CLINIC: "#0b57d0",
    Kind.BANK: "#9a6700",
    Kind.SCHOOL: "#6e40c9",
    Kind.SHELTER: "#953800",
    Kind.ELDERLY_CARE: "#bf3989",
    Kind.SPORTS_CULTURE: "#0a7b83",
    Kind.OTHER: "#57606a",
}


class PointQuerySet(ScopedQuerySet):
    scope_paths = {
        "district": "community__street__district",
        "street": "community__street",
        "community": "community",
    }


class PointOfInterest(models.Model):
    """A place residents walk to: a market, a clinic, the community service centre ..."""

    community = models.ForeignKey(Community, models.PROTECT, related_name="points", verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("updated by")
    )

    objects = PointQuerySet.as_manager()

    class Meta:
        ordering = ["community", "kind", "name"]
        verbose_name = _("point of interest")
        verbose_name_plural = _("points of interest")
        constraints = [
            # A re-import updates a point by its kind and name.
            models.UniqueConstraint(fields=["community", "kind", "name"], name="neighbourhood_point_unique_name"),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="neighbourhood_point_wgs84",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CircleRadius(models.Model):
    """A community's own walking reach, where the district's default (CIRCLE_RADIUS_M) does not fit."""

    community = models.OneToOneField(
        Community, models.CASCADE, related_name="circle_radius", verbose_name=_("community")
    )
    radius_m = models.PositiveIntegerField(
        _("radius (metres)"), validators=[MinValueValidator(100), MaxValueValidator(5000)]
    )

    class Meta:
        verbose_name = _("walking reach of a community")
        verbose_name_plural = _("walking reaches of communities")
        constraints = [
            models.CheckConstraint(
                condition=Q(radius_m__gte=100, radius_m__lte=5000), name="neighbourhood_circleradius_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community.name}: {self.radius_m} m"


class LackQuerySet(ScopedQuerySet):
    scope_paths = PointQuerySet.scope_paths


class LackAction(models.Model):
    """What a community made of one lack of its circle: a micro-wish or a finding (the link back)."""

    community = models.ForeignKey(Community, models.PROTECT, related_name="+", verbose_name=_("community"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    wish = models.OneToOneField(
        Wish, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("micro-wish")
    )
    finding = models.OneToOneField(
        Finding, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("finding")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = LackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("action on a lack")
        verbose_name_plural = _("actions on lacks")
        constraints = [
            models.CheckConstraint(
                condition=Q(wish__isnull=False, finding__isnull=True) | Q(wish__isnull=True, finding__isnull=False),
                name="neighbourhood_lackaction_wish_xor_finding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community.name}: {self.get_kind_display()}"
