"""Point → grid cell: inside, edge, vertex, outside, and after an edit."""

import pytest

from districts import routing
from districts.models import GridCell
from tests.factories import GridCellFactory, square


@pytest.fixture(autouse=True)
def _fresh_index():
    routing.reset()
    yield
    routing.reset()


def test_point_inside_a_cell_is_routed_to_it(geo):
    assert routing.locate(lat=36.655, lng=116.995) == geo.cell


def test_located_cell_carries_its_community_street_and_district(geo, django_assert_num_queries):
    routing.locate(lat=36.655, lng=116.995)  # builds the index
    with django_assert_num_queries(2):  # the version check, then the cell with its parents
        cell = routing.locate(lat=36.655, lng=116.995)
        assert cell.community.street.district.code == "370103"


def test_point_outside_every_cell_is_none(geo):
    assert routing.locate(lat=36.0, lng=116.0) is None
    # Between cells, inside the bounding box of the whole geography.
    assert routing.locate(lat=36.665, lng=116.995) is None


def test_point_on_a_shared_edge_goes_to_the_smaller_code(geo):
    # geo.cell spans lng 116.990–117.000, geo.sibling_cell 117.000–117.010: they share lng 117.000.
    assert geo.cell.code < geo.sibling_cell.code
    for _ in range(3):
        assert routing.locate(lat=36.655, lng=117.000) == geo.cell


def test_point_on_a_shared_vertex_is_deterministic(geo):
    assert routing.locate(lat=36.650, lng=117.000) == geo.cell


def test_point_on_an_outer_edge_belongs_to_the_cell(geo):
    assert routing.locate(lat=36.650, lng=117.005) == geo.sibling_cell


def test_edited_cell_is_routed_by_its_new_shape(geo):
    assert routing.locate(lat=36.655, lng=116.995) == geo.cell
    geo.cell.boundary = square(116.900, 36.600)
    geo.cell.save()
    assert routing.locate(lat=36.655, lng=116.995) is None
    assert routing.locate(lat=36.605, lng=116.905) == geo.cell


def test_added_and_deleted_cells_are_seen(geo):
    assert routing.locate(lat=36.705, lng=116.905) is None
    added = GridCellFactory(community=geo.community, code="370103001001009", boundary=square(116.900, 36.700))
    assert routing.locate(lat=36.705, lng=116.905) == added
    added.delete()
    assert routing.locate(lat=36.705, lng=116.905) is None


def test_bounding_box_columns_follow_the_boundary(geo):
    cell = GridCell.objects.get(pk=geo.cell.pk)
    assert (cell.min_lng, cell.min_lat) == pytest.approx((116.990, 36.650))
    assert (cell.max_lng, cell.max_lat) == pytest.approx((117.000, 36.660))
    assert list(GridCell.objects.covering_bbox(lat=36.655, lng=116.995)) == [geo.cell]
