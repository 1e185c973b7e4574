from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("import/", views.import_questionnaire_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/fill/", views.fill, name="fill"),
    path("<int:pk>/results/", views.results_page, name="results"),
    path("<int:pk>/results.xlsx", views.results_export, name="results_export"),
    path("<int:pk>/answers.xlsx", views.answers_export, name="answers_export"),
]
