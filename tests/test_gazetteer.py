"""The committed gazetteer (geo/gazetteer.geojson) and its loader, with real figures."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import Point, mapping

from bordermap.errors import GazetteerError
from bordermap.gazetteer import (
    DEFAULT_PATH,
    IRAQI_SIDE_ID,
    KINDS,
    STRIP_ID,
    SYRIAN_SIDE_ID,
    Gazetteer,
    load,
    normalize,
)

GEOD = Geod(ellps="WGS84")
BAAJ = Point(41.7163, 36.0426)
RAMADI = Point(43.3078, 33.4206)


def km2(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def metric_around(point: Point) -> Transformer:
    crs = CRS.from_proj4(f"+proj=aeqd +lat_0={point.y} +lon_0={point.x} +datum=WGS84 +units=m")
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def to_metric(geom: shapely.Geometry, transformer: Transformer) -> shapely.Geometry:
    return shapely.transform(
        geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load()


@pytest.fixture(scope="module")
def gaz10() -> Gazetteer:
    return load(strip_km=10)


# --------------------------------------------------------------------------- contents


def test_default_path_is_the_repository_file(gaz: Gazetteer) -> None:
    repo = Path(__file__).resolve().parents[1]
    assert repo / "geo" / "gazetteer.geojson" == DEFAULT_PATH
    assert gaz.path == str(DEFAULT_PATH)
    assert gaz.strip_km == 25.0


def test_every_kind_is_present(gaz: Gazetteer) -> None:
    counts = {kind: len(gaz.of_kind(kind)) for kind in KINDS}
    assert all(counts.values()), counts
    assert counts["town"] > 400
    assert counts["governorate"] == 32  # 18 Iraqi + 14 Syrian, no UNDOF zone
    assert sum(counts.values()) == len(gaz)


@pytest.mark.parametrize(
    "place_id, kind, name",
    [
        ("country:IRQ", "country", "Iraq"),
        ("country:SYR", "country", "Syria"),
        ("country:TUR", "country", "Turkey"),
        ("country:JOR", "country", "Jordan"),
        ("adm1:IQ-AN", "governorate", "Anbar"),
        ("adm1:IQ-NI", "governorate", "Nineveh"),
        ("adm1:IQ-SD", "governorate", "Salah ad-Din"),
        ("adm1:SY-DY", "governorate", "Deir ez-Zor"),
        ("adm1:SY-HA", "governorate", "Hasakah"),
        ("gn:92138", "town", "al-Qaim"),
        ("gn:174448", "town", "Albu Kamal"),
        ("gn:95788", "town", "Hit"),
        ("border:IRQ-SYR", "border", "Iraq–Syria border"),
        ("border:IRQ-SYR:strip", "border", "Iraq–Syria border strip"),
        ("border-side:IRQ-SYR:IRQ", "border-side", "Iraqi side of the Iraq–Syria border"),
        ("border-side:IRQ-SYR:SYR", "border-side", "Syrian side of the Iraq–Syria border"),
        ("crossing:al-qaim", "crossing", "al-Qaim border crossing"),
        ("crossing:al-walid", "crossing", "al-Walid border crossing"),
        ("crossing:rabia", "crossing", "Rabia border crossing"),
        ("crossing:trebil", "crossing", "Trebil border crossing"),
        ("river:euphrates", "river", "Euphrates"),
        ("river:tigris", "river", "Tigris"),
        ("lake:tharthar", "lake", "Lake Tharthar"),
        ("lake:habbaniyah", "lake", "Lake Habbaniyah"),
        ("lake:razazah", "lake", "Lake Razazah"),
        ("lake:assad", "lake", "Lake Assad"),
        ("region:jazira", "region", "al-Jazira (Iraq)"),
    ],
)
def test_known_entries(gaz: Gazetteer, place_id: str, kind: str, name: str) -> None:
    place = gaz[place_id]
    assert (place.kind, place.name) == (kind, name)
    assert name in place.aliases


def test_no_undof_zone(gaz: Gazetteer) -> None:
    assert not [p.id for p in gaz.of_kind("governorate") if "X01" in p.id]


def test_boundary_is_599_km_and_runs_north_to_south(gaz: Gazetteer) -> None:
    line = gaz["border:IRQ-SYR"].geometry
    assert line.geom_type == "LineString"
    assert GEOD.geometry_length(line) / 1000 == pytest.approx(599, rel=0.02)
    (_, lat_start), (_, lat_end) = line.coords[0], line.coords[-1]
    assert lat_start > 37 > 33.5 > lat_end  # Turkey tripoint first, Jordan tripoint last


@pytest.mark.parametrize(
    "town_id, governorate_id, country_id",
    [
        ("gn:92138", "adm1:IQ-AN", "country:IRQ"),  # al-Qaim
        ("gn:174448", "adm1:SY-DY", "country:SYR"),  # Albu Kamal
        ("gn:95788", "adm1:IQ-AN", "country:IRQ"),  # Hit
        ("gn:99524", "adm1:IQ-NI", "country:IRQ"),  # al-Baaj
        ("gn:172837", "adm1:SY-HA", "country:SYR"),  # al-Shaddadi
        ("gn:90150", "adm1:IQ-SD", "country:IRQ"),  # Tikrit
    ],
)
def test_town_governorate_by_property_and_by_polygon(
    gaz: Gazetteer, town_id: str, governorate_id: str, country_id: str
) -> None:
    town = gaz[town_id]
    assert town.governorate == governorate_id
    assert town.country == country_id
    assert gaz[governorate_id].geometry.covers(town.geometry)
    assert [p.id for p in gaz.containing(town.geometry)] == [country_id, governorate_id]


def test_every_town_lies_in_a_governorate_of_its_own_country(gaz: Gazetteer) -> None:
    for town in gaz.of_kind("town"):
        assert town.country in ("country:IRQ", "country:SYR"), town.id
        assert town.governorate is not None, town.id
        assert gaz[town.governorate].country == town.country, town.id


def test_crossings_lie_on_the_iraqi_side(gaz: Gazetteer) -> None:
    iraq = gaz["country:IRQ"].geometry
    for crossing in gaz.of_kind("crossing"):
        assert crossing.country == "country:IRQ"
        assert iraq.contains(crossing.geometry), crossing.id
        assert gaz[crossing.governorate].geometry.covers(crossing.geometry), crossing.id


def test_hit_lies_within_4_km_of_the_euphrates(gaz: Gazetteer) -> None:
    hit = gaz["gn:95788"].geometry
    metric = metric_around(hit)
    river = to_metric(gaz["river:euphrates"].geometry, metric)
    assert to_metric(hit, metric).distance(river) < 4000


def test_rivers_are_long_single_lines(gaz: Gazetteer) -> None:
    for rid, low, high in (("river:euphrates", 1400, 1700), ("river:tigris", 1100, 1400)):
        river = gaz[rid].geometry
        assert river.geom_type == "LineString", rid
        assert low < GEOD.geometry_length(river) / 1000 < high, rid


def test_jazira_contains_baaj_and_not_ramadi(gaz: Gazetteer) -> None:
    jazira = gaz["region:jazira"].geometry
    assert jazira.contains(BAAJ)
    assert not jazira.contains(RAMADI)
    assert 40_000 < km2(jazira) < 60_000
    assert gaz["country:IRQ"].geometry.buffer(1e-4).contains(jazira)


def test_strip_sides_partition_the_strip(gaz: Gazetteer) -> None:
    strip = gaz[STRIP_ID].geometry
    iraqi, syrian = gaz[IRAQI_SIDE_ID].geometry, gaz[SYRIAN_SIDE_ID].geometry
    assert not iraqi.is_empty and not syrian.is_empty
    assert km2(shapely.intersection(iraqi, syrian)) < 1.0
    assert km2(shapely.symmetric_difference(shapely.union(iraqi, syrian), strip)) < 1.0
    assert gaz["country:IRQ"].geometry.buffer(1e-4).contains(iraqi)
    assert gaz["country:SYR"].geometry.buffer(1e-4).contains(syrian)
    assert gaz[IRAQI_SIDE_ID].country == "country:IRQ"
    assert gaz[SYRIAN_SIDE_ID].country == "country:SYR"


@pytest.mark.parametrize("side_id", [IRAQI_SIDE_ID, SYRIAN_SIDE_ID])
def test_strip_side_areas_match_the_width(gaz: Gazetteer, gaz10: Gazetteer, side_id: str) -> None:
    length = GEOD.geometry_length(gaz["border:IRQ-SYR"].geometry) / 1000
    for g, width in ((gaz, 25.0), (gaz10, 10.0)):
        # a band `width` km wide along the 599 km line, plus the round caps at the ends
        assert 0.95 * width * length < km2(g[side_id].geometry) < 1.15 * width * length


def test_narrower_strip_on_load(gaz: Gazetteer, gaz10: Gazetteer) -> None:
    assert gaz10.strip_km == 10.0
    wide, narrow = gaz[STRIP_ID].geometry, gaz10[STRIP_ID].geometry
    assert km2(narrow) < 0.5 * km2(wide)
    assert shapely.difference(narrow, wide.buffer(1e-4)).is_empty
    assert "10 km" in gaz10[STRIP_ID].source
    # al-Qaim crossing is at the border: in both; al-Hol (12 km from it) only in the wide one
    qaim = gaz["crossing:al-qaim"].geometry
    hol = gaz["gn:173797"].geometry
    assert narrow.covers(qaim) and wide.covers(qaim)
    assert wide.covers(hol) and not narrow.covers(hol)
    # everything else is the same
    assert gaz10["border:IRQ-SYR"].geometry.equals(gaz["border:IRQ-SYR"].geometry)


def test_load_rejects_a_bad_strip_width() -> None:
    with pytest.raises(ValueError, match="strip_km"):
        load(strip_km=0)


def test_load_is_fast() -> None:
    start = time.perf_counter()
    load()
    assert time.perf_counter() - start < 2.0  # about 0.1 s on a laptop


# --------------------------------------------------------------------------- aliases


@pytest.mark.parametrize(
    "text, place_id",
    [
        ("Heet", "gn:95788"),
        ("Hit", "gn:95788"),
        ("Shaddadi", "gn:172837"),
        ("al-Shaddadi", "gn:172837"),
        ("Abu Kamal", "gn:174448"),
        ("Boukamal", "gn:174448"),
        ("Albu Kamal", "gn:174448"),
        ("Husaybah", "gn:92138"),
        ("Baaj", "gn:99524"),
        ("Tal Afar", "gn:90393"),
        ("Talafar", "gn:90393"),
        ("Hatra", "gn:99413"),
        ("Qamishli", "gn:173377"),
        ("al-Jazeera", "region:jazira"),
        ("al-Jazeera desert", "region:jazira"),
        ("الجزيرة", "region:jazira"),
        ("Anbar", "adm1:IQ-AN"),
        ("Anbar province", "adm1:IQ-AN"),
        ("Salahuddin", "adm1:IQ-SD"),
        ("Ninawa", "adm1:IQ-NI"),
        ("Deir ez-Zor province", "adm1:SY-DY"),
        ("Syrian Arab Republic", "country:SYR"),
        ("العراق", "country:IRQ"),
        ("al-Waleed", "crossing:al-walid"),
        ("al-Tanf", "crossing:al-walid"),
        ("Trebil", "crossing:trebil"),
        ("Rabia crossing", "crossing:rabia"),
        ("Iraqi-Syrian border", "border:IRQ-SYR:strip"),
        ("Iraqi side of the border", IRAQI_SIDE_ID),
        ("al-Furat", "river:euphrates"),
        ("Dijla", "river:tigris"),
        ("Lake Tharthar", "lake:tharthar"),
    ],
)
def test_lookup_finds_one_entry(gaz: Gazetteer, text: str, place_id: str) -> None:
    assert [p.id for p in gaz.lookup(text)] == [place_id]


def test_sinjar_is_ambiguous(gaz: Gazetteer) -> None:
    found = gaz.lookup("Sinjar")
    assert {p.id for p in found} == {"gn:448149", "gn:164094"}
    assert {p.country for p in found} == {"country:IRQ", "country:SYR"}
    assert gaz.ambiguous[normalize("Sinjar")] == ("gn:164094", "gn:448149")


def test_shared_aliases_are_recorded_as_ambiguous(gaz: Gazetteer) -> None:
    assert gaz.ambiguous["qaim"] == ("crossing:al-qaim", "gn:92138")
    assert {"adm1:SY-DY", "gn:170794"} == set(gaz.ambiguous[normalize("Deir ez-Zor")])
    assert all(len(ids) > 1 for ids in gaz.ambiguous.values())
    assert set(gaz.ambiguous) <= set(gaz.alias_index)
    assert gaz.lookup("no such place anywhere") == ()


def test_every_alias_resolves_to_its_entry(gaz: Gazetteer) -> None:
    for place in gaz:
        assert place.name in place.aliases, place.id
        for alias in place.aliases:
            key = normalize(alias)
            assert key, (place.id, alias)
            assert place.id in gaz.alias_index[key], (place.id, alias)
            assert place in gaz.lookup(alias)


def test_aliases_are_fit_for_matching_text(gaz: Gazetteer) -> None:
    airport_code = re.compile(r"[A-Z]{3,4}")
    for place in gaz:
        assert list(place.aliases) == sorted(set(place.aliases)), place.id
        for alias in place.aliases:
            assert len(alias) >= 3, (place.id, alias)
            assert not airport_code.fullmatch(alias), (place.id, alias)
            assert alias == alias.strip(), (place.id, alias)


@pytest.mark.parametrize("word", ["seen", "tell", "tall", "sham", "sadr", "hero", "khan", "nazi"])
def test_ordinary_words_do_not_name_places_by_an_alternate(gaz: Gazetteer, word: str) -> None:
    assert all(normalize(p.name) == word for p in gaz.lookup(word)), word


def test_haditha_is_not_a_lake(gaz: Gazetteer) -> None:
    assert [p.id for p in gaz.lookup("Haditha")] == ["gn:96309"]


# --------------------------------------------------------------------------- API


def test_container_protocol(gaz: Gazetteer) -> None:
    assert "gn:92138" in gaz and "gn:0" not in gaz
    assert len(list(gaz)) == len(gaz) == len(gaz.places)
    assert [p.id for p in gaz] == sorted(gaz.places)
    with pytest.raises(KeyError):
        gaz["gn:0"]


def test_of_kind_rejects_unknown_kinds(gaz: Gazetteer) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        gaz.of_kind("city")


def test_to_geodataframe(gaz: Gazetteer) -> None:
    df = gaz.to_geodataframe()
    assert list(df.columns) == [
        "id", "name", "kind", "country", "governorate", "population", "source", "geometry",
    ]  # fmt: skip
    assert df.crs.to_epsg() == 4326
    assert len(df) == len(gaz)
    row = df.set_index("id").loc["gn:98182"]
    assert row["population"] > 5_000_000 and row["governorate"] == "adm1:IQ-BG"


# --------------------------------------------------------------------------- broken files


def square(lon: float, lat: float, size: float = 0.5) -> dict:
    return mapping(shapely.box(lon, lat, lon + size, lat + size))


def feature(pid: str, kind: str, geometry: dict | None, **props: object) -> dict:
    base = {
        "id": pid,
        "name": pid.split(":")[-1],
        "kind": kind,
        "aliases": [pid.split(":")[-1]],
        "name_ar": None,
        "country": None,
        "governorate": None,
        "population": None,
        "source": "test",
    }
    base.update(props)
    return {"type": "Feature", "id": pid, "properties": base, "geometry": geometry}


def write(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def test_a_small_valid_file_loads(tmp_path: Path) -> None:
    town = feature(
        "gn:1", "town", mapping(Point(42.1, 33.1)), name="Qasr", aliases=["Qasr", "al-Qasr"]
    )
    town["properties"]["country"] = "country:IRQ"
    path = write(tmp_path / "ok.geojson", [feature("country:IRQ", "country", square(42, 33)), town])
    small = load(path, strip_km=7)  # no strip entries: nothing to recompute
    assert len(small) == 2 and small.strip_km == 7
    assert [p.id for p in small.lookup("Al Qasr")] == ["gn:1"]
    assert [p.id for p in small.containing(Point(42.1, 33.1))] == ["country:IRQ"]


def test_a_broken_file_is_rejected_with_every_problem(tmp_path: Path) -> None:
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[40, 33], [41, 34], [41, 33], [40, 34], [40, 33]]],
    }
    nameless = feature("gn:3", "town", mapping(Point(40.5, 34.5)))
    del nameless["properties"]["name"]
    path = write(
        tmp_path / "broken.geojson",
        [
            feature("country:IRQ", "country", square(42, 33)),
            feature("country:IRQ", "country", square(43, 33)),  # duplicate id
            feature("x:1", "city", mapping(Point(42, 33))),  # unknown kind
            feature("gn:1", "town", {"type": "Point", "coordinates": []}),  # empty geometry
            feature("gn:2", "town", mapping(Point(2.35, 48.85))),  # Paris: outside the region
            feature("adm1:XX-BT", "governorate", bow_tie),  # invalid polygon
            nameless,  # missing name
            feature("gn:4", "town", mapping(Point(41, 35)), governorate="adm1:IQ-ZZ"),  # dangling
        ],
    )
    with pytest.raises(GazetteerError) as info:
        load(path)
    err = info.value
    assert err.path == str(path)
    assert str(path) in str(err)
    problems = "\n".join(err.problems)
    expected = [
        r"feature 1 \('country:IRQ'\): duplicate id 'country:IRQ' \(first used by feature 0\)",
        r"feature 2 \('x:1'\): unknown kind 'city'",
        r"feature 3 \('gn:1'\): geometry is empty",
        r"feature 4 \('gn:2'\): geometry lies outside the region",
        r"feature 5 \('adm1:XX-BT'\): geometry is invalid \(Self-intersection",
        r"feature 6 \('gn:3'\): missing properties: name",
        r"feature 7 \('gn:4'\): governorate 'adm1:IQ-ZZ' refers to no entry",
    ]
    for pattern in expected:
        assert re.search(pattern, problems), (pattern, problems)
    assert len(err.problems) == len(expected) + 1  # + "'name' must be a non-empty string"


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"type": "FeatureCollection", "features": [', "invalid JSON"),
        ("", "invalid JSON"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection"}', "no 'features' list"),
        ('{"type": "FeatureCollection", "features": [42]}', "feature 0: is not a GeoJSON Feature"),
    ],
)
def test_unusable_files_give_one_gazetteer_error(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(content, "utf-8")
    with pytest.raises(GazetteerError, match=re.escape(message)) as info:
        load(path)
    assert info.value.path == str(path)


def test_a_missing_file_gives_a_gazetteer_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.geojson"
    with pytest.raises(GazetteerError, match="cannot read the file") as info:
        load(path)
    assert info.value.path == str(path) and len(info.value.problems) == 1


def test_strip_entries_need_their_width(tmp_path: Path) -> None:
    data = json.loads(DEFAULT_PATH.read_text("utf-8"))
    for f in data["features"]:
        if f["id"] == STRIP_ID:
            del f["properties"]["width_km"]
    path = tmp_path / "nowidth.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(GazetteerError, match="strip entries need a positive 'width_km'"):
        load(path)
