"""The REST API over findings (/api/v1/): lists, detail, intake, one POST per workflow action.

Every queryset starts from ``visible_to(request.user)``, so a finding out of scope is a 404.
Each action validates its small input and calls one function of ``inspections.workflow``;
the workflow's refusals become HTTP answers in ``web.errors.api_exception_handler``:
``Forbidden`` 403, ``Conflict`` 409 with ``{"detail": message}``, ``Invalid`` 400 with
``{field: [message]}``.

The hotline endpoints authenticate a system by its API key instead of a person.
"""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import ApiKeyAuthentication, HotlineKey
from districts.models import GridCell
from inspections import intake, permissions, workflow
from inspections.filters import FindingFilter
from inspections.models import Category, Extension, Finding, FindingEvent
from inspections.pagination import FindingPagination
from inspections.serializers import (
    CategorySerializer,
    DispatchInput,
    DuplicateInput,
    ExtensionDecisionInput,
    ExtensionRequestInput,
    ExtensionSerializer,
    FindingDetailSerializer,
    FindingPhotoSerializer,
    FindingSerializer,
    GridCellQuery,
    HotlineFindingSerializer,
    HotlineTicketInput,
    NoteInput,
    PhotoInput,
    ReasonInput,
    ReassignInput,
    ReportInput,
    SubmitInput,
)
from web.errors import Forbidden, Invalid

# A finding's code (370103-20261126-0007) and a hotline ticket number, as they may appear in a URL.
FINDING_CODE = r"[A-Za-z0-9-]+"
TICKET_NO = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"


def _with_history(findings):
    return findings.for_list().prefetch_related(
        Prefetch("events", queryset=FindingEvent.objects.select_related("actor")), "photos"
    )


def _validated(input_class, request, **context) -> dict:
    serializer = input_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _action_schema(input_class, summary):
    return extend_schema(request=input_class, responses=FindingDetailSerializer, summary=summary)


@extend_schema(tags=[_("Findings")])
@extend_schema_view(
    list=extend_schema(summary=_("Findings in your area, filtered and paginated")),
    retrieve=extend_schema(summary=_("One finding with its events and photos")),
)
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "code"
    lookup_value_regex = FINDING_CODE
    filter_backends = [DjangoFilterBackend]
    filterset_class = FindingFilter
    pagination_class = FindingPagination
    queryset = Finding.objects.none()  # for the schema; get_queryset() scopes every request

    def get_queryset(self):
        findings = Finding.objects.visible_to(self.request.user)
        if self.action == "list":
            return findings.for_list()
        if self.action == "retrieve":
            return _with_history(findings)
        # Actions lock and re-read the row in the workflow; the lookup only has to find it in scope.
        return findings

    def get_serializer_class(self):
        return FindingSerializer if self.action == "list" else FindingDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _answer(self, finding: Finding, status_code: int = status.HTTP_200_OK) -> Response:
        # Read back unscoped: the actor just acted on it, even if it now lies outside their scope.
        fresh = _with_history(Finding.objects).get(pk=finding.pk)
        return Response(FindingDetailSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    def _act(self, name: str):
        """The finding for action ``name``: in scope (else 404), the user's role allows it (else
        403) and so does its status (else 409), as the workflow's table says."""
        finding = self.get_object()
        # The workflow checks both again under the row lock; checking first answers a wrong role
        # and a stale status before any complaint about the input, as the pages do.
        if not workflow.may(self.request.user, finding, name):
            raise Forbidden(_("Your role does not allow this action on this finding."))
        workflow.expect_status(finding, name)
        return finding

    @extend_schema(request=ReportInput, responses={201: FindingDetailSerializer}, summary=_("Report a finding"))
    def create(self, request):
        if not permissions.can_report(request.user):
            raise Forbidden(_("Your role does not allow reporting findings."))
        data = _validated(ReportInput, request)
        report = intake.Report(
            source=data.get("source") or intake.default_source(request.user) or Finding.Source.SUPERVISION,
            category=data["category"],
            description=data["description"],
            address=data["address"],
            lat=data["lat"],
            lng=data["lng"],
            reported_at=data["reported_at"],
        )
        finding = intake.report_finding(actor=request.user, report=report, photos=data["photos"])
        return self._answer(finding, status.HTTP_201_CREATED)

    @_action_schema(DispatchInput, _("Dispatch to a community or a unit"))
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_to(self, request, code=None):
        # Not named "dispatch": that is the name of APIView's request entry point.
        finding = self._act("dispatch")
        data = _validated(DispatchInput, request)
        finding = workflow.dispatch_finding(
            actor=request.user,
            finding=finding,
            community=data["community"],
            unit=data["unit"],
            grid_cell=data["grid"],
            note=data["note"],
        )
        return self._answer(finding)

    @_action_schema(ReassignInput, _("Reassign to another community or unit"))
    @action(detail=True, methods=["post"])
    def reassign(self, request, code=None):
        finding = self._act("reassign")
        data = _validated(ReassignInput, request)
        finding = workflow.reassign_finding(
            actor=request.user,
            finding=finding,
            community=data["community"],
            unit=data["unit"],
            grid_cell=data["grid"],
            reason=data["reason"],
        )
        return self._answer(finding)

    @_action_schema(NoteInput, _("Acknowledge (签收)"))
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, code=None):
        finding = self._act("acknowledge")
        data = _validated(NoteInput, request)
        return self._answer(workflow.acknowledge_finding(actor=request.user, finding=finding, note=data["note"]))

    @_action_schema(SubmitInput, _("Submit the rectification with photos"))
    @action(detail=True, methods=["post"])
    def submit(self, request, code=None):
        finding = self._act("submit")
        data = _validated(SubmitInput, request)
        finding = workflow.submit_rectification(
            actor=request.user, finding=finding, note=data["note"], photos=data["photos"]
        )
        return self._answer(finding)

    @_action_schema(NoteInput, _("Verify and close (核查)"))
    @action(detail=True, methods=["post"])
    def verify(self, request, code=None):
        finding = self._act("verify")
        data = _validated(NoteInput, request)
        return self._answer(workflow.verify_finding(actor=request.user, finding=finding, note=data["note"]))

    @_action_schema(ReasonInput, _("Return for rework (退回)"))
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_rework(self, request, code=None):
        finding = self._act("return")
        data = _validated(ReasonInput, request)
        return self._answer(workflow.return_finding(actor=request.user, finding=finding, reason=data["reason"]))

    @_action_schema(ReasonInput, _("Decline: not ours (退单)"))
    @action(detail=True, methods=["post"])
    def decline(self, request, code=None):
        finding = self._act("decline")
        data = _validated(ReasonInput, request)
        return self._answer(workflow.decline_finding(actor=request.user, finding=finding, reason=data["reason"]))

    @_action_schema(ReasonInput, _("Mark invalid"))
    @action(detail=True, methods=["post"], url_path="mark-invalid", url_name="mark-invalid")
    def mark_invalid(self, request, code=None):
        finding = self._act("mark-invalid")
        data = _validated(ReasonInput, request)
        return self._answer(workflow.mark_invalid(actor=request.user, finding=finding, reason=data["reason"]))

    @_action_schema(DuplicateInput, _("Mark as a duplicate"))
    @action(detail=True, methods=["post"], url_path="mark-duplicate", url_name="mark-duplicate")
    def mark_duplicate(self, request, code=None):
        finding = self._act("mark-duplicate")
        data = _validated(DuplicateInput, request)
        finding = workflow.mark_duplicate(
            actor=request.user, finding=finding, original=data["original"], reason=data["reason"]
        )
        return self._answer(finding)

    def _extension_finding(self, allowed) -> Finding:
        """The finding in the user's scope (else 404) that their role may act on this way (else 403)."""
        finding = self.get_object()
        if not allowed(self.request.user, finding):
            raise Forbidden(_("Your role does not allow this action on this finding."))
        return finding

    @extend_schema(
        request=ExtensionRequestInput, responses={201: ExtensionSerializer}, summary=_("Ask for an extension")
    )
    @action(detail=True, methods=["post"], url_path="request-extension", url_name="request-extension")
    def request_extension(self, request, code=None):
        finding = self._extension_finding(permissions.can_request_extension)
        workflow.expect_extension_request(finding, timezone.now())  # 409 before any complaint about the input
        data = _validated(ExtensionRequestInput, request)
        extension = workflow.request_extension(
            actor=request.user, finding=finding, reason=data["reason"], until=data["until"]
        )
        return Response(ExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExtensionDecisionInput, responses=ExtensionSerializer, summary=_("Decide an extension"))
    @action(detail=True, methods=["post"], url_path="decide-extension", url_name="decide-extension")
    def decide_extension(self, request, code=None):
        finding = self._extension_finding(permissions.can_decide_extension)
        workflow.expect_extension_decision(finding)
        data = _validated(ExtensionDecisionInput, request)
        extension = workflow.decide_extension(
            actor=request.user, finding=finding, approve=data["approve"], note=data["note"]
        )
        extension = Extension.objects.select_related("finding", "requested_by", "decided_by").get(pk=extension.pk)
        return Response(ExtensionSerializer(extension).data)

    @extend_schema(request=PhotoInput, responses={201: FindingPhotoSerializer}, summary=_("Add a photo"))
    @action(detail=True, methods=["post"])
    def photos(self, request, code=None):
        finding = self.get_object()
        data = _validated(PhotoInput, request)
        photo = workflow.add_photo(actor=request.user, finding=finding, stage=data["stage"], upload=data["image"])
        return Response(FindingPhotoSerializer(photo, context={"request": request}).data, status=201)


@extend_schema(tags=[_("Findings")])
@extend_schema_view(list=extend_schema(summary=_("Categories of problems")))
class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The categories a finding can be reported under (a short list: not paginated)."""

    queryset = Category.objects.filter(is_active=True).select_related("unit")
    serializer_class = CategorySerializer
    pagination_class = None


@extend_schema(tags=[_("Geography")])
class GridCellGeoJSON(APIView):
    """The grid cells in the user's scope as a GeoJSON FeatureCollection (the battle map's layer)."""

    @extend_schema(parameters=[GridCellQuery], responses={200: OpenApiTypes.OBJECT}, summary=_("Grid cells as GeoJSON"))
    def get(self, request):
        query = GridCellQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        cells = GridCell.objects.visible_to(request.user).select_related("community__street").order_by("code")
        if street := query.validated_data.get("street"):
            cells = cells.filter(community__street__code=street)
        if community := query.validated_data.get("community"):
            cells = cells.filter(community__code=community)
        features = [
            {
                "type": "Feature",
                "geometry": cell.boundary,
                "properties": {
                    "code": cell.code,
                    "name": cell.name,
                    "community": cell.community.code,
                    "street": cell.community.street.code,
                },
            }
            for cell in cells
        ]
        return Response({"type": "FeatureCollection", "features": features})


# --- hotline ------------------------------------------------------------------------------


def _with_history_of(finding: Finding) -> Finding:
    return _with_history(Finding.objects).get(pk=finding.pk)


@extend_schema(tags=[_("12345 hotline")])
@extend_schema_view(
    create=extend_schema(
        request=HotlineTicketInput,
        responses={201: HotlineFindingSerializer, 200: HotlineFindingSerializer},
        summary=_("Hand over a 12345 ticket (idempotent on ticket_no)"),
    ),
    retrieve=extend_schema(summary=_("Status and history of a ticket's finding")),
)
class HotlineTicketViewSet(viewsets.GenericViewSet):
    """The 12345 hotline's intake and status polling, authenticated by a hotline API key."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HotlineKey]
    serializer_class = HotlineFindingSerializer
    lookup_url_kwarg = "ticket_no"
    lookup_value_regex = TICKET_NO
    queryset = Finding.objects.none()  # for the schema; every request looks up by its key

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _answer(self, finding: Finding, status_code: int) -> Response:
        return Response(self.get_serializer(_with_history_of(finding)).data, status=status_code)

    def retrieve(self, request, ticket_no=None):
        findings = Finding.objects.filter(source=Finding.Source.HOTLINE, external_ref=ticket_no)
        if request.auth.district_id:
            findings = findings.filter(district_id=request.auth.district_id)
        finding = findings.first()
        if finding is None:
            raise exceptions.NotFound(_("No finding has this ticket number."))
        return self._answer(finding, status.HTTP_200_OK)

    def create(self, request):
        """Take in a ticket once: a repeat of the same ticket_no answers 200 with the same finding.

        The fields are validated here (nothing is written on a refusal); ``intake.take_in_ticket``
        does the rest: the district check, idempotency on the ticket number (the race included),
        routing and the photos (``media``).
        """
        data = _validated(HotlineTicketInput, request)
        ticket = intake.Ticket(
            source=Finding.Source.HOTLINE,
            category=data["category"],
            description=data["description"],
            address=data["address"],
            lat=data["lat"],
            lng=data["lng"],
            reported_at=data["reported_at"],
            ref=data["ticket_no"],
        )
        try:
            finding, created = intake.take_in_ticket(
                ticket=ticket, district=request.auth.district, photos=data["media"]
            )
        except Invalid as exc:
            if exc.field == "photos":  # the hotline calls them media
                exc.field = "media"
            raise
        return self._answer(finding, status.HTTP_201_CREATED if created else status.HTTP_200_OK)
