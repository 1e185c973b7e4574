"""Residents' questionnaires (入户调查): a questionnaire of a campaign, its rounds over communities,
and the responses collected door to door.

A response holds no resident's name or phone: only the grid cell, the time and the interviewer.
Each answer is a row; the options it chose are rows of its ``options`` relation, so every rate of
``surveys.rates`` is one aggregate query (an answer is positive when none of its chosen options is
not positive).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Community, GridCell, Street
from districts.scoping import ScopedQuerySet

option_key = RegexValidator(r"^[A-Za-z0-9_-]{1,20}$", _("Letters, digits, hyphens and underscores, at most 20."))


class Measure(models.TextChoices):
    """The three rates of the national assessment's residents' survey."""

    AWARENESS = "awareness", _("awareness rate")
    SUPPORT = "support", _("support rate")
    SATISFACTION = "satisfaction", _("satisfaction rate")


class Questionnaire(models.Model):
    """问卷: the questions asked in a campaign's door-to-door rounds."""

    campaign = models.ForeignKey(
        "campaign.Campaign", models.PROTECT, related_name="questionnaires", verbose_name=_("campaign")
    )
    title = models.CharField(_("title"), max_length=100)
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("What the interviewer reads to the household first.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        TEXT = "text", _("text")

    questionnaire = models.ForeignKey(
        Questionnaire, models.CASCADE, related_name="questions", verbose_name=_("questionnaire")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    measure = models.CharField(
        _("measure"),
        max_length=20,
        choices=Measure.choices,
        null=True,
        blank=True,
        help_text=_("The rate this question feeds; text questions feed none."),
    )

    class Meta:
        ordering = ["questionnaire", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "order"], name="surveys_question_order_unique"),
            models.CheckConstraint(
                condition=~Q(kind="text") | Q(measure__isnull=True), name="surveys_question_text_feeds_no_measure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class Option(models.Model):
    question = models.ForeignKey(Question, models.CASCADE, related_name="options", verbose_name=_("question"))
    key = models.CharField(_("key"), max_length=20, validators=[option_key])
    text = models.CharField(_("text"), max_length=200)
    positive = models.BooleanField(_("positive"), default=False, help_text=_("Counts towards the question's rate."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["question", "order", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="surveys_option_key_unique")]

    def __str__(self) -> str:
        return f"{self.key}. {self.text}"


class RoundQuerySet(ScopedQuerySet):
    """Staff see the rounds over their places; a volunteer those over the communities they serve in."""

    crosses_many = True
    scope_paths = {
        "district": "communities__street__district",
        "street": "communities__street",
        "community": "communities",
        "grid": "communities__grid_cells",
    }

    def visible_to(self, user, *, roles=None) -> "RoundQuerySet":
        if user is None or not user.is_authenticated:
            return self.none()
        condition = user.visibility_filter(self.scope_paths, roles=roles)
        if (roles is None or "volunteer" in roles) and "volunteer" in user.roles():
            mine = Q(pk__in=RoundCommunity.objects.filter(community__in=served_communities(user)).values("round_id"))
            condition = mine if condition is None else condition | mine
        if condition is None:
            return self.none()
        return self.filter(pk__in=self.model.objects.filter(condition).values("pk"))


def served_communities(user):
    """The communities a volunteer serves in (approved registrations, their own or their unit's)."""
    from volunteers.models import Registration

    approved = Registration.objects.approved()
    return Community.objects.filter(
        Q(pk__in=approved.filter(kind="member", volunteer__user=user, volunteer__is_active=True).values("community_id"))
        | Q(
            pk__in=approved.filter(kind="unit", unit__volunteers__user=user, unit__volunteers__is_active=True).values(
                "community_id"
            )
        )
    )


class SurveyRound(models.Model):
    """入户调查: a questionnaire asked in some communities for a period, with a target per community."""

    questionnaire = models.ForeignKey(
        Questionnaire, models.PROTECT, related_name="rounds", verbose_name=_("questionnaire")
    )
    title = models.CharField(_("title"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    communities = models.ManyToManyField(
        Community, through="RoundCommunity", related_name="survey_rounds", verbose_name=_("communities")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="surveys_surveyround_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class RoundCommunity(models.Model):
    """One community of a round, with the number of households to visit there."""

    round = models.ForeignKey(SurveyRound, models.CASCADE, related_name="places", verbose_name=_("survey round"))
    community = models.ForeignKey(Community, models.PROTECT, related_name="+", verbose_name=_("community"))
    target_households = models.PositiveIntegerField(_("target households"), default=100)

    class Meta:
        ordering = ["round", "community__code"]
        verbose_name = _("community of the round")
        verbose_name_plural = _("communities of the round")
        constraints = [
            models.UniqueConstraint(fields=["round", "community"], name="surveys_roundcommunity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.community_id}"


class ResponseQuerySet(ScopedQuerySet):
    scope_paths = {"district": "street__district", "street": "street", "community": "community", "grid": "grid_cell"}


class Response(models.Model):
    """One household visit: saved whole (with its answers) or not at all."""

    round = models.ForeignKey(SurveyRound, models.PROTECT, related_name="responses", verbose_name=_("survey round"))
    # Made by the phone before the first attempt to send: a resent response is found, not counted twice.
    client_id = models.UUIDField(_("client id"))
    grid_cell = models.ForeignKey(GridCell, models.PROTECT, related_name="+", verbose_name=_("grid cell"))
    # Copied from the cell, for the scope and the results per community and street.
    community = models.ForeignKey(Community, models.PROTECT, related_name="+", verbose_name=_("community"))
    street = models.ForeignKey(Street, models.PROTECT, related_name="+", verbose_name=_("street"))
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("interviewer")
    )
    answered_at = models.DateTimeField(_("answered at"))
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-answered_at", "-id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            # The idempotency of a resent response, also between two requests at the same moment.
            models.UniqueConstraint(fields=["round", "client_id"], name="surveys_response_client_id_once"),
        ]
        indexes = [
            # Results per community of a round; coverage.
            models.Index(fields=["round", "community"], name="surveys_response_round_place"),
            # An interviewer's day (their volunteer hours).
            models.Index(fields=["interviewer", "answered_at"], name="surveys_response_interviewer"),
        ]

    def __str__(self) -> str:
        return str(self.client_id)


class Answer(models.Model):
    """The answer to one question: chosen options, or text."""

    response = models.ForeignKey(Response, models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, models.PROTECT, related_name="answers", verbose_name=_("question"))
    options = models.ManyToManyField(Option, related_name="+", blank=True, verbose_name=_("options"))
    text = models.TextField(_("text"), blank=True, max_length=2000)

    class Meta:
        ordering = ["response", "question__order"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="surveys_answer_once_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.question_id}"


class ServiceDay(models.Model):
    """The volunteer activity that counts one round's interviews in one community on one day.

    Interviewers who are volunteers get an attendance on it (``surveys.service``): their
    person-times and hours come from the volunteers' own ledger.
    """

    round = models.ForeignKey(SurveyRound, models.CASCADE, related_name="service_days", verbose_name=_("survey round"))
    community = models.ForeignKey(Community, models.PROTECT, related_name="+", verbose_name=_("community"))
    day = models.DateField(_("day"))
    activity = models.OneToOneField(
        "volunteers.Activity", models.CASCADE, related_name="survey_day", verbose_name=_("activity")
    )

    class Meta:
        verbose_name = _("survey service day")
        verbose_name_plural = _("survey service days")
        constraints = [
            models.UniqueConstraint(fields=["round", "community", "day"], name="surveys_serviceday_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.community_id} · {self.day}"
