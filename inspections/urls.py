from django.urls import path

from inspections import views

app_name = "inspections"
urlpatterns = [
    path("findings/", views.findings, name="findings"),
    # Before "<code>/": these names are not finding numbers.
    path("findings/new/", views.report, name="report"),
    path("findings/new/photos/<int:pk>/", views.draft_photo, name="draft_photo"),
    path("findings/export.xlsx", views.export, name="export"),
    path("findings/extensions/", views.extensions, name="extensions"),
    path("findings/<str:code>/", views.detail, name="detail"),
    path("findings/<str:code>/photos/<int:pk>/", views.photo, name="photo"),
    path("findings/<str:code>/photos/<int:pk>/thumbnail/", views.photo, {"variant": "thumbnail"}, name="thumbnail"),
    path("findings/<str:code>/<slug:action>/", views.act, name="act"),
    path("map/", views.battle_map, name="map"),
]
