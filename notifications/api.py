"""``/api/v1/notifications/``: the bell as an API, for the person's own in-app notifications.

- ``GET notifications/`` (``?unread=true`` for the unread ones only), newest first, paginated;
- ``POST notifications/{id}/read/``: one read (another person's is a 404);
- ``POST notifications/read-all/``: all of them read; answers how many changed.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from notifications import services
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "link", "created_at", "read_at", "read"]

    def get_read(self, row: Notification) -> bool:
        return row.read_at is not None


MarkedAnswer = inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})


@extend_schema(tags=[_("Notifications")])
@extend_schema_view(
    list=extend_schema(
        summary=_("My notifications, newest first"),
        parameters=[OpenApiParameter("unread", bool, description=_("only the unread ones"))],
    )
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; every request reads its own

    def get_queryset(self):
        rows = Notification.objects.visible_to(self.request.user)
        if self.action == "list" and self.request.query_params.get("unread", "").lower() in ("1", "true", "yes"):
            rows = rows.unread()
        return rows

    @extend_schema(request=None, responses=MarkedAnswer, summary=_("Mark one notification read"))
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        row = self.get_object()
        return Response({"marked": services.mark_read(user=request.user, ids=[row.pk])})

    @extend_schema(request=None, responses=MarkedAnswer, summary=_("Mark all my notifications read"))
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_read(user=request.user)})


router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = router.urls
