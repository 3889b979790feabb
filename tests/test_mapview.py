"""The map, panel, table and timeline builders, tested on their output: the Leaflet
HTML folium renders, the script st_folium sends, the escaped panel HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re
from pathlib import Path

import branca
import folium
import folium.elements
import pandas as pd
import pytest
import streamlit_folium
from shapely.geometry import LineString, Point, box

from bordermap import gazetteer, mapview
from bordermap.features import LAYERS, Feature
from bordermap.store import Store, StoredArticle

# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> dict:
    return mapview.reference_geojson(gazetteer.load())


@pytest.fixture(scope="module")
def store(seeded_store_file: Path) -> Store:
    return Store(seeded_store_file)


@pytest.fixture(scope="module")
def layers(store: Store) -> dict:
    groups = mapview.group_features(store.frame())
    return mapview.features_geojson(groups, store.geometries(groups["feature_id"]))


def feature(**changes) -> Feature:
    text = "Jets struck <b>al-Qaim</b> today."
    base = dict(
        feature_id="a:strike:0:15",
        layer="strike",
        event_id="a:e1",
        status="reported",
        article_id="a",
        article_title="Title",
        published="2019-04-20",
        place_id="gn:qaim",
        place_name="al-Qaim",
        mention="al-Qaim",
        mention_start=15,
        mention_end=22,
        quote=text,
        quote_start=0,
        quote_end=len(text),
        speaker=None,
        actor="Iraqi Air Force",
        fatalities=3,
        date_start="2019-04-19",
        date_end="2019-04-19",
        date_precision="day",
        geo_precision="exact",
        geometry=Point(41.0, 34.4),
        place_kind="town",
        geo_reason="same-sentence: the only entry with this name",
    )
    base.update(changes)
    return Feature(**base)


def frame_of(rows: list[dict]) -> pd.DataFrame:
    defaults = {
        "place_kind": "town",
        "date_start": None,
        "article_order": 1,
        "article_title": "T",
        "article_id": "a",
        "mention": "m",
    }
    return pd.DataFrame([{**defaults, **r} for r in rows])


# --- assets ---------------------------------------------------------------------------


def test_install_assets_copies_every_file(tmp_path: Path) -> None:
    assert len(mapview.missing_assets(tmp_path)) == len(mapview.ASSETS)
    copied = mapview.install_assets(tmp_path)
    assert len(copied) == len(mapview.ASSETS)
    assert mapview.missing_assets(tmp_path) == []
    leaflet = (tmp_path / "vendor" / "leaflet" / "leaflet.js").read_text()
    assert "Leaflet 1.9.3" in leaflet[:300]
    assert mapview.install_assets(tmp_path) == []  # nothing to do the second time
    assert len(mapview.install_assets(tmp_path, force=True)) == len(mapview.ASSETS)


def test_the_served_copy_is_not_committed() -> None:
    ignore = Path(mapview.__file__).resolve().parents[2] / "dashboard" / "static" / ".gitignore"
    assert ignore.read_text().splitlines()[1:] == ["*", "!.gitignore"]


@pytest.mark.parametrize(
    ("base_url_path", "expected"),
    [
        ("", "/app/static"),
        ("/", "/app/static"),
        ("maps", "/maps/app/static"),
        ("/a/b/", "/a/b/app/static"),
    ],
)
def test_static_url(base_url_path: str, expected: str) -> None:
    assert mapview.static_url(base_url_path) == expected


# --- the map --------------------------------------------------------------------------


def _links(m: folium.Map) -> list[str]:
    """Every script and stylesheet st_folium will load, gathered as st_folium does."""

    def walk(element):
        if isinstance(element, branca.colormap.ColorMap | folium.elements.JSCSSMixin):
            yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    links = []
    for element in walk(m):
        links += [url for _, url in getattr(element, "default_js", [])]
        links += [url for _, url in getattr(element, "default_css", [])]
    return links


def test_every_script_and_stylesheet_is_served_locally(layers, reference) -> None:
    m = mapview.build_map(layers, reference, asset_base="/app/static")
    links = _links(m)
    assert "/app/static/vendor/leaflet/leaflet.js" in links
    assert "/app/static/vendor/leaflet/leaflet.css" in links
    assert all(url.startswith("/app/static/vendor/") for url in links), links
    served = {f"/app/static/vendor/{served}" for _, _, served in mapview.ASSETS}
    assert set(links) <= served
    page = m.get_root().render()
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert url.startswith("/app/static/vendor/"), url
    assert "cdn" not in page.lower() and "bootstrapcdn" not in page
    assert 'L.Icon.Default.imagePath = "/app/static/vendor/leaflet/images/"' in page


def test_the_map_has_one_group_per_layer_reference_layers_legend_and_control(
    layers, reference
) -> None:
    page = mapview.build_map(layers, reference).get_root().render()
    for layer in LAYERS:
        assert f'"{mapview.LAYER_STYLES[layer].title}" :' in page
    for _, title in mapview.REFERENCE_KINDS:
        assert f"{json.dumps(f'Reference: {title}')} :" in page
    assert page.count("L.featureGroup(") == len(LAYERS)
    assert '"No tiles (offline)" :' in page and '"OpenStreetMap (online)" :' in page
    assert "bm-legend" in page and "planned (dashed, hollow)" in page
    assert '"maxZoom": 18' in page and '"minZoom": 4' in page
    script = page[page.index("<script>", page.index("<body>")) :]
    assert script.rindex("L.control.layers(") > script.rindex("L.geoJson(")
    assert script.rindex("L.control.layers(") > script.rindex("L.featureGroup(")


def test_online_tiles_are_offered_but_never_loaded_by_default(layers, reference) -> None:
    page = mapview.build_map(layers, reference).get_root().render()
    tiles = re.search(r"var (tile_layer_\w+) = L\.tileLayer\(", page)
    assert tiles is not None
    assert f"{tiles.group(1)}.addTo(" not in page
    assert (
        "L.tileLayer("
        not in mapview.build_map(layers, reference, online_tiles=False).get_root().render()
    )


def test_the_map_carries_ids_not_article_text(store: Store, layers, reference) -> None:
    page = mapview.build_map(layers, reference).get_root().render()
    for f in store.features():
        assert f.quote not in page
    props = {k for fc in layers.values() for f in fc["features"] for k in f["properties"]}
    assert props == {"feature_id", "layer", "status", "kind", "n", "label"}


def test_reruns_do_not_reload_the_map(layers, reference) -> None:
    """st_folium keys its component by a hash of the script: equal inputs, equal hash."""
    scripts = [
        streamlit_folium._get_map_string(mapview.build_map(layers, reference)) for _ in range(2)
    ]
    hashes = {streamlit_folium.generate_js_hash(s, "map") for s in scripts}
    assert len(hashes) == 1
    other = {**layers, "strike": {"type": "FeatureCollection", "features": []}}
    changed = streamlit_folium._get_map_string(mapview.build_map(other, reference))
    assert streamlit_folium.generate_js_hash(changed, "map") not in hashes


def test_a_place_mentioned_many_times_is_drawn_once_with_its_count() -> None:
    frame = frame_of(
        [
            {
                "feature_id": f"p{i}",
                "layer": "place",
                "status": "reported",
                "place_id": "gn:1",
                "place_name": "Rawa",
                "date_start": d,
                "article_order": i,
            }
            for i, d in enumerate([None, "2019-01-01", "2019-03-01", "2018-01-01"])
        ]
        + [
            {
                "feature_id": "s1",
                "layer": "strike",
                "status": "reported",
                "place_id": "gn:1",
                "place_name": "Rawa",
            }
        ]
    )
    groups = mapview.group_features(frame)
    assert groups[["layer", "n", "feature_id"]].values.tolist() == [
        ["strike", 1, "s1"],
        ["place", 4, "p2"],  # the latest dated one stands for the group
    ]
    geo = mapview.features_geojson(groups, {"p2": Point(41.9, 34.4), "s1": Point(41.9, 34.4)})
    (drawn,) = geo["place"]["features"]
    assert drawn["properties"]["n"] == 4 and drawn["properties"]["label"] == (
        "Rawa — places, 4 mentions"
    )
    page = mapview.build_map(geo, {}).get_root().render()
    assert "[[34.4, 41.9, 4]]" in page  # the count label


def test_group_members() -> None:
    frame = frame_of(
        [
            {
                "feature_id": "a",
                "layer": "place",
                "status": "reported",
                "place_id": "x",
                "place_name": "X",
            },
            {
                "feature_id": "b",
                "layer": "place",
                "status": "reported",
                "place_id": "x",
                "place_name": "X",
            },
            {
                "feature_id": "c",
                "layer": "strike",
                "status": "reported",
                "place_id": "x",
                "place_name": "X",
            },
            {
                "feature_id": "d",
                "layer": "place",
                "status": "planned",
                "place_id": "y",
                "place_name": "Y",
            },
        ]
    )
    assert mapview.group_members(frame, "a")["feature_id"].tolist() == ["a", "b"]
    assert mapview.group_members(frame, "c", by=("place_id",))["feature_id"].tolist() == [
        "a",
        "b",
        "c",
    ]
    assert mapview.group_members(frame, "nope").empty
    assert mapview.member_label(frame, "d") == "4. place (planned) · undated · T · “m”"
    assert mapview.member_label(frame, "a") != mapview.member_label(frame, "b")


@pytest.mark.parametrize(
    ("geometry", "status", "expected"),
    [
        (box(40, 33, 41, 34), "reported", {"fillOpacity": 0.3, "color": "#c62828"}),
        (box(40, 33, 41, 34), "planned", {"fillOpacity": 0.04, "dashArray": "6 5"}),
        (LineString([(40, 33), (41, 34)]), "reported", {"fill": False, "weight": 4}),
        (Point(40, 33), "reported", {"radius": 6, "fillOpacity": 0.85, "pane": "bm-points"}),
        (Point(40, 33), "planned", {"fillOpacity": 0.0, "dashArray": "6 5"}),
    ],
    ids=["area", "planned area", "line", "point", "planned point (hollow)"],
)
def test_feature_style(geometry, status, expected) -> None:
    drawn = {
        "type": "Feature",
        "properties": {"layer": "strike", "status": status},
        "geometry": mapview._drawable(geometry, 0),
    }
    style = mapview.feature_style(drawn)
    assert expected.items() <= style.items()
    assert style["className"] == f"bm-strike bm-{status}"
    assert ("dashArray" in style) == (status == "planned")


def test_areas_lie_below_lines_below_points_and_small_areas_above_large(layers) -> None:
    z = {name: z for name, z, _ in mapview.PANES}
    assert z["bm-area-country"] < z["bm-area-governorate"] < z["bm-area-side"] < z["bm-lines"]
    assert z["bm-lines"] < z["bm-points"] < z["bm-highlight"]
    feats = [f for fc in layers.values() for f in fc["features"]]
    panes = mapview._by_pane(feats)
    assert list(panes) == sorted(panes, key=z.get)


def test_every_area_and_line_has_a_handle_on_top(layers, reference) -> None:
    areas = [
        f for fc in layers.values() for f in fc["features"] if f["geometry"]["type"] != "Point"
    ]
    handles = mapview._handles(areas)
    assert [h["id"] for h in handles] == [f["id"] for f in areas]
    assert all(h["geometry"]["type"] == "Point" for h in handles)
    page = mapview.build_map(layers, reference).get_root().render()
    assert "pointToLayer: bordermap.handle" in page and 'pane: "bm-handles"' in page
    assert "bm-handle bm-place bm-reported" in page
    z = {name: z for name, z, _ in mapview.PANES}
    assert (
        z["bm-handles"] > z["bm-points"] > max(v for k, v in z.items() if k.startswith("bm-area"))
    )


@pytest.mark.parametrize(
    ("layer", "status", "anchor"),
    [
        ("place", "reported", [23, 5]),
        ("strike", "reported", [-13, 5]),
        ("strike", "planned", [-13, -7]),
    ],
)
def test_handles_of_one_place_sit_side_by_side(layer, status, anchor) -> None:
    style = mapview.handle_style({"properties": {"layer": layer, "status": status}})
    assert style["iconAnchor"] == anchor
    offsets = sorted(mapview.HANDLE_OFFSETS.values())
    assert min(b - a for a, b in itertools.pairwise(offsets)) > mapview.HANDLE_SIZE  # no overlap
    assert style["className"] == f"bm-handle bm-{layer} bm-{status}"


def test_styles_are_tables_the_script_looks_up() -> None:
    table = mapview.style_table()
    assert len(table) == len(LAYERS) * 2 * 3
    assert table["strike|planned|area"]["dashArray"] == mapview.PLANNED_DASH
    assert table["place|reported|point"]["pane"] == "bm-points"
    assert set(mapview.handle_table()) == {
        f"{lay}|{st}" for lay in LAYERS for st in ("reported", "planned")
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            {"a": "</script><script>x()</script>"},
            '{"a":"\\u003c/script\\u003e\\u003cscript\\u003ex()\\u003c/script\\u003e"}',
        ),
        ({"a": "Rawa & ‘Anah"}, '{"a":"Rawa \\u0026 ‘Anah"}'),
    ],
)
def test_script_json_is_safe_inside_a_script_element(value, expected) -> None:
    text = mapview.script_json(value)
    assert text == expected
    assert json.loads(text) == value


def test_the_map_embeds_each_feature_once(layers, reference) -> None:
    page = mapview.build_map(layers, reference).get_root().render()
    for fc in layers.values():
        for f in fc["features"]:
            n = 2 if f["geometry"]["type"] != "Point" else 1  # areas have a handle
            assert page.count(f'"feature_id":"{f["properties"]["feature_id"]}"') == n


def test_geometries_are_simplified_and_rounded(store: Store, layers) -> None:
    coords = json.dumps([f["geometry"] for fc in layers.values() for f in fc["features"]])
    assert not re.search(r"\d\.\d{5,}", coords)
    full = sum(
        len(json.dumps(mapview._drawable(g, 0)))
        for g in store.geometries(
            f["id"] for fc in layers.values() for f in fc["features"]
        ).values()
    )
    assert len(coords) < full


def test_highlight_draws_outside_the_map_script(layers, reference) -> None:
    m = mapview.build_map(layers, reference)
    group = mapview.highlight(box(40, 33, 41, 34))
    script = streamlit_folium._get_feature_group_string(group, m)
    assert mapview.HIGHLIGHT_COLOR in script and '"interactive": false' in script
    point = streamlit_folium._get_feature_group_string(mapview.highlight(Point(41, 34)), m)
    assert "L.circleMarker(" in point and "[34.0, 41.0]" in point


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ({}, None),
        ({"last_active_drawing": None}, None),
        ({"last_active_drawing": {"type": "Feature", "properties": {"feature_id": "a:1"}}}, "a:1"),
        ({"last_active_drawing": {"properties": {"feature_id": 3}}}, None),
        ({"last_active_drawing": {"geometry": {}}}, None),
    ],
)
def test_clicked_feature_id(value, expected) -> None:
    assert mapview.clicked_feature_id(value) == expected


# --- the panel --------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script> and <img src=x onerror=alert(1)> at al-Qaim'


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("abc", [], "abc"),
        ("a<b>c", [(1, 4, "mention")], 'a<mark class="mention">&lt;b&gt;</mark>c'),
        (
            "abcdef",
            [(0, 6, "quote"), (2, 4, "mention")],
            '<mark class="quote">ab</mark><mark class="mention quote">cd</mark>'
            '<mark class="quote">ef</mark>',
        ),
        (
            "abcdef",
            [(1, 4, "x"), (3, 5, "y")],
            'a<mark class="x">bc</mark><mark class="x y">d</mark><mark class="y">e</mark>f',
        ),
        ("ab", [(5, 9, "x"), (1, 1, "y")], "ab"),
        ("\"&'", [], "&quot;&amp;&#x27;"),
    ],
)
def test_mark_spans(text, spans, expected) -> None:
    assert mapview.mark_spans(text, spans) == expected


def test_panel_escapes_every_piece_of_article_text() -> None:
    f = feature(
        quote=HOSTILE,
        quote_start=100,
        quote_end=100 + len(HOSTILE),
        mention="al-Qaim",
        mention_start=100 + HOSTILE.index("al-Qaim"),
        mention_end=100 + len(HOSTILE),
        speaker="<b>Rasul</b>",
        actor="<i>x</i>",
        article_title="<script>t()</script>",
        geo_reason="<u>r</u>",
        date_text="<s>April</s>",
    )
    article = StoredArticle(
        "a",
        "h",
        None,
        "<script>t()</script>",
        "<em>Outlet</em>",
        "javascript:alert(1)",
        "2019-04-20",
        None,
        1,
        1,
    )
    out = mapview.panel_html(f, [f], article)
    for raw in ("<script>", "<img", "<b>R", "<i>", "<u>", "<s>", "<em>", 'href="javascript'):
        assert raw not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert '<mark class="mention">al-Qaim</mark>' in out
    assert "javascript:alert(1)" in out  # shown as text, never as a link


def test_panel_lists_the_other_evidence_of_the_event_once() -> None:
    f = feature()
    sibling = feature(
        feature_id="a:strike:40:50",
        quote="Jets returned on Friday.",
        quote_start=40,
        quote_end=64,
        mention_start=57,
        mention_end=63,
        mention="Friday",
    )
    same_quote = feature(feature_id="a:strike:0:3", mention_start=3, mention_end=6)
    out = mapview.panel_html(f, [f, sibling, same_quote, sibling], None, group_size=3)
    assert "Other evidence of this event</b>" in out and "(1 quote)" in out
    assert out.count("Jets returned on") == 1
    assert "2 other feature(s) at this place" in out
    assert "2019-04-19 (day)" in out and "Iraqi Air Force" in out
    alone = mapview.panel_html(feature(event_id=None, layer="place"), [], None)
    assert "Other evidence" not in alone and "No other quote" not in alone
    single = mapview.panel_html(f, [f, same_quote], None)
    assert "No other quote evidences this event." in single


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.org/a?b=1&c=2", True),
        ("http://x.y", True),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("//evil", False),
        ("example.org", False),
        (None, False),
    ],
)
def test_only_http_links(url, linked) -> None:
    assert (mapview.safe_link(url) is not None) == linked
    article = StoredArticle("a", "h", None, "T", None, url, None, None, 1, 1)
    out = mapview.panel_html(feature(), [], article)
    assert ("<a href=" in out) == linked
    if linked:
        assert f'href="{html.escape(url, quote=True)}"' in out


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (feature(), "2019-04-19 (day)"),
        (feature(date_start=None, date_end=None, date_precision="unknown"), "undated"),
        (
            feature(date_start="2019-04-01", date_end="2019-04-30", date_precision="month"),
            "2019-04-01 – 2019-04-30 (month)",
        ),
    ],
)
def test_date_text(f, expected) -> None:
    assert mapview.date_text(f) == expected


def test_article_html_marks_every_mention_and_the_quote() -> None:
    text = "Intro <x>.\nJets hit Qaim and Rawa.\nEnd at Qaim."
    q = (11, 34)
    out = mapview.article_html(text, [(20, 24), (29, 33), (42, 46)], q)
    assert out.count('class="mention quote"') == 2 and out.count('class="mention"') == 1
    assert "&lt;x&gt;" in out and "<x>" not in out


# --- table and timeline -----------------------------------------------------------------


def test_table_frame(store: Store) -> None:
    frame = store.frame()
    table = mapview.table_frame(frame)
    assert list(table.columns) == list(mapview.TABLE_COLUMNS.values())
    assert list(table.index) == list(frame["feature_id"])
    assert table["Quote"].str.len().max() <= mapview.QUOTE_CHARS


def test_timeline_frame() -> None:
    frame = frame_of(
        [
            {"feature_id": "1", "layer": "strike", "date_start": "2019-01-02"},
            {"feature_id": "2", "layer": "strike", "date_start": "2019-01-02"},
            {"feature_id": "3", "layer": "place", "date_start": "2019-01-05"},
            {"feature_id": "4", "layer": "sweep", "date_start": None},
        ]
    )
    timeline = mapview.timeline_frame(frame)
    assert list(timeline.columns) == list(LAYERS)
    assert timeline.loc[pd.Timestamp("2019-01-02")].tolist() == [2, 0, 0, 0]
    assert timeline.loc[pd.Timestamp("2019-01-05")].tolist() == [0, 0, 0, 1]
    assert mapview.timeline_frame(frame.iloc[3:]).empty
    assert len(mapview.layer_colors()) == len(LAYERS)


def test_article_label() -> None:
    a = StoredArticle("id", "h", None, None, None, None, None, None, 1, 0)
    assert mapview.article_label(a) == "id (undated)"
    b = StoredArticle("id", "h", None, "T", None, None, dt.date(2019, 1, 2).isoformat(), None, 1, 0)
    assert mapview.article_label(b) == "T (2019-01-02)"
