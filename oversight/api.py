"""/api/v1/ routes of the oversight: cases and unit statistics (mounted by config.urls).

As in ``inspections.api``: querysets start from ``visible_to`` (out of scope is a 404), a wrong
role is a 403 before any input is looked at, and the services' refusals become ``Forbidden``
403, ``Conflict`` 409 ``{"detail": ...}`` and ``Invalid`` 400 ``{field: [message]}``
(``web.errors.api_exception_handler``).

- ``GET/POST cases/``, ``GET cases/{id}/``, ``POST cases/{id}/decide/``, ``POST cases/{id}/notes/``:
  accountability cases, for the discipline roles alone.
- ``GET stats/units/?from=&to=&street=&group=``: performance per unit, community or street.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from districts.models import Street
from inspections import stats
from inspections.models import Finding
from oversight import services
from oversight.forms import GROUP_CHOICES, period_bounds, period_error, resolve_period
from oversight.models import AccountabilityCase, CaseEvent, CaseFinding
from oversight.selectors import STATS_ROLES, can_handle_cases, can_read_oversight
from web.fields import DateField, XmlCharField

# --- serializers ---------------------------------------------------------------------------


def _code(source: str | None = None, *, null: bool = False) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=null, **({"source": source} if source else {})
    )


def _username(source: str | None = None) -> serializers.SlugRelatedField:
    """A person by username; None when nobody is named (or the person was deleted)."""
    return serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, **({"source": source} if source else {})
    )


class CaseFindingSerializer(serializers.ModelSerializer):
    """A finding in a case: its deadline and hours overdue as they stood when the case was opened."""

    code = serializers.CharField(source="finding.code", read_only=True)
    status = serializers.CharField(source="finding.status", read_only=True)

    class Meta:
        model = CaseFinding
        fields = ["code", "deadline_at", "hours_overdue", "status"]


class CaseEventSerializer(serializers.ModelSerializer):
    actor = _username()
    # A plain string, so that the schema's "kind" enum stays the finding events' one.
    kind = serializers.CharField(read_only=True, help_text="opened, note or decided")

    class Meta:
        model = CaseEvent
        fields = ["kind", "actor", "note", "at", "payload"]


class CaseSerializer(serializers.ModelSerializer):
    """A case as lists show it."""

    district = _code()
    street = _code(null=True)
    responsible_unit = _code(null=True)
    responsible_community = _code(null=True)
    responsible_person = _username()
    opened_by = _username()
    findings = serializers.SerializerMethodField()

    class Meta:
        model = AccountabilityCase
        fields = [
            "id",
            "title",
            "state",
            "district",
            "street",
            "responsible_unit",
            "responsible_community",
            "responsible_person",
            "findings",
            "outcome",
            "decision_date",
            "document_no",
            "opened_by",
            "opened_at",
            "decided_at",
        ]

    def get_findings(self, case: AccountabilityCase) -> list[str]:
        return [link.finding.code for link in case.case_findings.all()]


class CaseDetailSerializer(CaseSerializer):
    case_findings = CaseFindingSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    decided_by = _username()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "summary", "review", "decided_by", "case_findings", "events"]


class OpenCaseInput(serializers.Serializer):
    findings = serializers.ListField(
        child=serializers.CharField(max_length=24),
        allow_empty=False,
        max_length=200,
        error_messages={"empty": _("Choose at least one overdue finding.")},
    )
    title = XmlCharField(max_length=200, required=False, allow_blank=True, default="")
    summary = XmlCharField(max_length=5000, required=False, allow_blank=True, default="")


class DecideCaseInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AccountabilityCase.Outcome.choices)
    review = XmlCharField(max_length=5000)
    decision_date = DateField()
    document_no = XmlCharField(max_length=100, required=False, allow_blank=True, default="")


class CaseNoteInput(serializers.Serializer):
    # Left to the service to insist on, as the workflow's reasons are.
    note = XmlCharField(max_length=5000, required=False, allow_blank=True, default="")


class StatsQuery(serializers.Serializer):
    """``from`` and ``to`` are days, both included; left out, the last 30 days up to today."""

    # "from" is a Python keyword: declared as "start", renamed before the fields are bound.
    start = DateField(required=False, allow_null=True, default=None, help_text=_("first day (included)"))
    to = DateField(required=False, allow_null=True, default=None, help_text=_("last day (included)"))
    street = serializers.CharField(
        required=False, allow_blank=True, max_length=20, default="", help_text=_("street code")
    )
    group = serializers.ChoiceField(choices=GROUP_CHOICES, required=False, default="unit")

    def get_fields(self):
        fields = super().get_fields()
        return {"from": fields.pop("start"), **fields}

    def validate(self, data):
        data["from"], data["to"] = resolve_period(data.get("from"), data.get("to"))
        error = period_error(data["from"], data["to"])
        if error:
            raise serializers.ValidationError({"from": [error]})
        return data


class PerformanceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    ack_in_time = serializers.IntegerField()
    ack_in_time_rate = serializers.FloatField(allow_null=True)
    closed_in_time = serializers.IntegerField()
    closed_in_time_rate = serializers.FloatField(allow_null=True)
    closed_late = serializers.IntegerField()
    closed_late_rate = serializers.FloatField(allow_null=True)
    overdue = serializers.IntegerField()
    returned = serializers.IntegerField()
    return_rate = serializers.FloatField(allow_null=True)
    extended = serializers.IntegerField()
    extension_rate = serializers.FloatField(allow_null=True)
    avg_hours_to_close = serializers.FloatField(allow_null=True)


class PerformanceAnswer(serializers.Serializer):
    """The answer of ``stats/units/``: the period and grouping asked for, and a row per group."""

    # "from" is a Python keyword: declared as "start", renamed as in StatsQuery.
    start = serializers.DateField(help_text="first day (included)")
    to = serializers.DateField(help_text="last day (included)")
    street = serializers.CharField(allow_null=True, help_text="street code, or null for the whole scope")
    group = serializers.ChoiceField(choices=GROUP_CHOICES)
    results = PerformanceSerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        return {"from": fields.pop("start"), **fields}


# --- cases ---------------------------------------------------------------------------------


class DisciplineOnly(permissions.BasePermission):
    """The discipline bodies handle cases; the district's leaders read them."""

    message = _("Only the discipline bodies handle accountability cases.")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return can_read_oversight(request.user)
        return can_handle_cases(request.user)


def _validated(input_class, request) -> dict:
    serializer = input_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(tags=[_("Oversight")])
@extend_schema_view(
    list=extend_schema(summary=_("Accountability cases in your area")),
    retrieve=extend_schema(summary=_("One case with its findings and history")),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """问责 cases: the discipline roles alone (403 for anyone else); out of their reach is a 404."""

    permission_classes = [permissions.IsAuthenticated, DisciplineOnly]
    queryset = AccountabilityCase.objects.none()  # for the schema; get_queryset() scopes every request

    def get_queryset(self):
        cases = AccountabilityCase.objects.visible_to(self.request.user).select_related(
            "district", "street", "responsible_unit", "responsible_community", "responsible_person", "opened_by"
        )
        links = Prefetch("case_findings", queryset=CaseFinding.objects.select_related("finding").order_by("id"))
        if self.action == "list":
            return cases.prefetch_related(links).order_by("-opened_at", "-id")
        return cases.select_related("decided_by").prefetch_related(
            links, Prefetch("events", queryset=CaseEvent.objects.select_related("actor"))
        )

    def get_serializer_class(self):
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def _answer(self, case: AccountabilityCase, status_code: int = status.HTTP_200_OK) -> Response:
        # Read back through the detail queryset: the answer shows what is stored.
        fresh = self.get_queryset().get(pk=case.pk)
        return Response(CaseDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(request=OpenCaseInput, responses={201: CaseDetailSerializer}, summary=_("Open a case from findings"))
    def create(self, request):
        data = _validated(OpenCaseInput, request)
        case = services.open_case(
            actor=request.user, codes=data["findings"], title=data["title"], summary=data["summary"]
        )
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=DecideCaseInput, responses=CaseDetailSerializer, summary=_("Record the decision (once)"))
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        case = self.get_object()
        data = _validated(DecideCaseInput, request)
        case = services.decide_case(
            actor=request.user,
            case=case,
            outcome=data["outcome"],
            review=data["review"],
            decision_date=data["decision_date"],
            document_no=data["document_no"],
        )
        return self._answer(case)

    @extend_schema(request=CaseNoteInput, responses=CaseDetailSerializer, summary=_("Add a note to the history"))
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        case = self.get_object()
        data = _validated(CaseNoteInput, request)
        services.add_note(actor=request.user, case=case, note=data["note"])
        return self._answer(case)


# --- statistics ----------------------------------------------------------------------------


@extend_schema(tags=[_("Oversight")])
class UnitStatsView(APIView):
    """Performance over a period of the findings in the user's overseeing scope (definitions: ``inspections.stats``)."""

    @extend_schema(
        parameters=[StatsQuery],
        responses=PerformanceAnswer,
        summary=_("Performance per unit, community or street"),
    )
    def get(self, request):
        user = request.user
        if not user.is_superuser and not user.has_role(*STATS_ROLES):
            raise exceptions.PermissionDenied(_("Your role does not give access to the statistics."))
        query = StatsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        findings = Finding.objects.visible_to(user, roles=STATS_ROLES)
        street = None
        if data["street"]:
            # A street outside the user's scope is answered as one that does not exist.
            street = get_object_or_404(Street.objects.visible_to(user, roles=STATS_ROLES), code=data["street"])
            findings = findings.filter(street=street)
        start, end = period_bounds(data["from"], data["to"])
        rows = stats.performance(findings, start=start, end=end, group=data["group"])
        return Response(
            {
                "from": data["from"].isoformat(),
                "to": data["to"].isoformat(),
                "street": street.code if street else None,
                "group": data["group"],
                "results": PerformanceSerializer(rows, many=True).data,
            }
        )


router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")

urlpatterns = [
    path("stats/units/", UnitStatsView.as_view(), name="api-stats-units"),
    *router.urls,
]
