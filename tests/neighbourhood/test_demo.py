"""The demo's life circles: points around the seed communities, with lacks to show."""

from districts.demo import SEED_COMMUNITIES, STREET_BY_NAME, seed_demo_geography
from districts.models import Community
from neighbourhood import circle
from neighbourhood.demo import POINTS, seed_life_circles
from neighbourhood.models import Kind, PointOfInterest


def community(name: str) -> Community:
    return Community.objects.get(code=STREET_BY_NAME[SEED_COMMUNITIES[name]].community_code(name))


def test_the_demo_points_lie_in_or_near_their_communities_and_seeding_twice_changes_nothing(db):
    seed_demo_geography()
    assert seed_life_circles() == sum(len(points) for points in POINTS.values())
    before = list(PointOfInterest.objects.order_by("pk").values("pk", "name", "lat", "lng"))
    seed_life_circles()
    assert list(PointOfInterest.objects.order_by("pk").values("pk", "name", "lat", "lng")) == before
    for point in PointOfInterest.objects.select_related("community"):
        outside = circle.metres_outside(point.community.boundary, lat=point.lat, lng=point.lng)
        assert outside < 1000, point.name


def test_the_demo_circles_lack_what_the_demo_says(db):
    seed_demo_geography()
    seed_life_circles()
    lacks = {name: [row.kind for row in circle.circle_of(community(name)).lacks] for name in POINTS}
    assert lacks["乐山小区"] == []
    assert lacks["建新"] == [Kind.SHELTER]
    assert lacks["舜华"] == [Kind.CLINIC, Kind.BANK]
    assert lacks["启明里"] == circle.EXPECTED
