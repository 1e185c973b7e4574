"""import_geography: the GeoJSON importer of districts, streets, communities and grid cells."""

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from districts import routing
from districts.importer import ImportRefused, import_geography
from districts.models import Community, District, GridCell, Street
from tests.factories import square

DATA = Path(__file__).parent / "data"
SMALL_TREE = DATA / "small_tree.geojson"

# A polygon whose edges cross in the middle: valid JSON, invalid shape.
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[116.99, 36.65], [117.0, 36.66], [117.0, 36.65], [116.99, 36.66], [116.99, 36.65]]],
}


@pytest.fixture(autouse=True)
def _english():
    # The assertions read the English msgids, whatever the zh-hans catalogue says.
    with translation.override("en"):
        yield


def feature(level: str, code: str, name: str = "某地", parent_code: str | None = None, geometry=None) -> dict:
    properties = {"level": level, "code": code, "name": name}
    if parent_code is not None:
        properties["parent_code"] = parent_code
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def small_tree() -> dict:
    return json.loads(SMALL_TREE.read_text(encoding="utf-8"))


def counts() -> tuple[int, int, int, int]:
    return District.objects.count(), Street.objects.count(), Community.objects.count(), GridCell.objects.count()


def refusal(data: dict) -> list[str]:
    """Import data that must be refused; check nothing was written and return the problems."""
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        import_geography(data=data)
    assert counts() == before
    return refused.value.problems


@pytest.mark.django_db
def test_a_good_file_imports_the_whole_tree_with_bbox_columns_set():
    result = import_geography(data=small_tree())

    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    cell = GridCell.objects.select_related("community__street__district").get(code="370103001001002")
    assert cell.name == "乐山小区第二网格"
    assert cell.community.code == "370103001001"
    assert cell.community.street.code == "370103001"
    assert cell.community.street.district.code == "370103"
    assert (cell.min_lng, cell.min_lat, cell.max_lng, cell.max_lat) == pytest.approx((117.0, 36.65, 117.01, 36.66))
    assert District.objects.get(code="370103").boundary["type"] == "Polygon"
    # The street's feature has no geometry, which is allowed above the grid level.
    assert Street.objects.get(code="370103001").boundary is None


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing():
    import_geography(data=small_tree())
    stamps = dict(GridCell.objects.values_list("code", "updated_at"))

    result = import_geography(data=small_tree())

    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert counts() == (1, 1, 1, 2)
    assert dict(GridCell.objects.values_list("code", "updated_at")) == stamps


@pytest.mark.django_db
def test_a_renamed_and_moved_area_is_updated_by_its_code():
    import_geography(data=small_tree())
    data = small_tree()
    data["features"].append(feature("community", "370103001002", "启明里社区", "370103001"))
    grid = data["features"][1]["properties"]
    grid["name"] = "启明里第一网格"
    grid["parent_code"] = "370103001002"
    grid["code"] = "370103001002001"

    result = import_geography(data=data)

    # The moved cell gets a new code (codes carry the parent's), so it is a new row.
    assert (result.created, result.updated, result.unchanged) == (2, 0, 4)
    data["features"][0]["properties"]["name"] = "乐山小区一号网格"
    result = import_geography(data=data)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 5)
    assert GridCell.objects.get(code="370103001001001").name == "乐山小区一号网格"
    assert GridCell.objects.get(code="370103001002001").community.code == "370103001002"


@pytest.mark.django_db
def test_an_edited_polygon_is_updated_and_routing_follows_the_new_shape():
    import_geography(data=small_tree())
    routing.reset()
    assert routing.locate(lat=36.655, lng=116.995).code == "370103001001001"
    assert routing.locate(lat=36.655, lng=116.975) is None

    data = small_tree()
    data["features"][0]["geometry"] = square(116.97, 36.65, size=0.02)
    result = import_geography(data=data)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    cell = GridCell.objects.get(code="370103001001001")
    assert (cell.min_lng, cell.max_lng) == pytest.approx((116.97, 116.99))
    # The index in this process was built before the import; it must notice the edit.
    assert routing.locate(lat=36.655, lng=116.975).code == "370103001001001"
    assert routing.locate(lat=36.655, lng=116.995) is None


@pytest.mark.django_db
def test_a_feature_without_geometry_keeps_the_boundary_it_has():
    import_geography(data=small_tree())
    data = small_tree()
    data["features"][4]["geometry"] = None

    result = import_geography(data=data)

    assert result.updated == 0
    assert District.objects.get(code="370103").boundary is not None


@pytest.mark.django_db
def test_a_parent_already_in_the_database_is_accepted(geo):
    data = collection(
        feature("grid", "370103001001003", "乐山小区第三网格", "370103001001", square(117.01, 36.65)),
        feature("community", "370103002002", "新社区", "370103002"),
    )

    result = import_geography(data=data)

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert GridCell.objects.get(code="370103001001003").community == geo.community
    assert Community.objects.get(code="370103002002").street == geo.other_street


@pytest.mark.django_db
def test_a_large_file_is_written_in_a_few_bulk_queries(django_assert_max_num_queries):
    cells = [
        feature("grid", f"370103001001{n:03d}", f"网格{n}", "370103001001", square(116.0 + n * 0.01, 36.0))
        for n in range(1, 1000)
    ]
    data = collection(
        feature("district", "370103", "市中区"),
        feature("street", "370103001", "杆石桥街道", "370103"),
        feature("community", "370103001001", "乐山小区社区", "370103001"),
        *cells,
    )

    # Lookups and writes in batches of 500, plus savepoints: not one query per cell.
    with django_assert_max_num_queries(25):
        result = import_geography(data=data)
    assert result.created == 1002
    for cell in cells:
        cell["properties"]["name"] += "(新)"
    with django_assert_max_num_queries(25):
        result = import_geography(data=data)
    assert (result.created, result.updated, result.unchanged) == (0, 999, 3)
    assert not GridCell.objects.filter(min_lat=0).exists()


@pytest.mark.django_db
def test_unknown_parent_is_refused_and_nothing_is_written():
    data = small_tree()
    data["features"][3]["properties"]["parent_code"] = "370199"

    problems = refusal(data)

    assert problems == ["feature 3 (370103001): unknown parent 370199: it is neither in the file nor in the database."]


@pytest.mark.django_db
def test_parent_of_the_wrong_level_is_refused(geo):
    before = counts()
    problems = refusal(collection(feature("grid", "370103001001009", "网格", "370103001", square(117.0, 36.7))))

    assert problems == [
        "feature 0 (370103001001009): the parent 370103001 is a street, "
        "but the parent of a grid cell must be a community."
    ]
    assert counts() == before


@pytest.mark.django_db
def test_duplicate_code_in_the_file_is_refused():
    data = small_tree()
    data["features"].append(copy.deepcopy(data["features"][1]))

    problems = refusal(data)

    assert problems == ["feature 5 (370103001001002): the code is already used by feature 1."]


@pytest.mark.django_db
def test_self_intersecting_bow_tie_polygon_is_refused():
    data = small_tree()
    data["features"][1]["geometry"] = BOW_TIE

    problems = refusal(data)

    assert len(problems) == 1
    assert problems[0].startswith("feature 1 (370103001001002): The polygon is invalid: Self-intersection[")


@pytest.mark.django_db
def test_a_bad_feature_after_good_ones_writes_nothing(geo):
    before = counts()
    data = small_tree()
    data["features"][1]["name"] = "改名"
    data["features"].append(
        feature("grid", "370103001001003", "乐山小区第三网格", "370103001001", BOW_TIE),
    )

    problems = refusal(data)

    assert [p.split(":")[0] for p in problems] == ["feature 5 (370103001001003)"]
    assert counts() == before
    assert GridCell.objects.get(code="370103001001002").name == geo.sibling_cell.name


@pytest.mark.django_db
def test_unknown_level_is_refused():
    data = small_tree()
    data["features"][3]["properties"]["level"] = "village"

    problems = refusal(data)

    # One problem: the street's community is not also told its parent is unknown.
    assert len(problems) == 1
    assert problems[0].startswith("feature 3 (370103001): unknown level 'village'")


@pytest.mark.django_db
def test_bad_code_format_is_refused():
    data = small_tree()
    data["features"][1]["properties"]["code"] = "37010300100100X"

    problems = refusal(data)

    assert problems == ["feature 1 (37010300100100X): A grid code is its community's 12 digits and 3 more."]


@pytest.mark.django_db
def test_code_not_prefixed_by_its_parent_code_is_refused():
    data = small_tree()
    data["features"][1]["properties"]["code"] = "370103001002002"

    problems = refusal(data)

    assert problems == ["feature 1 (370103001002002): the code does not start with its parent's code 370103001001."]


@pytest.mark.django_db
def test_grid_cell_without_geometry_is_refused():
    data = small_tree()
    data["features"][0]["geometry"] = None

    problems = refusal(data)

    assert problems == ["feature 0 (370103001001001): a grid cell needs a Polygon or MultiPolygon geometry."]


@pytest.mark.django_db
def test_missing_name_is_refused():
    data = small_tree()
    del data["features"][2]["properties"]["name"]

    problems = refusal(data)

    # The community's cells still find it in the file: one problem, not three.
    assert problems == ["feature 2 (370103001001): the name is missing."]


@pytest.mark.django_db
def test_a_district_with_a_parent_code_is_refused():
    data = small_tree()
    data["features"][4]["properties"]["parent_code"] = "370100"

    problems = refusal(data)

    assert problems == ["feature 4 (370103): a district has no parent, but parent_code is 370100."]


@pytest.mark.django_db
def test_every_bad_feature_is_reported_at_once_in_file_order():
    data = small_tree()
    data["features"][0]["geometry"] = BOW_TIE
    data["features"][1]["properties"]["level"] = "cell"
    data["features"][3]["properties"]["parent_code"] = "370104"

    problems = refusal(data)

    assert [p.split(":")[0] for p in problems] == [
        "feature 0 (370103001001001)",
        "feature 1 (370103001001002)",
        "feature 3 (370103001)",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        [],
        {"type": "Feature", "properties": {}, "geometry": None},
        {"type": "FeatureCollection"},
    ],
    ids=["a list", "a single feature", "no features"],
)
def test_a_document_that_is_not_a_feature_collection_is_refused(data):
    problems = refusal(data)

    assert len(problems) == 1
    assert "FeatureCollection" in problems[0]


@pytest.mark.django_db
def test_command_prints_the_summary_line():
    out = StringIO()

    call_command("import_geography", str(SMALL_TREE), stdout=out)
    call_command("import_geography", str(SMALL_TREE), "--no-progress", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == ["created 5, updated 0, unchanged 0", "created 0, updated 0, unchanged 5"]


@pytest.mark.django_db
def test_command_refuses_a_bad_file_with_every_problem(tmp_path):
    data = small_tree()
    data["features"][1]["geometry"] = BOW_TIE
    data["features"][3]["properties"]["code"] = "37010300"
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_geography", str(path), stdout=StringIO())

    message = str(refused.value)
    assert "nothing was written" in message
    assert "feature 1 (370103001001002): The polygon is invalid" in message
    assert "feature 3 (37010300): A street code has 9 digits." in message
    assert counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_command_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")

    with pytest.raises(CommandError, match="is not JSON"):
        call_command("import_geography", str(path), stdout=StringIO())
