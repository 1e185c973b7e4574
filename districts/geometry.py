"""GeoJSON (WGS-84) polygons without GDAL: parsing, validation and bounding boxes."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.validation import explain_validity


class GeometryError(ValueError):
    """The geometry cannot be used as an area boundary; the message says why."""


@dataclass(frozen=True)
class BBox:
    min_lng: float
    min_lat: float
    max_lng: float
    max_lat: float


def parse_polygon(geometry: dict) -> Polygon | MultiPolygon:
    """Turn a GeoJSON geometry into a valid shapely (Multi)Polygon or raise GeometryError."""
    if not isinstance(geometry, dict):
        raise GeometryError(_("The geometry must be a GeoJSON object."))
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise GeometryError(_("The geometry must be a Polygon or MultiPolygon, not %(kind)s.") % {"kind": kind})
    try:
        shp = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise GeometryError(_("The coordinates are malformed: %(error)s") % {"error": exc}) from exc
    if shp.is_empty:
        raise GeometryError(_("The polygon is empty."))
    if not shp.is_valid:
        raise GeometryError(_("The polygon is invalid: %(reason)s") % {"reason": explain_validity(shp)})
    min_lng, min_lat, max_lng, max_lat = shp.bounds
    if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise GeometryError(_("The coordinates are not WGS-84 longitude/latitude."))
    return shp


def bbox_of(geometry: dict) -> BBox:
    min_lng, min_lat, max_lng, max_lat = shape(geometry).bounds
    return BBox(min_lng=min_lng, min_lat=min_lat, max_lng=max_lng, max_lat=max_lat)
