"""Finding place mentions in sentences.

Works like spaCy's EntityRuler: patterns are data (the gazetteer's aliases and a few
phrase rules), every candidate span is collected, and overlaps are settled by one
stated rule: **longest match first, then earliest start**.

Four kinds of mention come out:

``name``
    a gazetteer name or alias ("Anbar", "al-Qaim", "Abu Kamal");
``border``
    a description of the Iraq–Syria border ("the common border", "the border strip
    between Iraq and Syria", "the Syrian-Iraqi border"), resolved to the border strip;
``cross-border``
    "across the border", "inside Syria", "on Syrian territory": the far side of the
    strip as the evidence places it (the Syrian side unless the sentence says the
    crossing goes into Iraq);
``demonym``
    a nationality adjective that names a place ("the Syrian side", "Iraqi territory").

Place words inside organisation and outlet names ("Islamic State of Iraq and Syria",
"Syrian Democratic Forces", the Al Jazeera network, Kurdistan 24) are blocked before
matching, and plain adjectives ("Iraqi forces") are never names. Capitalised place-like
words after "in", "near", "north of", ... that the gazetteer lacks are reported as
unresolved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Literal

from bordermap._hints import SentenceHints, ascii_lower, finditer_at_starts
from bordermap._records import fast_init
from bordermap.gazetteer import Gazetteer, normalize
from bordermap.sentences import Sentence

STRIP = "border:IRQ-SYR:strip"
SYRIAN_SIDE = "border-side:IRQ-SYR:SYR"
IRAQI_SIDE = "border-side:IRQ-SYR:IRQ"
IRAQ = "country:IRQ"
SYRIA = "country:SYR"

# Sections whose sentences can hold mentions that go on the map.
MAPPED_SECTIONS = frozenset({"title", "byline", "caption", "heading", "body"})


@fast_init
@dataclass(frozen=True)
class Mention:
    """A span of article text that names a place.

    ``candidates`` are gazetteer ids (one for the phrase kinds, one or more for
    names); ``key`` is the normalized name, so the same name in one article can be
    resolved the same way.
    """

    start: int
    end: int
    text: str
    sentence: int
    kind: str
    candidates: tuple[str, ...]
    key: str


@fast_init
@dataclass(frozen=True)
class Span:
    """A span that is not a mapped mention: a blocked name or an unresolved place."""

    start: int
    end: int
    text: str
    sentence: int
    why: str


@fast_init
@fast_init
@dataclass(frozen=True)
class MentionResult:
    mentions: tuple[Mention, ...]
    blocked: tuple[Span, ...]
    unresolved: tuple[Span, ...]


# --------------------------------------------------------------------------- patterns
def _words(*names: str) -> str:
    return "|".join(
        sorted((re.escape(n).replace(r"\ ", r"[\s\u00a0]+") for n in names), key=len, reverse=True)
    )


def _by_first_char(alternatives: Iterable[str]) -> str:
    """``alternatives`` (regexes that each begin with a literal character) as one
    alternation grouped by that character: ``re`` tries the branches of an alternation
    one by one, so this is faster to reject a position with."""
    groups: dict[str, list[str]] = {}
    for alt in alternatives:
        groups.setdefault(alt[0], []).append(alt[1:])
    return "|".join(c + "(?:" + "|".join(rest) + ")" for c, rest in groups.items())


_IRAQ_OR_SYRIA = r"(?:Iraq|Syria)"
# Organisation and outlet names that contain place words. Case-sensitive on purpose:
# they are proper names.
_ORG_NAMES = (
    "Syrian Democratic Forces",
    "Syrian Democratic Council",
    "Syrian Observatory for Human Rights",
    "Syrian Observatory",
    "Syrian Arab News Agency",
    "Syrian Arab Army",
    "Free Syrian Army",
    "Syria Direct",
    "Syria TV",
    "Syrian National Army",
    "Syrian Defence Ministry",
    "Kurdistan 24",
    "Kurdistan24",
    "Kurdistan Workers' Party",
    "Kurdistan Workers Party",
    "Kurdistan Democratic Party",
    "Patriotic Union of Kurdistan",
    "Sinjar Resistance Units",
    "Baghdad Post",
    "Baghdad Today",
    "Deir Ezzor 24",
    "Euphrates Post",
    "Raqqa is Being Slaughtered Silently",
    "Iraq News",
    "Iraqi News",
    "Al-Qaeda in Iraq",
    "al-Qaeda in Iraq",
    "Diyaruna",
    "Rudaw",
    "Al-Sumaria",
    "Al Sumaria",
    "Asharq Al-Awsat",
    "Al Arabiya",
    "Al-Arabiya",
    "Al-Monitor",
    "Iraqi Kurdistan Region's",
    "Jazeera Net",
    "Al Jazeera English",
    "Al Jazeera Arabic",
    "Al Jazeera Media Network",
)
_ISLAMIC_STATE = r"Islamic\s+State\s+(?:of|in)\s+Iraq"
_ORGS = re.compile(
    r"(?:(?:the\s+)?" + _ISLAMIC_STATE + r"(?:\s+and\s+(?:the\s+Levant|al-Sham|"
    r"Sham|Syria|ash-Sham))?)"
    r"|(?:\b(?:" + _words(*_ORG_NAMES) + r")\b)"
)
# Where an _ORGS match can start: a name without its "\b"s and optional ending. (_ORGS
# itself begins with an optional group and "\b", so ``re`` would try it in full at every
# position; a first word alone, such as "Iraq", is found far more often than a name.)
_ORG_STARTS = re.compile(
    _by_first_char(["the\\s+" + _ISLAMIC_STATE, _ISLAMIC_STATE, *_words(*_ORG_NAMES).split("|")])
)
# Every name _ORGS matches holds one of these; a sentence with none skips it.
_ORG_KEYS = (
    "Islamic",
    "Democratic",
    "Observatory",
    "Arab",
    "Free",
    "Direct",
    "TV",
    "National",
    "Defence",
    "24",
    "Workers",
    "Patriotic",
    "Resistance",
    "Post",
    "Today",
    "Slaughtered",
    "News",
    "Qaeda",
    "Diyaruna",
    "Rudaw",
    "Sumaria",
    "Asharq",
    "Arabiya",
    "Monitor",
    "Region",
    "Jazeera",
)
# "<Place> Wire", "Kurdistan 24", "Deir Ezzor 24": outlets named after a place.
_OUTLET_WORDS = (
    "Wire",
    "News",
    "Post",
    "Times",
    "Agency",
    "TV",
    "Channel",
    "Network",
    "Radio",
    "Press",
    "Daily",
    "Today",
    "Tribune",
    "Herald",
    "Observer",
    "Monitor",
    "Gazette",
    "Journal",
    "Eye",
    "Voice",
    "24",
)
_ORG_KEY = re.compile("|".join(_ORG_KEYS))
_ORG_KEY_CASE = {k.lower(): k for k in _ORG_KEYS}
_OUTLET_WORD = re.compile("|".join(_OUTLET_WORDS))
# Up to three capitalised words, then an outlet word. (The first word is written out, with
# "(?<!\w[A-Z])" for a leading "\b": a pattern that opens with a letter class lets ``re``
# skip to where a match can start.)
_OUTLET = re.compile(
    r"[A-Z](?<!\w[A-Z])[\w'’-]+[\s\u00a0](?:[A-Z][\w'’-]+[\s\u00a0]){0,2}(?:"
    + "|".join(_OUTLET_WORDS)
    + r")\b"
)
# "Al Jazeera" the TV network versus "al-Jazeera" the region.
_JAZEERA = re.compile(r"\b(?:[Aa]l[-\s\u00a0]?|[Ee]l-)?(?:Jazeera|Jazira|Jezira)\b")
_NETWORK_BEFORE = re.compile(
    r"(?:\btold|\bto|\bon|\bvia|\bby|\bwith|\bfrom|\bfor|\bsaid|\bquoted|\bcorrespondent|"
    r"\breporter|\binterview)\s*$",
    re.IGNORECASE,
)
_NETWORK_AFTER = re.compile(
    r"^(?:'s|’s|\s+(?:TV|television|network|channel|reported|reports|said|says|English|Arabic|"
    r"correspondent|reporter|aired|broadcast|quoted|learned|has\s+learned|news|News|Net|"
    r"Media|obtained|interviewed))\b"
)
_REGION_AFTER = re.compile(
    r"^\s+(?:region|desert|area|areas|plain|plains|operations?|front)\b", re.IGNORECASE
)

_SP = r"[\s\u00a0]+"
# Compound nouns in which "border" is not a location ("border guard troops").
_NOT_A_PLACE_AFTER = (
    r"(?!" + _SP + r"(?:guards?|patrols?|police|control|controls|security|troops|forces?|"
    r"management|authority|authorities|commanders?|infiltration|dispute|policy|officials?|"
    r"crossings?|posts?|gates?|checkpoints?|units?|brigades?|regiments?|battalions?|"
    r"protection|surveillance|monitoring|trade|traffic)\b)"
)
_BORDER_ARTICLES = ("the", "its", "their", "our")
_BORDER_QUALIFIERS = (
    "common",
    "shared",
    "joint",
    "international",
    "long",
    "porous",
    "desert",
    "western",
    "eastern",
    "northern",
    "southern",
    "Syrian",
    "Iraqi",
    r"Iraq[-–]Syria",
    r"Syria[-–]Iraq",
    r"Iraqi[-–]Syrian",
    r"Syrian[-–]Iraqi",
    r"Iraq" + _SP + r"and" + _SP + r"Syria",
)
_BORDER_QUALIFIER = "(?:" + "|".join(_BORDER_QUALIFIERS) + ")"
_BORDER = re.compile(
    r"\b(?:(?:" + "|".join(_BORDER_ARTICLES) + r")" + _SP + r")?"
    r"(?:(?:" + _BORDER_QUALIFIER + r")" + _SP + r"){0,2}"
    r"(?:border"
    + _SP
    + r"strip|borderlands?|frontier|border(?:"
    + _SP
    + r"(?:area|areas|region|regions|zone|line|towns?|villages?|strip))?)"
    + _NOT_A_PLACE_AFTER
    + r"(?:"
    + _SP
    + r"(?:strip"
    + _SP
    + r")?(?:between|with)"
    + _SP
    + _IRAQ_OR_SYRIA
    + r"(?:"
    + _SP
    + r"and"
    + _SP
    + _IRAQ_OR_SYRIA
    + r")?)?"
    + r"(?:"
    + _SP
    + r"(?:that"
    + _SP
    + r")?the"
    + _SP
    + r"two"
    + _SP
    + r"countries"
    + _SP
    + r"share)?"
    r"(?![\w-])",
    re.IGNORECASE,
)
# Borders that are not the Iraq–Syria border.
_OTHER_BORDER = re.compile(
    r"\b(?:Turkish|Jordanian|Iranian|Saudi|Kuwaiti|Lebanese|Israeli|Turkey|Jordan|Iran|Lebanon|"
    r"Kuwait|Saudi\s+Arabia|Israel|Kurdistan|Kurdish|US|Mexican|Mexico|Pakistani|Afghan)\b",
    re.IGNORECASE,
)
_OTHER_BORDER_BEFORE = re.compile(
    r"\b(?:Turkish|Jordanian|Iranian|Saudi|Kuwaiti|Lebanese|Israeli|Turkey's|Jordan's|Iran's|"
    r"Kurdish|Kurdistan)[\s\u00a0]+(?:\w+[\s\u00a0]+)?$"
)
_CROSS = re.compile(
    r"\b(?:across" + _SP + r"(?:the" + _SP + r")?(?:(?:common|shared)" + _SP + r")?"
    r"(?:(?:Syrian|Iraqi|Syria|Iraq)" + _SP + r")?"
    r"(?:border|frontier)(?!" + _SP + r"(?:guards?|crossings?|posts?))"
    r"(?:" + _SP + r"(?:into|to|in)" + _SP + r"(?P<into>Iraq|Syria))?"
    r"|(?:beyond|over)" + _SP + r"the" + _SP + r"(?:border|frontier)"
    r"|(?:inside|into|within|deep"
    + _SP
    + r"inside)"
    + _SP
    + r"(?P<inside>Syria|Syrian"
    + _SP
    + r"(?:territory|territories|soil|lands?))"
    r"|(?:on|onto)" + _SP + r"Syrian" + _SP + r"(?:territory|territories|soil|lands?))\b",
    re.IGNORECASE,
)
_DEMONYM = re.compile(
    r"\b(?:(?:the"
    + _SP
    + r")?(?P<side>Syrian|Iraqi)"
    + _SP
    + r"side(?:"
    + _SP
    + r"of"
    + _SP
    + r"the"
    + _SP
    + r"border)?"
    r"|(?P<terr>Syrian|Iraqi)" + _SP + r"(?:territory|territories|soil|lands?))\b",
)
# Where a _DEMONYM match can start (it begins with "\b" and an optional "the").
_DEMONYM_STARTS = re.compile(r"the" + _SP + r"(?:Syrian|Iraqi)|Syrian|Iraqi")
# The same two patterns for lower-cased text: without IGNORECASE the engine can skip
# ahead on literal prefixes, about twice as fast (see events._lc).
assert not re.search(r"\\[WSDBAZ]", _BORDER.pattern + _CROSS.pattern)
_BORDER_LC = re.compile(_BORDER.pattern.lower().replace("(?p<", "(?P<"))
_CROSS_LC = re.compile(_CROSS.pattern.lower().replace("(?p<", "(?P<"))


# Where matches of the two patterns can start (see finditer_at_starts): unlike the
# patterns, these begin with literal characters, which ``re`` skips to quickly.
# A border phrase: an article or a qualifier, up to two qualifiers, then the key word.
_BORDER_KEY = r"(?:border|frontier)"
_BORDER_STARTS_LC = re.compile(
    _by_first_char(
        [
            a + _SP + r"(?:" + _BORDER_QUALIFIER + _SP + r"){0,2}" + _BORDER_KEY
            for a in _BORDER_ARTICLES
        ]
        + [
            q + _SP + r"(?:" + _BORDER_QUALIFIER + _SP + r")?" + _BORDER_KEY
            for q in _BORDER_QUALIFIERS
        ]
        + ["border", "frontier"]
    ).lower()
)
# A cross-border phrase: its first word.
_CROSS_STARTS_LC = re.compile(
    _by_first_char(
        w + r"[\s\u00a0]"
        for w in ("across", "beyond", "over", "inside", "into", "within", "deep", "onto", "on")
    )
)
_INTO_IRAQ = re.compile(r"\b(?:into|inside|in|to)" + _SP + r"Iraq\b")


def _words_back(alternatives: Iterable[str], most: int) -> re.Pattern[str]:
    """A pattern for reversed text that reads back from a key word over up to ``most``
    words of ``alternatives`` (regexes of literal words, ``_SP`` and ``[-–]``), each with
    the space before it.

    Every match of a phrase starts among the words it covers, or at the key word
    itself, so a scan for starts can skip everything else (see :func:`_windowed`).
    Alternatives are tried longest first: a longer word that wins over a shorter one
    ends in a word character, so no phrase can start further back than it reaches.
    """
    words: set[str] = set()
    for alt in alternatives:
        for word in alt.replace(_SP, " ").split(" "):
            words.update({word.replace("[-–]", "-"), word.replace("[-–]", "–")})
    assert all(re.fullmatch(r"[a-z–-]+", w) for w in words), words
    back = sorted((re.escape(w[::-1]) for w in words), key=len, reverse=True)
    return re.compile(r"(?:[\s\u00a0]+(?:" + "|".join(back) + r")){0," + str(most) + "}")


# Before "border": an article and up to two qualifiers, the longest of three words.
_BORDER_BACK = _words_back(
    [w.lower() for w in _BORDER_ARTICLES + _BORDER_QUALIFIERS],
    1 + 2 * max(len(q.split(_SP)) for q in _BORDER_QUALIFIERS),
)

# Arabic article tokens that may precede a name ("al-Qaim", "ash-Shaddadi").
_ARTICLE_TOKENS = frozenset({"al", "el", "ar", "as", "ash", "at", "ad", "adh", "az", "an", "ath"})
_TOKEN = re.compile(r"[^\W_]+(?:['’ʼʿ](?![sS]\b)[^\W_]+)*")  # "Iraq's" gives "Iraq", "s"
_GAP_OK = re.compile(r"^[\s\u00a0\-‐‑–]{1,3}$")
# Capitalised words that are never worth a name match on their own.
_COMMON_WORDS = frozenset(
    {
        "hit",
        "army",
        "along",
        "chases",
        "news",
        "border",
        "about",
        "camp",
        "centre",
        "center",
        "mission",
        "bank",
        "march",
        "may",
        "june",
        "july",
        "august",
        "april",
        "state",
        "union",
        "north",
        "south",
        "east",
        "west",
        "new",
        "old",
        "upper",
        "lower",
        "city",
        "capital",
    }
)

# A capitalised word before a name that makes it another name ("Wadi Hauran").
_GENERIC_BEFORE = frozenset(
    {
        "wadi",
        "jabal",
        "jebel",
        "jabel",
        "jbel",
        "mount",
        "mt",
        "lake",
        "camp",
        "tal",
        "tall",
        "tell",
        "khor",
        "bir",
        "ain",
        "ayn",
        "ras",
        "qasr",
    }
)
# Month and weekday names: capitalised, but never a name's next word or a place.
_CALENDAR_WORDS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
]
# Capitalised words that may follow a name without making a longer name.
_FOLLOWER_OK = frozenset(
    {
        *_CALENDAR_WORDS,
        "i",
        "isis",
        "isil",
        "iraqi",
        "syrian",
        "province",
        "governorate",
        "district",
        "city",
        "town",
        "village",
        "desert",
        "region",
        "river",
        "valley",
        "crossing",
    }
)

# Unresolved place-like words: "in X", "near X", "north of X" with X capitalised.
_PLACE_CUE = re.compile(
    r"\b(?:in|near|outside|around|at|from|towards?|between|(?:north|south|east|west|"
    r"northeast|northwest|southeast|southwest)(?:ern)?" + _SP + r"of|(?:town|village|city|"
    r"province|governorate|district|area|region|desert|valley|outskirts)"
    + _SP
    + r"of)"
    + _SP
    + r"(?P<name>(?:(?:al|el|ash|as|ad|ar|at|az|an)-)?[A-Z][\w'’]+(?:[-\s\u00a0]+(?:(?:al|el|"
    r"ash|as|ad|ar|at|az|an|bin|ibn|abu|Abu)[-\s\u00a0]+)?[A-Z][\w'’]+){0,3})"
)
_NOT_PLACE_WORDS = frozenset(
    {
        *_CALENDAR_WORDS,
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "your",
        "operation",
        "operations",
        "addition",
        "order",
        "total",
        "response",
        "compliance",
        "particular",
        "general",
        "islamic",
        "god",
        "allah",
        "parliament",
        "congress",
        "washington",
        "ramadan",
        "eid",
        "english",
        "arabic",
        "kurdish",
        "twitter",
        "facebook",
        "telegram",
        "youtube",
        "iraqi",
        "syrian",
        "american",
        "turkish",
        "iranian",
        "russian",
        "jordanian",
        "saudi",
        "british",
        "french",
        "us",
        "un",
        "u.s.",
        "prime",
        "president",
        "minister",
        "ministry",
        "colonel",
        "gen",
        "brigadier",
        "major",
        "captain",
        "lieutenant",
        "sheikh",
        "mr",
        "dr",
        "according",
        "isis",
        "isil",
        "daesh",
        "pkk",
        "sdf",
        "isf",
        "pmf",
        "joint",
        "security",
        "army",
        "air",
        "force",
    }
)


@lru_cache(maxsize=1 << 16)
def fold(token: str) -> str:
    """Case- and accent-fold one token the way :func:`normalize` folds names."""
    if token.isascii():
        return token.replace("'", "").lower()
    return normalize(token) or token.casefold()


# --------------------------------------------------------------------------- matcher
def _longest_first(m: Mention) -> tuple[int, int]:
    return (m.start - m.end, m.start)


_start = attrgetter("start")


def _span(s: Sentence, m: re.Match[str], why: str) -> Span:
    """A blocked span of sentence ``s`` from a match in its text."""
    return Span(s.start + m.start(), s.start + m.end(), m.group(), s.index, why)


# What Matcher._names needs of a capitalised word that begins an alias (see _word_info).
_WordInfo = tuple[str, tuple[str, ...] | None, set[str] | None, bool | None]


class Matcher:
    """Finds mentions in sentences; built once per gazetteer.

    Parameters
    ----------
    gazetteer
        The loaded gazetteer whose aliases are matched.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._index: dict[str, tuple[str, ...]] = dict(gazetteer.alias_index)
        self._maxlen: dict[str, int] = {}
        # first token -> the tokens that can follow it in a longer alias
        self._second: dict[str, set[str]] = {}
        # the folded word sequences that a longer alias continues ("ibrahim", "ibrahim al")
        self._prefixes: set[str] = set()
        for key in self._index:
            toks = key.split()
            if toks:
                self._maxlen[toks[0]] = max(self._maxlen.get(toks[0], 0), len(toks))
            if len(toks) > 1:
                self._second.setdefault(toks[0], set()).add(toks[1])
                self._prefixes.update(" ".join(toks[:i]) for i in range(1, len(toks)))
        # capitalised word -> what _names needs of it (see _word_info)
        self._words: dict[str, _WordInfo | Literal[False]] = {}
        self._outlets: tuple[str, ...] = ()
        self._has = {
            pid for pid in (STRIP, SYRIAN_SIDE, IRAQI_SIDE, IRAQ, SYRIA) if pid in gazetteer
        }

    # -- public -----------------------------------------------------------------
    def find(
        self,
        text: str,
        sentences: Sequence[Sentence],
        *,
        outlets: Sequence[str] = (),
        hints: Sequence[SentenceHints] | None = None,
    ) -> MentionResult:
        """All mentions, blocked spans and unresolved places in the mapped sentences.

        ``outlets`` are names never to map (the article's own outlet from its front matter).
        ``hints`` are the keyword hits of :data:`KEYWORDS` per sentence (by index); with
        them, patterns run only where their keywords are. The result is the same.
        """
        self._outlets = tuple(o for o in outlets if o)
        mentions: list[Mention] = []
        blocked: list[Span] = []
        unresolved: list[Span] = []
        for s in sentences:
            if s.section not in MAPPED_SECTIONS:
                continue
            m, b, u = self.find_in_sentence(s, None if hints is None else hints[s.index])
            mentions.extend(m)
            blocked.extend(b)
            unresolved.extend(u)
        return MentionResult(tuple(mentions), tuple(blocked), tuple(unresolved))

    def find_in_sentence(
        self, s: Sentence, hints: SentenceHints | None = None
    ) -> tuple[list[Mention], list[Span], list[Span]]:
        """Mentions, blocked spans and unresolved places of one sentence."""
        text = s.text
        blocked = self._blocked(s, hints)
        # spans in article offsets, like the mentions'
        taken = [(b.start, b.end) for b in blocked]
        names, loose = self._names(s)
        candidates = self._phrases(s, hints)
        candidates += names
        # Longest match first, then earliest start; overlaps with blocked spans lose.
        if len(candidates) > 1:
            candidates.sort(key=_longest_first)
        chosen: list[Mention] = []
        for m in candidates:
            a, b = m.start, m.end
            for st, e in taken:
                if a < e and st < b:
                    break
            else:
                taken.append((a, b))
                chosen.append(m)
        if len(chosen) > 1:
            chosen.sort(key=_start)
        unresolved = (
            []
            if s.section != "body" and s.section != "caption"
            else self._unresolved(s, text, loose)
        )
        if unresolved and taken:
            unresolved = [
                u for u in unresolved if not any(u.start < e and st < u.end for st, e in taken)
            ]
        return chosen, blocked, unresolved

    # -- stages -----------------------------------------------------------------
    def _blocked(self, s: Sentence, hints: SentenceHints | None) -> list[Span]:
        text = s.text
        found: list[Span] = []
        if (
            _ORG_KEY.search(text)
            if hints is None
            # the keyword pass is case-blind; organisation names are written capitalised
            else "m-org" in hints
            and any(text.startswith(_ORG_KEY_CASE[w], a - s.start) for a, w in hints["m-org"])
        ):
            for m in finditer_at_starts(_ORGS, _ORG_STARTS, text):
                found.append(_span(s, m, "organisation name"))
        if s.section not in ("title", "heading") and (
            _OUTLET_WORD.search(text) if hints is None else "m-outlet" in hints
        ):
            for m in _OUTLET.finditer(text):
                found.append(_span(s, m, "outlet name"))
        for name in self._outlets:
            i = text.find(name)
            while i >= 0:
                found.append(
                    Span(s.start + i, s.start + i + len(name), name, s.index, "outlet name")
                )
                i = text.find(name, i + 1)
        if (
            ("azeera" in text or "azira" in text or "ezira" in text)
            if hints is None
            else "m-jazeera" in hints
        ):
            for m in _JAZEERA.finditer(text):
                if self._is_network(text, m):
                    found.append(_span(s, m, "outlet name"))
        return found

    @staticmethod
    def _is_network(text: str, m: re.Match[str]) -> bool:
        before, after = text[: m.start()], text[m.end() :]
        if _REGION_AFTER.match(after):
            return False
        if _NETWORK_AFTER.match(after) or _NETWORK_BEFORE.search(before):
            return True
        # Written as the channel styles itself ("Al Jazeera"), with no region cue.
        return m.group().startswith("Al ") or m.group().startswith("Al\u00a0")

    def _phrases(self, s: Sentence, hints: SentenceHints | None) -> list[Mention]:
        text = s.text
        found: list[Mention] = []
        if hints is None:
            low = text.lower()
            gate = any(k in low for k in KEYWORDS["m-phrase"])
            cross_at = [m.start() for m in _CROSS_KEYS.finditer(low)]
            border_at = [m.start() for m in _BORDER_KEYS.finditer(low)]
            demonym = "Syrian" in text or "Iraqi" in text
        else:
            gate = "m-phrase" in hints
            cross_at = [a - s.start for a, _ in hints.get("m-cross", ())] if gate else []
            border_at = [a - s.start for a, _ in hints.get("m-border", ())] if gate else []
            # "Syrian side", "Iraqi territory": both words must be there
            demonym = "m-demonym" in hints and "m-demonym-noun" in hints
        if gate and (cross_at or border_at):
            low = ascii_lower(text)
            # a cross-border phrase starts at most "deep " or "on " before its key word
            for m in _windowed(_CROSS_LC, low, cross_at, 16, 80) if cross_at else ():
                into = m.group("into") or ""
                after = text[m.end() :]
                to_iraq = into.lower() == "iraq" or (not into and _INTO_IRAQ.search(after[:80]))
                target = IRAQI_SIDE if to_iraq else SYRIAN_SIDE
                found.append(self._mention(s, m.start(), m.end(), "cross-border", (target,)))
            # a border phrase: two qualifiers before "border", "... the two countries share" after
            for m in _windowed(_BORDER_LC, low, border_at, 64, 80) if border_at else ():
                span = text[m.start() : m.end()]
                if _CROSS_HYPHEN.search(text, max(0, m.start() - 7), m.start()):
                    continue  # "cross-border deliveries"
                if _OTHER_BORDER.search(span) or _OTHER_BORDER_AFTER.match(text, m.end()):
                    continue  # "the Turkish-Syrian border", "the border with Turkey"
                if _OTHER_BORDER_BEFORE.search(text[max(0, m.start() - 24) : m.start()]):
                    continue  # "the Turkish border"
                if s.section not in ("title", "heading") and _PROPER_BORDER.search(span):
                    continue  # "the Border Ports Commission": part of a proper name
                if _APPOSITIVE_TOWN.search(span) and text[: m.start()].rstrip().endswith(","):
                    continue  # "Husaybah, the Iraqi border town": describes a named town
                found.append(self._mention(s, m.start(), m.end(), "border", (STRIP,)))
        if demonym:
            for m in finditer_at_starts(_DEMONYM, _DEMONYM_STARTS, text):
                if m.group("side"):
                    target = SYRIAN_SIDE if m.group("side") == "Syrian" else IRAQI_SIDE
                elif m.group("terr") == "Syrian":
                    target = SYRIAN_SIDE
                else:
                    target = IRAQ
                found.append(self._mention(s, m.start(), m.end(), "demonym", (target,)))
        return found

    def _mention(self, s: Sentence, a: int, b: int, kind: str, ids: tuple[str, ...]) -> Mention:
        if len(ids) > 1:
            ids = tuple(i for i in ids if i in self._has) or ids
        span = s.text[a:b]
        # a phrase has one candidate, so its key only needs to tell phrases apart
        return Mention(s.start + a, s.start + b, span, s.index, kind, ids, span.lower())

    def _names(self, s: Sentence) -> tuple[list[Mention], list[int]]:
        """Gazetteer names in a sentence, and the starts of capitalised words that are none.

        Only a word that is not written lower-case can start a name, so the scan visits
        those and reads the words after them on demand.
        """
        text, section = s.text, s.section
        index, prefixes = self._index, self._prefixes
        words, word_info = self._words, self._word_info
        found: list[Mention] = []
        loose: list[int] = []
        find = text.find
        end = 0
        # findall and str.find, not finditer: a match object per word costs more than the
        # scan. The first place at or after the last word where a word occurs is where
        # _CAP matches it, since _CAP matches wherever a word's first letter stands.
        for word in _CAP.findall(text):
            a = find(word, end)
            end = a + len(word)
            if a and text[a - 1] != " " and (text[a - 1].isalnum() or text[a - 1] in _JOINERS):
                continue
            info = words.get(word)
            if info is None:
                info = word_info(word)
            if not info:
                loose.append(a)  # no alias begins with it
                continue
            first, ids, seconds, plausible = info
            # the next word, when it can continue a longer alias (else no longer one starts
            # here: its key would be neither an alias nor the start of one)
            nxt = None
            if seconds is not None:
                nxt = _NEXT.match(text, end)
                if nxt is not None and fold(nxt.group(1)) not in seconds:
                    nxt = None
                if nxt is None and ids is None:
                    loose.append(a)  # only a longer alias could start here
                    continue
            start = a
            # (the tests at the head of _article_start, which most words fail)
            if (
                a > 2
                and text[a - 1] in _ARTICLE_JOINS
                and (text[a - 3] in "aAeE" or (a > 3 and text[a - 4] in "aAeE"))
            ):
                start = _article_start(text, a)
            if nxt is None and ids is not None:
                # the word alone, the alias it is
                if not plausible and (
                    plausible is False or not _plausible(text, [(a, end, word)], 1, section, start)
                ):
                    loose.append(a)
                elif not _part_of_longer_name(text, start, end, section, True, index):
                    found.append(
                        Mention(
                            s.start + start,
                            s.start + end,
                            text[start:end],
                            s.index,
                            "name",
                            ids,
                            first,
                        )
                    )
                continue
            toks = [(a, end, word)]
            keys = [first]  # keys[i]: the first i + 1 words, folded and joined
            # read on while the words so far begin a longer alias
            longest = self._maxlen[first]
            while nxt is not None:
                toks.append((nxt.start(1), nxt.end(1), nxt.group(1)))
                keys.append(keys[-1] + " " + fold(nxt.group(1)))
                if len(toks) == longest or keys[-1] not in prefixes:
                    break
                nxt = _NEXT.match(text, nxt.end())
            for length in range(len(toks), 0, -1):
                key = keys[length - 1]
                ids = index.get(key)
                if ids is None or (
                    length == 1
                    and not plausible
                    and (plausible is False or not _plausible(text, toks, 1, section, start))
                ):
                    continue
                b = toks[length - 1][1]
                if not _part_of_longer_name(text, start, b, section, length == 1, index):
                    found.append(
                        Mention(
                            s.start + start, s.start + b, text[start:b], s.index, "name", ids, key
                        )
                    )
                break
            else:
                loose.append(a)
        return found, loose

    def _word_info(self, word: str) -> _WordInfo | Literal[False]:
        """What :meth:`_names` needs to know of a capitalised word, worked out once per word.

        ``False`` when no alias begins with it; else its folded form, the ids of the alias
        it is alone (or ``None``), the words that can follow it in a longer alias (``None``
        when none is longer) and whether it reads as a place name alone: ``True`` always,
        ``False`` never, ``None`` when :func:`_plausible` must look at its place.
        """
        if len(self._words) >= 1 << 16:
            self._words.clear()
        first = fold(word)
        info: _WordInfo | Literal[False] = False
        if first in self._maxlen:
            plausible = (
                False
                if len(word) < 3
                else None
                if (word.isupper() and len(word) <= 5) or word.lower() in _COMMON_WORDS
                else True
            )
            info = (first, self._index.get(first), self._second.get(first), plausible)
        self._words[word] = info
        return info

    def _unresolved(self, s: Sentence, text: str, loose: Sequence[int]) -> list[Span]:
        """Capitalised words after "in", "near", "north of", ... that name no entry."""
        found: list[Span] = []
        for a in loose:
            # the last letter before it (and a space) must end a cue word or "of"
            c = text[a - 2 : a - 1] if text[a - 1 : a] == " " else text[a - 1 : a]
            if c not in _CUE_LAST and not c.isspace():
                continue
            # the last two words before it (rsplit: the rest of the window is not needed)
            before = text[max(0, a - 32) : a].lower().rsplit(None, 2)
            if not before or not (
                before[-1] in _CUES
                or (len(before) > 1 and before[-1] == "of" and before[-2] in _CUES_OF)
            ):
                continue
            a = _article_start(text, a)
            m = _RUN.match(text, a)
            if m is None:
                continue
            name = m.group()
            words = re.split(r"[-\s\u00a0]+", name)
            if words[0].lower() in _NOT_PLACE_WORDS or name.isupper():
                continue
            # trim trailing non-place words ("Hajin on Monday" is cut at "Hajin")
            while len(words) > 1 and words[-1].lower() in _NOT_PLACE_WORDS:
                name = name[: name.rfind(words.pop())].rstrip(" -\u00a0")
            if normalize(name) in self._index:
                continue
            found.append(
                Span(s.start + a, s.start + a + len(name), name, s.index, "not in the gazetteer")
            )
        return found


_CAP = re.compile(r"[A-Z\u00c0-\u024f\u0600-\u06ff][^\W_]*(?:['’ʼʿ](?![sS]\b)[^\W_]+)*")
_NEXT = re.compile(r"[\s\u00a0\-‐‑–]{1,3}([^\W_]+(?:['’ʼʿ](?![sS]\b)[^\W_]+)*)")
_JOINERS = frozenset("'’ʼʿ_")
_ARTICLE_BEFORE = re.compile(
    r"(?<![\w'’])(?:(?:al|el|ar|as|ash|at|ad|adh|az|an|ath)[-‐‑]|(?:al|el)[ \u00a0])\Z",
    re.IGNORECASE,
)
# Words after which a capitalised word is a place ("in X", "near X", "north of X").
_CUES = frozenset({"in", "near", "outside", "around", "at", "from", "toward", "towards", "between"})
_CUES_OF = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northern",
        "southern",
        "eastern",
        "western",
        "town",
        "village",
        "city",
        "province",
        "governorate",
        "district",
        "area",
        "region",
        "desert",
        "valley",
        "outskirts",
        "edge",
        "edges",
    }
)
# The letters a cue word (or "of") ends with, in either case.
_CUE_LAST = frozenset(c for w in (*_CUES, "of") for c in (w[-1], w[-1].upper()))
_RUN = re.compile(
    r"(?:(?:al|el|ash|as|ad|ar|at|az|an)-)?[A-Z][\w'’]+(?:[-\s\u00a0]+(?:(?:al|el|ash|as|ad|ar|at|az|an|"
    r"bin|ibn|abu|Abu)[-\s\u00a0]+)?[A-Z][\w'’]+){0,3}"
)
_ARTICLE_JOINS = frozenset("-‐‑ \u00a0")
_NEXT_WORD = re.compile(r"[ \u00a0]([^\W_]+)")
_SPACES = frozenset(" \u00a0")


def _plausible(
    text: str, toks: list[tuple[int, int, str]], length: int, section: str, start: int
) -> bool:
    """Whether the first ``length`` tokens (from ``start``, with an article) read as a place
    name, not an ordinary word."""
    if length > 1:
        return True
    _, b, word = toks[0]
    if len(word) < 3:
        return False
    dateline = start == 0 and text[b : b + 1] == ","  # "HIT, Iraq -", "AL-QAIM, Iraq -"
    if word.isupper() and len(word) <= 5 and section not in ("title", "heading") and not dateline:
        return False  # "ISIS"-style acronyms
    return not (word.lower() in _COMMON_WORDS and not (dateline and word.isupper()))


def _article_start(text: str, a: int) -> int:
    """Where a name at ``a`` starts with its Arabic article ("al-Qaim", "Al Qaim")."""
    if a < 3 or text[a - 1] not in _ARTICLE_JOINS:
        return a
    # an article has two or three letters and begins with "a" or "e"
    if text[a - 3] not in "aAeE" and (a < 4 or text[a - 4] not in "aAeE"):
        return a
    j = a - 2
    while j >= 0 and j >= a - 5 and text[j].isalpha():
        j -= 1
    word = text[j + 1 : a - 1]
    if j >= 0 and (text[j].isalnum() or text[j] in "'’"):
        return a
    lw = word.lower()
    if lw in _ARTICLE_TOKENS and (
        (text[a - 1] != " " and text[a - 1] != "\u00a0") or lw in ("al", "el")
    ):
        return j + 1
    return a


def _part_of_longer_name(
    text: str, a: int, b: int, section: str, single: bool, index: dict[str, tuple[str, ...]]
) -> bool:
    """Whether the name at ``a:b`` is part of something that is not this place.

    "Wadi Hauran", "Mount Sinjar" (a generic word before it); "Qasim Hamid", "Anbar
    Operations Command" (a capitalised word after it); "Captain Ahmed Jassim" (a
    capitalised given name before a one-word name); "Iran-backed" (a compound
    adjective); "an Iraq city" (a noun used as a modifier).
    """
    if a > 1 and text[a - 1] == " " and text[a - 2] in "aAnN":
        low_before = text[max(0, a - 16) : a].lower()
        if low_before.endswith((" a ", " an ")) or low_before in ("a ", "an "):
            return True
    if text[b : b + 1] in "-‐‑" and _COMPOUND_AFTER.match(text, b + 1):
        return True
    if a > 1 and text[a - 1] in _ARTICLE_JOINS:
        prev = (
            text[max(0, a - 12) : a - 1].rsplit(None, 1)[-1:]
            if text[a - 2] not in " \u00a0"
            else []
        )
        if prev and fold(prev[0].rsplit("-", 1)[-1]) in _GENERIC_BEFORE:
            return True
        if (
            single
            and prev
            and text[a - 1] == " "
            and not prev[0][0].islower()  # (a given name is capitalised: a cheap test first)
            and _given_name_before(text, a, prev[0], index)
        ):
            return True
    if section in ("title", "heading"):
        return False
    # the next word, when it is capitalised (most are not: test its first letter first)
    if not text[b + 1 : b + 2].isupper() or text[b : b + 1] not in _SPACES:
        return False
    nxt = _NEXT_WORD.match(text, b)
    if nxt is None:
        return False
    word = nxt.group(1)
    return word[:1].isupper() and not word.isupper() and fold(word) not in _FOLLOWER_OK


def _given_name_before(text: str, a: int, word: str, index: dict[str, tuple[str, ...]]) -> bool:
    """A capitalised word before a one-word name that reads as a given name: not at the
    sentence start, not a possessive, not a place, not a title or a modifier."""
    w = word.strip("\"“”'‘’(")
    if not w[:1].isupper() or w.isupper() or not w.isalpha() or len(w) < 3:
        return False
    if fold(w) in _NAME_PREFIX_OK or fold(w) in index:
        return False
    k = a - 1 - len(word)
    before = text[:k].rstrip()
    return bool(before) and before[-1] not in '.!?:;"“”'


_COMPOUND_AFTER = re.compile(
    r"(?:backed|led|based|linked|aligned|allied|funded|sponsored|made|born|controlled|held|"
    r"run|bound|style|era)\b",
    re.IGNORECASE,
)
# Capitalised words that may stand right before a place name.
_NAME_PREFIX_OK = frozenset(
    {
        "iraqi",
        "syrian",
        "turkish",
        "jordanian",
        "iranian",
        "kurdish",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "greater",
        "upper",
        "lower",
        "old",
        "new",
        "in",
        "at",
        "near",
        "from",
        "the",
        "outside",
        "around",
        "across",
        "inside",
        "into",
        "of",
        "and",
        "to",
        "on",
        "by",
        "for",
        "with",
        "province",
        "governor",
        "district",
        "town",
        "city",
        "village",
        "desert",
        "rural",
        "downtown",
        "east",
        "west",
        "north",
        "south",
        "islamic",
        "state",
        "isis",
        "isil",
    }
)


# The keywords each pattern group needs; the pipeline finds them all in one pass.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "m-org": tuple(k.lower() for k in _ORG_KEYS),
    "m-outlet": tuple(k.lower() for k in _OUTLET_WORDS),
    "m-jazeera": ("azeera", "azira", "ezira"),
    "m-phrase": ("border", "frontier", "inside", "into", "territor", "soil", "within"),
    "m-cross": ("across", "beyond", "over", "inside", "into", "within", "syrian"),
    "m-border": ("border", "frontier"),
    "m-demonym": ("syrian", "iraqi"),
    "m-demonym-noun": ("side", "territor", "soil", "land"),
}
_BORDER_KEYS = re.compile(r"border|frontier")
_CROSS_HYPHEN = re.compile(r"(?<![A-Za-z])[Cc]ross[-‐‑]\Z")
_APPOSITIVE_TOWN = re.compile(r"\bborder[\s\u00a0]+(?:town|village|city)$", re.IGNORECASE)
_CROSS_KEYS = re.compile(r"\b(?:across|beyond|over|inside|into|within|syrian)\b")


# How far past a match the phrase patterns look ahead ("border" not followed by "guards").
_LOOKAHEAD = 48


def _windowed(
    pattern: re.Pattern[str], text: str, keys_at: Sequence[int], before: int, after: int
) -> list[re.Match[str]]:
    """Matches of ``pattern`` that lie near a key word: it runs only on windows around
    the keys' offsets (``before`` and ``after`` them: as far as a match can reach), which
    is far cheaper than a whole-text scan. Within a window, the border and cross-border
    patterns are tried only where they can start: in the words that may stand before a
    key word (every match holds one) and at the key word."""
    # (by identity: a dict lookup would hash the pattern, which hashes its compiled code)
    starts = (
        _BORDER_STARTS_LC
        if pattern is _BORDER_LC
        else _CROSS_STARTS_LC
        if pattern is _CROSS_LC
        else None
    )
    zones: list[tuple[int, int]] = []
    if pattern is _BORDER_LC:
        # (from, to): a border phrase can start only there, read back from each key word
        # (a cross-border phrase starts at most one short word before its key word)
        n = len(text)
        rev = text[::-1]
        for k in keys_at:
            back = _BORDER_BACK.match(rev, n - k)
            assert back is not None  # (it matches the empty string)
            zones.append((n - back.end(), k))
        zones.sort()
    out: dict[tuple[int, int], re.Match[str]] = {}
    for k in keys_at:
        end = min(len(text), k + after)
        found_in = (
            pattern.finditer(text, max(0, k - before), end)
            if starts is None
            else _finditer_in_zones(pattern, starts, text, zones, max(0, k - before), end)
            if zones
            else finditer_at_starts(pattern, starts, text, max(0, k - before), end)
        )
        for found in found_in:
            m: re.Match[str] | None = found
            if end < len(text) and found.end() > end - _LOOKAHEAD:
                # near a cut window end, where "\b" holds and a lookahead sees no text:
                # match again on the whole text
                m = pattern.match(text, found.start())
            if m is not None:
                out.setdefault(m.span(), m)
    # drop matches cut short by a window edge: keep the longest at each start
    best: dict[int, re.Match[str]] = {}
    for m in out.values():
        if m.start() not in best or m.end() > best[m.start()].end():
            best[m.start()] = m
    return sorted(best.values(), key=lambda m: m.start())


def _finditer_in_zones(
    pattern: re.Pattern[str],
    starts: re.Pattern[str],
    text: str,
    zones: list[tuple[int, int]],
    pos: int,
    endpos: int,
) -> Iterator[re.Match[str]]:
    """:func:`finditer_at_starts` for a pattern whose matches start only inside
    ``zones`` (``(from, to)`` offsets, both included, sorted): the scan for starts
    jumps over the text between them."""
    scan, match = starts.search, pattern.match
    i = 0
    while True:
        while i < len(zones) and zones[i][1] < pos:
            i += 1
        if i == len(zones):
            return
        pos = max(pos, zones[i][0])
        c = scan(text, pos, endpos)
        if c is None:
            return
        m = match(text, c.start(), endpos)
        if m is None:
            pos = c.start() + 1
        else:
            yield m
            pos = m.end()


# "the border with Turkey": a border, but not the Iraq–Syria one (matched at the border's end).
_OTHER_BORDER_AFTER = re.compile(
    r"[\s\u00a0]+(?:with|of)[\s\u00a0]+(?:the[\s\u00a0]+)?(?:Turkey|Jordan|Iran|"
    r"Saudi|Kuwait|Lebanon|Israel|Kurdistan)"
)
# "the Border Ports Commission": a capitalised key word is part of a proper name.
_PROPER_BORDER = re.compile(r"\b(?:Border|Frontier)\b")
