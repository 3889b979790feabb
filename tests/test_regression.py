"""The regression guard: bordermap's scores on tests/gold/ never drop below the recorded ones.

The recorded scores are ``tests/scores.json``, written by

    .venv/bin/bordermap eval seeds tests/articles --gold tests/gold --json tests/scores.json

Record again when the pipeline improves (rules: docs/gold-format.md, "The regression guard").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bordermap import articles, evaluate, gazetteer, pipeline

REPO = Path(__file__).resolve().parents[1]
RECORDED = REPO / "tests" / "scores.json"
RECORD_COMMAND = (
    ".venv/bin/bordermap eval seeds tests/articles --gold tests/gold --json tests/scores.json"
)


@pytest.fixture(scope="module")
def report() -> evaluate.Report:
    golds = evaluate.read_gold_dir(REPO / "tests" / "gold")
    extractor = pipeline.Extractor(gazetteer.load())
    scores = []
    for path in articles.article_files([REPO / "seeds", REPO / "tests" / "articles"]):
        if path.stem in golds:
            result = extractor.extract(articles.read_article(path))
            prediction = evaluate.prediction_from_features(result.features, result.unresolved)
            scores.append(evaluate.score_article(golds[path.stem], prediction))
    return evaluate.Report(tuple(scores))


@pytest.fixture(scope="module")
def recorded() -> dict:
    return json.loads(RECORDED.read_text(encoding="utf-8"))


def test_every_gold_article_is_scored(report, recorded):
    golds = {p.stem for p in (REPO / "tests" / "gold").glob("*.json")}
    assert {a.article_id for a in report.articles} == golds
    assert set(recorded["articles"]) == golds, f"gold changed: record again with {RECORD_COMMAND}"


def test_recorded_scores_name_every_metric(recorded):
    assert set(recorded["overall"]["scores"]) == {name for name, _ in evaluate.METRICS}


def test_no_score_drops_below_the_recorded_one(report, recorded):
    current = evaluate.metrics(report.overall)
    problems = evaluate.regressions(current, recorded["overall"]["scores"])
    assert not problems, (
        "bordermap scores worse on tests/gold than recorded in tests/scores.json:\n  "
        + "\n  ".join(problems)
        + f"\n(if the change is worth it, record again: {RECORD_COMMAND})"
    )
