"""Importing points of interest: every refusal names its feature or row, and writes nothing."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from accounts.models import Role
from neighbourhood.importer import ImportRefused, import_points
from neighbourhood.models import Kind, PointOfInterest
from tests.factories import person
from tests.neighbourhood.conftest import at


@pytest.fixture(autouse=True)
def _in_english():
    # The messages are asserted in English (msgids); the portal speaks Chinese by default.
    with translation.override("en"):
        yield


@pytest.fixture
def worker(community):
    return person(Role.COMMUNITY_WORKER, community, username="worker")


def feature(kind="诊所药店", name="乐山药店", east=0, north=0, **properties):
    lat, lng = at(east, north)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lng, lat]},
        "properties": {"kind": kind, "name": name, **properties},
    }


def geojson(*features, name="points.geojson"):
    body = json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False)
    return SimpleUploadedFile(name, body.encode("utf-8"), content_type="application/geo+json")


def sheet(*rows, header=("类型", "名称", "地址", "经度", "纬度", "开放时间")):
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("points.xlsx", out.getvalue())


def refusals(worker, community, upload) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        import_points(actor=worker, community=community, upload=upload)
    assert not PointOfInterest.objects.exists()
    return refused.value.errors


def test_a_geojson_feature_collection_is_imported_with_kinds_as_codes_or_chinese_names(worker, community):
    result = import_points(
        actor=worker,
        community=community,
        upload=geojson(
            feature("社区服务中心", "服务中心", hours="08:30–17:30"),
            feature("bank", "工商银行", east=300, address="经七路1号"),
        ),
    )
    assert (result.created, result.updated, result.warnings) == (2, 0, [])
    bank = PointOfInterest.objects.get(name="工商银行")
    assert (bank.kind, bank.address, bank.community) == (Kind.BANK, "经七路1号", community)
    assert PointOfInterest.objects.get(kind=Kind.SERVICE_CENTRE).hours == "08:30–17:30"


def test_importing_again_updates_a_point_by_kind_and_name(worker, community):
    import_points(actor=worker, community=community, upload=geojson(feature(address="旧址")))
    result = import_points(actor=worker, community=community, upload=geojson(feature(address="新址")))
    assert (result.created, result.updated) == (0, 1)
    assert list(PointOfInterest.objects.values_list("address", flat=True)) == ["新址"]


def test_every_bad_feature_is_named_by_its_number_and_nothing_is_written(worker, community):
    errors = refusals(
        worker,
        community,
        geojson(
            feature(name="好的"),
            feature(kind="菜场"),
            feature(name=""),
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}, "properties": {}},
            feature(name="好的"),
        ),
    )
    assert [e.split(":")[0] for e in errors] == ["Feature 2", "Feature 3", "Feature 4", "Feature 5"]
    assert "菜场" in errors[0]


def test_a_point_far_outside_the_community_is_refused(worker, community):
    # Latitude and longitude swapped: thousands of kilometres away.
    swapped = feature()
    swapped["geometry"]["coordinates"].reverse()
    errors = refusals(worker, community, geojson(feature(name="远处", north=2500), swapped))
    assert errors[0].startswith("Feature 1") and "outside the community" in errors[0]
    assert errors[1].startswith("Feature 2")


def test_a_point_just_outside_the_community_is_imported_with_a_warning(worker, community):
    # The boundary's northern edge is 556 m north of the centre; this is 300 m beyond it.
    result = import_points(actor=worker, community=community, upload=geojson(feature(north=856)))
    assert result.created == 1
    assert len(result.warnings) == 1 and result.warnings[0].startswith("Feature 1")


def test_a_file_that_is_not_a_feature_collection_is_refused(worker, community):
    bad = SimpleUploadedFile("x.geojson", b'{"type": "Feature"}')
    assert refusals(worker, community, bad) == ["The GeoJSON must be a FeatureCollection."]
    broken = SimpleUploadedFile("x.geojson", b"{not json")
    assert refusals(worker, community, broken) == ["The file is not GeoJSON (JSON in UTF-8)."]


def test_an_excel_sheet_is_imported(worker, community):
    lat, lng = at(east=200)
    result = import_points(
        actor=worker, community=community, upload=sheet(("便民市场", "乐山市场", "乐山街2号", lng, lat, "06:00–19:00"))
    )
    assert result.created == 1
    market = PointOfInterest.objects.get()
    assert (market.kind, market.name, market.hours) == (Kind.MARKET, "乐山市场", "06:00–19:00")
    assert (round(market.lat, 6), round(market.lng, 6)) == (round(lat, 6), round(lng, 6))


def test_every_bad_excel_row_is_named_by_its_number_and_nothing_is_written(worker, community):
    lat, lng = at()
    errors = refusals(
        worker,
        community,
        sheet(
            ("银行", "好银行", "", lng, lat, ""),
            ("银行", "没坐标", "", "", "", ""),
            ("超市", "未知类型", "", lng, lat, ""),
            ("学校", "x" * 101, "", lng, lat, ""),
            ("银行", "好银行", "", lng, lat, ""),
        ),
    )
    assert [e.split(":")[0] for e in errors] == ["Row 3", "Row 4", "Row 5", "Row 6"]


def test_a_sheet_without_the_required_columns_is_refused(worker, community):
    errors = refusals(worker, community, sheet(("银行", "x"), header=("类型", "名称")))
    assert errors == ["Row 1: the columns 经度、纬度 are missing."]


def test_a_file_that_is_neither_is_refused(worker, community):
    assert refusals(worker, community, SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really")) == [
        "The file is not an Excel workbook (.xlsx)."
    ]
