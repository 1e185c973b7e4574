"""/neighbourhood/ for the staff, /circle/<community code>/ for residents (mounted by config.urls)."""

from django.urls import path, register_converter

from neighbourhood import views


class CommunityCode:
    """A community's official code, 12 digits: anything else is no page (404) before any query."""

    regex = r"[0-9]{12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CommunityCode, "community_code")

app_name = "neighbourhood"
urlpatterns = [
    path("neighbourhood/", views.index, name="index"),
    path("neighbourhood/export.xlsx", views.export, name="export"),
    path("neighbourhood/<community_code:code>/", views.community_page, name="community"),
    path("neighbourhood/<community_code:code>/points/new/", views.point_new, name="point_new"),
    path("neighbourhood/<community_code:code>/import/", views.import_points, name="import"),
    path("neighbourhood/<community_code:code>/import/template.xlsx", views.import_template, name="import_template"),
    path("neighbourhood/<community_code:code>/poster/", views.poster, name="poster"),
    path("neighbourhood/<community_code:code>/lacks/<slug:kind>/wish/", views.lack_wish, name="lack_wish"),
    path("neighbourhood/<community_code:code>/lacks/<slug:kind>/finding/", views.lack_finding, name="lack_finding"),
    path("neighbourhood/points/<int:pk>/", views.point_edit, name="point_edit"),
    path("neighbourhood/points/<int:pk>/delete/", views.point_delete, name="point_delete"),
    # The residents' page: no account, nothing else of the portal; short enough for a QR code.
    path("circle/<community_code:code>/", views.public, name="public"),
]
