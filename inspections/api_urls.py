"""The findings' /api/v1/ routes (mounted by config.urls)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from inspections import api

router = SimpleRouter()
router.register("findings", api.FindingViewSet, basename="finding")
router.register("categories", api.CategoryViewSet, basename="category")
router.register("hotline/tickets", api.HotlineTicketViewSet, basename="hotline-ticket")

urlpatterns = [
    path("geo/grid-cells/", api.GridCellGeoJSON.as_view(), name="api-grid-cells"),
    *router.urls,
]
