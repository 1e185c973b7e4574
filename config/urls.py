from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.views import home
from config.views import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("notifications.api")),
    path("api/v1/", include("oversight.api")),
    path("api/v1/", include("campaign.api")),
    path("api/v1/", include("inspections.api_urls")),
    path("api/v1/volunteers/", include("volunteers.api")),
    path("api/v1/surveys/", include("surveys.api")),
    path("api/v1/", include("neighbourhood.api")),
    path("open311/v2/", include("open311.urls")),
    path("", include("notifications.urls")),
    path("oversight/", include("oversight.urls")),
    path("", include("inspections.urls")),
    path("", include("campaign.urls")),
    path("", include("volunteers.urls")),
    path("surveys/", include("surveys.urls")),
    path("", include("neighbourhood.urls")),
]

# The portal's own error pages, whatever DEBUG says (web.pages).
handler400 = "web.pages.bad_request"
handler403 = "web.pages.permission_denied"
handler404 = "web.pages.page_not_found"
handler500 = "web.pages.server_error"
