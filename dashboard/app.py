"""The bordermap dashboard: ``streamlit run dashboard/app.py`` from the repository root.

Settings
    The store is ``-- --db FILE`` after the script name, else ``$BORDERMAP_DB``, else
    ``data/bordermap.gpkg``. When it holds no article, the articles in ``seeds/`` (or
    ``$BORDERMAP_SEEDS``) are ingested. ``.streamlit/config.toml`` turns on static
    serving, through which the map loads Leaflet from ``dashboard/static/vendor/``
    (filled by ``scripts/fetch_assets.py``, or here on start when missing).

State
    The filters and the selected feature live in the URL query parameters (see
    :meth:`bordermap.store.Filters.to_query`; ``feature`` is the selected feature id).
    Session keys: ``f_*`` are the filter widgets, ``selected`` the selected feature id,
    ``added`` the messages of the last "Add articles", ``init`` marks a session whose
    widgets were set from the URL.

Everything else is a library call: :mod:`bordermap.store` reads and filters,
:mod:`bordermap.mapview` builds the map, the panel, the table and the timeline,
:mod:`bordermap.ingest` turns uploads and pasted text into articles.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from functools import partial
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from bordermap import gazetteer, ingest, mapview, pipeline
from bordermap.errors import ArticleError, BordermapError
from bordermap.features import LAYERS, STATUSES
from bordermap.store import Filters, Store, default_path

APP_DIR = Path(__file__).resolve().parent
SEEDS = Path(os.environ.get("BORDERMAP_SEEDS") or APP_DIR.parent / "seeds")
FILTER_KEYS = ("f_articles", "f_dates", "f_undated", "f_layers", "f_statuses", "f_text")

st.set_page_config(page_title="bordermap", page_icon="🗺️", layout="wide")


# --------------------------------------------------------------------------- cached resources


def db_path() -> Path:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return Path(args.db) if args.db else default_path()


@st.cache_resource(show_spinner=False)
def get_store(path: str) -> Store:
    return Store(path)


@st.cache_resource(show_spinner="Loading the gazetteer…")
def get_extractor() -> pipeline.Extractor:
    return pipeline.Extractor(gazetteer.load())


@st.cache_resource(show_spinner=False)
def get_reference() -> dict:
    return mapview.reference_geojson(gazetteer.load())


@st.cache_resource(show_spinner=False)
def ensure_assets() -> list[str]:
    with contextlib.suppress(ModuleNotFoundError, OSError):  # reported below as missing
        mapview.install_assets(APP_DIR / "static")
    return mapview.missing_assets(APP_DIR / "static")


# Frames and map data are read-only: shared across sessions, never copied.
@st.cache_resource(show_spinner=False, max_entries=16)
def get_frame(_store: Store, path: str, version: int, filters: Filters):
    return _store.frame(filters)


@st.cache_resource(show_spinner=False, max_entries=16)
def get_layers(_store: Store, path: str, version: int, filters: Filters) -> dict:
    groups = mapview.group_features(get_frame(_store, path, version, filters))
    return mapview.features_geojson(groups, _store.geometries(groups["feature_id"]))


@st.cache_resource(show_spinner=False, max_entries=16)
def get_table(_store: Store, path: str, version: int, filters: Filters):
    frame = get_frame(_store, path, version, filters)
    return mapview.table_frame(frame), mapview.timeline_frame(frame)


@st.cache_data(show_spinner=False, max_entries=8)
def get_articles(_store: Store, path: str, version: int):
    return _store.articles(), _store.count()


# --------------------------------------------------------------------------- callbacks


def select(feature_id: str | None) -> None:
    if feature_id:
        st.session_state.selected = feature_id


def on_map_click() -> None:
    select(mapview.clicked_feature_id(st.session_state.get("map")))


def on_member(key: str) -> None:
    select(st.session_state.get(key))


def on_row_select(feature_ids: list[str]) -> None:
    rows = st.session_state.table.selection.rows
    if rows:
        select(feature_ids[rows[0]])


def on_add(store: Store) -> None:
    upload = st.session_state.get("add_file")
    pasted = st.session_state.get("add_text") or ""
    messages: list[tuple[str, str]] = []
    try:
        if upload is not None:
            candidates = [ingest.article_from_upload(upload.name, upload.getvalue())]
        elif pasted.strip():
            candidates = [
                ingest.article_from_paste(
                    pasted,
                    title=st.session_state.get("add_title") or None,
                    published=st.session_state.get("add_date"),
                )
            ]
        else:
            candidates = []
            messages.append(("warning", "Choose a file or paste some text first."))
        if candidates:
            report = store.ingest(candidates, get_extractor())
            for line in ingest.describe(report):
                kind = "error" if line.startswith("failed") else "info"
                kind = "success" if line.startswith(("added", "replaced")) else kind
                messages.append((kind, line))
            if report.changed:
                messages.append(("success", ingest.summary(report)))
    except ArticleError as exc:
        messages.append(("error", f"Cannot add this article: {exc}"))
    except Exception as exc:  # a bug in a stage must not take the app down
        messages.append(("error", f"Cannot add this article: {type(exc).__name__}: {exc}"))
    st.session_state.added = messages


# --------------------------------------------------------------------------- the page

st.title("bordermap")
st.caption(
    "Conflict on the Iraq–Syria border, from news articles: every feature shows its sentence."
)

missing = ensure_assets()
if missing:
    st.warning(
        "The map's scripts are not installed, so the map cannot draw: run "
        f"`python scripts/fetch_assets.py` (missing: {', '.join(missing)})."
    )

path = db_path()
try:
    store = get_store(str(path))
    if store.is_empty():
        with st.spinner("The store is empty: ingesting the seed articles…"):
            ingest.seed_if_empty(store, SEEDS, get_extractor())
    version = store.version()
except BordermapError as exc:
    st.error(f"Cannot open the store {str(path)!r}: {exc}")
    st.stop()

all_articles, total = get_articles(store, str(path), version)
titles = {
    a.article_id: f"{a.title or a.article_id} ({a.published or 'undated'})" for a in all_articles
}

# Widgets start from the URL once per session.
if "init" not in st.session_state:
    url = {key: st.query_params.get_all(key) for key in st.query_params}
    start = Filters.from_query(url)
    st.session_state.f_articles = [a for a in start.articles if a in titles]
    st.session_state.f_dates = tuple(d for d in (start.date_from, start.date_to) if d)
    st.session_state.f_undated = start.include_undated
    st.session_state.f_layers = list(start.layers)
    st.session_state.f_statuses = list(start.statuses)
    st.session_state.f_text = start.text
    st.session_state.selected = (url.get("feature") or [None])[-1]
    st.session_state.init = True

with st.sidebar:
    st.header("Filters")
    st.multiselect(
        "Articles",
        list(titles),
        format_func=titles.get,
        key="f_articles",
        placeholder="All articles",
    )
    st.date_input("Date range", key="f_dates", format="YYYY-MM-DD")
    st.toggle("Include undated features", key="f_undated")
    st.multiselect(
        "Layers",
        list(LAYERS),
        key="f_layers",
        format_func=lambda layer: mapview.LAYER_STYLES[layer].title,
    )
    st.multiselect("Status", list(STATUSES), key="f_statuses")
    st.text_input("Search quotes, places, actors", key="f_text")

dates = tuple(st.session_state.f_dates or ())
filters = Filters(
    articles=tuple(st.session_state.f_articles),
    date_from=dates[0] if dates else None,
    date_to=dates[1] if len(dates) > 1 else None,
    include_undated=st.session_state.f_undated,
    layers=tuple(layer for layer in LAYERS if layer in st.session_state.f_layers),
    statuses=tuple(s for s in STATUSES if s in st.session_state.f_statuses),
    text=st.session_state.f_text,
)
frame = get_frame(store, str(path), version, filters)
st.sidebar.metric("Features shown", f"{len(frame)} of {total}")

selected = st.session_state.get("selected")
feature = store.feature(selected) if selected else None
query = {**filters.to_query(), **({"feature": [feature.feature_id]} if feature else {})}
if {k: st.query_params.get_all(k) for k in st.query_params} != query:
    st.query_params.from_dict(query)

map_col, panel_col = st.columns([3, 2], gap="medium")
shown = feature is not None and bool((frame["feature_id"] == feature.feature_id).any())
# The panel first: it reaches the browser before the map is serialised.
with panel_col:
    if feature is None:
        st.info("Click a feature on the map, or a row of the table, to see its evidence.")
    else:
        here = mapview.group_members(frame, feature.feature_id, by=("place_id",))
        if len(here) > 1:
            st.selectbox(
                f"{len(here)} features at {feature.place_name}",
                list(here["feature_id"]),
                index=list(here["feature_id"]).index(feature.feature_id),
                format_func=partial(mapview.member_label, here),
                key=f"member_{feature.feature_id}",
                on_change=on_member,
                args=(f"member_{feature.feature_id}",),
            )
        if not shown:
            st.caption("This feature is hidden by the current filters.")
        evidence = store.features(event_id=feature.event_id) if feature.event_id else [feature]
        article = next((a for a in all_articles if a.article_id == feature.article_id), None)
        drawn_with = len(mapview.group_members(frame, feature.feature_id))
        st.html(mapview.panel_html(feature, evidence, article, group_size=drawn_with))
        with st.expander("Read the article"):
            st.html(
                mapview.article_html(
                    store.article_text(feature.article_id),
                    store.mention_spans(feature.article_id),
                    (feature.quote_start, feature.quote_end),
                )
            )

with map_col:
    st_folium(
        mapview.build_map(
            get_layers(store, str(path), version, filters),
            get_reference(),
            asset_base=mapview.static_url(st.get_option("server.baseUrlPath")),
        ),
        key="map",
        height=620,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
        feature_group_to_add=mapview.highlight(feature.geometry) if shown else None,
        on_change=on_map_click,
    )

table_tab, timeline_tab, add_tab, export_tab = st.tabs(
    ["Table", "Timeline", "Add articles", "Export"]
)
table, timeline = get_table(store, str(path), version, filters)
with table_tab:
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=360,
        key="table",
        on_select=partial(on_row_select, list(table.index)),
        selection_mode="single-row",
    )
with timeline_tab:
    if timeline.empty:
        st.info("No dated feature matches the filters.")
    else:
        st.bar_chart(timeline, color=mapview.layer_colors(), x_label="date", y_label="features")
with add_tab:
    with st.form("add", clear_on_submit=True):
        st.file_uploader("Upload an article (.txt or .md)", type=["txt", "md"], key="add_file")
        st.text_input("…or paste one: title (optional)", key="add_title")
        st.date_input("Published (optional)", value=None, key="add_date", format="YYYY-MM-DD")
        st.text_area("Article text", key="add_text", height=180)
        st.form_submit_button("Add to the map", on_click=on_add, args=(store,))
    for kind, message in st.session_state.get("added", []):
        getattr(st, kind)(message)
with export_tab:
    st.write(f"Download the {len(frame)} features the filters show.")
    for fmt, mime in (
        ("geojson", "application/geo+json"),
        ("csv", "text/csv"),
        ("gpkg", "application/geopackage+sqlite3"),
    ):
        st.download_button(
            f"Download {fmt.upper()}",
            data=partial(store.export, filters, fmt),
            file_name=f"bordermap-features.{fmt}",
            mime=mime,
            key=f"export_{fmt}",
            on_click="ignore",
        )
