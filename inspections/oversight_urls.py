"""/oversight/: the discipline commission's workspace (mounted by config.urls)."""

from django.urls import path

from inspections import oversight

app_name = "oversight"
urlpatterns = [
    path("", oversight.queue, name="queue"),
    path("cases/", oversight.case_list, name="cases"),
    path("cases/new/", oversight.case_new, name="case_new"),
    path("cases/<int:pk>/", oversight.case_detail, name="case"),
    path("cases/<int:pk>/decide/", oversight.case_decide, name="case_decide"),
    path("cases/<int:pk>/note/", oversight.case_note, name="case_note"),
    path("cases/<int:pk>/notice/", oversight.case_notice, name="case_notice"),
    path("findings/<str:code>/notice/", oversight.finding_notice, name="finding_notice"),
    path("performance/", oversight.performance, name="performance"),
]
