"""Findings (问题/工单), their categories, their append-only history and their photos."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Community, District, GridCell, Street, Unit
from districts.scoping import ScopedQuerySet


class Category(models.Model):
    """A kind of problem, with its deadline and who is responsible for it."""

    class Responsible(models.TextChoices):
        COMMUNITY = "community", _("the community")
        UNIT = "unit", _("a functional unit")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    deadline_hours = models.PositiveIntegerField(_("hours to rectify"), default=24)
    ack_minutes = models.PositiveIntegerField(_("minutes to acknowledge"), default=60)
    responsible = models.CharField(
        _("responsible"), max_length=20, choices=Responsible.choices, default=Responsible.COMMUNITY
    )
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="categories", verbose_name=_("responsible unit")
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(condition=Q(deadline_hours__gt=0), name="inspections_category_deadline_positive"),
            models.CheckConstraint(
                condition=Q(responsible="community", unit__isnull=True) | Q(responsible="unit", unit__isnull=False),
                name="inspections_category_unit_iff_unit_responsible",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FindingQuerySet(ScopedQuerySet):
    scope_paths = {
        "district": "district",
        "street": "street",
        "community": "community",
        "grid": "grid_cell",
        "unit": "responsible_unit",
        "user": "reporter",
    }

    def open(self) -> "FindingQuerySet":
        return self.filter(status__in=Finding.OPEN_STATUSES)

    def overdue(self, now: datetime | None = None) -> "FindingQuerySet":
        return self.open().filter(deadline_at__lt=now or timezone.now())

    def not_overdue(self, now: datetime | None = None) -> "FindingQuerySet":
        return self.exclude(status__in=Finding.OPEN_STATUSES, deadline_at__lt=now or timezone.now())

    def for_list(self) -> "FindingQuerySet":
        """What a list shows of each finding, joined in one query."""
        return self.select_related("category", "grid_cell", "community", "street", "district", "responsible_unit")


class Finding(models.Model):
    """One problem to rectify. ``status`` is changed only by ``inspections.workflow``."""

    class Source(models.TextChoices):
        SUPERVISION = "supervision", _("supervision team")
        CITIZEN_PATROL = "citizen_patrol", _("citizen patrol")
        HOTLINE = "hotline", _("12345 hotline")
        UNDERCOVER = "undercover", _("undercover visit")
        GRID_PATROL = "grid_patrol", _("grid patrol")
        SNAPSHOT = "snapshot", _("citizen snapshot")
        SELF_INSPECTION = "self_inspection", _("self-inspection")

    class Status(models.TextChoices):
        REPORTED = "reported", _("awaiting dispatch")
        DISPATCHED = "dispatched", _("dispatched")
        RECTIFYING = "rectifying", _("being rectified")
        SUBMITTED = "submitted", _("awaiting verification")
        CLOSED = "closed", _("closed")
        INVALID = "invalid", _("invalid")
        DUPLICATE = "duplicate", _("duplicate")

    OPEN_STATUSES = (Status.REPORTED, Status.DISPATCHED, Status.RECTIFYING, Status.SUBMITTED)

    code = models.CharField(_("number"), max_length=24, unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    category = models.ForeignKey(Category, models.PROTECT, related_name="findings", verbose_name=_("category"))
    description = models.TextField(_("description"), max_length=2000)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    # Where it is and who answers for it; the geography is denormalised for scoping and statistics.
    grid_cell = models.ForeignKey(
        GridCell, models.PROTECT, null=True, blank=True, related_name="findings", verbose_name=_("grid cell")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, null=True, blank=True, related_name="findings", verbose_name=_("community")
    )
    street = models.ForeignKey(
        Street, models.PROTECT, null=True, blank=True, related_name="findings", verbose_name=_("street")
    )
    district = models.ForeignKey(District, models.PROTECT, related_name="findings", verbose_name=_("district"))
    responsible_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="findings", verbose_name=_("responsible unit")
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    reported_at = models.DateTimeField(_("reported at"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    deadline_at = models.DateTimeField(_("deadline"))
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    return_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True)
    duplicate_of = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="duplicates", verbose_name=_("duplicate of")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_findings",
        verbose_name=_("reporter"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            # The hotline's ticket number (and any other source's own reference) is unique per source.
            models.UniqueConstraint(
                fields=["source", "external_ref"],
                condition=~Q(external_ref=""),
                name="inspections_finding_external_ref_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="duplicate", duplicate_of__isnull=False) | ~Q(status="duplicate"),
                name="inspections_finding_duplicate_has_original",
            ),
            models.CheckConstraint(
                condition=Q(deadline_at__gte=models.F("reported_at")), name="inspections_finding_deadline_after_report"
            ),
        ]
        indexes = [
            # The scoped lists: newest first within a scope, optionally by status.
            models.Index(fields=["district", "status", "-reported_at"], name="insp_finding_district_list"),
            models.Index(fields=["street", "status", "-reported_at"], name="insp_finding_street_list"),
            models.Index(fields=["community", "status", "-reported_at"], name="insp_finding_community_list"),
            models.Index(fields=["grid_cell", "status", "-reported_at"], name="insp_finding_grid_list"),
            models.Index(fields=["responsible_unit", "status", "-reported_at"], name="insp_finding_unit_list"),
            models.Index(fields=["-reported_at", "-id"], name="insp_finding_recent"),
            # The deadline sweep and the overdue filters look only at open findings.
            models.Index(
                fields=["deadline_at"],
                name="insp_finding_open_deadline",
                condition=Q(status__in=["reported", "dispatched", "rectifying", "submitted"]),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.is_open and self.deadline_at < (now or timezone.now())

    def time_left(self, now: datetime | None = None) -> timedelta:
        """Positive while there is time left, negative once overdue."""
        return self.deadline_at - (now or timezone.now())

    @property
    def assignee(self):
        """Who must rectify: the responsible unit when there is one, else the community."""
        return self.responsible_unit or self.community


class FindingEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Finding events are append-only.")

    def delete(self):
        raise TypeError("Finding events are append-only.")


class FindingEvent(models.Model):
    """One entry of a finding's history. Append-only: never updated, never deleted."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("reported")
        DISPATCHED = "dispatched", _("dispatched")
        REASSIGNED = "reassigned", _("reassigned")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        SUBMITTED = "submitted", _("rectification submitted")
        VERIFIED = "verified", _("verified and closed")
        RETURNED = "returned", _("returned for rework")
        DECLINED = "declined", _("declined")
        MARKED_INVALID = "marked_invalid", _("marked invalid")
        MARKED_DUPLICATE = "marked_duplicate", _("marked duplicate")
        PHOTO_ADDED = "photo_added", _("photo added")
        LOCATED = "located", _("located from a photo")

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="events", verbose_name=_("finding"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Finding.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Finding.Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    payload = models.JSONField(_("details"), default=dict, blank=True)

    objects = FindingEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("finding event")
        verbose_name_plural = _("finding events")
        indexes = [models.Index(fields=["finding", "at"], name="insp_event_timeline")]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("Finding events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Finding events are append-only.")


def photo_path(instance: "FindingPhoto", filename: str) -> str:
    now = timezone.now()
    return f"findings/{now:%Y/%m}/{filename}"


class FindingPhoto(models.Model):
    """A photo before or after rectification; EXIF is stripped from the stored copy."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("before")
        AFTER = "after", _("after")

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="photos", verbose_name=_("finding"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    image = models.ImageField(_("image"), upload_to=photo_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path)
    width = models.PositiveIntegerField(null=True, editable=False)
    height = models.PositiveIntegerField(null=True, editable=False)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    gps_lat = models.FloatField(_("GPS latitude"), null=True, blank=True)
    gps_lng = models.FloatField(_("GPS longitude"), null=True, blank=True)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.finding_id} {self.stage}"


class DailySequence(models.Model):
    """The last finding number given out for one district on one day (codes like 370103-20261126-0007)."""

    district = models.ForeignKey(District, models.CASCADE, related_name="+")
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district", "day"], name="inspections_dailysequence_unique")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.day} {self.value}"
