"""/oversight/: the discipline commission's workspace (mounted by config.urls)."""

from django.urls import path

from oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/decide/", views.case_decide, name="case_decide"),
    path("cases/<int:pk>/note/", views.case_note, name="case_note"),
    path("cases/<int:pk>/notice/", views.case_notice, name="case_notice"),
    path("findings/<str:code>/notice/", views.finding_notice, name="finding_notice"),
    path("performance/", views.performance, name="performance"),
    path("performance.xlsx", views.performance_export, name="performance_export"),
]
