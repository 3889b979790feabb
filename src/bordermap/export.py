"""Writing features to files: GeoJSON, CSV (ACLED-style columns) and GeoPackage.

Every writer takes any iterable of :class:`~bordermap.features.Feature` (a list or a
generator that yields them article by article), returns how many it wrote, and is
atomic: the output goes to a temporary file next to the target that replaces the
target only once it is complete, so a failure leaves an existing file as it was.
See ``docs/contract.md`` for the columns and the layout of each format.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import stat
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from bordermap.features import LAYERS, PROPERTY_NAMES, Feature, geometry_to_geojson

if TYPE_CHECKING:
    import geopandas as gpd

FORMATS = ("geojson", "csv", "gpkg")

_SUFFIX_FORMATS = {".geojson": "geojson", ".json": "geojson", ".csv": "csv", ".gpkg": "gpkg"}

# ACLED's columns first, in ACLED's order, then bordermap's own.
ACLED_COLUMNS = (
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
)
BORDERMAP_COLUMNS = (
    "feature_id",
    "event_id",
    "layer",
    "status",
    "article_id",
    "place_id",
    "mention",
    "quote_start",
    "quote_end",
    "date_start",
    "date_end",
)
CSV_COLUMNS = ACLED_COLUMNS + BORDERMAP_COLUMNS

# layer -> (ACLED event_type, default sub_event_type); a feature's own
# sub_event_type, when it has one, replaces the default.
EVENT_TYPES: dict[str, tuple[str, str | None]] = {
    "strike": ("Explosions/Remote violence", "Air/drone strike"),
    "outpost": ("Strategic developments", "Headquarters or base established"),
    "sweep": ("Strategic developments", "Change to group/activity"),
    "place": ("Place mention", None),
}
# date_precision -> time_precision; "unknown" leaves the cell empty.
TIME_PRECISION: dict[str, int | None] = {
    "day": 1,
    "month": 2,
    "year": 3,
    "approximate": 3,
    "unknown": None,
}
GEO_PRECISION = {"exact": 1, "near": 2, "region": 3}

# Columns of the GeoPackage layers that are not text.
_INT_COLUMNS = ("mention_start", "mention_end", "quote_start", "quote_end")
_NULLABLE_INT_COLUMNS = ("fatalities",)
# A GeoPackage layer buffers this many features, or features with this many
# coordinates in all, before appending them to the file.
_GPKG_BATCH = 2000
_GPKG_BATCH_COORDINATES = 1_000_000


def guess_format(path: str | os.PathLike[str]) -> str:
    """The output format that the suffix of ``path`` names.

    Raises
    ------
    ValueError
        When the suffix is not one of ``.geojson``, ``.json``, ``.csv``, ``.gpkg``.
    """
    suffix = Path(path).suffix.lower()
    try:
        return _SUFFIX_FORMATS[suffix]
    except KeyError:
        known = ", ".join(_SUFFIX_FORMATS)
        raise ValueError(
            f"cannot tell the output format from {os.fspath(path)!r} (suffix {suffix!r}); "
            f"use one of {known} or give the format"
        ) from None


def write(
    features: Iterable[Feature], path: str | os.PathLike[str], format: str | None = None
) -> int:
    """Write ``features`` to ``path`` in ``format`` (by default, guessed from the suffix)."""
    fmt = format or guess_format(path)
    writers: dict[str, Callable[[Iterable[Feature], str | os.PathLike[str]], int]] = {
        "geojson": write_geojson,
        "csv": write_csv,
        "gpkg": write_gpkg,
    }
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return writers[fmt](features, path)


# --- atomic replacement -------------------------------------------------------------


@contextmanager
def atomic_target(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a fresh temporary path next to ``path``; on success it replaces ``path``.

    The temporary file is created empty (mode from the umask, so the result has the
    permissions a plain ``open`` would give it, or those of the file it replaces) in
    the target's own directory and keeps the target's suffix, since some drivers
    read the format from it. When the body returns, the file is flushed to disk and
    moved over ``path`` in one ``os.replace``; when the body raises, the temporary
    file (and any SQLite side file next to it) is removed and ``path`` is untouched.
    """
    target = Path(path)
    directory = target.parent
    while True:
        tmp = directory / f".{target.name}.{secrets.token_hex(6)}.tmp{target.suffix}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        break
    try:
        yield tmp
        _fsync(tmp)
        with suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, *(Path(f"{tmp}{side}") for side in ("-journal", "-wal", "-shm"))):
            with suppress(FileNotFoundError):
                os.unlink(leftover)
        raise
    _fsync_directory(directory)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


# --- GeoJSON ------------------------------------------------------------------------


def write_geojson(
    features: Iterable[Feature],
    path: str | os.PathLike[str],
    *,
    metadata: Mapping[str, Any] | None = None,
) -> int:
    """Write an RFC 7946 FeatureCollection, one Feature per line.

    ``metadata`` members are added to the top-level object, before ``features``
    (RFC 7946 "foreign members"); they must be JSON-serialisable and may not be
    named ``type`` or ``features``. The same features and metadata always give the
    same bytes: UTF-8 without escaping, properties in contract order, no timestamps.

    Raises
    ------
    ValueError
        When a value cannot be written as JSON (e.g. a NaN coordinate).
    """
    head: dict[str, Any] = {"type": "FeatureCollection"}
    for key, value in (metadata or {}).items():
        if key in ("type", "features"):
            raise ValueError(f"metadata may not set the member {key!r}")
        head[key] = value
    opening = _dumps(head)[:-1] + ", "  # the object without its closing brace
    count = 0
    with atomic_target(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as out:
        out.write(opening + '"features": [')
        geometries = _GeometryJSON()
        for feature in features:
            out.write(",\n" if count else "\n")
            # the same bytes as _dumps(feature.to_geojson()), with each place's geometry
            # oriented and encoded once
            out.write(
                '{"type": "Feature", "id": '
                + _dumps(feature.feature_id)
                + ', "properties": '
                + _dumps(feature.properties())
                + ', "geometry": '
                + geometries.encode(feature.geometry)
                + "}"
            )
            count += 1
        out.write("\n]}\n")
    return count


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False)


class _GeometryJSON:
    """Encodes geometries as GeoJSON text, remembering the most recent ones.

    Features of one place share one geometry object (a country polygon is hundreds of
    points), so keying by object identity saves most of the work; the entries hold
    their geometry, so an identity is never reused while it is remembered.
    """

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._memo: OrderedDict[int, tuple[BaseGeometry, str]] = OrderedDict()

    def encode(self, geom: BaseGeometry) -> str:
        key = id(geom)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is geom:
            self._memo.move_to_end(key)
            return hit[1]
        text = _dumps(geometry_to_geojson(geom))
        self._memo[key] = (geom, text)
        if len(self._memo) > self._size:
            self._memo.popitem(last=False)
        return text


# --- CSV ----------------------------------------------------------------------------


def write_csv(features: Iterable[Feature], path: str | os.PathLike[str]) -> int:
    """Write one row per feature with :data:`CSV_COLUMNS` (a header row; empty cell = null)."""
    count = 0
    with atomic_target(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for feature in features:
            row = csv_row(feature)
            writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
            count += 1
    return count


def csv_row(feature: Feature) -> dict[str, Any]:
    """The CSV columns of one feature (``None`` where the cell is empty)."""
    event_type, default_sub_type = EVENT_TYPES[feature.layer]
    lat, lon = representative_latlon(feature.geometry)
    source_parts = (feature.article_outlet, feature.article_title, feature.article_id)
    return {
        "event_date": feature.date_start,
        "time_precision": TIME_PRECISION.get(feature.date_precision),
        "event_type": event_type,
        "sub_event_type": feature.sub_event_type or default_sub_type,
        "actor1": feature.actor,
        "admin1": feature.admin1,
        "location": feature.place_name,
        "latitude": lat,
        "longitude": lon,
        "geo_precision": GEO_PRECISION.get(feature.geo_precision),
        "source": " | ".join(p for p in source_parts if p),
        "notes": feature.quote,
        "fatalities": feature.fatalities,
        "feature_id": feature.feature_id,
        "event_id": feature.event_id,
        "layer": feature.layer,
        "status": feature.status,
        "article_id": feature.article_id,
        "place_id": feature.place_id,
        "mention": feature.mention,
        "quote_start": feature.quote_start,
        "quote_end": feature.quote_end,
        "date_start": feature.date_start,
        "date_end": feature.date_end,
    }


def representative_latlon(geom: BaseGeometry) -> tuple[float | None, float | None]:
    """Latitude and longitude (6 decimals) of a point that lies on ``geom``.

    A point is itself; an area or line gives shapely's ``representative_point``,
    which, unlike the centroid, is always inside the shape. Empty gives ``None``.
    """
    if geom.is_empty:
        return None, None
    point = geom if geom.geom_type == "Point" else geom.representative_point()
    return round(point.y, 6), round(point.x, 6)


# --- GeoPackage ---------------------------------------------------------------------


def write_gpkg(features: Iterable[Feature], path: str | os.PathLike[str]) -> int:
    """Write a GeoPackage with one layer per map layer: strike, outpost, sweep, place.

    All four layers are always there, in that order, even when empty, so a QGIS
    project or a script can rely on them. Each has every feature property as a
    column (offsets as integers, dates as ``YYYY-MM-DD`` text) and a generic
    geometry column (``GEOMETRY``, EPSG:4326) so points, lines and polygons share a
    layer. Features are appended in batches, so memory stays flat on long inputs.
    """
    import pyogrio  # heavy (GDAL); only this writer needs it

    buffers: dict[str, list[Feature]] = {layer: [] for layer in LAYERS}
    coordinates = dict.fromkeys(LAYERS, 0)
    count = 0
    with atomic_target(path) as tmp:

        def flush(layer: str, *, create: bool = False) -> None:
            frame = _gpkg_frame(buffers[layer])
            pyogrio.write_dataframe(
                frame,
                tmp,
                layer=layer,
                driver="GPKG",
                geometry_type="Unknown",
                promote_to_multi=False,
                append=not create,
            )
            buffers[layer].clear()
            coordinates[layer] = 0

        for layer in LAYERS:
            flush(layer, create=True)
        for feature in features:
            if feature.layer not in buffers:
                raise ValueError(
                    f"feature {feature.feature_id!r} has layer {feature.layer!r}, "
                    f"not one of {', '.join(LAYERS)}"
                )
            buffers[feature.layer].append(feature)
            coordinates[feature.layer] += shapely.get_num_coordinates(feature.geometry)
            count += 1
            if (
                len(buffers[feature.layer]) >= _GPKG_BATCH
                or coordinates[feature.layer] >= _GPKG_BATCH_COORDINATES
            ):
                flush(feature.layer)
        for layer in LAYERS:
            if buffers[layer]:
                flush(layer)
    return count


def _gpkg_frame(features: list[Feature]) -> gpd.GeoDataFrame:
    """A GeoDataFrame of ``features`` with fixed column types (also when empty)."""
    import geopandas as gpd  # heavy; imported only when a GeoPackage is written
    import pandas as pd

    columns: dict[str, Any] = {}
    for name in PROPERTY_NAMES:
        values = [getattr(f, name) for f in features]
        if name in _INT_COLUMNS:
            columns[name] = pd.Series(values, dtype="int64")
        elif name in _NULLABLE_INT_COLUMNS:
            columns[name] = pd.Series(values, dtype="Int64")
        else:
            columns[name] = pd.Series(values, dtype=object)
    geometry = gpd.GeoSeries([_oriented(f.geometry) for f in features], crs="EPSG:4326")
    return gpd.GeoDataFrame(columns, geometry=geometry, crs="EPSG:4326")


def _oriented(geom: BaseGeometry) -> BaseGeometry:
    """Polygons with counter-clockwise exterior rings, as in the GeoJSON export."""
    if geom.geom_type == "Polygon":
        return orient(geom, sign=1.0)
    if geom.geom_type == "MultiPolygon":
        return type(geom)([orient(p, sign=1.0) for p in geom.geoms])
    return geom
