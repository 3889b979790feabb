"""The feature contract (docs/contract.md) as a checker that tests import.

Import it as ``from contract import check_feature_collection`` (pytest puts the
``tests`` folder on ``sys.path``).

``check_feature_collection(fc, texts)`` returns one message per broken rule, so a
test can ``assert not problems, "\\n".join(problems)``. ``texts`` maps an article id
to the whole text of its file. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

LAYERS = frozenset({"strike", "outpost", "sweep", "place"})
STATUSES = frozenset({"reported", "planned"})
DATE_PRECISIONS = frozenset({"day", "month", "year", "approximate", "unknown"})
GEO_PRECISIONS = frozenset({"exact", "near", "region"})

# property -> (allowed types, may be null)
PROPERTIES: dict[str, tuple[tuple[type, ...], bool]] = {
    "feature_id": ((str,), False),
    "layer": ((str,), False),
    "event_id": ((str,), True),
    "status": ((str,), False),
    "article_id": ((str,), False),
    "article_title": ((str,), True),
    "published": ((str,), True),
    "place_id": ((str,), False),
    "place_name": ((str,), False),
    "mention": ((str,), False),
    "mention_start": ((int,), False),
    "mention_end": ((int,), False),
    "quote": ((str,), False),
    "quote_start": ((int,), False),
    "quote_end": ((int,), False),
    "speaker": ((str,), True),
    "actor": ((str,), True),
    "fatalities": ((int,), True),
    "date_start": ((str,), True),
    "date_end": ((str,), True),
    "date_precision": ((str,), False),
    "geo_precision": ((str,), False),
}
# Extras are optional, but when present they are text or null.
EXTRAS = (
    "place_kind",
    "geo_reason",
    "trigger",
    "sub_event_type",
    "date_text",
    "admin1",
    "country",
    "article_outlet",
    "article_url",
)
GEOMETRY_TYPES = frozenset(
    {
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }
)


def check_feature_collection(
    fc: dict[str, Any], texts: dict[str, str], *, allow_empty: bool = False
) -> list[str]:
    """Every way ``fc`` breaks the contract, one message each; empty when it holds."""
    if not isinstance(fc, dict) or fc.get("type") != "FeatureCollection":
        return ["the top level is not a FeatureCollection"]
    features = fc.get("features")
    if not isinstance(features, list):
        return ["the FeatureCollection has no features list"]
    if not features and not allow_empty:
        return ["the FeatureCollection has no features"]
    problems: list[str] = []
    seen_ids: set[str] = set()
    for i, feature in enumerate(features):
        problems.extend(_check_feature(i, feature, texts, seen_ids))
    return problems


def _check_feature(
    i: int, feature: Any, texts: dict[str, str], seen_ids: set[str]
) -> Iterator[str]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        yield f"feature {i}: not a GeoJSON Feature"
        return
    props = feature.get("properties")
    if not isinstance(props, dict):
        yield f"feature {i}: no properties object"
        return
    where = f"feature {i} ({props.get('feature_id', '?')})"

    for name, (types, nullable) in PROPERTIES.items():
        if name not in props:
            yield f"{where}: property {name} is missing" + (" (use null)" if nullable else "")
            continue
        value = props[name]
        if value is None:
            if not nullable:
                yield f"{where}: property {name} is null"
        elif isinstance(value, bool) or not isinstance(value, types):
            yield f"{where}: property {name} is {type(value).__name__}, not {types[0].__name__}"
    for name in EXTRAS:
        value = props.get(name)
        if value is not None and not isinstance(value, str):
            yield f"{where}: extra {name} is {type(value).__name__}, not text or null"

    for name, legal in (
        ("layer", LAYERS),
        ("status", STATUSES),
        ("date_precision", DATE_PRECISIONS),
        ("geo_precision", GEO_PRECISIONS),
    ):
        if name in props and props[name] not in legal:
            yield f"{where}: {name} {props[name]!r} is not one of {sorted(legal)}"

    fatalities = props.get("fatalities")
    if isinstance(fatalities, int) and fatalities < 0:
        yield f"{where}: fatalities {fatalities} is negative"

    dates = {}
    for name in ("published", "date_start", "date_end"):
        value = props.get(name)
        if isinstance(value, str):
            parsed = _iso_date(value)
            if parsed is None:
                yield f"{where}: {name} {value!r} is not a YYYY-MM-DD date"
            else:
                dates[name] = parsed
    if "date_start" in dates and "date_end" in dates and dates["date_start"] > dates["date_end"]:
        yield f"{where}: date_start {props['date_start']} is after date_end {props['date_end']}"

    fid = props.get("feature_id")
    if isinstance(fid, str):
        if fid in seen_ids:
            yield f"{where}: feature_id is not unique"
        seen_ids.add(fid)
        if "id" in feature and feature["id"] != fid:
            yield f"{where}: Feature id {feature['id']!r} differs from feature_id"

    yield from _check_offsets(where, props, texts)

    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        yield f"{where}: no geometry"
    else:
        yield from _check_geometry(where, geometry)


def _iso_date(value: str) -> dt.date | None:
    if len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _check_offsets(where: str, props: dict[str, Any], texts: dict[str, str]) -> Iterator[str]:
    text = texts.get(props.get("article_id"))  # type: ignore[arg-type]
    if text is None:
        yield f"{where}: article_id {props.get('article_id')!r} names no given article"
        return
    spans = {}
    for what in ("mention", "quote"):
        start, end = props.get(f"{what}_start"), props.get(f"{what}_end")
        if not _is_int(start) or not _is_int(end):
            continue  # already reported as a type problem
        if not 0 <= start < end <= len(text):
            yield f"{where}: {what} offsets {start}:{end} are outside the text ({len(text)})"
            continue
        if text[start:end] != props.get(what):
            yield (
                f"{where}: text[{what}_start:{what}_end] is {text[start:end]!r:.60}, "
                f"not the {what} {props.get(what)!r:.60}"
            )
        spans[what] = (start, end)
    if "mention" in spans and "quote" in spans:
        (ms, me), (qs, qe) = spans["mention"], spans["quote"]
        if not qs <= ms < me <= qe:
            yield f"{where}: the mention {ms}:{me} lies outside its quote {qs}:{qe}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_geometry(where: str, geometry: dict[str, Any]) -> Iterator[str]:
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        yield f"{where}: geometry type {kind!r} is not GeoJSON"
        return
    try:
        positions = list(_positions(geometry))
    except (TypeError, ValueError, KeyError) as exc:
        yield f"{where}: malformed {kind} coordinates ({exc})"
        return
    if not positions:
        yield f"{where}: empty geometry"
    bad = next((pos for pos in positions if not _is_position(pos)), None)
    if bad is not None:
        yield f"{where}: position {bad!r} is not a finite WGS84 [lon, lat]"
        return
    for polygon in _polygons(geometry):
        for r, ring in enumerate(polygon):
            if len(ring) < 4 or tuple(ring[0]) != tuple(ring[-1]):
                yield f"{where}: polygon ring {r} is not closed or has fewer than 4 positions"
                continue
            area = _signed_area(ring)
            if r == 0 and area <= 0:
                yield f"{where}: polygon exterior ring is not counter-clockwise (right-hand rule)"
            elif r > 0 and area >= 0:
                yield f"{where}: polygon hole {r} is not clockwise (right-hand rule)"


def _positions(geometry: dict[str, Any]) -> Iterator[Any]:
    kind, coords = geometry["type"], geometry.get("coordinates")
    if kind == "GeometryCollection":
        for g in geometry["geometries"]:
            yield from _positions(g)
        return
    depth = {
        "Point": 0,
        "MultiPoint": 1,
        "LineString": 1,
        "MultiLineString": 2,
        "Polygon": 2,
        "MultiPolygon": 3,
    }[kind]
    yield from _flatten(coords, depth)


def _flatten(coords: Any, depth: int) -> Iterator[Any]:
    if depth == 0:
        yield coords
        return
    if not isinstance(coords, list | tuple):
        raise TypeError(f"expected an array, got {type(coords).__name__}")
    for c in coords:
        yield from _flatten(c, depth - 1)


def _is_position(pos: Any) -> bool:
    if not isinstance(pos, list | tuple) or len(pos) not in (2, 3):
        return False
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pos):
        return False
    lon, lat = pos[0], pos[1]
    return all(math.isfinite(v) for v in pos) and -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0


def _polygons(geometry: dict[str, Any]) -> Iterator[list[Any]]:
    kind = geometry["type"]
    if kind == "Polygon":
        yield geometry["coordinates"]
    elif kind == "MultiPolygon":
        yield from geometry["coordinates"]
    elif kind == "GeometryCollection":
        for g in geometry["geometries"]:
            yield from _polygons(g)


def _signed_area(ring: list[Any]) -> float:
    """Shoelace formula: positive for a counter-clockwise ring in lon/lat."""
    total = 0.0
    for (x1, y1, *_), (x2, y2, *_) in pairwise(ring):
        total += x1 * y2 - x2 * y1
    return total / 2.0
