"""``GET /api/v1/communities/{code}/circle/``: a community's life circle as JSON.

The same numbers as the page (``neighbourhood.circle``), for the community workers, street staff
and leaders whose scope holds the community: out of scope (or no such community) is a 404, any
other role a 403.
"""

import re

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from districts.models import Community
from neighbourhood import circle
from neighbourhood.models import Kind
from neighbourhood.navigation import READERS

CODE = re.compile(r"[0-9]{12}")


class PointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    name = serializers.CharField()
    address = serializers.CharField(allow_blank=True)
    hours = serializers.CharField(allow_blank=True)
    lat = serializers.FloatField()
    lng = serializers.FloatField()


class ReachSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    within = serializers.IntegerField(help_text="points of the kind within the radius of the centre")
    nearest_m = serializers.FloatField(allow_null=True, help_text="metres from the centre to the nearest")
    lacking = serializers.BooleanField()


class CircleSerializer(serializers.Serializer):
    community = serializers.CharField(help_text="the community's code")
    name = serializers.CharField()
    radius_m = serializers.IntegerField()
    centre = PointSerializer(allow_null=True)
    kinds = ReachSerializer(many=True)
    lacks = serializers.ListField(child=serializers.ChoiceField(choices=Kind.choices))
    points = PointSerializer(many=True)


@extend_schema(tags=[_("Life circle")])
class CircleView(APIView):
    @extend_schema(
        summary=_("A community's 15-minute life circle: its points, the reach and what it lacks"),
        responses={
            200: CircleSerializer,
            403: OpenApiResponse(description="not a community worker, street staff or leader"),
            404: OpenApiResponse(description="no such community in your scope"),
        },
    )
    def get(self, request, code: str):
        user = request.user
        if not (user.is_superuser or user.has_role(*READERS)):
            raise exceptions.PermissionDenied(_("These pages are for community workers, street staff and leaders."))
        # Checked before any query: a code is 12 digits (and a NUL would not reach PostgreSQL).
        if not CODE.fullmatch(code):
            raise exceptions.NotFound()
        community = (
            Community.objects.visible_to(user, roles=READERS).select_related("circle_radius").filter(code=code).first()
        )
        if community is None:
            raise exceptions.NotFound()
        found = circle.circle_of(community)
        data = {
            "community": community.code,
            "name": community.name,
            "radius_m": found.radius_m,
            "centre": found.centre,
            "kinds": found.rows,
            "lacks": [r.kind for r in found.lacks],
            "points": found.points,
        }
        return Response(CircleSerializer(data).data)


urlpatterns = [path("communities/<str:code>/circle/", CircleView.as_view(), name="api-circle")]
