"""The dashboard page run by Streamlit's AppTest: widgets, filters and counts, the URL
state, the panel, adding articles, and empty or broken stores.

The map itself is a custom component that AppTest does not draw; it is tested on its
HTML in ``test_mapview.py`` and in a real browser in ``test_browser.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bordermap.features import LAYERS
from bordermap.store import ENV_VAR, Filters, Store

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
TIMEOUT = 120


def run_app(
    monkeypatch,
    db: Path,
    *,
    query: dict[str, str | list[str]] | None = None,
    seeds: Path | None = None,
) -> AppTest:
    monkeypatch.setenv(ENV_VAR, str(db))
    if seeds is not None:
        monkeypatch.setenv("BORDERMAP_SEEDS", str(seeds))
    else:
        monkeypatch.delenv("BORDERMAP_SEEDS", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def shown(at: AppTest) -> str:
    (metric,) = [m for m in at.sidebar.metric if m.label == "Features shown"]
    return metric.value


def submit(at: AppTest) -> None:
    """Press "Add to the map"."""
    (button,) = [b for b in at.button if b.label == "Add to the map"]
    button.click().run()


def panel(at: AppTest) -> str:
    return "\n".join(h.value for h in at.html if "bm-panel" in h.value)


# --- start-up ---------------------------------------------------------------------------


def test_an_empty_store_is_filled_from_the_seeds(monkeypatch, tmp_path: Path) -> None:
    db = tmp_path / "fresh.gpkg"
    at = run_app(monkeypatch, db)
    assert not at.exception, at.exception
    assert not at.error
    store = Store(db)
    total = store.count()
    assert total > 0 and len(store.articles()) == 2
    assert shown(at) == f"{total} of {total}"
    # the widgets, with everything shown
    assert at.multiselect(key="f_articles").value == []
    assert len(at.multiselect(key="f_articles").options) == 2
    assert at.multiselect(key="f_layers").value == list(LAYERS)
    assert at.multiselect(key="f_statuses").value == ["reported", "planned"]
    assert at.toggle(key="f_undated").value is True
    assert at.text_input(key="f_text").value == ""
    assert at.date_input(key="f_dates") is not None
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == total
    assert [t.label for t in at.tabs] == ["Table", "Timeline", "Add articles", "Export"]
    assert len(at.download_button) == 3
    assert at.info[0].value.startswith("Click a feature")
    assert dict(at.query_params) == {}


def test_a_broken_store_gives_a_clear_error(monkeypatch, tmp_path: Path) -> None:
    db = tmp_path / "broken.gpkg"
    db.write_text("this is not a GeoPackage\n" * 500)
    at = run_app(monkeypatch, db)
    assert not at.exception
    assert len(at.error) == 1
    assert "Cannot open the store" in at.error[0].value and "not a GeoPackage" in at.error[0].value
    assert db.read_text().startswith("this is not a GeoPackage")  # left alone


def test_a_store_of_another_program_is_refused(monkeypatch, tmp_path: Path) -> None:
    import geopandas
    from shapely.geometry import Point

    db = tmp_path / "other.gpkg"
    geopandas.GeoDataFrame({"a": [1]}, geometry=[Point(1, 2)], crs=4326).to_file(db)
    at = run_app(monkeypatch, db)
    assert not at.exception
    assert "not a bordermap store" in at.error[0].value


def test_an_empty_store_without_seeds_shows_nothing_and_runs(monkeypatch, tmp_path) -> None:
    empty = tmp_path / "no-seeds"
    empty.mkdir()
    at = run_app(monkeypatch, tmp_path / "empty.gpkg", seeds=empty)
    assert not at.exception and not at.error
    assert shown(at) == "0 of 0"
    assert len(at.dataframe[0].value) == 0
    assert any("No dated feature" in i.value for i in at.info)


# --- filters, counts and the URL ---------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "filters"),
    [
        ("f_layers", ["strike"], Filters(layers=("strike",))),
        ("f_layers", ["place", "sweep"], Filters(layers=("sweep", "place"))),
        ("f_statuses", ["planned"], Filters(statuses=("planned",))),
        ("f_undated", False, Filters(include_undated=False)),
        ("f_text", "Rasul", Filters(text="Rasul")),
        ("f_articles", ["002_f6459c5b22a4b497"], Filters(articles=("002_f6459c5b22a4b497",))),
    ],
)
def test_filters_change_the_counts_the_table_and_the_url(
    monkeypatch, seeded_store: Path, key, value, filters
) -> None:
    at = run_app(monkeypatch, seeded_store)
    total = Store(seeded_store).count()
    expected = Store(seeded_store).count(filters)
    assert 0 < expected < total
    if key == "f_undated":
        at.toggle(key=key).set_value(value)
    elif key == "f_text":
        at.text_input(key=key).set_value(value)
    else:
        at.multiselect(key=key).set_value(value)
    at.run()
    assert not at.exception, at.exception
    assert shown(at) == f"{expected} of {total}"
    assert len(at.dataframe[0].value) == expected
    assert Filters.from_query(dict(at.query_params)) == filters


def test_a_date_range_filters(monkeypatch, seeded_store: Path) -> None:
    import datetime as dt

    store = Store(seeded_store)
    dated = sorted(f.date_start for f in store.features() if f.date_start)
    assert dated, "the seeds have dated features"
    day = dt.date.fromisoformat(dated[0])
    at = run_app(monkeypatch, seeded_store)
    at.date_input(key="f_dates").set_value((day, day)).run()
    at.toggle(key="f_undated").set_value(False).run()
    expected = store.count(Filters(date_from=day, date_to=day, include_undated=False))
    assert shown(at) == f"{expected} of {store.count()}"
    assert at.query_params["from"] == day.isoformat()


def test_the_url_sets_the_filters_and_the_selection(monkeypatch, seeded_store: Path) -> None:
    store = Store(seeded_store)
    strike = store.features(Filters(layers=("strike",)))[0]
    query = {"layers": "strike,outpost", "status": "reported", "feature": strike.feature_id}
    at = run_app(monkeypatch, seeded_store, query=query)
    assert not at.exception
    assert at.multiselect(key="f_layers").value == ["strike", "outpost"]
    assert at.multiselect(key="f_statuses").value == ["reported"]
    filters = Filters(layers=("strike", "outpost"), statuses=("reported",))
    assert shown(at) == f"{store.count(filters)} of {store.count()}"
    html = panel(at)
    assert "Strikes" in html and strike.place_name in html
    assert '<mark class="mention">' in html
    assert at.query_params["feature"] == strike.feature_id


def test_an_unknown_feature_in_the_url_is_ignored(monkeypatch, seeded_store: Path) -> None:
    at = run_app(monkeypatch, seeded_store, query={"feature": "nope", "layers": "bogus"})
    assert not at.exception
    assert at.info[0].value.startswith("Click a feature")
    assert at.multiselect(key="f_layers").value == []


def test_the_panel_shows_the_event_the_article_and_the_whole_text(
    monkeypatch, seeded_store: Path
) -> None:
    store = Store(seeded_store)
    feature = next(
        f
        for f in store.features(Filters(layers=("strike",)))
        if f.event_id and len(store.features(event_id=f.event_id)) > 1
    )
    at = run_app(monkeypatch, seeded_store, query={"feature": feature.feature_id})
    html = panel(at)
    assert "Other evidence of this event" in html
    quotes = {(f.quote_start, f.quote_end) for f in store.features(event_id=feature.event_id)}
    assert html.count("<blockquote>") == len(quotes)
    assert [e.label for e in at.expander] == ["Read the article"]
    article = [h.value for h in at.html if '<div class="bm-article">' in h.value]
    assert len(article) == 1
    assert article[0].count('class="quote') >= 1
    assert article[0].count("mention") >= len(store.mention_spans(feature.article_id))


def test_choosing_another_feature_at_the_same_place(monkeypatch, seeded_store: Path) -> None:
    store = Store(seeded_store)
    frame = store.frame()
    counts = frame.groupby("place_id").size()
    place = counts[counts > 1].index[0]
    first, second = frame.loc[frame["place_id"] == place, "feature_id"].iloc[:2]
    at = run_app(monkeypatch, seeded_store, query={"feature": first})
    box = at.selectbox(key=f"member_{first}")
    assert len(box.options) == counts[place]
    box.select(second).run()
    assert at.query_params["feature"] == second


# --- adding articles ---------------------------------------------------------------------

PASTED = (
    "Iraqi jets struck ISIS hideouts near al-Qaim on Monday, killing five militants, "
    "the Joint Operations Command said.\n\nTroops swept the desert near Rawa.\n"
)


def test_pasted_text_is_added_and_a_duplicate_is_reported(monkeypatch, seeded_store) -> None:
    total = Store(seeded_store).count()
    at = run_app(monkeypatch, seeded_store)
    at.text_input(key="add_title").set_value("Jets strike near al-Qaim")
    at.text_area(key="add_text").set_value(PASTED)
    submit(at)
    assert not at.exception, at.exception
    added = [s.value for s in at.success]
    assert any(v.startswith("added pasted-") for v in added), added
    store = Store(seeded_store)
    assert store.count() > total
    assert shown(at) == f"{store.count()} of {store.count()}"
    assert any(a.title == "Jets strike near al-Qaim" for a in store.articles())
    # the same again: a duplicate, nothing added
    at.text_input(key="add_title").set_value("Jets strike near al-Qaim")
    at.text_area(key="add_text").set_value(PASTED)
    submit(at)
    assert any("duplicate" in i.value for i in at.info)
    assert Store(seeded_store).count() == store.count()


def test_an_uploaded_file_is_added(monkeypatch, seeded_store: Path) -> None:
    at = run_app(monkeypatch, seeded_store)
    text = "---\ntitle: Outposts at Rabia\npublished: 2020-02-03\n---\n" + PASTED
    at.file_uploader[0].set_value(("rabia_report.md", text.encode(), "text/markdown"))
    submit(at)
    assert not at.exception
    assert any(s.value == "added rabia_report" for s in at.success)
    assert "Outposts at Rabia (2020-02-03)" in at.multiselect(key="f_articles").options
    assert Store(seeded_store).article_text("rabia_report") == text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bad.txt", b"\x00\x01binary", "binary file"),
        ("bad.txt", b"\xff\xfe\xfa not utf-8", "not UTF-8"),
        ("bad.md", b"---\ntitle: [oops\n---\ntext", "front matter"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_a_bad_file_gives_a_clear_message_and_the_app_runs_on(
    monkeypatch, seeded_store: Path, name, data, message
) -> None:
    total = Store(seeded_store).count()
    at = run_app(monkeypatch, seeded_store)
    at.file_uploader[0].set_value((name, data, "text/plain"))
    submit(at)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert (
        len(errors) == 1
        and errors[0].startswith("Cannot add this article")
        and message in errors[0]
    )
    assert shown(at) == f"{total} of {total}"


def test_submitting_nothing_warns(monkeypatch, seeded_store: Path) -> None:
    at = run_app(monkeypatch, seeded_store)
    submit(at)
    assert [w.value for w in at.warning] == ["Choose a file or paste some text first."]
