"""``bordermap eval``: score bordermap on annotated articles and print the tables.

``bordermap eval ARTICLES... --gold GOLD [--json FILE] [--errors]`` extracts every
article that has a gold file in GOLD (``<article_id>.json``, format in
``docs/gold-format.md``), scores it with :mod:`bordermap.evaluate` and prints one table
row per article and one for all of them. Exit status: 0 when every article was
scored, 1 when some could not be read or extracted (the others are still scored), 2
on a usage error (no articles, no gold, no article with gold, unusable gold or
gazetteer).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bordermap import articles, evaluate, gazetteer, pipeline
from bordermap.errors import ArticleError, GazetteerError

if TYPE_CHECKING:
    from bordermap.cli import SubParsers

PROG = "bordermap eval"


def add_eval_parser(subparsers: SubParsers) -> None:
    """Add ``bordermap eval``."""
    p = subparsers.add_parser(
        "eval",
        help="score the extraction against gold annotations",
        description="Extract the articles that have a gold file and print toponym "
        "recognition (P/R/F1), resolution (acc@161, AUC), event P/R/F1 per layer and "
        "date accuracy, per article and overall. The rules are in docs/gold-format.md.",
    )
    p.add_argument("paths", nargs="+", metavar="ARTICLES", help="article file or folder")
    p.add_argument("--gold", required=True, metavar="GOLD",
                   help="folder of gold files named <article_id>.json")
    p.add_argument("--json", metavar="FILE", dest="json_out",
                   help="also write the scores and counts as JSON to FILE")
    p.add_argument("--errors", action="store_true",
                   help="after the tables, list every false positive, miss, far resolution, "
                   "event miss and wrong date")
    p.add_argument("--gazetteer", metavar="FILE", help="gazetteer file (default: the bundled one)")
    p.set_defaults(run=run_eval, command_parser=p)


def run_eval(args: argparse.Namespace) -> int:
    """``bordermap eval``: returns 0, 1 or 2 (see the module docstring)."""
    parser: argparse.ArgumentParser = args.command_parser
    try:
        files = articles.article_files([Path(p) for p in args.paths])
        golds = evaluate.read_gold_dir(args.gold)
    except (ArticleError, evaluate.GoldError) as exc:
        parser.error(str(exc))
    if not files:
        parser.error(f"no article files (.txt, .md) in {', '.join(args.paths)}")
    if not golds:
        parser.error(f"no gold files (*.json) in {args.gold!r}")
    if not any(f.stem in golds for f in files):
        parser.error(f"none of the articles has a gold file in {args.gold!r}")
    if args.json_out and not Path(args.json_out).parent.is_dir():
        parser.error(f"--json {args.json_out!r}: its folder does not exist")
    try:
        gaz = gazetteer.load(args.gazetteer)
    except (GazetteerError, OSError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2

    extractor = pipeline.Extractor(gaz)
    scores: list[evaluate.ArticleScore] = []
    texts: dict[str, str] = {}
    failed = 0
    for path in files:
        if path.stem not in golds:
            print(f"{path}: no gold file; not scored", file=sys.stderr)
            continue
        try:
            article = articles.read_article(path)
            result = extractor.extract(article)
        except ArticleError as exc:
            print(" ".join(str(exc).split()), file=sys.stderr)
            failed += 1
            continue
        except Exception as exc:  # a bug in a stage must not cost the other articles
            print(f"{path}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            failed += 1
            continue
        if article.id in texts:
            print(f"{path}: article id {article.id!r} repeats; not scored again", file=sys.stderr)
            continue
        texts[article.id] = article.text
        prediction = evaluate.prediction_from_features(result.features, result.unresolved)
        scores.append(evaluate.score_article(golds[article.id], prediction))
    unscored = sorted(set(golds) - set(texts))
    if unscored:
        print(f"{len(unscored)} gold file(s) without an article here, not scored: "
              f"{', '.join(unscored)}", file=sys.stderr)
    if not scores:
        print(f"{PROG}: error: no article could be scored", file=sys.stderr)
        return 1

    report = evaluate.Report(tuple(scores))
    print(evaluate.format_report(report))
    if args.errors:
        for score in scores:
            lines = evaluate.format_errors(score, texts[score.article_id])
            print(f"\n{score.article_id}: {len(lines)} error(s)")
            for line in lines:
                print(f"  {line}")
    if args.json_out:
        data = evaluate.report_to_json(report)
        try:
            Path(args.json_out).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            print(f"{PROG}: error: cannot write {args.json_out!r}: {exc}", file=sys.stderr)
            return 1
    return 1 if failed else 0
