"""The /api/v1/ routes (mounted by config.urls)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from inspections import api

router = SimpleRouter()
router.register("findings", api.FindingViewSet, basename="finding")
router.register("categories", api.CategoryViewSet, basename="category")
router.register("hotline/tickets", api.HotlineTicketViewSet, basename="hotline-ticket")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("geo/grid-cells/", api.GridCellGeoJSON.as_view(), name="api-grid-cells"),
    *router.urls,
]
