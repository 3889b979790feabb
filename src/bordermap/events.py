"""Classifying evidence into map layers, and who, how many and where.

A sentence is evidence of an event when it holds a trigger: a strike ("airstrikes",
"shelling", "targeted by Iraqi aircraft"), an outpost ("outposts", "thermal cameras",
"border guard troops", "enhancing security along") or a sweep ("search operations",
"patrols", "raids", "destruction of tunnels"). Triggers are data (:data:`TRIGGERS`),
each with its layer and an ACLED-like sub-event type.

For each piece of evidence this module decides

* ``status``: ``planned`` when a proposal, recommendation, approval, condition or
  future plan governs the trigger ("can be addressed by installing", "will be
  erected", "approved the construction"), else ``reported``;
* the actor, the fatalities and the speaker ("he said" goes to the last named speaker);
* the place, by the first rule that applies:

  1. ``same-sentence``: a place in the same sentence linked to the trigger;
  2. ``cross-border-phrase``: a cross-border phrase in the sentence;
  3. ``earlier-in-paragraph``: the nearest earlier place in the paragraph;
  4. ``article-main-place``: the article's main place;

* and which pieces of evidence tell of the same event (they share an ``event_id``).

Traps it keeps out: "ISIL swept into Sinjar" (no trigger: "swept" is not a sweep),
a workers' or hunger strike, habitual or generic statements ("when the warplanes
raided them, they used to hide"), and descriptions of a person ("a member of the
Iraqi border patrol").
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

import ahocorasick

from bordermap._hints import SentenceHints, ascii_lower, finditer_at_starts
from bordermap._records import fast_init
from bordermap.resolve import Resolved
from bordermap.sentences import Sentence

# Sections whose sentences can be evidence of an event.
EVENT_SECTIONS = frozenset({"title", "caption", "body"})

_S = r"[\s\u00a0]+"


@fast_init
@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    text: str
    layer: str
    sub_event_type: str


def _lc(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern compiled for ASCII-lower-cased text.

    ``re.IGNORECASE`` turns off the engine's literal-prefix search; matching the
    lower-cased text with a lower-case pattern finds the same spans about twice as fast.
    Group names must be lower-case: ``(?P<n>...)`` keeps its ``P``.
    """
    if re.search(r"\\[WSDBAZ]", pattern):
        raise ValueError(f"upper-case escape in {pattern!r}")
    return re.compile(pattern.lower().replace("(?p<", "(?P<"))


# A further test of a trigger pattern's gate, on the lower-cased sentence.
_Gate = Callable[[str], bool]
_TriggerSpec = tuple[
    frozenset[str],
    tuple[str, ...],
    _Gate | None,
    re.Pattern[str],
    re.Pattern[str] | None,
    str,
    str,
]


def _t(
    keys: str,
    pattern: str,
    layer: str,
    sub: str,
    *,
    scan: bool = False,
    any_of: tuple[str, ...] = (),
    when: _Gate | None = None,
) -> _TriggerSpec:
    """A trigger pattern (for lower-cased text), run only on sentences that hold one of
    the stems ``keys`` (stems of :data:`_TRIGGER_STEMS`) and, if given, one of the words
    ``any_of`` and pass ``when`` (tests that every lower-cased sentence the pattern
    matches passes).

    With ``scan``, the pattern is tried only where it matches without its ``\\b``
    assertions (see :func:`~bordermap._hints.finditer_at_starts`): worth it when that
    version begins with literal words, which ``re`` skips to fast.
    """
    starts = None
    if scan:
        # dropping an assertion only widens the matches, unless it is inside a negative
        # lookaround; rather than parse, refuse any \b after one
        if re.search(r"\(\?<?!.*\\b", pattern):
            raise ValueError(f"\\b after a negative lookaround in {pattern!r}")
        starts = _lc(pattern.replace(r"\b", ""))
    return frozenset(keys.split()), any_of, when, _lc(pattern), starts, layer, sub


_STRIKE_WORD = re.compile(r"\bstrike")
_STRIKE = re.compile("strike")


def _strike_word(low: str) -> bool:
    """Whether a word of the lower-cased sentence starts with "strike" ("strikes on",
    "hunger strike", "drone-strike"; not "airstrikes")."""
    return (
        "strike" in low and next(finditer_at_starts(_STRIKE_WORD, _STRIKE, low), None) is not None
    )


def _searches(low: str) -> bool:
    """The gate of the search-and-clearance pattern: its words, or an "operation" that
    "security" or "military" can precede."""
    return any(w in low for w in ("search", "comb", "cordon", "clear", "mopping")) or (
        "operation" in low and ("security" in low or "military" in low)
    )


AIR = "Air/drone strike"
SHELLING = "Shelling/artillery/missile attack"
TRIGGERS: tuple[_TriggerSpec, ...] = (
    _t("strike", r"\bdrone" + r"[\s-]?strikes?\b", "strike", AIR, scan=True, any_of=("drone",)),
    _t(
        "artiller missile rocket mortar",
        r"\b(?:artillery|missile|rocket|mortar)(?:[\s-]?(?:strikes?|fire|attacks?|barrages?))?\b",
        "strike",
        SHELLING,
    ),
    _t(
        "strike raid bomb attack",
        r"\bair[\s-]?strikes?\b|\bair[\s-]?raids?\b|\baerial\s+(?:bombardment|attacks?|strikes?)\b",
        "strike",
        AIR,
        scan=True,
        any_of=("air", "aerial"),
    ),
    _t("bomb", r"\b(?:bomb(?:ed|ing|ings)|bombard(?:ed|ing|ment|ments))\b", "strike", AIR),
    _t("shell", r"\bshell(?:ed|ing)\b", "strike", SHELLING),
    _t("pummel pound hammer", r"\b(?:pummel+ed|pounded|hammered)\b", "strike", AIR, scan=True),
    _t(
        "target hit struck",
        r"\b(?:targeted|hit|struck)\s+by\s+(?:(?:the|Iraqi|US|U\.S\.|coalition|Russian|Turkish|"
        r"Syrian)\s+)*(?:aircraft|jets|warplanes|planes|drones|air\s+force|Air\s+Force|F-16s?)\b",
        "strike",
        AIR,
        scan=True,
        any_of=("by",),
    ),
    _t(
        "strike hit struck target bomb raid attack destroy kill pound",
        r"\b(?:jets|warplanes|aircraft|drones?|F-16s?|helicopters)\s+(?:\w+\s+){0,2}"
        r"(?:struck|strikes|hit|hits|targeted|targets|bombed|raided|attacked|destroyed|kill(?:s|ed|ing)?|pound(?:s|ed))\b",
        "strike",
        AIR,
        scan=True,
        any_of=("jets", "warplanes", "aircraft", "drone", "f-16", "helicopters"),
    ),
    _t(
        "strike",
        r"\bstrikes?\b(?=" + _S + r"(?:on|against|targeting|in|near|at|inside|across)\b)"
        r"(?=.*?\b(?:aircraft|jets?|drones?|warplanes?|air|coalition|forces|army|military|missiles?|"
        r"militants|fighters|targets|positions|ISIS|ISIL|Daesh|bases?|hideouts?)\b)"
        r"|\b(?:precision|coalition|Iraqi|US|Turkish|Russian|Israeli)\s+strikes?\b",
        "strike",
        AIR,
        when=_strike_word,
    ),
    _t(
        "tower post outpost checkpoint",
        r"\btowers?\b(?=[^.]{0,60}\b(?:erect\w*|buil[dt]\w*|construct\w*|install\w*)\b)|"
        r"\b(?:erect\w*|buil[dt]\w*|construct\w*|install\w*)\b[^.]{0,60}?\btowers?\b|"
        r"\boutposts?\b|\bwatch-?towers?\b|\bcheckpoints?\b|\bobservation\s+(?:posts?|towers?)\b|"
        r"\bmilitary\s+posts?\b|\bguard\s+posts?\b",
        "outpost",
        "Outposts or towers",
    ),
    _t(
        "fenc trench berm barrier fortif wall",
        r"\b(?:border\s+)?fenc(?:e|es|ing)\b|\btrench(?:es)?\b|\bberms?\b|\bbarriers?\b|"
        r"\bfortif\w+\b|\b(?:the|a|concrete|security|border|separation|new)\s+walls?\b",
        "outpost",
        "Fences, walls or trenches",
    ),
    _t(
        "camera surveillance radar sensor",
        r"\b(?:thermal|surveillance|security|night-vision)\s+(?:surveillance\s+)?cameras?\b|"
        r"\bsurveillance\s+(?:equipment|systems?|devices?|balloons?|towers?)\b|\bradars?\b|"
        r"\bsensors?\b",
        "outpost",
        "Fixed surveillance",
    ),
    _t(
        "guard deploy reinforc",
        r"\b(?:deploy\w*|station\w*|sen[dt]|dispatch\w*|increas\w*|additional|more|new|boost\w*)\s+"
        r"(?:\w+\s+){0,5}?border[\s-]+guards?(?:\s+(?:troops|units|forces|brigades?|regiments?))?\b|"
        r"\bborder[\s-]+guards?(?:\s+(?:troops|units|forces|brigades?|regiments?))?\s+(?:\w+\s+){0,3}?"
        r"(?:deploy\w*|(?:were|was|are|is|will\s+be)\s+stationed|arriv\w+|reinforc\w+)\b|"
        r"\bborder[\s-]+guard\s+(?:regiments?|brigades?|units?|troops)\s+(?:\w+\s+){0,3}?stationed\b|"
        r"\bdeploy(?:ed|ing|ment|ments|s)?\b|\breinforcements?\b|\breinforc(?:e|es|ed|ing)\s+(?:the\s+)?"
        r"(?:border|frontier)\b",
        "outpost",
        "Border-guard deployment",
    ),
    _t(
        "securit control protection",
        r"\b(?:enhanc|tighten|strengthen|bolster|reinforc|beef\w*\s+up|step\w*\s+up)\w*\s+"
        r"(?:(?:the|their|its|security)\s+)?(?:security|control|controls|protection)\b",
        "outpost",
        "Security measures",
        scan=True,
        any_of=("enhanc", "tighten", "strengthen", "bolster", "reinforc", "beef", "step"),
    ),
    _t("sweep", r"\bsweep(?:s|ing)?\b", "sweep", "Sweep", scan=True),
    _t(
        "search clear comb mopping operation cordon",
        r"\bsearch(?:-and-\w+|\s+and\s+\w+)?\s+(?:operations?|missions?|campaigns?)\b|"
        r"\b(?:clearance|clearing|combing|mopping[-\s]up|security|military)\s+operations?\b|"
        r"\bcomb(?:ed|ing)?\b|\bcordon(?:ed)?\s+off\b|\bsearch(?:ed|ing)\b(?!\s+(?:for\s+(?:a|the)\s+"
        r"(?:solution|deal|way)))",
        "sweep",
        "Search and clearance",
        when=_searches,
    ),
    _t("patrol", r"\bpatrol(?:s|led|ling|ing)?\b", "sweep", "Patrol", scan=True),
    _t("raid", r"\braids?\b|\braided\b", "sweep", "Raid", scan=True),
    _t(
        "destroy destruction blew demolish",
        r"\b(?:destroy(?:ed|ing|s)?|destruction\s+of|blew\s+up|demolish(?:ed|ing)?)\s+(?:\w+\s+){0,4}?"
        r"(?:tunnels?|hideouts?|caves?|weapons\s+caches?|caches?)\b",
        "sweep",
        "Destruction of hideouts",
        scan=True,
    ),
)
# Words that make a trigger not an event.
_NOT_EVENT = _lc(
    r"\b(?:hunger|general|workers'?|labour|labor|teachers'?|sit-in)\s+strikes?\b|\bon\s+strike\b|"
    r"\bstrike\s+(?:a|the)\s+(?:deal|balance|chord|agreement)\b|\bused\s+to\b|\bwhenever\b|"
    r"\bswept\s+(?:in)?to\b"
)
_DESCRIPTOR = _lc(
    r"\b(?:member|members|officer|head|chief|commander|spokesman|official)s?"
    r"\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$"
)
_PLANNED = _lc(
    r"\b(?:will|would|shall|plans?\s+to|planned|planning|intends?\s+to|intention|aims?\s+to|"
    r"(?:is|are)\s+set\s+to|to\s+be\s+(?:built|erected|installed|constructed|deployed|set\s+up|"
    r"established)|can\s+be|could|should|must|needs?\s+to|propos\w+|recommend\w*|approv\w+|"
    r"call(?:ed|s|ing)?\s+for|urg(?:e|ed|es|ing)|demand\w*|if|unless|possible|possibly|"
    r"potential|future|next\s+(?:year|month|week)|expected\s+to|may|might|budget\w*|"
    r"allocat\w+|intend\w*|consider\w*|envisag\w+)\b"
)
_CLAUSE_BREAK = re.compile(r"[;:]|\s[—–]\s|,\s+(?:but|while|whereas)\b")


def _clause_start(text: str, end: int) -> int:
    """Where the clause that runs to ``end`` starts: after the last clause break before
    ``end`` (a break of :data:`_CLAUSE_BREAK` found by ``finditer(text, 0, end)``)."""
    start = 0
    # most sentences hold no break: every break holds ";", ":", a dash, or "," and a conjunction
    if (
        ";" in text
        or ":" in text
        or "—" in text
        or "–" in text
        or ("," in text and ("but" in text or "while" in text or "whereas" in text))
    ):
        for m in _CLAUSE_BREAK.finditer(text, 0, end):
            start = m.end()
    return start


# Actors: pattern → canonical name.
# (The second pattern, without its \b, finds where the first can start: see finditer_at_starts.)
_ACTORS: tuple[tuple[frozenset[str], re.Pattern[str], re.Pattern[str], str], ...] = tuple(
    (frozenset(keys.split()), re.compile(p), re.compile(p.replace(r"\b", "")), name)
    for keys, p, name in (
        (
            "Iraqi",
            r"\bIraqi\s+(?:Air\s+Force|air\s+force|aircraft|warplanes|jets|fighter\s+jets|F-16s?)",
            "Iraqi Air Force",
        ),
        (
            "coalition Coalition",
            r"\b(?:US|U\.S\.|American)[-\s]led\s+(?:international\s+)?(?:coalition|alliance)|"
            r"\b[Cc]oalition\s+(?:aircraft|warplanes|jets|forces|drones)|\bthe\s+[Cc]oalition\b",
            "US-led coalition",
        ),
        ("Joint", r"\bJoint\s+Operations\s+Command\b", "Iraqi Joint Operations Command"),
        (
            "ISF Security security",
            r"\bIraqi\s+[Ss]ecurity\s+[Ff]orces\b|\bISF\b",
            "Iraqi Security Forces",
        ),
        (
            "guard Guard police Police",
            r"\bIraqi\s+(?:[Bb]order\s+[Gg]uards?|[Bb]order\s+[Pp]olice)|\b[Bb]order\s+[Gg]uards?\b",
            "Iraqi Border Guards",
        ),
        (
            "Popular PMF PMU Hashd",
            r"\bPopular\s+Mobili[sz]ation\s+(?:Forces|Units|Committees)|\bPMF\b|\bPMU\b|\bHashd\b",
            "Popular Mobilization Forces",
        ),
        ("Syrian SDF", r"\bSyrian\s+Democratic\s+Forces\b|\bSDF\b", "Syrian Democratic Forces"),
        (
            "Syrian regime",
            r"\bSyrian\s+(?:[Aa]rmy|regime|government\s+forces|[Aa]rab\s+[Aa]rmy)|\bregime\s+forces\b",
            "Syrian government forces",
        ),
        (
            "Russian",
            r"\bRussian\s+(?:[Aa]ir\s+[Ff]orce|warplanes|jets|aircraft|forces|troops)",
            "Russian forces",
        ),
        (
            "Turkish",
            r"\bTurkish\s+(?:[Aa]rmy|forces|warplanes|jets|drones?|aircraft|troops)",
            "Turkish forces",
        ),
        ("Iraqi", r"\bIraqi\s+[Gg]overnment\b", "Iraqi Government"),
        (
            "Iraqi Ground",
            r"\bIraqi\s+(?:[Aa]rmy|troops|soldiers|forces|[Ss]ecurity\s+agencies)|\bGround\s+forces\b",
            "Iraqi forces",
        ),
        (
            "ISIS ISIL IS Daesh Islamic",
            r"\b(?:ISIS|ISIL|IS|Daesh|Islamic\s+State)\s+(?:militants|fighters|remnants|elements|cells)",
            "ISIS",
        ),
    )
)
# The words that gate the actor patterns: whole words only ("Guards" does not open "guard").
_ACTOR_KEY_WORDS = sorted({k for keys, *_ in _ACTORS for k in keys}, key=len, reverse=True)
_ACTOR_KEYS = re.compile(r"\b(?:" + "|".join(_ACTOR_KEY_WORDS) + r")\b")


def _key_finder(words: Sequence[str]) -> ahocorasick.Automaton:
    """An automaton that finds every occurrence of ``words`` (case-sensitive) in one pass:
    faster than ``re`` on an alternation of words, which it tries at every position where
    one of their first letters is."""
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


_ACTOR_KEY_FINDER = _key_finder(_ACTOR_KEY_WORDS)
# key -> the indices in _ACTORS of the patterns it opens
_ACTORS_OF: dict[str, tuple[int, ...]] = {
    key: tuple(i for i, (keys, *_) in enumerate(_ACTORS) if key in keys) for key in _ACTOR_KEY_WORDS
}
_BY_ACTOR = re.compile(r"\bby\s+(?:the\s+)?$")

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "a dozen": 12,
    "dozen": 12,
}
_NUM = r"(?P<n>\d{1,4}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_FATALITIES = (
    re.compile(
        r"\bkill(?:ing|ed|s)\s+(?:at\s+least\s+|some\s+|about\s+|nearly\s+|around\s+|more\s+than\s+)?"
        + _NUM
        + r"\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:at\s+least\s+|some\s+|about\s+)?" + _NUM + r"\s+(?:[\w-]+\s+){0,4}?"
        r"(?:were|have\s+been|had\s+been|was)\s+killed\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\bdeath\s+toll\s+(?:rose\s+to|of|stood\s+at|climbed\s+to)\s+" + _NUM + r"\b",
        re.IGNORECASE,
    ),
    re.compile(r"\bleaving\s+" + _NUM + r"\s+(?:[\w-]+\s+){0,3}?dead\b", re.IGNORECASE),
    re.compile(r"\b" + _NUM + r"\s+(?:[\w-]+\s+){0,3}?(?:dead|killed)\b", re.IGNORECASE),
)

# Speakers.
_VERB = (
    r"(?:said|says|told|added|stressed|explained|noted|stated|warned|confirmed|announced|describes|"
    r"described|insisted|explains|adds|tells)"
)
_NAME = (
    r"(?:(?:al|el|Al|El|Abu|Abd|bin|ibn)[-\s\u00a0])?[A-Z][a-z’'\-]+"
    r"(?:[\s\u00a0](?:(?:al|el|Al|El|Abu|Abd|abu|bin|ibn|bint)[-\s\u00a0])?[A-Z][a-z’'\-]+){0,3}"
)
_VERB_START = re.compile(_VERB)
_NAME_RE = re.compile(_NAME)
# where a name may start: a capital, or a lower-case particle ("al-Qaim"; "Al", "Abu" are capitals)
_NAME_START = re.compile(r"[A-Z]|al[-\s\u00a0]|el[-\s\u00a0]|bin[-\s\u00a0]|ibn[-\s\u00a0]")
_ANY_VERB = re.compile(r"\b(?:" + _VERB + r"|[Aa]ccording)\b")
_NAME_BEFORE_VERB = re.compile(
    r"(?P<name>" + _NAME + r")(?:,[^,\"“”]{2,90},)?[\s\u00a0]+" + _VERB + r"\b"
)
_VERB_THEN_TAIL = re.compile(r"\b" + _VERB + r"\b(?P<tail>[^.;\"“”]{0,160})")
_ACCORDING = re.compile(r"\b[Aa]ccording\s+to\s+(?:[a-z]+\s+){0,4}(?P<name>" + _NAME + r")")
_PRONOUN = _lc(r"\b(?:he|she)\s+" + _VERB + r"\b|\b" + _VERB + r"\s+(?:he|she)\b")
_TITLES = {
    "Colonel",
    "Col",
    "General",
    "Gen",
    "Brigadier",
    "Brig",
    "Major",
    "Maj",
    "Lieutenant",
    "Lt",
    "Captain",
    "Capt",
    "Sheikh",
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
    "Commander",
    "Sergeant",
    "Sgt",
    "Staff",
    "Lt.",
    "Gen.",
    "Col.",
    "Brig.",
    "Maj.",
    "Capt.",
    "Prime",
    "Minister",
    "President",
    "Spokesman",
    "Governor",
    "Mayor",
}
_TITLE_WORDS = frozenset(t.rstrip(".") for t in _TITLES)
_NOT_PERSON = re.compile(
    r"\b(?:ISIS|ISIL|Daesh|Iraq|Syria|Iraqi|Syrian|Diyaruna|Command|Forces|Force|Army|Government|"
    r"Council|Ministry|Centre|Center|Observatory|Coalition|Agency|Reuters|AFP|Baghdad|Damascus|"
    r"Washington|The|This|That|It|They|We|He|She|There|Ground|Security|State|Anbar|Nineveh|"
    r"Kurdistan|Jazeera|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Border)\b"
)


@fast_init
@dataclass(frozen=True)
class Evidence:
    """One sentence that evidences an event, with what it says about it."""

    sentence: Sentence
    trigger: Trigger
    layer: str
    status: str
    places: tuple[Resolved, ...]
    geo_rule: str
    actor: str | None
    fatalities: int | None
    speaker: str | None


# --------------------------------------------------------------------------- triggers
# Every trigger above contains one of these stems; a sentence without any is skipped cheaply.
# (Matched on the lower-cased sentence: a case-sensitive alternation of literals is fast.)
_TRIGGER_STEMS = re.compile(
    r"strike|raid|bomb|shell|artiller|missile|rocket|mortar|pummel|pound|hammer|target|hit|checkpoint|"
    r"struck|kill|destroy|attack|outpost|tower|post|fenc|trench|berm|barrier|fortif|wall|camera|"
    r"surveillance|radar|sensor|guard|deploy|reinforc|station|securit|control|protection|sweep|"
    r"search|clear|comb|mopping|operation|cordon|patrol|destruction|blew|demolish"
)

# stem -> the indices in TRIGGERS of the patterns it opens
_TRIGGERS_OF: dict[str, tuple[int, ...]] = {
    stem: tuple(i for i, (keys, *_) in enumerate(TRIGGERS) if stem in keys)
    for stem in _TRIGGER_STEMS.pattern.split("|")
}

# The keywords the patterns of this module need; the pipeline finds them all in one pass.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "e-trigger": tuple(_TRIGGER_STEMS.pattern.split("|")),
    "e-verb": (
        "said",
        "says",
        "told",
        "added",
        "stressed",
        "explained",
        "noted",
        "stated",
        "warned",
        "confirmed",
        "announced",
        "describes",
        "described",
        "insisted",
        "explains",
        "adds",
        "tells",
        "according",
    ),
}


_word_of = itemgetter(1)


@lru_cache(maxsize=1024)
def _patterns_of(stems: frozenset[str]) -> tuple[_TriggerSpec, ...]:
    """The trigger patterns that ``stems`` open, in the order of :data:`TRIGGERS`."""
    return tuple(TRIGGERS[i] for i in sorted({i for w in stems for i in _TRIGGERS_OF.get(w, ())}))


def find_triggers(s: Sentence, hints: SentenceHints | None = None) -> list[Trigger]:
    """Event triggers in one sentence, earliest first, one per layer.

    ``hints`` are the sentence's keyword hits (see :data:`KEYWORDS`); without them the
    stems are found here.
    """
    text = s.text
    if hints is None:
        low = ascii_lower(text)
        stems = frozenset(_TRIGGER_STEMS.findall(low))
        if not stems:
            return []
    else:
        hits = hints.get("e-trigger")
        if not hits:
            return []
        stems = frozenset(map(_word_of, hits))
        low = ascii_lower(text)
    # _NOT_EVENT is looked for where "strike", "used to", "whenever" or "swept" is (a gate
    # that passes over "used  to"), and it matches only where "strike" starts a word or
    # "used" is
    blocked = (
        [(m.start(), m.end()) for m in _NOT_EVENT.finditer(low)]
        if "used to" in low
        or "whenever" in low
        or "swept" in low
        or ("strike" in low and ("used" in low or _strike_word(low)))
        else []
    )
    if blocked and any("used to" in low[a:b] or "whenever" in low[a:b] for a, b in blocked):
        return []
    found: dict[str, Trigger] = {}
    for _, any_of, when, pattern, starts, layer, sub in _patterns_of(stems):
        if any_of:
            for w in any_of:
                if w in low:
                    break
            else:
                continue
        if when is not None and not when(low):
            continue
        # only a match that starts before the layer's trigger so far can replace it
        prev = found.get(layer)
        before = len(low) if prev is None else prev.start - s.start
        found_at = (
            pattern.finditer(low) if starts is None else finditer_at_starts(pattern, starts, low)
        )
        for m in found_at:
            a, b = m.span()
            if a >= before:
                break
            if blocked and any(x <= a < y or x < b <= y for x, y in blocked):
                continue
            # a descriptor ("a member of the border patrol") needs an "of" before the trigger
            a0 = max(0, a - 60)
            if low.find("of", a0, a) >= 0 and _DESCRIPTOR.search(low, a0, a):
                continue
            found[layer] = Trigger(s.start + a, s.start + b, text[a:b], layer, sub)
            break
    if len(found) < 2:
        return list(found.values())
    return sorted(found.values(), key=lambda t: t.start)


_PLANNED_AFTER = _lc(
    r"^[^,.;]{0,40}?\b(?:will|would|shall|are\s+to|is\s+to|are\s+due\s+to|is\s+due\s+to|"
    r"are\s+planned|is\s+planned|are\s+expected\s+to|is\s+expected\s+to|could|should|may|might)"
    r"\s+(?:soon\s+|also\s+|later\s+)?be\b"
)


def status_of(s: Sentence, trigger: Trigger) -> str:
    """``planned`` when a cue governs the trigger: before it in its clause, or a future or
    modal passive right after it ("watchtowers will be erected")."""
    text = s.text
    low = ascii_lower(text)
    b = trigger.start - s.start
    a = _clause_start(text, b)
    # the clause is low[a:b], searched in place: a cue (a word) starts at ``a`` exactly
    # when it would in the slice, since a clause break ends with or before a non-word character
    if _PLANNED.search(low, a, b):
        return "planned"
    # (a cue after the trigger ends in "be")
    e = trigger.end - s.start
    if low.find("be", e) >= 0 and _PLANNED_AFTER.search(low[e:]):
        return "planned"
    return "reported"


@lru_cache(maxsize=64)
def _actors_in(text: str) -> tuple[tuple[int, int, str, bool], ...]:
    """The actors a sentence names: (start, end, name, whether "by" comes right before),
    in the order of :data:`_ACTORS`, then of start. (Cached: a sentence with several
    triggers is asked once for each.)"""
    opened: set[int] = set()
    for end, key in _ACTOR_KEY_FINDER.iter(text):
        # a key counts where it is a whole word: where _ACTOR_KEYS matches just it
        a = end + 1 - len(key)
        m = _ACTOR_KEYS.match(text, a)
        if m is not None and m.end() == end + 1:
            opened.update(_ACTORS_OF[key])
    found = []
    for i in sorted(opened):
        _, pattern, starts, name = _ACTORS[i]
        for m in finditer_at_starts(pattern, starts, text):
            a = m.start()
            by = _BY_ACTOR.search(text[max(0, a - 12) : a]) is not None
            found.append((a, m.end(), name, by))
    return tuple(found)


def actor_of(s: Sentence, trigger: Trigger) -> str | None:
    """The actor named nearest before the trigger, else one named "by" after it."""
    t0 = trigger.start - s.start
    best: tuple[int, str] | None = None
    after: tuple[int, str] | None = None
    strike = trigger.layer == "strike"
    for a, b, name, by in _actors_in(s.text):
        if name == "ISIS" and not strike:
            continue  # ISIS is taken as the actor of strikes only
        if a < t0:
            if name == "ISIS":
                continue  # ISIS before a strike is its target's owner, not the actor
            d = t0 - b
            if best is None or d < best[0]:
                best = (d, name)
        elif by:
            d = a - t0
            if after is None or d < after[0]:
                after = (d, name)
    if after is not None and (best is None or after[0] < 80):
        return after[1]
    return best[1] if best else None


def fatalities_of(text: str) -> int | None:
    """Deaths a piece of text reports ("killing 36", "12 militants were killed")."""
    low = text.lower()
    if "kill" not in low and "dead" not in low and "death" not in low:
        return None
    for pattern in _FATALITIES:
        m = pattern.search(text)
        if m:
            n = m.group("n").lower()
            return int(n) if n.isdigit() else _NUMBER_WORDS.get(n)
    return None


def event_fatalities(s: Sentence, trigger: Trigger, triggers: Sequence[Trigger]) -> int | None:
    """Deaths reported for the event of ``trigger``: strikes and sweeps only, read from the
    trigger's own clause (from its clause start to the next trigger of another layer)."""
    if trigger.layer not in ("strike", "sweep"):
        return None
    # (the gate of fatalities_of, on the whole sentence first)
    low = s.text.lower()
    if "kill" not in low and "dead" not in low and "death" not in low:
        return None
    a0 = _clause_start(s.text, trigger.start - s.start)
    b = len(s.text)
    for t in triggers:
        if t.layer != trigger.layer and t.start > trigger.start:
            b = min(b, t.start - s.start)
    return fatalities_of(s.text[a0:b])


# --------------------------------------------------------------------------- speakers
class SpeakerTracker:
    """Attributes statements; "he said" goes to the last named speaker."""

    def __init__(self, is_place: Callable[[str], bool] | None = None) -> None:
        self.last: str | None = None
        self.known: list[str] = []
        self._by_surname: dict[str, str] = {}
        self._is_place = is_place or (lambda name: False)

    def _canonical(self, name: str) -> str | None:
        person = _person(name)
        if person is None:
            return None
        name, surname = person
        if self._is_place(name):
            return None
        if surname is not None:
            full = self._by_surname.get(surname)
            if full is not None:
                return full
            if " " not in name and not name.lower().startswith(("al-", "el-")):
                return None  # a lone first word is too weak to be a speaker
        return name

    def _remember(self, name: str) -> str:
        if name not in self.known:
            self.known.append(name)
            # the latest known name with a surname is the one a lone surname refers to
            self._by_surname[_surname(name)] = name
        self.last = name
        return name

    def speaker_of(
        self, text: str, hints: SentenceHints | None = None, offset: int = 0
    ) -> str | None:
        """The speaker the sentence credits, updating the last named speaker.

        ``hints`` are the sentence's keyword hits and ``offset`` where the sentence
        starts in the article; with them, the patterns are tried only at the verbs.
        """
        if (not _ANY_VERB.search(text)) if hints is None else "e-verb" not in hints:
            return None
        if "ccording" in text:
            for m in _ACCORDING.finditer(text):
                name = self._canonical(m.group("name"))
                if name:
                    return self._remember(name)
        verbs = None if hints is None else _verb_hits(hints, offset)
        tails = (
            finditer_at_starts(_VERB_THEN_TAIL, _VERB_START, text)
            if verbs is None
            else _matches_at(_VERB_THEN_TAIL, text, [v for v, _ in verbs])
        )
        for m in tails:
            # the speaker stands before the first comma: "said Abu Omar, a trader in al-Qaim"
            tail = m.group("tail").partition(",")[0]
            if _NAME_START.search(tail) is None:
                continue  # (where a name can start: see finditer_at_starts)
            names = list(finditer_at_starts(_NAME_RE, _NAME_START, tail))
            for cand in reversed(names):
                name = self._canonical(cand.group())
                if name:
                    return self._remember(name)
        for m in _names_before_verbs(text, verbs):
            # take the trailing words of the run: "spokesman Yahya Rasul told"
            name = self._canonical(m.group("name"))
            if name:
                return self._remember(name)
        low = ascii_lower(text)
        if (" he" in low or " she" in low or low.startswith(("he", "she"))) and _pronoun(
            low, verbs
        ):
            return self.last
        return None


def _surname(name: str) -> str:
    """The last word of a name, lower-cased, without "al-" or "el-"."""
    return name.split()[-1].lower().removeprefix("al-").removeprefix("el-")


@lru_cache(maxsize=4096)
def _person(name: str) -> tuple[str, str | None] | None:
    """A name read as a speaker's: without its titles, and the surname by which to look
    for a known speaker when the name is a lone word ("Rasul", "al-Obeidi") or "al"/"el"
    and a word; None when it names no person (an organisation, a city, a pronoun)."""
    words = name.replace("\u00a0", " ").split()
    while words and words[0].rstrip(".") in _TITLE_WORDS:
        words = words[1:]
    if not words:
        return None
    name = " ".join(words)
    if _NOT_PERSON.search(name):
        return None
    if len(words) == 1 or (len(words) == 2 and words[0].lower() in ("al", "el")):
        return name, _surname(name)
    return name, None


def _verb_hits(hints: SentenceHints, offset: int) -> list[tuple[int, str]]:
    """Where the speech verbs of the hints start in the sentence, in order.

    The hits are found in any case, so every match of :data:`_VERB` starts at one of them.
    """
    verbs = [
        (a - offset, word)
        for a, word in hints.get("e-verb", ())
        if word != "according" and a >= offset
    ]
    if len(verbs) > 1:
        verbs.sort()
    return verbs


def _matches_at(
    pattern: re.Pattern[str],
    text: str,
    starts: Iterable[int],
    pos: int = 0,
    endpos: int = sys.maxsize,
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos, endpos)`` when every match of ``pattern`` starts at
    one of ``starts`` (ascending); ``pattern`` must not match the empty string."""
    match = pattern.match
    for c in starts:
        if c < pos:
            continue
        if c >= endpos:
            break
        m = match(text, c, endpos)
        if m is not None:
            yield m
            pos = m.end()


def _pronoun(low: str, verbs: list[tuple[int, str]] | None) -> bool:
    """Whether the lower-cased sentence says "he said" or "said she".

    With the verbs' starts, :data:`_PRONOUN` is tried only where a match can start: at a
    verb, or at a pronoun that spaces alone separate from a verb.
    """
    if verbs is None:
        return _PRONOUN.search(low) is not None
    match = _PRONOUN.match
    for v, _ in verbs:
        w = v
        while w > 0 and low[w - 1].isspace():  # str.isspace is re's \s
            w -= 1
        if match(low, v) or (w < v and (match(low, w - 2) or match(low, w - 3))):
            return True
    return False


# Where a name that ends at a verb can start, read backwards: matched on the reversed
# sentence from where the verb starts, it takes the spaces before the verb, an optional
# appositive (", the army's spokesman,"), and then as ``region``: the run of name letters
# [A-Za-z’'-] that ends in a capitalised word ("Rasul", "al-Qaim", "McDonald"), up to seven
# more runs that can be whole runs of a name ("Yahya", "al", "Abu-Bakr"; a particle or a
# word, each after exactly one space), and one more run of any name letters, in which a
# name may start partway ("McDonald"). A name is at most eight such runs, one space
# apart, and all but its first are whole ones; so a match of _NAME_BEFORE_VERB that ends
# at this verb starts inside the region.
_PARTICLES_REV = "la|le|lA|lE|ubA|dbA|uba|nib|nbi|tnib"
_REV_NAME_REGION = re.compile(
    r"[\s\u00a0]++(?:,[^,\"“”]{2,90},)?"
    r"(?P<region>(?=[a-z’'\-]+[A-Z])[A-Za-z’'\-]++"
    r"(?:[\s\u00a0](?:[a-z’'\-]+[A-Z](?:-(?:" + _PARTICLES_REV + r"))?|" + _PARTICLES_REV + r")"
    r"(?![A-Za-z’'\-])){0,7}+"
    r"(?:[\s\u00a0][A-Za-z’'\-]++)?)"
)


def _names_before_verbs(text: str, verbs: list[tuple[int, str]] | None) -> list[re.Match[str]]:
    """Matches of "NAME[, appositive,] said", in order of start.

    With the verbs' starts (see :func:`_verb_hits`), the matches found in the windows of
    160 characters before each verb, tried only where a name can start (see
    :data:`_REV_NAME_REGION`); the windows end one character after their verb.
    """
    if verbs is None:
        return list(_NAME_BEFORE_VERB.finditer(text))
    n = len(text)
    rev = text[::-1]
    # (verb start, the region before it where a name that ends at the verb may start)
    regions: list[tuple[int, int, int]] = []
    for v, _ in verbs:
        r = _REV_NAME_REGION.match(rev, n - v)
        if r is not None:
            regions.append((v, n - r.end(), n - r.start("region")))
    if not regions:
        return []
    if len(verbs) == 1:
        # one verb: the first name start in its region that matches gives the one match,
        # which runs to the verb, past every other start
        (v, word), (_, lo, hi) = verbs[0], regions[0]
        for c in _NAME_START.finditer(text, max(lo, v - 160, 0), hi):
            m = _NAME_BEFORE_VERB.match(text, c.start(), v + len(word) + 1)
            if m is not None:
                return [m]
        return []
    found: dict[int, re.Match[str]] = {}
    for v, word in verbs:
        a, b = max(0, v - 160), v + len(word) + 1
        # (finditer is enough: no name start lies inside a particle that _NAME_START matches)
        cands = sorted(
            {
                c.start()
                for u, lo, hi in regions
                if a <= u < b
                for c in _NAME_START.finditer(text, max(lo, a), hi)
            }
        )
        for m in _matches_at(_NAME_BEFORE_VERB, text, cands, a, b):
            found.setdefault(m.start(), m)
    return [found[k] for k in sorted(found)]


# --------------------------------------------------------------------------- places
_SPECIFIC = {
    "town": 0,
    "crossing": 0,
    "border-side": 1,
    "border": 1,
    "river": 2,
    "lake": 2,
    "region": 2,
    "governorate": 3,
    "country": 5,
}
_JOIN = re.compile(r"^(?:,\s*|\s+and\s+|,\s+and\s+|\s+or\s+|\s*/\s*)$")


def link_places(
    s: Sentence, trigger: Trigger, places: Sequence[Resolved], attribution_start: int | None
) -> tuple[tuple[Resolved, ...], str]:
    """Rule 1 and 2: the places of the sentence linked to the trigger.

    Mentions in the attribution tail ("..., said Anbar council chairman X") and
    possessives ("Iraq's forces") are not linked. A cross-border phrase is taken when
    no named place more specific than a country is linked.
    """
    text = s.text
    named: list[Resolved] = []
    cross: list[Resolved] = []
    for r in places:
        m = r.mention
        if attribution_start is not None and m.start >= attribution_start:
            continue
        if text.startswith(("'s", "’s"), m.end - s.start):
            continue
        if m.kind == "cross-border":
            cross.append(r)
        elif _linked(s, trigger, r):
            named.append(r)

    def rank(r: Resolved) -> tuple[int, int, int, int]:
        m = r.mention
        after = 0 if m.start >= trigger.end else 1
        dist = m.start - trigger.end if after == 0 else trigger.start - m.end
        return (0 if r.place.kind != "country" else 1, after, dist, _SPECIFIC.get(r.place.kind, 4))

    if named:
        # (a lone place needs no ranking, and has no places coordinated with it)
        if len(named) > 1:
            named.sort(key=rank)
        best = named[0]
        if best.place.kind != "country" or not cross:
            if len(named) == 1:
                return (best,), "same-sentence"
            chosen = [best]
            # coordinated places of the same kind: "on Hajin and Baghuz"
            ordered = sorted(named, key=lambda r: r.mention.start)
            i = ordered.index(best)
            for r in ordered[i + 1 :]:
                gap = s.text[chosen[-1].mention.end - s.start : r.mention.start - s.start]
                if _JOIN.match(gap) and _SPECIFIC.get(r.place.kind) == _SPECIFIC.get(
                    best.place.kind
                ):
                    chosen.append(r)
                else:
                    break
            return tuple(chosen), "same-sentence"
    if cross:
        if len(cross) > 1:
            cross.sort(key=rank)
        return (cross[0],), "cross-border-phrase"
    return (), ""


_LOCATIVE_WORDS = (
    "on|in|at|near|around|inside|across|along|into|over|outside|against|targeting|"
    "throughout|toward|towards|between|within|from|by|and|to"
)
_LOCATIVE_AREAS = (
    "north|south|east|west|northeast|northwest|southeast|southwest|outskirts|edge|edges|"
    "countryside|suburbs|town|city|village|province|area|areas|desert|district|region|vicinity"
)
_LOCATIVE = _lc(
    r"(?:\b(?:" + _LOCATIVE_WORDS + r"|(?:" + _LOCATIVE_AREAS + r")\s+of)|,)"
    r"[\s\u00a0]+(?:the[\s\u00a0]+)?(?:(?:[\w-]+|\d+)[\s\u00a0]+){0,2}?$"
)
# _LOCATIVE read backwards: it matches " " + gap, ending at its end, exactly when this
# matches the reversed gap at its start. Its parts come in reverse order, each reversed:
# up to two words ([\w-]+ holds \d+) after spaces, "the", spaces, and the comma or the
# locative word spelled backwards, with the \b that came before it now after it (the same
# test either way round; after the gap's end it finds no word character, as before the
# " " it had). ($ also matches before a final newline, but the spaces before it take that.)
_LOCATIVE_REVERSED = _lc(
    r"(?:[\s\u00a0]+[\w-]+){0,2}(?:[\s\u00a0]+eht)?[\s\u00a0]+"
    r"(?:,|(?:"
    + "|".join(w[::-1] for w in _LOCATIVE_WORDS.split("|"))
    + r"|fo\s+(?:"
    + "|".join(w[::-1] for w in _LOCATIVE_AREAS.split("|"))
    + r"))\b)"
)


def _linked(s: Sentence, trigger: Trigger, r: Resolved) -> bool:
    """A place is linked to the trigger when it follows it closely after a locative
    preposition, or stands right before it ("the Hajin strike", "near Rawa, troops swept")."""
    m = r.mention
    if r.mention.kind != "name" and r.mention.kind != "demonym":
        # phrases carry their own preposition ("across the border", "along the border strip")
        gap = (
            s.text[trigger.end - s.start : m.start - s.start]
            if m.start >= trigger.end
            else s.text[m.end - s.start : trigger.start - s.start]
        )
        return len(gap) <= 80 and ";" not in gap
    if m.start >= trigger.end:
        gap = s.text[trigger.end - s.start : m.start - s.start]
        return (
            len(gap) <= 80
            and ";" not in gap
            and _LOCATIVE_REVERSED.match(ascii_lower(gap)[::-1]) is not None
        )
    gap = s.text[m.end - s.start : trigger.start - s.start]
    return len(gap) <= 40 and ";" not in gap


def main_place(resolved: Sequence[Resolved]) -> tuple[Resolved, ...]:
    """The mentions of the article's main place: its most mentioned place that is not a country.

    Mentions of the border strip and of its sides count together, as one place. Ties go
    to the place mentioned first. Countries count only when nothing else is mentioned.
    The caller picks the mention nearest to the evidence.
    """

    pool = [r for r in resolved if r.place.kind != "country"] or list(resolved)
    if not pool:
        return ()
    # each mention's family: the border strip and its sides are one
    families = ["border" if r.place.kind in ("border", "border-side") else r.place.id for r in pool]
    # a Counter keeps first-seen order, and max() takes the first of the ties
    counts = Counter(families)
    best = max(counts, key=counts.__getitem__)
    members = [r for r, f in zip(pool, families, strict=True) if f == best]
    if best != "border":
        return tuple(members)  # a family of one place
    # within the border family the strip stands for the whole
    ids = Counter(r.place.id for r in members)
    top = "border:IRQ-SYR:strip" if "border:IRQ-SYR:strip" in ids else max(ids, key=ids.__getitem__)
    return tuple(r for r in members if r.place.id == top)
