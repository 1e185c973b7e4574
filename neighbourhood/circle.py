"""The life circle of a community, computed in one place: its centre, its reach, what it lacks.

The centre is the community service centre (社区服务中心); with several, the first recorded. The
reach is a circle of the community's radius (``CircleRadius``, else ``CIRCLE_RADIUS_M``) around
it. A kind is lacking when no point of that kind lies within the reach; without a centre the
circle cannot be drawn, which is itself a lack (of the service centre), and every other kind is
then counted as lacking too. Distances are great-circle distances (haversine) in metres: the
database is plain PostgreSQL, without PostGIS, and a community has a few dozen points.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import shapely
from django.conf import settings
from shapely.geometry import Point, shape

from districts.models import Community
from neighbourhood.models import COLOURS, CircleRadius, Kind, PointOfInterest

EARTH_RADIUS_M = 6_371_008.8
#: The kinds a circle is expected to hold; "other" is never a lack.
EXPECTED = [kind for kind in Kind if kind != Kind.OTHER]


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance between two WGS-84 points, in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def radius_of(community: Community) -> int:
    """The community's walking reach in metres."""
    try:
        return community.circle_radius.radius_m
    except CircleRadius.DoesNotExist:
        return settings.CIRCLE_RADIUS_M


def radii(communities: Iterable[Community]) -> dict[int, int]:
    """Community id → reach in metres, for many communities in one query."""
    ids = [c.pk for c in communities]
    own = dict(CircleRadius.objects.filter(community_id__in=ids).values_list("community_id", "radius_m"))
    return {pk: own.get(pk, settings.CIRCLE_RADIUS_M) for pk in ids}


def metres_outside(boundary: dict | None, *, lat: float, lng: float) -> float | None:
    """How far the point lies outside the boundary, in metres (0 inside; None without a boundary).

    Both are projected onto a local plane around the point (equirectangular: good to a fraction
    of a percent over a few kilometres), where shapely measures the distance.
    """
    if not boundary:
        return None
    try:
        area = shape(boundary)
    except Exception:  # a malformed stored boundary is not the point's fault
        return None
    k_lat = math.pi * EARTH_RADIUS_M / 180
    k_lng = k_lat * math.cos(math.radians(lat))
    projected = shapely.transform(area, lambda xy: (xy - (lng, lat)) * (k_lng, k_lat))
    return projected.distance(Point(0, 0))


@dataclass
class KindReach:
    """One row of the table: a kind, how many of it lie within reach, the nearest, and whether it lacks."""

    kind: str
    label: str
    colour: str
    within: int = 0
    nearest_m: float | None = None
    nearest_name: str = ""

    @property
    def lacking(self) -> bool:
        return self.within == 0


@dataclass
class Circle:
    community: Community
    radius_m: int
    points: list[PointOfInterest]
    centre: PointOfInterest | None
    rows: list[KindReach] = field(default_factory=list)

    @property
    def lacks(self) -> list[KindReach]:
        return [row for row in self.rows if row.lacking]

    def row(self, kind: str) -> KindReach | None:
        return next((row for row in self.rows if row.kind == kind), None)


def centre_of(points: Iterable[PointOfInterest]) -> PointOfInterest | None:
    centres = sorted((p for p in points if p.kind == Kind.SERVICE_CENTRE), key=lambda p: p.pk or 0)
    return centres[0] if centres else None


def compute(community: Community, points: Iterable[PointOfInterest], *, radius_m: int) -> Circle:
    """The circle of ``community`` from its ``points`` (no query).

    1. The centre: the first service centre recorded.
    2. For every expected kind, the points of that kind within ``radius_m`` of the centre and
       the nearest of them (the centre itself counts for its own kind).
    3. Without a centre, every expected kind lacks: nothing can be said to be within reach.
    """
    points = list(points)
    centre = centre_of(points)
    circle = Circle(community=community, radius_m=radius_m, points=points, centre=centre)
    labels = dict(Kind.choices)
    for kind in EXPECTED:
        row = KindReach(kind=kind, label=str(labels[kind]), colour=COLOURS[kind])
        if centre is not None:
            for point in points:
                if point.kind != kind:
                    continue
                distance = haversine_m(centre.lat, centre.lng, point.lat, point.lng)
                if distance <= radius_m:
                    row.within += 1
                if row.nearest_m is None or distance < row.nearest_m:
                    row.nearest_m, row.nearest_name = distance, point.name
        circle.rows.append(row)
    return circle


def circle_of(community: Community) -> Circle:
    """The community's circle, read from the database (two queries)."""
    points = list(PointOfInterest.objects.filter(community=community).order_by("kind", "name", "pk"))
    return compute(community, points, radius_m=radius_of(community))


def circles_of(communities: list[Community]) -> dict[int, Circle]:
    """Many communities' circles in two queries (the index page)."""
    reach = radii(communities)
    by_community: dict[int, list[PointOfInterest]] = {c.pk: [] for c in communities}
    for point in PointOfInterest.objects.filter(community__in=communities).order_by("kind", "name", "pk"):
        by_community[point.community_id].append(point)
    return {c.pk: compute(c, by_community[c.pk], radius_m=reach[c.pk]) for c in communities}
