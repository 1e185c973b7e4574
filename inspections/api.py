"""The REST API over findings (/api/v1/): lists, detail, intake, one POST per workflow action.

Every queryset starts from ``visible_to(request.user)``, so a finding out of scope is a 404.
Each action validates its small input and calls one function of ``inspections.workflow``;
the workflow's refusals become HTTP answers here: ``Forbidden`` 403, ``Conflict`` 409 with
``{"detail": message}``, ``Invalid`` 400 with ``{field: [message]}``.

The hotline endpoints authenticate a system by its API key instead of a person.
"""

from django.db import IntegrityError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.authentication import ApiKeyAuthentication, HotlineKey
from accounts.models import Role
from districts import routing
from districts.models import District, GridCell
from inspections import permissions, workflow
from inspections.filters import FindingFilter
from inspections.models import Category, Finding, FindingEvent
from inspections.serializers import (
    CategorySerializer,
    DispatchInput,
    DuplicateInput,
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
from inspections.workflow import Conflict, Forbidden, Invalid, Report, WorkflowError

# A finding's code (370103-20261126-0007) and a hotline ticket number, as they may appear in a URL.
FINDING_CODE = r"[A-Za-z0-9-]+"
TICKET_NO = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"


class StatusConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The finding's status does not allow this.")
    default_code = "conflict"


def as_api_error(error: WorkflowError) -> exceptions.APIException:
    """The HTTP answer to a refusal of the workflow."""
    if isinstance(error, Forbidden):
        return exceptions.PermissionDenied(error.message)
    if isinstance(error, Conflict):
        return StatusConflict(error.message)
    return exceptions.ValidationError({error.field or api_settings.NON_FIELD_ERRORS_KEY: [error.message]})


class WorkflowErrors:
    """Turns a ``WorkflowError`` raised anywhere in the view into its HTTP answer."""

    def handle_exception(self, exc):
        if isinstance(exc, WorkflowError):
            exc = as_api_error(exc)
        return super().handle_exception(exc)


def _with_history(findings):
    return findings.for_list().prefetch_related(
        Prefetch("events", queryset=FindingEvent.objects.select_related("actor")), "photos"
    )


#: The source of a person's report when they do not name one, by their role.
DEFAULT_SOURCE = {
    Role.GRID_WORKER: Finding.Source.GRID_PATROL,
    Role.SUPERVISOR: Finding.Source.SUPERVISION,
    Role.INSPECTOR: Finding.Source.SUPERVISION,
    Role.STREET_DISCIPLINE: Finding.Source.SUPERVISION,
    Role.STREET_STAFF: Finding.Source.SELF_INSPECTION,
    Role.COMMUNITY_WORKER: Finding.Source.SELF_INSPECTION,
}


def default_source(user) -> str:
    roles = user.roles()
    return next((source for role, source in DEFAULT_SOURCE.items() if role in roles), Finding.Source.SUPERVISION)


def _validated(input_class, request, **context) -> dict:
    serializer = input_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _action_schema(input_class):
    return extend_schema(request=input_class, responses=FindingDetailSerializer)


@extend_schema_view(
    list=extend_schema(summary="Findings in your area, filtered and paginated"),
    retrieve=extend_schema(summary="One finding with its events and photos"),
)
class FindingViewSet(WorkflowErrors, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "code"
    lookup_value_regex = FINDING_CODE
    filter_backends = [DjangoFilterBackend]
    filterset_class = FindingFilter
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
        """The finding for action ``name``: in scope (else 404) and the user's role allows it (else 403)."""
        finding = self.get_object()
        # The workflow checks again under the row lock; checking first gives a wrong role its
        # 403 before any complaint about the input.
        if not permissions.ACTIONS[name](self.request.user, finding):
            raise Forbidden(_("Your role does not allow this action on this finding."))
        return finding

    @extend_schema(request=ReportInput, responses={201: FindingDetailSerializer}, summary="Report a finding")
    def create(self, request):
        if not permissions.can_report(request.user):
            raise Forbidden(_("Your role does not allow reporting findings."))
        data = _validated(ReportInput, request)
        report = Report(
            source=data.get("source") or default_source(request.user),
            category=data["category"],
            description=data["description"],
            address=data["address"],
            lat=data["lat"],
            lng=data["lng"],
            reported_at=data["reported_at"],
        )
        finding = workflow.report_finding(actor=request.user, report=report, photos=data["photos"])
        return self._answer(finding, status.HTTP_201_CREATED)

    @_action_schema(DispatchInput)
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

    @_action_schema(ReassignInput)
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

    @_action_schema(NoteInput)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, code=None):
        finding = self._act("acknowledge")
        data = _validated(NoteInput, request)
        return self._answer(workflow.acknowledge_finding(actor=request.user, finding=finding, note=data["note"]))

    @_action_schema(SubmitInput)
    @action(detail=True, methods=["post"])
    def submit(self, request, code=None):
        finding = self._act("submit")
        data = _validated(SubmitInput, request)
        finding = workflow.submit_rectification(
            actor=request.user, finding=finding, note=data["note"], photos=data["photos"]
        )
        return self._answer(finding)

    @_action_schema(NoteInput)
    @action(detail=True, methods=["post"])
    def verify(self, request, code=None):
        finding = self._act("verify")
        data = _validated(NoteInput, request)
        return self._answer(workflow.verify_finding(actor=request.user, finding=finding, note=data["note"]))

    @_action_schema(ReasonInput)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_rework(self, request, code=None):
        finding = self._act("return")
        data = _validated(ReasonInput, request)
        return self._answer(workflow.return_finding(actor=request.user, finding=finding, reason=data["reason"]))

    @_action_schema(ReasonInput)
    @action(detail=True, methods=["post"])
    def decline(self, request, code=None):
        finding = self._act("decline")
        data = _validated(ReasonInput, request)
        return self._answer(workflow.decline_finding(actor=request.user, finding=finding, reason=data["reason"]))

    @_action_schema(ReasonInput)
    @action(detail=True, methods=["post"], url_path="mark-invalid", url_name="mark-invalid")
    def mark_invalid(self, request, code=None):
        finding = self._act("mark-invalid")
        data = _validated(ReasonInput, request)
        return self._answer(workflow.mark_invalid(actor=request.user, finding=finding, reason=data["reason"]))

    @_action_schema(DuplicateInput)
    @action(detail=True, methods=["post"], url_path="mark-duplicate", url_name="mark-duplicate")
    def mark_duplicate(self, request, code=None):
        finding = self._act("mark-duplicate")
        data = _validated(DuplicateInput, request)
        finding = workflow.mark_duplicate(
            actor=request.user, finding=finding, original=data["original"], reason=data["reason"]
        )
        return self._answer(finding)

    @extend_schema(request=PhotoInput, responses={201: FindingPhotoSerializer}, summary="Add a photo")
    @action(detail=True, methods=["post"])
    def photos(self, request, code=None):
        finding = self.get_object()
        data = _validated(PhotoInput, request)
        photo = workflow.add_photo(actor=request.user, finding=finding, stage=data["stage"], upload=data["image"])
        return Response(FindingPhotoSerializer(photo, context={"request": request}).data, status=201)


class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The categories a finding can be reported under (a short list: not paginated)."""

    queryset = Category.objects.filter(is_active=True).select_related("unit")
    serializer_class = CategorySerializer
    pagination_class = None


class GridCellGeoJSON(APIView):
    """The grid cells in the user's scope as a GeoJSON FeatureCollection (the battle map's layer)."""

    @extend_schema(parameters=[GridCellQuery], responses={200: OpenApiTypes.OBJECT}, summary="Grid cells as GeoJSON")
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


# --- hotline -------------------------------------------------------------------------------


def _hotline_ticket(ticket_no: str, district: District | None = None) -> Finding | None:
    """The finding taken in for ``ticket_no`` (within ``district`` when given), with its history."""
    findings = _with_history(Finding.objects.filter(source=Finding.Source.HOTLINE, external_ref=ticket_no))
    if district is not None:
        findings = findings.filter(district=district)
    return findings.first()


def _intake_district(key) -> District | None:
    """The key's district, else the only district there is (None when there are several)."""
    if key.district_id:
        return key.district
    districts = list(District.objects.all()[:2])
    return districts[0] if len(districts) == 1 else None


@extend_schema_view(
    create=extend_schema(
        request=HotlineTicketInput,
        responses={201: HotlineFindingSerializer, 200: HotlineFindingSerializer},
        summary="Hand over a 12345 ticket (idempotent on ticket_no)",
    ),
    retrieve=extend_schema(summary="Status and history of a ticket's finding"),
)
class HotlineTicketViewSet(WorkflowErrors, viewsets.GenericViewSet):
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
        return Response(self.get_serializer(finding).data, status=status_code)

    def retrieve(self, request, ticket_no=None):
        finding = _hotline_ticket(ticket_no, request.auth.district)
        if finding is None:
            raise exceptions.NotFound(_("No finding has this ticket number."))
        return self._answer(finding, status.HTTP_200_OK)

    def create(self, request):
        """Take in a ticket once: a repeat of the same ticket_no answers 200 with the same finding.

        1. Validate the ticket's fields (codes, types, sizes); nothing is written on a refusal.
        2. A ticket already taken in is answered as it stands, whatever the repeat says.
        3. The point must lie in the key's district; the workflow routes and stores it.
        4. Two deliveries of one ticket at once: the unique (source, external_ref) constraint
           lets one insert win; the other catches the IntegrityError and answers with the winner.
        """
        key = request.auth
        data = _validated(HotlineTicketInput, request)
        ticket_no = data["ticket_no"]
        existing = _hotline_ticket(ticket_no)
        if existing is not None:
            return self._repeat(existing, key)

        district = _intake_district(key)
        if district is not None and data["lat"] is not None and data["lng"] is not None:
            cell = routing.locate(lat=data["lat"], lng=data["lng"])
            if cell is not None and cell.community.street.district_id != district.pk:
                raise Invalid(_("The location is outside the district's grid."), field="lat")
        report = Report(
            source=Finding.Source.HOTLINE,
            category=data["category"],
            description=data["description"],
            address=data["address"],
            lat=data["lat"],
            lng=data["lng"],
            reported_at=data["reported_at"],
            external_ref=ticket_no,
            district=district,
        )
        try:
            finding = workflow.report_finding(actor=None, report=report, photos=data["media"])
        except Invalid as exc:
            if exc.field == "photos":  # the hotline calls them media
                exc.field = "media"
            raise
        except IntegrityError:
            existing = _hotline_ticket(ticket_no)
            if existing is None:
                raise
            return self._repeat(existing, key)
        return self._answer(_with_history(Finding.objects).get(pk=finding.pk), status.HTTP_201_CREATED)

    def _repeat(self, existing: Finding, key) -> Response:
        """A ticket taken in before: answered as it stands, and nothing changes."""
        if key.district_id and existing.district_id != key.district_id:
            raise Conflict(_("This ticket number belongs to another district's finding."))
        return self._answer(existing, status.HTTP_200_OK)
