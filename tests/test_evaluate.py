"""bordermap.evaluate and ``bordermap eval``: distances, AUC, matching, scores, tables, CLI.

Inputs are built by hand (small gold and predictions), except the perfect and broken
predictions made from the real gold files in tests/gold/.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, box

from bordermap import cli, evaluate
from bordermap.evaluate import (
    MAX_ERROR_KM,
    PRF,
    Gold,
    GoldError,
    GoldEvent,
    GoldToponym,
    PredictedEvent,
    PredictedEvidence,
    PredictedToponym,
    Prediction,
    Span,
)
from bordermap.features import Feature

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "gold"
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))
GEOD = Geod(ellps="WGS84")
LN_MAX = math.log(MAX_ERROR_KM)


def moved(lat: float, lon: float, km: float, azimuth: float = 0.0) -> Point:
    """The point ``km`` kilometres from (lat, lon) along ``azimuth`` (degrees)."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth, km * 1000.0)
    return Point(lon2, lat2)


# --------------------------------------------------------------------------- distances


@pytest.mark.parametrize(
    ("lat", "lon", "geometry", "expected", "tol"),
    [
        (34.4, 41.0, Point(41.0, 34.4), 0.0, 1e-9),
        (34.4, 41.0, moved(34.4, 41.0, 500.0), 500.0, 1e-6),
        (34.4, 41.0, moved(34.4, 41.0, 12.5, 90.0), 12.5, 1e-6),
        (34.5, 41.5, box(41.0, 34.0, 42.0, 35.0), 0.0, 1e-9),  # inside the polygon
        (34.0, 41.5, box(41.0, 34.0, 42.0, 35.0), 0.0, 1e-9),  # on its edge
        (33.0, 41.5, box(41.0, 34.0, 42.0, 35.0), 110.9, 0.2),  # 1° of latitude south of it
        (34.5, 40.0, box(41.0, 34.0, 42.0, 35.0), 91.9, 0.3),  # 1° of longitude west of it
        (33.0, 41.5, LineString([(41.0, 34.0), (42.0, 34.0)]), 110.9, 0.2),
        (34.4, 41.0, None, MAX_ERROR_KM, 0.0),
        (34.4, 41.0, Point(), MAX_ERROR_KM, 0.0),
    ],
)
def test_distance_km(lat, lon, geometry, expected, tol):
    assert evaluate.distance_km(lat, lon, geometry) == pytest.approx(expected, abs=tol)


def test_distance_to_a_polygon_is_to_its_nearest_point_not_its_centre():
    strip = box(40.0, 30.0, 41.0, 38.0)  # a long thin area: its centre is far from the point
    assert evaluate.distance_km(30.5, 41.1, strip) == pytest.approx(9.6, abs=0.2)


def scaled(km: float) -> float:
    return math.log1p(km) / LN_MAX


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ([], None),
        ([0.0], 0.0),
        ([0.0, 0.0, 0.0], 0.0),
        ([MAX_ERROR_KM] * 3, scaled(MAX_ERROR_KM)),  # ln(20040) / ln(20039), as Gritta et al.
        ([MAX_ERROR_KM], scaled(MAX_ERROR_KM)),
        ([500.0], scaled(500.0)),
        ([0.0, MAX_ERROR_KM], scaled(MAX_ERROR_KM) / 2),
        ([MAX_ERROR_KM, 0.0], scaled(MAX_ERROR_KM) / 2),  # sorted first
        ([0.0, 500.0, MAX_ERROR_KM], (scaled(500.0) + scaled(MAX_ERROR_KM) / 2) / 2),
        ([0.0] * 9 + [500.0], scaled(500.0) / 2 / 9),
    ],
)
def test_auc(errors, expected):
    got = evaluate.auc(errors)
    assert got == (None if expected is None else pytest.approx(expected, abs=1e-12))


@pytest.mark.parametrize(
    ("errors", "expected"),
    [([], None), ([0.0], 1.0), ([0.0, 161.0, 161.01], 2 / 3), ([500.0], 0.0)],
)
def test_accuracy_at_161(errors, expected):
    assert evaluate.accuracy_at(errors) == expected


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((0, 0, 0), (None, None, None)),
        ((0, 0, 5), (0.0, 0.0, 0.0)),  # nothing predicted
        ((0, 3, 0), (0.0, 0.0, 0.0)),  # nothing to find
        ((4, 0, 0), (1.0, 1.0, 1.0)),
        ((3, 1, 2), (0.75, 0.6, 6 / 9)),
    ],
)
def test_prf(counts, expected):
    prf = PRF(*counts)
    got = (prf.precision, prf.recall, prf.f1)
    assert got == (expected if expected[0] is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], {}),
        ([(1, 0, 0)], {0: 0}),
        ([(1, 0, 0), (5, 0, 1)], {0: 1}),  # the heavier pair
        ([(5, 0, 0), (1, 0, 1), (1, 1, 0)], {0: 1, 1: 0}),  # two pairs beat one heavy one
        ([(5, 0, 0), (5, 1, 0), (1, 1, 1)], {0: 0, 1: 1}),
        ([(3, 0, 0), (3, 1, 0)], {0: 0}),  # ties: the smaller index
    ],
)
def test_max_matching(pairs, expected):
    assert evaluate._max_matching(pairs) == expected


# --------------------------------------------------------------------------- toponyms

QAIM = (34.39251, 40.98945)


def gold_toponym(start: int, end: int, lat: float | None = QAIM[0], lon: float | None = QAIM[1],
                 place_id: str | None = "gn:92138") -> GoldToponym:
    return GoldToponym(start, end, "x" * (end - start), place_id, lat, lon)


def at(lat: float, lon: float) -> Point:
    return Point(lon, lat)


AT_QAIM = at(*QAIM)


def top(start: int, end: int, geometry=AT_QAIM) -> PredictedToponym:
    return PredictedToponym(start, end, geometry)


@pytest.mark.parametrize(
    ("gold_spans", "negatives", "predicted", "tp", "fp", "fn", "neg"),
    [
        ([(0, 7)], [], [(0, 7)], 1, 0, 0, 0),
        ([(0, 7)], [], [(3, 5)], 1, 0, 0, 0),  # part of the gold span
        ([(0, 7)], [], [(5, 12)], 1, 0, 0, 0),  # overlapping it
        ([(0, 7)], [], [(7, 12)], 0, 1, 1, 0),  # touching is not overlapping
        ([(0, 7)], [], [], 0, 0, 1, 0),
        ([], [], [(0, 7)], 0, 1, 0, 0),
        ([(0, 7)], [], [(0, 3), (4, 7)], 1, 1, 0, 0),  # one to one: two halves, one match
        ([(0, 3), (4, 7)], [], [(0, 7)], 1, 0, 1, 0),  # one span over two toponyms
        ([(0, 3), (4, 7)], [], [(0, 7), (4, 6)], 2, 0, 0, 0),  # the best matching
        ([(0, 7)], [], [(0, 7), (0, 7)], 1, 0, 0, 0),  # the same span twice is one
        ([(20, 25)], [(0, 10)], [(2, 6)], 0, 1, 1, 1),  # on a negative
        ([(10, 15)], [(0, 10)], [(5, 15)], 0, 1, 1, 1),  # on a negative and a toponym
    ],
)
def test_toponym_recognition(gold_spans, negatives, predicted, tp, fp, fn, neg):
    gold = Gold("a", toponyms=tuple(gold_toponym(s, e) for s, e in gold_spans),
                negatives=tuple(Span(s, e) for s, e in negatives))
    score = evaluate.score_article(gold, Prediction(tuple(top(s, e) for s, e in predicted)))
    assert score.tally.toponyms == PRF(tp, fp, fn)
    assert score.tally.negative_hits == neg
    assert len(score.false_positives) == fp
    assert len(score.missed) == fn


@pytest.mark.parametrize(
    ("gold", "geometry", "errors"),
    [
        (gold_toponym(0, 7), at(*QAIM), (0.0,)),
        (gold_toponym(0, 7), moved(*QAIM, 500.0), (500.0,)),
        (gold_toponym(0, 7), None, (MAX_ERROR_KM,)),  # recognised, not resolved
        (gold_toponym(0, 7), box(40.0, 34.0, 41.5, 35.0), (0.0,)),  # an area around the point
        (gold_toponym(0, 7, None, None, None), at(*QAIM), ()),  # no gold coordinates
        (gold_toponym(0, 7, 36.3667, 41.7218, None), at(36.3667, 41.7218), (0.0,)),  # unresolvable
    ],
)
def test_toponym_resolution(gold, geometry, errors):
    score = evaluate.score_article(Gold("a", toponyms=(gold,)), Prediction((top(0, 7, geometry),)))
    assert score.tally.toponyms == PRF(1, 0, 0)
    assert score.tally.errors_km == pytest.approx(errors, abs=1e-6)


def test_resolution_counts_only_recognised_toponyms():
    gold = Gold("a", toponyms=(gold_toponym(0, 5), gold_toponym(10, 15)))
    score = evaluate.score_article(gold, Prediction((top(10, 15, moved(*QAIM, 200.0)),)))
    assert score.tally.errors_km == pytest.approx((200.0,))
    m = evaluate.metrics(score.tally)
    assert m["acc161"] == 0.0
    assert m["auc"] == pytest.approx(scaled(200.0))
    assert [g.start for g, _ in score.far] == [10]


# --------------------------------------------------------------------------- events

HAJIN = (34.69, 40.83)


def gold_event(layer="strike", status="reported", evidence=((100, 150),), point=HAJIN,
               radius=15.0, date=("2019-09-20", "2019-09-20")) -> GoldEvent:
    return GoldEvent("e1", layer, status, tuple(Span(s, e) for s, e in evidence),
                     "gn:1", point[0] if point else None, point[1] if point else None, radius,
                     date[0], date[1], "day" if date[0] else "unknown")


AT_HAJIN = at(*HAJIN)


def pred_event(layer="strike", status="reported", quotes=((100, 150),), geometry=AT_HAJIN,
               date=("2019-09-20", "2019-09-20")) -> PredictedEvent:
    evidence = tuple(PredictedEvidence(s, e, geometry) for s, e in quotes)
    return PredictedEvent(layer, status, evidence, date[0], date[1])


@pytest.mark.parametrize(
    ("pred", "gold", "match"),
    [
        (pred_event(), gold_event(), True),
        (pred_event(layer="sweep"), gold_event(), False),
        (pred_event(status="planned"), gold_event(), False),
        (pred_event(quotes=((90, 101),)), gold_event(), True),  # quote overlaps the evidence
        (pred_event(quotes=((150, 200),)), gold_event(), False),  # only touches it
        (pred_event(quotes=((300, 400),)), gold_event(evidence=((100, 150), (300, 350))), True),
        (pred_event(geometry=moved(*HAJIN, 14.9)), gold_event(), True),
        (pred_event(geometry=moved(*HAJIN, 15.1)), gold_event(), False),  # beyond radius_km
        (pred_event(geometry=box(40.0, 34.0, 41.0, 35.0)), gold_event(), True),  # an area
        (pred_event(geometry=None), gold_event(), False),
        (pred_event(geometry=None), gold_event(point=None), True),  # gold without coordinates
        (PredictedEvent("strike", "reported", (PredictedEvidence(0, 10, at(*HAJIN)),
                                               PredictedEvidence(100, 150, at(*HAJIN)))),
         gold_event(), True),  # one of its pieces of evidence matches
        (PredictedEvent("strike", "reported", (PredictedEvidence(0, 10, at(*HAJIN)),
                                               PredictedEvidence(100, 150, None))),
         gold_event(), False),  # quote and geometry must hold for the same piece
    ],
)
def test_event_matches(pred, gold, match):
    assert evaluate.event_matches(pred, gold) is match


@pytest.mark.parametrize(
    ("preds", "golds", "expected"),
    [
        ([pred_event()], [gold_event()], {"strike": PRF(1, 0, 0)}),
        ([pred_event(), pred_event()], [gold_event()], {"strike": PRF(1, 1, 0)}),  # split event
        ([pred_event(quotes=((100, 400),))],
         [gold_event(), gold_event(evidence=((300, 350),))], {"strike": PRF(1, 0, 1)}),  # merged
        ([pred_event(layer="sweep")], [gold_event()],
         {"strike": PRF(0, 0, 1), "sweep": PRF(0, 1, 0)}),
        ([pred_event(layer="outpost", status="planned")],
         [gold_event(layer="outpost", status="planned")], {"outpost": PRF(1, 0, 0)}),
        ([PredictedEvent("place", "reported", ())], [], {}),  # not an event layer
    ],
)
def test_event_counts_per_layer(preds, golds, expected):
    score = evaluate.score_article(Gold("a", events=tuple(golds)), Prediction(events=tuple(preds)))
    for layer in evaluate.EVENT_LAYERS:
        assert score.tally.events[layer] == expected.get(layer, PRF())


@pytest.mark.parametrize(
    ("pred_date", "gold_date", "correct", "total"),
    [
        (("2019-09-20", "2019-09-20"), ("2019-09-20", "2019-09-20"), 1, 1),
        (("2019-09-19", "2019-09-21"), ("2019-09-20", "2019-09-20"), 0, 1),
        (("2017-12-01", "2019-12-31"), ("2017-12-01", None), 0, 1),
        (("2017-12-01", None), ("2017-12-01", None), 1, 1),
        ((None, None), ("2019-09-20", "2019-09-20"), 0, 1),
        (("2019-09-20", "2019-09-20"), (None, None), 0, 0),  # no gold date: not counted
    ],
)
def test_dates(pred_date, gold_date, correct, total):
    gold = Gold("a", events=(gold_event(date=gold_date),))
    score = evaluate.score_article(gold, Prediction(events=(pred_event(date=pred_date),)))
    assert (score.tally.dates_correct, score.tally.dates_total) == (correct, total)


def test_dates_of_unmatched_events_are_not_counted():
    gold = Gold("a", events=(gold_event(),))
    score = evaluate.score_article(gold, Prediction(events=(pred_event(layer="sweep"),)))
    assert score.tally.dates_total == 0
    assert evaluate.metrics(score.tally)["date_accuracy"] is None


# --------------------------------------------------------------------------- the real gold


def test_the_gold_folder_reads():
    golds = evaluate.read_gold_dir(GOLD_DIR)
    assert sorted(golds) == [p.stem for p in GOLD_FILES]
    assert sum(len(g.toponyms) for g in golds.values()) > 200
    assert sum(len(g.events) for g in golds.values()) > 40


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_perfect_prediction_scores_1(path):
    gold = evaluate.read_gold(path)
    m = evaluate.metrics(evaluate.score_article(gold, evaluate.prediction_from_gold(gold)).tally)
    layers = {e.layer for e in gold.events}
    for name, value in m.items():
        if name == "auc":
            assert value == 0.0
        elif name.split("_")[0] in evaluate.EVENT_LAYERS and name.split("_")[0] not in layers:
            assert value is None, name  # no gold event of that layer: nothing to score
        elif name == "date_accuracy" and not any(e.date_start for e in gold.events):
            assert value is None
        else:
            assert value == 1.0, name


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_empty_prediction_scores_0(path):
    gold = evaluate.read_gold(path)
    m = evaluate.metrics(evaluate.score_article(gold, Prediction()).tally)
    layers = {e.layer for e in gold.events}
    for name, value in m.items():
        if name in ("acc161", "auc", "date_accuracy"):
            assert value is None, name  # nothing recognised, nothing matched
        elif name.split("_")[0] in evaluate.EVENT_LAYERS and name.split("_")[0] not in layers:
            assert value is None, name
        else:
            assert value == 0.0, name


def test_all_the_gold_at_once():
    golds = evaluate.read_gold_dir(GOLD_DIR)
    perfect = evaluate.evaluate((g, evaluate.prediction_from_gold(g)) for g in golds.values())
    empty = evaluate.evaluate((g, Prediction()) for g in golds.values())
    pm, em = evaluate.metrics(perfect.overall), evaluate.metrics(empty.overall)
    assert {k for k, v in pm.items() if v != 1.0} == {"auc"}
    assert pm["auc"] == 0.0
    assert {k for k, v in em.items() if v is None} == {"acc161", "auc", "date_accuracy"}
    assert {v for v in em.values() if v is not None} == {0.0}


def test_a_known_broken_prediction():
    """101_qaim_crossing: one toponym moved 500 km, one event given the wrong layer."""
    gold = evaluate.read_gold(GOLD_DIR / "101_qaim_crossing.json")
    perfect = evaluate.prediction_from_gold(gold)
    first = perfect.toponyms[0]
    g0 = gold.toponyms[0]
    shifted = PredictedToponym(first.start, first.end, moved(g0.lat, g0.lon, 500.0))
    strike = next(i for i, e in enumerate(gold.events) if e.layer == "strike")
    wrong = PredictedEvent("sweep", *[getattr(perfect.events[strike], f)
                                      for f in ("status", "evidence", "date_start", "date_end")])
    broken = Prediction(
        (shifted, *perfect.toponyms[1:]),
        tuple(wrong if i == strike else e for i, e in enumerate(perfect.events)),
    )
    m = evaluate.metrics(evaluate.score_article(gold, broken).tally)
    n = sum(1 for t in gold.toponyms if t.lat is not None)  # 19
    assert n == 19
    assert m["toponym_f1"] == 1.0
    assert m["acc161"] == pytest.approx(18 / 19)
    assert m["auc"] == pytest.approx(math.log(501.0) / LN_MAX / 2 / 18, abs=1e-9)
    assert (m["strike_precision"], m["strike_recall"], m["strike_f1"]) == (0.0, 0.0, 0.0)
    assert (m["sweep_precision"], m["sweep_recall"], m["sweep_f1"]) == (0.0, 0.0, 0.0)
    assert m["outpost_f1"] == 1.0
    assert (m["event_precision"], m["event_recall"], m["event_f1"]) == pytest.approx((2 / 3,) * 3)
    assert m["date_accuracy"] == 1.0  # over the two events still matched


# --------------------------------------------------------------------------- predictions


def feature(layer: str, mention: tuple[int, int], quote: tuple[int, int], event_id: str | None,
            geometry=AT_QAIM, status: str = "reported",
            date: tuple[str | None, str | None] = (None, None)) -> Feature:
    return Feature(
        feature_id=f"a:{layer}:{quote[0]}:{mention[0]}", layer=layer, event_id=event_id,
        status=status, article_id="a", article_title=None, published=None, place_id="gn:1",
        place_name="x", mention="x", mention_start=mention[0], mention_end=mention[1],
        quote="x", quote_start=quote[0], quote_end=quote[1], speaker=None, actor=None,
        fatalities=None, date_start=date[0], date_end=date[1],
        date_precision="day" if date[0] else "unknown", geo_precision="exact", geometry=geometry,
    )


def test_prediction_from_features():
    features = [
        feature("strike", (5, 10), (0, 50), "a:e1", date=("2019-01-01", "2019-01-01")),
        feature("strike", (60, 65), (55, 90), "a:e1", date=("2019-01-01", "2019-01-01")),
        feature("place", (60, 65), (55, 90), None),  # the same mention: one toponym
        feature("outpost", (95, 99), (92, 120), "a:e2", status="planned"),
        feature("sweep", (130, 135), (125, 140), None),  # no event id: an event of its own
        feature("place", (150, 155), (145, 160), None),
    ]
    p = evaluate.prediction_from_features(features)
    assert [(t.start, t.end) for t in p.toponyms] == [(5, 10), (60, 65), (95, 99), (130, 135),
                                                       (150, 155)]
    assert [(e.layer, e.status, len(e.evidence)) for e in p.events] == [
        ("strike", "reported", 2), ("outpost", "planned", 1), ("sweep", "reported", 1)]
    assert [(q.quote_start, q.quote_end) for q in p.events[0].evidence] == [(0, 50), (55, 90)]
    assert (p.events[0].date_start, p.events[0].date_end) == ("2019-01-01", "2019-01-01")


def test_unresolved_mentions_are_recognised_toponyms_without_a_place():
    from bordermap.pipeline import Unresolved

    features = [feature("place", (5, 10), (0, 50), None)]
    unresolved = [Unresolved("a", "Wadi Hauran", 20, 31, 0, 50),
                  Unresolved("a", "again", 5, 10, 0, 50)]  # a feature's span keeps its geometry
    p = evaluate.prediction_from_features(features, unresolved)
    assert [(t.start, t.end, t.geometry is None) for t in p.toponyms] == [
        (5, 10, False), (20, 31, True)]
    # recognised, but as far off as can be when the gold has a place for it
    assert evaluate.distance_km(34.0, 41.0, None) == evaluate.MAX_ERROR_KM


# --------------------------------------------------------------------------- reading gold


def test_read_gold_reports_the_file(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldError, match=r"x\.json: not a JSON file"):
        evaluate.read_gold(bad)
    bad.write_text('{"article_id": "x", "toponyms": []}', encoding="utf-8")
    with pytest.raises(GoldError, match=r"x\.json: not a gold file: KeyError"):
        evaluate.read_gold(bad)


def test_read_gold_dir_checks_the_article_id(tmp_path):
    (tmp_path / "a.json").write_text(
        json.dumps({"article_id": "b", "toponyms": [], "negatives": [], "events": []}), "utf-8")
    with pytest.raises(GoldError, match="article_id 'b' differs"):
        evaluate.read_gold_dir(tmp_path)
    with pytest.raises(GoldError, match="not a folder"):
        evaluate.read_gold_dir(tmp_path / "missing")


# --------------------------------------------------------------------------- regressions


@pytest.mark.parametrize(
    ("current", "recorded", "problems"),
    [
        ({"toponym_f1": 0.9}, {"toponym_f1": 0.9}, []),
        ({"toponym_f1": 0.95}, {"toponym_f1": 0.9}, []),
        ({"toponym_f1": 0.8999995}, {"toponym_f1": 0.9}, []),  # within the tolerance
        ({"toponym_f1": 0.89}, {"toponym_f1": 0.9}, ["toponym_f1"]),
        ({"auc": 0.02}, {"auc": 0.01}, ["auc"]),  # lower is better
        ({"auc": 0.005}, {"auc": 0.01}, []),
        ({"date_accuracy": None}, {"date_accuracy": 0.5}, ["date_accuracy"]),
        ({"date_accuracy": 0.5}, {"date_accuracy": None}, []),
        ({}, {"unknown_score": 1.0}, []),
    ],
)
def test_regressions(current, recorded, problems):
    found = evaluate.regressions(current, recorded)
    assert [p.split(":")[0] for p in found] == problems


# --------------------------------------------------------------------------- reports


def test_format_report_and_json():
    golds = evaluate.read_gold_dir(GOLD_DIR)
    report = evaluate.evaluate(
        (g, evaluate.prediction_from_gold(g) if i % 2 else Prediction())
        for i, g in enumerate(golds.values())
    )
    text = evaluate.format_report(report)
    assert "AUC = trapz(sorted ln(1+e)) / (ln 20039 * (n-1))" in text
    for article_id in golds:
        assert article_id in text
    assert text.count("overall") == 2
    assert "n/a" in text
    data = evaluate.report_to_json(report)
    assert set(data) == {"overall", "articles"}
    assert set(data["overall"]["scores"]) == {name for name, _ in evaluate.METRICS}
    assert set(data["articles"]) == set(golds)
    json.dumps(data)  # plain data


def test_format_errors_quotes_the_text():
    text = "Jets hit al-Qaim. Iraqi forces moved."
    gold = Gold("a", toponyms=(gold_toponym(9, 16),), negatives=(Span(18, 30),),
                events=(gold_event(evidence=((0, 17),)),))
    score = evaluate.score_article(gold, Prediction((top(18, 23),)))
    lines = evaluate.format_errors(score, text)
    assert lines[0] == "toponym FP 18-23 'Iraqi': on a negative"
    assert lines[1].startswith("toponym FN 9-16")
    assert lines[2].startswith("event FN e1 strike/reported (gn:1, 15 km) 'Jets hit al-Qaim.'")


def test_every_score_is_documented():
    doc = (REPO / "docs" / "gold-format.md").read_text("utf-8")
    for name, _ in evaluate.METRICS:
        if name.split("_")[0] not in evaluate.EVENT_LAYERS:
            assert f"`{name}`" in doc, name
    assert "`<layer>_precision`" in doc


# --------------------------------------------------------------------------- the command


def test_eval_command(tmp_path, capsys):
    out = tmp_path / "scores.json"
    status = cli.main(["eval", str(REPO / "seeds"), str(REPO / "tests" / "articles"),
                       "--gold", str(GOLD_DIR), "--json", str(out), "--errors"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "overall" in captured.out
    assert "000_487561956ce51ea4" in captured.out
    assert "error(s)" in captured.out
    assert captured.err == ""
    data = json.loads(out.read_text("utf-8"))
    assert set(data["articles"]) == {p.stem for p in GOLD_FILES}


def test_eval_command_notes_articles_and_gold_left_unscored(tmp_path, capsys):
    (tmp_path / "extra.txt").write_text("Jets struck al-Qaim.\n", "utf-8")
    status = cli.main(["eval", str(REPO / "seeds"), str(tmp_path), "--gold", str(GOLD_DIR)])
    captured = capsys.readouterr()
    assert status == 0
    assert "extra.txt: no gold file; not scored" in captured.err
    assert "11 gold file(s) without an article here" in captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval", "seeds"], "--gold"),
        (["eval", "missing-folder", "--gold", "tests/gold"], "no such file"),
        (["eval", "seeds", "--gold", "missing-folder"], "not a folder of gold files"),
        (["eval", "seeds", "--gold", "seeds"], "no gold files"),
        (["eval", "tests/articles/101_qaim_crossing.txt", "--gold", "{empty}"], "no gold files"),
        (["eval", "{article}", "--gold", "tests/gold"], "none of the articles has a gold file"),
        (["eval", "seeds", "--gold", "tests/gold", "--json", "missing/x.json"], "does not exist"),
    ],
)
def test_eval_usage_errors(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    (tmp_path / "empty").mkdir()
    (tmp_path / "other.txt").write_text("Jets struck al-Qaim.\n", "utf-8")
    args = [a.format(empty=tmp_path / "empty", article=tmp_path / "other.txt") for a in args]
    assert cli.main(args) == 2
    assert message in capsys.readouterr().err
