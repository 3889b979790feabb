#!/usr/bin/env python3
"""Benchmark the dashboard on a generated corpus of about 10,000 features.

    .venv/bin/python bench/bench_dashboard.py [--features 10000] [--keep DIR]

1. Writes articles from templates (towns of the gazetteer, strikes, outposts, sweeps,
   place mentions; seeded, so every run is the same corpus), extracts them with the
   real pipeline and ingests them into a fresh store, until the store holds the
   number of features asked for.
2. Prints the size of the map: the folium HTML and the script st_folium sends.
3. Starts ``streamlit run dashboard/app.py`` on a free port with that store, opens it
   in Debian's Chromium (with every non-localhost request aborted), and prints the
   time to the first map render (the first interactive Leaflet feature drawn) and the
   time from a click on a feature to the panel showing its quote.

Targets: first render under 3 s, click to panel under 700 ms. This is a script to run
by hand, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parents[1]
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
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'

TEMPLATES = (
    "Iraqi F-16 jets struck ISIS hideouts near {town} on {day}, killing {n} militants, "
    "the Joint Operations Command said.",
    "Coalition aircraft carried out airstrikes on ISIS positions across the border in "
    "Syria on {day}.",
    "The army will build new outposts along the border near {town}, an official said.",
    "Border guards were deployed to {town} to stop infiltration.",
    "Troops launched a search operation in the desert around {town} on {day}.",
    "Security forces swept the villages of {town} looking for sleeper cells.",
    "Residents of {town} said life was slowly returning to normal.",
    "Markets in {town} reopened this week.",
)


def write_corpus(folder: Path, n_articles: int, towns: list[str], seed: int = 7) -> list[Path]:
    """``n_articles`` generated article files in ``folder``, named after ``seed``."""
    rng = random.Random(seed)
    files = []
    for i in range(n_articles):
        published = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(0, 5 * 365))
        paragraphs = []
        for _ in range(rng.randint(5, 9)):
            day = published - dt.timedelta(days=rng.randrange(0, 6))
            paragraphs.append(
                rng.choice(TEMPLATES).format(
                    town=rng.choice(towns),
                    day=f"{day:%B} {day.day}, {day.year}",
                    n=rng.randint(2, 40),
                )
            )
        title = f"Security report {seed}-{i + 1} from the border"
        text = (
            f"---\ntitle: {title}\noutlet: Bench Wire\npublished: {published.isoformat()}\n---\n"
            f"{title}\n\n" + "\n\n".join(paragraphs) + "\n"
        )
        path = folder / f"bench_{seed:03d}_{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def build_store(db: Path, target: int) -> tuple[int, float]:
    """Fill ``db`` with generated articles until it holds ``target`` features or more."""
    from bordermap import gazetteer, pipeline
    from bordermap.store import Store

    gaz = gazetteer.load()
    iraq_syria = {"country:IRQ", "country:SYR"}
    towns = sorted(
        p.name
        for p in gaz.of_kind("town")
        if p.country in iraq_syria and len(gaz.lookup(p.name)) == 1
    )
    store = Store(db)
    extractor = pipeline.Extractor(gaz)
    start = time.perf_counter()
    batch = 0
    with tempfile.TemporaryDirectory() as tmp:
        while store.count() < target:
            folder = Path(tmp) / f"batch{batch}"
            folder.mkdir()
            missing = target - store.count()
            files = write_corpus(folder, max(20, missing // 9), towns, seed=batch)
            store.ingest(files, extractor)
            batch += 1
    return store.count(), time.perf_counter() - start


def map_sizes(db: Path) -> dict[str, int]:
    """Bytes of the map as folium renders it and as st_folium sends it."""
    import streamlit_folium

    from bordermap import gazetteer, mapview
    from bordermap.store import Store

    store = Store(db)
    frame = store.frame()
    groups = mapview.group_features(frame)
    layers = mapview.features_geojson(groups, store.geometries(groups["feature_id"]))
    reference = mapview.reference_geojson(gazetteer.load())
    html = mapview.build_map(layers, reference).get_root().render()
    script = streamlit_folium._get_map_string(mapview.build_map(layers, reference))
    return {
        "features": len(frame),
        "drawn objects": len(groups),
        "html": len(html),
        "script": len(script),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(db: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BORDERMAP_DB": str(db)}
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("streamlit")),
            "run",
            "dashboard/app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.enableStaticServing",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not come up")


UNCOVERED_POINT = """(el) => {
    const r = el.getBoundingClientRect();
    for (let i = 0; i < 400; i++) {
        const x = r.left + ((i % 20) + 0.5) / 20 * r.width;
        const y = r.top + (Math.floor(i / 20) + 0.5) / 20 * r.height;
        if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
        if (document.elementFromPoint(x, y) === el) return [x, y];
    }
    return null;
}"""


def selected(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("feature")
    return values[-1] if values else None


def measure_browser(port: int, clicks: int, db: Path) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    from bordermap.store import Store

    url = f"http://localhost:{port}/"
    out: dict[str, object] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        external: list[str] = []

        def guard(route) -> None:
            host = route.request.url.split("/")[2] if "://" in route.request.url else ""
            if host.split(":")[0] in ("localhost", "127.0.0.1"):
                route.continue_()
            else:
                external.append(route.request.url)
                route.abort()

        renders = []
        visits = 6
        for attempt in range(visits):  # the first visit also warms the server's caches
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.route("**/*", guard)
            start = time.perf_counter()
            page.goto(url)
            page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive").first.wait_for(
                timeout=120_000
            )
            renders.append(time.perf_counter() - start)
            if attempt < visits - 1:
                page.close()
        out["first render, cold server (s)"] = round(renders[0], 2)
        out["first render, warm, median (s)"] = round(statistics.median(renders[1:]), 2)
        out["first render, warm, all (s)"] = [round(r, 2) for r in renders[1:]]
        frame = page.frame_locator(MAP_FRAME)
        targets = frame.locator("path.leaflet-interactive, .bm-handle")
        count = targets.count()
        out["interactive objects drawn"] = count
        box = page.locator(MAP_FRAME).bounding_box()
        rng = random.Random(3)
        times = []
        misses = 0
        previous = None
        store = Store(db)
        tries = 0
        while len(times) < clicks and tries < clicks * 10:
            tries += 1
            point = targets.nth(rng.randrange(count)).evaluate(UNCOVERED_POINT)
            if point is None:
                continue
            start = time.perf_counter()
            page.mouse.click(box["x"] + point[0], box["y"] + point[1])
            try:
                page.wait_for_url(
                    lambda url, before=previous: selected(url) not in (None, before),
                    timeout=10_000,
                )
            except Exception:
                misses += 1
                continue
            previous = selected(page.url)
            feature = store.feature(previous)
            expected = " ".join(feature.quote.split())
            quote = page.locator(".bm-panel blockquote").first
            while time.perf_counter() - start < 15:
                try:
                    if " ".join(quote.inner_text(timeout=1000).split()) == expected:
                        break
                except Exception:
                    pass
                page.wait_for_timeout(5)
            times.append(time.perf_counter() - start)
            page.wait_for_timeout(400)
        out["clicks that selected nothing new"] = misses
        out["click to panel, median (s)"] = round(statistics.median(times), 3)
        out["click to panel, all (s)"] = [round(t, 3) for t in times]
        out["requests to other hosts"] = len(external)
        browser.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--clicks", type=int, default=12)
    parser.add_argument("--keep", metavar="DIR", help="keep the store in DIR (reused if there)")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bordermap-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "bench.gpkg"
    count, seconds = build_store(db, args.features)
    print(f"store: {count} features, built in {seconds:.1f} s ({db.stat().st_size / 1e6:.1f} MB)")
    sizes = map_sizes(db)
    print(
        f"map: {sizes['drawn objects']} drawn objects for {sizes['features']} features; "
        f"folium HTML {sizes['html'] / 1e6:.2f} MB, st_folium script "
        f"{sizes['script'] / 1e6:.2f} MB"
    )
    port = free_port()
    proc = start_app(db, port)
    try:
        for key, value in measure_browser(port, args.clicks, db).items():
            print(f"{key}: {value}")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
