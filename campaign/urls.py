from django.urls import path

from campaign import views

app_name = "campaign"
urlpatterns = [
    path("dashboard/", views.home, name="dashboard"),
    path("dashboard/definitions/", views.definitions, name="definitions"),
    path("dashboard/findings/", views.findings, name="findings"),
    path("dashboard/export/<slug:table>.xlsx", views.export, name="export"),
    path("dashboard/rounds/", views.round_list, name="rounds"),
    path("dashboard/rounds/new/", views.round_new, name="round_new"),
    path("dashboard/rounds/<int:pk>/", views.round_detail, name="round"),
    path("dashboard/rounds/<int:pk>/marks/<int:mark_pk>/", views.mark, name="mark"),
    path("dashboard/rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("dashboard/briefings/", views.briefing_list, name="briefings"),
    path("dashboard/briefings/<int:pk>/", views.briefing_detail, name="briefing"),
    path("dashboard/briefings/<int:pk>.xlsx", views.briefing_workbook, name="briefing_workbook"),
]
