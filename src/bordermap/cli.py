"""The ``bordermap`` command line.

``bordermap extract PATH... --out FILE`` reads articles, extracts their features and
writes them in one file. Only this module prints; the library reports through return
values and exceptions. Exit status: 0 when every article was read, 1 when some
failed (or the output could not be written), 2 on a usage error.

Commands are subparsers: a command is a function that adds its subparser and sets
``run`` (``Namespace -> exit status``) as a default; :data:`COMMANDS` lists them, so
``ingest`` and ``eval`` slot in from their own modules.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bordermap import articles, export, gazetteer, pipeline
from bordermap.errors import ArticleError, GazetteerError
from bordermap.eval_cli import add_eval_parser
from bordermap.features import LAYERS
from bordermap.ingest import add_ingest_parser

if TYPE_CHECKING:
    from bordermap.features import Feature
    from bordermap.pipeline import ArticleResult, Extractor

PROG = "bordermap"
# The progress bar turns itself on from this many files when stderr is a terminal.
PROGRESS_MIN_FILES = 20
# How many failed files and unresolved mentions the summary names.
SUMMARY_EXAMPLES = 5

SubParsers = argparse._SubParsersAction  # the type argparse gives no public name


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except SystemExit as exc:  # argparse has printed the usage, help or version
        return exc.code if isinstance(exc.code, int) else 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; no output written", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    """The ``bordermap`` parser with one subparser per command in :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Turn news articles about conflict on the Iraq–Syria border into a map "
        "where every feature shows the sentence it came from.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


# --- extract ------------------------------------------------------------------------


def add_extract_parser(subparsers: SubParsers) -> None:
    """Add ``bordermap extract``."""
    p = subparsers.add_parser(
        "extract",
        help="extract map features from article files",
        description="Read article files (.txt, .md) or folders of them and write one "
        "feature per piece of evidence to --out.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="article file or folder")
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="output file")
    p.add_argument(
        "--format",
        choices=export.FORMATS,
        help="output format (default: from the --out suffix: .geojson/.json, .csv, .gpkg)",
    )
    p.add_argument("--gazetteer", metavar="FILE", help="gazetteer file (default: the bundled one)")
    p.add_argument(
        "--strip-km",
        type=_positive_km,
        default=25.0,
        metavar="KM",
        help="half-width of the border strip in km (default: 25)",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems, no summary")
    p.add_argument(
        "--progress", action="store_true", help="show a progress bar even when not on a terminal"
    )
    p.set_defaults(run=run_extract, command_parser=p)


def _positive_km(value: str) -> float:
    try:
        km = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not km > 0 or km == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of km: {value!r}")
    return km


@dataclass
class _Tally:
    """What the summary reports; filled while the features stream to the writer."""

    files: int
    read: int = 0
    failed: list[str] = field(default_factory=list)
    layers: Counter[str] = field(default_factory=Counter)
    unresolved: int = 0
    unresolved_examples: list[str] = field(default_factory=list)


def run_extract(args: argparse.Namespace) -> int:
    """``bordermap extract``: returns 0, 1 or 2 (see the module docstring)."""
    parser: argparse.ArgumentParser = args.command_parser
    out = Path(args.out)
    if out.is_dir():
        parser.error(f"--out {args.out!r} is a directory")
    try:
        fmt: str = args.format or export.guess_format(out)
    except ValueError as exc:
        parser.error(str(exc))
    if not out.parent.is_dir():
        parser.error(f"--out {args.out!r}: folder {str(out.parent)!r} does not exist")
    try:
        files = articles.article_files([Path(p) for p in args.paths])
    except (ArticleError, OSError) as exc:
        parser.error(str(exc))
    if not files:
        parser.error(f"no article files (.txt, .md) in {', '.join(args.paths)}")

    try:
        gaz = gazetteer.load(args.gazetteer, strip_km=args.strip_km)
    except GazetteerError as exc:
        print(f"{PROG} extract: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{PROG} extract: error: cannot read gazetteer: {exc}", file=sys.stderr)
        return 2

    extractor = pipeline.Extractor(gaz)  # compiles the name matcher once for all files
    tally = _Tally(files=len(files))
    show_bar = args.progress or (
        not args.quiet and len(files) >= PROGRESS_MIN_FILES and _isatty(sys.stderr)
    )
    bar = _progress(files, enabled=show_bar)
    say = _Printer(bar if show_bar else None)
    write_error: OSError | None = None
    count = 0
    try:
        count = export.write(_extracted(bar, extractor, tally, say), out, fmt)
    except OSError as exc:
        write_error = exc
    finally:
        _close(bar)  # before anything else is printed, so the bar never garbles it
    if write_error is not None:
        print(f"{PROG} extract: error: cannot write {args.out!r}: {write_error}", file=sys.stderr)
        return 1
    if not args.quiet:
        _print_summary(tally, count, args.out, fmt)
    return 1 if tally.failed else 0


def _extracted(
    files: Iterable[Path], extractor: Extractor, tally: _Tally, say: _Printer
) -> Iterator[Feature]:
    """The features of every article that can be read; failures are reported and counted."""
    seen = _Seen()
    for path in files:
        result = _extract_one(path, extractor, seen, say)
        if result is None:
            tally.failed.append(str(path))
            continue
        tally.read += 1
        tally.layers.update(f.layer for f in result.features)
        tally.unresolved += len(result.unresolved)
        for u in result.unresolved:
            if len(tally.unresolved_examples) < SUMMARY_EXAMPLES:
                tally.unresolved_examples.append(f'{path}: "{u.text}" at {u.start}')
        yield from result.features


@dataclass
class _Seen:
    """Article ids (with their file) and feature ids already written in this run."""

    articles: dict[str, Path] = field(default_factory=dict)
    feature_ids: set[str] = field(default_factory=set)


def _extract_one(
    path: Path, extractor: Extractor, seen: _Seen, say: _Printer
) -> ArticleResult | None:
    """Read and extract one article; on failure print one line naming it and return None."""
    try:
        article = articles.read_article(path)
        if article.id in seen.articles:
            first = seen.articles[article.id]
            say(f"{path}: article id {article.id!r} repeats that of {first}; skipped")
            return None
        result = extractor.extract(article)
        _check_writable(result, seen.feature_ids)
    except ArticleError as exc:
        say(_one_line(str(exc)))
        return None
    except Exception as exc:  # a bug in a stage must not cost the other articles
        say(_one_line(f"{path}: internal error: {type(exc).__name__}: {exc}"))
        return None
    seen.articles[article.id] = path
    seen.feature_ids.update(f.feature_id for f in result.features)
    return result


def _check_writable(result: ArticleResult, written_ids: set[str]) -> None:
    """Raise for a feature that would break the contract, so it costs its own article only.

    A layer no writer knows, an empty or non-finite geometry, or a ``feature_id`` that
    is not unique in the output.
    """
    ids: set[str] = set()
    for f in result.features:
        if f.layer not in LAYERS:
            raise ValueError(f"feature {f.feature_id!r} has no valid layer ({f.layer!r})")
        if f.geometry is None or f.geometry.is_empty:
            raise ValueError(f"feature {f.feature_id!r} has an empty geometry")
        if not all(math.isfinite(v) for v in f.geometry.bounds):
            raise ValueError(f"feature {f.feature_id!r} has a non-finite coordinate")
        if f.feature_id in ids or f.feature_id in written_ids:
            raise ValueError(f"feature_id {f.feature_id!r} is not unique")
        ids.add(f.feature_id)


class _Printer:
    """Prints lines on stderr, through the progress bar when there is one."""

    def __init__(self, bar: object | None) -> None:
        self._bar = bar

    def __call__(self, line: str) -> None:
        if self._bar is not None:
            from tqdm import tqdm

            tqdm.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr)


def _progress(files: list[Path], *, enabled: bool) -> Iterable[Path]:
    if not enabled:
        return files
    from tqdm import tqdm

    # The finished bar stays as one line above the summary.
    return tqdm(files, desc="extract", unit="file", file=sys.stderr, leave=True)


def _close(bar: Iterable[Path]) -> None:
    close = getattr(bar, "close", None)
    if close is not None:
        close()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _print_summary(tally: _Tally, count: int, out: str, fmt: str) -> None:
    def emit(line: str) -> None:
        print(line, file=sys.stderr)

    line = f"articles: {tally.read} of {tally.files} read"
    if tally.failed:
        names = ", ".join(tally.failed[:SUMMARY_EXAMPLES])
        more = len(tally.failed) - SUMMARY_EXAMPLES
        line += f"; {len(tally.failed)} failed: {names}" + (f" and {more} more" if more > 0 else "")
    emit(line)
    per_layer = ", ".join(f"{tally.layers[layer]} {layer}" for layer in LAYERS)
    emit(f"features: {per_layer} ({sum(tally.layers.values())} in all)")
    emit(f"unresolved mentions: {tally.unresolved}")
    for example in tally.unresolved_examples:
        emit(f"  {example}")
    if tally.unresolved > len(tally.unresolved_examples):
        emit(f"  and {tally.unresolved - len(tally.unresolved_examples)} more")
    emit(f"wrote {count} feature{'s' if count != 1 else ''} to {out} ({fmt})")


# Every command of ``bordermap``: each adds its subparser and sets ``run``. The store's
# ``ingest PATH... [--db FILE]`` and the evaluation's ``eval`` go here, from their modules.
COMMANDS: tuple[Callable[[SubParsers], None], ...] = (
    add_extract_parser,
    add_ingest_parser,
    add_eval_parser,
)
