"""Import the geography (district → street → community → grid cell) from a GeoJSON file.

The file is a FeatureCollection; each feature's properties carry ``level`` (district, street,
community or grid), ``code``, ``name`` and ``parent_code`` (absent only for a district). A
grid cell needs a Polygon or MultiPolygon geometry; the other levels may have one.

The import is all or nothing: every feature is checked before anything is written, and every
problem is reported at once, each naming the feature by its index in ``features`` (counted
from 0, as in ``.features[3]``) and its code. Areas are matched by code, so importing the
same file again changes nothing; areas missing from the file are left alone.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.geometry import GeometryError, parse_polygon
from districts.models import (
    Community,
    District,
    GridCell,
    Street,
    community_code,
    district_code,
    grid_code,
    street_code,
)

# Rows per INSERT statement and per lookup query: well under SQLite's limit on query parameters.
BATCH_SIZE = 500

# A progress reporter wraps an iterable (tqdm has this signature).
Progress = Callable[..., Iterable]


@dataclass(frozen=True)
class _Level:
    name: str
    model: type[models.Model]
    validator: RegexValidator
    parent_field: str | None


# Parents first: this is the order of writing.
LEVELS = [
    _Level("district", District, district_code, None),
    _Level("street", Street, street_code, "district"),
    _Level("community", Community, community_code, "street"),
    _Level("grid", GridCell, grid_code, "community"),
]
_LEVEL_BY_NAME = {level.name: level for level in LEVELS}
_RANK = {level.name: rank for rank, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        return _("created %(created)d, updated %(updated)d, unchanged %(unchanged)d") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class ImportRefused(Exception):
    """The file has problems; nothing was written. ``problems`` lists them all, one a line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class _Row:
    """One feature as read from the file."""

    index: int
    level: _Level | None  # None only for a feature refused for its level
    code: str
    name: str
    parent_code: str | None
    boundary: dict | None


@dataclass
class _Checked:
    # Every feature whose code could be read, problems or not: children look for their parent
    # here, so a parent with a bad name is not also reported as unknown.
    known: dict[str, _Row] = field(default_factory=dict)
    # The features without problems, to be written.
    rows: list[_Row] = field(default_factory=list)
    # (feature index, message); the index is -1 for the file as a whole.
    problems: list[tuple[int, str]] = field(default_factory=list)

    def refuse(self, index: int, code: str | None, message: str) -> None:
        if index < 0:
            self.problems.append((index, message))
        else:
            text = _("feature %(index)d (%(code)s): %(problem)s") % {
                "index": index,
                "code": code or _("no code"),
                "problem": message,
            }
            self.problems.append((index, text))


def import_geography(*, data: Any, progress: Progress | None = None) -> ImportResult:
    """Create or update the areas described by a GeoJSON FeatureCollection, all or nothing.

    ``data`` is the parsed JSON document; anything but a FeatureCollection is refused.

    1. Check every feature (properties, code format, geometry, duplicates within the file).
    2. Resolve each parent code in the file or, failing that, in the database, at the right
       level, and check that the child's code starts with it.
    3. If anything is wrong, raise ImportRefused with every problem and write nothing.
    4. Otherwise write level by level, parents first, with bulk inserts and updates in one
       transaction; rows whose name, parent and boundary are unchanged are not touched.

    ``progress`` wraps iterables to show progress (``tqdm`` fits); None shows nothing. Runs
    unscoped: the caller decides who may import.
    """
    progress = progress or _no_progress
    with transaction.atomic():
        checked = _check_features(data, progress)
        parent_ids = _resolve_parents(checked)
        if checked.problems:
            # Stable sort: file order, and each feature's problems in the order found.
            raise ImportRefused([text for _index, text in sorted(checked.problems, key=lambda p: p[0])])
        return _write(checked.rows, parent_ids, progress)


def _no_progress(iterable: Iterable, **kwargs: Any) -> Iterable:
    return iterable


def _as_code(value: Any) -> str | None:
    """A code as text; GIS tools often export codes as numbers, which is harmless here."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return repr(value)


def _label(level: _Level) -> str:
    return str(level.model._meta.verbose_name)


def _check_features(data: Any, progress: Progress) -> _Checked:
    checked = _Checked()
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        checked.refuse(-1, None, _("The file is not a GeoJSON FeatureCollection."))
        return checked
    features = data.get("features")
    if not isinstance(features, list):
        checked.refuse(-1, None, _("The FeatureCollection has no list of features."))
        return checked

    for index, feature in enumerate(progress(features, desc=_("checking"), total=len(features))):
        problems_before = len(checked.problems)
        row = _check_feature(checked, index, feature)
        if row is None:
            continue
        first = checked.known.get(row.code)
        if first is not None:
            checked.refuse(
                index, row.code, _("the code is already used by feature %(first)d.") % {"first": first.index}
            )
            continue
        checked.known[row.code] = row
        if len(checked.problems) == problems_before:
            checked.rows.append(row)
    return checked


def _check_feature(checked: _Checked, index: int, feature: Any) -> _Row | None:
    """Record one feature's own problems; the row is None when its code is unknown."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        checked.refuse(index, None, _("not a GeoJSON Feature."))
        return None
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        checked.refuse(index, None, _("the feature has no properties."))
        return None

    code = _as_code(properties.get("code"))

    def refuse(message: str) -> None:
        checked.refuse(index, code, message)

    level = _LEVEL_BY_NAME.get(properties.get("level"))
    if level is None:
        refuse(
            _("unknown level %(level)r: expected one of %(levels)s.")
            % {"level": properties.get("level"), "levels": ", ".join(_LEVEL_BY_NAME)}
        )
    if code is None:
        refuse(_("the code is missing."))
    elif level is not None and not (code.isascii() and level.validator.regex.search(code)):
        # isascii(): the validators' \d also matches non-ASCII digits, which no official code has.
        refuse(str(level.validator.message))

    name = properties.get("name")
    name = name.strip() if isinstance(name, str) else ""
    max_name = District._meta.get_field("name").max_length
    if not name:
        refuse(_("the name is missing."))
    elif len(name) > max_name:
        refuse(_("the name is longer than %(max)d characters.") % {"max": max_name})

    parent_code = _as_code(properties.get("parent_code"))
    if level is not None and level.parent_field is None and parent_code is not None:
        refuse(_("a district has no parent, but parent_code is %(parent)s.") % {"parent": parent_code})
    if level is not None and level.parent_field is not None and parent_code is None:
        refuse(_("the parent_code is missing."))

    geometry = feature.get("geometry")
    if geometry is None:
        if level is not None and level.model is GridCell:
            refuse(_("a grid cell needs a Polygon or MultiPolygon geometry."))
    else:
        try:
            parse_polygon(geometry)
        except GeometryError as exc:
            refuse(str(exc))

    if code is None:
        return None
    return _Row(index, level, code, name, parent_code, geometry)


def _resolve_parents(checked: _Checked) -> dict[str, dict[str, int]]:
    """Check every row's parent and return the ids of parents already in the database.

    The result maps a level's name to {code: id}. A parent in the file wins over the database
    (it will be written first); a row whose parent is bad is moved to the problems.
    """
    wanted: set[str] = {
        row.parent_code for row in checked.rows if row.parent_code is not None and row.parent_code not in checked.known
    }
    # Look the codes up at every level, so a parent of the wrong level is told apart from an
    # unknown one.
    in_db = {level.name: _ids_by_code(level.model, wanted) for level in LEVELS}

    good: list[_Row] = []
    for row in checked.rows:
        problem = _parent_problem(row, checked.known, in_db)
        if problem:
            checked.refuse(row.index, row.code, problem)
        else:
            good.append(row)
    checked.rows = good
    return in_db


def _parent_problem(row: _Row, in_file: dict[str, _Row], in_db: dict[str, dict[str, int]]) -> str | None:
    if row.level.parent_field is None:
        return None
    expected = LEVELS[_RANK[row.level.name] - 1]
    if row.parent_code in in_file:
        found = in_file[row.parent_code].level
        if found is None:
            # The parent is refused for its level; saying more about the child would guess.
            return None
    else:
        found = next((level for level in LEVELS if row.parent_code in in_db[level.name]), None)
    if found is None:
        return _("unknown parent %(parent)s: it is neither in the file nor in the database.") % {
            "parent": row.parent_code
        }
    if found is not expected:
        return _("the parent %(parent)s is a %(found)s, but the parent of a %(level)s must be a %(expected)s.") % {
            "parent": row.parent_code,
            "found": _label(found),
            "level": _label(row.level),
            "expected": _label(expected),
        }
    if not row.code.startswith(row.parent_code):
        return _("the code does not start with its parent's code %(parent)s.") % {"parent": row.parent_code}
    return None


def _write(rows: list[_Row], parent_ids: dict[str, dict[str, int]], progress: Progress) -> ImportResult:
    now = timezone.now()
    created = updated = unchanged = 0
    # {level name: {code: id}} of every area a later level may name as its parent.
    ids: dict[str, dict[str, int]] = {level.name: dict(parent_ids[level.name]) for level in LEVELS}
    for rank, level in enumerate(LEVELS):
        level_rows = [row for row in rows if row.level is level]
        if not level_rows:
            continue
        parent_ids_here = ids[LEVELS[rank - 1].name] if level.parent_field else {}
        existing = _objects_by_code(level.model, [row.code for row in level_rows])
        to_create, to_update = [], []
        for row in level_rows:
            parent_id = parent_ids_here.get(row.parent_code)
            obj = existing.get(row.code)
            if obj is None:
                obj = level.model(code=row.code)
                _assign(obj, level, row, parent_id, now)
                to_create.append(obj)
            elif _differs(obj, level, row, parent_id):
                _assign(obj, level, row, parent_id, now)
                to_update.append(obj)
            else:
                unchanged += 1

        fields = ["name", "boundary", "updated_at"]
        if level.parent_field:
            fields.append(f"{level.parent_field}_id")
        if level.model is GridCell:
            fields += ["min_lat", "min_lng", "max_lat", "max_lng"]
        desc = _("writing %(level)s") % {"level": _label(level)}
        for batch in _batches(to_create, progress, desc):
            level.model.objects.bulk_create(batch)
        for batch in _batches(to_update, progress, desc):
            # An upsert on the primary key rather than bulk_update(): bulk_update builds a
            # CASE WHEN per row and field, which takes minutes for tens of thousands of cells.
            level.model.objects.bulk_create(batch, update_conflicts=True, unique_fields=["pk"], update_fields=fields)
        created += len(to_create)
        updated += len(to_update)

        if rank + 1 < len(LEVELS):
            ids[level.name].update((code, obj.pk) for code, obj in existing.items())
            # Not every backend returns ids from a bulk insert; fetch the ones missing.
            ids[level.name].update((obj.code, obj.pk) for obj in to_create if obj.pk is not None)
            ids[level.name].update(_ids_by_code(level.model, [obj.code for obj in to_create if obj.pk is None]))
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


def _differs(obj: models.Model, level: _Level, row: _Row, parent_id: int | None) -> bool:
    if obj.name != row.name:
        return True
    if level.parent_field and getattr(obj, f"{level.parent_field}_id") != parent_id:
        return True
    # A feature without geometry keeps the boundary it has.
    return row.boundary is not None and obj.boundary != row.boundary


def _assign(obj: models.Model, level: _Level, row: _Row, parent_id: int | None, now: datetime) -> None:
    obj.name = row.name
    if level.parent_field:
        setattr(obj, f"{level.parent_field}_id", parent_id)
    if row.boundary is not None:
        obj.boundary = row.boundary
    if isinstance(obj, GridCell):
        # Bulk writes skip save(), which is where the bounding box is usually derived.
        obj.apply_bbox()
    # Set by hand rather than trusting each bulk path with auto_now: routing notices edited
    # cells by it and must not keep serving the old shapes.
    obj.updated_at = now


def _batches(items: list, progress: Progress, desc: str) -> Iterator[list]:
    if not items:
        return
    batch = []
    for item in progress(items, desc=desc, total=len(items)):
        batch.append(item)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _chunks(items: list) -> Iterator[list]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _ids_by_code(model: type[models.Model], codes: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(codes)):
        found.update(model.objects.filter(code__in=chunk).values_list("code", "id"))
    return found


def _objects_by_code(model: type[models.Model], codes: list[str]) -> dict[str, models.Model]:
    found: dict[str, models.Model] = {}
    for chunk in _chunks(codes):
        found.update((obj.code, obj) for obj in model.objects.filter(code__in=chunk))
    return found
