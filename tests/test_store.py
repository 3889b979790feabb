"""The store: a GeoPackage that GDAL reads, ingest batches that are all or nothing,
idempotence by content hash, filters as SQL, and ``bordermap ingest``.

Most tests use a fake extractor (``WordExtractor``) that turns a few known words into
features, so they test the store and not the extraction; the tests at the end run the
real pipeline on the seed articles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import geopandas
import pyogrio
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from bordermap import cli, gazetteer, pipeline
from bordermap.articles import Article, parse_article
from bordermap.errors import ArticleError, StoreError
from bordermap.features import LAYERS, PROPERTY_NAMES, Feature
from bordermap.ingest import article_from_paste, article_from_upload, describe, summary
from bordermap.pipeline import ArticleResult, Unresolved
from bordermap.store import (
    ENV_VAR,
    GPKG_APPLICATION_ID,
    Filters,
    Store,
    default_path,
    geometries_from_gpkg,
    geometry_to_gpkg,
)

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

# word -> (layer, status, place id, place name, geometry, date)
WORDS: dict[str, tuple[str, str, str, str, object, str | None]] = {
    "Qaim": ("strike", "reported", "gn:qaim", "al-Qaim", Point(41.02, 34.37), "2019-04-19"),
    "Anbar": ("sweep", "reported", "adm1:IQ-AN", "Anbar", box(39.0, 31.0, 44.0, 35.0), None),
    "Euphrates": (
        "place",
        "reported",
        "river:euphrates",
        "Euphrates",
        LineString([(38.0, 36.0), (41.0, 34.5), (44.0, 31.0)]),
        "2019-05-01",
    ),
    "Rabia": ("outpost", "planned", "gn:rabia", "Rabia", Point(42.1, 36.8), "2018-01-01"),
}


class WordExtractor:
    """A fake extractor: one feature per occurrence of each word of :data:`WORDS`."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.fail_on = fail_on
        self.calls: list[str] = []

    def extract(self, article: Article) -> ArticleResult:
        self.calls.append(article.id)
        if self.fail_on is not None and article.id == self.fail_on:
            raise RuntimeError(f"extraction blew up on {article.id}")
        features = []
        for word, (layer, status, pid, pname, geom, date) in WORDS.items():
            start = article.text.find(word)
            while start >= 0:
                end = start + len(word)
                features.append(
                    make_feature(article, layer, status, pid, pname, geom, date, start, end)
                )
                start = article.text.find(word, end)
        unresolved = (
            [Unresolved(article.id, "Wadi Hauran", 0, 4, 0, 4)] if "Wadi" in article.text else []
        )
        return ArticleResult(article.id, features, unresolved)


def make_feature(
    article: Article,
    layer: str,
    status: str,
    pid: str,
    pname: str,
    geom: object,
    date: str | None,
    start: int,
    end: int,
) -> Feature:
    return Feature(
        feature_id=f"{article.id}:{layer}:0:{start}",
        layer=layer,
        event_id=f"{article.id}:e1" if layer != "place" else None,
        status=status,
        article_id=article.id,
        article_title=article.title,
        published=article.published.isoformat() if article.published else None,
        place_id=pid,
        place_name=pname,
        mention=article.text[start:end],
        mention_start=start,
        mention_end=end,
        quote=article.text,
        quote_start=0,
        quote_end=len(article.text),
        speaker="Yahya Rasul" if "Rasul" in article.text else None,
        actor="Iraqi Air Force" if layer == "strike" else None,
        fatalities=36 if layer == "strike" else None,
        date_start=date,
        date_end=date,
        date_precision="day" if date else "unknown",
        geo_precision="exact",
        geometry=geom,  # type: ignore[arg-type]
        place_kind="town",
        geo_reason="only candidate",
    )


def article(article_id: str, text: str) -> Article:
    return parse_article(text, article_id)


A1 = "Jets struck al-Qaim.\n\nTroops swept Anbar and the Euphrates valley, Rasul said."
A2 = "Outposts are planned near Rabia.\n\nMore strikes hit Qaim near Wadi Hauran."
A3 = "Nothing mappable here."


def rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the bordermap tables, for before/after comparisons."""
    with sqlite3.connect(path) as conn:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in ("articles", "features", "unresolved", "gpkg_contents")
        }


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store.gpkg")


@pytest.fixture
def filled(store: Store) -> Store:
    store.ingest([article("a1", A1), article("a2", A2), article("a3", A3)], WordExtractor())
    return store


# --- the GeoPackage -------------------------------------------------------------------


def test_new_store_is_a_geopackage(store: Store) -> None:
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 10200
        srs = {r[0] for r in conn.execute("SELECT srs_id FROM gpkg_spatial_ref_sys")}
        assert {-1, 0, 4326} <= srs
        contents = dict(conn.execute("SELECT table_name, data_type FROM gpkg_contents"))
        assert contents == {
            "features": "features",
            "articles": "attributes",
            "unresolved": "attributes",
        }
        geom_cols = conn.execute("SELECT * FROM gpkg_geometry_columns").fetchall()
        assert geom_cols == [("features", "geom", "GEOMETRY", 4326, 0, 0)]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert store.is_empty()


def test_gdal_reads_the_store(filled: Store) -> None:
    layers = {name: kind for name, kind in pyogrio.list_layers(filled.path)}
    assert layers == {"features": "Unknown", "articles": None, "unresolved": None}
    frame = geopandas.read_file(filled.path, layer="features")
    assert frame.crs.to_epsg() == 4326
    assert set(PROPERTY_NAMES) <= set(frame.columns)
    assert len(frame) == filled.count() == 5
    ours = {f.feature_id: f.geometry for f in filled.features()}
    for fid, geom in zip(frame["feature_id"], frame.geometry, strict=True):
        assert geom.equals(ours[fid])
    info = pyogrio.read_info(filled.path, layer="features")
    assert info["crs"] == "EPSG:4326"
    minx, miny, maxx, maxy = info["total_bounds"]
    assert (minx, miny, maxx, maxy) == pytest.approx((38.0, 31.0, 44.0, 36.8))
    arts = geopandas.read_file(filled.path, layer="articles")
    assert sorted(arts["article_id"]) == ["a1", "a2", "a3"]


@pytest.mark.parametrize(
    "geom",
    [
        Point(41.02, 34.37),
        LineString([(38.0, 36.0), (41.0, 34.5)]),
        Polygon([(40, 33), (42, 33), (42, 35), (40, 35)], [[(40.5, 33.5), (41, 33.5), (41, 34)]]),
        MultiPolygon([box(39, 31, 40, 32), box(41, 33, 42, 34)]),
    ],
    ids=["point", "line", "holed polygon", "multipolygon"],
)
def test_geometry_blob_round_trip(geom) -> None:
    blob = geometry_to_gpkg(geom)
    assert blob[:2] == b"GP" and blob[2] == 0
    assert blob[3] == 0b011  # little endian, envelope [minx, maxx, miny, maxy]
    assert int.from_bytes(blob[4:8], "little") == 4326
    assert geometries_from_gpkg([blob])[0].equals(geom)
    assert shapely.from_wkb(blob[40:]).equals(geom)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a database at all, just text" * 100, "not a GeoPackage"),
        (None, "not a bordermap store"),  # a GeoPackage from someone else
    ],
)
def test_a_file_that_is_not_a_store_is_refused_and_left_alone(tmp_path, content, message) -> None:
    path = tmp_path / "other.gpkg"
    if content is None:
        geopandas.GeoDataFrame({"a": [1]}, geometry=[Point(1, 2)], crs=4326).to_file(path)
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=message):
        Store(path)
    assert path.read_bytes() == before


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)


def test_an_empty_file_becomes_a_store(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deep" / "store.gpkg"
    assert Store(path).is_empty()
    (tmp_path / "zero.gpkg").touch()
    assert Store(tmp_path / "zero.gpkg").is_empty()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [({}, None), ({ENV_VAR: ""}, None), ({ENV_VAR: "/x/y.gpkg"}, Path("/x/y.gpkg"))],
)
def test_default_path(environ, expected) -> None:
    path = default_path(environ)
    if expected is None:
        assert path == REPO / "data" / "bordermap.gpkg"
    else:
        assert path == expected


# --- ingest -----------------------------------------------------------------------------


def test_ingest_stores_articles_features_and_unresolved(filled: Store) -> None:
    assert not filled.is_empty()
    assert [a.article_id for a in filled.articles()] == ["a1", "a2", "a3"]
    by_id = {a.article_id: a for a in filled.articles()}
    assert by_id["a1"].feature_count == 3 and by_id["a3"].feature_count == 0
    assert by_id["a1"].content_hash == hashlib.sha256(A1.encode()).hexdigest()
    assert filled.article_text("a2") == A2
    with pytest.raises(KeyError):
        filled.article_text("nope")
    feats = filled.features(article_id="a1")
    expected = WordExtractor().extract(article("a1", A1)).features
    assert feats == expected  # every property and the geometry survive the round trip
    assert filled.unresolved("a2")[0]["text"] == "Wadi Hauran"
    assert filled.mention_spans("a2") == [
        (A2.index("Rabia"), A2.index("Rabia") + 5),
        (A2.index("Qaim"), A2.index("Qaim") + 4),
    ]


def test_same_articles_twice_add_nothing(filled: Store) -> None:
    before, before_bytes = rows(filled.path), filled.path.read_bytes()
    version = filled.version()
    extractor = WordExtractor()
    report = filled.ingest([article("a1", A1), article("a2", A2)], extractor)
    assert report.duplicates == (("a1", "a1"), ("a2", "a2"))
    assert not report.changed and report.features == 0
    assert extractor.calls == []  # a duplicate is not even extracted
    assert rows(filled.path) == before
    assert filled.path.read_bytes() == before_bytes
    assert filled.version() == version


def test_same_text_under_another_id_is_a_duplicate(filled: Store) -> None:
    report = filled.ingest([article("copy-of-a1", A1)], WordExtractor())
    assert report.duplicates == (("copy-of-a1", "a1"),)
    assert "same text as a1" in describe(report)[0]


def test_a_changed_article_replaces_its_features(filled: Store) -> None:
    version = filled.version()
    changed = "Jets struck al-Qaim again.\n\nOutposts near Rabia."
    report = filled.ingest([article("a1", changed)], WordExtractor())
    assert report.replaced == ("a1",) and report.added == ()
    feats = filled.features(article_id="a1")
    assert {f.layer for f in feats} == {"strike", "outpost"}
    assert all(f.quote == changed for f in feats)
    assert filled.article_text("a1") == changed
    assert filled.version() > version
    assert [a.article_id for a in filled.articles()][-1] == "a1"  # now the latest
    assert len(filled.features(article_id="a2")) == 2  # the others untouched


def test_bad_files_fail_alone(store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(A1, encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02")
    report = store.ingest([good, binary, tmp_path / "missing.txt"], WordExtractor())
    assert report.added == ("good",)
    assert [name for name, _ in report.failed] == [str(binary), str(tmp_path / "missing.txt")]
    assert "binary" in report.failed[0][1]
    assert store.features()[0].article_id == "good"


def test_a_repeated_id_in_one_batch_fails(store: Store) -> None:
    report = store.ingest([article("a1", A1), article("a1", A2)], WordExtractor())
    assert report.added == ("a1",)
    assert report.failed[0][0] == "a1" and "repeats" in report.failed[0][1]


class BrokenFeatures(WordExtractor):
    def extract(self, article: Article) -> ArticleResult:
        result = super().extract(article)
        if article.id == "a2":
            return ArticleResult(article.id, result.features + result.features[:1], [])
        return result


def test_features_that_cannot_be_stored_fail_their_article_only(store: Store) -> None:
    report = store.ingest([article("a1", A1), article("a2", A2)], BrokenFeatures())
    assert report.added == ("a1",)
    assert report.failed == (("a2", "feature id 'a2:strike:0:51' repeats"),)
    assert [a.article_id for a in store.articles()] == ["a1"]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_an_error_mid_batch_leaves_the_store_as_it_was(filled: Store, error) -> None:
    before, before_bytes = rows(filled.path), filled.path.read_bytes()

    class Failing(WordExtractor):
        def extract(self, article: Article) -> ArticleResult:
            if article.id == "b2":
                raise error("boom")
            return super().extract(article)

    batch = [
        article("b1", A1 + " more"),
        article("b2", A2 + " more"),
        article("a1", "changed text about Qaim"),
    ]
    with pytest.raises(error):
        filled.ingest(batch, Failing())
    assert rows(filled.path) == before
    assert filled.path.read_bytes() == before_bytes
    assert not list(filled.path.parent.glob("*-journal"))


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from shapely.geometry import Point
    from bordermap.articles import parse_article
    from bordermap.features import Feature
    from bordermap.pipeline import ArticleResult
    from bordermap.store import Store

    ring = Point(41.0, 34.0).buffer(1.0, quad_segs=64)

    class Killer:
        def extract(self, article):
            if article.id == "k2":  # the first article's rows are written by now
                os.kill(os.getpid(), signal.SIGKILL)
            feats = [
                Feature(feature_id=f"k1:sweep:{i}", layer="sweep", event_id=None,
                        status="reported", article_id="k1", article_title=None, published=None,
                        place_id="p", place_name="P", mention="x", mention_start=0,
                        mention_end=1, quote=article.text, quote_start=0,
                        quote_end=len(article.text), speaker=None, actor=None, fatalities=None,
                        date_start=None, date_end=None, date_precision="unknown",
                        geo_precision="region", geometry=ring)
                for i in range(4000)
            ]
            return ArticleResult(article.id, feats, [])

    Store(sys.argv[1]).ingest(
        [parse_article("x first", "k1"), parse_article("x second", "k2")], Killer())
    """
)


def test_a_process_killed_mid_ingest_leaves_the_store_as_it_was(filled: Store) -> None:
    before = rows(filled.path)
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, str(filled.path)],
        check=False,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    # SQLite spilled the uncommitted rows into the file: a hot journal is left behind ...
    assert Path(f"{filled.path}-journal").exists()
    # ... and the next connection rolls it back.
    assert rows(filled.path) == before
    assert not Path(f"{filled.path}-journal").exists()
    with sqlite3.connect(filled.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- reading and filtering ----------------------------------------------------------


def test_frame_has_every_property_without_geometry(filled: Store) -> None:
    frame = filled.frame()
    assert list(frame.columns) == [*PROPERTY_NAMES, "article_order"]
    assert len(frame) == 5
    assert str(frame["fatalities"].dtype) == "Int64"
    assert frame["feature_id"].tolist() == [f.feature_id for f in filled.features()]


def test_geometries_by_id(filled: Store) -> None:
    fid = filled.features(Filters(layers=("outpost",)))[0].feature_id
    found = filled.geometries([fid, "unknown"])
    assert list(found) == [fid] and found[fid].equals(Point(42.1, 36.8))
    assert filled.feature(fid) is not None and filled.feature("unknown") is None


def test_event_siblings(filled: Store) -> None:
    sibs = filled.features(event_id="a1:e1")
    assert {f.layer for f in sibs} == {"strike", "sweep"}


D = dt.date
ALL = {"a1:strike", "a1:sweep", "a1:place", "a2:outpost", "a2:strike"}
FILTER_CASES = [
    (Filters(), ALL),
    (Filters(articles=("a2",)), {"a2:outpost", "a2:strike"}),
    (Filters(articles=("a2", "a1")), ALL),
    (Filters(layers=("strike",)), {"a1:strike", "a2:strike"}),
    (Filters(layers=()), set()),
    (Filters(statuses=("planned",)), {"a2:outpost"}),
    (Filters(include_undated=False), {"a1:strike", "a1:place", "a2:outpost", "a2:strike"}),
    (Filters(date_from=D(2019, 1, 1)), {"a1:strike", "a1:sweep", "a1:place", "a2:strike"}),
    (
        Filters(date_from=D(2019, 1, 1), include_undated=False),
        {"a1:strike", "a1:place", "a2:strike"},
    ),
    (Filters(date_to=D(2018, 12, 31)), {"a1:sweep", "a2:outpost"}),
    (
        Filters(date_from=D(2019, 4, 19), date_to=D(2019, 4, 19), include_undated=False),
        {"a1:strike", "a2:strike"},
    ),
    (Filters(text="rasul"), {"a1:strike", "a1:sweep", "a1:place"}),
    (Filters(text="  QAIM "), ALL),
    (Filters(text="AL-qaim"), {"a1:strike", "a1:sweep", "a1:place", "a2:strike"}),
    (Filters(text="iraqi air"), {"a1:strike", "a2:strike"}),  # actor
    (Filters(text="%"), set()),  # no LIKE wildcards
    (Filters(text="'; DROP TABLE features; --"), set()),
    (
        Filters(articles=("a1",), layers=("strike", "place"), text="euphrates"),
        {"a1:strike", "a1:place"},
    ),
]


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES)
def test_filters(filled: Store, filters: Filters, expected: set[str]) -> None:
    got = {f"{f.article_id}:{f.layer}" for f in filled.features(filters)}
    assert got == expected
    assert filled.count(filters) == len(filled.frame(filters)) == len(expected)


def test_filters_where_is_plain_values() -> None:
    assert Filters().where() == ("1", [])
    sql, params = Filters(layers=("strike",), include_undated=False, text="Qaim").where()
    assert "layer IN" in sql and "date_start IS NOT NULL" in sql and "bm_fold" in sql
    assert params[0] == '["strike"]' and params[1:] == ["qaim"] * 6


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(articles=("a,1", "b&2")),
        Filters(date_from=D(2019, 1, 1), date_to=D(2019, 12, 31), include_undated=False),
        Filters(layers=()),
        Filters(layers=("strike", "place"), statuses=("planned",), text="al-Qaim"),
    ],
)
def test_filters_round_trip_through_query_parameters(filters: Filters) -> None:
    query = filters.to_query()
    assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in query.values())
    assert Filters.from_query(query) == filters
    assert (query == {}) == filters.is_default


def test_single_query_values_may_be_plain_strings() -> None:
    query = {"layers": "strike", "article": "a1", "q": "x", "undated": "0"}
    assert Filters.from_query(query) == Filters(
        articles=("a1",), layers=("strike",), text="x", include_undated=False
    )


def test_malformed_query_parameters_are_ignored() -> None:
    query = {
        "from": ["yesterday"],
        "to": ["2019-02-30"],
        "layers": ["strike,bogus"],
        "status": ["nope"],
        "undated": ["1"],
        "article": ["", "a1", "a1"],
    }
    assert Filters.from_query(query) == Filters(articles=("a1",), layers=("strike",), statuses=())


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_export_writes_the_filtered_features(filled: Store, tmp_path: Path, fmt: str) -> None:
    import csv
    import io
    import json

    filters = Filters(layers=("strike",))
    data = filled.export(filters, fmt)
    ids = {f.feature_id for f in filled.features(filters)}
    if fmt == "geojson":
        got = {f["properties"]["feature_id"] for f in json.loads(data)["features"]}
    elif fmt == "csv":
        got = {row["feature_id"] for row in csv.DictReader(io.StringIO(data.decode()))}
    else:
        path = tmp_path / "x.gpkg"
        path.write_bytes(data)
        got = set(geopandas.read_file(path, layer="strike")["feature_id"])
    assert got == ids and len(ids) == 2
    with pytest.raises(ValueError, match="unknown format"):
        filled.export(filters, "kml")


# --- articles from the dashboard --------------------------------------------------------


def test_article_from_upload() -> None:
    art = article_from_upload("some/dir/My Report.md", "\ufeffTitle\r\n\r\nJets hit Qaim.".encode())
    assert art.id == "My Report" and art.path == "My Report.md"
    # the BOM stays, as Path.read_text keeps it, so offsets match the contract checker
    assert art.text == "\ufeffTitle\n\nJets hit Qaim." and art.title == "Title"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"%PDF-1.4", "not an article file: expected .txt or .md, got '.pdf'"),
        ("report", b"text", "got no suffix"),
        ("report.txt", b"\xff\xfe bad", "not UTF-8"),
        ("report.txt", b"abc\x00def", "binary"),
        ("report.txt", b"  \n ", "whitespace"),
        ("report.txt", b"---\ntitle: [unclosed\n---\nx", "front matter"),
        ("big.txt", b"x" * 2000, "too large"),
    ],
)
def test_bad_uploads_raise_a_clear_error(name, data, message) -> None:
    with pytest.raises(ArticleError, match=message.replace("(", r"\(").replace(".", r"\.")):
        article_from_upload(name, data, max_bytes=1000)


def test_article_from_paste_keeps_title_and_date_in_the_text() -> None:
    art = article_from_paste(
        "Jets hit: Qaim.\r\n", title='A "title": with colon', published=D(2024, 5, 1)
    )
    assert art.title == 'A "title": with colon'
    assert art.published == D(2024, 5, 1)
    assert art.text.startswith("---\n") and art.text.endswith("Jets hit: Qaim.\n")
    assert art.id.startswith("pasted-") and len(art.id) == len("pasted-") + 12
    again = article_from_paste(
        "Jets hit: Qaim.\n", title='A "title": with colon', published=D(2024, 5, 1)
    )
    assert again.id == art.id and again.content_hash == art.content_hash
    bare = article_from_paste("Just text")
    assert bare.text == "Just text" and bare.id != art.id
    with pytest.raises(ArticleError, match="empty"):
        article_from_paste("  \n")


def test_describe_and_summary(filled: Store) -> None:
    report = filled.ingest(
        [article("a1", A1), article("n1", "Qaim again"), article("a2", "Rabia changed")],
        WordExtractor(),
    )
    assert describe(report) == [
        "added n1",
        "replaced a2 (its text changed; old features removed)",
        "duplicate: a1 is already in the store; nothing added",
    ]
    assert summary(report) == "1 added, 1 replaced, 1 duplicate, 0 failed; 2 features stored"


# --- the real pipeline and the command line ---------------------------------------------


@pytest.fixture(scope="module")
def extractor() -> pipeline.Extractor:
    return pipeline.Extractor(gazetteer.load())


def test_the_store_holds_what_the_pipeline_extracts(tmp_path: Path, extractor) -> None:
    from bordermap.articles import article_files, read_article

    store = Store(tmp_path / "s.gpkg")
    files = article_files([SEEDS])
    report = store.ingest(files, extractor)
    assert report.added == tuple(p.stem for p in files) and not report.failed
    expected = [f for p in files for f in extractor.extract(read_article(p)).features]
    got = store.features()
    assert [f.properties() for f in got] == [f.properties() for f in expected]
    assert all(g.geometry.equals(e.geometry) for g, e in zip(got, expected, strict=True))
    assert {f.layer for f in got} == set(LAYERS)


def test_cli_ingest_is_idempotent(tmp_path: Path, capsys, monkeypatch) -> None:
    db = tmp_path / "cli.gpkg"
    assert cli.main(["ingest", str(SEEDS), "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert "2 added, 0 replaced, 0 duplicate, 0 failed" in err
    count = Store(db).count()
    assert count > 0
    monkeypatch.setenv(ENV_VAR, str(db))  # the default store is $BORDERMAP_DB
    assert cli.main(["ingest", str(SEEDS)]) == 0
    assert "0 added, 0 replaced, 2 duplicate" in capsys.readouterr().err
    assert Store(db).count() == count


def test_cli_ingest_reports_failures_and_bad_stores(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00")
    db = tmp_path / "s.gpkg"
    assert (
        cli.main(["ingest", str(bad), str(SEEDS / "000_487561956ce51ea4.txt"), "--db", str(db)])
        == 1
    )
    err = capsys.readouterr().err
    assert f"failed: {bad}: binary file" in err
    not_a_store = tmp_path / "x.gpkg"
    not_a_store.write_text("hello" * 1000)
    assert cli.main(["ingest", str(SEEDS), "--db", str(not_a_store), "-q"]) == 2
    assert "not a GeoPackage" in capsys.readouterr().err
    assert cli.main(["ingest", str(tmp_path / "missing"), "--db", str(db)]) == 2


def test_cli_ingest_is_listed_in_help(capsys) -> None:
    assert cli.main(["--help"]) == 0
    assert "ingest" in capsys.readouterr().out
    assert cli.main(["ingest", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--db FILE" in out and ENV_VAR in out


def test_installed_script_runs_ingest(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("bordermap")
    proc = subprocess.run(
        [str(script), "ingest", str(SEEDS), "--db", str(tmp_path / "s.gpkg")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, ENV_VAR: ""},
    )
    assert proc.returncode == 0, proc.stderr
    assert "2 added" in proc.stderr
