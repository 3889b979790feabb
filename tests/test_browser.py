"""The dashboard in a real browser: ``streamlit run`` driven by Playwright in Debian's
Chromium, with every request that would leave localhost aborted and recorded.

They prove that the map draws with the network cut off, that clicking a strike, an
outpost, a sweep area and a place (or selecting a table row) fills the panel with that
feature's quote, that the URL holds the view, that a filter hides features, that an
uploaded article appears and survives a restart, and that an article full of HTML shows
as text and runs no script. A failing test leaves a screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import PHASE_REPORTS

from bordermap.features import LAYERS
from bordermap.store import ENV_VAR, Filters, Store

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAP = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
TIMEOUT_MS = 60_000

if not Path(CHROMIUM).exists():  # scripts/setup.sh --test installs it
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class App:
    """One ``streamlit run dashboard/app.py`` on a store."""

    db: Path
    log: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}/"

    def start(self) -> App:
        env = {**os.environ, ENV_VAR: str(self.db)}
        env.pop("BORDERMAP_SEEDS", None)
        streamlit = Path(sys.executable).with_name("streamlit")
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    str(streamlit),
                    "run",
                    "dashboard/app.py",
                    "--server.headless",
                    "true",
                    "--server.port",
                    str(self.port),
                    "--server.enableStaticServing",
                    "true",
                    "--browser.gatherUsageStats",
                    "false",
                    "--server.fileWatcherType",
                    "none",
                ],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text()[-2000:]}")
            try:
                url = f"http://127.0.0.1:{self.port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError("streamlit did not answer /_stcore/health within 60 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.proc = None


@pytest.fixture(scope="module")
def app(seeded_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The dashboard on a copy of the seeded store, shared by the read-only tests."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "store.gpkg"
    shutil.copyfile(seeded_store_file, db)
    server = App(db, folder / "streamlit.log").start()
    yield server
    server.stop()


@pytest.fixture
def own_app(seeded_store_file: Path, tmp_path: Path) -> Iterator[App]:
    """A dashboard on a private store, for the tests that add articles."""
    db = tmp_path / "store.gpkg"
    shutil.copyfile(seeded_store_file, db)
    server = App(db, tmp_path / "streamlit.log")
    yield server
    server.stop()


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Net:
    """Every request the page made, and those aborted because they left localhost."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def net() -> Net:
    return Net()


@pytest.fixture
def page(browser, net: Net, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1500, "height": 1100})

    def guard(route) -> None:
        url = route.request.url
        net.requests.append(url)
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in ("localhost", "127.0.0.1", "::1"):
            route.continue_()
        else:
            net.blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT_MS)

    def on_dialog(dialog) -> None:
        net.dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    reports = request.node.stash.get(PHASE_REPORTS, {})
    if any(r.failed for r in reports.values()):
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def map_frame(pg):
    """The map's frame, once the old one is gone (a new map replaces its frame)."""
    pg.locator(MAP).first.wait_for(state="attached")
    wait_until(pg, lambda: pg.locator(MAP).count() == 1, "a single map")
    return pg.frame_locator(MAP)


def open_app(pg, url: str):
    """Open the dashboard and wait until the map has drawn its features."""
    pg.goto(url)
    frame = map_frame(pg)
    frame.locator("path.leaflet-interactive").first.wait_for(state="attached")
    return frame


def shown(pg) -> str:
    return pg.locator('[data-testid="stMetricValue"]').first.inner_text()


def selected_feature(pg) -> str | None:
    values = parse_qs(urlsplit(pg.url).query).get("feature")
    return values[-1] if values else None


_UNCOVERED_POINT = """(el) => {
    const r = el.getBoundingClientRect();
    for (let i = 0; i < 900; i++) {
        const x = r.left + ((i % 30) + 0.5) / 30 * r.width;
        const y = r.top + (Math.floor(i / 30) + 0.5) / 30 * r.height;
        if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
        if (document.elementFromPoint(x, y) === el) return [x, y];
    }
    return null;
}"""

_MAP_STATE = """(el) => {
    const pane = el.querySelector(".leaflet-map-pane");
    return [innerWidth, innerHeight, pane ? pane.style.transform : ""].join(" ");
}"""


def wait_for_map_to_settle(pg) -> None:
    """Wait until the map's frame and view stop changing (the frame is resized, and the
    map re-centred, after the first features are drawn)."""
    frame = map_frame(pg)
    last, since = None, time.monotonic()
    deadline = since + 20
    while time.monotonic() < deadline:
        box = pg.locator(MAP).bounding_box()
        state = (
            tuple(box.values()) if box else None,
            frame.locator(".leaflet-container").evaluate(_MAP_STATE),
        )
        if state != last:
            last, since = state, time.monotonic()
        elif time.monotonic() - since > 0.4:
            return
        pg.wait_for_timeout(50)
    raise AssertionError("the map never stopped moving")


def click_feature(pg, features) -> None:
    """Click, with the mouse, the first of ``features`` that something else does not cover.

    The mouse, not ``locator.click``: scrolling an element into view would pan the map.
    """
    wait_for_map_to_settle(pg)
    for i in range(features.count()):
        point = features.nth(i).evaluate(_UNCOVERED_POINT)
        if point is not None:
            box = pg.locator(MAP).bounding_box()
            pg.mouse.click(box["x"] + point[0], box["y"] + point[1])
            return
    raise AssertionError("every one of these features is covered by another")


def wait_for_selection(pg, previous: str | None = None) -> str:
    """The feature id the URL names once it changes from ``previous``."""

    def changed(url: str) -> bool:
        values = parse_qs(urlsplit(url).query).get("feature")
        return bool(values) and values[-1] != previous

    pg.wait_for_url(changed, timeout=30_000)
    current = selected_feature(pg)
    assert current is not None
    return current


def wait_until(pg, condition, what: str, timeout: float = 30.0) -> None:
    """Poll ``condition`` while Playwright keeps serving the page (never ``time.sleep``:
    the sync API answers routed requests only inside its own calls)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except sync_api.Error:  # the map's frame was replaced while we looked: look again
            pass
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        pg.wait_for_timeout(50)


def panel_text(pg) -> str:
    return pg.locator(".bm-panel").first.inner_text()


# --- the tests ------------------------------------------------------------------------------


def test_the_map_draws_with_the_network_cut_off(app: App, page, net: Net) -> None:
    frame = open_app(page, app.url)
    assert frame.locator("path.leaflet-interactive").count() > 10
    assert frame.locator(".leaflet-bm-reference-pane path").count() > 10  # countries, rivers
    assert frame.locator(".leaflet-marker-icon.bm-count").count() > 0  # counts of places
    assert frame.locator(".leaflet-marker-icon.bm-handle").count() > 0  # handles of areas
    assert frame.locator(".leaflet-control-layers").count() == 1
    assert frame.locator(".bm-legend").inner_text().startswith("Layers")
    for layer in LAYERS:
        assert frame.locator(f"path.bm-{layer}").count() > 0, layer
    assert frame.locator(".leaflet-tile").count() == 0  # no tile server needed
    assert net.blocked == [], net.blocked
    served = [u for u in net.requests if "/app/static/vendor/" in u]
    assert any(u.endswith("/leaflet/leaflet.js") for u in served)
    assert any(u.endswith("/leaflet/leaflet.css") for u in served)


@pytest.mark.parametrize("layer", LAYERS)
def test_clicking_a_feature_fills_the_panel_with_its_quote(app: App, page, layer: str) -> None:
    frame = open_app(page, app.url)
    # the feature itself, or, where other areas cover an area, its handle
    click_feature(page, frame.locator(f"path.bm-{layer}, .bm-handle.bm-{layer}"))
    feature_id = wait_for_selection(page)
    feature = Store(app.db).feature(feature_id)
    assert feature is not None and feature.layer == layer
    quote = page.locator(".bm-panel blockquote").first
    quote.wait_for()
    expected = " ".join(feature.quote.split())
    wait_until(page, lambda: " ".join(quote.inner_text().split()) == expected, "the quote")
    assert quote.locator("mark.mention").first.inner_text() == feature.mention
    text = panel_text(page)
    assert feature.place_name in text and feature.status in text
    # the clicked feature is highlighted, and the map was not reloaded to do it
    frame.locator(".leaflet-bm-highlight-pane path").first.wait_for(state="attached")


def test_selecting_a_table_row_selects_its_feature(app: App, page) -> None:
    open_app(page, app.url)
    ids = Store(app.db).frame()["feature_id"].tolist()
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    row, header, height = 3, 35, 35  # the grid draws on a canvas: rows are 35 px high
    page.mouse.click(box["x"] + 14, box["y"] + header + height * row + height / 2)
    feature_id = wait_for_selection(page)
    assert feature_id == ids[row]
    feature = Store(app.db).feature(feature_id)
    quote = page.locator(".bm-panel blockquote").first
    expected = " ".join(feature.quote.split())
    wait_until(page, lambda: " ".join(quote.inner_text().split()) == expected, "the quote")


def test_a_filter_hides_features(app: App, page) -> None:
    frame = open_app(page, app.url)
    store = Store(app.db)
    total = store.count()
    assert frame.locator("path.bm-strike").count() > 0
    search = page.get_by_label("Search quotes, places, actors")
    search.fill("outposts")
    search.press("Enter")
    expected = store.count(Filters(text="outposts"))
    assert 0 < expected < total
    wait_until(page, lambda: shown(page) == f"{expected} of {total}", "the count")
    page.wait_for_timeout(300)
    frame = map_frame(page)
    frame.locator("path.leaflet-interactive").first.wait_for(state="attached")
    layers = {f.layer for f in store.features(Filters(text="outposts"))}
    assert layers != set(LAYERS)
    for layer in LAYERS:
        wait_until(
            page,
            lambda layer=layer: (
                (frame.locator(f"path.bm-{layer}").count() > 0) == (layer in layers)
            ),
            f"the {layer} layer",
        )
    assert parse_qs(urlsplit(page.url).query)["q"] == ["outposts"]


def test_the_url_holds_the_view(app: App, page) -> None:
    store = Store(app.db)
    feature = store.features(Filters(layers=("sweep",)))[0]
    frame = open_app(page, f"{app.url}?layers=sweep&feature={feature.feature_id}")
    assert shown(page) == f"{store.count(Filters(layers=('sweep',)))} of {store.count()}"
    assert frame.locator("path.bm-strike").count() == 0
    assert frame.locator("path.bm-sweep").count() > 0
    page.locator(".bm-panel blockquote").first.wait_for()
    assert feature.mention in page.locator(".bm-panel blockquote").first.inner_text()


UPLOADED = (
    "---\ntitle: Border guards reinforce Rabia\npublished: 2021-03-04\n---\n"
    "Border guards reinforce Rabia\n\n"
    "Iraqi border guards were deployed to Rabia on March 2, 2021, to stop infiltration "
    "from Syria, the Joint Operations Command said.\n\n"
    "Troops also launched a search operation in the desert around al-Qaim.\n"
)


def add_article(
    pg, *, file: tuple[str, bytes] | None = None, text: str | None = None, title: str | None = None
) -> str:
    """Add an article through the "Add articles" tab; return the messages shown."""
    pg.get_by_role("tab", name="Add articles").click()
    if file is not None:
        name, data = file
        pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            files=[{"name": name, "mimeType": "text/plain", "buffer": data}]
        )
        pg.get_by_text(name).first.wait_for()
    if title is not None:
        pg.get_by_label("…or paste one: title (optional)").fill(title)
    if text is not None:
        pg.get_by_label("Article text").fill(text)
    pg.get_by_role("button", name="Add to the map").click()
    outcome = re.compile(r"^(added|replaced|duplicate|failed|Cannot|Choose)")
    alerts = pg.locator('[data-testid="stAlert"]').filter(has_text=outcome)
    alerts.first.wait_for()
    pg.wait_for_timeout(300)
    return "\n".join(alerts.all_inner_texts())


def test_an_uploaded_article_appears_and_survives_a_restart(own_app: App, page) -> None:
    own_app.start()
    open_app(page, own_app.url)
    before = Store(own_app.db).count()
    messages = add_article(page, file=("rabia_guards.txt", UPLOADED.encode()))
    assert "added rabia_guards" in messages
    after = Store(own_app.db).count()
    assert after > before
    wait_until(page, lambda: shown(page) == f"{after} of {after}", "the new count")
    # the same file again is a duplicate
    assert "duplicate: rabia_guards is already in the store" in add_article(
        page, file=("rabia_guards.txt", UPLOADED.encode())
    )
    own_app.stop()
    own_app.start()
    frame = open_app(page, f"{own_app.url}?article=rabia_guards")
    mine = Store(own_app.db).count(Filters(articles=("rabia_guards",)))
    assert mine > 0 and shown(page) == f"{mine} of {after}"
    assert frame.locator("path.leaflet-interactive").count() > 0


HOSTILE_TITLE = "Report <script>window.__pwned = 'title'</script>"
HOSTILE = (
    "Strikes hit <b>al-Qaim</b> <script>window.__pwned = 'script'; alert('script')</script>\n\n"
    'Iraqi jets struck ISIS hideouts near al-Qaim <img src=x onerror="window.__pwned = '
    "'img'; alert('img')\"> on March 3, 2021, killing five militants.\n\n"
    'Troops swept the desert around Rawa <a href="javascript:alert(1)">here</a>.\n'
)


def test_an_article_full_of_html_shows_as_text(own_app: App, page, net: Net) -> None:
    own_app.start()
    open_app(page, own_app.url)
    messages = add_article(page, text=HOSTILE, title=HOSTILE_TITLE)
    assert "added pasted-" in messages
    store = Store(own_app.db)
    (article,) = [a for a in store.articles() if a.article_id.startswith("pasted-")]
    feature = next(
        f
        for f in store.features(article_id=article.article_id)
        if "<img" in f.quote or "<script>" in f.quote
    )
    open_app(page, f"{own_app.url}?feature={feature.feature_id}")
    quote = page.locator(".bm-panel blockquote").first
    quote.wait_for()
    assert " ".join(quote.inner_text().split()) == " ".join(feature.quote.split())
    page.get_by_text("Read the article").click()
    body = page.locator(".bm-article")
    body.wait_for()
    text = body.inner_text()
    assert "<script>window.__pwned = 'script'; alert('script')</script>" in text
    assert '<img src=x onerror="window.__pwned = ' in text
    assert "<b>al-Qaim</b>" in text
    panel = page.locator(".bm-panel").first.inner_text()
    assert html.unescape(HOSTILE_TITLE) in panel
    # nothing from the article became an element, and no script ran
    assert page.locator(".bm-panel script, .bm-panel img, .bm-panel b, .bm-article a").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert map_frame(page).locator("body").evaluate("() => typeof window.__pwned") == "undefined"
    assert net.dialogs == []
    assert not [u for u in net.requests if urlsplit(u).path in ("/x", "/app/x")]
