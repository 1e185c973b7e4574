"""The 12345 hotline's intake and polling (/api/v1/hotline/tickets/), authenticated by an API key."""

import io
import struct
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey
from inspections.models import Finding, FindingEvent, FindingPhoto
from tests.factories import CommunityFactory, DistrictFactory, FindingFactory, GridCellFactory, StreetFactory, photo
from tests.factories import square as square_at

TICKETS = "/api/v1/hotline/tickets/"


def ticket(**overrides) -> dict:
    return {
        "ticket_no": "T2026-0001",
        "category": "exposed-garbage",
        "description": "路边有垃圾",
        "lat": 36.655,  # in geo.cell
        "lng": 116.995,
        "reported_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        **overrides,
    }


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def hotline_key(geo):
    _row, key = ApiKey.objects.create_key(name="12345热线", scope=ApiKey.Scope.HOTLINE, district=geo.district)
    return key


@pytest.fixture
def hotline_client(hotline_key):
    return key_client(hotline_key)


def png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A PNG of a few hundred bytes whose header claims ``width`` x ``height`` 1-bit pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # bit depth 1, greyscale
    rows = zlib.compress(b"\x00" * (1 + width // 8) * 8)  # a few rows; only the header matters
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


# --- intake --------------------------------------------------------------------------------


def test_first_delivery_creates_the_finding_with_201(geo, category, hotline_client):
    response = hotline_client.post(TICKETS, ticket(), format="json")
    assert response.status_code == 201
    finding = Finding.objects.get()
    assert (finding.source, finding.external_ref, finding.reporter) == ("hotline", "T2026-0001", None)
    assert (finding.district, finding.grid_cell, finding.status) == (geo.district, geo.cell, "dispatched")
    assert response.json()["code"] == finding.code and response.json()["ticket_no"] == "T2026-0001"
    assert finding.events.get(kind="reported").actor is None


def test_the_deadline_counts_from_the_hotlines_report_time(geo, category, hotline_client):
    reported_at = timezone.now() - timedelta(hours=3)
    hotline_client.post(TICKETS, ticket(reported_at=reported_at.isoformat()), format="json")
    finding = Finding.objects.get()
    assert finding.reported_at == reported_at
    assert finding.deadline_at == reported_at + timedelta(hours=24)


def test_a_repeat_answers_200_with_the_same_finding_and_changes_nothing(geo, category, hotline_client):
    first = hotline_client.post(TICKETS, ticket(), format="json")
    before = Finding.objects.values().get()
    events = FindingEvent.objects.count()
    # The repeat even says something else: the ticket is answered as it was taken in.
    repeat = hotline_client.post(TICKETS, ticket(description="别的描述", media=[photo()]), format="multipart")
    assert repeat.status_code == 200
    assert repeat.json()["code"] == first.json()["code"]
    assert Finding.objects.values().get() == before
    assert FindingEvent.objects.count() == events and not FindingPhoto.objects.exists()


def test_a_ticket_stored_between_the_check_and_the_insert_is_answered_with_200(
    geo, category, hotline_client, monkeypatch
):
    from inspections import intake

    real_lookup = intake.taken_in
    lookups = []

    def misses_the_first_time(source, ref):
        lookups.append(ref)
        return None if len(lookups) == 1 else real_lookup(source, ref)

    # Another delivery of the same ticket got in after this one looked: the insert hits the
    # unique (source, external_ref) constraint.
    winner = FindingFactory(grid_cell=geo.cell, category=category, source="hotline", external_ref="T2026-0001")
    monkeypatch.setattr(intake, "taken_in", misses_the_first_time)
    response = hotline_client.post(TICKETS, ticket(), format="json")
    assert response.status_code == 200
    assert response.json()["code"] == winner.code
    assert len(lookups) == 2  # the miss, then the look-up after the IntegrityError
    assert Finding.objects.count() == 1


def test_media_are_stored_as_before_photos(geo, category, hotline_client):
    response = hotline_client.post(TICKETS, ticket(media=[photo("a.jpg"), photo("b.png")]), format="multipart")
    assert response.status_code == 201
    assert [p["stage"] for p in response.json()["photos"]] == ["before", "before"]


def test_an_address_without_a_point_waits_for_a_dispatcher(geo, category, hotline_client):
    response = hotline_client.post(TICKETS, ticket(lat=None, lng=None, address="乐山小区3号楼"), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "reported" and response.json()["district"] == geo.district.code


def test_a_key_without_a_district_takes_tickets_for_the_only_district(geo, category):
    _row, key = ApiKey.objects.create_key(name="12345", scope=ApiKey.Scope.HOTLINE)
    response = key_client(key).post(TICKETS, ticket(lat=None, lng=None, address="乐山小区3号楼"), format="json")
    assert response.status_code == 201
    assert Finding.objects.get().district == geo.district


# --- refusals: nothing is stored -----------------------------------------------------------


def test_a_wrong_key_is_401_with_the_scheme_to_use(geo, category):
    response = key_client("abcdefgh.not-the-secret").post(TICKETS, ticket(), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert not Finding.objects.exists()


def test_a_missing_key_is_401_with_the_scheme_to_use(geo, category, api_client_without_key):
    response = api_client_without_key.post(TICKETS, ticket(), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert not Finding.objects.exists()


@pytest.fixture
def api_client_without_key():
    return APIClient()


def test_a_logged_in_person_without_a_key_is_401(geo, category, street_staff):
    client = APIClient()
    client.force_login(street_staff)
    assert client.post(TICKETS, ticket(), format="json").status_code == 401
    assert not Finding.objects.exists()


def test_a_revoked_key_is_401(geo, category):
    row, key = ApiKey.objects.create_key(name="12345", scope=ApiKey.Scope.HOTLINE, district=geo.district)
    row.revoked = True
    row.save()
    assert key_client(key).post(TICKETS, ticket(), format="json").status_code == 401
    assert not Finding.objects.exists()


def test_an_expired_key_is_401(geo, category):
    _row, key = ApiKey.objects.create_key(
        name="12345", scope=ApiKey.Scope.HOTLINE, district=geo.district, expiry_date=timezone.now() - timedelta(days=1)
    )
    assert key_client(key).post(TICKETS, ticket(), format="json").status_code == 401
    assert not Finding.objects.exists()


def test_a_key_of_another_scope_is_403(geo, category):
    _row, key = ApiKey.objects.create_key(name="open311", scope="open311", source="snapshot", district=geo.district)
    response = key_client(key).post(TICKETS, ticket(), format="json")
    assert response.status_code == 403
    assert not Finding.objects.exists()


def test_an_unknown_category_is_400_on_category(geo, category, hotline_client):
    response = hotline_client.post(TICKETS, ticket(category="no-such"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["category"]
    assert "no-such" in response.json()["category"][0]
    assert not Finding.objects.exists()


def test_coordinates_outside_the_grid_are_400(geo, category, hotline_client):
    response = hotline_client.post(TICKETS, ticket(lat=30.0, lng=120.0), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["lat"]
    assert not Finding.objects.exists()


def test_coordinates_in_another_districts_grid_are_400(geo, category, hotline_client):
    district = DistrictFactory(code="370104", name="槐荫区")
    community = CommunityFactory(street=StreetFactory(district=district))
    GridCellFactory(community=community, boundary=square_at(117.10, 36.70))
    response = hotline_client.post(TICKETS, ticket(lat=36.705, lng=117.105), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["lat"]
    assert not Finding.objects.exists()


def test_missing_fields_are_400_naming_each(geo, category, hotline_client):
    response = hotline_client.post(TICKETS, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"ticket_no", "category", "description", "reported_at"}
    assert not Finding.objects.exists()


def test_a_ticket_without_any_location_is_400_on_address(geo, category, hotline_client):
    response = hotline_client.post(TICKETS, ticket(lat=None, lng=None), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["address"]
    assert not Finding.objects.exists()


def test_a_report_time_in_the_future_is_400(geo, category, hotline_client):
    future = (timezone.now() + timedelta(days=1)).isoformat()
    response = hotline_client.post(TICKETS, ticket(reported_at=future), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["reported_at"]
    assert not Finding.objects.exists()


@pytest.mark.parametrize("reported_at", ["0001-01-01T00:00:00", "1999-12-31T23:00:00Z", "yesterday"])
def test_a_report_time_out_of_range_is_400(geo, category, hotline_client, reported_at):
    response = hotline_client.post(TICKETS, ticket(reported_at=reported_at), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["reported_at"]
    assert not Finding.objects.exists()


def test_bad_json_is_400(geo, category, hotline_client):
    response = hotline_client.post(TICKETS, '{"ticket_no": ', content_type="application/json")
    assert response.status_code == 400
    assert not Finding.objects.exists()


def test_a_ticket_number_that_cannot_be_polled_is_400(geo, category, hotline_client):
    response = hotline_client.post(TICKETS, ticket(ticket_no="T/2026 1"), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["ticket_no"]


def test_a_file_that_is_not_an_image_renamed_jpg_is_400_on_media(geo, category, hotline_client):
    fake = SimpleUploadedFile("scan.jpg", b"%PDF-1.4\n" + b"x" * 2000, content_type="image/jpeg")
    response = hotline_client.post(TICKETS, ticket(media=[photo(), fake]), format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["media"]
    assert "scan.jpg" in response.json()["media"][0]
    assert not Finding.objects.exists() and not FindingPhoto.objects.exists()


def test_a_photo_over_10_mb_is_400_on_media(geo, category, hotline_client):
    huge = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024), content_type="image/jpeg")
    response = hotline_client.post(TICKETS, ticket(media=[huge]), format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["media"]
    assert not Finding.objects.exists()


def test_a_decompression_bomb_is_400_on_media(geo, category, hotline_client):
    bomb = png_bomb()
    assert len(bomb) < 10_000  # small on the wire, 400 megapixels once decoded
    upload = SimpleUploadedFile("bomb.png", bomb, content_type="image/png")
    response = hotline_client.post(TICKETS, ticket(media=[upload]), format="multipart")
    assert response.status_code == 400
    assert list(response.json()) == ["media"]
    assert not Finding.objects.exists()


def test_a_ticket_number_of_another_districts_finding_is_a_conflict(geo, category, hotline_client):
    district = DistrictFactory(code="370104", name="槐荫区")
    cell = GridCellFactory(community=CommunityFactory(street=StreetFactory(district=district)))
    FindingFactory(grid_cell=cell, category=category, source="hotline", external_ref="T2026-0001")
    response = hotline_client.post(TICKETS, ticket(), format="json")
    assert response.status_code == 409
    assert Finding.objects.count() == 1


# --- polling -------------------------------------------------------------------------------


def test_the_hotline_polls_the_status_and_events_of_its_ticket(geo, category, hotline_client, community_worker):
    hotline_client.post(TICKETS, ticket(), format="json")
    from inspections import workflow

    workflow.acknowledge_finding(actor=community_worker, finding=Finding.objects.get())
    response = hotline_client.get(f"{TICKETS}T2026-0001/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "rectifying"
    assert [e["kind"] for e in body["events"]] == ["reported", "dispatched", "acknowledged"]
    # The hotline learns what happened, not which official did it.
    assert "actor" not in body["events"][0]


def test_polling_an_unknown_ticket_is_404(geo, hotline_client):
    assert hotline_client.get(f"{TICKETS}T-404/").status_code == 404


def test_polling_another_districts_ticket_is_404(geo, category, hotline_client):
    district = DistrictFactory(code="370104", name="槐荫区")
    cell = GridCellFactory(community=CommunityFactory(street=StreetFactory(district=district)))
    FindingFactory(grid_cell=cell, category=category, source="hotline", external_ref="T-ELSEWHERE")
    assert hotline_client.get(f"{TICKETS}T-ELSEWHERE/").status_code == 404


def test_polling_without_a_key_is_401(geo, category, hotline_client):
    hotline_client.post(TICKETS, ticket(), format="json")
    assert APIClient().get(f"{TICKETS}T2026-0001/").status_code == 401


def test_polling_with_a_key_of_another_scope_is_403(geo, category, hotline_client):
    hotline_client.post(TICKETS, ticket(), format="json")
    _row, key = ApiKey.objects.create_key(name="open311", scope="open311", source="snapshot", district=geo.district)
    assert key_client(key).get(f"{TICKETS}T2026-0001/").status_code == 403


# --- issue_api_key -------------------------------------------------------------------------


def issue(*args) -> str:
    out = io.StringIO()
    call_command("issue_api_key", *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_issue_api_key_prints_a_key_that_authenticates(geo, category):
    key = issue("--name", "12345热线", "--scope", "hotline", "--district", "370103")
    assert key_client(key).post(TICKETS, ticket(), format="json").status_code == 201


def test_the_issued_keys_row_holds_only_a_hash(geo):
    key = issue("--name", "12345热线", "--scope", "hotline", "--district", "370103")
    row = ApiKey.objects.get()
    assert (row.name, row.scope, row.district) == ("12345热线", "hotline", geo.district)
    secret = key.partition(".")[2]
    stored = [str(value) for value in ApiKey.objects.values_list().get()]
    assert not any(secret in value for value in stored)
    assert row.hashed_key.startswith("sha512$$")


def test_issue_api_key_refuses_an_unknown_district(geo):
    with pytest.raises(CommandError):
        issue("--name", "12345热线", "--scope", "hotline", "--district", "999999")
    assert not ApiKey.objects.exists()
