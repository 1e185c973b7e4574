"""``GET /api/v1/dashboard/?from=&to=&street=&campaign=``: the dashboard's numbers as JSON.

The same numbers as the page (``campaign.dashboard``), for a leader's own scope; a street out of
scope is a 404, a person who is not a leader a 403, a bad period a 400 with field messages.
"""

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from campaign import dashboard
from oversight.forms import period_error, resolve_period


class DashboardQuery(serializers.Serializer):
    start = serializers.DateField(required=False, allow_null=True, default=None)
    to = serializers.DateField(required=False, allow_null=True, default=None)
    street = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")
    campaign = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)

    def get_fields(self):
        # "from" is a Python keyword: declared as "start", renamed before the fields are bound.
        fields = super().get_fields()
        return {"from": fields.pop("start"), **fields}

    def validate(self, attrs):
        attrs["from"], attrs["to"] = resolve_period(attrs.get("from"), attrs.get("to"))
        error = period_error(attrs["from"], attrs["to"])
        if error:
            raise serializers.ValidationError({"from": [error]})
        return attrs


@extend_schema(tags=[_("Dashboard")])
class DashboardView(APIView):
    @extend_schema(
        summary=_("The leaders' dashboard: cards, rankings, red list, series, for your scope"),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="first day (included)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day (included)"),
            OpenApiParameter("street", OpenApiTypes.STR, description="street code"),
            OpenApiParameter("campaign", OpenApiTypes.INT, description="campaign id"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        user = request.user
        if not dashboard.can_view(user):
            raise exceptions.PermissionDenied(
                _("The dashboard is for the district's, streets' and communities' leaders.")
            )
        query = DashboardQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        street = None
        if data["street"]:
            street = dashboard.visible_streets(user).filter(code=data["street"]).first()
            if street is None:
                raise Http404(_("No such street in your area."))
        campaigns = list(dashboard.campaigns_for(user))
        campaign = next((c for c in campaigns if c.pk == data["campaign"]), None) if data["campaign"] else None
        if data["campaign"] and campaign is None:
            raise Http404(_("No such campaign in your area."))
        if campaign is None:
            campaign = next((c for c in campaigns if c.is_active), campaigns[0] if campaigns else None)
        filters = dashboard.Filters(start=data["from"], end=data["to"], campaign=campaign, street=street)
        return Response(dashboard.as_json(dashboard.build(user, filters)))


urlpatterns = [path("dashboard/", DashboardView.as_view(), name="api-dashboard")]
