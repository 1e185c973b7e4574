"""/api/v1/volunteers/: activities and sign-ups, the roster, micro-wishes, my hours (mounted by config.urls).

As everywhere in the API: querysets start from ``visible_to`` (out of scope is a 404), a wrong role
is a 403 before any input is looked at, and the services' refusals become ``Forbidden`` 403,
``Conflict`` 409 ``{"detail": ...}`` and ``Invalid`` 400 ``{field: [message]}``.

- ``GET/POST activities/``, ``GET activities/{id}/``; ``POST activities/{id}/signup/``, ``cancel/``,
  ``checkin/``, ``checkout/`` (a volunteer for themself, with the QR ``code`` to check in; an
  organiser with ``volunteer``).
- ``GET roster/?from=&to=`` (duty days with their gaps), ``POST roster/generate/``.
- ``GET/POST wishes/``, ``GET wishes/{id}/``, ``POST wishes/{id}/publish|claim|fulfil|rate|cancel/``.
- ``GET me/hours/``: the volunteer's hours, person-times, star level and weeks.
"""

from datetime import timedelta

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from districts.models import Community, Unit
from volunteers import attendance, roster, selectors, signups, stats, wishes
from volunteers.models import Activity, DutyRule, SignUp, Volunteer, Wish, WishEvent
from volunteers.permissions import STAFF_ROLES, can_organise, is_staff_reader, is_volunteer, organises
from web.errors import Forbidden, Invalid
from web.fields import CodeField, DateTimeField, FilesField

# --- serializers ---------------------------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer):
    community = serializers.SlugRelatedField(slug_field="code", read_only=True)
    signed_up = serializers.IntegerField(read_only=True, help_text="places taken (confirmed or attended)")
    waitlisted = serializers.IntegerField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "community",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "description",
            "signed_up",
            "waitlisted",
        ]


class ActivityInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    community = CodeField(queryset=Community.objects.all(), unknown=_("No community has this code."))
    kind = serializers.ChoiceField(
        choices=[c for c in Activity.Kind.choices if c[0] not in (Activity.Kind.DUTY, Activity.Kind.SURVEY)]
    )
    starts_at = DateTimeField()
    ends_at = DateTimeField()
    place = serializers.CharField(max_length=200)
    capacity = serializers.IntegerField(min_value=1, max_value=10000)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    eligibility = serializers.ChoiceField(
        choices=Activity.Eligibility.choices, required=False, default=Activity.Eligibility.EVERYONE
    )
    eligible_unit = CodeField(
        queryset=Unit.objects.all(), unknown=_("No unit has this code."), required=False, allow_null=True, default=None
    )


class SignUpSerializer(serializers.ModelSerializer):
    activity = serializers.PrimaryKeyRelatedField(read_only=True)
    volunteer = serializers.PrimaryKeyRelatedField(read_only=True)
    position = serializers.SerializerMethodField(help_text="place on the waitlist (1 = next), else null")

    class Meta:
        model = SignUp
        fields = ["id", "activity", "volunteer", "status", "position", "created_at", "confirmed_at"]

    def get_position(self, signup) -> int | None:
        return signups.waitlist_position(signup)


class PersonInput(serializers.Serializer):
    """Empty for oneself; an organiser names the person."""

    volunteer = serializers.PrimaryKeyRelatedField(queryset=Volunteer.objects.all(), required=False, allow_null=True)


class CheckInput(PersonInput):
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    at = DateTimeField(required=False, allow_null=True, default=None, help_text="organisers: when (default now)")


class AttendanceSerializer(serializers.Serializer):
    volunteer = serializers.IntegerField(source="volunteer_id")
    activity = serializers.IntegerField(source="activity_id")
    checked_in_at = serializers.DateTimeField()
    checked_out_at = serializers.DateTimeField(allow_null=True)
    hours = serializers.DecimalField(max_digits=5, decimal_places=2)


class DutyDaySerializer(serializers.ModelSerializer):
    community = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.CharField(source="rule.unit.code", read_only=True)
    rule = serializers.PrimaryKeyRelatedField(read_only=True)
    date = serializers.SerializerMethodField()
    quota = serializers.SerializerMethodField(help_text="places wanted: the weekday quota; at weekends those on duty")
    on_duty = serializers.SerializerMethodField()
    gap = serializers.SerializerMethodField(help_text="weekday places that could not be filled")

    class Meta:
        model = Activity
        fields = ["id", "rule", "unit", "community", "date", "starts_at", "ends_at", "quota", "on_duty", "gap"]

    def get_date(self, activity) -> str:
        return timezone.localdate(activity.starts_at).isoformat()

    def get_quota(self, activity) -> int:
        return activity.capacity

    def get_on_duty(self, activity) -> list[str]:
        return [signup.volunteer.name for signup in activity.on_duty_list]

    def get_gap(self, activity) -> int:
        weekend = timezone.localtime(activity.starts_at).weekday() >= 5
        return 0 if weekend else max(activity.capacity - len(activity.on_duty_list), 0)


class RosterQuery(serializers.Serializer):
    start = serializers.DateField(required=False, allow_null=True, default=None)
    to = serializers.DateField(required=False, allow_null=True, default=None)

    def get_fields(self):
        fields = super().get_fields()
        return {"from": fields.pop("start"), **fields}

    def validate(self, data):
        today = timezone.localdate()
        data["from"] = data.get("from") or today.replace(day=1)
        data["to"] = data.get("to") or data["from"] + timedelta(days=30)
        if data["from"] > data["to"]:
            raise serializers.ValidationError({"from": [_("The start of the period is after its end.")]})
        if (data["to"] - data["from"]).days > 366:
            raise serializers.ValidationError({"to": [_("At most a year at a time.")]})
        return data


class GenerateInput(RosterQuery):
    rule = serializers.PrimaryKeyRelatedField(queryset=DutyRule.objects.all())

    def validate(self, data):
        if self.initial_data.get("from") in (None, "") or self.initial_data.get("to") in (None, ""):
            raise serializers.ValidationError({"from": [_("Give the first and the last day of the period.")]})
        return super().validate(data)


class GapSerializer(serializers.Serializer):
    date = serializers.DateField(source="day")
    community = serializers.CharField(source="community.code")
    needed = serializers.IntegerField()
    assigned = serializers.IntegerField()
    missing = serializers.IntegerField()


class WishSerializer(serializers.ModelSerializer):
    community = serializers.SlugRelatedField(slug_field="code", read_only=True)
    claimed_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    claimed_by = serializers.CharField(source="claimant_name", read_only=True)
    resident = serializers.SerializerMethodField(help_text="the resident, for the community's own workers only")
    photos = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta:
        model = Wish
        fields = [
            "id",
            "title",
            "description",
            "community",
            "status",
            "claimed_unit",
            "claimed_by",
            "created_at",
            "published_at",
            "claimed_at",
            "fulfilled_at",
            "fulfilment_note",
            "satisfaction",
            "feedback",
            "resident",
            "photos",
            "timeline",
        ]

    def get_resident(self, wish) -> dict | None:
        # The phone never leaves the community: anyone else gets null.
        if not wishes.can_see_resident(self.context["request"].user, wish):
            return None
        return {"name": wish.resident_name, "phone": wish.resident_phone}

    def get_photos(self, wish) -> list[str]:
        return [photo.image.url for photo in wish.photos.all()]

    def get_timeline(self, wish) -> list[dict]:
        return [
            {"kind": event.kind, "at": event.at.isoformat(), "actor": str(event.actor or ""), "note": event.note}
            for event in wish.events.all()
        ]


class WishInput(serializers.Serializer):
    community = CodeField(queryset=Community.objects.all(), unknown=_("No community has this code."))
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    resident_name = serializers.CharField(max_length=50)
    resident_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class ClaimInput(serializers.Serializer):
    unit = CodeField(
        queryset=Unit.objects.all(), unknown=_("No unit has this code."), required=False, allow_null=True, default=None
    )


class FulfilInput(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    photos = FilesField(required=False, default=list, max_length=9)


class RateInput(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Wish.Satisfaction.choices)
    feedback = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class WishReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def _validated(input_class, request) -> dict:
    serializer = input_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- permissions ---------------------------------------------------------------------------


class StaffOrVolunteer(permissions.BasePermission):
    message = _("The volunteer service is for volunteers, organisers, street staff and leaders.")

    def has_permission(self, request, view) -> bool:
        return is_staff_reader(request.user) or is_volunteer(request.user)


class StaffOnly(permissions.BasePermission):
    message = _("The duty roster is for organisers, street staff and leaders.")

    def has_permission(self, request, view) -> bool:
        return is_staff_reader(request.user)


class VolunteerOnly(permissions.BasePermission):
    message = _("Only volunteers have hours of their own.")

    def has_permission(self, request, view) -> bool:
        return is_volunteer(request.user)


# --- activities ----------------------------------------------------------------------------


@extend_schema(tags=[_("Volunteer service")])
@extend_schema_view(
    list=extend_schema(summary=_("Activities you may see: your communities' (volunteers), your scope's (staff)")),
    retrieve=extend_schema(summary=_("One activity")),
)
class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, StaffOrVolunteer]
    serializer_class = ActivitySerializer
    queryset = Activity.objects.none()  # for the schema; get_queryset() scopes every request

    def get_queryset(self):
        return (
            Activity.objects.visible_to(self.request.user)
            .select_related("community")
            .with_counts()
            .order_by("-starts_at", "-id")
        )

    def _answer(self, activity: Activity, code: int = status.HTTP_200_OK) -> Response:
        fresh = Activity.objects.select_related("community").with_counts().get(pk=activity.pk)
        return Response(ActivitySerializer(fresh).data, status=code)

    @extend_schema(request=ActivityInput, responses={201: ActivitySerializer}, summary=_("Create an activity"))
    def create(self, request):
        if not can_organise(request.user):
            raise Forbidden(_("Only community workers and unit staff organise activities."))
        data = _validated(ActivityInput, request)
        activity = signups.create_activity(
            actor=request.user,
            community=data.pop("community"),
            data=signups.ActivityInput(**data),
        )
        return self._answer(activity, status.HTTP_201_CREATED)

    def _person(self, activity: Activity, data: dict):
        person = data.get("volunteer")
        if person is not None and not organises(self.request.user, activity):
            raise Forbidden(_("Only the activity's organisers act for someone else."))
        return person

    @extend_schema(
        request=PersonInput, responses={201: SignUpSerializer}, summary=_("Sign up (or, organisers, add someone)")
    )
    @action(detail=True, methods=["post"])
    def signup(self, request, pk=None):
        activity = self.get_object()
        person = self._person(activity, _validated(PersonInput, request))
        signup = signups.sign_up(actor=request.user, activity=activity, volunteer=person)
        return Response(SignUpSerializer(signup).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PersonInput, responses=SignUpSerializer, summary=_("Cancel a sign-up (the next waiting gets the place)")
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        activity = self.get_object()
        person = self._person(activity, _validated(PersonInput, request))
        if person is None:
            person = selectors.profile_of(request.user)
        signup = activity.signups.filter(volunteer=person).exclude(status__in=SignUp.ENDED).first() if person else None
        if signup is None:
            raise Invalid(_("There is no sign-up to cancel."), field="volunteer")
        return Response(SignUpSerializer(signups.cancel_sign_up(actor=request.user, signup=signup)).data)

    def _check(self, request, step):
        activity = self.get_object()
        data = _validated(CheckInput, request)
        person = self._person(activity, data)
        if person is None and not data["code"]:
            raise Invalid(_("Scan the activity's code (or, organisers, name the person)."), field="code")
        row = step(actor=request.user, activity=activity, volunteer=person, code=data["code"], at=data["at"])
        return Response(AttendanceSerializer(row).data)

    @extend_schema(
        request=CheckInput, responses=AttendanceSerializer, summary=_("Check in: with the QR code, or by the organiser")
    )
    @action(detail=True, methods=["post"])
    def checkin(self, request, pk=None):
        return self._check(request, attendance.check_in)

    @extend_schema(request=CheckInput, responses=AttendanceSerializer, summary=_("Check out; the hours are counted"))
    @action(detail=True, methods=["post"])
    def checkout(self, request, pk=None):
        return self._check(request, attendance.check_out)


# --- the roster ----------------------------------------------------------------------------


def _duty_days(user, start, end):
    visible_rules = DutyRule.objects.visible_to(user, roles=STAFF_ROLES)
    on_duty = Prefetch(
        "signups",
        queryset=SignUp.objects.filter(status__in=roster.ON_DUTY)
        .select_related("volunteer")
        .order_by("volunteer__name"),
        to_attr="on_duty_list",
    )
    return (
        Activity.objects.filter(rule__in=visible_rules, cancelled_at__isnull=True)
        .filter(starts_at__date__gte=start, starts_at__date__lte=end)
        .select_related("community", "rule__unit")
        .prefetch_related(on_duty)
        .order_by("starts_at", "community__code")
    )


class RosterAnswer(serializers.Serializer):
    """The answer of ``roster/``: the period asked for and its duty days."""

    # "from" is a Python keyword: declared as "start", renamed when the fields are read.
    start = serializers.DateField()
    to = serializers.DateField()
    results = DutyDaySerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        return {"from": fields.pop("start"), **fields}


@extend_schema(tags=[_("Volunteer service")])
class RosterView(APIView):
    permission_classes = [permissions.IsAuthenticated, StaffOnly]

    @extend_schema(parameters=[RosterQuery], responses=RosterAnswer, summary=_("Duty days and their gaps"))
    def get(self, request):
        query = RosterQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        days = _duty_days(request.user, data["from"], data["to"])
        return Response(
            {
                "from": data["from"].isoformat(),
                "to": data["to"].isoformat(),
                "results": DutyDaySerializer(days, many=True).data,
            }
        )


@extend_schema(tags=[_("Volunteer service")])
class RosterGenerateView(APIView):
    permission_classes = [permissions.IsAuthenticated, StaffOnly]

    @extend_schema(request=GenerateInput, responses=GapSerializer(many=True), summary=_("Fill a period of a duty rule"))
    def post(self, request):
        rule_id = request.data.get("rule") if hasattr(request.data, "get") else None
        # A rule out of the person's scope is one that does not exist.
        if rule_id not in (None, "") and str(rule_id).isdigit():
            get_object_or_404(DutyRule.objects.visible_to(request.user, roles=STAFF_ROLES), pk=rule_id)
        data = _validated(GenerateInput, request)
        result = roster.generate_roster(actor=request.user, rule=data["rule"], start=data["from"], end=data["to"])
        return Response(
            {
                "rule": result.rule.pk,
                "from": result.start.isoformat(),
                "to": result.end.isoformat(),
                "days_created": result.days_created,
                "assigned": result.assigned,
                "gaps": GapSerializer(result.gaps, many=True).data,
            }
        )


# --- wishes --------------------------------------------------------------------------------


@extend_schema(tags=[_("Volunteer service")])
@extend_schema_view(
    list=extend_schema(summary=_("Micro-wishes you may see")), retrieve=extend_schema(summary=_("One wish"))
)
class WishViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, StaffOrVolunteer]
    serializer_class = WishSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    queryset = Wish.objects.none()  # for the schema; get_queryset() scopes every request

    def get_queryset(self):
        return (
            Wish.objects.visible_to(self.request.user)
            .select_related("community", "claimed_unit", "claimed_volunteer")
            .prefetch_related("photos", Prefetch("events", queryset=WishEvent.objects.select_related("actor")))
            .order_by("-created_at", "-id")
        )

    def _answer(self, wish: Wish, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=wish.pk)
        return Response(WishSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=WishInput, responses={201: WishSerializer}, summary=_("Record a resident's wish"))
    def create(self, request):
        data = _validated(WishInput, request)
        return self._answer(wishes.record_wish(actor=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=WishSerializer, summary=_("Publish for claiming"))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._answer(wishes.publish_wish(actor=request.user, wish=self.get_object()))

    @extend_schema(request=ClaimInput, responses=WishSerializer, summary=_("Claim: for a unit, or as a party member"))
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        wish = self.get_object()
        data = _validated(ClaimInput, request)
        return self._answer(wishes.claim_wish(actor=request.user, wish=wish, unit=data["unit"]))

    @extend_schema(request=FulfilInput, responses=WishSerializer, summary=_("Fulfil, with photos"))
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        wish = self.get_object()
        if not wishes.is_claimant(request.user, wish):
            raise Forbidden(_("Only whoever claimed the wish fulfils it."))
        data = _validated(FulfilInput, request)
        return self._answer(wishes.fulfil_wish(actor=request.user, wish=wish, note=data["note"], files=data["photos"]))

    @extend_schema(request=RateInput, responses=WishSerializer, summary=_("Record the resident's satisfaction"))
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        wish = self.get_object()
        if not wishes.is_community_of(request.user, wish):
            raise Forbidden(_("Only the community's workers record the resident's satisfaction."))
        data = _validated(RateInput, request)
        return self._answer(wishes.rate_wish(actor=request.user, wish=wish, **data))

    @extend_schema(request=WishReasonInput, responses=WishSerializer, summary=_("Cancel a wish not yet fulfilled"))
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        wish = self.get_object()
        if not wishes.is_community_of(request.user, wish):
            raise Forbidden(_("Only the community's workers cancel its wishes."))
        data = _validated(WishReasonInput, request)
        return self._answer(wishes.cancel_wish(actor=request.user, wish=wish, reason=data["reason"]))


# --- my hours ------------------------------------------------------------------------------


class MyHoursSerializer(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=10, decimal_places=2)
    person_times = serializers.IntegerField()
    star = serializers.IntegerField(allow_null=True, help_text="1 to 5, null below 100 hours")
    next_star_hours = serializers.IntegerField(allow_null=True)
    weeks = serializers.ListField(child=serializers.DictField())


@extend_schema(tags=[_("Volunteer service")])
class MyHoursView(APIView):
    permission_classes = [permissions.IsAuthenticated, VolunteerOnly]

    @extend_schema(responses=MyHoursSerializer, summary=_("My hours, person-times, star level and the last 12 weeks"))
    def get(self, request):
        volunteer = selectors.profile_of(request.user)
        if volunteer is None:
            raise Invalid(_("Fill in your volunteer profile first."))
        mine = selectors.attendance_of(volunteer)
        totals = stats.totals(mine)
        now = timezone.now()
        weeks = stats.weekly(mine, start=now - timedelta(weeks=12), end=now + timedelta(days=1))
        return Response(
            MyHoursSerializer(
                {
                    "hours": totals.hours,
                    "person_times": totals.person_times,
                    "star": totals.standing.star.level if totals.standing.star else None,
                    "next_star_hours": totals.standing.next_star.hours if totals.standing.next_star else None,
                    "weeks": [
                        {
                            "week": timezone.localdate(w["week"]).isoformat()
                            if hasattr(w["week"], "tzinfo")
                            else str(w["week"]),
                            "person_times": w["person_times"],
                            "hours": str(w["hours"]),
                        }
                        for w in weeks
                    ],
                }
            ).data
        )


router = SimpleRouter()
router.register("activities", ActivityViewSet, basename="volunteer-activity")
router.register("wishes", WishViewSet, basename="volunteer-wish")

urlpatterns = [
    path("roster/", RosterView.as_view(), name="api-volunteer-roster"),
    path("roster/generate/", RosterGenerateView.as_view(), name="api-volunteer-roster-generate"),
    path("me/hours/", MyHoursView.as_view(), name="api-volunteer-my-hours"),
    *router.urls,
]
