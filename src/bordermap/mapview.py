"""What the dashboard shows, built as plain values: the map, the linked panel, the table
and the timeline. Nothing here imports streamlit; every function is pure except
:func:`install_assets`, which copies files.

The map
    :func:`group_features` folds the filtered features into one drawn object per
    layer, status and place (a place mentioned many times is drawn once, with its
    count); :func:`features_geojson` turns the groups into one small GeoJSON
    FeatureCollection per layer (ids, counts and a label only, geometries simplified);
    :func:`build_map` draws them over the reference layers of :func:`reference_geojson`
    in a :class:`folium.Map` whose JavaScript and CSS come from this server
    (:data:`ASSETS`), never from a CDN. :func:`highlight` draws the selected object.
The panel
    :func:`panel_html` and :func:`article_html`: every piece of article text escaped.
The table and the timeline
    :func:`table_frame` and :func:`timeline_frame`.
"""

from __future__ import annotations

import functools
import html
import importlib
import itertools
import json
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from bordermap.features import LAYERS, Feature, geometry_to_geojson

if TYPE_CHECKING:
    import folium
    import pandas as pd

    from bordermap.gazetteer import Gazetteer
    from bordermap.store import StoredArticle

# --------------------------------------------------------------------------- assets

ASSETS: tuple[tuple[str, str, str], ...] = (
    ("xstatic.pkg.leaflet", "leaflet.js", "leaflet/leaflet.js"),
    ("xstatic.pkg.leaflet", "leaflet.css", "leaflet/leaflet.css"),
    ("xstatic.pkg.leaflet", "images/layers.png", "leaflet/images/layers.png"),
    ("xstatic.pkg.leaflet", "images/layers-2x.png", "leaflet/images/layers-2x.png"),
    ("xstatic.pkg.leaflet", "images/marker-icon.png", "leaflet/images/marker-icon.png"),
    ("xstatic.pkg.leaflet", "images/marker-icon-2x.png", "leaflet/images/marker-icon-2x.png"),
    ("xstatic.pkg.leaflet", "images/marker-shadow.png", "leaflet/images/marker-shadow.png"),
)
"""``(package, file in the package's data, served path)`` of every file the map loads.

Leaflet 1.9.3 (``XStatic-Leaflet``), the version folium 0.20 asks for, is all the map
needs. Folium's other defaults serve what this map does not use: jQuery (GeoJSON loaded
by URL), Bootstrap, Font Awesome and Leaflet.awesome-markers (``Icon`` and ``Popup``
styling); :func:`build_map` leaves them out, so every script loads from this server.
"""

VENDOR = "vendor"
"""The folder under the app's static folder that :func:`install_assets` fills."""


def install_assets(static_dir: str | Path, *, force: bool = False) -> list[Path]:
    """Copy :data:`ASSETS` from the installed packages into ``static_dir/vendor``.

    Returns the files copied (none when all were there already and ``force`` is false).

    Raises
    ------
    ModuleNotFoundError
        When a package of :data:`ASSETS` is not installed.
    """
    target = Path(static_dir) / VENDOR
    copied = []
    for package, name, served in ASSETS:
        dest = target / served
        if dest.exists() and not force:
            continue
        module = importlib.import_module(package)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(module.BASE_DIR) / name, dest)
        copied.append(dest)
    return copied


def missing_assets(static_dir: str | Path) -> list[str]:
    """The served paths of :data:`ASSETS` that are not in ``static_dir/vendor``."""
    target = Path(static_dir) / VENDOR
    return [served for _, _, served in ASSETS if not (target / served).is_file()]


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class LayerStyle:
    """How one layer is drawn."""

    title: str
    color: str
    radius: float  # circle markers, in pixels


LAYER_STYLES: Mapping[str, LayerStyle] = {
    "strike": LayerStyle("Strikes", "#c62828", 6),
    "outpost": LayerStyle("Outposts", "#1e4fa3", 8),
    "sweep": LayerStyle("Sweep areas", "#e07b00", 9),
    "place": LayerStyle("Places", "#2e7d6f", 10),
}
HIGHLIGHT_COLOR = "#ffd600"
PLANNED_DASH = "6 5"

# Panes (z-index): the references at the bottom; then areas, the larger kinds of place
# below the smaller, whatever their layer, so that every area stays clickable; then
# lines, points, the highlight and the count labels. Leaflet's overlay pane is 400.
AREA_PANES: Mapping[str, str] = {
    "country": "bm-area-country",
    "region": "bm-area-region",
    "governorate": "bm-area-governorate",
    "border": "bm-area-strip",
    "border-side": "bm-area-side",
    "lake": "bm-area-lake",
}
PANES = (
    ("bm-reference", 350, False),
    *((pane, 401 + i, True) for i, pane in enumerate(AREA_PANES.values())),
    ("bm-lines", 420, True),
    ("bm-points", 430, True),
    ("bm-handles", 435, True),
    ("bm-highlight", 440, False),
    ("bm-labels", 450, False),
)
DRAW_ORDER = ("place", "sweep", "outpost", "strike")
"""Layers in the order they are drawn: within a pane, events lie on top of mere places."""

REGION_BOUNDS = ((30.5, 37.0), (37.5, 45.5))
"""``((south, west), (north, east))`` that the map opens on: the Iraq–Syria border region."""

REFERENCE_KINDS = (
    ("countries", "Countries"),
    ("governorates", "Governorates"),
    ("strip", "Border strip"),
    ("border", "Iraq–Syria border"),
    ("rivers", "Rivers"),
)
_REFERENCE_STYLES: Mapping[str, dict[str, Any]] = {
    "countries": {"color": "#6d6d6d", "weight": 1.2, "fillColor": "#f3efe6", "fillOpacity": 1.0},
    "governorates": {"color": "#a8a8a8", "weight": 0.6, "fill": False, "dashArray": "2 3"},
    "strip": {"color": "#8d6e63", "weight": 0.5, "fillColor": "#d7ccc8", "fillOpacity": 0.45},
    "border": {"color": "#4e342e", "weight": 2.5},
    "rivers": {"color": "#4a90c8", "weight": 2.0},
}

SIMPLIFY_DEGREES = 0.003
"""Tolerance (degrees, ~300 m) for simplifying drawn geometries; they are only drawn."""
COORD_DECIMALS = 4


# --------------------------------------------------------------------------- map data


def reference_geojson(
    gazetteer: Gazetteer, *, tolerance: float = 0.01
) -> dict[str, dict[str, Any]]:
    """The reference layers as FeatureCollections, keyed as in :data:`REFERENCE_KINDS`.

    Countries, governorates, the border strip, the Iraq–Syria border line and the rivers
    from the gazetteer, simplified by ``tolerance`` degrees; properties: ``name``.
    """
    from bordermap.gazetteer import BORDER_ID, STRIP_ID

    picks: dict[str, list[Any]] = {
        "countries": gazetteer.of_kind("country"),
        "governorates": gazetteer.of_kind("governorate"),
        "strip": [gazetteer[STRIP_ID]] if STRIP_ID in gazetteer else [],
        "border": [gazetteer[BORDER_ID]] if BORDER_ID in gazetteer else [],
        "rivers": gazetteer.of_kind("river"),
    }
    return {
        key: {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": place.id,
                    "properties": {"name": place.name},
                    "geometry": _drawable(place.geometry, tolerance),
                }
                for place in picks[key]
            ],
        }
        for key, _ in REFERENCE_KINDS
    }


GROUP_KEY = ("layer", "status", "place_id")


def group_features(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per drawn object: the features of one layer, status and place.

    Parameters
    ----------
    frame
        Feature properties, as :meth:`bordermap.store.Store.frame` returns them.

    Returns
    -------
    pandas.DataFrame
        Columns ``layer, status, place_id, place_name, place_kind, n, feature_id``:
        ``n`` counts the features and ``feature_id`` is the representative one, the
        latest by date (undated last), then by ingest order. Sorted by layer (as
        :data:`~bordermap.features.LAYERS`), status, place name.
    """
    import pandas as pd

    columns = [*GROUP_KEY, "place_name", "place_kind", "n", "feature_id"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    ranked = frame.assign(
        _dated=frame["date_start"].notna(),
        _date=frame["date_start"].fillna(""),
        _pos=np.arange(len(frame)),
    ).sort_values(["_dated", "_date", "article_order", "_pos"], ascending=False, kind="stable")
    grouped = ranked.groupby(list(GROUP_KEY), sort=False)
    groups = grouped.first()[["place_name", "place_kind", "feature_id"]]
    groups["n"] = grouped.size()
    groups = groups.reset_index()
    groups["_layer"] = groups["layer"].map({layer: i for i, layer in enumerate(LAYERS)})
    groups = groups.sort_values(["_layer", "status", "place_name", "place_id"], kind="stable")
    return groups[columns].reset_index(drop=True)


def group_members(
    frame: pd.DataFrame, feature_id: str, *, by: Sequence[str] = GROUP_KEY
) -> pd.DataFrame:
    """The rows of ``frame`` that share the values of ``by`` with ``feature_id``.

    With the default ``by``, the features drawn as one object with it (itself
    included); with ``by=("place_id",)``, every feature at its place, whatever the layer.
    """
    row = frame.loc[frame["feature_id"] == feature_id]
    if row.empty:
        return frame.iloc[0:0]
    first = row.iloc[0]
    same = np.ones(len(frame), dtype=bool)
    for key in by:
        same &= (frame[key] == first[key]).to_numpy()
    return frame.loc[same]


def article_label(article: StoredArticle) -> str:
    """How an article is named in the article filter: title and date."""
    return f"{article.title or article.article_id} ({article.published or 'undated'})"


def member_label(members: pd.DataFrame, feature_id: str) -> str:
    """How a feature is named in the list of the features at one place."""
    ids = list(members["feature_id"])
    row = members.iloc[ids.index(feature_id)]
    date = _text(row["date_start"]) or "undated"
    title = _text(row["article_title"]) or row["article_id"]
    status = " (planned)" if row["status"] == "planned" else ""
    number = ids.index(feature_id) + 1  # labels must differ: the same mention may repeat
    return f"{number}. {row['layer']}{status} · {date} · {title} · “{row['mention']}”"


def _text(value: object) -> str | None:
    """A frame cell as text, ``None`` for a missing value (None or NaN)."""
    return value if isinstance(value, str) and value else None


def features_geojson(
    groups: pd.DataFrame, geometries: Mapping[str, BaseGeometry]
) -> dict[str, dict[str, Any]]:
    """One FeatureCollection per layer of :data:`~bordermap.features.LAYERS`.

    Each feature is one group of :func:`group_features`, with the geometry of its
    representative feature (from ``geometries``, by feature id; groups without one
    are left out), simplified, and the properties ``feature_id``, ``layer``,
    ``status``, ``kind`` (the place's kind), ``n``, ``label`` (place name, layer,
    count: gazetteer text only).
    Areas come first, then lines, then points.
    """
    out: dict[str, dict[str, Any]] = {
        layer: {"type": "FeatureCollection", "features": []} for layer in LAYERS
    }
    order = {"Polygon": 0, "MultiPolygon": 0, "LineString": 1, "MultiLineString": 1}
    rows = []
    for g in groups.itertuples(index=False):
        geom = geometries.get(g.feature_id)
        if geom is None or geom.is_empty:
            continue
        rows.append((order.get(geom.geom_type, 2), -geom.area, g, geom))
    rows.sort(key=lambda r: (r[0], r[1]))
    for _, _, g, geom in rows:
        n = int(g.n)
        if g.layer == "place":
            noun = "mention" if n == 1 else "mentions"
        else:
            noun = "feature" if n == 1 else "features"
        label = f"{g.place_name} — {LAYER_STYLES[g.layer].title.lower()}, {n} {noun}"
        if g.status == "planned":
            label += " (planned)"
        out[g.layer]["features"].append(
            {
                "type": "Feature",
                "id": g.feature_id,
                "properties": {
                    "feature_id": g.feature_id,
                    "layer": g.layer,
                    "status": g.status,
                    "kind": g.place_kind,
                    "n": n,
                    "label": label,
                },
                "geometry": _drawable(geom, SIMPLIFY_DEGREES),
            }
        )
    return out


def _drawable(geom: BaseGeometry, tolerance: float) -> dict[str, Any]:
    """GeoJSON geometry, simplified and rounded to :data:`COORD_DECIMALS` decimals."""
    if geom.geom_type != "Point" and tolerance > 0:
        simpler = shapely.simplify(geom, tolerance, preserve_topology=True)
        if not simpler.is_empty:
            geom = simpler
    geom = shapely.transform(geom, lambda xy: np.round(xy, COORD_DECIMALS))
    return geometry_to_geojson(geom)


# --------------------------------------------------------------------------- the map


def feature_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    """Leaflet style of one drawn feature: colour by layer, dashed and hollow if planned."""
    props = feature["properties"]
    style = LAYER_STYLES[props["layer"]]
    planned = props["status"] == "planned"
    kind = feature["geometry"]["type"]
    out: dict[str, Any] = {
        "color": style.color,
        "weight": 2,
        "opacity": 0.95,
        "className": f"bm-{props['layer']} bm-{props['status']}",
    }
    if kind in ("Polygon", "MultiPolygon"):
        fill = 0.12 if props["layer"] == "place" else 0.3
        out.update(fillColor=style.color, fillOpacity=0.04 if planned else fill)
    elif kind in ("LineString", "MultiLineString"):
        out.update(weight=4, fill=False)
    else:
        out.update(
            radius=style.radius,
            fillColor=style.color,
            fillOpacity=0.0 if planned else 0.85,
            weight=2.5 if planned else 1.5,
            pane="bm-points",
        )
        if not planned:
            out["color"] = "#ffffff"
    if planned:
        out["dashArray"] = PLANNED_DASH
    return out


GEOMETRY_KINDS = {"area": "Polygon", "line": "LineString", "point": "Point"}


def style_table() -> dict[str, dict[str, Any]]:
    """:func:`feature_style` for every ``layer|status|area/line/point``, for the map's JS."""
    return {
        f"{layer}|{status}|{kind}": feature_style(
            {"properties": {"layer": layer, "status": status}, "geometry": {"type": geometry}}
        )
        for layer in LAYERS
        for status in ("reported", "planned")
        for kind, geometry in GEOMETRY_KINDS.items()
    }


def handle_table() -> dict[str, dict[str, Any]]:
    """:func:`handle_style` for every ``layer|status``, for the map's JS."""
    return {
        f"{layer}|{status}": handle_style({"properties": {"layer": layer, "status": status}})
        for layer in LAYERS
        for status in ("reported", "planned")
    }


def script_json(value: object) -> str:
    """``value`` as compact JSON that is safe inside an HTML ``<script>``."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def asset_links(base: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(default_js, default_css)`` of the map, served under ``base`` (e.g. ``/app/static``)."""
    root = f"{base.rstrip('/')}/{VENDOR}"
    js = [("leaflet", f"{root}/leaflet/leaflet.js")]
    css = [("leaflet_css", f"{root}/leaflet/leaflet.css")]
    return js, css


def static_url(base_url_path: str = "") -> str:
    """Where Streamlit serves the app's ``static`` folder, given ``server.baseUrlPath``."""
    prefix = base_url_path.strip("/")
    return f"/{prefix}/app/static" if prefix else "/app/static"


_MAP_CSS = (
    """
.bm-legend { background: rgba(255,255,255,0.92); padding: 6px 8px; font: 12px/1.35 sans-serif;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); }
.bm-legend b { display: block; margin-bottom: 2px; }
.bm-legend i { display: inline-block; width: 14px; height: 10px; margin-right: 6px;
  vertical-align: middle; border: 2px solid; box-sizing: border-box; }
.bm-legend i.pt { width: 11px; height: 11px; border-radius: 50%; }
.bm-legend i.ln { height: 0; border-width: 2px 0 0 0; }
.bm-legend i.hd { width: 10px; height: 10px; border-radius: 2px; }
.leaflet-interactive:focus, .bm-handle:focus { outline: none; }
.bm-handle { border: 2px solid #555; background: #fff; border-radius: 2px; box-sizing: border-box;
  box-shadow: 0 0 0 1px rgba(255,255,255,0.8); cursor: pointer; }
.bm-handle.bm-planned { border-style: dashed; }
"""
    + "".join(
        f".bm-handle.bm-{layer} {{ border-color: {style.color}; }}\n"
        for layer, style in LAYER_STYLES.items()
    )
    + """
.bm-count { font: bold 11px/1 sans-serif; color: #17332e; text-shadow: 0 0 2px #fff, 0 0 2px #fff;
  white-space: nowrap; }
"""
)


def _legend_html() -> str:
    rows = ["<b>Layers</b>"]
    for layer in LAYERS:
        s = LAYER_STYLES[layer]
        rows.append(
            f'<div><i class="pt" style="background:{s.color};border-color:{s.color}"></i>'
            f"{html.escape(s.title)}</div>"
        )
    rows.append(
        '<div><i class="pt" style="border-color:#555;border-style:dashed"></i>planned '
        "(dashed, hollow)</div>"
    )
    rows.append('<div><i style="background:#55555555;border-color:#555"></i>area</div>')
    rows.append('<div><i class="ln" style="border-color:#555"></i>line (river)</div>')
    rows.append('<div><i class="ln" style="border-color:#4e342e"></i>Iraq–Syria border</div>')
    rows.append('<div><i style="background:#d7ccc8;border-color:#8d6e63"></i>border strip</div>')
    rows.append('<div><i class="hd" style="border-color:#555"></i>handle: selects an area</div>')
    rows.append("<div>number: mentions of a place</div>")
    rows.append("<div>faint area: a whole country or governorate</div>")
    return "".join(rows)


def build_map(
    layers: Mapping[str, Mapping[str, Any]],
    reference: Mapping[str, Mapping[str, Any]],
    *,
    asset_base: str = "/app/static",
    online_tiles: bool = True,
    prefer_canvas: bool = False,
) -> folium.Map:
    """The map: reference layers, one FeatureGroup per layer, legend, LayerControl.

    Parameters
    ----------
    layers
        :func:`features_geojson`'s output.
    reference
        :func:`reference_geojson`'s output.
    asset_base
        The URL under which :func:`install_assets`'s ``vendor`` folder is served.
    online_tiles
        Offer OpenStreetMap tiles as a second base layer (never shown by default).
    prefer_canvas
        Draw vector features on a canvas instead of SVG.

    Build a new map for every render: a :class:`folium.Map` cannot be drawn twice.
    """
    import folium

    (south, west), (north, east) = REGION_BOUNDS
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=6,
        tiles=None,
        prefer_canvas=prefer_canvas,
        control_scale=True,
        # Without tiles, folium sets no zoom limits, and Leaflet needs them.
        minZoom=4,
        maxZoom=18,
    )
    js, css = asset_links(asset_base)
    m.default_js = js
    m.default_css = css
    m.fit_bounds([[south, west], [north, east]])

    elements = _elements()
    elements.Setup(asset_base).add_to(m)
    for name, z_index, pointer_events in PANES:
        folium.map.CustomPane(name, z_index=z_index, pointer_events=pointer_events).add_to(m)

    elements.BlankBase("No tiles (offline)").add_to(m)
    if online_tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", show=False).add_to(m)

    for key, title in REFERENCE_KINDS:
        data = reference.get(key)
        if not data or not data.get("features"):
            continue
        ref_style = dict(_REFERENCE_STYLES[key])
        folium.GeoJson(
            data,
            name=f"Reference: {title}",
            style_function=lambda _f, s=ref_style: s,
            interactive=False,
            pane="bm-reference",
            overlay=True,
            control=True,
        ).add_to(m)

    for layer in DRAW_ORDER:
        group = folium.FeatureGroup(name=LAYER_STYLES[layer].title, overlay=True, show=True)
        data = layers.get(layer) or {"type": "FeatureCollection", "features": []}
        for pane, feats in _by_pane(data["features"]).items():
            points = "point" if pane == "bm-points" else None
            elements.Features(feats, pane=pane, point_to_layer=points).add_to(group)
        handles = _handles(data["features"])
        if handles:
            elements.Features(handles, pane="bm-handles", point_to_layer="handle").add_to(group)
        if layer == "place":
            elements.CountLabels(_label_points(data["features"])).add_to(group)
        group.add_to(m)

    folium.LayerControl(collapsed=True, position="topright").add_to(m)  # always last
    return m


def _by_pane(features: Iterable[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Features by the pane that draws them (see :data:`PANES`), panes in z order."""
    out: dict[str, list[Any]] = {}
    for f in features:
        t = f["geometry"]["type"]
        if "Polygon" in t:
            pane = AREA_PANES.get(f["properties"].get("kind") or "", "bm-area-region")
        else:
            pane = "bm-lines" if "LineString" in t else "bm-points"
        out.setdefault(pane, []).append(f)
    z = {name: z_index for name, z_index, _ in PANES}
    return dict(sorted(out.items(), key=lambda item: z[item[0]]))


HANDLE_OFFSETS: Mapping[str, int] = {"place": -18, "sweep": -6, "outpost": 6, "strike": 18}
"""Pixels east of the point where each layer's handles sit, so that handles of areas
with the same geometry (a strike and a place "inside Syria") lie side by side."""
HANDLE_SIZE = 11


def _handles(features: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A point on each area and line, to click it by even where other areas cover it."""
    from shapely.geometry import shape

    out = []
    for f in features:
        if f["geometry"]["type"] == "Point":
            continue
        point = shape(f["geometry"]).representative_point()
        out.append(
            {
                "type": "Feature",
                "id": f["id"],
                "properties": f["properties"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(point.x, COORD_DECIMALS), round(point.y, COORD_DECIMALS)],
                },
            }
        )
    return out


def handle_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    """DivIcon options of an area's handle: a small square, offset by layer and status."""
    props = feature["properties"]
    dx = HANDLE_OFFSETS.get(props["layer"], 0)
    dy = 12 if props["status"] == "planned" else 0
    half = HANDLE_SIZE // 2
    return {
        "className": f"bm-handle bm-{props['layer']} bm-{props['status']}",
        "iconSize": [HANDLE_SIZE, HANDLE_SIZE],
        "iconAnchor": [half - dx, half - dy],
        "html": "",
    }


def _label_points(features: Iterable[Mapping[str, Any]]) -> list[tuple[float, float, int]]:
    """``(lat, lng, n)`` where to write the count of each feature drawn for n > 1."""
    from shapely.geometry import shape

    out = []
    for f in features:
        n = int(f["properties"]["n"])
        if n < 2:
            continue
        geom = shape(f["geometry"])
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        out.append((round(point.y, 5), round(point.x, 5), n))
    return out


@functools.cache
def _elements() -> SimpleNamespace:
    """The map's own elements (classes made once, on first use: folium is imported late)."""
    import folium
    from branca.element import MacroElement
    from folium.template import Template

    class Setup(MacroElement):
        """Marker image path, the map's CSS, the legend (static text only), and
        ``bordermap``: the style tables and functions the feature layers call."""

        _template = Template(
            """{% macro script(this, kwargs) %}
            L.Icon.Default.imagePath = {{ this.image_path|tojson }};
            var bordermap = (function () {
                var styles = {{ this.styles|tojson }};
                var handles = {{ this.handles|tojson }};
                function kind(f) {
                    var t = f.geometry.type;
                    return t.indexOf("Polygon") >= 0 ? "area"
                        : t.indexOf("LineString") >= 0 ? "line" : "point";
                }
                function style(f) {
                    var p = f.properties;
                    var s = Object.assign({}, styles[p.layer + "|" + p.status + "|" + kind(f)]);
                    // a whole country or governorate is vague evidence: a fainter fill,
                    // so that it does not drown the precise features
                    if ((p.kind === "country" || p.kind === "governorate") && s.fillOpacity) {
                        s.fillOpacity = s.fillOpacity / 3;
                    }
                    return s;
                }
                return {
                    style: style,
                    point: function (f, latlng) { return L.circleMarker(latlng, style(f)); },
                    handle: function (f, latlng) {
                        var p = f.properties;
                        var icon = L.divIcon(handles[p.layer + "|" + p.status]);
                        return L.marker(latlng, {icon: icon, pane: "bm-handles"});
                    },
                    tooltip: function (f, layer) {
                        var label = document.createElement("span");
                        label.textContent = f.properties.label;
                        layer.bindTooltip(label, {sticky: true});
                    }
                };
            })();
            (function () {
                var style = document.createElement("style");
                style.textContent = {{ this.css|tojson }};
                document.head.appendChild(style);
            })();
            var {{ this.get_name() }} = L.control({position: "bottomleft"});
            {{ this.get_name() }}.onAdd = function () {
                var div = L.DomUtil.create("div", "bm-legend");
                div.innerHTML = {{ this.legend|tojson }};
                return div;
            };
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
            {% endmacro %}"""
        )

        def __init__(self, asset_base: str) -> None:
            super().__init__()
            self._name = "BordermapSetup"
            self.image_path = f"{asset_base.rstrip('/')}/{VENDOR}/leaflet/images/"
            self.css = _MAP_CSS
            self.legend = _legend_html()
            self.styles = style_table()
            self.handles = handle_table()

    class Features(MacroElement):
        """One pane's worth of a layer's drawn features: data embedded once, as JSON
        serialised here (not at every render), styled by ``bordermap.style``."""

        _template = Template(
            """{% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.geoJson({{ this.data_json }}, {
                pane: {{ this.pane|tojson }},
                style: bordermap.style,
                {%- if this.point_to_layer %}
                pointToLayer: bordermap.{{ this.point_to_layer }},
                {%- endif %}
                onEachFeature: bordermap.tooltip
            }).addTo({{ this._parent.get_name() }});
            {% endmacro %}"""
        )

        def __init__(
            self, features: list[Any], *, pane: str, point_to_layer: str | None = None
        ) -> None:
            super().__init__()
            self._name = "Features"
            self.pane = pane
            self.point_to_layer = point_to_layer
            self.data_json = script_json({"type": "FeatureCollection", "features": features})

    class BlankBase(folium.map.Layer):
        """A base layer without tiles: the reference layers are the background."""

        _template = Template(
            """{% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.layerGroup();
            {% endmacro %}"""
        )

        def __init__(self, name: str) -> None:
            super().__init__(name=name, overlay=False, control=True, show=True)
            self._name = "BlankBase"

    class CountLabels(MacroElement):
        """Counts written next to the places drawn for many mentions (non-interactive)."""

        _template = Template(
            """{% macro script(this, kwargs) %}
            {{ this.points|tojson }}.forEach(function (p) {
                L.marker([p[0], p[1]], {
                    icon: L.divIcon({className: "bm-count", html: String(p[2]),
                                     iconSize: null, iconAnchor: [-9, 14]}),
                    interactive: false, keyboard: false, pane: "bm-labels"
                }).addTo({{ this._parent.get_name() }});
            });
            {% endmacro %}"""
        )

        def __init__(self, points: list[tuple[float, float, int]]) -> None:
            super().__init__()
            self._name = "CountLabels"
            self.points = [list(p) for p in points]

    return SimpleNamespace(
        Setup=Setup, Features=Features, BlankBase=BlankBase, CountLabels=CountLabels
    )


def highlight(geometry: BaseGeometry, *, name: str = "Selected") -> folium.FeatureGroup:
    """A FeatureGroup that outlines ``geometry`` (for ``st_folium(feature_group_to_add=)``)."""
    import folium

    group = folium.FeatureGroup(name=name, control=False)
    geo = _drawable(geometry, SIMPLIFY_DEGREES)
    if geo["type"] == "Point":
        lon, lat = geo["coordinates"][:2]
        folium.CircleMarker(
            [lat, lon],
            radius=15,
            color=HIGHLIGHT_COLOR,
            weight=5,
            fill=False,
            interactive=False,
            pane="bm-highlight",
        ).add_to(group)
    else:
        style = {
            "color": HIGHLIGHT_COLOR,
            "weight": 5,
            "opacity": 1.0,
            "fillOpacity": 0.08,
            "fillColor": HIGHLIGHT_COLOR,
        }
        folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": geo},
            style_function=lambda _f: style,
            interactive=False,
            pane="bm-highlight",
        ).add_to(group)
    return group


def clicked_feature_id(value: Mapping[str, Any] | None) -> str | None:
    """The ``feature_id`` of the drawn object in st_folium's ``last_active_drawing``."""
    if not value:
        return None
    drawing = value.get("last_active_drawing") if "last_active_drawing" in value else value
    if not isinstance(drawing, Mapping):
        return None
    props = drawing.get("properties")
    fid = props.get("feature_id") if isinstance(props, Mapping) else None
    return fid if isinstance(fid, str) else None


# --------------------------------------------------------------------------- the panel


def mark_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """``text`` as escaped HTML, each span wrapped in ``<mark class=...>``.

    Spans may nest or overlap: the text is cut at every span boundary and each piece
    is wrapped once, with the classes of every span that covers it.
    """
    spans = [(max(0, s), min(len(text), e), c) for s, e, c in spans if e > s]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = html.escape(text[a:b])
        classes = sorted({c for s, e, c in spans if s <= a and b <= e})
        if classes:
            out.append(f'<mark class="{" ".join(classes)}">{piece}</mark>')
        else:
            out.append(piece)
    return "".join(out)


PANEL_CSS = """<style>
.bm-panel { font-size: 0.95rem; }
.bm-panel table { border-collapse: collapse; margin: 0.3rem 0 0.6rem; }
.bm-panel th { text-align: left; padding: 1px 10px 1px 0; color: #555; font-weight: 600;
  vertical-align: top; white-space: nowrap; }
.bm-panel td { padding: 1px 0; }
.bm-panel blockquote { margin: 0.4rem 0; padding: 0.3rem 0.7rem; border-left: 4px solid #bbb;
  background: #fafafa; white-space: pre-wrap; }
.bm-panel mark.mention { background: #ffe082; padding: 0 1px; }
.bm-panel mark.quote { background: #e3f2fd; }
.bm-panel mark.quote.mention { background: #ffca28; }
.bm-panel .bm-article { white-space: pre-wrap; font-family: Georgia, serif; line-height: 1.5;
  max-height: 32rem; overflow-y: auto; padding: 0.5rem; border: 1px solid #ddd; }
.bm-panel .bm-muted { color: #777; }
</style>"""


def _row(label: str, value: object) -> str:
    shown = "—" if value is None or value == "" else str(value)
    return f"<tr><th>{html.escape(label)}</th><td>{html.escape(shown)}</td></tr>"


def date_text(feature: Feature) -> str:
    """The feature's date as a person reads it, with its precision."""
    if feature.date_start is None:
        return "undated"
    when = feature.date_start
    if feature.date_end and feature.date_end != feature.date_start:
        when = f"{feature.date_start} – {feature.date_end}"
    return f"{when} ({feature.date_precision})"


def safe_link(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else ``None`` (never a ``javascript:`` link)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url.strip()
    return None


def quote_html(feature: Feature) -> str:
    """The feature's quote with its mention marked, escaped, in a blockquote."""
    start = feature.mention_start - feature.quote_start
    end = feature.mention_end - feature.quote_start
    return f"<blockquote>{mark_spans(feature.quote, [(start, end, 'mention')])}</blockquote>"


def panel_html(
    feature: Feature,
    evidence: Sequence[Feature],
    article: StoredArticle | None,
    *,
    group_size: int = 1,
) -> str:
    """The linked panel of one feature, as escaped HTML.

    Parameters
    ----------
    feature
        The selected feature.
    evidence
        Every feature of the same event (``event_id``), the selected one included.
    article
        The stored article the feature comes from.
    group_size
        How many features the map draws as one object with this one.
    """
    style = LAYER_STYLES.get(feature.layer)
    facts = [
        _row("Layer", style.title if style else feature.layer),
        _row("Status", feature.status),
        _row(
            "Place",
            f"{feature.place_name} ({feature.place_kind or 'place'}, {feature.geo_precision})",
        ),
        _row("How it was placed", feature.geo_reason),
        _row("Date", date_text(feature)),
        _row("Date as written", feature.date_text),
        _row("Actor", feature.actor),
        _row("Fatalities", feature.fatalities),
        _row("Speaker", feature.speaker),
    ]
    if group_size > 1:
        facts.append(_row("Drawn with", f"{group_size - 1} other feature(s) at this place"))
    parts = [PANEL_CSS, '<div class="bm-panel">', f"<table>{''.join(facts)}</table>"]
    parts.append(quote_html(feature))
    others = [
        f
        for f in evidence
        if f.feature_id != feature.feature_id
        and (f.quote_start, f.quote_end) != (feature.quote_start, feature.quote_end)
    ]
    if feature.event_id is not None:
        seen: set[tuple[int, int]] = set()
        unique = []
        for f in others:
            if (f.quote_start, f.quote_end) not in seen:
                seen.add((f.quote_start, f.quote_end))
                unique.append(f)
        n = len(unique)
        if n:
            parts.append(
                f"<p><b>Other evidence of this event</b> "
                f'<span class="bm-muted">({n} quote{"s" if n != 1 else ""})</span></p>'
            )
            parts.extend(quote_html(f) for f in unique)
        else:
            parts.append('<p class="bm-muted">No other quote evidences this event.</p>')
    parts.append(_article_facts(feature, article))
    parts.append("</div>")
    return "".join(parts)


def _article_facts(feature: Feature, article: StoredArticle | None) -> str:
    title = (article.title if article else None) or feature.article_title or feature.article_id
    outlet = (article.outlet if article else None) or feature.article_outlet
    published = (article.published if article else None) or feature.published
    url = (article.url if article else None) or feature.article_url
    rows = [_row("Article", title), _row("Outlet", outlet), _row("Published", published)]
    link = safe_link(url)
    if link is not None:
        rows.append(
            f'<tr><th>Link</th><td><a href="{html.escape(link, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer">{html.escape(link)}</a></td></tr>'
        )
    elif url:
        rows.append(_row("Link", url))
    return f"<table>{''.join(rows)}</table>"


def article_html(text: str, mentions: Iterable[tuple[int, int]], quote: tuple[int, int]) -> str:
    """The whole article, escaped, with every mention marked and ``quote`` marked."""
    spans = [(s, e, "mention") for s, e in mentions]
    spans.append((quote[0], quote[1], "quote"))
    return (
        f'{PANEL_CSS}<div class="bm-panel"><div class="bm-article">'
        f"{mark_spans(text, spans)}</div></div>"
    )


# --------------------------------------------------------------------------- table, timeline

TABLE_COLUMNS = {
    "date_start": "Date",
    "layer": "Layer",
    "status": "Status",
    "place_name": "Place",
    "mention": "Mention",
    "article_title": "Article",
    "quote": "Quote",
}
QUOTE_CHARS = 160


def table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table of features: :data:`TABLE_COLUMNS`, quotes cut to :data:`QUOTE_CHARS`.

    The index is the feature id, so a selected row position maps back to a feature.
    """
    out = frame[list(TABLE_COLUMNS)].copy()
    out["quote"] = out["quote"].map(
        lambda q: q if len(q) <= QUOTE_CHARS else q[: QUOTE_CHARS - 1].rstrip() + "…"
    )
    out.index = frame["feature_id"].to_numpy()
    out.index.name = "feature_id"
    return out.rename(columns=TABLE_COLUMNS)


def timeline_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Features per date (``date_start``) per layer: a date index, one column per layer.

    Undated features are left out; layers are columns in :data:`LAYERS` order even when
    they have no feature.
    """
    import pandas as pd

    dated = frame.loc[frame["date_start"].notna(), ["date_start", "layer"]]
    if dated.empty:
        return pd.DataFrame(columns=list(LAYERS), index=pd.DatetimeIndex([], name="date"))
    counts = (
        dated.assign(date=pd.to_datetime(dated["date_start"]))
        .groupby(["date", "layer"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(LAYERS), fill_value=0)
    )
    counts.columns.name = None
    return counts


def layer_colors() -> list[str]:
    """The layer colours in :data:`LAYERS` order (for charts)."""
    return [LAYER_STYLES[layer].color for layer in LAYERS]
