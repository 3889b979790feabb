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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bordermap.gazetteer import Gazetteer, normalize
from bordermap.sentences import Sentence

STRIP = "border:IRQ-SYR:strip"
SYRIAN_SIDE = "border-side:IRQ-SYR:SYR"
IRAQI_SIDE = "border-side:IRQ-SYR:IRQ"
IRAQ = "country:IRQ"
SYRIA = "country:SYR"

# Sections whose sentences can hold mentions that go on the map.
MAPPED_SECTIONS = frozenset({"title", "byline", "caption", "heading", "body"})


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


@dataclass(frozen=True)
class Span:
    """A span that is not a mapped mention: a blocked name or an unresolved place."""

    start: int
    end: int
    text: str
    sentence: int
    why: str


@dataclass(frozen=True)
class MentionResult:
    mentions: tuple[Mention, ...]
    blocked: tuple[Span, ...]
    unresolved: tuple[Span, ...]


# --------------------------------------------------------------------------- patterns
def _words(*names: str) -> str:
    return "|".join(sorted((re.escape(n).replace(r"\ ", r"[\s\u00a0]+") for n in names),
                           key=len, reverse=True))


_IRAQ_OR_SYRIA = r"(?:Iraq|Syria)"
# Organisation and outlet names that contain place words. Case-sensitive on purpose:
# they are proper names.
_ORGS = re.compile(
    r"(?:(?:the\s+)?Islamic\s+State\s+(?:of|in)\s+Iraq(?:\s+and\s+(?:the\s+Levant|al-Sham|"
    r"Sham|Syria|ash-Sham))?)"
    r"|(?:\b(?:" + _words(
        "Syrian Democratic Forces", "Syrian Democratic Council", "Syrian Observatory for Human Rights",
        "Syrian Observatory", "Syrian Arab News Agency", "Syrian Arab Army", "Free Syrian Army",
        "Syria Direct", "Syria TV", "Syrian National Army", "Syrian Defence Ministry",
        "Kurdistan 24", "Kurdistan24", "Kurdistan Workers' Party", "Kurdistan Workers Party",
        "Kurdistan Democratic Party", "Patriotic Union of Kurdistan", "Sinjar Resistance Units",
        "Baghdad Post", "Baghdad Today", "Deir Ezzor 24", "Euphrates Post", "Raqqa is Being Slaughtered Silently",
        "Iraq News", "Iraqi News", "Al-Qaeda in Iraq", "al-Qaeda in Iraq", "Diyaruna", "Rudaw",
        "Al-Sumaria", "Al Sumaria", "Asharq Al-Awsat", "Al Arabiya", "Al-Arabiya", "Al-Monitor",
        "Iraqi Kurdistan Region's", "Jazeera Net", "Al Jazeera English", "Al Jazeera Arabic",
        "Al Jazeera Media Network",
    ) + r")\b)"
)
# "<Place> Wire", "Kurdistan 24", "Deir Ezzor 24": outlets named after a place.
_OUTLET = re.compile(
    r"\b(?:[A-Z][\w'’-]+[\s\u00a0]){1,3}(?:Wire|News|Post|Times|Agency|TV|Channel|Network|"
    r"Radio|Press|Daily|Today|Tribune|Herald|Observer|Monitor|Gazette|Journal|Eye|Voice|24)\b"
)
# "Al Jazeera" the TV network versus "al-Jazeera" the region.
_JAZEERA = re.compile(r"\b(?:[Aa]l[-\s\u00a0]?|[Ee]l-)?(?:Jazeera|Jazira|Jezira)\b")
_NETWORK_BEFORE = re.compile(
    r"(?:\btold|\bto|\bon|\bvia|\bby|\bwith|\bfrom|\bfor|\bsaid|\bquoted|\bcorrespondent|"
    r"\breporter|\binterview)\s*$", re.IGNORECASE)
_NETWORK_AFTER = re.compile(
    r"^(?:'s|’s|\s+(?:TV|television|network|channel|reported|reports|said|says|English|Arabic|"
    r"correspondent|reporter|aired|broadcast|quoted|learned|has\s+learned|news|News|Net|"
    r"Media|obtained|interviewed))\b")
_REGION_AFTER = re.compile(r"^\s+(?:region|desert|area|areas|plain|plains|operations?|front)\b",
                           re.IGNORECASE)

_SP = r"[\s\u00a0]+"
# Compound nouns in which "border" is not a location ("border guard troops").
_NOT_A_PLACE_AFTER = (
    r"(?!" + _SP + r"(?:guards?|patrols?|police|control|controls|security|troops|forces?|"
    r"management|authority|authorities|commanders?|infiltration|dispute|policy|officials?|"
    r"crossings?|posts?|gates?|checkpoints?|units?|brigades?|regiments?|battalions?|"
    r"protection|surveillance|monitoring|trade|traffic)\b)"
)
_BORDER_QUALIFIER = (
    r"(?:common|shared|joint|international|long|porous|desert|western|eastern|northern|southern|"
    r"Syrian|Iraqi|Iraq" + r"[-–]Syria|Syria[-–]Iraq|Iraqi[-–]Syrian|Syrian[-–]Iraqi|Iraq" + _SP
    + r"and" + _SP + r"Syria)"
)
_BORDER = re.compile(
    r"\b(?:(?:the|its|their|our)" + _SP + r")?(?:(?:" + _BORDER_QUALIFIER + r")" + _SP + r"){0,2}"
    r"(?:border" + _SP + r"strip|borderlands?|frontier|border(?:" + _SP
    + r"(?:area|areas|region|regions|zone|line|towns?|villages?|strip))?)"
    + _NOT_A_PLACE_AFTER
    + r"(?:" + _SP + r"(?:strip" + _SP + r")?(?:between|with)" + _SP + _IRAQ_OR_SYRIA
    + r"(?:" + _SP + r"and" + _SP + _IRAQ_OR_SYRIA + r")?)?"
    + r"(?:" + _SP + r"(?:that" + _SP + r")?the" + _SP + r"two" + _SP + r"countries" + _SP + r"share)?"
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
    r"\b(?:across" + _SP + r"(?:the" + _SP + r")?(?:(?:Syrian|Iraqi|Syria|Iraq)" + _SP + r")?"
    r"(?:border|frontier)(?!" + _SP + r"(?:guards?|crossings?|posts?))"
    r"(?:" + _SP + r"(?:into|to|in)" + _SP + r"(?P<into>Iraq|Syria))?"
    r"|(?:beyond|over)" + _SP + r"the" + _SP + r"(?:border|frontier)"
    r"|(?:inside|into|within|deep" + _SP + r"inside)" + _SP + r"(?P<inside>Syria|Syrian"
    + _SP + r"(?:territory|territories|soil|lands?))"
    r"|(?:on|onto)" + _SP + r"Syrian" + _SP + r"(?:territory|territories|soil|lands?))\b",
    re.IGNORECASE,
)
_DEMONYM = re.compile(
    r"\b(?:(?:the" + _SP + r")?(?P<side>Syrian|Iraqi)" + _SP + r"side(?:" + _SP + r"of" + _SP
    + r"the" + _SP + r"border)?"
    r"|(?P<terr>Syrian|Iraqi)" + _SP + r"(?:territory|territories|soil|lands?))\b",
)
_INTO_IRAQ = re.compile(r"\b(?:into|inside|in|to)" + _SP + r"Iraq\b")

# Arabic article tokens that may precede a name ("al-Qaim", "ash-Shaddadi").
_ARTICLE_TOKENS = frozenset({"al", "el", "ar", "as", "ash", "at", "ad", "adh", "az", "an", "ath"})
_TOKEN = re.compile(r"[^\W_]+(?:['’ʼʿ][^\W_]+)*")
_GAP_OK = re.compile(r"^[\s\u00a0\-‐‑–]{1,3}$")
# Capitalised words that are never worth a name match on their own.
_COMMON_WORDS = frozenset({
    "hit", "army", "along", "chases", "news", "border", "about", "camp", "centre", "center",
    "mission", "bank", "march", "may", "june", "july", "august", "april", "state", "union",
    "north", "south", "east", "west", "new", "old", "upper", "lower", "city", "capital",
})

# A capitalised word before a name that makes it another name ("Wadi Hauran").
_GENERIC_BEFORE = frozenset({"wadi", "jabal", "jebel", "jabel", "jbel", "mount", "mt", "lake",
                             "camp", "tal", "tall", "tell", "khor", "bir", "ain", "ayn", "ras", "qasr"})
# Capitalised words that may follow a name without making a longer name.
_FOLLOWER_OK = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "i", "isis", "isil", "iraqi", "syrian", "province", "governorate",
    "district", "city", "town", "village", "desert", "region", "river", "valley", "crossing",
})

# Unresolved place-like words: "in X", "near X", "north of X" with X capitalised.
_PLACE_CUE = re.compile(
    r"\b(?:in|near|outside|around|at|from|towards?|between|(?:north|south|east|west|"
    r"northeast|northwest|southeast|southwest)(?:ern)?" + _SP + r"of|(?:town|village|city|"
    r"province|governorate|district|area|region|desert|valley|outskirts)" + _SP + r"of)" + _SP
    + r"(?P<name>(?:(?:al|el|ash|as|ad|ar|at|az|an)-)?[A-Z][\w'’]+(?:[-\s\u00a0]+(?:(?:al|el|"
    r"ash|as|ad|ar|at|az|an|bin|ibn|abu|Abu)[-\s\u00a0]+)?[A-Z][\w'’]+){0,3})"
)
_NOT_PLACE_WORDS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "the", "a", "an", "this", "that", "these", "those", "his", "her", "its",
    "their", "our", "my", "your", "operation", "operations", "addition", "order", "total",
    "response", "compliance", "particular", "general", "islamic", "god", "allah", "parliament",
    "congress", "washington", "ramadan", "eid", "english", "arabic", "kurdish", "twitter",
    "facebook", "telegram", "youtube", "iraqi", "syrian", "american", "turkish", "iranian",
    "russian", "jordanian", "saudi", "british", "french", "us", "un", "u.s.",
    "prime", "president", "minister", "ministry", "colonel", "gen", "brigadier",
    "major", "captain", "lieutenant", "sheikh", "mr", "dr", "according", "isis", "isil",
    "daesh", "pkk", "sdf", "isf", "pmf", "joint", "security", "army", "air", "force",
})


def fold(token: str) -> str:
    """Case- and accent-fold one token the way :func:`normalize` folds names."""
    if token.isascii():
        return token.replace("'", "").lower()
    return normalize(token) or token.casefold()


# --------------------------------------------------------------------------- matcher
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
        for key in self._index:
            toks = key.split()
            if toks:
                self._maxlen[toks[0]] = max(self._maxlen.get(toks[0], 0), len(toks))
        self._outlets: tuple[str, ...] = ()
        self._has = {pid for pid in (STRIP, SYRIAN_SIDE, IRAQI_SIDE, IRAQ, SYRIA) if pid in gazetteer}

    # -- public -----------------------------------------------------------------
    def find(self, text: str, sentences: Sequence[Sentence], *,
             outlets: Sequence[str] = ()) -> MentionResult:
        """All mentions, blocked spans and unresolved places in the mapped sentences.

        ``outlets`` are names never to map (the article's own outlet from its front matter).
        """
        self._outlets = tuple(o for o in outlets if o)
        mentions: list[Mention] = []
        blocked: list[Span] = []
        unresolved: list[Span] = []
        for s in sentences:
            if s.section not in MAPPED_SECTIONS:
                continue
            m, b, u = self.find_in_sentence(s)
            mentions.extend(m)
            blocked.extend(b)
            unresolved.extend(u)
        return MentionResult(tuple(mentions), tuple(blocked), tuple(unresolved))

    def find_in_sentence(self, s: Sentence) -> tuple[list[Mention], list[Span], list[Span]]:
        """Mentions, blocked spans and unresolved places of one sentence."""
        text = s.text
        blocked = list(self._blocked(s))
        taken = [(b.start - s.start, b.end - s.start) for b in blocked]
        candidates = list(self._phrases(s)) + list(self._names(s))
        # Longest match first, then earliest start; overlaps with blocked spans lose.
        candidates.sort(key=lambda m: (-(m.end - m.start), m.start))
        chosen: list[Mention] = []
        for m in candidates:
            a, b = m.start - s.start, m.end - s.start
            if any(a < e and st < b for st, e in taken):
                continue
            taken.append((a, b))
            chosen.append(m)
        chosen.sort(key=lambda m: m.start)
        unresolved = [] if s.section != "body" and s.section != "caption" else [
            u for u in self._unresolved(s, text) if not any(
                u.start - s.start < e and st < u.end - s.start for st, e in taken)
        ]
        return chosen, blocked, unresolved

    # -- stages -----------------------------------------------------------------
    def _blocked(self, s: Sentence) -> Iterable[Span]:
        text = s.text
        for m in _ORGS.finditer(text):
            yield Span(s.start + m.start(), s.start + m.end(), m.group(), s.index, "organisation name")
        for m in _OUTLET.finditer(text):
            if s.section not in ("title", "heading"):
                yield Span(s.start + m.start(), s.start + m.end(), m.group(), s.index, "outlet name")
        for name in self._outlets:
            i = text.find(name)
            while i >= 0:
                yield Span(s.start + i, s.start + i + len(name), name, s.index, "outlet name")
                i = text.find(name, i + 1)
        if "azeera" in text or "azira" in text or "ezira" in text:
            for m in _JAZEERA.finditer(text):
                if self._is_network(text, m):
                    yield Span(s.start + m.start(), s.start + m.end(), m.group(), s.index,
                               "outlet name")

    @staticmethod
    def _is_network(text: str, m: re.Match[str]) -> bool:
        before, after = text[: m.start()], text[m.end():]
        if _REGION_AFTER.match(after):
            return False
        if _NETWORK_AFTER.match(after) or _NETWORK_BEFORE.search(before):
            return True
        # Written as the channel styles itself ("Al Jazeera"), with no region cue.
        return m.group().startswith("Al ") or m.group().startswith("Al\u00a0")

    def _phrases(self, s: Sentence) -> Iterable[Mention]:
        text = s.text
        low = text.lower()
        if "border" in low or "frontier" in low or "inside" in low or "into" in low or "territor" in low \
                or "soil" in low:
            for m in _CROSS.finditer(text):
                into = m.group("into") or ""
                after = text[m.end():]
                to_iraq = into.lower() == "iraq" or (not into and _INTO_IRAQ.search(after[:80]))
                target = IRAQI_SIDE if to_iraq else SYRIAN_SIDE
                yield self._mention(s, m.start(), m.end(), "cross-border", (target,))
            for m in _BORDER.finditer(text):
                if _OTHER_BORDER.search(m.group()) or _other_border_follows(text, m.end()):
                    continue
                if _OTHER_BORDER_BEFORE.search(text[max(0, m.start() - 24): m.start()]):
                    continue  # "the Turkish border"
                if s.section not in ("title", "heading") and re.search(r"\b(?:Border|Frontier)\b", m.group()):
                    continue  # "the Border Ports Commission": part of a proper name
                yield self._mention(s, m.start(), m.end(), "border", (STRIP,))
        if "Syrian" in text or "Iraqi" in text:
            for m in _DEMONYM.finditer(text):
                if m.group("side"):
                    target = SYRIAN_SIDE if m.group("side") == "Syrian" else IRAQI_SIDE
                elif m.group("terr") == "Syrian":
                    target = SYRIAN_SIDE
                else:
                    target = IRAQ
                yield self._mention(s, m.start(), m.end(), "demonym", (target,))

    def _mention(self, s: Sentence, a: int, b: int, kind: str, ids: tuple[str, ...]) -> Mention:
        ids = tuple(i for i in ids if i in self._has) or ids
        span = s.text[a:b]
        return Mention(s.start + a, s.start + b, span, s.index, kind, ids, normalize(span))

    def _names(self, s: Sentence) -> Iterable[Mention]:
        text = s.text
        toks = [_unpossessive(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        folded = [fold(t[2]) for t in toks]
        n = len(toks)
        index, maxlen = self._index, self._maxlen
        for i in range(n):
            j = i
            # an article joined by a hyphen ("al-Qaim") or written "Al "/"al " before a name
            if folded[i] in _ARTICLE_TOKENS and i + 1 < n:
                gap = text[toks[i][1]: toks[i + 1][0]]
                if gap in ("-", "‐", "‑") or (folded[i] in ("al", "el") and gap.strip() == ""):
                    j = i + 1
            for start_tok in {i, j}:
                longest = maxlen.get(folded[start_tok], 0)
                for length in range(min(longest, n - start_tok), 0, -1):
                    end_tok = start_tok + length - 1
                    key = " ".join(folded[start_tok: end_tok + 1])
                    ids = index.get(key)
                    if ids is None:
                        continue
                    if not self._looks_like_a_name(text, toks, start_tok, end_tok, s.section):
                        continue
                    if self._inside_a_longer_name(text, toks, i, end_tok, s.section):
                        break
                    a = toks[i][0]
                    b = toks[end_tok][1]
                    yield Mention(s.start + a, s.start + b, text[a:b], s.index, "name", ids, key)
                    break

    @staticmethod
    def _inside_a_longer_name(text: str, toks: list[tuple[int, int, str]], i: int, j: int,
                              section: str) -> bool:
        """ "Wadi Hauran", "Mount Sinjar", "Qasim Hamid", "Anbar Operations Command"."""
        if i > 0 and fold(toks[i - 1][2]) in _GENERIC_BEFORE and \
                _GAP_OK.match(text[toks[i - 1][1]: toks[i][0]]):
            return True
        if section in ("title", "heading") or j + 1 >= len(toks):
            return False
        nxt = toks[j + 1][2]
        gap = text[toks[j][1]: toks[j + 1][0]]
        return (gap in (" ", "\u00a0") and nxt[:1].isupper() and not nxt.isupper()
                and fold(nxt) not in _FOLLOWER_OK)

    @staticmethod
    def _looks_like_a_name(text: str, toks: list[tuple[int, int, str]], i: int, j: int,
                           section: str) -> bool:
        for k in range(i, j):  # tokens joined only by spaces or hyphens
            if not _GAP_OK.match(text[toks[k][1]: toks[k + 1][0]]):
                return False
        word = toks[i][2]
        first = word[0]
        if first.isalpha() and first.isascii() and not first.isupper():
            # lower-case: only inside a multi-word name whose last word is capitalised
            return False
        if i == j:
            if len(word) < 3:
                return False
            # "ISIS"-style all-caps acronyms are not place names, but datelines are ("HIT, Iraq -")
            dateline = i == 0 and text[toks[i][1]: toks[i][1] + 1] == ","
            if word.isupper() and len(word) <= 5 and section not in ("title", "heading") and not dateline:
                return False
            if word.lower() in _COMMON_WORDS and not (dateline and word.isupper()):
                return False
        return True

    def _unresolved(self, s: Sentence, text: str) -> Iterable[Span]:
        for m in _PLACE_CUE.finditer(text):
            name = m.group("name")
            words = re.split(r"[-\s\u00a0]+", name)
            if words[0].lower() in _NOT_PLACE_WORDS or name.isupper():
                continue
            # trim trailing non-place words ("Hajin on Monday" is cut at "Hajin")
            while len(words) > 1 and words[-1].lower() in _NOT_PLACE_WORDS:
                name = name[: name.rfind(words.pop())].rstrip(" -\u00a0")
            if normalize(name) in self._index:
                continue
            a = m.start("name")
            yield Span(s.start + a, s.start + a + len(name), name, s.index, "not in the gazetteer")


def _unpossessive(a: int, b: int, word: str) -> tuple[int, int, str]:
    """ "Iraq's" is the token "Iraq"."""
    if len(word) > 2 and word[-2] in "'’ʼ" and word[-1] in "sS":
        return a, b - 2, word[:-2]
    return a, b, word


def _other_border_follows(text: str, end: int) -> bool:
    """ "the border with Turkey": a border, but not the Iraq–Syria one."""
    return bool(re.match(r"[\s\u00a0]+(?:with|of)[\s\u00a0]+(?:the[\s\u00a0]+)?(?:Turkey|Jordan|Iran|"
                         r"Saudi|Kuwait|Lebanon|Israel|Kurdistan)", text[end:]))

