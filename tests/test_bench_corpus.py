"""The benchmark corpus generator (bench/corpus.py): deterministic, valid articles,
place names from the gazetteer. No timing here: bench/bench_extract.py measures."""

from __future__ import annotations

import importlib.util
import statistics
from pathlib import Path

import pytest

from bordermap.articles import parse_article
from bordermap.gazetteer import BORDER_ID, load, normalize
from bordermap.pipeline import Extractor

CORPUS_PY = Path(__file__).resolve().parents[1] / "bench" / "corpus.py"
N = 50


def _load_corpus():
    spec = importlib.util.spec_from_file_location("bench_corpus", CORPUS_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()


@pytest.fixture(scope="module")
def gaz():
    return load()


@pytest.fixture(scope="module")
def records(gaz):
    return list(corpus.generate_records(N, seed=11, gazetteer=gaz))


def test_same_seed_same_corpus(gaz, records):
    again = list(corpus.generate_records(N, seed=11, gazetteer=gaz))
    assert again == records
    assert list(corpus.generate(N, seed=11, gazetteer=gaz)) == [
        (r.article_id, r.text) for r in records
    ]


def test_other_seed_other_corpus(gaz, records):
    other = list(corpus.generate(N, seed=12, gazetteer=gaz))
    assert [t for _, t in other] != [r.text for r in records]


def test_prefix_does_not_depend_on_n(gaz, records):
    assert list(corpus.generate_records(10, seed=11, gazetteer=gaz)) == records[:10]


def test_articles_are_valid_and_seed_like(records):
    assert len({r.article_id for r in records}) == N
    with_front_matter = 0
    for r in records:
        article = parse_article(r.text, r.article_id)
        assert article.title
        kinds = {s.kind for s in article.sections}
        assert "body" in kinds
        if r.text.startswith("---\n"):
            with_front_matter += 1
            assert article.published is not None
            assert article.outlet
    assert 0.3 * N <= with_front_matter <= 0.7 * N  # about half
    mean = statistics.mean(len(r.text.encode("utf-8")) for r in records)
    assert 2000 <= mean <= 3500  # the seeds are 2.8 and 3.0 KB


def test_place_names_come_from_the_gazetteer(gaz, records):
    kinds = set()
    for r in records:
        assert r.places
        for name, place_id in r.places:
            assert name in r.text
            assert place_id in gaz.alias_index.get(normalize(name), ()), (name, place_id)
            kinds.add(gaz[place_id].kind)
    assert {"town", "governorate"} <= kinds


def test_towns_near_the_border_are_weighted_up(gaz, records):
    border = gaz[BORDER_ID].geometry
    towns = [gaz[pid] for r in records for _, pid in r.places if gaz[pid].kind == "town"]
    assert {p.country for p in towns} == {"country:IRQ", "country:SYR"}
    near = sum(p.geometry.distance(border) < corpus.NEAR_DEG for p in towns) / len(towns)
    everywhere = gaz.of_kind("town")
    base = sum(p.geometry.distance(border) < corpus.NEAR_DEG for p in everywhere) / len(everywhere)
    assert near > 2 * base


def test_the_pipeline_finds_features_in_every_article(gaz, records):
    extractor = Extractor(gaz)
    layers = set()
    for r in records[:20]:
        features = extractor.extract(parse_article(r.text, r.article_id)).features
        assert features, r.article_id
        layers.update(f.layer for f in features)
    assert layers == {"strike", "outpost", "sweep", "place"}
