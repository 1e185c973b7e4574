"""What a community's 15-minute life circle lacks, worked out on a hand-built community."""

import pytest

from neighbourhood import circle
from neighbourhood.models import CircleRadius, Kind
from tests.neighbourhood.conftest import point


def test_haversine_gives_the_known_distance_of_one_degree_of_latitude():
    # One degree along a meridian on the mean Earth (radius 6,371,008.8 m): 111,195 m.
    assert circle.haversine_m(36.0, 117.0, 37.0, 117.0) == pytest.approx(111_195, abs=1)
    assert circle.haversine_m(36.651, 116.992, 36.651, 116.992) == 0


def test_a_kind_is_lacking_when_its_only_point_lies_beyond_the_radius(community, centre):
    point(community, Kind.CLINIC, "乐山药店", east=600)  # 600 m: within reach
    point(community, Kind.BANK, "工商银行", north=1300)  # 1,300 m: beyond it
    found = circle.circle_of(community)
    clinic, bank = found.row(Kind.CLINIC), found.row(Kind.BANK)
    assert (clinic.lacking, clinic.within, round(clinic.nearest_m)) == (False, 1, 600)
    assert (bank.lacking, bank.within, round(bank.nearest_m), bank.nearest_name) == (True, 0, 1300, "工商银行")


def test_the_lacks_are_every_expected_kind_without_a_point_within_reach(community, centre):
    point(community, Kind.MARKET, "便民市场", east=-300, north=300)  # 424 m
    point(community, Kind.CLINIC, "诊所", north=-999)
    point(community, Kind.SCHOOL, "小学", east=1001)
    point(community, Kind.OTHER, "快递驿站", east=50)
    lacking = [row.kind for row in circle.circle_of(community).lacks]
    assert lacking == [Kind.BANK, Kind.SCHOOL, Kind.SHELTER, Kind.ELDERLY_CARE, Kind.SPORTS_CULTURE]


def test_the_centre_counts_for_its_own_kind_and_other_is_never_a_lack(community, centre):
    found = circle.circle_of(community)
    assert found.centre == centre
    assert not found.row(Kind.SERVICE_CENTRE).lacking
    assert found.row(Kind.OTHER) is None


def test_without_a_service_centre_everything_lacks_the_centre_first(community):
    point(community, Kind.CLINIC, "诊所", east=10)
    found = circle.circle_of(community)
    assert found.centre is None
    assert [row.kind for row in found.lacks] == circle.EXPECTED
    assert found.lacks[0].kind == Kind.SERVICE_CENTRE


def test_a_community_radius_overrides_the_setting(community, centre, settings):
    settings.CIRCLE_RADIUS_M = 1000
    point(community, Kind.BANK, "银行", east=700)
    assert not circle.circle_of(community).row(Kind.BANK).lacking
    CircleRadius.objects.create(community=community, radius_m=500)
    community.refresh_from_db()
    found = circle.circle_of(community)
    assert (found.radius_m, found.row(Kind.BANK).lacking) == (500, True)


def test_the_first_service_centre_recorded_is_the_centre(community):
    first = point(community, Kind.SERVICE_CENTRE, "乙中心", east=900)
    point(community, Kind.SERVICE_CENTRE, "甲中心")
    assert circle.circle_of(community).centre == first


def test_metres_outside_the_boundary(community):
    assert circle.metres_outside(community.boundary, lat=36.655, lng=117.0) == 0
    # 36.661 N is 0.001° north of the edge: 111 m.
    assert circle.metres_outside(community.boundary, lat=36.661, lng=117.0) == pytest.approx(111.2, abs=0.5)
    assert circle.metres_outside(None, lat=36.661, lng=117.0) is None


def test_many_circles_cost_two_queries(community, centre, geo, django_assert_num_queries):
    point(geo.other_community, Kind.SCHOOL, "小学", east=0)
    with django_assert_num_queries(2):
        found = circle.circles_of([community, geo.other_community, geo.sibling_community])
    assert found[community.pk].centre == centre
    assert found[geo.other_community.pk].centre is None
