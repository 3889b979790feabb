"""The writers: GeoJSON, CSV and GeoPackage round trips, atomicity, determinism."""

from __future__ import annotations

import csv
import json
import math
import os
import sqlite3
import stat
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from contract import check_feature_collection
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, shape

from bordermap import export
from bordermap.features import CONTRACT_PROPERTIES, LAYERS, PROPERTY_NAMES, Feature

ARTICLE_ID = "2017-04-20_diyaruna"
TEXT = (
    "---\n"
    "title: Iraqi jets strike ISIS near al-Qaim\n"
    "outlet: Diyaruna\n"
    "published: 2017-04-20\n"
    "---\n"
    "Iraqi jets strike ISIS near al-Qaim\n"
    "\n"
    "Iraqi F-16 jets struck ISIS hideouts near al-Qaim on April 19th, killing 36, "
    "the spokesman said.\n"
    "\n"
    "The army will build outposts along the border strip between Iraq and Syria.\n"
    "\n"
    "In April troops swept the desert of Anbar province.\n"
    "\n"
    "Boats patrolled the Euphrates.\n"
    "\n"
    "وقال المتحدث إن الطائرات قصفت مواقع في البوكمال.\n"
)
TEXTS = {ARTICLE_ID: TEXT}
QUOTES = {
    "strike": "Iraqi F-16 jets struck ISIS hideouts near al-Qaim on April 19th, killing 36, "
    "the spokesman said.",
    "outpost": "The army will build outposts along the border strip between Iraq and Syria.",
    "sweep": "In April troops swept the desert of Anbar province.",
    "river": "Boats patrolled the Euphrates.",
    "arabic": "وقال المتحدث إن الطائرات قصفت مواقع في البوكمال.",
}

# A clockwise square, so the writers must turn it round.
CLOCKWISE = Polygon([(40.0, 33.0), (40.0, 35.0), (42.0, 35.0), (42.0, 33.0)])
# An area with a counter-clockwise hole (wrong for RFC 7946 too).
HOLED = Polygon(
    [(39.0, 32.0), (39.0, 35.0), (43.0, 35.0), (43.0, 32.0)],
    [[(40.0, 33.0), (41.0, 33.0), (41.0, 34.0), (40.0, 34.0)]],
)
TWO_PARTS = MultiPolygon([CLOCKWISE, Polygon([(44.0, 30.0), (45.0, 30.0), (45.0, 31.0)])])


def make_feature(
    key: str, mention: str, *, layer: str, geometry: Any, n: int = 0, **props: Any
) -> Feature:
    """A feature of the article above with offsets computed from the text."""
    quote = QUOTES[key]
    quote_start = TEXT.index(quote)
    mention_start = TEXT.index(mention, quote_start)
    values: dict[str, Any] = {
        "feature_id": f"{ARTICLE_ID}:{quote_start}:{mention_start}:{n}",
        "layer": layer,
        "event_id": None if layer == "place" else f"{ARTICLE_ID}:e{quote_start}",
        "status": "reported",
        "article_id": ARTICLE_ID,
        "article_title": "Iraqi jets strike ISIS near al-Qaim",
        "published": "2017-04-20",
        "place_id": "gn:test",
        "place_name": mention,
        "mention": mention,
        "mention_start": mention_start,
        "mention_end": mention_start + len(mention),
        "quote": quote,
        "quote_start": quote_start,
        "quote_end": quote_start + len(quote),
        "speaker": None,
        "actor": None,
        "fatalities": None,
        "date_start": None,
        "date_end": None,
        "date_precision": "unknown",
        "geo_precision": "exact",
        "geometry": geometry,
        "article_outlet": "Diyaruna",
    }
    values.update(props)
    return Feature(**values)


def sample_features() -> list[Feature]:
    """One feature per layer and per geometry type: Point, Polygon, MultiPolygon, LineString."""
    return [
        make_feature(
            "strike",
            "al-Qaim",
            layer="strike",
            geometry=Point(41.1166, 34.3833),
            speaker="the spokesman",
            actor="Iraqi Air Force",
            fatalities=36,
            date_start="2017-04-19",
            date_end="2017-04-19",
            date_precision="day",
            place_kind="town",
            trigger="struck",
            date_text="April 19th",
            admin1="Anbar",
            country="Iraq",
        ),
        make_feature(
            "outpost",
            "border strip",
            layer="outpost",
            geometry=CLOCKWISE,
            status="planned",
            geo_precision="near",
            place_name="Iraq–Syria border strip",
        ),
        make_feature(
            "sweep",
            "Anbar",
            layer="sweep",
            geometry=HOLED,
            date_start="2017-04-01",
            date_end="2017-04-30",
            date_precision="month",
            geo_precision="region",
            sub_event_type="Disrupted weapons use",
        ),
        make_feature(
            "sweep",
            "Anbar",
            layer="sweep",
            geometry=TWO_PARTS,
            n=1,
            geo_precision="region",
            date_start="2017-01-01",
            date_end="2017-12-31",
            date_precision="year",
        ),
        make_feature(
            "river", "Euphrates", layer="place", geometry=LineString([(38, 36), (41, 34)])
        ),
        make_feature(
            "arabic",
            "البوكمال",
            layer="strike",
            geometry=Point(40.9167, 34.45),
            place_name="Abu Kamal",
            date_precision="approximate",
        ),
    ]


def test_sample_features_satisfy_the_contract() -> None:
    fc = {"type": "FeatureCollection", "features": [f.to_geojson() for f in sample_features()]}
    assert check_feature_collection(fc, TEXTS) == []


# --- format names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("out.geojson", "geojson"),
        ("out.json", "geojson"),
        ("OUT.GeoJSON", "geojson"),
        ("dir/out.csv", "csv"),
        ("out.gpkg", "gpkg"),
    ],
)
def test_guess_format(name: str, fmt: str) -> None:
    assert export.guess_format(name) == fmt
    assert fmt in export.FORMATS


@pytest.mark.parametrize("name", ["out.shp", "out", "out.txt", "out.geojson.bak"])
def test_guess_format_rejects_unknown_suffixes(name: str) -> None:
    with pytest.raises(ValueError, match="cannot tell the output format"):
        export.guess_format(name)


def test_write_rejects_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        export.write(sample_features(), tmp_path / "out.geojson", "kml")
    assert list(tmp_path.iterdir()) == []


# --- GeoJSON ------------------------------------------------------------------------


def read_geojson(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_geojson_passes_the_contract(tmp_path: Path) -> None:
    out = tmp_path / "out.geojson"
    features = sample_features()
    assert export.write_geojson(features, out) == len(features)
    fc = read_geojson(out)
    assert check_feature_collection(fc, TEXTS) == []
    assert [f["id"] for f in fc["features"]] == [f.feature_id for f in features]


def test_geojson_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "out.geojson"
    features = sample_features()
    export.write_geojson(features, out)
    for feature, written in zip(features, read_geojson(out)["features"], strict=True):
        assert written["type"] == "Feature"
        assert written["properties"] == feature.properties()
        assert shape(written["geometry"]).equals(feature.geometry)
        assert written["geometry"]["type"] == feature.geometry.geom_type


def test_geojson_properties_in_contract_order_then_extras(tmp_path: Path) -> None:
    out = tmp_path / "out.geojson"
    export.write_geojson(sample_features(), out)
    for written in read_geojson(out)["features"]:
        names = list(written["properties"])
        assert names[: len(CONTRACT_PROPERTIES)] == list(CONTRACT_PROPERTIES)
        assert names == list(PROPERTY_NAMES)
        # every contract property is present, null where unknown
        assert "speaker" in written["properties"]


def test_geojson_polygons_follow_the_right_hand_rule(tmp_path: Path) -> None:
    out = tmp_path / "out.geojson"
    export.write_geojson(sample_features(), out)
    geometries = {f["geometry"]["type"]: f["geometry"] for f in read_geojson(out)["features"]}
    assert set(geometries) == {"Point", "Polygon", "MultiPolygon", "LineString"}
    square = next(
        f["geometry"]["coordinates"]
        for f in read_geojson(out)["features"]
        if f["properties"]["layer"] == "outpost"
    )
    assert Polygon(square[0]).exterior.is_ccw  # the input ring was clockwise
    holed = next(
        f["geometry"]["coordinates"]
        for f in read_geojson(out)["features"]
        if f["geometry"]["type"] == "Polygon" and len(f["geometry"]["coordinates"]) == 2
    )
    assert Polygon(holed[0]).exterior.is_ccw
    assert not Polygon(holed[1]).exterior.is_ccw  # holes clockwise
    for part in geometries["MultiPolygon"]["coordinates"]:
        assert Polygon(part[0]).exterior.is_ccw


def test_geojson_is_utf8_without_escapes(tmp_path: Path) -> None:
    out = tmp_path / "out.geojson"
    export.write_geojson(sample_features(), out)
    raw = out.read_bytes()
    assert "البوكمال".encode() in raw
    assert "–".encode() in raw
    assert b"\\u" not in raw


def test_geojson_metadata_are_foreign_members(tmp_path: Path) -> None:
    out = tmp_path / "out.geojson"
    export.write_geojson(sample_features(), out, metadata={"bordermap": {"version": "0.1"}})
    fc = read_geojson(out)
    assert fc["type"] == "FeatureCollection"
    assert fc["bordermap"] == {"version": "0.1"}
    assert check_feature_collection(fc, TEXTS) == []


@pytest.mark.parametrize("member", ["type", "features"])
def test_geojson_metadata_cannot_replace_the_structure(tmp_path: Path, member: str) -> None:
    with pytest.raises(ValueError, match=member):
        export.write_geojson(sample_features(), tmp_path / "out.geojson", metadata={member: 1})
    assert list(tmp_path.iterdir()) == []


def test_geojson_of_no_features_is_an_empty_collection(tmp_path: Path) -> None:
    out = tmp_path / "out.geojson"
    assert export.write_geojson([], out) == 0
    fc = read_geojson(out)
    assert fc == {"type": "FeatureCollection", "features": []}
    assert check_feature_collection(fc, TEXTS, allow_empty=True) == []
    assert check_feature_collection(fc, TEXTS) == ["the FeatureCollection has no features"]


def test_geojson_refuses_non_finite_coordinates(tmp_path: Path) -> None:
    bad = make_feature("strike", "al-Qaim", layer="strike", geometry=Point(math.nan, 34.0))
    with pytest.raises(ValueError):
        export.write_geojson([bad], tmp_path / "out.geojson")
    assert list(tmp_path.iterdir()) == []


# --- CSV ----------------------------------------------------------------------------


def read_csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def test_csv_header_is_acled_then_bordermap(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    export.write_csv(sample_features(), out)
    header, _ = read_csv_rows(out)
    assert header == [
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
    ]


def test_csv_values(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    features = sample_features()
    assert export.write_csv(features, out) == len(features)
    _, rows = read_csv_rows(out)
    assert len(rows) == len(features)
    strike = rows[0]
    assert strike == {
        "event_date": "2017-04-19",
        "time_precision": "1",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actor1": "Iraqi Air Force",
        "admin1": "Anbar",
        "location": "al-Qaim",
        "latitude": "34.3833",
        "longitude": "41.1166",
        "geo_precision": "1",
        "source": f"Diyaruna | Iraqi jets strike ISIS near al-Qaim | {ARTICLE_ID}",
        "notes": QUOTES["strike"],
        "fatalities": "36",
        "feature_id": features[0].feature_id,
        "event_id": features[0].event_id,
        "layer": "strike",
        "status": "reported",
        "article_id": ARTICLE_ID,
        "place_id": "gn:test",
        "mention": "al-Qaim",
        "quote_start": str(features[0].quote_start),
        "quote_end": str(features[0].quote_end),
        "date_start": "2017-04-19",
        "date_end": "2017-04-19",
    }
    outpost = rows[1]
    assert (outpost["event_type"], outpost["sub_event_type"]) == (
        "Strategic developments",
        "Headquarters or base established",
    )
    assert (outpost["event_date"], outpost["time_precision"]) == ("", "")
    assert (outpost["status"], outpost["geo_precision"]) == ("planned", "2")
    assert outpost["fatalities"] == "" and outpost["actor1"] == ""
    # a feature's own sub_event_type wins over the layer's default
    assert rows[2]["sub_event_type"] == "Disrupted weapons use"
    assert (rows[2]["time_precision"], rows[2]["geo_precision"]) == ("2", "3")
    assert (rows[3]["event_type"], rows[3]["sub_event_type"]) == (
        "Strategic developments",
        "Change to group/activity",
    )
    assert rows[3]["time_precision"] == "3"
    assert (rows[4]["event_type"], rows[4]["sub_event_type"]) == ("Place mention", "")
    assert rows[5]["location"] == "Abu Kamal" and rows[5]["mention"] == "البوكمال"
    assert rows[5]["time_precision"] == "3"  # approximate


@pytest.mark.parametrize("index", [1, 2, 3, 4])
def test_csv_coordinates_lie_on_the_geometry(tmp_path: Path, index: int) -> None:
    out = tmp_path / "out.csv"
    features = sample_features()
    export.write_csv(features, out)
    row = read_csv_rows(out)[1][index]
    point = Point(float(row["longitude"]), float(row["latitude"]))
    assert features[index].geometry.distance(point) < 1e-6


def test_csv_reads_with_pandas_conventions(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    out = tmp_path / "out.csv"
    export.write_csv(sample_features(), out)
    df = pd.read_csv(out)
    assert list(df.columns) == list(export.CSV_COLUMNS)
    assert df["latitude"].dtype.kind == "f"
    assert df.loc[0, "fatalities"] == 36
    assert pd.isna(df.loc[1, "fatalities"])
    assert df.loc[0, "notes"] == QUOTES["strike"]


def test_csv_keeps_newlines_and_quotes_in_a_cell(tmp_path: Path) -> None:
    text_with_breaks = 'He said: "strike,\nnow".'
    feature = make_feature(
        "strike", "al-Qaim", layer="strike", geometry=Point(41.1, 34.4), quote=text_with_breaks
    )
    out = tmp_path / "out.csv"
    export.write_csv([feature], out)
    assert read_csv_rows(out)[1][0]["notes"] == text_with_breaks


# --- GeoPackage ---------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value read back by pandas, as a plain Python value (NaN is null)."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    return value


def test_gpkg_has_one_layer_per_map_layer(tmp_path: Path) -> None:
    pyogrio = pytest.importorskip("pyogrio")
    out = tmp_path / "out.gpkg"
    assert export.write_gpkg(sample_features(), out) == len(sample_features())
    layers = {str(name): str(kind) for name, kind in pyogrio.list_layers(out)}
    assert layers == dict.fromkeys(LAYERS, "Unknown")


def test_gpkg_tables_are_registered_in_epsg_4326(tmp_path: Path) -> None:
    out = tmp_path / "out.gpkg"
    export.write_gpkg(sample_features(), out)
    with sqlite3.connect(out) as db:
        contents = db.execute("SELECT table_name, data_type, srs_id FROM gpkg_contents").fetchall()
        columns = db.execute(
            "SELECT table_name, geometry_type_name, srs_id FROM gpkg_geometry_columns"
        ).fetchall()
        srs = db.execute(
            "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys "
            "WHERE srs_id = 4326"
        ).fetchall()
        (application_id,) = db.execute("PRAGMA application_id").fetchone()
    assert sorted(contents) == sorted((layer, "features", 4326) for layer in LAYERS)
    assert sorted(columns) == sorted((layer, "GEOMETRY", 4326) for layer in LAYERS)
    assert [(org.upper(), code) for org, code in srs] == [("EPSG", 4326)]
    assert application_id == 0x47504B47  # "GPKG"


def test_gpkg_round_trip(tmp_path: Path) -> None:
    gpd = pytest.importorskip("geopandas")
    out = tmp_path / "out.gpkg"
    features = sample_features()
    export.write_gpkg(features, out)
    for layer in LAYERS:
        frame = gpd.read_file(out, layer=layer)
        expected = [f for f in features if f.layer == layer]
        assert frame.crs.to_epsg() == 4326
        assert list(frame.columns) == [*PROPERTY_NAMES, "geometry"]
        assert len(frame) == len(expected)
        for (_, row), feature in zip(frame.iterrows(), expected, strict=True):
            got = {name: _plain(row[name]) for name in PROPERTY_NAMES}
            assert got == feature.properties()
            assert row.geometry.equals(feature.geometry)
            assert row.geometry.geom_type == feature.geometry.geom_type
            if row.geometry.geom_type == "Polygon":
                assert row.geometry.exterior.is_ccw


def test_gpkg_layers_mix_points_and_polygons(tmp_path: Path) -> None:
    gpd = pytest.importorskip("geopandas")
    out = tmp_path / "out.gpkg"
    features = sample_features()
    features.append(
        make_feature("outpost", "border strip", layer="outpost", geometry=Point(41, 34.5), n=7)
    )
    export.write_gpkg(features, out)
    frame = gpd.read_file(out, layer="outpost")
    assert sorted(frame.geometry.geom_type) == ["Point", "Polygon"]


def test_gpkg_keeps_empty_layers(tmp_path: Path) -> None:
    gpd = pytest.importorskip("geopandas")
    out = tmp_path / "out.gpkg"
    only_places = [f for f in sample_features() if f.layer == "place"]
    export.write_gpkg(only_places, out)
    assert len(gpd.read_file(out, layer="strike")) == 0
    assert list(gpd.read_file(out, layer="strike").columns) == [*PROPERTY_NAMES, "geometry"]
    assert len(gpd.read_file(out, layer="place")) == 1


def test_gpkg_appends_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gpd = pytest.importorskip("geopandas")
    monkeypatch.setattr(export, "_GPKG_BATCH", 2)
    out = tmp_path / "out.gpkg"
    features = [
        make_feature("strike", "al-Qaim", layer="strike", geometry=Point(41 + i / 100, 34), n=i)
        for i in range(7)
    ]
    assert export.write_gpkg(iter(features), out) == 7
    frame = gpd.read_file(out, layer="strike")
    assert list(frame["feature_id"]) == [f.feature_id for f in features]


def test_gpkg_batches_are_bounded_by_coordinates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gpd = pytest.importorskip("geopandas")
    monkeypatch.setattr(export, "_GPKG_BATCH_COORDINATES", 10)  # two squares of 5
    batches: list[int] = []
    frame_of = export._gpkg_frame

    def counting(features: list[Feature]) -> Any:
        batches.append(len(features))
        return frame_of(features)

    monkeypatch.setattr(export, "_gpkg_frame", counting)
    squares = [
        make_feature("outpost", "border strip", layer="outpost", geometry=CLOCKWISE, n=i)
        for i in range(5)
    ]
    export.write_gpkg(squares, tmp_path / "out.gpkg")
    assert batches == [0, 0, 0, 0, 2, 2, 1]  # four empty layers first, then the outposts
    frame = gpd.read_file(tmp_path / "out.gpkg", layer="outpost")
    assert list(frame["feature_id"]) == [f.feature_id for f in squares]


def test_gpkg_rejects_an_unknown_layer(tmp_path: Path) -> None:
    bad = make_feature("strike", "al-Qaim", layer="battle", geometry=Point(41, 34))
    with pytest.raises(ValueError, match="battle"):
        export.write_gpkg([bad], tmp_path / "out.gpkg")
    assert list(tmp_path.iterdir()) == []


# --- every writer -------------------------------------------------------------------

WRITERS: dict[str, Callable[[Iterable[Feature], Path], int]] = {
    "geojson": export.write_geojson,
    "csv": export.write_csv,
    "gpkg": export.write_gpkg,
}


def failing_after(features: list[Feature], n: int) -> Iterator[Feature]:
    """Yields ``n`` features, then fails the way a crashed stage would."""
    yield from features[:n]
    raise RuntimeError("stage crashed mid-way")


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_a_failing_writer_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setattr(export, "_GPKG_BATCH", 1)  # so part of it has reached the disk
    out = tmp_path / f"out.{fmt}"
    WRITERS[fmt](sample_features()[:1], out)
    before = out.read_bytes()
    with pytest.raises(RuntimeError, match="mid-way"):
        WRITERS[fmt](failing_after(sample_features(), 4), out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_a_failing_writer_creates_nothing(tmp_path: Path, fmt: str) -> None:
    with pytest.raises(RuntimeError):
        WRITERS[fmt](failing_after(sample_features(), 3), tmp_path / f"out.{fmt}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_a_failing_rename_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(b"previous run")

    def no_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", no_replace)
    with pytest.raises(OSError, match="No space"):
        WRITERS[fmt](sample_features(), out)
    assert out.read_bytes() == b"previous run"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_writers_keep_the_mode_of_the_file_they_replace(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(b"")
    out.chmod(0o640)
    WRITERS[fmt](sample_features(), out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_new_files_get_the_umask_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        out = tmp_path / "out.csv"
        export.write_csv(sample_features(), out)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_same_features_give_the_same_bytes(tmp_path: Path, fmt: str) -> None:
    a, b, c = (tmp_path / f"{name}.{fmt}" for name in "abc")
    WRITERS[fmt](sample_features(), a)
    WRITERS[fmt](sample_features(), b)
    WRITERS[fmt](iter(sample_features()), c)  # a generator gives the same as a list
    assert a.read_bytes() == b.read_bytes() == c.read_bytes()


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_write_dispatches_on_the_suffix(tmp_path: Path, fmt: str) -> None:
    suffix = {"geojson": ".geojson", "csv": ".csv", "gpkg": ".gpkg"}[fmt]
    out = tmp_path / f"out{suffix}"
    assert export.write(sample_features(), out) == len(sample_features())
    if fmt != "gpkg":
        other = tmp_path / f"other{suffix}"
        WRITERS[fmt](sample_features(), other)
        assert out.read_bytes() == other.read_bytes()


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_writers_stream(tmp_path: Path, fmt: str) -> None:
    """Memory stays flat however many features a generator yields."""

    def many(n: int) -> Iterator[Feature]:
        for i in range(n):
            yield make_feature(
                "strike", "al-Qaim", layer="strike", geometry=Point(41, 34 + i / 1e5), n=i
            )

    out = tmp_path / f"out.{fmt}"
    tracemalloc.start()
    try:
        WRITERS[fmt](many(3000), out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out.stat().st_size > 900_000  # 3,000 features of 0.3 to 1 kB each
    assert peak < 1_000_000


# --- the contract checker itself ----------------------------------------------------


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(fc: dict[str, Any]) -> None:
        target: Any = fc["features"][0]
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return mutate


_DELETE = object()
_P = "properties"


def _duplicate_first(fc: dict[str, Any]) -> None:
    fc["features"][1]["properties"]["feature_id"] = fc["features"][0]["properties"]["feature_id"]


def _mention_outside_quote(fc: dict[str, Any]) -> None:
    props = fc["features"][0]["properties"]
    start = TEXT.index("al-Qaim")  # the one in the title line, before the quote
    props.update(mention_start=start, mention_end=start + len("al-Qaim"))


def _reverse_ring(fc: dict[str, Any]) -> None:
    ring = fc["features"][1]["geometry"]["coordinates"][0]
    ring.reverse()


def _reverse_hole(fc: dict[str, Any]) -> None:
    ring = fc["features"][2]["geometry"]["coordinates"][1]
    ring.reverse()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_set((_P, "speaker"), _DELETE), "speaker is missing (use null)"),
        (_set((_P, "quote"), None), "quote is null"),
        (_set((_P, "layer"), "battle"), "layer 'battle'"),
        (_set((_P, "status"), "rumoured"), "status 'rumoured'"),
        (_set((_P, "date_precision"), "week"), "date_precision 'week'"),
        (_set((_P, "geo_precision"), "city"), "geo_precision 'city'"),
        (_set((_P, "fatalities"), "36"), "fatalities is str"),
        (_set((_P, "fatalities"), -1), "negative"),
        (_set((_P, "mention_start"), True), "mention_start is bool"),
        (_set((_P, "place_kind"), 3), "extra place_kind"),
        (_set((_P, "date_start"), "2017-13-01"), "not a YYYY-MM-DD date"),
        (_set((_P, "published"), "20 April 2017"), "not a YYYY-MM-DD date"),
        (_set((_P, "date_end"), "2017-04-18"), "after date_end"),
        (_set((_P, "mention"), "al-Qa'im"), "not the mention"),
        (_set((_P, "quote_end"), 10**6), "outside the text"),
        (_mention_outside_quote, "lies outside its quote"),
        (_duplicate_first, "not unique"),
        (_set(("id",), "other"), "differs from feature_id"),
        (_set((_P, "article_id"), "elsewhere"), "names no given article"),
        (_set(("geometry",), None), "no geometry"),
        (_set(("geometry", "coordinates"), [200.0, 34.0]), "not a finite WGS84"),
        (_set(("geometry", "coordinates"), [41.0, math.nan]), "not a finite WGS84"),
        (_set(("geometry", "type"), "Circle"), "not GeoJSON"),
        (_reverse_ring, "not counter-clockwise"),
        (_reverse_hole, "hole 1 is not clockwise"),
    ],
)
def test_the_contract_checker_catches(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], None], message: str
) -> None:
    out = tmp_path / "out.geojson"
    export.write_geojson(sample_features(), out)
    fc = read_geojson(out)
    assert check_feature_collection(fc, TEXTS) == []
    mutate(fc)
    problems = check_feature_collection(fc, TEXTS)
    assert any(message in p for p in problems), problems


def test_the_contract_checker_wants_a_feature_collection() -> None:
    assert check_feature_collection({"type": "Feature"}, TEXTS) == [
        "the top level is not a FeatureCollection"
    ]


def test_writers_print_nothing(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    for fmt, writer in WRITERS.items():
        writer(sample_features(), tmp_path / f"out.{fmt}")
    captured = capfd.readouterr()
    assert (captured.out, captured.err) == ("", "")
