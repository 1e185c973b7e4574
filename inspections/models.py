"""Findings (问题/工单), their categories, their append-only history and their photos."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Community, District, GridCell, Street, Unit
from districts.scoping import ScopedQuerySet
from inspections import ladder


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

    # The ladder's words (``inspections.ladder``), as conditions and as querysets.

    @staticmethod
    def overdue_condition(now: datetime) -> Q:
        return Q(status__in=Finding.OPEN_STATUSES, deadline_at__lte=ladder.overdue_by(now))

    @staticmethod
    def went_overdue_condition(now: datetime) -> Q:
        """Overdue now, or at some time before (``overdue_at``, kept through an approved extension)."""
        return Q(overdue_at__isnull=False) | FindingQuerySet.overdue_condition(now)

    @staticmethod
    def closed_in_time_condition() -> Q:
        """按期办结: verified and closed no later than the deadline (the extended one, when granted)."""
        return Q(status=Finding.Status.CLOSED, closed_at__lte=models.F("deadline_at"))

    @staticmethod
    def closed_late_condition() -> Q:
        """超期办结: verified and closed, but after the deadline."""
        return Q(status=Finding.Status.CLOSED, closed_at__gt=models.F("deadline_at"))

    def overdue(self, now: datetime | None = None) -> "FindingQuerySet":
        return self.filter(self.overdue_condition(now or timezone.now()))

    def not_overdue(self, now: datetime | None = None) -> "FindingQuerySet":
        return self.exclude(self.overdue_condition(now or timezone.now()))

    def escalated(self, now: datetime | None = None) -> "FindingQuerySet":
        return self.open().filter(deadline_at__lte=ladder.escalated_by(now or timezone.now()))

    def overdue_not_escalated(self, now: datetime | None = None) -> "FindingQuerySet":
        now = now or timezone.now()
        return self.overdue(now).filter(deadline_at__gt=ladder.escalated_by(now))

    def due_soon(self, now: datetime | None = None) -> "FindingQuerySet":
        now = now or timezone.now()
        return self.open().filter(deadline_at__gt=ladder.overdue_by(now), deadline_at__lte=ladder.due_soon_by(now))

    def went_overdue(self, now: datetime | None = None) -> "FindingQuerySet":
        return self.filter(self.went_overdue_condition(now or timezone.now()))

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
    # The deadline ladder (inspections.deadlines): 0 on time, 1 overdue, 2 escalated to the district.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # dispatched_at + category.ack_minutes, stored so that the sweep compares plain columns.
    ack_deadline_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    # Set by the sweep: when the reminder before the deadline went out; when acknowledging was late.
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    ack_late_at = models.DateTimeField(_("acknowledgement late since"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    # When it first went overdue; kept when an approved extension restarts the ladder, so that
    # the statistics still count it.
    overdue_at = models.DateTimeField(_("first overdue at"), null=True, blank=True)
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
            # The dashboard's open and overdue findings per cell, now: an index-only scan.
            models.Index(
                fields=["district", "street", "community", "grid_cell", "deadline_at"],
                name="insp_finding_open_place",
                condition=Q(status__in=["reported", "dispatched", "rectifying", "submitted"]),
            ),
            # The dashboard's "closed today" (live) and the roll-up's refresh of a closing day.
            models.Index(fields=["closed_at"], name="insp_finding_closed", condition=Q(status="closed")),
            # The sweep's acknowledgement rung: dispatched findings not yet marked late.
            models.Index(
                fields=["ack_deadline_at"],
                name="insp_finding_ack_due",
                condition=Q(status="dispatched", ack_late_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.is_open and ladder.is_overdue(self.deadline_at, now or timezone.now())

    def is_escalated(self, now: datetime | None = None) -> bool:
        return self.is_open and ladder.is_escalated(self.deadline_at, now or timezone.now())

    def is_due_soon(self, now: datetime | None = None) -> bool:
        return self.is_open and ladder.is_due_soon(self.deadline_at, now or timezone.now())

    def went_overdue(self, now: datetime | None = None) -> bool:
        return self.overdue_at is not None or self.is_overdue(now)

    @property
    def closed_late(self) -> bool:
        """超期办结: verified and closed after the deadline."""
        return self.status == self.Status.CLOSED and self.closed_at is not None and self.closed_at > self.deadline_at

    @property
    def lateness(self) -> timedelta | None:
        """How long after the deadline it was closed (closed late), or is still open (overdue); else None."""
        end = self.closed_at if self.status == self.Status.CLOSED else (None if not self.is_open else timezone.now())
        if end is None or end <= self.deadline_at:
            return None
        return end - self.deadline_at

    def time_left(self, now: datetime | None = None) -> timedelta:
        """Positive while there is time left, negative once overdue."""
        return self.deadline_at - (now or timezone.now())

    @property
    def assignee(self):
        """The side that must rectify: the responsible unit when there is one, else the community."""
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
        REMINDED = "reminded", _("deadline reminder")
        ACK_LATE = "ack_late", _("not acknowledged in time")
        OVERDUE = "overdue", _("overdue")
        ESCALATED = "escalated", _("escalated to the discipline commission")
        EXTENSION_REQUESTED = "extension_requested", _("extension requested")
        EXTENSION_APPROVED = "extension_approved", _("extension approved")
        EXTENSION_REFUSED = "extension_refused", _("extension refused")
        CASE_OPENED = "case_opened", _("accountability case opened")
        CASE_DECIDED = "case_decided", _("accountability decided")

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

    #: The steps the portal itself takes (routing, the deadline sweep); the others are people's.
    SYSTEM_KINDS = frozenset(
        {Kind.DISPATCHED, Kind.LOCATED, Kind.REMINDED, Kind.ACK_LATE, Kind.OVERDUE, Kind.ESCALATED}
    )

    @property
    def by_system(self) -> bool:
        """Taken by the portal itself (said "system" on the timeline), not by an unnamed person."""
        return self.actor_id is None and self.kind in self.SYSTEM_KINDS


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


class Extension(models.Model):
    """延期: the responsible side asks for more time before the deadline; a dispatcher decides."""

    class State(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="extensions", verbose_name=_("finding"))
    reason = models.TextField(_("reason"))
    old_deadline = models.DateTimeField(_("deadline before"))
    requested_deadline = models.DateTimeField(_("deadline asked for"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            # One open request at a time per finding.
            models.UniqueConstraint(
                fields=["finding"], condition=Q(state="pending"), name="inspections_extension_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(requested_deadline__gt=models.F("old_deadline")), name="inspections_extension_moves_forward"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.finding_id} → {self.requested_deadline:%Y-%m-%d %H:%M}"


class DraftPhoto(models.Model):
    """A photo picked for a report that was sent back with a form error, kept for the next try.

    Already checked and cleaned (``inspections.photos``); the next successful report of the same
    person and draft turns it into the finding's "before" photo (the files stay where they are).
    Drafts nobody came back to are removed after a day (``inspections.tasks.purge_drafts``).
    """

    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    draft = models.UUIDField(_("draft"), db_index=True)
    image = models.ImageField(_("image"), upload_to=photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    gps_lat = models.FloatField(_("GPS latitude"), null=True, blank=True)
    gps_lng = models.FloatField(_("GPS longitude"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("photo kept for a report")
        verbose_name_plural = _("photos kept for reports")

    def __str__(self) -> str:
        return f"{self.uploader_id} {self.draft}"


# --- the daily roll-up (inspections.rollup) ------------------------------------------------


class DailyCountQuerySet(ScopedQuerySet):
    scope_paths = {"district": "district", "street": "street", "community": "community", "unit": "responsible_unit"}


class Measures(models.Model):
    """The roll-up's columns, one per ``inspections.rollup.MEASURES``."""

    # Of the findings reported that day:
    reported = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(default=0)
    closed_in_time = models.PositiveIntegerField(default=0)
    closed_late = models.PositiveIntegerField(default=0)
    went_overdue = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    # Of what happened that day:
    closed = models.PositiveIntegerField(default=0)
    close_seconds = models.BigIntegerField(default=0)
    closed_fast = models.PositiveIntegerField(default=0)
    closed_by_reporter = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyCount(Measures):
    """One day × street × community × unit × category × source of the findings' measures (``inspections.rollup``).

    Written only by ``inspections.rollup``, from the findings; never edited by hand.
    """

    day = models.DateField(_("day"))
    district = models.ForeignKey(District, models.CASCADE, related_name="+", verbose_name=_("district"))
    street = models.ForeignKey(Street, models.CASCADE, null=True, related_name="+", verbose_name=_("street"))
    community = models.ForeignKey(Community, models.CASCADE, null=True, related_name="+", verbose_name=_("community"))
    responsible_unit = models.ForeignKey(
        Unit, models.CASCADE, null=True, related_name="+", verbose_name=_("responsible unit")
    )
    category = models.ForeignKey(Category, models.CASCADE, related_name="+", verbose_name=_("category"))
    source = models.CharField(_("source"), max_length=20, choices=Finding.Source.choices)

    objects = DailyCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        indexes = [
            # The dashboard sums a period of days, district-wide or for one street or community.
            models.Index(fields=["district", "day"], name="insp_dailycount_district_day"),
            models.Index(fields=["street", "day"], name="insp_dailycount_street_day"),
            models.Index(fields=["community", "day"], name="insp_dailycount_community_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.street_id} {self.community_id} {self.category_id} {self.source}"


class DailySubtotal(Measures):
    """The roll-up summed over fewer dimensions, written with it by ``inspections.rollup``.

    A day's full rows are as many as its combinations of place, unit, category and source
    (thousands in a busy district); the dashboard's totals and rankings need place and unit
    only, its charts category or source only. Each grain keeps the street and the community,
    so the same scope applies. Never edited by hand.
    """

    class Grain(models.TextChoices):
        PLACE = "place", _("street × community × unit")
        CATEGORY = "category", _("street × community × category")
        SOURCE = "source", _("street × community × source")

    grain = models.CharField(_("grain"), max_length=10, choices=Grain.choices)
    day = models.DateField(_("day"))
    district = models.ForeignKey(District, models.CASCADE, related_name="+", verbose_name=_("district"))
    street = models.ForeignKey(Street, models.CASCADE, null=True, related_name="+", verbose_name=_("street"))
    community = models.ForeignKey(Community, models.CASCADE, null=True, related_name="+", verbose_name=_("community"))
    responsible_unit = models.ForeignKey(
        Unit, models.CASCADE, null=True, related_name="+", verbose_name=_("responsible unit")
    )
    category = models.ForeignKey(Category, models.CASCADE, null=True, related_name="+", verbose_name=_("category"))
    source = models.CharField(_("source"), max_length=20, choices=Finding.Source.choices, blank=True)

    objects = DailyCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily subtotal")
        verbose_name_plural = _("daily subtotals")
        indexes = [
            models.Index(fields=["grain", "district", "day"], name="insp_dailysub_district_day"),
            models.Index(fields=["grain", "street", "day"], name="insp_dailysub_street_day"),
            models.Index(fields=["grain", "community", "day"], name="insp_dailysub_community_day"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.street_id} {self.community_id}"


class StaleDay(models.Model):
    """A day whose roll-up rows must be recomputed: marked by the workflow and the sweep, cleared by the task."""

    day = models.DateField(primary_key=True)
    marked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.day)
