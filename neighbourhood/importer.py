"""Import a community's points of interest from GeoJSON or an Excel sheet: check all, then write all.

GeoJSON: a FeatureCollection of Point features (WGS-84 ``[longitude, latitude]``), each with
the properties ``kind``, ``name``, ``address``, ``hours`` (or 类型, 名称, 地址, 开放时间).

Excel: the first sheet, its first row naming the columns (Chinese or English headers):

    类型 kind | 名称 name | 地址 address | 经度 longitude | 纬度 latitude | 开放时间 hours

``kind`` is a code (``clinic``) or the Chinese name (诊所药店). Every bad feature or row is
reported with its number and nothing is written; points are matched by kind and name, so
importing again updates them. A point outside the community but within its walking reach is
imported with a warning; farther out it is refused (``services.check_point``).
"""

import io
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from districts.models import Community
from neighbourhood import circle, services
from neighbourhood.models import CHINESE_LABELS, Kind
from neighbourhood.services import PointData
from web import imports
from web.errors import Invalid
from web.imports import ImportRefused, cell_text, read_rows

MAX_BYTES = 5 * 1024 * 1024
MAX_POINTS = 2000
PROPERTY_NAMES = {
    "kind": ("kind", "类型", "类别"),
    "name": ("name", "名称"),
    "address": ("address", "地址"),
    "hours": ("hours", "开放时间", "营业时间"),
}
HEADERS = {
    **PROPERTY_NAMES,
    "lng": ("经度", "longitude", "lng", "lon"),
    "lat": ("纬度", "latitude", "lat"),
}
REQUIRED_COLUMNS = ("kind", "name", "lng", "lat")
COLUMN_NAMES = {"kind": "类型", "name": "名称", "lng": "经度", "lat": "纬度"}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    warnings: list[str]


def kind_of(value) -> str | None:
    """The kind's code from a code, its Chinese name or its label in the current language."""
    text = cell_text(value)
    if not text:
        return None
    if text.lower() in Kind.values:
        return text.lower()
    for kind, chinese in CHINESE_LABELS.items():
        if text == chinese:
            return kind.value
    for kind, label in Kind.choices:
        if text.lower() == str(label).lower():
            return kind
    return None


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(cell_text(value))
    except ValueError:
        return None


def _read_bytes(upload) -> bytes:
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportRefused([_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}])
    return data


def _geojson(data: bytes) -> list[tuple[int, dict]]:
    """(feature number, {kind, name, address, hours, lat, lng}) of every feature."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportRefused([_("The file is not GeoJSON (JSON in UTF-8).")]) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ImportRefused([_("The GeoJSON must be a FeatureCollection.")])
    features = document.get("features")
    if not isinstance(features, list):
        raise ImportRefused([_("The FeatureCollection has no list of features.")])
    if len(features) > MAX_POINTS:
        raise ImportRefused([_("The file has more than %(count)s points.") % {"count": MAX_POINTS}])
    found = []
    for number, feature in enumerate(features, start=1):
        values: dict = {"_error": None}
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            values["_error"] = _("it is not a Feature.")
            found.append((number, values))
            continue
        geometry = feature.get("geometry")
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") != "Point":
            values["_error"] = _("its geometry must be a Point.")
        elif not isinstance(coordinates, list) or len(coordinates) < 2:
            values["_error"] = _("its coordinates must be [longitude, latitude].")
        else:
            values["lng"], values["lat"] = _number(coordinates[0]), _number(coordinates[1])
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        for key, spellings in PROPERTY_NAMES.items():
            values[key] = next((properties[s] for s in spellings if s in properties), None)
        found.append((number, values))
    return found


def _excel(upload) -> list[tuple[int, dict]]:
    """(row number, {column: value}) of every non-empty row after the header."""
    found = read_rows(
        upload, HEADERS, required=REQUIRED_COLUMNS, names=COLUMN_NAMES, max_rows=MAX_POINTS, as_text=False
    )
    for _row, values in found:
        values["_error"] = None
        values["lat"], values["lng"] = _number(values.get("lat")), _number(values.get("lng"))
    return found


def read(upload) -> tuple[str, list[tuple[int, dict]]]:
    """("feature" | "row", the raw items): GeoJSON by its name or its first character, else Excel."""
    data = _read_bytes(upload)
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith((".geojson", ".json")) or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "feature", _geojson(data)
    return "row", _excel(io.BytesIO(data))


def validate(community: Community, unit: str, raw: list[tuple[int, dict]]) -> tuple[list[PointData], list[str]]:
    """Check every item; raise ``ImportRefused`` with all the errors, or return the rows and warnings."""
    errors: list[str] = []
    warnings: list[str] = []
    rows: list[PointData] = []
    seen: dict[tuple[str, str], int] = {}
    radius = circle.radius_of(community)

    def say(number: int, message: str) -> str:
        if unit == "feature":
            return _("Feature %(number)s: %(message)s") % {"number": number, "message": message}
        return _("Row %(number)s: %(message)s") % {"number": number, "message": message}

    for number, values in raw:
        if values.get("_error"):
            errors.append(say(number, values["_error"]))
            continue
        kind = kind_of(values.get("kind"))
        if kind is None:
            errors.append(
                say(
                    number,
                    _("the kind “%(kind)s” is unknown; use a code or one of %(names)s.")
                    % {"kind": cell_text(values.get("kind"))[:30], "names": "、".join(CHINESE_LABELS.values())},
                )
            )
            continue
        data = PointData(
            kind=kind,
            name=cell_text(values.get("name")),
            address=cell_text(values.get("address")),
            hours=cell_text(values.get("hours")),
            lat=values.get("lat"),
            lng=values.get("lng"),
        )
        try:
            warning = services.check_point(community, data, radius_m=radius)
        except Invalid as error:
            errors.append(say(number, error.message))
            continue
        key = (kind, data.name.strip())
        if key in seen:
            errors.append(say(number, _("the same kind and name are already on %(number)s.") % {"number": seen[key]}))
            continue
        seen[key] = number
        if warning:
            warnings.append(say(number, warning))
        rows.append(data)
    if not raw:
        errors.append(_("The file has no points."))
    if errors:
        raise ImportRefused(errors)
    return rows, warnings


def import_points(*, actor, community: Community, upload) -> ImportResult:
    """Read, check every point, then write them all in one transaction (or nothing)."""
    unit, raw = read(upload)
    rows, warnings = validate(community, unit, raw)
    created, updated = services.write_points(actor=actor, community=community, rows=rows)
    return ImportResult(created=created, updated=updated, warnings=warnings)


def template() -> bytes:
    """An Excel sheet to fill in: the header row the import reads, and one example row."""
    return imports.template(
        title="生活圈点位",
        header=["类型", "名称", "地址", "经度", "纬度", "开放时间"],
        examples=[["诊所药店", "示例药店", "示例路1号", 116.992, 36.651, "08:00–20:00"]],
        widths=(14, 28, 28, 12, 12, 16),
    )
