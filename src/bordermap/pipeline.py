"""Articles in, features out: the stages wired together.

``Extractor(gazetteer).extract(article)`` runs, for one article:

articles → sentences → mentions → resolve → events (+ dates, speakers) → features

Each stage is a function over plain records in its own module; this module only
joins their results into :class:`~bordermap.features.Feature` records.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from bordermap import dates, events, mentions
from bordermap._hints import Hints
from bordermap._records import fast_init
from bordermap.articles import Article
from bordermap.dates import UNKNOWN, DateMention, DateRange, estimate_published, find_dates
from bordermap.events import (
    EVENT_SECTIONS,
    Evidence,
    SpeakerTracker,
    Trigger,
    actor_of,
    event_fatalities,
    find_triggers,
    link_places,
    main_place,
    status_of,
)
from bordermap.features import Feature, feature_from_fields
from bordermap.gazetteer import Gazetteer, Place, normalize
from bordermap.mentions import MAPPED_SECTIONS, Matcher, Mention
from bordermap.resolve import Resolved, resolve
from bordermap.sentences import Sentence, split_sentences

GEO_PRECISION = {
    "town": "exact",
    "crossing": "exact",
    "border-side": "near",
    "border": "near",
    "river": "near",
    "lake": "near",
    "region": "region",
    "governorate": "region",
    "country": "region",
}

# The speech verbs of an attribution tail; the keyword pass finds them ("p-verb" hits).
_ATTRIBUTION_VERBS = ("said", "told", "added", "stressed", "explained", "noted", "stated", "warned")
_ATTRIBUTION = re.compile(
    r"(?:,|\b(?:he|she))[\s\u00a0]+(?:" + "|".join(_ATTRIBUTION_VERBS) + r")\b"
    r"|\b(?:said|told)[\s\u00a0]+(?:[A-Za-z-]+[\s\u00a0]+){0,8}?[A-Z][a-z]+[\s\u00a0.]*$"
)


def _attribution(text: str, pos: int, verbs_at: Sequence[int]) -> re.Match[str] | None:
    """``_ATTRIBUTION.search(text, pos)``, tried only where a match can start.

    ``verbs_at`` holds (at least) every offset in ``text`` where a speech verb is written.
    A match starts at its verb ("said Yahya Rasul") or at the comma or pronoun right
    before the verb and its spaces (", said", "he said"), so only those offsets are tried,
    in order: the first that matches is where the search would have stopped.
    """
    starts: set[int] = set()
    for v in verbs_at:
        if v < pos:
            continue
        starts.add(v)
        j = v
        while j > pos and text[j - 1].isspace():
            j -= 1
        if j < v:
            starts.update((j - 1, j - 2, j - 3))  # ",", "he", "she"
    for a in sorted(starts):
        if a >= pos and (m := _ATTRIBUTION.match(text, a)) is not None:
            return m
    return None


_OPEN_QUOTES = frozenset("\"“‘'")
_THE_BEFORE = re.compile(r"\bthe[\s\u00a0]+$", re.IGNORECASE)
_THE_TOWN = re.compile(
    r"\b(?:in|of|near|around|at|inside|across)[\s\u00a0]+(the[\s\u00a0]+(?:town|city|village))"
    r"(?:['’]s)?\b"
)
_SINCE = re.compile(r"\b[Ss]ince\b(?:(?![.;]).)*$")
_REL_CLAUSE = re.compile(r"\b(?:which|when|where|that|who)[\s\u00a0]+$", re.IGNORECASE)


@fast_init
@dataclass(frozen=True)
class Unresolved:
    """A capitalised place-like word the gazetteer lacks ("near Wadi Hauran").

    Reported with its offsets; never mapped, never silently dropped.
    """

    article_id: str
    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int


@fast_init
@dataclass(frozen=True)
class ArticleResult:
    """What one article yields."""

    article_id: str
    features: list[Feature] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)


@dataclass
class _Event:
    evidence: list[Evidence]
    date: DateRange = UNKNOWN
    date_text: str | None = None
    actor: str | None = None


class Extractor:
    """Extracts features from articles against one gazetteer.

    Build it once and reuse it: it holds the compiled name matcher.

    Parameters
    ----------
    gazetteer
        A loaded :class:`~bordermap.gazetteer.Gazetteer`.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.matcher = Matcher(gazetteer)
        self._is_place = lru_cache(maxsize=1 << 14)(
            lambda name: normalize(name) in gazetteer.alias_index
        )
        self.hints = Hints(
            {
                **mentions.KEYWORDS,
                **events.KEYWORDS,
                **dates.KEYWORDS,
                "p-verb": _ATTRIBUTION_VERBS,
            }
        )
        self._intersects: dict[tuple[str, str], bool] = {}
        self._columns: dict[str, dict[str, Any]] = {}

    # -- public -----------------------------------------------------------------
    def extract(self, article: Article) -> ArticleResult:
        """Features and unresolved mentions of one article."""
        sentences = split_sentences(article)
        hints = self.hints.scan(article.text, [(s.start, s.end) for s in sentences])
        found = self.matcher.find(
            article.text, sentences, outlets=[article.outlet or ""], hints=hints
        )
        resolved = resolve(
            found.mentions,
            self.gazetteer,
            {s.index: s.text for s in sentences},
            {s.index: s.start for s in sentences},
        )
        published = estimate_published(article, sentences)

        by_sentence: dict[int, list[Resolved]] = defaultdict(list)
        for r in resolved:
            by_sentence[r.mention.sentence].append(r)

        speakers = SpeakerTracker(self._is_place)
        speaker_of: dict[int, str | None] = {}
        evidence: list[Evidence] = []
        dates: dict[int, DateMention | None] = {}
        main: tuple[Resolved, ...] | None = None  # the article's main place, when first needed
        for s in sentences:
            if s.section not in MAPPED_SECTIONS:
                continue
            spk = (
                speakers.speaker_of(s.text, hints[s.index], s.start)
                if s.section == "body"
                else None
            )
            prev = sentences[s.index - 1] if s.index else None
            if (
                spk is None
                and s.text[:1] in _OPEN_QUOTES
                and prev
                and prev.paragraph == s.paragraph
            ):
                spk = speaker_of.get(prev.index)  # the quotation goes on
            speaker_of[s.index] = spk
            if s.section not in EVENT_SECTIONS:
                continue
            triggers = find_triggers(s, hints[s.index])
            verbs_at = [a for a, _ in hints[s.index].get("p-verb", ())]
            for trig in triggers:
                trig = self._anaphoric_strike(s, trig, evidence)
                # every attribution holds a speech verb after the trigger
                att = _attribution(s.text, trig.end - s.start, [a - s.start for a in verbs_at])
                places, rule = link_places(
                    s, trig, by_sentence[s.index], s.start + att.start() if att else None
                )
                if not places:
                    places, rule = self._the_town(s, trig, resolved)
                if not places and s.section == "title":
                    continue  # a headline's event needs its own place; the body tells the rest
                if not places:
                    places, rule = self._earlier_in_paragraph(s, sentences, by_sentence)
                if not places:
                    if main is None:
                        main = main_place(resolved)
                    places, rule = self._nearest_main(s, main)
                if not places:
                    continue
                evidence.append(
                    Evidence(
                        sentence=s,
                        trigger=trig,
                        layer=trig.layer,
                        status=status_of(s, trig),
                        places=places,
                        geo_rule=rule,
                        actor=actor_of(s, trig),
                        fatalities=event_fatalities(s, trig, triggers),
                        speaker=speaker_of[s.index],
                    )
                )
        # dates only where a feature will carry one: evidence and mention sentences
        wanted = {e.sentence.index for e in evidence} | {r.mention.sentence for r in resolved}
        for i in sorted(wanted):
            s = sentences[i]
            dates[i] = _sentence_date(s, published) if "date" in hints[i] else None

        events = self._group(evidence, dates)
        features = self._features(
            article, sentences, resolved, events, dates, published, speaker_of
        )
        unresolved = [
            Unresolved(
                article.id,
                u.text,
                u.start,
                u.end,
                sentences[u.sentence].start,
                sentences[u.sentence].end,
            )
            for u in found.unresolved
        ]
        return ArticleResult(article.id, features, unresolved)

    # -- references back ----------------------------------------------------------
    @staticmethod
    def _anaphoric_strike(s: Sentence, trig: Trigger, evidence: list[Evidence]) -> Trigger:
        """ "No side claimed the raid." after a strike in the paragraph is that strike."""
        if trig.layer != "sweep" or trig.text.lower() not in ("raid", "raids", "attack"):
            return trig
        if not _THE_BEFORE.search(s.text[: trig.start - s.start]):
            return trig
        if any(e.layer == "strike" and e.sentence.paragraph == s.paragraph for e in evidence):
            return replace(trig, layer="strike", sub_event_type="Air/drone strike")
        return trig

    @staticmethod
    def _the_town(
        s: Sentence, trig: Trigger, resolved: Sequence[Resolved]
    ) -> tuple[tuple[Resolved, ...], str]:
        """ "searched houses in the town's old market": the article's main town."""
        m = _THE_TOWN.search(s.text, trig.end - s.start)
        if not m or m.start() - (trig.end - s.start) > 60:
            return (), ""
        towns = Counter(r.place.id for r in resolved if r.place.kind == "town")
        if not towns:
            return (), ""
        top = max(towns, key=lambda i: towns[i])
        ref = next(r for r in resolved if r.place.id == top)
        a, b = s.start + m.start(1), s.start + m.end(1)
        mention = Mention(
            a, b, s.text[m.start(1) : m.end(1)], s.index, "anaphora", (top,), ref.mention.key
        )
        return (
            Resolved(mention, ref.place, f"'{mention.text}' refers to the article's main town"),
        ), "same-sentence"

    # -- place rules 3 and 4 ------------------------------------------------------
    @staticmethod
    def _earlier_in_paragraph(
        s: Sentence, sentences: Sequence[Sentence], by_sentence: dict[int, list[Resolved]]
    ) -> tuple[tuple[Resolved, ...], str]:
        for k in range(s.index - 1, -1, -1):
            prev = sentences[k]
            if prev.paragraph != s.paragraph:
                break
            if by_sentence.get(k):
                return (by_sentence[k][-1],), "earlier-in-paragraph"
        return (), ""

    @staticmethod
    def _nearest_main(s: Sentence, pool: Sequence[Resolved]) -> tuple[tuple[Resolved, ...], str]:
        """Rule 4: of the main place's mentions (``pool``), the one nearest the sentence."""
        if not pool:
            return (), ""
        # the nearest mention before the sentence, else the nearest after it
        nearest = min(
            pool, key=lambda r: (r.mention.start > s.start, abs(r.mention.start - s.start))
        )
        return (nearest,), "article-main-place"

    # -- events -------------------------------------------------------------------
    def _compatible(self, a: Place, b: Place) -> bool:
        key = (a.id, b.id) if a.id <= b.id else (b.id, a.id)
        if key not in self._intersects:
            self._intersects[key] = a.id == b.id or bool(a.geometry.intersects(b.geometry))
        return self._intersects[key]

    def _group(
        self, evidence: list[Evidence], dates: dict[int, DateMention | None]
    ) -> list[_Event]:
        """Evidence of one real-world event: same layer, status and compatible places,
        and either the same explicit date, or the same kind of event as the layer's
        previous evidence (at most three paragraphs back) with no date that disagrees.
        A headline joins the first body evidence of its layer."""
        parent = list(range(len(evidence)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        # a headline joins the first body evidence of its layer, whatever the distance
        first_body: dict[str, int] = {}
        for i, e in enumerate(evidence):
            if e.sentence.section != "title":
                first_body.setdefault(e.layer, i)
        previous: dict[str, int] = {}  # the last body evidence of each layer so far
        for j, b in enumerate(evidence):
            for i in range(j):
                a = evidence[i]
                if a.layer != b.layer or a.status != b.status:
                    continue
                if not any(self._compatible(p.place, q.place) for p in a.places for q in b.places):
                    continue
                da, db = dates.get(a.sentence.index), dates.get(b.sentence.index)
                same_date = bool(da and db and _date_key(da.text) == _date_key(db.text))
                if "title" in (a.sentence.section, b.sentence.section):
                    joined = first_body.get(a.layer) in (i, j)
                else:
                    # the story goes on about the same event: the same kind of event as the
                    # layer's previous evidence, at a compatible place, on a compatible date
                    goes_on = previous.get(b.layer) == i and (
                        b.sentence.paragraph - a.sentence.paragraph <= 3
                    )
                    same_kind = a.trigger.sub_event_type == b.trigger.sub_event_type
                    joined = same_date or (goes_on and same_kind and _dates_agree(da, db))
                if joined:
                    parent[find(j)] = find(i)
            if b.sentence.section != "title":
                previous[b.layer] = j
        groups: dict[int, list[Evidence]] = {}
        for i, e in enumerate(evidence):
            groups.setdefault(find(i), []).append(e)
        events = []
        for members in groups.values():
            ev = _Event(members)
            for e in members:
                d = dates.get(e.sentence.index)
                if d is not None and ev.date_text is None:
                    ev.date, ev.date_text = d.value, d.text
                if ev.actor is None and e.actor:
                    ev.actor = e.actor
            events.append(ev)
        return events

    # -- features -----------------------------------------------------------------
    def _features(
        self,
        article: Article,
        sentences: Sequence[Sentence],
        resolved: Sequence[Resolved],
        events: list[_Event],
        dates: dict[int, DateMention | None],
        published: DateRange,
        speaker_of: dict[int, str | None],
    ) -> list[Feature]:
        text, article_id = article.text, article.id
        pub = (
            published.start.isoformat()
            if published.precision == "day" and published.start
            else None
        )
        # the fields every feature of the article shares
        shared = {
            "article_id": article_id,
            "article_title": article.title,
            "published": pub,
            "article_outlet": article.outlet,
            "article_url": article.url,
        }
        fallback, _ = _fallback(published)
        fallback_columns = _date_columns(fallback)
        feats: list[Feature] = []
        used: set[int] = set()
        for n, ev in enumerate(sorted(events, key=lambda e: e.evidence[0].trigger.start), start=1):
            event_id = f"{article_id}:e{n}"
            date_text = ev.date_text or None
            date_columns = _date_columns(ev.date) if date_text else fallback_columns
            for e in ev.evidence:
                s, layer, trig = e.sentence, e.layer, e.trigger
                for r in e.places:
                    m = r.mention
                    used.add(m.start)
                    qs = min(m.start, s.start)
                    qe = max(m.end, s.end)
                    feats.append(
                        feature_from_fields(
                            {
                                # one feature per (layer, evidence sentence, mention): stable
                                "feature_id": f"{article_id}:{layer}:{s.start}:{m.start}",
                                "layer": layer,
                                "event_id": event_id,
                                "status": e.status,
                                "mention": m.text,
                                "mention_start": m.start,
                                "mention_end": m.end,
                                "quote": text[qs:qe],
                                "quote_start": qs,
                                "quote_end": qe,
                                "speaker": e.speaker,
                                "actor": ev.actor,
                                "fatalities": e.fatalities,
                                "date_start": date_columns[0],
                                "date_end": date_columns[1],
                                "date_precision": date_columns[2],
                                "geo_reason": f"{e.geo_rule}: {r.reason}",
                                "trigger": trig.text,
                                "sub_event_type": trig.sub_event_type,
                                "date_text": date_text,
                                **shared,
                                **self._place_fields(r.place),
                            }
                        )
                    )
        for r in resolved:
            m = r.mention
            if m.start in used:
                continue
            s = sentences[m.sentence]
            d = dates.get(s.index)
            date_columns = _date_columns(d.value) if d else fallback_columns
            feats.append(
                feature_from_fields(
                    {
                        "feature_id": f"{article_id}:place:{s.start}:{m.start}",
                        "layer": "place",
                        "event_id": None,
                        "status": "reported",
                        "mention": m.text,
                        "mention_start": m.start,
                        "mention_end": m.end,
                        "quote": text[s.start : s.end],
                        "quote_start": s.start,
                        "quote_end": s.end,
                        "speaker": speaker_of.get(s.index),
                        "actor": None,
                        "fatalities": None,
                        "date_start": date_columns[0],
                        "date_end": date_columns[1],
                        "date_precision": date_columns[2],
                        "geo_reason": f"mention: {r.reason}",
                        "trigger": None,
                        "sub_event_type": None,
                        "date_text": d.text if d else None,
                        **shared,
                        **self._place_fields(r.place),
                    }
                )
            )
        feats.sort(key=lambda f: (f.quote_start, f.mention_start, f.layer))
        unique: dict[str, Feature] = {}
        for f in feats:  # the same mention read twice for one sentence and layer
            unique.setdefault(f.feature_id, f)
        return list(unique.values())

    def _place_fields(self, place: Place) -> dict[str, Any]:
        """The fields a feature takes from its place (cached per place)."""
        cols = self._columns.get(place.id)
        if cols is None:
            gaz = self.gazetteer.places
            cols = self._columns[place.id] = {
                "place_id": place.id,
                "place_name": place.name,
                "place_kind": place.kind,
                "geometry": place.geometry,
                "geo_precision": GEO_PRECISION.get(place.kind, "region"),
                "admin1": place.name
                if place.kind == "governorate"
                else (gaz[place.governorate].name if place.governorate in gaz else None),
                "country": place.name
                if place.kind == "country"
                else (gaz[place.country].name if place.country in gaz else None),
            }
        return cols


def _sentence_date(s: Sentence, published: DateRange) -> DateMention | None:
    """The date a sentence gives its event: the first one not inside a relative clause.

    "Since <date>" is an interval from that date to the publication.
    """
    for d in find_dates(s.text, offset=s.start, published=published):
        before = s.text[max(0, d.start - s.start - 60) : d.start - s.start]
        if _REL_CLAUSE.search(before[-12:]):
            continue
        if _SINCE.search(before) and d.value.start is not None:
            end = published.end if published.end and published.end >= d.value.start else None
            return replace(d, value=DateRange(d.value.start, end, "approximate"))
        return d
    return None


def _date_columns(date: DateRange) -> tuple[str | None, str | None, str]:
    """``date_start``, ``date_end`` and ``date_precision`` of a feature dated ``date``."""
    return (
        date.start.isoformat() if date.start else None,
        date.end.isoformat() if date.end else None,
        date.precision,
    )


def _fallback(published: DateRange) -> tuple[DateRange, str | None]:
    """No date in the evidence: the article's own date, marked approximate."""
    if published.start is None:
        return UNKNOWN, None
    return DateRange(published.start, published.end, "approximate"), None


def _dates_agree(a: DateMention | None, b: DateMention | None) -> bool:
    """No date, or date intervals that overlap ("this week" and "on Monday")."""
    if a is None or b is None:
        return True
    x, y = a.value, b.value
    if None in (x.start, x.end, y.start, y.end):
        return _date_key(a.text) == _date_key(b.text)
    assert x.start and x.end and y.start and y.end
    return x.start <= y.end and y.start <= x.end


def _date_key(text: str) -> str:
    return re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|\bon\b|\bthe\b|\bof\b|[\s,]+", "", text.lower())
