from django.urls import path

from campaign import views

app_name = "campaign"
urlpatterns = [path("dashboard/", views.dashboard, name="dashboard")]
