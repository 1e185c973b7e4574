"""Activities (志愿服务活动), the sign-ups for them with their waitlist, and attendance.

Hours and person-times (人次) come from ``Attendance`` alone, never from sign-ups.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Community, Unit
from districts.scoping import ScopedQuerySet
from volunteers.models.people import Registration, Volunteer

#: Where an activity, a sign-up's activity and an attendance lie, for the staff's scope.
PLACE_PATHS = {"district": "community__street__district", "street": "community__street", "community": "community"}


def checkin_secret() -> str:
    return secrets.token_urlsafe(24)


class ActivityQuerySet(ScopedQuerySet):
    """Staff see the activities of their places and those their unit organises; a volunteer
    sees those of the communities they serve in and those they signed up for."""

    scope_paths = {**PLACE_PATHS, "unit": "organiser_unit"}

    def visible_to(self, user, *, roles=None) -> "ActivityQuerySet":
        if user is None or not user.is_authenticated:
            return self.none()
        condition = user.visibility_filter(self.scope_paths, roles=roles)
        if (roles is None or "volunteer" in roles) and "volunteer" in user.roles():
            # Subqueries on the login, so that no query is needed to find the person's profile.
            served = Registration.objects.approved().filter(
                Q(kind="member", volunteer__user=user) | Q(kind="unit", unit__volunteers__user=user)
            )
            mine = Q(community__in=served.values("community_id")) | Q(
                pk__in=SignUp.objects.filter(volunteer__user=user).values("activity_id")
            )
            condition = mine if condition is None else condition | mine
        if condition is None:
            return self.none()
        return self.filter(condition)

    def upcoming(self, now=None) -> "ActivityQuerySet":
        return self.filter(cancelled_at__isnull=True, ends_at__gt=now or timezone.now())

    def with_counts(self) -> "ActivityQuerySet":
        """``signed_up`` (holding a place: confirmed or attended) and ``waitlisted``, in the same query."""
        return self.annotate(
            signed_up=models.Count("signups", filter=Q(signups__status__in=SignUp.PLACE_HOLDING), distinct=True),
            waitlisted=models.Count("signups", filter=Q(signups__status=SignUp.Status.WAITLISTED), distinct=True),
        )


class Activity(models.Model):
    """A volunteer activity in one community; a duty day of the roster is one too (``rule`` set)."""

    class Kind(models.TextChoices):
        CLEANING = "cleaning", _("environmental cleaning")
        PARKING = "parking", _("parking order")
        PUBLICITY = "publicity", _("civilisation publicity")
        VISITS = "visits", _("household visits")
        DUTY = "duty", _("duty day")
        SURVEY = "survey", _("door-to-door survey")
        OTHER = "other", _("other")

    class Eligibility(models.TextChoices):
        EVERYONE = "everyone", _("everyone serving in the community")
        UNIT = "unit", _("one unit's people")
        PARTY_MEMBERS = "party_members", _("party members")

    community = models.ForeignKey(Community, models.PROTECT, related_name="activities", verbose_name=_("community"))
    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CLEANING)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("places"))
    description = models.TextField(_("description"), blank=True)
    eligibility = models.CharField(
        _("who may sign up"), max_length=20, choices=Eligibility.choices, default=Eligibility.EVERYONE
    )
    eligible_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit that may sign up")
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("organiser")
    )
    # Set when a unit organises it: its staff are organisers too.
    organiser_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_activities",
        verbose_name=_("organising unit"),
    )
    rule = models.ForeignKey(
        "volunteers.DutyRule",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="days",
        verbose_name=_("duty rule"),
    )
    # The secret behind the rotating check-in code (``volunteers.attendance.checkin_code``).
    checkin_secret = models.CharField(max_length=64, default=checkin_secret, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="volunteers_activity_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="volunteers_activity_capacity_positive"),
            models.CheckConstraint(
                condition=Q(eligibility="unit", eligible_unit__isnull=False)
                | (~Q(eligibility="unit") & Q(eligible_unit__isnull=True)),
                name="volunteers_activity_unit_iff_unit_eligibility",
            ),
            models.CheckConstraint(
                condition=Q(rule__isnull=True) | Q(kind="duty"), name="volunteers_activity_rule_days_are_duty"
            ),
            # One duty day per rule, community and shift: two generators never make it twice.
            models.UniqueConstraint(
                fields=["rule", "community", "starts_at"],
                condition=Q(rule__isnull=False),
                name="volunteers_activity_one_duty_day",
            ),
        ]
        indexes = [
            # Lists of a community's activities, by time.
            models.Index(fields=["community", "starts_at"], name="vol_activity_community_time"),
            # The reminder and no-show sweeps look at activities about to start or just ended.
            models.Index(fields=["starts_at"], name="vol_activity_starts"),
            models.Index(fields=["ends_at"], name="vol_activity_ends"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_duty(self) -> bool:
        return self.rule_id is not None


class SignUpQuerySet(ScopedQuerySet):
    scope_paths = {
        **{kind: f"activity__{path}" for kind, path in PLACE_PATHS.items()},
        "unit": "activity__organiser_unit",
        "user": "volunteer__user",
    }

    def holding(self) -> "SignUpQuerySet":
        """Sign-ups that still claim the person's time: pending, confirmed or waitlisted."""
        return self.filter(status__in=SignUp.HOLDING)


class SignUp(models.Model):
    """One person's sign-up for one activity: confirmed, waitlisted, or awaiting the organiser."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting the organiser's approval")
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waitlist")
        CANCELLED = "cancelled", _("cancelled")
        DECLINED = "declined", _("declined by the organiser")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("did not come")

    class Source(models.TextChoices):
        SELF = "self", _("signed up")
        ORGANISER = "organiser", _("added by the organiser")
        ROSTER = "roster", _("duty roster")

    #: Statuses that hold the person's time (and, but for the waitlist, a place).
    HOLDING = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)
    #: Statuses that take one of the activity's places.
    PLACE_HOLDING = (Status.CONFIRMED, Status.ATTENDED)
    #: A sign-up that is over for good; another one for the same activity may follow.
    ENDED = (Status.CANCELLED, Status.DECLINED)

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="signups", verbose_name=_("activity"))
    volunteer = models.ForeignKey(Volunteer, models.CASCADE, related_name="signups", verbose_name=_("volunteer"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SELF)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    # When the place became the person's: at sign-up, on promotion from the waitlist, on approval.
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Each reminder is sent once: the sweep claims the row by setting its mark.
    reminded_day_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_soon_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SignUpQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=~Q(status__in=["cancelled", "declined"]),
                name="volunteers_signup_once_per_activity",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "attended", "no_show"]) | Q(confirmed_at__isnull=False),
                name="volunteers_signup_confirmed_has_time",
            ),
        ]
        indexes = [
            # Counting places and finding the first on the waitlist, under the activity's lock.
            models.Index(fields=["activity", "status", "created_at"], name="vol_signup_activity_status"),
            # A person's sign-ups: overlap checks, their page, their calendar.
            models.Index(fields=["volunteer", "status"], name="vol_signup_volunteer_status"),
            # The reminder sweep: confirmed sign-ups not yet reminded.
            models.Index(fields=["activity"], name="vol_signup_to_remind", condition=Q(status="confirmed")),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} @ {self.activity_id} ({self.status})"


class AttendanceQuerySet(ScopedQuerySet):
    scope_paths = {**PLACE_PATHS, "unit": "unit", "user": "volunteer__user"}


class Attendance(models.Model):
    """Someone was there: checked in (by the organiser or by the QR code) and out, with the hours.

    ``community`` and ``unit`` are copied when the person checks in (the activity's community, the
    person's unit then), so that the hours of a unit stay with it if the person moves on.
    """

    class Method(models.TextChoices):
        ORGANISER = "organiser", _("by the organiser")
        QR = "qr", _("QR code")
        SURVEY = "survey", _("from the survey responses")

    signup = models.OneToOneField(SignUp, models.CASCADE, related_name="attendance", verbose_name=_("sign-up"))
    activity = models.ForeignKey(Activity, models.CASCADE, related_name="attendances", verbose_name=_("activity"))
    volunteer = models.ForeignKey(Volunteer, models.CASCADE, related_name="attendances", verbose_name=_("volunteer"))
    community = models.ForeignKey(Community, models.PROTECT, related_name="+", verbose_name=_("community"))
    unit = models.ForeignKey(Unit, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit"))
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    check_in_method = models.CharField(_("checked in"), max_length=10, choices=Method.choices)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Closed by the sweep at the activity's end because nobody checked the person out.
    closed_at_end = models.BooleanField(_("closed at the end"), default=False)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, default=0)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["checked_in_at", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True, hours=0)
                | Q(checked_out_at__gte=models.F("checked_in_at"), hours__gte=0),
                name="volunteers_attendance_hours_after_checkout",
            ),
        ]
        indexes = [
            # Turnout and hours per community and period (the dashboard's card).
            models.Index(fields=["community", "checked_in_at"], name="vol_attendance_community"),
            models.Index(fields=["checked_in_at"], name="vol_attendance_time"),
            # A person's hours, and the roster's "fewest hours first".
            models.Index(fields=["volunteer", "checked_in_at"], name="vol_attendance_volunteer"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} @ {self.activity_id}"
