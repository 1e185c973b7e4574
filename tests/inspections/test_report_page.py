"""The report page as a grid worker meets it: an address alone, errors named at the top, photos kept."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from accounts.models import Role
from inspections import photos as photo_files
from inspections.models import DraftPhoto, Finding, FindingPhoto
from tests.factories import MembershipFactory, photo

REPORT = "/findings/new/"
INSIDE = {"lat": "36.655", "lng": "116.995"}


def as_user(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def data(category, **overrides) -> dict:
    return {"category": category.code, "description": "楼道堆放杂物", "address": "", **overrides}


def test_a_grid_workers_address_only_report_lands_in_their_cell_and_goes_out(geo, category, grid_worker):
    response = as_user(grid_worker).post(REPORT, data(category, address="乐山小区3号楼"))
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.grid_cell, finding.community) == (geo.cell, geo.community)
    assert finding.status == Finding.Status.DISPATCHED and finding.lat is None


def test_the_page_says_where_an_address_alone_goes(geo, category, grid_worker):
    html = as_user(grid_worker).get(REPORT).content.decode()
    assert "With an address alone, the report goes to 乐山小区第一网格." in html


def test_a_grid_worker_of_cells_in_two_communities_must_drop_a_pin(geo, category, grid_worker):
    MembershipFactory(user=grid_worker, role=Role.GRID_WORKER, grid_cell=geo.other_cell)
    response = as_user(grid_worker).post(REPORT, data(category, address="某小区"))
    assert response.status_code == 400
    assert "several communities" in str(response.context["form"].errors["address"])
    assert not Finding.objects.exists()


def test_cells_of_one_community_take_the_report_to_that_community(geo, category, grid_worker):
    MembershipFactory(user=grid_worker, role=Role.GRID_WORKER, grid_cell=geo.sibling_cell)
    as_user(grid_worker).post(REPORT, data(category, address="乐山小区3号楼"))
    finding = Finding.objects.get()
    assert (finding.grid_cell, finding.community) == (None, geo.community)


def test_errors_are_summed_up_at_the_top_with_a_link_to_each_field(geo, category, grid_worker):
    response = as_user(grid_worker).post(REPORT, {"category": "", "description": ""})
    html = response.content.decode()
    summary = html[html.index("data-error-summary") : html.index("</div>", html.index("data-error-summary"))]
    assert html.index("data-error-summary") < html.index('name="description"')
    assert 'href="#id_category"' in summary and 'href="#id_description"' in summary
    assert 'id="id_category"' in html and 'id="id_description"' in html


def test_photos_are_kept_when_the_report_comes_back_with_an_error(geo, category, grid_worker):
    client = as_user(grid_worker)
    first = client.post(REPORT, data(category, description="", photos=[photo("a.jpg"), photo("b.png")]))
    assert first.status_code == 400
    form = first.context["form"]
    assert len(form.kept_rows) == 2 and form.kept_ticked == {row.pk for row in form.kept_rows}
    html = first.content.decode()
    assert html.count('name="kept"') == 2 and "Photos kept from the last try" in html
    # The kept thumbnails show to their owner.
    assert client.get(f"/findings/new/photos/{form.kept_rows[0].pk}/").status_code == 200
    # The next try sends the report with them, without picking them again.
    draft = form["draft"].value()
    kept = [str(row.pk) for row in form.kept_rows]
    second = client.post(REPORT, {**data(category, **INSIDE), "draft": draft, "kept": kept})
    assert second.status_code == 302
    finding = Finding.objects.get()
    assert finding.photos.filter(stage=FindingPhoto.Stage.BEFORE).count() == 2
    assert not DraftPhoto.objects.exists()


def test_an_unticked_kept_photo_is_left_out(geo, category, grid_worker):
    client = as_user(grid_worker)
    form = client.post(REPORT, data(category, description="", photos=[photo("a.jpg"), photo("b.jpg")])).context["form"]
    keep = form.kept_rows[0]
    client.post(REPORT, {**data(category, **INSIDE), "draft": form["draft"].value(), "kept": [str(keep.pk)]})
    assert Finding.objects.get().photos.count() == 1


def test_a_bad_photo_is_named_and_the_good_ones_kept(geo, category, grid_worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = as_user(grid_worker).post(REPORT, data(category, **INSIDE, photos=[photo("a.jpg"), bad]))
    assert response.status_code == 400
    form = response.context["form"]
    assert any("x.jpg" in str(error) for error in form.errors["photos"])
    assert len(form.kept_rows) == 1 and not Finding.objects.exists()


def test_another_persons_kept_photos_can_be_neither_seen_nor_used(geo, category, grid_worker, community_worker):
    form = as_user(grid_worker).post(REPORT, data(category, description="", photos=[photo()])).context["form"]
    row = form.kept_rows[0]
    other = as_user(community_worker)
    assert other.get(f"/findings/new/photos/{row.pk}/").status_code == 404
    other.post(REPORT, {**data(category, **INSIDE), "draft": form["draft"].value(), "kept": [str(row.pk)]})
    assert Finding.objects.get().photos.count() == 0 and DraftPhoto.objects.filter(pk=row.pk).exists()


def test_drafts_nobody_came_back_to_are_removed_after_a_day(geo, category, grid_worker):
    form = as_user(grid_worker).post(REPORT, data(category, description="", photos=[photo()])).context["form"]
    row = form.kept_rows[0]
    storage, name = row.image.storage, row.image.name
    assert photo_files.purge_drafts() == 0
    assert photo_files.purge_drafts(now=timezone.now() + timedelta(days=1, minutes=1)) == 1
    assert not DraftPhoto.objects.exists() and not storage.exists(name)


def test_new_and_kept_photos_together_are_at_most_nine(geo, category, grid_worker):
    client = as_user(grid_worker)
    form = client.post(REPORT, data(category, description="", photos=[photo(f"{n}.jpg") for n in range(5)])).context[
        "form"
    ]
    kept = [str(row.pk) for row in form.kept_rows]
    response = client.post(
        REPORT,
        {
            **data(category, **INSIDE),
            "draft": form["draft"].value(),
            "kept": kept,
            "photos": [photo() for _ in range(5)],
        },
    )
    assert response.status_code == 400 and "photos" in response.context["form"].errors
