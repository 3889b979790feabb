#!/usr/bin/env python3
"""Benchmark the extraction pipeline and the exports on a generated, seed-like corpus.

    .venv/bin/python bench/bench_extract.py [--articles 5000] [--seed 0] [--profile]
        [--memory-articles 10000] [--export-dir DIR] [--cpu N] [--repeat R] [--cli]

The corpus comes from ``bench/corpus.py`` (seed-like articles, place names from the
gazetteer; the same seed is the same corpus). On one core (the process pins itself
with ``os.sched_setaffinity`` where it can, by default to the idlest allowed CPU):

1. memory: a child process streams ``--memory-articles`` articles through
   generate -> parse -> extract -> write, once per format, and its peak RSS is read
   when it exits (``wait4`` per child, ``RUSAGE_CHILDREN`` for the maximum of them).
   It runs first, while this process is still small, because a child's ``ru_maxrss``
   can include the pages of the parent it was spawned from.
2. extraction: one ``Extractor``; ``parse_article`` + ``extract`` over the corpus
   (generated beforehand, so generation is not timed), in CPU time and wall time:
   articles/s, MB/s of input text, features per article, share of articles yielding
   each layer.
3. export: per format, the corpus streams generate -> extract -> writer without ever
   being held in memory; the time spent producing the features is measured and
   subtracted, so the figure is the writer's own: articles/s and MB/s of output.
4. with ``--profile``: a cProfile of the extraction, as time per stage and the top 20
   functions by own time.
5. with ``--cli``: the corpus is written to a folder and ``bordermap extract`` run on
   it end to end (wall time, start-up and file reading included).

Targets (from the issue): extraction >= 1,000 articles/s on one core, judged on CPU
time, which other processes on a shared machine do not inflate (wall time is printed
next to it); peak memory < 500 MB for 10,000 articles, streamed. Throughput MB are
10^6 bytes; memory MB are MiB (2^20 bytes).

A script to run by hand, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/corpus.py; it imports bordermap only when called)

if TYPE_CHECKING:  # bordermap is imported late: the memory children are spawned first
    from bordermap.features import Feature
    from bordermap.pipeline import Extractor

    Writer = Callable[[Iterable[Feature], Path], int]

EXTRACT_TARGET = 1000.0  # articles/s on one core
MEMORY_TARGET_MB = 500.0  # for 10,000 articles, streamed
FORMATS = ("geojson", "csv", "gpkg")
LAYERS = ("strike", "outpost", "sweep", "place")
MB = 1e6
MIB = 1024 * 1024

# (label, module file, function name): parse_article and the stages of Extractor.extract.
STAGES = (
    ("parse_article", "articles.py", "parse_article"),
    ("extract (all stages below)", "pipeline.py", "extract"),
    ("  split_sentences", "sentences.py", "split_sentences"),
    ("  Matcher.find (mentions)", "mentions.py", "find"),
    ("  resolve", "resolve.py", "resolve"),
    ("  estimate_published", "dates.py", "estimate_published"),
    ("  SpeakerTracker.speaker_of", "events.py", "speaker_of"),
    ("  find_triggers", "events.py", "find_triggers"),
    ("  link_places", "events.py", "link_places"),
    ("  _sentence_date (find_dates)", "pipeline.py", "_sentence_date"),
    ("  _group (events)", "pipeline.py", "_group"),
    ("  _features (Feature records)", "pipeline.py", "_features"),
)


# --------------------------------------------------------------------------- helpers


def _rss_mib(usage: resource.struct_rusage) -> float:
    # ru_maxrss is in KiB on Linux, in bytes on macOS
    return usage.ru_maxrss / (MIB if sys.platform == "darwin" else 1024)


def _self_peak_mib() -> float:
    return _rss_mib(resource.getrusage(resource.RUSAGE_SELF))


def _rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def _cpu_times() -> dict[int, tuple[int, int]]:
    """Per-CPU (busy, total) jiffies from /proc/stat."""
    times: dict[int, tuple[int, int]] = {}
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return times
    for line in lines:
        name, *fields = line.split()
        if name.startswith("cpu") and name[3:].isdigit():
            values = [int(v) for v in fields]
            idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
            times[int(name[3:])] = (sum(values) - idle, sum(values))
    return times


def _busy(seconds: float = 0.5) -> dict[int, float]:
    """Per-CPU busy share over a short sample."""
    a = _cpu_times()
    time.sleep(seconds)
    b = _cpu_times()
    return {c: (b[c][0] - a[c][0]) / max(1, b[c][1] - a[c][1]) for c in a if c in b}


def pin(requested: str) -> tuple[int | None, str]:
    """Pin this process (and the children it starts) to one CPU; return it and a note."""
    if not hasattr(os, "sched_setaffinity"):
        return None, "not pinned (os.sched_setaffinity is not available here)"
    allowed = sorted(os.sched_getaffinity(0))
    busy = _busy()
    load = ", ".join(f"cpu{c} {busy[c]:.0%}" for c in allowed if c in busy)
    if requested == "auto":
        cpu = min(allowed, key=lambda c: (busy.get(c, 1.0), -c))
    else:
        cpu = int(requested)
        if cpu not in allowed:
            raise SystemExit(f"--cpu {cpu}: not one of the allowed CPUs {allowed}")
    os.sched_setaffinity(0, {cpu})
    return cpu, f"pinned to CPU {cpu} of {allowed} (busy in the 0.5 s before: {load})"


@dataclass
class Clock:
    """CPU and wall seconds, added up."""

    cpu: float = 0.0
    wall: float = 0.0

    def add(self, cpu: float, wall: float) -> None:
        self.cpu += cpu
        self.wall += wall


# --------------------------------------------------------------------------- streams


def _writers() -> dict[str, Writer]:
    from bordermap import export

    return {"geojson": export.write_geojson, "csv": export.write_csv, "gpkg": export.write_gpkg}


def feature_lists(
    n: int,
    seed: int,
    extractor: Extractor,
    clock: Clock | None = None,
    on_article: Callable[[int], None] | None = None,
) -> Iterator[list[Feature]]:
    """The features of each generated article, one article at a time.

    The time spent generating, parsing and extracting (everything but the consumer)
    is added to ``clock``.
    """
    from bordermap.articles import parse_article

    articles = corpus.generate(n, seed)
    i = 0
    while True:
        c0, w0 = time.process_time(), time.perf_counter()
        item = next(articles, None)
        if item is not None:
            article_id, text = item
            features = extractor.extract(parse_article(text, article_id)).features
        if clock is not None:
            clock.add(time.process_time() - c0, time.perf_counter() - w0)
        if item is None:
            return
        if on_article is not None:
            on_article(i)
        i += 1
        yield features


# --------------------------------------------------------------------------- 1. memory


@dataclass
class MemoryResult:
    peak_mib: float  # RUSAGE_CHILDREN: the largest child
    per_format: dict[str, float]


def memory_child(args: argparse.Namespace) -> int:
    """In the child: stream the corpus into one format; print the figures as JSON."""
    from bordermap.gazetteer import load
    from bordermap.pipeline import Extractor

    fmt: str = args.child
    n: int = args.memory_articles
    extractor = Extractor(load())
    loaded = _self_peak_mib()
    marks: dict[str, float] = {}

    def on_article(i: int) -> None:
        if i + 1 == max(1, n // 10):
            marks["tenth"] = _self_peak_mib()

    out = Path(args.export_dir) / f"memory.{fmt}"
    t0 = time.perf_counter()
    stream = chain.from_iterable(feature_lists(n, args.seed, extractor, on_article=on_article))
    count = _writers()[fmt](stream, out)
    wall = time.perf_counter() - t0
    size = out.stat().st_size
    out.unlink()
    figures = {
        "features": count,
        "bytes": size,
        "wall": wall,
        "loaded_mib": loaded,
        "tenth_mib": marks.get("tenth", float("nan")),
    }
    print(json.dumps(figures))
    return 0


def measure_memory(args: argparse.Namespace, export_dir: Path) -> MemoryResult:
    print(
        f"\n== memory: streamed generate -> extract -> export of {args.memory_articles} "
        "articles, one child process per format =="
    )
    print(
        f"  (this process's own peak RSS so far: {_self_peak_mib():.0f} MB; it has not loaded "
        "bordermap yet)"
    )
    per_format: dict[str, float] = {}
    for fmt in args.memory_formats:
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            *("--child", fmt, "--memory-articles", str(args.memory_articles)),
            *("--seed", str(args.seed), "--export-dir", str(export_dir)),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        output = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"the memory run for {fmt} failed with status {proc.returncode}")
        figures = json.loads(output.strip().splitlines()[-1])
        per_format[fmt] = _rss_mib(usage)
        print(
            f"  {fmt:8} peak RSS {per_format[fmt]:5.0f} MB   (after loading the gazetteer "
            f"{figures['loaded_mib']:.0f} MB, after 10% of the articles "
            f"{figures['tenth_mib']:.0f} MB)   {figures['features']} features, "
            f"{figures['bytes'] / MB:.0f} MB written in {figures['wall']:.0f} s"
        )
    peak = _rss_mib(resource.getrusage(resource.RUSAGE_CHILDREN))
    print(
        f"  peak RSS of the children (RUSAGE_CHILDREN): {peak:.0f} MB; "
        f"target < {MEMORY_TARGET_MB:.0f} MB"
    )
    return MemoryResult(peak, per_format)


# --------------------------------------------------------------------------- 2. extraction


@dataclass
class ExtractionRun:
    articles: int
    bytes: int
    cpu: float
    wall: float
    parse_cpu: float
    features: int
    unresolved: int
    layers: Counter[str] = field(default_factory=Counter)  # articles yielding each layer

    @property
    def cpu_rate(self) -> float:
        return _rate(self.articles, self.cpu)

    @property
    def wall_rate(self) -> float:
        return _rate(self.articles, self.wall)

    @property
    def cpu_mbps(self) -> float:
        return _rate(self.bytes / MB, self.cpu)


def measure_extraction(texts: list[tuple[str, str]], extractor: Extractor) -> ExtractionRun:
    from bordermap.articles import parse_article

    run = ExtractionRun(len(texts), sum(len(t.encode()) for _, t in texts), 0.0, 0.0, 0.0, 0, 0)
    gc.collect()
    c0, w0 = time.process_time(), time.perf_counter()
    for article_id, text in texts:
        p0 = time.process_time()
        article = parse_article(text, article_id)
        run.parse_cpu += time.process_time() - p0
        result = extractor.extract(article)
        run.features += len(result.features)
        run.unresolved += len(result.unresolved)
        run.layers.update({f.layer for f in result.features})
    run.cpu, run.wall = time.process_time() - c0, time.perf_counter() - w0
    return run


def print_extraction(i: int, run: ExtractionRun) -> None:
    n = run.articles
    print(
        f"  run {i}: {run.cpu_rate:6.0f} articles/s CPU, {run.wall_rate:6.0f} wall   "
        f"{run.cpu_mbps:.2f} MB/s CPU ({_rate(run.bytes / MB, run.wall):.2f} wall)   "
        f"[{run.cpu:.1f} s CPU, {run.wall:.1f} s wall; parse_article "
        f"{run.parse_cpu / run.cpu:.0%} of the CPU time]"
    )
    if i == 1:
        shares = ", ".join(f"{layer} {run.layers[layer] / n:.0%}" for layer in LAYERS)
        print(
            f"         {run.features / n:.1f} features and {run.unresolved / n:.2f} unresolved "
            f"mentions per article; articles yielding {shares}"
        )


# --------------------------------------------------------------------------- 3. export


@dataclass
class ExportRun:
    articles: int
    features: int
    bytes: int
    cpu: float  # the writer's own
    wall: float
    producer_cpu: float


def measure_export(
    n: int, seed: int, extractor: Extractor, export_dir: Path, formats: Iterable[str]
) -> dict[str, ExportRun]:
    writers = _writers()
    results: dict[str, ExportRun] = {}
    for fmt in formats:
        out = export_dir / f"bench.{fmt}"
        producer = Clock()
        gc.collect()
        c0, w0 = time.process_time(), time.perf_counter()
        count = writers[fmt](chain.from_iterable(feature_lists(n, seed, extractor, producer)), out)
        cpu = time.process_time() - c0 - producer.cpu
        wall = time.perf_counter() - w0 - producer.wall
        size = out.stat().st_size
        e = results[fmt] = ExportRun(n, count, size, cpu, wall, producer.cpu)
        print(
            f"  {fmt:8} {_rate(n, cpu):6.0f} articles/s CPU, {_rate(n, wall):6.0f} wall   "
            f"{_rate(size / MB, cpu):6.1f} MB/s CPU ({_rate(size / MB, wall):.1f} wall)   "
            f"{count} features, {size / MB:.0f} MB ({size / n / 1e3:.0f} KB per article)   "
            f"[writer {e.cpu:.1f} s CPU, {e.wall:.1f} s wall; producing the features "
            f"{e.producer_cpu:.1f} s CPU]"
        )
    return results


# --------------------------------------------------------------------------- 4. profile


def profile_extraction(texts: list[tuple[str, str]], extractor: Extractor) -> None:
    from bordermap.articles import parse_article

    profiler = cProfile.Profile()
    profiler.enable()
    for article_id, text in texts:
        extractor.extract(parse_article(text, article_id))
    profiler.disable()
    stats = pstats.Stats(profiler)
    total: float = stats.total_tt  # type: ignore[attr-defined]
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, object]]
    raw = stats.stats  # type: ignore[attr-defined]
    print(
        f"\n== profile: cProfile of parse_article + extract over {len(texts)} articles "
        f"({total:.1f} s under the profiler, which slows it down) =="
    )
    print("  stages, cumulative time:")
    for label, filename, func in STAGES:
        times = [
            v[3] for (f, _, name), v in raw.items() if name == func and Path(f).name == filename
        ]
        if times:
            print(f"    {label:32} {max(times):6.2f} s  {max(times) / total:6.1%}")
        else:
            print(f"    {label:32}      -   (no such function now)")
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(20)
    lines = buffer.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    print("  top 20 functions by own time (tottime):")
    for line in lines[start:]:
        if line.strip():
            print("   " + line.replace(str(REPO) + os.sep, "").replace(sys.prefix, "<venv>"))


# --------------------------------------------------------------------------- 5. cli


def measure_cli(args: argparse.Namespace, work: Path) -> float:
    """Articles/s of ``bordermap extract`` (wall time) on the corpus written to files."""
    folder = work / "corpus"
    files, size = corpus.write(folder, args.articles, args.seed)
    script = Path(sys.executable).parent / "bordermap"
    cmd = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "import sys; from bordermap.cli import main; sys.exit(main())"]
    )
    out = work / "cli.geojson"
    t0 = time.perf_counter()
    done = subprocess.run([*cmd, "extract", str(folder), "--out", str(out), "--quiet"], check=False)
    wall = time.perf_counter() - t0
    shutil.rmtree(folder)
    out.unlink(missing_ok=True)
    print(
        f"\n== cli: bordermap extract DIR --out x.geojson --quiet, {files} files "
        f"({size / MB:.1f} MB) =="
    )
    print(
        f"  exit status {done.returncode}; {wall:.1f} s wall, {_rate(files, wall):.0f} "
        "articles/s end to end (start-up, reading, extraction and the GeoJSON writer)"
    )
    return _rate(files, wall)


# --------------------------------------------------------------------------- main


def _formats(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    for name in names:
        if name not in FORMATS:
            raise argparse.ArgumentTypeError(f"unknown format {name!r}; use {', '.join(FORMATS)}")
    return names


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description="Benchmark the extraction and the exports on a generated corpus "
        "(see the module docstring)."
    )
    p.add_argument(
        "--articles",
        type=int,
        default=5000,
        metavar="N",
        help="articles for the extraction and export timings (default: 5000)",
    )
    p.add_argument("--seed", type=int, default=0, help="corpus seed (default: 0)")
    p.add_argument(
        "--export-dir",
        metavar="DIR",
        help="where the exports are written and kept (default: a temporary folder, removed)",
    )
    p.add_argument(
        "--profile", action="store_true", help="print a cProfile of the extraction as well"
    )
    p.add_argument(
        "--memory-articles",
        type=int,
        default=10000,
        metavar="N",
        help="articles for the streamed memory run (default: 10000; 0 skips it)",
    )
    p.add_argument(
        "--memory-formats",
        type=_formats,
        default=list(FORMATS),
        metavar="LIST",
        help="formats for the memory run (default: geojson,csv,gpkg)",
    )
    p.add_argument(
        "--export-formats",
        type=_formats,
        default=list(FORMATS),
        metavar="LIST",
        help="formats for the export timing (default: geojson,csv,gpkg)",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="R",
        help="time the extraction R times (default: 1)",
    )
    p.add_argument(
        "--cpu", default="auto", help="CPU to pin to (default: auto, the idlest allowed one)"
    )
    p.add_argument(
        "--cli",
        action="store_true",
        help="also time `bordermap extract` end to end on the corpus written to files",
    )
    p.add_argument("--child", choices=FORMATS, help=argparse.SUPPRESS)  # a memory run
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.child:
        return memory_child(args)

    started = dt.datetime.now().astimezone()
    cpu, pin_note = pin(args.cpu)
    head = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--", "src")
    print("== bordermap extraction benchmark ==")
    print(f"date      {started:%Y-%m-%d %H:%M %Z}")
    print(
        f"machine   nproc {os.cpu_count()}, {_cpu_model()}, {platform.system()} "
        f"{platform.release()}"
    )
    print(f"python    {platform.python_implementation()} {platform.python_version()}")
    loadavg = Path("/proc/loadavg")
    if loadavg.exists():
        print(f"load      {' '.join(loadavg.read_text().split()[:3])} (1, 5, 15 min averages)")
    print(f"cpu       {pin_note}")
    changes = (
        f" + uncommitted changes to {len(dirty.splitlines())} file(s) in src/" if dirty else ""
    )
    print(f"code      git {head or '?'}{changes}")
    print(
        f"corpus    bench/corpus.py seed {args.seed}: {args.articles} articles for extraction "
        f"and export, {args.memory_articles} for memory"
    )

    with tempfile.TemporaryDirectory(prefix="bordermap-bench-") as tmp:
        export_dir = Path(args.export_dir) if args.export_dir else Path(tmp)
        export_dir.mkdir(parents=True, exist_ok=True)
        memory = measure_memory(args, export_dir) if args.memory_articles > 0 else None
        cli = measure_cli(args, Path(tmp)) if args.cli else None

        # bordermap is loaded from here on
        from bordermap.articles import read_article
        from bordermap.gazetteer import load
        from bordermap.pipeline import Extractor

        t0 = time.perf_counter()
        gaz = load()
        t1 = time.perf_counter()
        extractor = Extractor(gaz)
        t2 = time.perf_counter()
        texts = list(corpus.generate(args.articles, args.seed))
        t3 = time.perf_counter()
        size = sum(len(t.encode()) for _, t in texts)
        for path in sorted((REPO / "seeds").glob("*.txt")):  # warm-up, not timed
            extractor.extract(read_article(path))
        print(
            f"\n== extraction: parse_article + extract, {len(texts)} articles, "
            f"{size / MB:.1f} MB ({size / len(texts):.0f} bytes per article) =="
        )
        print(
            f"  gazetteer load {t1 - t0:.2f} s, Extractor() {t2 - t1:.3f} s, corpus generated "
            f"in {t3 - t2:.1f} s (neither timed below)"
        )
        runs = []
        for i in range(1, args.repeat + 1):
            runs.append(measure_extraction(texts, extractor))
            print_extraction(i, runs[-1])

        print(
            f"\n== export: generate -> extract -> writer, streamed, {args.articles} articles; "
            "the writer's own time =="
        )
        exports = measure_export(
            args.articles, args.seed, extractor, export_dir, args.export_formats
        )
        if args.profile:
            profile_extraction(texts, extractor)

    # ---- summary
    def verdict(ok: bool) -> str:
        return "OK" if ok else "MISSED"

    n = args.articles
    best = max(runs, key=lambda r: r.cpu_rate)
    where = f"CPU {cpu}" if cpu is not None else "not pinned"
    print(f"\n== summary (seed {args.seed}, {n} articles, {where}, {started:%Y-%m-%d}) ==")
    rates = ", ".join(f"{r.cpu_rate:.0f}" for r in runs)
    print(
        f"extraction       {best.cpu_rate:6.0f} articles/s (CPU time; wall {best.wall_rate:.0f})"
        f"   target >= {EXTRACT_TARGET:.0f}   {verdict(best.cpu_rate >= EXTRACT_TARGET)}"
    )
    print(f"extraction       {best.cpu_mbps:6.2f} MB/s of input text (CPU time)")
    if len(runs) > 1:
        median = statistics.median(r.cpu_rate for r in runs)
        print(f"extraction       runs: {rates} articles/s (CPU time); median {median:.0f}")
    for fmt, e in exports.items():
        print(
            f"export {fmt:8}  {_rate(n, e.cpu):6.0f} articles/s, "
            f"{_rate(e.bytes / MB, e.cpu):5.1f} MB/s of output (writer CPU time; wall "
            f"{_rate(n, e.wall):.0f} articles/s)   no target"
        )
    if memory is not None:
        per = ", ".join(f"{f} {m:.0f}" for f, m in memory.per_format.items())
        print(
            f"peak memory      {memory.peak_mib:6.0f} MB for {args.memory_articles} articles, "
            f"streamed ({per})   target < {MEMORY_TARGET_MB:.0f} MB   "
            f"{verdict(memory.peak_mib < MEMORY_TARGET_MB)}"
        )
    if cli is not None:
        print(
            f"cli end to end   {cli:6.0f} articles/s wall (bordermap extract, GeoJSON)   no target"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
