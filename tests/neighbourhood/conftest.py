"""The life circle's test community: 乐山小区 of the shared geography, given a boundary.

Its boundary is the two grid cells (116.99–117.01 E, 36.65–36.66 N); ``at(east, north)`` is
the point that many metres from CENTRE, where the service centre stands in most tests.
"""

import math

import pytest

from neighbourhood.models import Kind, PointOfInterest

CENTRE = (36.655, 116.995)
M_PER_DEG = 6_371_008.8 * math.pi / 180


def at(east: float = 0, north: float = 0) -> tuple[float, float]:
    lat = CENTRE[0] + north / M_PER_DEG
    lng = CENTRE[1] + east / (M_PER_DEG * math.cos(math.radians(CENTRE[0])))
    return lat, lng


def point(community, kind: str, name: str, east: float = 0, north: float = 0, **extra) -> PointOfInterest:
    lat, lng = at(east, north)
    return PointOfInterest.objects.create(community=community, kind=kind, name=name, lat=lat, lng=lng, **extra)


@pytest.fixture
def community(geo):
    geo.community.boundary = {
        "type": "Polygon",
        "coordinates": [[[116.99, 36.65], [117.01, 36.65], [117.01, 36.66], [116.99, 36.66], [116.99, 36.65]]],
    }
    geo.community.save()
    return geo.community


@pytest.fixture
def centre(community):
    return point(community, Kind.SERVICE_CENTRE, "乐山小区社区服务中心", address="乐山街12号")
