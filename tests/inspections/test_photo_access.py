"""Photos are served only to those who may see their finding, from unguessable stored names."""

import pytest
from django.test import Client

from inspections import workflow
from tests.factories import FindingFactory, photo


@pytest.fixture
def stored(geo, category, street_staff):
    finding = FindingFactory(grid_cell=geo.cell, category=category)
    row = workflow.add_photo(actor=street_staff, finding=finding, stage="before", upload=photo())
    return finding, row


def _get(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_a_person_in_scope_gets_the_photo_and_its_thumbnail(stored, community_worker):
    finding, row = stored
    full = _get(community_worker, f"/findings/{finding.code}/photos/{row.pk}/")
    assert full.status_code == 200 and full["Content-Type"] == "image/jpeg"
    assert b"".join(full.streaming_content) == row.image.open("rb").read()
    thumb = _get(community_worker, f"/findings/{finding.code}/photos/{row.pk}/thumbnail/")
    assert thumb.status_code == 200 and "private" in thumb["Cache-Control"]


def test_someone_out_of_scope_gets_the_404_page(stored, other_street_staff):
    finding, row = stored
    response = _get(other_street_staff, f"/findings/{finding.code}/photos/{row.pk}/")
    assert response.status_code == 404
    assert response.templates[0].name == "errors/error.html"


def test_a_photo_of_another_finding_is_not_found_under_this_one(stored, geo, category, street_staff):
    finding, row = stored
    other = FindingFactory(grid_cell=geo.cell, category=category)
    assert _get(street_staff, f"/findings/{other.code}/photos/{row.pk}/").status_code == 404


def test_a_visitor_must_log_in(stored):
    finding, row = stored
    response = _get(None, f"/findings/{finding.code}/photos/{row.pk}/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_media_folder_has_no_public_address(stored):
    _finding, row = stored
    assert _get(None, f"/media/{row.image.name}").status_code == 404


def test_stored_names_say_nothing_guessable(stored, geo, category, street_staff):
    _finding, first = stored
    second = workflow.add_photo(
        actor=street_staff,
        finding=FindingFactory(grid_cell=geo.cell, category=category),
        stage="before",
        upload=photo(),
    )
    names = [p.image.name.rsplit("/", 1)[1].split(".")[0] for p in (first, second)]
    # 24 URL-safe characters of randomness each, and no timestamp to count through.
    assert all(len(name) == 24 and not name.isdigit() for name in names) and names[0] != names[1]


def test_behind_nginx_the_file_is_handed_over_by_x_accel_redirect(stored, street_staff, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    finding, row = stored
    response = _get(street_staff, f"/findings/{finding.code}/photos/{row.pk}/")
    assert response.status_code == 200 and response["X-Accel-Redirect"] == f"/protected-media/{row.image.name}"
    assert response.content == b""
