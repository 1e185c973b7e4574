"""The findings API (/api/v1/): scope, roles, the workflow's actions, filters and the query budget."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey
from inspections.models import Category, Finding, FindingEvent, FindingPhoto
from tests.factories import FindingFactory, photo

Status = Finding.Status
INSIDE = {"lat": 36.655, "lng": 116.995}  # in geo.cell (乐山小区第一网格)
IN_OTHER_CELL = {"lat": 36.665, "lng": 116.985}  # in geo.other_cell, the second street
FINDING_FIELDS = {
    "code",
    "status",
    "source",
    "category",
    "description",
    "address",
    "lat",
    "lng",
    "grid",
    "community",
    "street",
    "district",
    "responsible_unit",
    "reported_at",
    "deadline_at",
    "is_overdue",
    "escalation_level",
    "external_ref",
}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def login(api):
    def log_in(user):
        api.force_login(user)
        return api

    return log_in


def url(finding=None, action=None) -> str:
    if finding is None:
        return "/api/v1/findings/"
    return f"/api/v1/findings/{finding.code}/" + (f"{action}/" if action else "")


def finding_in(geo, category, **fields):
    return FindingFactory(grid_cell=geo.cell, category=category, **fields)


def kinds(finding):
    return list(FindingEvent.objects.filter(finding=finding).values_list("kind", flat=True))


def codes(response):
    return sorted(row["code"] for row in response.json()["results"])


# --- list and detail -----------------------------------------------------------------------


def test_list_shows_only_findings_in_the_users_scope(geo, category, login, street_staff):
    mine = finding_in(geo, category)
    FindingFactory(grid_cell=geo.other_cell, category=category)
    response = login(street_staff).get(url())
    assert response.status_code == 200
    assert codes(response) == [mine.code]


def test_list_rows_carry_the_findings_fields_with_codes(geo, category, login, street_staff):
    finding_in(geo, category)
    (row,) = login(street_staff).get(url()).json()["results"]
    assert set(row) == FINDING_FIELDS
    assert (row["category"], row["grid"], row["community"], row["street"], row["district"]) == (
        "exposed-garbage",
        geo.cell.code,
        geo.community.code,
        geo.street.code,
        geo.district.code,
    )
    assert row["is_overdue"] is False


def test_a_person_without_a_role_sees_an_empty_list(geo, category, login, stranger):
    finding_in(geo, category)
    response = login(stranger).get(url())
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_anonymous_list_request_is_refused(geo, api):
    assert api.get(url()).status_code == 403


def test_a_hotline_key_cannot_read_the_findings_list(geo, api):
    _row, key = ApiKey.objects.create_key(name="12345", scope=ApiKey.Scope.HOTLINE, district=geo.district)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api.get(url()).status_code == 403


def test_other_street_staff_gets_404_for_a_finding_of_the_first_street(geo, category, login, other_street_staff):
    finding = finding_in(geo, category)
    assert login(other_street_staff).get(url(finding)).status_code == 404


def test_detail_shows_events_and_photos(geo, category, login, grid_worker, street_staff):
    created = login(grid_worker).post(
        url(),
        {"category": category.code, "description": "楼道堆放杂物", **INSIDE, "photos": [photo("before.jpg")]},
        format="multipart",
    )
    body = login(street_staff).get(url(Finding.objects.get(code=created.json()["code"]))).json()
    assert [(e["kind"], e["actor"]) for e in body["events"]] == [("reported", "grid_worker"), ("dispatched", None)]
    assert set(body["events"][0]) == {"kind", "actor", "from_status", "to_status", "note", "at"}
    (picture,) = body["photos"]
    assert set(picture) == {"stage", "image", "thumbnail", "taken_at", "gps_lat", "gps_lng"}
    assert picture["stage"] == "before"
    code = created.json()["code"]
    assert picture["image"].startswith(f"http://testserver/findings/{code}/photos/")
    assert picture["thumbnail"].endswith("/thumbnail/")


# --- reporting -----------------------------------------------------------------------------


def report(client, category, **fields):
    return client.post(url(), {"category": category.code, "description": "楼道堆放杂物", **INSIDE, **fields})


def test_grid_worker_reports_with_a_photo_and_it_is_dispatched_at_once(geo, category, login, grid_worker):
    response = login(grid_worker).post(
        url(),
        {"category": category.code, "description": "楼道堆放杂物", **INSIDE, "photos": [photo("before.jpg")]},
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["source"], body["grid"]) == ("dispatched", "grid_patrol", geo.cell.code)
    assert len(body["photos"]) == 1


def test_reporter_may_name_the_source(geo, category, login, supervisor):
    response = report(login(supervisor), category, source="undercover", format="json")
    assert response.status_code == 201
    assert response.json()["source"] == "undercover"


def test_a_person_cannot_report_as_the_hotline(geo, category, login, supervisor):
    response = report(login(supervisor), category, source="hotline")
    assert response.status_code == 400
    assert "source" in response.json()
    assert not Finding.objects.exists()


def test_leader_cannot_report(geo, category, login, leader):
    response = report(login(leader), category)
    assert response.status_code == 403
    assert not Finding.objects.exists()


def test_grid_worker_cannot_report_outside_their_cells(geo, category, login, grid_worker):
    response = report(login(grid_worker), category, **IN_OTHER_CELL)
    assert response.status_code == 403
    assert not Finding.objects.exists()


def test_unknown_category_is_a_400_on_category(geo, category, login, supervisor):
    response = login(supervisor).post(url(), {"category": "no-such", "description": "x", **INSIDE})
    assert response.status_code == 400
    assert list(response.json()) == ["category"]
    assert not Finding.objects.exists()


def test_missing_fields_are_a_400_naming_each(geo, login, supervisor):
    response = login(supervisor).post(url(), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"category", "description"}


def test_bad_json_is_a_400(geo, login, supervisor):
    response = login(supervisor).post(url(), "{not json", content_type="application/json")
    assert response.status_code == 400
    assert not Finding.objects.exists()


def test_a_point_outside_the_grid_is_a_400_on_lat(geo, category, login, supervisor):
    response = report(login(supervisor), category, lat=30.0, lng=120.0)
    assert response.status_code == 400
    assert "lat" in response.json()
    assert not Finding.objects.exists()


def test_a_file_that_is_not_an_image_is_a_400_on_photos(geo, category, login, grid_worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = report(login(grid_worker), category, photos=[fake], format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["photos"]
    assert not Finding.objects.exists() and not FindingPhoto.objects.exists()


def test_photos_that_are_not_files_are_a_400_on_photos(geo, category, login, supervisor):
    response = report(login(supervisor), category, photos=["not a file"], format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["photos"] and isinstance(response.json()["photos"][0], str)
    assert not Finding.objects.exists()


# --- the loop through the API --------------------------------------------------------------


def test_whole_loop_through_the_api_by_the_right_roles(
    geo, category, grid_worker, community_worker, street_staff, django_user_model
):
    reporter, worker, dispatcher = APIClient(), APIClient(), APIClient()
    reporter.force_login(grid_worker)
    worker.force_login(community_worker)
    dispatcher.force_login(street_staff)

    created = reporter.post(
        url(),
        {"category": category.code, "description": "楼道堆放杂物", **INSIDE, "photos": [photo("before.jpg")]},
        format="multipart",
    )
    assert created.status_code == 201
    finding = Finding.objects.get(code=created.json()["code"])

    acknowledged = worker.post(url(finding, "acknowledge"), {})
    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "rectifying"
    submitted = worker.post(
        url(finding, "submit"), {"note": "已清理", "photos": [photo("after.jpg")]}, format="multipart"
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    verified = dispatcher.post(url(finding, "verify"), {"note": "核查通过"})
    assert verified.status_code == 200 and verified.json()["status"] == "closed"

    body = dispatcher.get(url(finding)).json()
    assert [(e["kind"], e["actor"]) for e in body["events"]] == [
        ("reported", "grid_worker"),
        ("dispatched", None),
        ("acknowledged", "community_worker"),
        ("submitted", "community_worker"),
        ("verified", "street_staff"),
    ]
    assert [p["stage"] for p in body["photos"]] == ["before", "after"]


# Each action on a finding in the status it starts from, with input that would be accepted.
ACTIONS = [
    ("dispatch", Status.REPORTED, lambda geo, original: {"community": geo.community.code}),
    ("reassign", Status.DISPATCHED, lambda geo, original: {"community": geo.sibling_community.code, "reason": "x"}),
    ("acknowledge", Status.DISPATCHED, lambda geo, original: {}),
    ("submit", Status.RECTIFYING, lambda geo, original: {"note": "已清理"}),
    ("verify", Status.SUBMITTED, lambda geo, original: {}),
    ("return", Status.SUBMITTED, lambda geo, original: {"reason": "仍有垃圾"}),
    ("decline", Status.DISPATCHED, lambda geo, original: {"reason": "不属于本社区"}),
    ("mark-invalid", Status.DISPATCHED, lambda geo, original: {"reason": "不是问题"}),
    ("mark-duplicate", Status.DISPATCHED, lambda geo, original: {"original": original.code}),
    ("photos", Status.DISPATCHED, lambda geo, original: {"stage": "before", "image": photo()}),
]


@pytest.mark.parametrize(("action", "status", "payload"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_other_street_staff_gets_404_for_every_action(
    geo, category, login, other_street_staff, action, status, payload
):
    finding = finding_in(geo, category, status=status)
    original = finding_in(geo, category)
    response = login(other_street_staff).post(url(finding, action), payload(geo, original), format="multipart")
    assert response.status_code == 404
    finding.refresh_from_db()
    assert finding.status == status and not kinds(finding)


@pytest.mark.parametrize(("action", "status", "payload"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_leader_gets_403_for_every_action(geo, category, login, leader, action, status, payload):
    finding = finding_in(geo, category, status=status)
    original = finding_in(geo, category)
    response = login(leader).post(url(finding, action), payload(geo, original), format="multipart")
    assert response.status_code == 403
    assert response.json()["detail"]
    finding.refresh_from_db()
    assert finding.status == status and not kinds(finding)
    assert not FindingPhoto.objects.exists()


def test_acting_on_the_wrong_status_is_a_409_with_a_message(geo, category, login, street_staff):
    finding = finding_in(geo, category, status=Status.DISPATCHED)
    response = login(street_staff).post(url(finding, "verify"), {})
    assert response.status_code == 409
    assert list(response.json()) == ["detail"] and response.json()["detail"]
    assert not kinds(finding)


def test_dispatch_sends_a_waiting_finding_to_a_community_by_code(geo, category, login, street_staff):
    finding = finding_in(geo, category, status=Status.REPORTED)
    response = login(street_staff).post(url(finding, "dispatch"), {"community": geo.sibling_community.code})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["community"]) == ("dispatched", geo.sibling_community.code)


def test_dispatch_by_grid_code_places_the_finding_in_that_cell(geo, category, login, street_staff):
    finding = finding_in(geo, category, status=Status.REPORTED)
    response = login(street_staff).post(url(finding, "dispatch"), {"grid": geo.sibling_cell.code})
    assert response.status_code == 200
    assert response.json()["grid"] == geo.sibling_cell.code


def test_dispatch_with_an_unknown_code_is_a_400_on_that_field(geo, category, login, street_staff):
    finding = finding_in(geo, category, status=Status.REPORTED)
    response = login(street_staff).post(url(finding, "dispatch"), {"unit": "NOPE"})
    assert response.status_code == 400
    assert list(response.json()) == ["unit"]
    assert "NOPE" in response.json()["unit"][0]


def test_dispatch_without_a_target_is_a_400(geo, category, login, street_staff):
    finding = finding_in(geo, category, status=Status.REPORTED)
    response = login(street_staff).post(url(finding, "dispatch"), {})
    assert response.status_code == 400
    assert list(response.json()) == ["community"]


def test_dispatch_to_a_community_of_another_street_is_a_400(geo, category, login, street_staff):
    finding = finding_in(geo, category, status=Status.REPORTED)
    response = login(street_staff).post(url(finding, "dispatch"), {"community": geo.other_community.code})
    assert response.status_code == 400
    assert list(response.json()) == ["community"]
    finding.refresh_from_db()
    assert finding.status == Status.REPORTED


def test_reassign_to_a_unit_by_code(geo, category, login, street_staff):
    finding = finding_in(geo, category)
    response = login(street_staff).post(url(finding, "reassign"), {"unit": geo.unit.code, "reason": "城管职责"})
    assert response.status_code == 200
    assert response.json()["responsible_unit"] == geo.unit.code


def test_submit_without_an_after_photo_is_a_400_on_photos(geo, category, login, community_worker):
    finding = finding_in(geo, category, status=Status.RECTIFYING)
    response = login(community_worker).post(url(finding, "submit"), {"note": "已清理"})
    assert response.status_code == 400
    assert list(response.json()) == ["photos"]
    finding.refresh_from_db()
    assert finding.status == Status.RECTIFYING


def test_return_without_a_reason_is_a_400_on_reason(geo, category, login, street_staff):
    finding = finding_in(geo, category, status=Status.SUBMITTED)
    response = login(street_staff).post(url(finding, "return"), {})
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]


def test_return_sends_the_fix_back_for_rework(geo, category, login, street_staff):
    finding = finding_in(geo, category, status=Status.SUBMITTED)
    response = login(street_staff).post(url(finding, "return"), {"reason": "仍有垃圾"})
    assert response.status_code == 200
    assert response.json()["status"] == "rectifying"
    assert response.json()["events"][-1]["note"] == "仍有垃圾"


def test_decline_sends_it_back_to_the_street(geo, category, login, community_worker):
    finding = finding_in(geo, category)
    response = login(community_worker).post(url(finding, "decline"), {"reason": "不属于本社区"})
    assert response.status_code == 200
    assert response.json()["status"] == "reported"


def test_mark_invalid_closes_it_with_the_reason(geo, category, login, street_staff):
    finding = finding_in(geo, category)
    response = login(street_staff).post(url(finding, "mark-invalid"), {"reason": "已不存在"})
    assert response.status_code == 200
    assert response.json()["status"] == "invalid"


def test_mark_duplicate_names_the_original_by_code(geo, category, login, street_staff):
    original, copy = finding_in(geo, category), finding_in(geo, category)
    response = login(street_staff).post(url(copy, "mark-duplicate"), {"original": original.code})
    assert response.status_code == 200
    copy.refresh_from_db()
    assert copy.status == Status.DUPLICATE and copy.duplicate_of == original


def test_mark_duplicate_of_a_finding_out_of_scope_is_a_400_on_original(geo, category, login, street_staff):
    copy = finding_in(geo, category)
    elsewhere = FindingFactory(grid_cell=geo.other_cell, category=category)
    response = login(street_staff).post(url(copy, "mark-duplicate"), {"original": elsewhere.code})
    assert response.status_code == 400
    assert list(response.json()) == ["original"]


def test_a_photo_is_added_to_a_finding(geo, category, login, street_staff):
    finding = finding_in(geo, category)
    response = login(street_staff).post(
        url(finding, "photos"), {"stage": "before", "image": photo()}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["stage"] == "before" and f"/findings/{finding.code}/photos/" in response.json()["image"]
    assert kinds(finding) == ["photo_added"]


def test_a_photo_with_an_unknown_stage_is_a_400_on_stage(geo, category, login, street_staff):
    finding = finding_in(geo, category)
    response = login(street_staff).post(
        url(finding, "photos"), {"stage": "during", "image": photo()}, format="multipart"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["stage"]


def test_a_photo_that_is_not_an_image_is_a_400_on_image(geo, category, login, street_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    finding = finding_in(geo, category)
    fake = SimpleUploadedFile("photo.jpg", b"GIF89a-ish but not really", content_type="image/jpeg")
    response = login(street_staff).post(url(finding, "photos"), {"stage": "before", "image": fake}, format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["image"]
    assert not FindingPhoto.objects.exists()


def test_an_action_on_an_unknown_code_is_a_404(geo, login, street_staff):
    assert login(street_staff).post("/api/v1/findings/370103-20991231-9999/verify/", {}).status_code == 404


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def two_findings(geo, category, unit_category):
    """One finding in each street, different in every filtered respect."""
    now = timezone.now()
    first = FindingFactory(
        grid_cell=geo.cell,
        category=category,
        source=Finding.Source.GRID_PATROL,
        status=Status.DISPATCHED,
        code="370103-20260101-0001",
        address="乐山小区3号楼",
        reported_at=now - timedelta(hours=30),  # past its 24-hour deadline
    )
    second = FindingFactory(
        grid_cell=geo.other_cell,
        category=unit_category,
        responsible_unit=geo.unit,
        source=Finding.Source.HOTLINE,
        external_ref="T-1",
        status=Status.RECTIFYING,
        code="370103-20260102-0002",
        address="魏家庄东街",
        reported_at=now - timedelta(hours=1),
    )
    return first, second


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "dispatched"}, "first"),
        ({"status": ["rectifying", "closed"]}, "second"),
        ({"source": "grid_patrol"}, "first"),
        ({"category": "road-occupation"}, "second"),
        ({"street": "370103001"}, "first"),
        ({"community": "370103002001"}, "second"),
        ({"grid": "370103001001001"}, "first"),
        ({"unit": "CGJ"}, "second"),
        ({"overdue": "true"}, "first"),
        ({"overdue": "false"}, "second"),
        ({"q": "20260102"}, "second"),
        ({"q": "乐山小区"}, "first"),
    ],
)
def test_each_filter_selects_its_findings(two_findings, login, supervisor, query, expected):
    first, second = two_findings
    response = login(supervisor).get(url(), query)
    assert response.status_code == 200
    assert codes(response) == [{"first": first, "second": second}[expected].code]


def test_reported_after_and_before_bound_the_report_time(two_findings, login, supervisor):
    first, second = two_findings
    middle = (timezone.now() - timedelta(hours=10)).isoformat()
    client = login(supervisor)
    assert codes(client.get(url(), {"reported_after": middle})) == [second.code]
    assert codes(client.get(url(), {"reported_before": middle})) == [first.code]


def test_a_filter_with_an_unknown_code_finds_nothing(two_findings, login, supervisor):
    response = login(supervisor).get(url(), {"category": "no-such"})
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"reported_after": "yesterday"}, {"q": "a\x00"}])
def test_a_malformed_filter_is_a_400(two_findings, login, supervisor, query):
    response = login(supervisor).get(url(), query)
    assert response.status_code == 400


# --- pagination and the query budget -------------------------------------------------------


def test_the_list_is_paginated_with_a_count(geo, category, login, supervisor):
    FindingFactory.create_batch(51, grid_cell=geo.cell, category=category)
    body = login(supervisor).get(url()).json()
    assert body["count"] == 51
    assert len(body["results"]) == 50 and body["next"]
    assert len(login(supervisor).get(url(), {"page": 2}).json()["results"]) == 1


def test_the_lists_query_count_is_pinned(
    geo, category, unit_category, login, street_staff, django_assert_max_num_queries
):
    FindingFactory.create_batch(15, grid_cell=geo.cell, category=category)
    FindingFactory.create_batch(15, grid_cell=geo.cell, category=unit_category, responsible_unit=geo.unit)
    client = login(street_staff)
    # Session, user, memberships, count, page.
    with django_assert_max_num_queries(5):
        assert client.get(url()).status_code == 200


def test_the_lists_query_count_does_not_grow_from_3_to_30_findings(geo, category, unit_category, login, street_staff):
    client = login(street_staff)

    def queries_for_the_list():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url()).status_code == 200
        return len(captured)

    FindingFactory.create_batch(3, grid_cell=geo.cell, category=category, responsible_unit=geo.unit)
    with_3 = queries_for_the_list()
    FindingFactory.create_batch(27, grid_cell=geo.sibling_cell, category=unit_category, responsible_unit=geo.unit)
    assert client.get(url()).json()["count"] == 30
    assert queries_for_the_list() == with_3


# --- categories and the grid ---------------------------------------------------------------


def test_categories_list_their_deadlines_and_responsible_unit_by_code(geo, category, unit_category, login, grid_worker):
    Category.objects.create(code="retired", name="旧类别", is_active=False)
    response = login(grid_worker).get("/api/v1/categories/")
    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "exposed-garbage",
            "name": "暴露垃圾",
            "deadline_hours": 24,
            "ack_minutes": 60,
            "responsible": "community",
            "unit": None,
        },
        {
            "code": "road-occupation",
            "name": "占道经营",
            "deadline_hours": 24,
            "ack_minutes": 60,
            "responsible": "unit",
            "unit": "CGJ",
        },
    ]


def test_anonymous_categories_request_is_refused(geo, api):
    assert api.get("/api/v1/categories/").status_code == 403


def feature_codes(response):
    return sorted(f["properties"]["code"] for f in response.json()["features"])


def test_grid_cells_are_a_feature_collection_of_the_users_scope(geo, login, street_staff):
    response = login(street_staff).get("/api/v1/geo/grid-cells/")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert feature_codes(response) == [geo.cell.code, geo.sibling_cell.code]
    feature = next(f for f in body["features"] if f["properties"]["code"] == geo.cell.code)
    assert feature["geometry"] == geo.cell.boundary
    assert feature["properties"] == {
        "code": geo.cell.code,
        "name": geo.cell.name,
        "community": geo.community.code,
        "street": geo.street.code,
    }


def test_grid_cells_filter_by_street_and_community(geo, login, leader):
    client = login(leader)
    assert feature_codes(client.get("/api/v1/geo/grid-cells/", {"street": geo.other_street.code})) == [
        geo.other_cell.code
    ]
    assert feature_codes(client.get("/api/v1/geo/grid-cells/", {"community": geo.community.code})) == [
        geo.cell.code,
        geo.sibling_cell.code,
    ]


def test_grid_cells_of_another_street_are_not_shown(geo, login, other_street_staff):
    response = login(other_street_staff).get("/api/v1/geo/grid-cells/", {"street": geo.street.code})
    assert response.status_code == 200
    assert response.json()["features"] == []


def test_a_grid_cell_filter_with_a_nul_byte_is_a_400(geo, login, leader):
    assert login(leader).get("/api/v1/geo/grid-cells/", {"street": "37\x00"}).status_code == 400


def test_anonymous_grid_cells_request_is_refused(geo, api):
    assert api.get("/api/v1/geo/grid-cells/").status_code == 403


# --- schema and docs -----------------------------------------------------------------------


def test_the_schema_describes_the_findings_endpoints(db, api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/findings/", "/api/v1/findings/{code}/verify/", "/api/v1/hotline/tickets/"} <= set(paths)


def test_the_docs_page_loads_its_assets_from_this_server_only(db, api):
    response = api.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    assert all(asset.startswith("/static/") for asset in assets), assets
    assert "cdn" not in html.lower()
    # ...and each of them is a file this project serves (the sidecar package ships them).
    assert all(finders.find(asset.removeprefix("/static/")) for asset in assets)
