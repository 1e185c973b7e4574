"""The campaign (创城): its action lines (攻坚行动), assessment items (测评项目), inspection rounds and scores."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Community, District, Street, Unit
from districts.scoping import ScopedQuerySet
from inspections.models import Category, Finding


class Campaign(models.Model):
    """One campaign of a district, e.g. 2020年全国文明城市复审; at most one is active."""

    district = models.ForeignKey(District, models.PROTECT, related_name="campaigns", verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="campaign_campaign_one_active"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_campaign_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActionLine(models.Model):
    """攻坚行动: one of the campaign's lines of action, led by a unit."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="action_lines", verbose_name=_("campaign"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    lead_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lead unit")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["campaign", "sort_order", "code"]
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="campaign_actionline_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentItem(models.Model):
    """测评项目: a node of the campaign's tree of items; the leaves are what a round marks."""

    class Method(models.TextChoices):
        FIELD = "field", _("field inspection")
        MATERIALS = "materials", _("review of materials")
        SURVEY = "survey", _("questionnaire survey")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="items", verbose_name=_("campaign"))
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("parent item")
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    standard = models.TextField(_("standard"), blank=True)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.FIELD)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"))
    action_line = models.ForeignKey(
        ActionLine, models.SET_NULL, null=True, blank=True, related_name="items", verbose_name=_("action line")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["campaign", "sort_order", "code"]
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="campaign_assessmentitem_code_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="campaign_assessmentitem_weight_not_negative"),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="campaign_assessmentitem_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CategoryLink(models.Model):
    """A finding category's place in a campaign: its assessment item and its action line.

    The link lives here, not on the category: ``inspections`` knows nothing of campaigns.
    """

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="category_links", verbose_name=_("campaign"))
    category = models.ForeignKey(Category, models.CASCADE, related_name="+", verbose_name=_("category"))
    item = models.ForeignKey(
        AssessmentItem, models.CASCADE, null=True, blank=True, related_name="category_links", verbose_name=_("item")
    )
    action_line = models.ForeignKey(
        ActionLine, models.CASCADE, null=True, blank=True, related_name="category_links", verbose_name=_("action line")
    )

    class Meta:
        verbose_name = _("category link")
        verbose_name_plural = _("category links")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "category"], name="campaign_categorylink_one_per_category"),
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.item or self.action_line}"


class RoundQuerySet(ScopedQuerySet):
    scope_paths = {"district": "campaign__district", "street": "community__street", "community": "community"}


class InspectionRound(models.Model):
    """督查 / 暗访 / 模拟测评: one visit to a community on a date, marking the campaign's items."""

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("supervision inspection")
        UNDERCOVER = "undercover", _("undercover visit")
        MOCK = "mock", _("mock assessment")

    class State(models.TextChoices):
        OPEN = "open", _("being marked")
        CLOSED = "closed", _("closed")

    #: The source of the findings a round of each kind turns into.
    SOURCES = {
        Kind.SUPERVISION: Finding.Source.SUPERVISION,
        Kind.UNDERCOVER: Finding.Source.UNDERCOVER,
        # A mock assessment is the place checking itself before the real one (自查自纠迎评演练).
        Kind.MOCK: Finding.Source.SELF_INSPECTION,
    }

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="rounds", verbose_name=_("campaign"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SUPERVISION)
    community = models.ForeignKey(Community, models.PROTECT, related_name="+", verbose_name=_("community"))
    on = models.DateField(_("date"))
    follow_up_of = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="follow_ups", verbose_name=_("follow-up of")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", closed_at__isnull=True) | Q(state="closed", closed_at__isnull=False),
                name="campaign_inspectionround_closed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="campaign_inspectionround_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community.name} {self.on} {self.get_kind_display()}"

    @property
    def source(self) -> str:
        return self.SOURCES[self.kind]


class Mark(models.Model):
    """One item of a round, marked pass / fail / not applicable, with a note, a place and photos."""

    class Result(models.TextChoices):
        PASS = "pass", _("pass")
        FAIL = "fail", _("fail")
        NOT_APPLICABLE = "na", _("not applicable")

    round = models.ForeignKey(InspectionRound, models.CASCADE, related_name="marks", verbose_name=_("round"))
    item = models.ForeignKey(AssessmentItem, models.PROTECT, related_name="marks", verbose_name=_("item"))
    result = models.CharField(_("result"), max_length=4, choices=Result.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    #: It failed in the round this one follows up.
    carried_over = models.BooleanField(_("failed last time"), default=False)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("marked by")
    )
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    finding = models.OneToOneField(
        Finding, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("finding")
    )

    class Meta:
        ordering = ["round", "-carried_over", "item__sort_order", "item__code"]
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="campaign_mark_one_per_item"),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lng__isnull=True) | Q(lat__isnull=False, lng__isnull=False),
                name="campaign_mark_point_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.item.code} {self.result or '-'}"


def mark_photo_path(instance: "MarkPhoto", filename: str) -> str:
    return f"rounds/{timezone.now():%Y/%m}/{filename}"


class MarkPhoto(models.Model):
    """A photo taken while marking an item; stored without EXIF, like a finding's photos."""

    mark = models.ForeignKey(Mark, models.CASCADE, related_name="photos", verbose_name=_("mark"))
    image = models.ImageField(_("image"), upload_to=mark_photo_path)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.mark_id} {self.image.name}"


class ScoreQuerySet(ScopedQuerySet):
    scope_paths = {"district": "campaign__district", "street": "street", "community": "community"}


class Score(models.Model):
    """A score as it stood from a day on: a community's (its round) or a street's (its communities').

    Written when a round closes (``campaign.scoring``); the rows of one place are its history.
    """

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="scores", verbose_name=_("campaign"))
    street = models.ForeignKey(Street, models.CASCADE, related_name="+", verbose_name=_("street"))
    community = models.ForeignKey(
        Community, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("community")
    )
    round = models.ForeignKey(
        InspectionRound, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("round")
    )
    on = models.DateField(_("date"))
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=100), name="campaign_score_in_range"),
            # A community's score comes from a round; a street's from its communities.
            models.CheckConstraint(
                condition=Q(community__isnull=True, round__isnull=True)
                | Q(community__isnull=False, round__isnull=False),
                name="campaign_score_community_has_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community or self.street} {self.on} {self.value}"


def briefing_path(instance: "Briefing", filename: str) -> str:
    return f"briefings/{instance.day:%Y/%m}/{filename}"


class BriefingQuerySet(ScopedQuerySet):
    scope_paths = {"district": "district", "street": "street", "community": "street__communities"}
    crosses_many = True


class Briefing(models.Model):
    """日报: yesterday's numbers of the district or of one street, kept as an HTML page and an Excel file."""

    day = models.DateField(_("day"))
    district = models.ForeignKey(District, models.CASCADE, related_name="+", verbose_name=_("district"))
    street = models.ForeignKey(
        Street, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("street")
    )
    html = models.TextField(_("page"))
    workbook = models.FileField(_("Excel file"), upload_to=briefing_path)
    made_at = models.DateTimeField(_("made at"), default=timezone.now)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "street__code"]
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "district"], condition=Q(street__isnull=True), name="campaign_briefing_one_district_day"
            ),
            models.UniqueConstraint(
                fields=["day", "street"], condition=Q(street__isnull=False), name="campaign_briefing_one_street_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.street or self.district}"


def action_line_names(category_ids: list[int]) -> dict[int, str]:
    """Category id → the name of its action line in the active campaign (one query)."""
    links = CategoryLink.objects.filter(
        campaign__is_active=True, category_id__in=category_ids, action_line__isnull=False
    ).values_list("category_id", "action_line__name")
    return dict(links)
