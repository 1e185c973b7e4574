"""/api/v1/ routes of the oversight: cases, statistics, extensions (mounted by config.urls).

Mounted before ``inspections.api_urls``, so the two extension actions are plain paths under
``findings/<code>/`` here. As in ``inspections.api``: querysets start from ``visible_to``
(out of scope is a 404), a wrong role is a 403 before any input is looked at, and the
services' refusals become ``Forbidden`` 403, ``Conflict`` 409 ``{"detail": ...}`` and
``Invalid`` 400 ``{field: [message]}``.

- ``GET/POST cases/``, ``GET cases/{id}/``, ``POST cases/{id}/decide/``, ``POST cases/{id}/notes/``:
  accountability cases, for the discipline roles alone.
- ``POST findings/{code}/request-extension/`` and ``.../decide-extension/``: 延期.
- ``GET stats/units/?from=&to=&street=&group=``: performance per unit, community or street.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from accounts.models import Role
from districts.models import Street, StreetQuerySet
from inspections import accountability, stats, workflow
from inspections import permissions as finding_permissions
from inspections.api import FINDING_CODE, WorkflowErrors
from inspections.models import AccountabilityCase, CaseEvent, CaseFinding, Extension, Finding, FindingQuerySet
from inspections.oversight_forms import GROUP_CHOICES, period_bounds, period_error, resolve_period
from inspections.serializers import DateTimeField
from inspections.workflow import Forbidden

# --- serializers ---------------------------------------------------------------------------


def _code(source: str | None = None) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **({"source": source} if source else {}))


def _username(source: str | None = None) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="username", read_only=True, **({"source": source} if source else {}))


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
    street = _code()
    responsible_unit = _code()
    responsible_community = _code()
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
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DecideCaseInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AccountabilityCase.Outcome.choices)
    review = serializers.CharField(max_length=5000)
    decision_date = serializers.DateField()
    document_no = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class CaseNoteInput(serializers.Serializer):
    # Left to the service to insist on, as the workflow's reasons are.
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ExtensionSerializer(serializers.ModelSerializer):
    finding = _code()
    # A plain string, so that the schema's "state" enum stays the cases' one.
    state = serializers.CharField(read_only=True, help_text="pending, approved or refused")
    deadline_at = serializers.DateTimeField(source="finding.deadline_at", read_only=True)
    requested_by = _username()
    decided_by = _username()

    class Meta:
        model = Extension
        fields = [
            "id",
            "finding",
            "state",
            "reason",
            "old_deadline",
            "requested_deadline",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "deadline_at",
        ]


class ExtensionRequestInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    until = DateTimeField()


class ExtensionDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class StatsQuery(serializers.Serializer):
    """``from`` and ``to`` are days, both included; left out, the last 30 days up to today."""

    # "from" is a Python keyword: declared as "start", renamed before the fields are bound.
    start = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("first day (included)"))
    to = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("last day (included)"))
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
    overdue = serializers.IntegerField()
    returned = serializers.IntegerField()
    return_rate = serializers.FloatField(allow_null=True)
    extended = serializers.IntegerField()
    extension_rate = serializers.FloatField(allow_null=True)
    avg_hours_to_close = serializers.FloatField(allow_null=True)


# --- cases ---------------------------------------------------------------------------------


class DisciplineOnly(permissions.BasePermission):
    message = _("Only the discipline bodies handle accountability cases.")

    def has_permission(self, request, view) -> bool:
        return accountability.can_handle_cases(request.user)


def _validated(input_class, request) -> dict:
    serializer = input_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(summary="Accountability cases in your area"),
    retrieve=extend_schema(summary="One case with its findings and history"),
)
class CaseViewSet(WorkflowErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
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

    @extend_schema(request=OpenCaseInput, responses={201: CaseDetailSerializer}, summary="Open a case from findings")
    def create(self, request):
        data = _validated(OpenCaseInput, request)
        case = accountability.open_case(
            actor=request.user, codes=data["findings"], title=data["title"], summary=data["summary"]
        )
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=DecideCaseInput, responses=CaseDetailSerializer, summary="Record the decision (once)")
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        case = self.get_object()
        data = _validated(DecideCaseInput, request)
        case = accountability.decide_case(
            actor=request.user,
            case=case,
            outcome=data["outcome"],
            review=data["review"],
            decision_date=data["decision_date"],
            document_no=data["document_no"],
        )
        return self._answer(case)

    @extend_schema(request=CaseNoteInput, responses=CaseDetailSerializer, summary="Add a note to the history")
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        case = self.get_object()
        data = _validated(CaseNoteInput, request)
        accountability.add_note(actor=request.user, case=case, note=data["note"])
        return self._answer(case)


# --- extensions (延期) ---------------------------------------------------------------------


class _ExtensionView(WorkflowErrors, APIView):
    def _finding(self, code: str, allowed) -> Finding:
        """The finding in the user's scope (else 404) that their role may act on this way (else 403)."""
        finding = get_object_or_404(Finding.objects.visible_to(self.request.user), code=code)
        if not allowed(self.request.user, finding):
            raise Forbidden(_("Your role does not allow this action on this finding."))
        return finding


class RequestExtensionView(_ExtensionView):
    """The responsible side asks, before the deadline, for a later one."""

    @extend_schema(request=ExtensionRequestInput, responses={201: ExtensionSerializer}, summary="Ask for an extension")
    def post(self, request, code: str):
        finding = self._finding(code, finding_permissions.can_request_extension)
        data = _validated(ExtensionRequestInput, request)
        extension = workflow.request_extension(
            actor=request.user, finding=finding, reason=data["reason"], until=data["until"]
        )
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)


class DecideExtensionView(_ExtensionView):
    """Street staff, a supervisor or a discipline officer approves (the deadline moves) or refuses."""

    @extend_schema(request=ExtensionDecisionInput, responses=ExtensionSerializer, summary="Decide an extension")
    def post(self, request, code: str):
        finding = self._finding(code, finding_permissions.can_decide_extension)
        data = _validated(ExtensionDecisionInput, request)
        extension = workflow.decide_extension(
            actor=request.user, finding=finding, approve=data["approve"], note=data["note"]
        )
        extension = Extension.objects.select_related("finding", "requested_by", "decided_by").get(pk=extension.pk)
        return Response(ExtensionSerializer(extension).data)


# --- statistics ----------------------------------------------------------------------------

#: Who may read the statistics: the roles that oversee a district or a street.
STATS_ROLES = (Role.LEADER, Role.INSPECTOR, Role.STREET_DISCIPLINE, Role.SUPERVISOR, Role.STREET_STAFF)


class UnitStatsView(APIView):
    """Performance over a period of the findings in the user's overseeing scope (definitions: ``inspections.stats``)."""

    @extend_schema(
        parameters=[StatsQuery],
        responses=PerformanceSerializer(many=True),
        summary="Performance per unit, community or street",
    )
    def get(self, request):
        user = request.user
        condition = user.visibility_filter(FindingQuerySet.scope_paths, roles=STATS_ROLES)
        if condition is None:
            raise exceptions.PermissionDenied(_("Your role does not give access to the statistics."))
        query = StatsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        findings = Finding.objects.filter(condition)
        street = None
        if data["street"]:
            # A street outside the user's scope is answered as one that does not exist.
            streets = user.visibility_filter(StreetQuerySet.scope_paths, roles=STATS_ROLES)
            in_scope = Street.objects.none() if streets is None else Street.objects.filter(streets)
            street = get_object_or_404(in_scope, code=data["street"])
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
    re_path(
        rf"^findings/(?P<code>{FINDING_CODE})/request-extension/$",
        RequestExtensionView.as_view(),
        name="api-request-extension",
    ),
    re_path(
        rf"^findings/(?P<code>{FINDING_CODE})/decide-extension/$",
        DecideExtensionView.as_view(),
        name="api-decide-extension",
    ),
    *router.urls,
]
