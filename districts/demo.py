"""The demo geography: Jinan's Shizhong district (市中区), its street offices, communities,
grid cells and units.

Names of the district and its 17 street offices are the real ones (2020), as are the four
communities the newspaper report names; the other communities are plausible inventions. The
boundaries are not the real ones: they are laid on a regular lattice around the district's
centre, so that the cells of a community tile it exactly (no overlap, no gap) and every point
inside a community routes to exactly one cell.

Everything is keyed on official codes, so seeding again creates nothing and rewrites only rows
whose values differ from the demo's.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from shapely.geometry import box, mapping
from shapely.ops import unary_union

from districts.models import Community, District, GridCell, Street, Unit

DISTRICT_CODE = "370103"
DISTRICT_NAME = "市中区"
CENTER_LAT = 36.651
CENTER_LNG = 116.992


@dataclass(frozen=True)
class DemoStreet:
    """One street office: its number gives the code, ``communities`` the names in code order."""

    number: int
    name: str
    communities: tuple[str, ...]

    @property
    def code(self) -> str:
        return f"{DISTRICT_CODE}{self.number:03d}"

    @property
    def full_name(self) -> str:
        return f"{self.name}街道"

    def community_code(self, name: str) -> str:
        """The 12-digit code of one of this street's communities, by its short name."""
        return f"{self.code}{self.communities.index(name) + 1:03d}"


# The street offices in a fixed order (it gives their codes and their place on the lattice:
# the urban streets in the north, the rural ones of the southern hills last).
STREETS: tuple[DemoStreet, ...] = (
    DemoStreet(1, "大观园", ("大观园", "万达", "经四路")),
    DemoStreet(2, "杆石桥", ("乐山小区", "启明里", "杆石桥", "南新街")),
    DemoStreet(3, "四里村", ("四里村", "朝山街", "纬六路")),
    DemoStreet(4, "魏家庄", ("魏家庄", "万紫巷", "纬二路")),
    DemoStreet(5, "二七新村", ("建新", "二七", "八一")),
    DemoStreet(6, "七里山", ("七里山", "郎茂山", "七里山南村")),
    DemoStreet(7, "六里山", ("六里山", "六里山南苑", "英雄山")),
    DemoStreet(8, "舜玉路", ("舜玉北区", "舜玉南区", "舜玉路")),
    DemoStreet(9, "泺源", ("泺源", "共青团路", "五里牌坊")),
    DemoStreet(10, "王官庄", ("王官庄", "王官庄小区", "阳光新路")),
    DemoStreet(11, "舜耕", ("舜华", "舜耕", "舜耕山庄")),
    DemoStreet(12, "白马山", ("白马山", "南辛庄", "张庄路")),
    DemoStreet(13, "七贤", ("七贤", "二环西路", "中海")),
    DemoStreet(14, "十六里河", ("十六里河", "鲁能康桥", "兴隆山")),
    DemoStreet(15, "兴隆", ("兴隆", "兴济河", "南山")),
    DemoStreet(16, "党家", ("党家庄", "殷家林", "刘家庄")),
    DemoStreet(17, "陡沟", ("陡沟", "王府庄", "渴马")),
)

#: Short street name → street.
STREET_BY_NAME = {street.name: street for street in STREETS}

#: The communities the newspaper report names: short name → short name of their street.
SEED_COMMUNITIES = {"建新": "二七新村", "舜华": "舜耕", "乐山小区": "杆石桥", "启明里": "杆石桥"}


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    kind: str


# The district-level units; each street's discipline working committee is added per street.
UNITS: tuple[DemoUnit, ...] = (
    DemoUnit("JWJW", "区纪委监委", Unit.Kind.DISCIPLINE),
    DemoUnit("CGJ", "区城管局", Unit.Kind.DEPARTMENT),
    # The seed: the 双报到 unit of 启明里 that adopted its residents' wish for benches.
    DemoUnit("JGSW", "区机关事务服务中心", Unit.Kind.ORGAN),
    DemoUnit("SCJG", "区市场监管局", Unit.Kind.DEPARTMENT),
    DemoUnit("ZJJ", "区住建局", Unit.Kind.DEPARTMENT),
    DemoUnit("WMB", "区文明办", Unit.Kind.ORGAN),
)


def discipline_unit_code(street: DemoStreet) -> str:
    """The code of a street's discipline working committee (纪工委)."""
    return f"JGW-{street.code}"


def community_code(name: str) -> str:
    """The code of a seed community, by its short name (e.g. "启明里")."""
    return STREET_BY_NAME[SEED_COMMUNITIES[name]].community_code(name)


# --- The lattice ---------------------------------------------------------------------------
#
# Coordinates are whole multiples of STEP degrees from the north-west corner, converted by one
# function with rounding: an edge shared by two rectangles is computed from the same integers,
# so both get bit-identical floats and the rectangles meet without a sliver of gap or overlap.

STEP = 0.0005  # degrees; about 45 m east-west and 55 m north-south at this latitude
STREET_WIDTH = 60  # steps: about 2.7 km
STREET_HEIGHT = 30  # steps: about 1.7 km
COLUMNS = 5  # streets per row of the lattice
ROWS = -(-len(STREETS) // COLUMNS)
CELL_COLUMNS = 2
WEST = CENTER_LNG - COLUMNS * STREET_WIDTH * STEP / 2
NORTH = CENTER_LAT + ROWS * STREET_HEIGHT * STEP / 2


def _lng(x: int) -> float:
    return round(WEST + x * STEP, 6)


def _lat(y: int) -> float:
    # y counts steps southwards from the northern edge.
    return round(NORTH - y * STEP, 6)


def _rectangle(x0: int, y0: int, x1: int, y1: int) -> dict:
    """A GeoJSON polygon ([lng, lat], counter-clockwise) for a rectangle of lattice steps."""
    west, east, north, south = _lng(x0), _lng(x1), _lat(y0), _lat(y1)
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def _split(start: int, length: int, parts: int) -> list[tuple[int, int]]:
    """Cut [start, start + length) into ``parts`` integer intervals that share their ends."""
    cuts = [start + length * i // parts for i in range(parts + 1)]
    return list(zip(cuts, cuts[1:], strict=False))


def _plan() -> tuple[dict, dict, dict, dict]:
    """The streets, communities, cells and units to have, each as code → field values.

    1. Each street gets one block of the lattice, row by row from the north-west.
    2. Its block is cut west to east into one vertical strip per community.
    3. Each community strip is cut into CELL_COLUMNS columns and 3 or 2 rows of cells
       (alternating, so the demo has both sizes), numbered row by row from the north-west.
    """
    streets: dict[str, dict[str, Any]] = {}
    communities: dict[str, dict[str, Any]] = {}
    cells: dict[str, dict[str, Any]] = {}
    for index, street in enumerate(STREETS):
        bx = index % COLUMNS * STREET_WIDTH
        by = index // COLUMNS * STREET_HEIGHT
        streets[street.code] = {
            "name": street.full_name,
            "boundary": _rectangle(bx, by, bx + STREET_WIDTH, by + STREET_HEIGHT),
        }
        strips = _split(bx, STREET_WIDTH, len(street.communities))
        for number, (name, (x0, x1)) in enumerate(zip(street.communities, strips, strict=True), start=1):
            code = f"{street.code}{number:03d}"
            full_name = f"{name}社区"
            communities[code] = {
                "name": full_name,
                "street": street.code,
                "boundary": _rectangle(x0, by, x1, by + STREET_HEIGHT),
            }
            rows = _split(by, STREET_HEIGHT, 3 if number % 2 else 2)
            columns = _split(x0, x1 - x0, CELL_COLUMNS)
            for cell_number, ((y0, y1), (cx0, cx1)) in enumerate(
                ((row, column) for row in rows for column in columns), start=1
            ):
                cells[f"{code}{cell_number:03d}"] = {
                    "name": f"{full_name}第{cell_number}网格",
                    "community": code,
                    "boundary": _rectangle(cx0, y0, cx1, y1),
                }
    units: dict[str, dict[str, Any]] = {u.code: {"name": u.name, "kind": u.kind, "street": None} for u in UNITS}
    for street in STREETS:
        units[discipline_unit_code(street)] = {
            "name": f"{street.full_name}纪工委",
            "kind": Unit.Kind.DISCIPLINE,
            "street": street.code,
        }
    return streets, communities, cells, units


def _outline(boundaries: list[dict]) -> dict:
    """The GeoJSON outline of rectangles laid edge to edge (plain lists, as JSON reads back)."""
    # simplify(0) drops only the collinear vertices where the rectangles met.
    merged = unary_union([box(*_bounds(b)) for b in boundaries]).simplify(0)
    geometry = mapping(merged)
    return {"type": geometry["type"], "coordinates": _lists(geometry["coordinates"])}


def _bounds(polygon: dict) -> tuple[float, float, float, float]:
    ring = polygon["coordinates"][0]
    lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
    return min(lngs), min(lats), max(lngs), max(lats)


def _lists(value):
    return [_lists(v) for v in value] if isinstance(value, list | tuple) else value


def _sync(model: type[models.Model], rows: dict[str, dict[str, Any]]) -> dict[str, models.Model]:
    """Make the rows (code → field values) exist; write only those that are missing or differ.

    Missing rows are bulk-created; a row whose values differ is saved one by one (a rare path:
    only after someone edited demo data), through ``save()`` so that ``updated_at`` moves and
    the routing index notices. Rows that already match are not touched, so a second run
    changes nothing. Returns code → instance.
    """
    existing = model.objects.in_bulk(list(rows), field_name="code")
    missing = []
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            obj = model(code=code, **values)
            if isinstance(obj, GridCell):
                obj.apply_bbox()  # bulk_create skips save(), which derives the bbox columns
            missing.append(obj)
        elif any(getattr(obj, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(obj, field, value)
            obj.save()
    model.objects.bulk_create(missing)
    # Read back rather than trust bulk_create to have set primary keys on every backend.
    return model.objects.in_bulk(list(rows), field_name="code") if missing else existing


def _ids(rows: dict[str, dict[str, Any]], field: str, objects: dict[str, models.Model]) -> dict[str, dict]:
    """Replace the parent code in ``field`` by the parent's id (``<field>_id``)."""
    resolved = {}
    for code, values in rows.items():
        values = dict(values)
        parent = values.pop(field)
        values[f"{field}_id"] = objects[parent].pk if parent else None
        resolved[code] = values
    return resolved


@transaction.atomic
def seed_demo_geography() -> District:
    """Create (or complete) the demo district, its streets, communities, grid cells and units.

    Idempotent: keyed on codes; a second run creates and changes nothing. Runs unscoped (a
    management command's service): it sees and writes every row it needs.
    """
    streets, communities, cells, units = _plan()
    district = _sync(
        District,
        {
            DISTRICT_CODE: {
                "name": DISTRICT_NAME,
                "center_lat": CENTER_LAT,
                "center_lng": CENTER_LNG,
                "boundary": _outline([s["boundary"] for s in streets.values()]),
            }
        },
    )[DISTRICT_CODE]
    for values in streets.values():
        values["district_id"] = district.pk
    street_objects = _sync(Street, streets)
    community_objects = _sync(Community, _ids(communities, "street", street_objects))
    _sync(GridCell, _ids(cells, "community", community_objects))
    for values in units.values():
        values["district_id"] = district.pk
    _sync(Unit, _ids(units, "street", street_objects))
    return district
