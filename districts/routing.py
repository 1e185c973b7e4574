"""Point → grid cell, the hot path of intake.

An in-process spatial index (shapely's STRtree) over every grid cell's boundary answers
"which cell holds this point". Each process keeps its own index and checks, with one cheap
aggregate query per lookup, whether the cells changed since it was built (count and latest
``updated_at``); an edited, added or deleted cell makes it rebuild, so it never serves a stale
shape, whichever process made the edit.

A point on an edge or vertex shared by several cells belongs to the one with the smallest
code, so that every process and every run routes it the same way.
"""

import threading
from dataclasses import dataclass

from django.db.models import Count, Max
from shapely import STRtree
from shapely.geometry import Point, shape

from districts.models import GridCell


@dataclass(frozen=True)
class _Index:
    version: tuple
    tree: STRtree
    ids: list[int]
    codes: list[str]
    shapes: list


_lock = threading.Lock()
_current: _Index | None = None


def _version() -> tuple:
    state = GridCell.objects.aggregate(n=Count("id"), latest=Max("updated_at"), top=Max("id"))
    return state["n"], state["latest"], state["top"]


def _build(version: tuple) -> _Index:
    rows = list(GridCell.objects.order_by("code").values_list("id", "code", "boundary"))
    shapes = [shape(boundary) for _, _, boundary in rows]
    return _Index(
        version=version,
        tree=STRtree(shapes),
        ids=[row[0] for row in rows],
        codes=[row[1] for row in rows],
        shapes=shapes,
    )


def _index() -> _Index:
    global _current
    version = _version()
    index = _current
    if index is None or index.version != version:
        with _lock:
            if _current is None or _current.version != version:
                _current = _build(version)
            index = _current
    return index


def locate_id(*, lat: float, lng: float) -> int | None:
    """The id of the grid cell that holds the point, or None outside every cell."""
    index = _index()
    point = Point(lng, lat)  # GeoJSON order: longitude first
    candidates = index.tree.query(point)
    holders = [i for i in candidates if index.shapes[i].covers(point)]
    if not holders:
        return None
    return index.ids[min(holders, key=lambda i: index.codes[i])]


def locate(*, lat: float, lng: float) -> GridCell | None:
    """The grid cell (with its community, street and district) holding the point, or None."""
    cell_id = locate_id(lat=lat, lng=lng)
    if cell_id is None:
        return None
    return GridCell.objects.select_related("community__street__district").get(pk=cell_id)


def reset() -> None:
    """Forget the index (tests; a process that knows the table was rewritten)."""
    global _current
    with _lock:
        _current = None
