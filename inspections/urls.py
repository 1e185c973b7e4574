from django.urls import path

from inspections import views

app_name = "inspections"
urlpatterns = [
    path("findings/", views.findings, name="findings"),
    path("map/", views.battle_map, name="map"),
    path("oversight/", views.oversight, name="oversight"),
]
