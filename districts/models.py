"""The district's geography (District → Street → Community → GridCell) and its units."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from districts.geometry import bbox_of
from districts.scoping import ScopedQuerySet

district_code = RegexValidator(r"^\d{6}$", _("A district code has 6 digits."))
street_code = RegexValidator(r"^\d{9}$", _("A street code has 9 digits."))
community_code = RegexValidator(r"^\d{12}$", _("A community code has 12 digits."))
grid_code = RegexValidator(r"^\d{12}\d{3}$", _("A grid code is its community's 12 digits and 3 more."))


class Area(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class DistrictQuerySet(ScopedQuerySet):
    crosses_many = True
    scope_paths = {
        "district": "pk",
        "street": "streets",
        "community": "streets__communities",
        "grid": "streets__communities__grid_cells",
        "unit": "units",
    }


class District(Area):
    code = models.CharField(_("code"), max_length=6, unique=True, validators=[district_code])
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    center_lng = models.FloatField(_("centre longitude"), null=True, blank=True)

    objects = DistrictQuerySet.as_manager()

    class Meta(Area.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class StreetQuerySet(ScopedQuerySet):
    crosses_many = True
    scope_paths = {
        "district": "district",
        "street": "pk",
        "community": "communities",
        "grid": "communities__grid_cells",
    }


class Street(Area):
    code = models.CharField(_("code"), max_length=9, unique=True, validators=[street_code])
    district = models.ForeignKey(District, models.PROTECT, related_name="streets", verbose_name=_("district"))

    objects = StreetQuerySet.as_manager()

    class Meta(Area.Meta):
        verbose_name = _("street")
        verbose_name_plural = _("streets")


class CommunityQuerySet(ScopedQuerySet):
    crosses_many = True
    scope_paths = {"district": "street__district", "street": "street", "community": "pk", "grid": "grid_cells"}


class Community(Area):
    code = models.CharField(_("code"), max_length=12, unique=True, validators=[community_code])
    street = models.ForeignKey(Street, models.PROTECT, related_name="communities", verbose_name=_("street"))

    objects = CommunityQuerySet.as_manager()

    class Meta(Area.Meta):
        verbose_name = _("community")
        verbose_name_plural = _("communities")


class GridCellQuerySet(ScopedQuerySet):
    scope_paths = {
        "district": "community__street__district",
        "street": "community__street",
        "community": "community",
        "grid": "pk",
    }

    def covering_bbox(self, *, lat: float, lng: float) -> "GridCellQuerySet":
        """Cells whose bounding box holds the point: the database-side first cut."""
        return self.filter(min_lat__lte=lat, max_lat__gte=lat, min_lng__lte=lng, max_lng__gte=lng)


class GridCell(Area):
    code = models.CharField(_("code"), max_length=15, unique=True, validators=[grid_code])
    community = models.ForeignKey(Community, models.PROTECT, related_name="grid_cells", verbose_name=_("community"))
    boundary = models.JSONField(_("boundary (GeoJSON)"))
    # Bounding box of the boundary, derived on save; indexed for the point and viewport queries.
    min_lat = models.FloatField(editable=False)
    min_lng = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)
    max_lng = models.FloatField(editable=False)

    objects = GridCellQuerySet.as_manager()

    class Meta(Area.Meta):
        verbose_name = _("grid cell")
        verbose_name_plural = _("grid cells")
        indexes = [
            # covering_bbox(): which boxes hold a point; the map's viewport queries.
            models.Index(fields=["min_lat", "max_lat", "min_lng", "max_lng"], name="districts_gridcell_bbox"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_lat__lte=models.F("max_lat")) & models.Q(min_lng__lte=models.F("max_lng")),
                name="districts_gridcell_bbox_ordered",
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        self.apply_bbox()
        super().save(*args, **kwargs)

    def apply_bbox(self) -> None:
        """Derive the bounding-box columns from the boundary (bulk writers call this too)."""
        box = bbox_of(self.boundary)
        self.min_lat, self.min_lng, self.max_lat, self.max_lng = box.min_lat, box.min_lng, box.max_lat, box.max_lng


class UnitQuerySet(ScopedQuerySet):
    scope_paths = {"district": "district", "street": "street", "unit": "pk"}


class Unit(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("functional department")
        ORGAN = "organ", _("organ")
        DISCIPLINE = "discipline", _("discipline body")
        ENTERPRISE = "enterprise", _("resident unit")

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", _("Letters, digits and hyphens only."))],
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    district = models.ForeignKey(District, models.PROTECT, related_name="units", verbose_name=_("district"))
    # Set for a street's own bodies (its discipline working committee, 纪工委).
    street = models.ForeignKey(
        Street, models.PROTECT, null=True, blank=True, related_name="units", verbose_name=_("street")
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name
