"""The findings pages: list, detail and its actions, intake, battle map."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from inspections.models import Finding, FindingEvent, FindingPhoto
from tests.factories import FindingFactory, photo

Status = Finding.Status
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.get_fixed_timezone(480))
INSIDE = {"lat": "36.655", "lng": "116.995"}  # in geo.cell (乐山小区第一网格)
LIST = reverse("inspections:findings")
MAP = reverse("inspections:map")
REPORT = reverse("inspections:report")


@pytest.fixture
def client():
    # English pages, so that assertions on texts do not depend on the Chinese catalogue.
    return Client(headers={"accept-language": "en"})


def as_user(client, user):
    client.force_login(user)
    return client


def in_cell(geo, category, **fields):
    return FindingFactory(grid_cell=geo.cell, category=category, **fields)


def in_other_street(geo, category, **fields):
    return FindingFactory(grid_cell=geo.other_cell, category=category, **fields)


def codes(response) -> list[str]:
    return [finding.code for finding in response.context["page"].object_list]


def detail_url(finding) -> str:
    return reverse("inspections:detail", args=[finding.code])


def act_url(finding, action: str) -> str:
    return reverse("inspections:act", args=[finding.code, action])


def bad_photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", b"this is text, not a picture", content_type="image/jpeg")


# --- list ----------------------------------------------------------------------------------


def test_list_shows_the_findings_of_the_users_street(client, geo, street_staff, category):
    mine = in_cell(geo, category)
    response = as_user(client, street_staff).get(LIST)
    assert response.status_code == 200
    assert codes(response) == [mine.code]
    assert detail_url(mine) in response.content.decode()


def test_other_street_staff_does_not_see_the_streets_findings(client, geo, other_street_staff, category):
    theirs = in_other_street(geo, category)
    ours = in_cell(geo, category)
    response = as_user(client, other_street_staff).get(LIST)
    assert codes(response) == [theirs.code]
    assert ours.code not in response.content.decode()


def test_person_without_a_role_sees_an_empty_list(client, geo, stranger, category):
    in_cell(geo, category)
    response = as_user(client, stranger).get(LIST)
    assert response.status_code == 200
    assert codes(response) == []


def test_list_filters_by_status(client, geo, street_staff, category):
    waiting = in_cell(geo, category, status=Status.REPORTED)
    in_cell(geo, category, status=Status.DISPATCHED)
    response = as_user(client, street_staff).get(LIST, {"status": "reported"})
    assert codes(response) == [waiting.code]


def test_list_searches_number_and_address(client, geo, street_staff, category):
    wanted = in_cell(geo, category, address="启明里7号楼")
    in_cell(geo, category, address="乐山小区3号楼")
    response = as_user(client, street_staff).get(LIST, {"q": "启明里"})
    assert codes(response) == [wanted.code]


def test_list_filters_overdue_community_and_category(client, geo, street_staff, category, unit_category):
    late = in_cell(geo, category, reported_at=timezone.now() - timedelta(hours=30))
    in_cell(geo, category)
    in_cell(geo, unit_category, reported_at=timezone.now() - timedelta(hours=30))
    FindingFactory(grid_cell=geo.sibling_cell, category=category, reported_at=timezone.now() - timedelta(hours=30))
    params = {"overdue": "true", "community": geo.community.code, "category": category.code}
    response = as_user(client, street_staff).get(LIST, params)
    # The sibling cell is in the same community: two overdue findings of this category there.
    assert late.code in codes(response) and len(codes(response)) == 2


def test_empty_and_bad_filters_are_ignored_not_fatal(client, geo, street_staff, category):
    finding = in_cell(geo, category)
    params = {"status": "", "source": "", "reported_after": "not-a-date", "overdue": "maybe", "page": "x"}
    response = as_user(client, street_staff).get(LIST, params)
    assert response.status_code == 200
    assert codes(response) == [finding.code]


def test_counts_per_status_ignore_the_status_filter(client, geo, street_staff, category):
    in_cell(geo, category, status=Status.REPORTED)
    in_cell(geo, category, status=Status.DISPATCHED)
    in_cell(geo, category, status=Status.DISPATCHED)
    in_cell(geo, category, status=Status.CLOSED)
    in_other_street(geo, category, status=Status.DISPATCHED)
    response = as_user(client, street_staff).get(LIST, {"status": "reported"})
    counts = {chip["value"]: chip["count"] for chip in response.context["chips"]}
    assert counts[""] == 4
    assert counts["reported"] == 1 and counts["dispatched"] == 2 and counts["closed"] == 1
    assert counts["rectifying"] == 0


def test_counts_per_status_follow_the_other_filters(client, geo, street_staff, category):
    in_cell(geo, category, status=Status.DISPATCHED, address="启明里7号楼")
    in_cell(geo, category, status=Status.DISPATCHED, address="乐山小区3号楼")
    response = as_user(client, street_staff).get(LIST, {"q": "启明里"})
    counts = {chip["value"]: chip["count"] for chip in response.context["chips"]}
    assert counts["dispatched"] == 1


def test_list_is_paginated_fifty_a_page(client, geo, street_staff, category):
    for _ in range(51):
        in_cell(geo, category)
    as_user(client, street_staff)
    first = client.get(LIST, {"status": "dispatched"})
    second = client.get(LIST, {"status": "dispatched", "page": 2})
    assert len(codes(first)) == 50 and len(codes(second)) == 1
    assert set(codes(first)).isdisjoint(codes(second))
    # The page links keep the filters.
    assert "?status=dispatched&amp;page=2" in first.content.decode()


def _list_queries(client, geo, category, count: int) -> int:
    for index in range(count):
        in_cell(geo, category, status=Status.DISPATCHED if index % 2 else Status.RECTIFYING)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": "杆石桥"})
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_the_findings(
    client, geo, street_staff, category, django_assert_max_num_queries
):
    as_user(client, street_staff)
    few = _list_queries(client, geo, category, 3)
    Finding.objects.all().delete()
    many = _list_queries(client, geo, category, 30)
    assert few == many
    with django_assert_max_num_queries(12):
        client.get(LIST)


@time_machine.travel(NOW, tick=False)
def test_rows_show_hours_left_and_hours_overdue(client, geo, street_staff, category):
    left = in_cell(geo, category, reported_at=NOW - timedelta(hours=19))
    late = in_cell(geo, category, reported_at=NOW - timedelta(hours=30))
    closed = in_cell(geo, category, reported_at=NOW - timedelta(hours=30), status=Status.CLOSED)
    response = as_user(client, street_staff).get(LIST)
    rows = {f.code: f.deadline for f in response.context["page"].object_list}
    assert (rows[left.code].text, rows[left.code].css) == ("5 hours left", "ok")
    assert (rows[late.code].text, rows[late.code].css) == ("overdue 6 hours", "late")
    assert rows[closed.code].text == ""
    assert '<span class="deadline late">overdue 6 hours</span>' in response.content.decode()


def test_report_button_only_for_reporting_roles(client, geo, grid_worker, leader):
    assert REPORT in as_user(client, grid_worker).get(LIST).content.decode()
    assert REPORT not in as_user(Client(), leader).get(LIST).content.decode()


def test_list_links_to_the_export_with_the_same_filters(client, geo, street_staff):
    response = as_user(client, street_staff).get(LIST, {"status": "dispatched", "q": "3号楼", "page": "1"})
    export = reverse("inspections:export")
    assert f'href="{export}?status=dispatched&amp;q=3%E5%8F%B7%E6%A5%BC"' in response.content.decode()


# --- detail --------------------------------------------------------------------------------


def panel_names(response) -> list[str]:
    return [panel["name"] for panel in response.context["panels"]]


def test_detail_is_404_out_of_scope(client, geo, other_street_staff, category):
    finding = in_cell(geo, category)
    assert as_user(client, other_street_staff).get(detail_url(finding)).status_code == 404


def test_detail_of_an_unknown_number_is_404(client, geo, street_staff):
    assert as_user(client, street_staff).get("/findings/370103-20990101-0001/").status_code == 404


def test_community_worker_sees_acknowledge_on_a_dispatched_finding(client, geo, community_worker, category):
    finding = in_cell(geo, category)
    response = as_user(client, community_worker).get(detail_url(finding))
    assert response.status_code == 200
    assert panel_names(response) == ["acknowledge", "decline", "add-photo", "request-extension"]
    assert f'action="{act_url(finding, "acknowledge")}"' in response.content.decode()
    assert act_url(finding, "verify") not in response.content.decode()


def test_leader_sees_no_actions(client, geo, leader, category):
    finding = in_cell(geo, category)
    response = as_user(client, leader).get(detail_url(finding))
    assert response.status_code == 200
    assert panel_names(response) == []
    assert f'action="/findings/{finding.code}/' not in response.content.decode()


def test_street_staff_sees_the_dispatcher_actions_on_a_submitted_finding(client, geo, street_staff, category):
    finding = in_cell(geo, category, status=Status.SUBMITTED)
    response = as_user(client, street_staff).get(detail_url(finding))
    assert panel_names(response) == ["verify", "return", "mark-invalid", "mark-duplicate", "add-photo"]


def test_submit_form_takes_photos_from_the_camera(client, geo, community_worker, category):
    finding = in_cell(geo, category, status=Status.RECTIFYING)
    html = as_user(client, community_worker).get(detail_url(finding)).content.decode()
    photos = re.search(r'<input type="file" name="photos"[^>]*>', html).group(0)
    assert 'accept="image/*"' in photos and 'capture="environment"' in photos and "multiple" in photos
    assert 'enctype="multipart/form-data"' in html


def test_detail_shows_the_timeline_photos_and_the_map(client, geo, grid_worker, category):
    as_user(client, grid_worker)
    client.post(REPORT, {"category": category.code, "description": "楼道堆放杂物", **INSIDE, "photos": [photo()]})
    finding = Finding.objects.get()
    response = client.get(detail_url(finding))
    html = response.content.decode()
    assert [e.kind for e in response.context["events"]] == ["reported", "dispatched"]
    before = finding.photos.get()
    assert f'href="/findings/{finding.code}/photos/{before.pk}/"' in html
    assert f'src="/findings/{finding.code}/photos/{before.pk}/thumbnail/"' in html
    data = response.context["map_data"]
    assert data["point"] == [36.655, 116.995] and data["cell"] == geo.cell.boundary
    assert 'id="finding-map-data" type="application/json"' in html
    assert "leaflet/leaflet.js" in html and "js/findings-map.js" in html


# --- actions -------------------------------------------------------------------------------


def _data(action, geo, original):
    return {
        "acknowledge": {},
        "submit": {"note": "已清理", "photos": [photo("after.jpg")]},
        "verify": {"note": "现场核查合格"},
        "return": {"reason": "仍有垃圾"},
        "decline": {"reason": "不属于本社区"},
        "dispatch": {"community": geo.sibling_community.code},
        "reassign": {"unit": geo.unit.code, "reason": "城管职责"},
        "mark-invalid": {"reason": "已不存在"},
        "mark-duplicate": {"original": original.code},
    }[action]


RIGHT_ROLE = [
    ("acknowledge", Status.DISPATCHED, "community_worker", Status.RECTIFYING),
    ("submit", Status.RECTIFYING, "community_worker", Status.SUBMITTED),
    ("verify", Status.SUBMITTED, "street_staff", Status.CLOSED),
    ("return", Status.SUBMITTED, "street_staff", Status.RECTIFYING),
    ("decline", Status.DISPATCHED, "community_worker", Status.REPORTED),
    ("dispatch", Status.REPORTED, "street_staff", Status.DISPATCHED),
    ("reassign", Status.DISPATCHED, "street_staff", Status.DISPATCHED),
    ("mark-invalid", Status.DISPATCHED, "street_staff", Status.INVALID),
    ("mark-duplicate", Status.DISPATCHED, "supervisor", Status.DUPLICATE),
]


@pytest.mark.parametrize(("action", "before", "persona", "after"), RIGHT_ROLE)
def test_action_by_the_right_role_changes_the_status(request, client, geo, category, action, before, persona, after):
    user = request.getfixturevalue(persona)
    original = in_cell(geo, category)
    finding = in_cell(geo, category, status=before)
    response = as_user(client, user).post(act_url(finding, action), _data(action, geo, original))
    assert response.status_code == 302 and response.url == detail_url(finding)
    finding.refresh_from_db()
    assert finding.status == after
    assert finding.events.filter(actor=user).exists()
    page = client.get(response.url)
    assert [m.level_tag for m in page.context["messages"]] == ["success"]


def test_reassign_by_the_page_moves_the_finding_to_the_unit(client, geo, street_staff, category):
    finding = in_cell(geo, category)
    as_user(client, street_staff).post(act_url(finding, "reassign"), {"unit": geo.unit.code, "reason": "城管职责"})
    finding.refresh_from_db()
    assert finding.responsible_unit == geo.unit


def test_add_photo_by_the_reporter_adds_a_before_photo(client, geo, grid_worker, category):
    finding = in_cell(geo, category, reporter=grid_worker)
    response = as_user(client, grid_worker).post(act_url(finding, "add-photo"), {"stage": "before", "image": photo()})
    assert response.status_code == 302
    assert list(finding.photos.values_list("stage", flat=True)) == ["before"]


@pytest.mark.parametrize(("action", "before", "persona", "after"), RIGHT_ROLE)
def test_wrong_role_gets_403_and_nothing_changes(client, geo, leader, category, action, before, persona, after):
    original = in_cell(geo, category)
    finding = in_cell(geo, category, status=before)
    response = as_user(client, leader).post(act_url(finding, action), _data(action, geo, original))
    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.status == before and not finding.events.exists()


def test_rectifier_cannot_verify_their_own_work(client, geo, community_worker, category):
    finding = in_cell(geo, category, status=Status.SUBMITTED)
    response = as_user(client, community_worker).post(act_url(finding, "verify"))
    assert response.status_code == 403


def test_leader_cannot_add_a_photo(client, geo, leader, category):
    finding = in_cell(geo, category)
    response = as_user(client, leader).post(act_url(finding, "add-photo"), {"stage": "before", "image": photo()})
    assert response.status_code == 403
    assert not FindingPhoto.objects.exists()


@pytest.mark.parametrize("action", ["acknowledge", "verify", "dispatch", "add-photo"])
def test_action_out_of_scope_is_404(client, geo, other_street_staff, category, action):
    finding = in_cell(geo, category)
    response = as_user(client, other_street_staff).post(act_url(finding, action), {"note": "x"})
    assert response.status_code == 404
    finding.refresh_from_db()
    assert finding.status == Status.DISPATCHED


def test_conflict_shows_a_message_and_changes_nothing(client, geo, community_worker, category):
    finding = in_cell(geo, category, status=Status.RECTIFYING)
    response = as_user(client, community_worker).post(act_url(finding, "acknowledge"), follow=True)
    assert response.redirect_chain == [(detail_url(finding), 302)]
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert "the action was not applied" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == Status.RECTIFYING and not finding.events.exists()


def test_missing_reason_shows_the_form_error(client, geo, street_staff, category):
    finding = in_cell(geo, category, status=Status.SUBMITTED)
    response = as_user(client, street_staff).post(act_url(finding, "return"), {"reason": "  "})
    assert response.status_code == 400
    panel = next(p for p in response.context["panels"] if p["name"] == "return")
    assert panel["open"] and panel["form"].errors["reason"]
    finding.refresh_from_db()
    assert finding.status == Status.SUBMITTED


def test_submit_without_an_after_photo_shows_the_workflow_error(client, geo, community_worker, category):
    finding = in_cell(geo, category, status=Status.RECTIFYING)
    response = as_user(client, community_worker).post(act_url(finding, "submit"), {"note": "已清理"})
    assert response.status_code == 400
    panel = next(p for p in response.context["panels"] if p["name"] == "submit")
    assert panel["form"].errors["photos"] == ["Add at least one photo taken after the rectification."]
    finding.refresh_from_db()
    assert finding.status == Status.RECTIFYING


def test_submit_with_a_bad_photo_stores_nothing(client, geo, community_worker, category):
    finding = in_cell(geo, category, status=Status.RECTIFYING)
    response = as_user(client, community_worker).post(act_url(finding, "submit"), {"photos": [photo(), bad_photo()]})
    assert response.status_code == 400
    assert "not a readable image" in response.content.decode()
    assert not FindingPhoto.objects.exists() and not finding.events.exists()


@pytest.mark.parametrize(
    ("action", "status", "data", "field"),
    [
        ("dispatch", Status.REPORTED, {"community": "999999999999"}, "community"),
        ("dispatch", Status.REPORTED, {}, "community"),
        ("reassign", Status.DISPATCHED, {"community": "370103002001", "reason": "x"}, "community"),
        ("mark-duplicate", Status.DISPATCHED, {"original": "nope"}, "original"),
        ("add-photo", Status.DISPATCHED, {"stage": "after", "image": photo()}, "stage"),
        ("add-photo", Status.DISPATCHED, {"stage": "before"}, "image"),
        ("verify", Status.SUBMITTED, {"note": "x" * 2001}, "note"),
    ],
)
def test_bad_input_is_a_form_error_not_a_500(client, geo, street_staff, category, action, status, data, field):
    finding = in_cell(geo, category, status=status)
    response = as_user(client, street_staff).post(act_url(finding, action), data)
    assert response.status_code == 400
    panel = next(p for p in response.context["panels"] if p["name"] == action)
    assert field in panel["form"].errors
    finding.refresh_from_db()
    assert finding.status == status and not finding.events.exists()


def test_a_finding_cannot_be_marked_a_duplicate_of_itself(client, geo, street_staff, category):
    finding = in_cell(geo, category)
    response = as_user(client, street_staff).post(act_url(finding, "mark-duplicate"), {"original": finding.code})
    assert response.status_code == 400
    assert "original" in next(p for p in response.context["panels"] if p["name"] == "mark-duplicate")["form"].errors


def test_unknown_action_is_404(client, geo, street_staff, category):
    finding = in_cell(geo, category)
    assert as_user(client, street_staff).post(act_url(finding, "delete")).status_code == 404


def test_actions_take_only_post(client, geo, community_worker, category):
    finding = in_cell(geo, category)
    assert as_user(client, community_worker).get(act_url(finding, "acknowledge")).status_code == 405
    finding.refresh_from_db()
    assert finding.status == Status.DISPATCHED


def test_anonymous_post_is_sent_to_login(client, geo, category):
    finding = in_cell(geo, category)
    response = client.post(act_url(finding, "acknowledge"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not FindingEvent.objects.exists()


# --- intake --------------------------------------------------------------------------------


def report_data(category_, **overrides):
    return {
        "category": category_.code,
        "description": "楼道堆放杂物",
        "address": "乐山小区3号楼",
        **INSIDE,
        **overrides,
    }


def test_grid_worker_reports_with_a_photo_and_it_is_dispatched(client, geo, grid_worker, category):
    response = as_user(client, grid_worker).post(REPORT, report_data(category, photos=[photo()]))
    finding = Finding.objects.get()
    assert response.status_code == 302 and response.url == detail_url(finding)
    assert finding.status == Status.DISPATCHED and finding.grid_cell == geo.cell
    assert finding.source == Finding.Source.GRID_PATROL and finding.reporter == grid_worker
    assert list(finding.photos.values_list("stage", flat=True)) == ["before"]


def test_report_form_offers_the_sources_of_the_role(client, geo, grid_worker, supervisor):
    form = as_user(client, grid_worker).get(REPORT).context["form"]
    assert form["source"].value() == "grid_patrol"
    assert [value for value, _label in form.fields["source"].choices] == ["grid_patrol", "snapshot"]
    form = as_user(Client(), supervisor).get(REPORT).context["form"]
    assert form["source"].value() == "supervision"


def test_report_page_has_the_phone_photo_input_and_the_map(client, geo, grid_worker):
    html = as_user(client, grid_worker).get(REPORT).content.decode()
    assert '<input type="file" name="photos" id="id_photos" accept="image/*" multiple' in html
    assert 'id="report-map-data" type="application/json"' in html and "js/report-map.js" in html
    assert 'name="lat"' in html and 'name="lng"' in html


def test_a_source_outside_the_role_is_refused(client, geo, grid_worker, category):
    response = as_user(client, grid_worker).post(REPORT, report_data(category, source="hotline"))
    assert response.status_code == 400 and "source" in response.context["form"].errors
    assert not Finding.objects.exists()


def test_a_bad_photo_is_a_form_error_and_nothing_is_stored(client, geo, grid_worker, category):
    response = as_user(client, grid_worker).post(REPORT, report_data(category, photos=[photo(), bad_photo()]))
    assert response.status_code == 400
    errors = response.context["form"].errors["photos"]
    assert "photo.jpg" in errors[0] and "not a readable image" in errors[0]
    assert not Finding.objects.exists() and not FindingPhoto.objects.exists() and not FindingEvent.objects.exists()


def test_a_point_outside_the_grid_is_a_form_error(client, geo, supervisor, category):
    response = as_user(client, supervisor).post(REPORT, report_data(category, lat="30.0", lng="120.0"))
    assert response.status_code == 400
    assert response.context["form"].errors["lat"] == ["The location is outside the district's grid."]
    assert not Finding.objects.exists()


def test_grid_worker_cannot_report_in_another_cell(client, geo, grid_worker, category):
    response = as_user(client, grid_worker).post(REPORT, report_data(category, lat="36.665", lng="116.985"))
    assert response.status_code == 400 and "lat" in response.context["form"].errors
    assert not Finding.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "   "}, "description"),
        ({"category": "no-such-category"}, "category"),
        ({"lat": "36.655", "lng": ""}, "lat"),
        ({"lat": "nan", "lng": "116.995"}, "lat"),
        ({"lat": "", "lng": "", "address": ""}, "address"),
    ],
)
def test_bad_report_input_is_a_form_error(client, geo, supervisor, category, overrides, field):
    response = as_user(client, supervisor).post(REPORT, report_data(category, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Finding.objects.exists()


def test_address_only_report_waits_for_a_dispatcher_and_never_lands_on_a_404(client, geo, street_staff, category):
    response = as_user(client, street_staff).post(REPORT, report_data(category, lat="", lng=""), follow=True)
    finding = Finding.objects.get()
    assert finding.status == Status.REPORTED and finding.grid_cell is None
    # Unplaced, it may lie outside what the reporter sees: then the list, never a 404 detail page.
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] in (detail_url(finding), LIST)


@pytest.mark.parametrize("persona", ["leader", "unit_staff", "volunteer"])
def test_other_roles_get_403_on_the_report_page(request, client, geo, category, persona):
    as_user(client, request.getfixturevalue(persona))
    assert client.get(REPORT).status_code == 403
    assert client.post(REPORT, report_data(category)).status_code == 403
    assert not Finding.objects.exists()


# --- battle map ----------------------------------------------------------------------------


def test_map_shades_cells_by_their_open_findings(client, geo, street_staff, category):
    in_cell(geo, category)
    in_cell(geo, category, status=Status.RECTIFYING)
    in_cell(geo, category, status=Status.CLOSED)
    FindingFactory(grid_cell=geo.sibling_cell, category=category)
    response = as_user(client, street_staff).get(MAP)
    assert response.status_code == 200
    data = response.context["map_data"]
    cells = {cell["code"]: cell["open"] for cell in data["cells"]}
    assert cells == {geo.cell.code: 2, geo.sibling_cell.code: 1}
    assert len(data["markers"]) == 3
    assert data["cells"][0]["boundary"] == geo.cell.boundary
    html = response.content.decode()
    assert 'id="battle-map-data" type="application/json"' in html and "js/findings-map.js" in html
    assert "<script>" not in html  # no inline script: only json_script data and script files


def test_map_respects_scope(client, geo, other_street_staff, category):
    in_cell(geo, category)
    theirs = in_other_street(geo, category)
    data = as_user(client, other_street_staff).get(MAP).context["map_data"]
    assert [cell["code"] for cell in data["cells"]] == [geo.other_cell.code]
    assert [marker["code"] for marker in data["markers"]] == [theirs.code]


def test_map_applies_the_list_filters(client, geo, street_staff, category):
    late = in_cell(geo, category, reported_at=timezone.now() - timedelta(hours=30))
    in_cell(geo, category)
    data = as_user(client, street_staff).get(MAP, {"overdue": "true"}).context["map_data"]
    assert [(m["code"], m["overdue"]) for m in data["markers"]] == [(late.code, True)]
    assert {cell["code"]: cell["open"] for cell in data["cells"]}[geo.cell.code] == 1


def test_map_query_count_does_not_grow_with_the_findings(client, geo, street_staff, category):
    as_user(client, street_staff)

    def queries(count):
        for _ in range(count):
            in_cell(geo, category)
        with CaptureQueriesContext(connection) as captured:
            client.get(MAP)
        return len(captured)

    few = queries(3)
    assert few == queries(30)


def test_unit_staff_who_declines_goes_back_to_the_list(client, geo, unit_staff, unit_category):
    finding = in_cell(geo, unit_category, responsible_unit=geo.unit)
    response = as_user(client, unit_staff).post(act_url(finding, "decline"), {"reason": "不属于本单位"})
    # Declined, the finding has left the unit's scope: the list, not a 404 detail page.
    assert response.status_code == 302 and response.url == LIST
    finding.refresh_from_db()
    assert finding.status == Status.REPORTED and finding.responsible_unit is None


@time_machine.travel(NOW, tick=False)
def test_a_late_closure_says_so_with_its_lateness_on_the_list_and_the_page(client, geo, street_staff, category):
    reported = NOW - timedelta(days=40)
    late = in_cell(
        geo,
        category,
        reported_at=reported,
        status=Status.CLOSED,
        closed_at=reported + timedelta(days=35, hours=2),
    )
    on_time = in_cell(geo, category, reported_at=NOW - timedelta(hours=20), status=Status.CLOSED, closed_at=NOW)
    as_user(client, street_staff)
    rows = {f.code: f.deadline for f in client.get(LIST).context["page"].object_list}
    assert (rows[late.code].text, rows[late.code].css) == ("closed late, 34 days 2 hours overdue", "late")
    assert rows[on_time.code].text == "closed on time"
    page = client.get(detail_url(late)).content.decode()
    assert "closed late, 34 days 2 hours overdue" in page


def test_the_photos_come_before_the_decision_on_the_page(client, geo, street_staff, category):
    finding = in_cell(geo, category, status=Status.SUBMITTED)
    html = as_user(client, street_staff).get(detail_url(finding)).content.decode()
    assert html.index('id="photos-title"') < html.index('id="actions-title"')


def test_a_bad_filter_is_named_by_its_label_not_its_parameter(client, geo, street_staff):
    html = as_user(client, street_staff).get(LIST, {"reported_after": "yesterday"}).content.decode()
    assert "Reported after: Enter a valid date/time." in html and "reported_after:" not in html
