"""Scoring a geoparser against the gold annotations (``docs/gold-format.md``).

Three parts, kept apart:

* **Records.** :class:`Gold` (what an annotator marked in one article) and
  :class:`Prediction` (what a system says about it: toponym spans with a geometry,
  events with evidence quotes). :func:`read_gold` reads a gold file;
  :func:`prediction_from_features` turns bordermap's features into a prediction, and
  :func:`prediction_from_gold` turns gold into the perfect prediction.
* **Scoring.** :func:`score_article` compares one prediction with its gold and returns
  a :class:`Tally` of counts and error distances; tallies add up, and
  :func:`metrics` turns a tally into the scores. Pure functions: no files, no printing.
* **Reporting.** :func:`format_report` renders a :class:`Report` as text tables and
  :func:`report_to_json` as plain data; the command line prints them.

The rules (stated again in ``docs/gold-format.md``):

* Toponym recognition: a predicted span matches a gold toponym when they overlap, one
  to one (a maximum matching that prefers larger overlaps). A predicted span that overlaps a
  negative is a false positive and matches nothing. Gold toponyms without a place id
  (``"unresolvable"``) count like any other.
* Toponym resolution, over the matched gold toponyms that have coordinates: the error
  is the geodesic distance in km from the gold point to the predicted geometry (0 when
  the point lies in it, else to its nearest point; :data:`MAX_ERROR_KM` when the system
  gave no geometry). ``acc@161`` is the share of errors ≤ 161 km; ``AUC`` (Gritta et
  al. 2017) is ``trapz(sorted ln(1 + e)) / (ln 20039 · (n − 1))``, lower is better.
* Events: a predicted event matches a gold event, one to one, when layer and status are
  equal and one of its pieces of evidence has a quote overlapping one of the gold
  evidence sentences and a geometry within ``radius_km`` of the gold point.
* Dates, over the matched events whose gold event has a ``date_start``: correct when the
  predicted ``(date_start, date_end)`` equals the gold one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from bordermap.errors import BordermapError

if TYPE_CHECKING:
    from bordermap.features import Feature
    from bordermap.pipeline import Unresolved

EVENT_LAYERS = ("strike", "outpost", "sweep")
ACC_KM = 161.0
"""The k of accuracy@k: 161 km (100 miles), the usual threshold in the literature."""
MAX_ERROR_KM = 20039.0
"""Half the Earth's circumference: the largest possible error, and the AUC's scale."""
SEGMENT_DEG = 0.05
"""Longest edge (degrees) of a line or polygon before it is projected to measure a distance."""

HIGHER_IS_BETTER = "higher"
LOWER_IS_BETTER = "lower"


class GoldError(BordermapError, ValueError):
    """A gold file cannot be used; the message names the file and the reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Span:
    """A character span of the article text (``start`` inclusive, ``end`` exclusive)."""

    start: int
    end: int
    text: str = ""


@dataclass(frozen=True)
class GoldToponym:
    """A place mention a map should show; ``place_id``/``lat``/``lon`` may be None."""

    start: int
    end: int
    text: str
    place_id: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class GoldEvent:
    """A real-world strike, outpost or sweep with its evidence sentences."""

    id: str
    layer: str
    status: str
    evidence: tuple[Span, ...]
    place_id: str | None
    lat: float | None
    lon: float | None
    radius_km: float
    date_start: str | None = None
    date_end: str | None = None
    date_precision: str = "unknown"


@dataclass(frozen=True)
class Gold:
    """The gold annotation of one article."""

    article_id: str
    published: str | None = None
    toponyms: tuple[GoldToponym, ...] = ()
    negatives: tuple[Span, ...] = ()
    events: tuple[GoldEvent, ...] = ()


@dataclass(frozen=True)
class PredictedToponym:
    """A span a system marks as a place, with the geometry it maps it to (None: unresolved)."""

    start: int
    end: int
    geometry: BaseGeometry | None


@dataclass(frozen=True)
class PredictedEvidence:
    """One piece of evidence of a predicted event: its quote span and its geometry."""

    quote_start: int
    quote_end: int
    geometry: BaseGeometry | None


@dataclass(frozen=True)
class PredictedEvent:
    """An event a system reports, with every piece of evidence it gives for it."""

    layer: str
    status: str
    evidence: tuple[PredictedEvidence, ...]
    date_start: str | None = None
    date_end: str | None = None


@dataclass(frozen=True)
class Prediction:
    """What a system says about one article."""

    toponyms: tuple[PredictedToponym, ...] = ()
    events: tuple[PredictedEvent, ...] = ()


# --------------------------------------------------------------------------- reading gold


def read_gold(path: str | Path) -> Gold:
    """Read one gold file (format: ``docs/gold-format.md``).

    Raises
    ------
    GoldError
        If the file cannot be read, is not JSON, or lacks a key the scoring needs.
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GoldError(p, f"cannot read file: {exc.strerror or exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(p, f"not a JSON file: {exc}") from exc
    try:
        return gold_from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise GoldError(p, f"not a gold file: {type(exc).__name__}: {exc}") from exc


def gold_from_dict(data: Mapping[str, Any]) -> Gold:
    """A :class:`Gold` from the parsed JSON of a gold file."""

    def opt_float(value: object) -> float | None:
        return None if value is None else float(value)  # type: ignore[arg-type]

    toponyms = tuple(
        GoldToponym(
            int(t["start"]), int(t["end"]), str(t["text"]), t["place_id"],
            opt_float(t["lat"]), opt_float(t["lon"]),
        )
        for t in data["toponyms"]
    )
    negatives = tuple(
        Span(int(n["start"]), int(n["end"]), str(n["text"])) for n in data["negatives"]
    )
    events = tuple(
        GoldEvent(
            id=str(e["id"]),
            layer=str(e["layer"]),
            status=str(e["status"]),
            evidence=tuple(
                Span(int(s["start"]), int(s["end"]), str(s["text"])) for s in e["evidence"]
            ),
            place_id=e["place_id"],
            lat=opt_float(e["lat"]),
            lon=opt_float(e["lon"]),
            radius_km=float(e["radius_km"]),
            date_start=e.get("date_start"),
            date_end=e.get("date_end"),
            date_precision=str(e.get("date_precision", "unknown")),
        )
        for e in data["events"]
    )
    return Gold(str(data["article_id"]), data.get("published"), toponyms, negatives, events)


def read_gold_dir(folder: str | Path) -> dict[str, Gold]:
    """Every ``*.json`` gold file in ``folder`` by article id, sorted by id.

    Raises
    ------
    GoldError
        If ``folder`` is not a folder, or for the first file that is not usable, or
        when a file's ``article_id`` differs from its name.
    """
    d = Path(folder)
    if not d.is_dir():
        raise GoldError(d, "not a folder of gold files")
    out: dict[str, Gold] = {}
    for path in sorted(d.glob("*.json")):
        gold = read_gold(path)
        if gold.article_id != path.stem:
            raise GoldError(path, f"article_id {gold.article_id!r} differs from the file name")
        out[gold.article_id] = gold
    return out


# --------------------------------------------------------------------------- predictions


def prediction_from_features(
    features: Iterable[Feature], unresolved: Iterable[Unresolved] = ()
) -> Prediction:
    """bordermap's features as a :class:`Prediction`.

    The toponyms are the features' place mentions, one per span (the first feature's
    geometry), and the unresolved mentions (recognised, but with no geometry: they
    score for recognition and count the largest error for resolution); the events are
    the non-``place`` features grouped by ``event_id`` (a feature without one is an
    event of its own), each feature one piece of evidence.
    """
    toponyms: dict[tuple[int, int], PredictedToponym] = {}
    for u in unresolved:
        toponyms.setdefault((u.start, u.end), PredictedToponym(u.start, u.end, None))
    groups: dict[str, list[Feature]] = {}
    for n, f in enumerate(features):
        key = (f.mention_start, f.mention_end)
        if key not in toponyms or toponyms[key].geometry is None:
            toponyms[key] = PredictedToponym(f.mention_start, f.mention_end, f.geometry)
        if f.layer in EVENT_LAYERS:
            groups.setdefault(f.event_id if f.event_id is not None else f"\0{n}", []).append(f)
    events = tuple(
        PredictedEvent(
            layer=fs[0].layer,
            status=fs[0].status,
            evidence=tuple(PredictedEvidence(f.quote_start, f.quote_end, f.geometry) for f in fs),
            date_start=fs[0].date_start,
            date_end=fs[0].date_end,
        )
        for fs in groups.values()
    )
    return Prediction(tuple(sorted(toponyms.values(), key=lambda t: (t.start, t.end))), events)


def prediction_from_gold(gold: Gold) -> Prediction:
    """The perfect prediction: every gold toponym and event, at its gold point."""

    def point(lat: float | None, lon: float | None) -> BaseGeometry | None:
        return None if lat is None or lon is None else Point(lon, lat)

    toponyms = tuple(PredictedToponym(t.start, t.end, point(t.lat, t.lon)) for t in gold.toponyms)
    events = tuple(
        PredictedEvent(
            e.layer,
            e.status,
            tuple(PredictedEvidence(s.start, s.end, point(e.lat, e.lon)) for s in e.evidence),
            e.date_start,
            e.date_end,
        )
        for e in gold.events
    )
    return Prediction(toponyms, events)


# --------------------------------------------------------------------------- distances

_GEOD = Geod(ellps="WGS84")


@lru_cache(maxsize=4096)
def _aeqd(lat: float, lon: float) -> Transformer:
    """lon/lat → metres in an azimuthal equidistant projection centred on (lat, lon)."""
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m +no_defs")
    return Transformer.from_crs(CRS.from_epsg(4326), local, always_xy=True)


def distance_km(lat: float, lon: float, geometry: BaseGeometry | None) -> float:
    """Geodesic distance (km, WGS84) from the point (lat, lon) to ``geometry``.

    0 when the point lies in (or on) the geometry, else the distance to its nearest
    point; :data:`MAX_ERROR_KM` for a missing or empty geometry. A point is measured
    with the inverse geodesic; lines and polygons are densified and projected to an
    azimuthal equidistant projection centred on (lat, lon), where the distance from the
    centre is the true geodesic distance.
    """
    if geometry is None or geometry.is_empty:
        return MAX_ERROR_KM
    if geometry.geom_type == "Point":
        _, _, metres = _GEOD.inv(lon, lat, geometry.x, geometry.y)
        return min(float(metres) / 1000.0, MAX_ERROR_KM)
    if geometry.covers(Point(lon, lat)):
        return 0.0
    transformer = _aeqd(lat, lon)

    def forward(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    projected = shapely.transform(shapely.segmentize(geometry, SEGMENT_DEG), forward)
    return min(float(projected.distance(Point(0.0, 0.0))) / 1000.0, MAX_ERROR_KM)


def auc(errors_km: Sequence[float]) -> float | None:
    """Area under the curve of the sorted, log-scaled error distances (Gritta et al. 2017).

    ``trapz(sorted(ln(1 + e))) / (ln(MAX_ERROR_KM) · (n − 1))``, exactly as the authors'
    code: 0 when every error is 0, ``ln 20040 / ln 20039`` (1.0000050) when every error is
    :data:`MAX_ERROR_KM`; lower is better. One error ``e`` gives ``ln(1 + e) / ln 20039``;
    no errors give None.
    """
    if not errors_km:
        return None
    scaled = sorted(math.log1p(min(max(e, 0.0), MAX_ERROR_KM)) / math.log(MAX_ERROR_KM)
                    for e in errors_km)
    if len(scaled) == 1:
        return scaled[0]
    area = sum(scaled) - (scaled[0] + scaled[-1]) / 2.0  # the trapezoidal rule, dx = 1
    return area / (len(scaled) - 1)


def accuracy_at(errors_km: Sequence[float], km: float = ACC_KM) -> float | None:
    """The share of errors of at most ``km`` kilometres (None for no errors)."""
    if not errors_km:
        return None
    return sum(1 for e in errors_km if e <= km) / len(errors_km)


# --------------------------------------------------------------------------- matching


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Characters two spans share (0 when they do not overlap)."""
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def _max_matching(pairs: Iterable[tuple[float, int, int]]) -> dict[int, int]:
    """A maximum one-to-one matching, left index → right index, that prefers heavy pairs.

    ``pairs`` are the allowed ``(weight, left, right)`` pairs. The heaviest pairs are
    taken greedily first (ties: smaller indices), then augmenting paths (Kuhn) add a
    pair wherever the matching can still grow, so the count is always the largest
    possible and a pair is only given up to make room for one more.
    """
    ordered = sorted(pairs, key=lambda p: (-p[0], p[1], p[2]))
    options: dict[int, list[int]] = {}
    for _, i, j in ordered:
        options.setdefault(i, []).append(j)
    left_of: dict[int, int] = {}  # right → left
    right_of: dict[int, int] = {}  # left → right
    for _, i, j in ordered:
        if i not in right_of and j not in left_of:
            right_of[i], left_of[j] = j, i

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in left_of or augment(left_of[j], seen):
                left_of[j], right_of[i] = i, j
                return True
        return False

    for i in sorted(options):
        if i not in right_of:
            augment(i, set())
    return right_of


# --------------------------------------------------------------------------- tallies


@dataclass(frozen=True)
class PRF:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        """``tp / (tp + fp)``; 0 when nothing was predicted, None when there is nothing to score."""
        if self.tp + self.fp + self.fn == 0:
            return None
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float | None:
        """``tp / (tp + fn)``; 0 when there is no gold, None when there is nothing to score."""
        if self.tp + self.fp + self.fn == 0:
            return None
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float | None:
        """``2 tp / (2 tp + fp + fn)``; None when there is nothing to score."""
        if self.tp + self.fp + self.fn == 0:
            return None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)


@dataclass(frozen=True)
class Tally:
    """Everything the scores are computed from; tallies of several articles add up.

    Attributes
    ----------
    toponyms
        Recognition counts.
    negative_hits
        Predicted spans that overlap a negative (already counted in ``toponyms.fp``).
    errors_km
        One resolution error per matched gold toponym with coordinates, in text order.
    events
        Event counts per layer of :data:`EVENT_LAYERS`.
    dates_correct, dates_total
        Matched events with a gold ``date_start``, and how many of them have the gold dates.
    """

    toponyms: PRF = PRF()
    negative_hits: int = 0
    errors_km: tuple[float, ...] = ()
    events: Mapping[str, PRF] = field(default_factory=lambda: {k: PRF() for k in EVENT_LAYERS})
    dates_correct: int = 0
    dates_total: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.toponyms + other.toponyms,
            self.negative_hits + other.negative_hits,
            self.errors_km + other.errors_km,
            {k: self.events.get(k, PRF()) + other.events.get(k, PRF()) for k in EVENT_LAYERS},
            self.dates_correct + other.dates_correct,
            self.dates_total + other.dates_total,
        )

    @property
    def all_events(self) -> PRF:
        """Event counts over every layer."""
        total = PRF()
        for k in EVENT_LAYERS:
            total = total + self.events.get(k, PRF())
        return total


@dataclass(frozen=True)
class ArticleScore:
    """One article's tally and what went wrong in it (for reading, not for scoring).

    ``false_positives`` are predicted spans that matched nothing (``negative`` marks the
    ones on a negative), ``missed`` the unmatched gold toponyms, ``far`` the matched gold
    toponyms resolved more than 161 km away with their error, ``events_missed`` and
    ``events_spurious`` the unmatched gold and predicted events, ``dates_wrong`` the
    matched events with a gold date that the prediction got wrong.
    """

    article_id: str
    tally: Tally
    false_positives: tuple[tuple[PredictedToponym, bool], ...] = ()
    missed: tuple[GoldToponym, ...] = ()
    far: tuple[tuple[GoldToponym, float], ...] = ()
    events_missed: tuple[GoldEvent, ...] = ()
    events_spurious: tuple[PredictedEvent, ...] = ()
    dates_wrong: tuple[tuple[GoldEvent, PredictedEvent], ...] = ()


def score_article(gold: Gold, prediction: Prediction) -> ArticleScore:
    """Compare one article's prediction with its gold (rules: the module docstring)."""
    top = _score_toponyms(gold, prediction.toponyms)
    ev = _score_events(gold, prediction.events)
    return ArticleScore(
        article_id=gold.article_id,
        tally=Tally(top.prf, top.negative_hits, top.errors_km, ev.per_layer, ev.dates_correct,
                    ev.dates_total),
        false_positives=top.false_positives,
        missed=top.missed,
        far=top.far,
        events_missed=ev.missed,
        events_spurious=ev.spurious,
        dates_wrong=ev.dates_wrong,
    )


@dataclass(frozen=True)
class _ToponymScore:
    prf: PRF
    negative_hits: int
    errors_km: tuple[float, ...]
    false_positives: tuple[tuple[PredictedToponym, bool], ...]
    missed: tuple[GoldToponym, ...]
    far: tuple[tuple[GoldToponym, float], ...]


def _score_toponyms(gold: Gold, predicted: Iterable[PredictedToponym]) -> _ToponymScore:
    """Recognition (overlap, one to one, negatives) and resolution errors."""
    # one predicted toponym per span, the first given
    by_span: dict[tuple[int, int], PredictedToponym] = {}
    for t in predicted:
        by_span.setdefault((t.start, t.end), t)
    preds = [by_span[k] for k in sorted(by_span)]
    on_negative = [
        any(_overlap(p.start, p.end, n.start, n.end) for n in gold.negatives) for p in preds
    ]
    matched = _max_matching(
        (float(_overlap(p.start, p.end, g.start, g.end)), i, j)
        for i, (p, neg) in enumerate(zip(preds, on_negative, strict=True))
        if not neg
        for j, g in enumerate(gold.toponyms)
        if _overlap(p.start, p.end, g.start, g.end)
    )
    gold_to_pred = {j: i for i, j in matched.items()}
    errors: list[float] = []
    far: list[tuple[GoldToponym, float]] = []
    for j, g in enumerate(gold.toponyms):
        if j not in gold_to_pred or g.lat is None or g.lon is None:
            continue
        error = distance_km(g.lat, g.lon, preds[gold_to_pred[j]].geometry)
        errors.append(error)
        if error > ACC_KM:
            far.append((g, error))
    return _ToponymScore(
        prf=PRF(len(matched), len(preds) - len(matched), len(gold.toponyms) - len(matched)),
        negative_hits=sum(on_negative),
        errors_km=tuple(errors),
        false_positives=tuple(
            (p, neg) for i, (p, neg) in enumerate(zip(preds, on_negative, strict=True))
            if i not in matched
        ),
        missed=tuple(g for j, g in enumerate(gold.toponyms) if j not in gold_to_pred),
        far=tuple(far),
    )


@dataclass(frozen=True)
class _EventScore:
    per_layer: dict[str, PRF]
    dates_correct: int
    dates_total: int
    missed: tuple[GoldEvent, ...]
    spurious: tuple[PredictedEvent, ...]
    dates_wrong: tuple[tuple[GoldEvent, PredictedEvent], ...]


def event_matches(predicted: PredictedEvent, gold: GoldEvent) -> bool:
    """Same layer and status, and one piece of evidence whose quote overlaps a gold evidence
    sentence and whose geometry lies within ``radius_km`` of the gold point (any geometry
    when the gold event has no coordinates)."""
    if predicted.layer != gold.layer or predicted.status != gold.status:
        return False
    for e in predicted.evidence:
        if not any(_overlap(e.quote_start, e.quote_end, s.start, s.end) for s in gold.evidence):
            continue
        if gold.lat is None or gold.lon is None:
            return True
        if distance_km(gold.lat, gold.lon, e.geometry) <= gold.radius_km:
            return True
    return False


def _evidence_overlap(predicted: PredictedEvent, gold: GoldEvent) -> int:
    """Characters the predicted quotes share with the gold evidence (prefers the closer match)."""
    return sum(
        _overlap(e.quote_start, e.quote_end, s.start, s.end)
        for e in predicted.evidence
        for s in gold.evidence
    )


def _score_events(gold: Gold, predicted: Iterable[PredictedEvent]) -> _EventScore:
    """Event matches (one to one) per layer, and the dates of the matched ones."""
    preds = [p for p in predicted if p.layer in EVENT_LAYERS]
    matched = _max_matching(
        (float(_evidence_overlap(p, g)), i, j)
        for i, p in enumerate(preds)
        for j, g in enumerate(gold.events)
        if event_matches(p, g)
    )
    per_layer: dict[str, PRF] = {}
    for layer in EVENT_LAYERS:
        tp = sum(1 for i in matched if preds[i].layer == layer)
        n_pred = sum(1 for p in preds if p.layer == layer)
        n_gold = sum(1 for g in gold.events if g.layer == layer)
        per_layer[layer] = PRF(tp, n_pred - tp, n_gold - tp)
    with_date = [
        (gold.events[j], preds[i])
        for i, j in sorted(matched.items(), key=lambda ij: ij[1])
        if gold.events[j].date_start is not None
    ]
    wrong = tuple(
        (g, p) for g, p in with_date if (p.date_start, p.date_end) != (g.date_start, g.date_end)
    )
    matched_gold = set(matched.values())
    return _EventScore(
        per_layer=per_layer,
        dates_correct=len(with_date) - len(wrong),
        dates_total=len(with_date),
        missed=tuple(g for j, g in enumerate(gold.events) if j not in matched_gold),
        spurious=tuple(p for i, p in enumerate(preds) if i not in matched),
        dates_wrong=wrong,
    )


# --------------------------------------------------------------------------- scores

METRICS: tuple[tuple[str, str], ...] = (
    ("toponym_precision", HIGHER_IS_BETTER),
    ("toponym_recall", HIGHER_IS_BETTER),
    ("toponym_f1", HIGHER_IS_BETTER),
    ("acc161", HIGHER_IS_BETTER),
    ("auc", LOWER_IS_BETTER),
    ("event_precision", HIGHER_IS_BETTER),
    ("event_recall", HIGHER_IS_BETTER),
    ("event_f1", HIGHER_IS_BETTER),
    *(
        (f"{layer}_{m}", HIGHER_IS_BETTER)
        for layer in EVENT_LAYERS
        for m in ("precision", "recall", "f1")
    ),
    ("date_accuracy", HIGHER_IS_BETTER),
)
"""Every score :func:`metrics` returns, and which direction is better."""


def metrics(tally: Tally) -> dict[str, float | None]:
    """The scores of a tally, named as in :data:`METRICS` (None: nothing to score)."""
    out: dict[str, float | None] = {
        "toponym_precision": tally.toponyms.precision,
        "toponym_recall": tally.toponyms.recall,
        "toponym_f1": tally.toponyms.f1,
        "acc161": accuracy_at(tally.errors_km),
        "auc": auc(tally.errors_km),
    }
    events = tally.all_events
    out.update(event_precision=events.precision, event_recall=events.recall, event_f1=events.f1)
    for layer in EVENT_LAYERS:
        prf = tally.events.get(layer, PRF())
        out[f"{layer}_precision"] = prf.precision
        out[f"{layer}_recall"] = prf.recall
        out[f"{layer}_f1"] = prf.f1
    out["date_accuracy"] = tally.dates_correct / tally.dates_total if tally.dates_total else None
    return out


@dataclass(frozen=True)
class Report:
    """The scores of every article and of all of them together (counts summed: micro)."""

    articles: tuple[ArticleScore, ...]

    @property
    def overall(self) -> Tally:
        total = Tally()
        for a in self.articles:
            total = total + a.tally
        return total


def evaluate(pairs: Iterable[tuple[Gold, Prediction]]) -> Report:
    """Score each (gold, prediction) pair."""
    return Report(tuple(score_article(g, p) for g, p in pairs))


def regressions(
    current: Mapping[str, float | None],
    recorded: Mapping[str, float | None],
    *,
    tolerance: float = 1e-6,
) -> list[str]:
    """The scores in ``current`` that are worse than ``recorded`` by more than ``tolerance``.

    Each line names the score and both values. A score recorded as None is not checked;
    a score that is None now but was recorded is a regression.
    """
    problems = []
    for name, direction in METRICS:
        old, new = recorded.get(name), current.get(name)
        if old is None:
            continue
        if new is None:
            problems.append(f"{name}: recorded {old:.4f}, now n/a")
        elif direction == HIGHER_IS_BETTER and new < old - tolerance:
            problems.append(f"{name}: recorded {old:.4f}, now {new:.4f}")
        elif direction == LOWER_IS_BETTER and new > old + tolerance:
            problems.append(f"{name}: recorded {old:.4f}, now {new:.4f} (lower is better)")
    return problems


# --------------------------------------------------------------------------- reporting

TOPONYM_HEADER = (
    "Toponyms. Recognition: predicted and gold spans overlap, one to one; a span on a negative "
    "is a false positive (neg).\nResolution over the recognised gold toponyms with "
    "coordinates (n): error e = km from the gold point to the predicted geometry (0 inside "
    "it);\nacc@161 = share of e <= 161 km; AUC = trapz(sorted ln(1+e)) / (ln 20039 * (n-1)), "
    "lower is better."
)
EVENT_HEADER = (
    "Events. A match needs the same layer and status, a quote overlapping a gold evidence "
    "sentence and a geometry within radius_km;\none to one. Dates: the matched events with "
    "a gold date (n), correct when date_start and date_end are equal."
)


def format_score(value: float | None, digits: int = 3) -> str:
    """A score to ``digits`` places, or "n/a"."""
    return "n/a" if value is None else f"{value:.{digits}f}"


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Lines of a plain-text table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def format_report(report: Report) -> str:
    """The report as text: a toponym table, an event table and a per-layer table."""
    f = format_score
    scored = [(a.article_id, a.tally) for a in report.articles]
    scored.append(("overall", report.overall))

    top_rows = []
    ev_rows = []
    for name, t in scored:
        m = metrics(t)
        top = t.toponyms
        top_rows.append([
            name, str(top.tp + top.fn), str(top.tp + top.fp), str(top.tp), str(top.fp),
            str(t.negative_hits), str(top.fn),
            f(m["toponym_precision"]), f(m["toponym_recall"]), f(m["toponym_f1"]),
            str(len(t.errors_km)), f(m["acc161"]), f(m["auc"]),
        ])
        e = t.all_events
        ev_rows.append([
            name, str(e.tp + e.fn), str(e.tp + e.fp), str(e.tp),
            f(m["event_precision"]), f(m["event_recall"]), f(m["event_f1"]),
            *(f(m[f"{layer}_f1"]) for layer in EVENT_LAYERS),
            str(t.dates_total), f(m["date_accuracy"]),
        ])
    overall = report.overall
    om = metrics(overall)
    layer_rows = [
        [layer, str(prf.tp + prf.fn), str(prf.tp + prf.fp), str(prf.tp),
         f(om[f"{layer}_precision"]), f(om[f"{layer}_recall"]), f(om[f"{layer}_f1"])]
        for layer in EVENT_LAYERS
        for prf in [overall.events.get(layer, PRF())]
    ]
    lines = [TOPONYM_HEADER, ""]
    lines += text_table(["article", "gold", "pred", "TP", "FP", "neg", "FN", "P", "R", "F1", "n",
                         "acc@161", "AUC"], top_rows)
    lines += ["", EVENT_HEADER, ""]
    lines += text_table(["article", "gold", "pred", "TP", "P", "R", "F1", "strike F1",
                         "outpost F1", "sweep F1", "n", "date acc"], ev_rows)
    lines += ["", "Events per layer, all articles", ""]
    lines += text_table(["layer", "gold", "pred", "TP", "P", "R", "F1"], layer_rows)
    return "\n".join(lines)


def format_errors(score: ArticleScore, text: str) -> list[str]:
    """What went wrong in one article, one line each, quoting ``text`` (the article text)."""

    def quote(start: int, end: int) -> str:
        return repr(text[start:end])

    out = []
    for p, neg in score.false_positives:
        why = "on a negative" if neg else "not a gold toponym"
        out.append(f"toponym FP {p.start}-{p.end} {quote(p.start, p.end)}: {why}")
    for g in score.missed:
        out.append(f"toponym FN {g.start}-{g.end} {g.text!r} ({g.place_id})")
    for g, km in score.far:
        out.append(f"resolved {km:.0f} km away {g.start}-{g.end} {g.text!r} ({g.place_id})")
    for ge in score.events_missed:
        s = ge.evidence[0]
        out.append(f"event FN {ge.id} {ge.layer}/{ge.status} ({ge.place_id}, {ge.radius_km:g} km) "
                   f"{quote(s.start, min(s.end, s.start + 70))}")
    for pe in score.events_spurious:
        e = pe.evidence[0]
        out.append(f"event FP {pe.layer}/{pe.status} "
                   f"{quote(e.quote_start, min(e.quote_end, e.quote_start + 70))}")
    for ge, pe in score.dates_wrong:
        out.append(f"date {ge.id}: gold {ge.date_start}..{ge.date_end}, "
                   f"predicted {pe.date_start}..{pe.date_end}")
    return out


def _rounded(values: Mapping[str, float | None]) -> dict[str, float | None]:
    return {k: None if v is None else round(v, 6) for k, v in values.items()}


def _counts(t: Tally) -> dict[str, Any]:
    return {
        "toponyms": {"tp": t.toponyms.tp, "fp": t.toponyms.fp, "fn": t.toponyms.fn},
        "negative_hits": t.negative_hits,
        "resolved": len(t.errors_km),
        "events": {k: {"tp": p.tp, "fp": p.fp, "fn": p.fn} for k, p in t.events.items()},
        "dates": {"correct": t.dates_correct, "total": t.dates_total},
    }


def report_to_json(report: Report) -> dict[str, Any]:
    """The report as plain data: overall and per-article scores (rounded to 6 places) and counts.

    The layout ``bordermap eval --json`` writes and ``tests/scores.json`` records.
    """
    return {
        "overall": {"scores": _rounded(metrics(report.overall)),
                    "counts": _counts(report.overall)},
        "articles": {
            a.article_id: {"scores": _rounded(metrics(a.tally)), "counts": _counts(a.tally)}
            for a in report.articles
        },
    }

