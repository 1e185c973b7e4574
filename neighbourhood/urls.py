"""/neighbourhood/ for the staff, /circle/<community code>/ for residents (mounted by config.urls)."""

from django.urls import path

from neighbourhood import views

app_name = "neighbourhood"
urlpatterns = [
    path("neighbourhood/", views.index, name="index"),
    path("neighbourhood/<str:code>/", views.community_page, name="community"),
    path("neighbourhood/<str:code>/points/new/", views.point_new, name="point_new"),
    path("neighbourhood/<str:code>/import/", views.import_points, name="import"),
    path("neighbourhood/<str:code>/poster/", views.poster, name="poster"),
    path("neighbourhood/<str:code>/lacks/<str:kind>/wish/", views.lack_wish, name="lack_wish"),
    path("neighbourhood/<str:code>/lacks/<str:kind>/finding/", views.lack_finding, name="lack_finding"),
    path("neighbourhood/points/<int:pk>/", views.point_edit, name="point_edit"),
    path("neighbourhood/points/<int:pk>/delete/", views.point_delete, name="point_delete"),
    # The residents' page: no account, nothing else of the portal; short enough for a QR code.
    path("circle/<str:code>/", views.public, name="public"),
]
