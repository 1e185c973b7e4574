"""/api/v1/surveys/: the rounds open to me, their questionnaire, responses, results (mounted by config.urls).

- ``GET /``: the rounds I may see (a volunteer: those of the communities they serve in).
- ``GET /{id}/``: the round with its questionnaire.
- ``POST /{id}/responses/``: one household visit; 201, or 200 with the same response for a
  client id already received; 400 with field messages; 403 for a role that does not interview.
- ``GET /{id}/results/?community=&street=``: the measures in my scope; 403 for a role that does
  not read results; a place out of scope or not in the round is a 404.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response as Answer
from rest_framework.routers import SimpleRouter

from surveys import permissions, results
from surveys.models import Option, Question, Response, SurveyRound
from surveys.responses import AnswersInvalid, record_response
from web.errors import Forbidden
from web.fields import DateTimeField


class RoundSerializer(serializers.ModelSerializer):
    communities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = SurveyRound
        fields = ["id", "title", "communities", "starts_on", "ends_on"]


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["key", "text", "positive"]


class QuestionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "order", "kind", "text", "required", "measure", "options"]


class RoundDetailSerializer(RoundSerializer):
    questionnaire = serializers.CharField(source="questionnaire.title", read_only=True)
    introduction = serializers.CharField(source="questionnaire.introduction", read_only=True)
    questions = QuestionSerializer(source="questionnaire.questions", many=True, read_only=True)

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "questionnaire", "introduction", "questions"]


class ResponseInput(serializers.Serializer):
    client_id = serializers.UUIDField(help_text="made by the phone; sending it again is harmless")
    grid = serializers.CharField(max_length=15, help_text="grid cell code")
    answers = serializers.DictField(
        child=serializers.JSONField(),
        allow_empty=True,
        help_text='question id → list of option keys (choice questions) or text: {"12": ["a"], "14": "..."}',
    )
    answered_at = DateTimeField(required=False, allow_null=True, default=None, help_text="the visit (default now)")


class ResponseSerializer(serializers.ModelSerializer):
    round = serializers.PrimaryKeyRelatedField(read_only=True)
    grid = serializers.SlugRelatedField(source="grid_cell", slug_field="code", read_only=True)
    community = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Response
        fields = ["id", "client_id", "round", "grid", "community", "answered_at", "created_at"]


class ResultsQuery(serializers.Serializer):
    community = serializers.CharField(required=False, allow_blank=True, max_length=12, default="")
    street = serializers.CharField(required=False, allow_blank=True, max_length=9, default="")


class TallySerializer(serializers.Serializer):
    rate = serializers.FloatField(allow_null=True, help_text="positive ÷ answers")
    answers = serializers.IntegerField()
    positive = serializers.IntegerField()


class MeasuresSerializer(serializers.Serializer):
    awareness = TallySerializer()
    support = TallySerializer()
    satisfaction = TallySerializer()


class ResultsSerializer(serializers.Serializer):
    measures = MeasuresSerializer()
    responses = serializers.IntegerField()
    target = serializers.IntegerField(help_text="households to visit")


@extend_schema(tags=[_("Residents' questionnaires")])
@extend_schema_view(
    list=extend_schema(summary=_("The survey rounds open to me")),
    retrieve=extend_schema(summary=_("A survey round with its questionnaire"), responses=RoundDetailSerializer),
)
class RoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RoundSerializer
    lookup_value_regex = r"[0-9]{1,9}"

    def get_queryset(self):
        rounds = permissions.visible_rounds(self.request.user).order_by("-starts_on", "-id")
        rounds = rounds.prefetch_related("communities")
        if self.action == "retrieve":
            rounds = rounds.select_related("questionnaire").prefetch_related(
                Prefetch("questionnaire__questions", queryset=Question.objects.order_by("order", "id")),
                "questionnaire__questions__options",
            )
        return rounds

    def get_serializer_class(self):
        return RoundDetailSerializer if self.action == "retrieve" else RoundSerializer

    @extend_schema(
        summary=_("Record one household visit"),
        request=ResponseInput,
        responses={
            201: ResponseSerializer,
            200: OpenApiResponse(ResponseSerializer, description="this client id was already received"),
        },
    )
    @action(detail=True, methods=["post"], url_path="responses")
    def responses(self, request, pk=None):
        round_ = self.get_object()
        if not permissions.may_answer(request.user):
            raise Forbidden(_("Questionnaires are filled in by volunteers, community workers and grid workers."))
        data = ResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            response, created = record_response(actor=request.user, round_=round_, **data.validated_data)
        except AnswersInvalid as invalid:
            raise serializers.ValidationError({"answers": invalid.messages}) from invalid
        return Answer(
            ResponseSerializer(response).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        summary=_("The round's results in my area"),
        parameters=[
            OpenApiParameter("community", str, description="community code"),
            OpenApiParameter("street", str, description="street code"),
        ],
        responses=ResultsSerializer,
    )
    @action(detail=True, methods=["get"], url_path="results")
    def results(self, request, pk=None):
        round_ = self.get_object()
        user = request.user
        if not permissions.may_read_results(user):
            raise Forbidden(_("The results are for the communities', streets' and district's staff."))
        query = ResultsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        community = street = None
        if query.validated_data["community"]:
            community = results.communities_for(user, round_).filter(code=query.validated_data["community"]).first()
            if community is None:
                raise Http404(_("No such community in this round and your area."))
        if query.validated_data["street"]:
            street = results.streets_for(user, round_).filter(code=query.validated_data["street"]).first()
            if street is None:
                raise Http404(_("No such street in this round and your area."))
        return Answer(ResultsSerializer(results.summary(user, round_, community=community, street=street)).data)


router = SimpleRouter()
router.register("", RoundViewSet, basename="api-surveys")
urlpatterns = [path("", include(router.urls))]
