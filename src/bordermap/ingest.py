"""Putting articles into the store: ``bordermap ingest`` and the dashboard's "Add articles".

``bordermap ingest PATH... [--db FILE]`` reads article files (or folders of them),
extracts their features and stores them in one transaction (see :mod:`bordermap.store`).
Exit status: 0 when every article was stored or was already there, 1 when some failed,
2 on a usage error or when the store or the gazetteer cannot be opened.

The functions below turn what a user hands the dashboard (an uploaded file, pasted
text) into an :class:`~bordermap.articles.Article`, and an
:class:`~bordermap.store.IngestReport` into sentences for a person.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bordermap import articles, gazetteer, pipeline
from bordermap.errors import ArticleError, GazetteerError, StoreError
from bordermap.store import ENV_VAR, IngestReport, Store, default_path

if TYPE_CHECKING:
    from bordermap.cli import SubParsers

PROG = "bordermap ingest"
PASTED_PREFIX = "pasted-"
"""Pasted articles get the id ``pasted-`` plus the first 12 hex digits of their hash."""


# --------------------------------------------------------------------------- articles in


def article_from_upload(name: str, data: bytes, *, max_bytes: int = 5_000_000) -> articles.Article:
    """An uploaded ``.txt``/``.md`` file as an article whose id is the file name's stem.

    Raises
    ------
    ArticleError
        For another suffix, a file that is too large, binary or not UTF-8, empty, or
        with broken front matter; the message names the file.
    """
    file = Path(name).name or "upload"
    suffix = Path(file).suffix.lower()
    if suffix not in articles.ARTICLE_SUFFIXES:
        allowed = " or ".join(articles.ARTICLE_SUFFIXES)
        got = repr(suffix) if suffix else "no suffix"
        raise ArticleError(file, f"not an article file: expected {allowed}, got {got}")
    if len(data) > max_bytes:
        raise ArticleError(
            file,
            f"file is too large: {len(data) / 1_000_000:.1f} MB, the limit is "
            f"{max_bytes / 1_000_000:.1f} MB",
        )
    text = articles.decode_article_bytes(data, file)
    return articles.parse_article(text, Path(file).stem, path=file)


def article_from_paste(
    text: str, *, title: str | None = None, published: dt.date | None = None
) -> articles.Article:
    """Pasted text as an article, with ``title`` and ``published`` as front matter.

    The front matter is part of the stored text, so every offset indexes the text as
    stored. The id is ``pasted-`` and the start of the content hash.

    Raises
    ------
    ArticleError
        For empty text or text whose own front matter is broken.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ArticleError("pasted text", "the text is empty")
    meta: dict[str, str] = {}
    if title and title.strip():
        meta["title"] = " ".join(title.split())
    if published is not None:
        meta["published"] = published.isoformat()
    if meta:
        head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
        text = f"---\n{head}---\n{text.lstrip(chr(10))}"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return articles.parse_article(text, PASTED_PREFIX + digest[:12], path=None)


def seed_if_empty(store: Store, seeds: Path, extractor: pipeline.Extractor) -> IngestReport | None:
    """Ingest the article files under ``seeds`` when the store holds no article yet."""
    if not store.is_empty():
        return None
    return store.ingest(articles.article_files([seeds]), extractor)


# --------------------------------------------------------------------------- reports out


def describe(report: IngestReport) -> list[str]:
    """One sentence per outcome of a batch, for a person to read."""
    lines = []
    for article_id in report.added:
        lines.append(f"added {article_id}")
    for article_id in report.replaced:
        lines.append(f"replaced {article_id} (its text changed; old features removed)")
    for article_id, stored in report.duplicates:
        same = "" if article_id == stored else f" (same text as {stored})"
        lines.append(f"duplicate: {article_id} is already in the store{same}; nothing added")
    for name, reason in report.failed:
        lines.append(f"failed: {name}: {reason}")
    return lines


def summary(report: IngestReport) -> str:
    """One line counting the outcomes of a batch."""
    return (
        f"{len(report.added)} added, {len(report.replaced)} replaced, "
        f"{len(report.duplicates)} duplicate, {len(report.failed)} failed; "
        f"{report.features} feature{'s' if report.features != 1 else ''} stored"
    )


# --------------------------------------------------------------------------- the command


def add_ingest_parser(subparsers: SubParsers) -> None:
    """Add ``bordermap ingest``."""
    p = subparsers.add_parser(
        "ingest",
        help="add article files to the store the dashboard shows",
        description="Read article files (.txt, .md) or folders of them, extract their "
        "features and add them to the store in one transaction. An article already "
        "stored (same content hash) adds nothing; a changed article (same id, new text) "
        "replaces its old features.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="article file or folder")
    p.add_argument(
        "--db",
        metavar="FILE",
        help=f"the store, a GeoPackage (default: ${ENV_VAR}, else data/bordermap.gpkg)",
    )
    p.add_argument("--gazetteer", metavar="FILE", help="gazetteer file (default: the bundled one)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    p.set_defaults(run=run_ingest, command_parser=p)


def run_ingest(args: argparse.Namespace) -> int:
    """``bordermap ingest``: returns 0, 1 or 2 (see the module docstring)."""
    parser: argparse.ArgumentParser = args.command_parser
    try:
        files = articles.article_files([Path(p) for p in args.paths])
    except ArticleError as exc:
        parser.error(str(exc))
    if not files:
        parser.error(f"no article files (.txt, .md) in {', '.join(args.paths)}")
    try:
        store = Store(args.db if args.db else default_path())
        gaz = gazetteer.load(args.gazetteer)
    except (StoreError, GazetteerError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    try:
        report = store.ingest(files, pipeline.Extractor(gaz))
    except StoreError as exc:
        print(f"{PROG}: error: {exc}; the store is unchanged", file=sys.stderr)
        return 2
    for line in describe(report):
        if not args.quiet or line.startswith("failed"):
            print(line, file=sys.stderr)
    if not args.quiet:
        print(f"{summary(report)} in {store.path}", file=sys.stderr)
    return 1 if report.failed else 0
