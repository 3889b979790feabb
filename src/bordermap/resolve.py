"""Choosing one gazetteer entry for each mention.

A name with one candidate resolves to it. A name with several ("Sinjar" in Iraq and in
Syria, "al-Qaim" the town and the crossing) is decided from the article's own context,
in this order of weight:

1. the countries the article names or places its unambiguous mentions in;
2. the governorates it names or places its unambiguous mentions in;
3. closeness to the article's other unambiguous places;
4. the kind of place the sentence asks for ("crossing" near the name);
5. population, as the last tie-break.

A name resolves the same way everywhere in one article, unless its own sentence says
otherwise (a "crossing" cue picks the crossing of that name).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bordermap._records import fast_init
from bordermap.gazetteer import Gazetteer, Place
from bordermap.mentions import Mention

# "crossing" right after the name, perhaps after its twin: "al-Qaim–Albu Kamal border crossing"
_CROSSING_CUE = re.compile(
    r"(?:[\s\u00a0]*[-–/][\s\u00a0]*(?:al-)?[A-Z][\w'’-]*(?:[\s\u00a0][A-Z][\w'’-]*)?)?"
    r"[\s\u00a0]+(?:border[\s\u00a0]+)?(?:crossings?|post|gate|point|terminal)\b",
    re.IGNORECASE,
)
_PHRASE_REASON = {
    "border": "a description of the Iraq–Syria border, drawn as the border strip",
    "cross-border": "a cross-border phrase, drawn as the far side of the border strip",
    "demonym": "a nationality adjective that names a place",
}


@fast_init
@dataclass(frozen=True)
class Resolved:
    """A mention with the place chosen for it and the reason, in words."""

    mention: Mention
    place: Place
    reason: str


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance, plenty for 'is it near'."""
    x = math.radians(b[0] - a[0]) * math.cos(math.radians((a[1] + b[1]) / 2))
    y = math.radians(b[1] - a[1])
    return 6371.0 * math.hypot(x, y)


class _Context:
    """What an article's unambiguous mentions say about where it is."""

    def __init__(self, gazetteer: Gazetteer, mentions: Sequence[Mention]) -> None:
        self.gazetteer = gazetteer
        self.countries: Counter[str] = Counter()
        self.governorates: Counter[str] = Counter()
        self.points: list[tuple[float, float]] = []
        for m in mentions:
            if len(m.candidates) != 1 or m.kind != "name":
                continue
            place = gazetteer.places.get(m.candidates[0])
            if place is None:
                continue
            if place.kind == "country":
                self.countries[place.id] += 1
            elif place.country:
                self.countries[place.country] += 1
            if place.kind == "governorate":
                self.governorates[place.id] += 1
            elif place.governorate:
                self.governorates[place.governorate] += 1
            if place.kind in ("town", "crossing"):
                self.points.append(gazetteer.lonlat(place.id))

    def score(self, place: Place) -> tuple[float, str]:
        country = place.id if place.kind == "country" else place.country
        gov = place.id if place.kind == "governorate" else place.governorate
        parts: list[tuple[float, str]] = []
        if country and self.countries[country]:
            parts.append(
                (3.0 * self.countries[country], f"the article names {country} or places in it")
            )
        if gov and self.governorates[gov]:
            parts.append((2.0 * self.governorates[gov], f"the article names {gov} or places in it"))
        if self.points and place.kind in ("town", "crossing"):
            here = self.gazetteer.lonlat(place.id)
            near = sum(1 for p in self.points if _km(here, p) < 150.0)
            if near:
                parts.append(
                    (1.0 * near, f"{near} other place(s) of the article lie within 150 km")
                )
        total = sum(p[0] for p in parts)
        reason = max(parts)[1] if parts else ""
        return total, reason


def resolve(
    mentions: Sequence[Mention],
    gazetteer: Gazetteer,
    sentence_text: Mapping[int, str] | None = None,
    sentence_start: Mapping[int, int] | None = None,
) -> list[Resolved]:
    """Resolve every mention of one article.

    Parameters
    ----------
    mentions
        All mentions of the article, in text order.
    gazetteer
        The gazetteer the candidates come from.
    sentence_text, sentence_start
        Sentence index → sentence text and its offset, for cues such as "crossing"
        right after a name.

    Returns
    -------
    list of Resolved
        One per mention whose candidates exist in the gazetteer, in text order.
    """
    context = _Context(gazetteer, mentions)
    by_key: dict[str, tuple[Place, str]] = {}
    out: list[Resolved] = []
    for m in mentions:
        places = [gazetteer.places[c] for c in m.candidates if c in gazetteer.places]
        if not places:
            continue
        if len(places) == 1:
            reason = _PHRASE_REASON.get(m.kind, "the only entry with this name")
            out.append(Resolved(m, places[0], reason))
            continue
        after = (
            (sentence_text or {}).get(m.sentence, ""),
            m.end - (sentence_start or {}).get(m.sentence, 0),
        )
        crossings = [p for p in places if p.kind == "crossing"]
        if crossings and _CROSSING_CUE.match(after[0], after[1]):
            out.append(Resolved(m, crossings[0], "the sentence speaks of a crossing"))
            continue
        if m.key not in by_key:
            by_key[m.key] = _decide(places, context)
        place, reason = by_key[m.key]
        out.append(Resolved(m, place, reason))
    return out


def _decide(places: list[Place], context: _Context) -> tuple[Place, str]:
    scored = []
    for p in places:
        s, why = context.score(p)
        kind_bonus = 0.5 if p.kind == "town" else 0.0  # a bare name is more often the town
        pop = math.log10((p.population or 0) + 1) / 10.0
        scored.append((s + kind_bonus + pop, s, why, p))
    scored.sort(key=lambda t: (-t[0], t[3].id))
    best = scored[0]
    n = len(places)
    if best[1] > 0:
        reason = f"{n} candidates; chose by context: {best[2]}"
    elif best[3].kind == "town" and any(t[3].kind != "town" for t in scored):
        reason = f"{n} candidates; no context, a bare name is taken as the town"
    else:
        reason = f"{n} candidates; no context, chose the most populous"
    return best[3], reason
