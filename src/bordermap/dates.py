"""Date expressions: find them in text and place them on the calendar.

:func:`find_dates` finds explicit dates ("April 19, 2018", "December 2017", "in 2018"),
dates that need the publication date to be placed ("April 19th", "in December",
"on Monday", "yesterday", "last month") and relative expressions ("three years ago",
"over a year ago"), and resolves each into a :class:`DateRange` whose ``precision`` is
the contract's ``date_precision``. :func:`estimate_published` bounds an article's
publication date from its own dates when the front matter does not give it.

Relative expressions become intervals around the anchor: N years ago is about ±6
months, N months ago ±15 days, N weeks ago ±3 days, N days ago ±1 day; "over/more
than N" means between N and N+1 units; "nearly/almost N" between N minus that margin
and N; "less than N" between N-1 and N units.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from typing import NamedTuple

from bordermap._records import fast_init
from bordermap.articles import Article
from bordermap.sentences import Sentence

PRECISIONS = ("day", "month", "year", "approximate", "unknown")


@fast_init
@dataclass(frozen=True)
class DateRange:
    """An interval of days, both ends included; ``None`` for an unknown end.

    ``precision`` is ``"day"``, ``"month"``, ``"year"`` (one exact calendar day, month
    or year), ``"approximate"`` (an interval from a relative or uncertain expression)
    or ``"unknown"``.
    """

    start: dt.date | None
    end: dt.date | None
    precision: str


UNKNOWN = DateRange(None, None, "unknown")

# Sentences in these sections never anchor the publication date.
_NO_ANCHOR_SECTIONS = frozenset({"front_matter", "end", "related"})
# A date after these words may lie after publication ("by 2020"): it bounds nothing.
_FUTURE_BEFORE = re.compile(
    r"\b(?i:by|until|till|before|ahead of)[\s-]+"
    r"(?:(?i:the)\s+(?:end|beginning|start|middle|first half|second half)\s+of\s+)?"
    r"(?:(?i:early|mid|late)[\s-]+)?$"
)


@fast_init
@dataclass(frozen=True)
class DateMention:
    """A date expression in an article: ``text == article.text[start:end]``.

    ``relative`` is true when the expression needs the publication date to be placed
    ("three years ago", "on Monday", "last week", "April 19th" without a year).
    """

    start: int
    end: int
    text: str
    value: DateRange
    relative: bool


# --------------------------------------------------------------------------- the patterns


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(","))


_MONTH_NAMES = _words(
    "January February March April May June July August September October November December"
)
_MONTH_NUMBER = {name: i + 1 for i, name in enumerate(_MONTH_NAMES)}
_MONTH_NUMBER.update({name[:3]: i + 1 for i, name in enumerate(_MONTH_NAMES)})
_MONTH_NUMBER["Sept"] = 9
_WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
_NUMBER_WORDS = _words(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
)
# How many: (at least, at most).
_NUMBER_VALUE: dict[str, tuple[int, int]] = {w: (i + 1, i + 1) for i, w in enumerate(_NUMBER_WORDS)}
_NUMBER_VALUE.update({"a": (1, 1), "an": (1, 1), "a few": (2, 4), "few": (2, 4), "several": (3, 7)})
_NUMBER_VALUE.update({"a couple of": (2, 2), "a couple": (2, 2), "couple of": (2, 2)})
_MODIFIERS = _phrases(
    "over, more than, nearly, almost, about, around, some, roughly, approximately, less than, "
    "at least, under, just over, just under"
)
_YEAR_CONTEXT = _phrases(
    "in, since, during, by, until, till, from, through, throughout, of, before, after, around, "
    "circa, early, late, mid, spring, summer, autumn, fall, winter, the end of, the beginning of, "
    "the start of, the year, the first half of, the second half of"
)
_MONTH_CONTEXT = _words(
    "in since during by until till from through of last this early late mid before after on"
)


_Trie = dict[str, "_Trie"]


def _alternation(words: Sequence[str]) -> str:
    """A regex matching any of ``words``, lowercase or with a capital first letter.

    Built as a trie so that each branch starts with a character class the regex engine
    can reject at once (``(?i:...)`` word lists defeat that and are several times
    slower). A space matches one to three whitespace characters.
    """
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Trie, first: bool) -> str:
        branches = []
        for ch in sorted(c for c in node if c):
            if ch == " ":
                head = _S
            elif first and ch.isalpha():
                head = f"[{ch}{ch.upper()}]"
            else:
                head = re.escape(ch)
            branches.append(head + emit(node[ch], False))
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return emit(trie, True)


# Whitespace inside an expression: one to three characters, so that every expression
# starts at most _MAX_PREFIX characters before its core token (see _scan).
_S = r"\s{1,3}"
_MONTH_FULL = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_MONTH_ANY = rf"(?:{_MONTH_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?![a-z])"
_WEEKDAY = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_YEAR = r"(?:199\d|20[0-2]\d|203[0-5])(?!\d)(?!,\d)(?!\.\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:.,]\d)(?!\d)"
_NUMBERS = rf"(?:{_alternation(list(_NUMBER_VALUE))}|\d{{1,3}})"
_UNITS = r"(?:days?|weeks?|months?|years?|decades?)"
_HYPHEN_OR_SPACE = rf"(?:-|{_S})"
_EARLY_MID_LATE = _alternation(["early", "mid", "late"])
_MODIFIER = _alternation(_MODIFIERS)

_PATTERNS = {  # in the order the regex tries them; each key names its outer group
    # 19 April 2018, Thursday 19th of April
    "dmy": rf"(?P<dmy>(?:(?:{_WEEKDAY}),?{_S})?(?:the{_S})?(?P<d1>{_DAY}){_S}(?:of{_S})?"
    rf"(?P<m1>{_MONTH_ANY})(?:,?{_S}(?P<y1>{_YEAR}))?)",
    # April 19, 2018 / Thursday, April 19th
    "mdy": rf"(?P<mdy>(?:(?:{_WEEKDAY}),?{_S})?(?P<m2>{_MONTH_ANY}){_S}(?:the{_S})?(?P<d2>{_DAY})"
    rf"(?:,?{_S}(?P<y2>{_YEAR}))?)",
    # 19/4/2018 (day first), 2018-04-19
    "num": r"(?P<num>(?<![\d/.])(?P<d3>[0-3]?\d)/(?P<m3>[01]?\d)/(?P<y3>(?:19|20)\d\d)(?![\d/])"
    r"|(?<![\d-])(?P<y4>(?:19|20)\d\d)-(?P<m4>[01]\d)-(?P<d4>[0-3]\d)(?![\d-]))",
    # December 2017, mid-December 2017
    "my": rf"(?P<my>(?:{_EARLY_MID_LATE}{_HYPHEN_OR_SPACE})?(?P<m5>{_MONTH_ANY})"
    rf"(?:{_S}of)?,?{_S}(?P<y5>{_YEAR}))",
    # the past three years (a duration up to publication)
    "dur": rf"(?P<dur>[tT]he{_S}(?:past|last){_S}(?:(?P<dn>{_NUMBERS}){_S})?(?P<du>{_UNITS}))\b",
    # three years ago, over a year ago
    "ago": rf"(?P<ago>(?P<mod>{_MODIFIER}{_S})?(?P<an>{_NUMBERS}){_S}(?P<au>{_UNITS}){_S}ago)\b",
    # earlier this month, last year, late last year
    "this": rf"(?P<this>(?:{_alternation(['earlier', 'later', 'early', 'late'])}{_S})?"
    rf"(?P<tw>[tT]his|[lL]ast){_S}(?P<tu>week|month|year))\b",
    # in 2018 (the year alone is the mention)
    "y6": rf"{_alternation(_YEAR_CONTEXT)}{_HYPHEN_OR_SPACE}"
    rf"(?:{_EARLY_MID_LATE}{_HYPHEN_OR_SPACE})?(?P<y6>{_YEAR})",
    # in December (not followed by a day or year, which the forms above take)
    "m6": rf"{_alternation(_MONTH_CONTEXT)}{_HYPHEN_OR_SPACE}(?P<m6>{_MONTH_FULL})(?![a-z])"
    rf"(?!(?:{_S}of|{_S}the)?,?{_S}\d)",
    # on Monday, Sunday night
    "wd": rf"(?P<wd>(?P<wdn>{_WEEKDAY})(?:{_S}(?:night|morning|afternoon|evening))?)(?![a-z])",
    "yt": r"(?P<yt>[yY]esterday|[tT]oday|[tT]onight)(?![\w-])",
}


@cache
def _compile(names: tuple[str, ...]) -> re.Pattern[str]:
    """The alternatives ``names`` of _PATTERNS, in that order (compiled on first use)."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(_PATTERNS[n] for n in names) + ")")


_DATE = _compile(tuple(_PATTERNS))
# The alternatives that can start with a digit, in the same order: tried at a number they
# find what _DATE finds, with less work.
_DATE_AT_DIGIT = _compile(("dmy", "num", "ago"))

# The words each alternative can start with, apart from digits (in any case here: the
# patterns allow fewer). _DATE enters every alternative before it fails, which costs more
# than a match does, so at each word only the alternatives it can start are tried.
_MONTH_WORDS = (*_MONTH_NAMES, *(m[:3] for m in _MONTH_NAMES), "Sept")
_FIRST_WORDS: dict[str, tuple[str, ...]] = {
    "dmy": (*_WEEKDAYS, "the"),
    "mdy": (*_WEEKDAYS, *_MONTH_WORDS),
    "num": (),
    "my": ("early", "mid", "late", *_MONTH_WORDS),
    "dur": ("the",),
    "ago": (*_MODIFIERS, *_NUMBER_VALUE),
    "this": ("earlier", "later", "early", "late", "this", "last"),
    "y6": _YEAR_CONTEXT,
    "m6": _MONTH_CONTEXT,
    "wd": _WEEKDAYS,
    "yt": ("yesterday", "today", "tonight"),
}
_FIRST_WORD_LOWER = {
    name: frozenset(phrase.split()[0].lower() for phrase in phrases)
    for name, phrases in _FIRST_WORDS.items()
}


def _alternatives(starts: Callable[[str], bool]) -> tuple[str, ...]:
    """The alternatives, in _DATE's order, with a first word for which ``starts`` holds."""
    return tuple(n for n in _PATTERNS if any(starts(w) for w in _FIRST_WORD_LOWER[n]))


_WORD_AT = re.compile(r"\w+")

# Every expression contains one of these core tokens at most _MAX_PREFIX characters after
# its start: a digit, a month or weekday name, or a unit word. _CORE finds the capitalised
# and numeric ones in one fast pass (every branch starts with a literal); the lowercase
# words are found with str.find.
_CORE = re.compile(
    "|".join(
        [
            *(rf"{d}\d*" for d in range(10)),
            *(m[:3] for m in _MONTH_NAMES),
            *_WEEKDAYS,
            *("Yesterday", "Today", "Tonight"),
        ]
    )
)
_CORE_WORDS = ("day", "week", "month", "year", "decade", "tonight")
# The same core tokens as keyword gates (lower case, substrings): a sentence without any
# holds no date expression. The pipeline finds them in its one keyword pass. Digits are
# gated on the "19" or "20" of a year, the only digits an expression needs without a month
# or unit word (a numeric date, "in 2018"): the many other numbers of a text are no hits.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "date": (
        "19",
        "20",
        *(m[:3].lower() for m in _MONTH_NAMES),
        *(w.lower() for w in _WEEKDAYS),
        "yesterday",
        "today",
        *_CORE_WORDS,
    )
}
_MAX_PREFIX = 48
# Every word that can come before the core token of an expression.
_PREFIX_WORDS = frozenset(
    word
    for phrase in (
        *_MONTH_CONTEXT,
        *_YEAR_CONTEXT,
        *_MODIFIERS,
        *_NUMBER_VALUE,
        *_WEEKDAYS,
        "the past last this earlier later early mid late just of",
    )
    for word in phrase.lower().split()
)

# The alternatives worth trying at a word (lower case): for the words the scan meets most,
# those with a first word that begins it; else those with a first word of the same letter.
_ALTERNATIVES_AT_WORD = {
    word: _alternatives(word.startswith)
    for word in {
        *_PREFIX_WORDS,
        *(w.lower() for words in _FIRST_WORDS.values() for w in words),
        *_CORE_WORDS,
        *(w + "s" for w in _CORE_WORDS),
        "yesterday",
        "today",
    }
}
_ALTERNATIVES_AT_PREFIX_WORD = {word: _ALTERNATIVES_AT_WORD[word] for word in _PREFIX_WORDS}
_ALTERNATIVES_AT_LETTER = {
    letter: _alternatives(lambda first: first[0] == letter)  # noqa: B023 (called at once)
    for letter in "abcdefghijklmnopqrstuvwxyz"
}

_UNIT_DELTA: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    # unit: (size, margin) as (months, days)
    "year": ((12, 0), (6, 0)),
    "decade": ((120, 0), (60, 0)),
    "month": ((1, 0), (0, 15)),
    "week": ((0, 7), (0, 3)),
    "day": ((0, 1), (0, 0)),  # "ten days ago" names one day
}

# A delta before an anchor, as (months, days).
_Delta = tuple[int, int]
# Place an expression given one anchor date: the interval it denotes.
_Resolver = Callable[[dt.date], tuple[dt.date, dt.date]]


class _Expression(NamedTuple):
    """A date expression found in text, before it is resolved against a publication date."""

    start: int
    end: int
    text: str
    fixed: DateRange | None  # an absolute date, or None when it needs an anchor
    resolve: _Resolver | None
    precision: str  # the precision of the result with an exact anchor
    ago: tuple[_Delta, _Delta] | None = None  # (nearest, farthest) for "N units ago"


# --------------------------------------------------------------------------- public API


def find_dates(
    text: str, *, offset: int = 0, published: DateRange | None = None
) -> list[DateMention]:
    """Find and resolve the date expressions in a piece of text.

    Parameters
    ----------
    text
        Usually one sentence.
    offset
        Added to every offset, so mentions index the article text.
    published
        The publication date (or an interval for it) that relative expressions and
        dates without a year are placed against; ``None`` when unknown.

    Returns
    -------
    list of DateMention
        In text order, non-overlapping. A relative expression that cannot be placed
        because the publication date is unknown is still reported, with
        :data:`UNKNOWN` as its value.
    """
    return [
        DateMention(x.start, x.end, x.text, _value(x, published), x.fixed is None)
        for x in _scan(text, offset)
    ]


def estimate_published(article: Article, sentences: Sequence[Sentence]) -> DateRange:
    """The article's publication date, or bounds for it from its own dates.

    Parameters
    ----------
    article
        Its ``published`` is used when set.
    sentences
        The article's sentences; those in ``end`` and ``related`` sections are ignored.

    Returns
    -------
    DateRange
        ``published`` as a ``"day"`` when known. Otherwise an ``"approximate"`` interval:
        every absolute date the article mentions is a lower bound (except after "by",
        "until", "before": "by 2020" may lie ahead), and a relative
        expression ("over a year ago") whose sentence shares a content word pair with
        a sentence holding an absolute date ("Since the defeat of ISIS in December
        2017" / "Since the defeat of ISIS over a year ago") places it at that date
        plus the relative amount. :data:`UNKNOWN` without any such anchor.
    """
    if article.published is not None:
        return DateRange(article.published, article.published, "day")
    eligible = sorted(
        (s for s in sentences if s.section not in _NO_ANCHOR_SECTIONS), key=lambda s: s.start
    )
    starts = [s.start for s in eligible]
    absolute: list[tuple[DateRange, Sentence]] = []
    relative: list[tuple[tuple[_Delta, _Delta], Sentence]] = []
    if not eligible:
        return UNKNOWN
    # One pass over the text the sentences cover, then find each expression's sentence.
    for x in _scan(article.text, 0, eligible[0].start, eligible[-1].end):
        k = bisect_right(starts, x.start) - 1
        if k < 0 or x.end > eligible[k].end:
            continue
        if x.fixed is not None and x.fixed.start is not None:
            if not _FUTURE_BEFORE.search(article.text, max(0, x.start - 40), x.start):
                absolute.append((x.fixed, eligible[k]))
        elif x.ago is not None:
            relative.append((x.ago, eligible[k]))
    if not absolute:
        return UNKNOWN
    lower = max(value.start for value, _ in absolute if value.start is not None)
    pairs: dict[int, frozenset[tuple[str, str]]] = {}

    def content_pairs(sentence: Sentence) -> frozenset[tuple[str, str]]:
        if sentence.index not in pairs:
            pairs[sentence.index] = _content_pairs(sentence.text)
        return pairs[sentence.index]

    bounds: list[tuple[dt.date, dt.date]] = []
    for (near, far), rel_sentence in relative:
        for value, abs_sentence in absolute:
            if abs_sentence.index == rel_sentence.index or not (
                content_pairs(rel_sentence) & content_pairs(abs_sentence)
            ):
                continue
            assert value.start is not None and value.end is not None
            bounds.append((_after(value.start, near), _after(value.end, far)))
    if bounds:
        start = max(b[0] for b in bounds)
        end = min(b[1] for b in bounds)
        if start > end:  # the anchors disagree: keep their hull
            start, end = min(b[0] for b in bounds), max(b[1] for b in bounds)
        start = max(start, lower)
        if start <= end:
            return DateRange(start, end, "approximate")
    return DateRange(lower, None, "approximate")


# --------------------------------------------------------------------------- scanning


def _scan(text: str, offset: int, start: int = 0, end: int | None = None) -> list[_Expression]:
    """The expressions ``_DATE.finditer(text, start, end)`` would find, found faster.

    Every expression holds a core token (a digit, a month or weekday name, a unit word)
    at most ``_MAX_PREFIX`` characters after its start, preceded only by words from
    ``_PREFIX_WORDS``. So matching is only attempted, in text order and at most once
    per position, at the core's word and the run of such words just before it, and only
    with the alternatives that can start with the word there; the result is the same as
    a full scan (a test checks this).
    """
    if end is None:
        end = len(text)
    first = _CORE.search(text, start, end)
    cores = [] if first is None else [m.start() for m in _CORE.finditer(text, first.start(), end)]
    for word in _CORE_WORDS:
        i = text.find(word, start, end)
        while i >= 0:
            cores.append(i)
            i = text.find(word, i + 1, end)
    if not cores:
        return []
    cores.sort()
    out: list[_Expression] = []
    done = start  # every match start before this has been tried (or lies in a match)
    for core in cores:
        if core < done:
            continue
        word_start, before = _prefix_run(text, core, max(done, core - _MAX_PREFIX))
        m = None
        for candidate, pattern in before:  # earliest first, then the core's word
            if pattern is not None:
                m = pattern.match(text, candidate, end)
                if m is not None:
                    break
        else:
            pattern = _pattern_at(text, word_start)
            if pattern is not None:
                m = pattern.match(text, word_start, end)
        if m is None:
            done = core + 1
            continue
        x = _expression(m, offset)
        if x is not None:
            out.append(x)
        done = m.end()
    return out


def _pattern_at(text: str, start: int) -> re.Pattern[str] | None:
    """The smallest pattern that finds what ``_DATE`` finds at ``start``, a word start;
    ``None`` when no expression can start there."""
    if text[start].isdigit():
        return _DATE_AT_DIGIT
    word = _WORD_AT.match(text, start)
    if word is None:
        return None
    low = word.group().lower()
    names = _ALTERNATIVES_AT_WORD.get(low)
    if names is None:
        names = _ALTERNATIVES_AT_LETTER.get(low[0], ())
    return _compile(names) if names else None


def _prefix_run(
    text: str, core: int, low: int
) -> tuple[int, list[tuple[int, re.Pattern[str] | None]]]:
    """Where an expression holding the core at ``core`` may start, not before ``low``.

    The start of the core's word, and the run of ``_PREFIX_WORDS`` (or numbers) just before
    it (separated by at most four spaces, commas or hyphens), earliest first, each with the
    pattern to try there (``None``: no expression starts with that word).
    """
    start = _word_start(text, core, low)
    word_start = start
    run: list[tuple[int, re.Pattern[str] | None]] = []
    while True:
        sep = start
        while sep > low and start - sep < 4 and (text[sep - 1].isspace() or text[sep - 1] in ",-"):
            sep -= 1
        if sep == start:
            break
        start = _word_start(text, sep, low)
        if start == sep:
            break
        word = text[start:sep]
        if word.isdigit():
            run.append((start, _DATE_AT_DIGIT))
            continue
        names = _ALTERNATIVES_AT_PREFIX_WORD.get(word.lower())
        if names is None:
            break
        run.append((start, _compile(names) if names else None))
    run.reverse()
    return word_start, run


def _word_start(text: str, pos: int, low: int) -> int:
    """The start of the run of word characters ending at ``pos`` (not before ``low``)."""
    while pos > low and (text[pos - 1].isalnum() or text[pos - 1] == "_"):
        pos -= 1
    return pos


def _expression(m: re.Match[str], offset: int) -> _Expression | None:
    kind = m.lastgroup or ""  # the outermost group of the alternative that matched
    s, e = m.span(kind)
    text = m.string[s:e]
    s += offset
    e += offset
    if kind == "y6":  # the most frequent
        value = _year_range(int(m.group("y6")))
        return _Expression(s, e, text, value, None, "year")
    if kind == "dmy" or kind == "mdy":
        day_text, month_text, year_text = (
            m.group("d1", "m1", "y1") if kind == "dmy" else m.group("d2", "m2", "y2")
        )
        day = int(day_text.rstrip("stndrh"))
        month = _month_number(month_text)
        if year_text:
            date = _date(int(year_text), month, day)
            if date is None:
                return None
            return _Expression(s, e, text, DateRange(date, date, "day"), None, "day")
        if _date(2000, month, day) is None:  # 2000 is a leap year
            return None
        return _Expression(s, e, text, None, _last_day_on(month, day), "day")
    if kind == "num":
        parts = m.group("y3", "m3", "d3") if m.group("y3") else m.group("y4", "m4", "d4")
        y, mo, d = (int(v) for v in parts)
        date = _date(y, mo, d) if 1990 <= y <= 2035 else None
        if date is None:
            return None
        return _Expression(s, e, text, DateRange(date, date, "day"), None, "day")
    if kind == "my":
        value = _month_range(int(m.group("y5")), _month_number(m.group("m5")))
        return _Expression(s, e, text, value, None, "month")
    if kind == "m6":
        return _Expression(s, e, text, None, _last_month_on(_month_number(m.group("m6"))), "month")
    if kind == "wd":
        return _Expression(s, e, text, None, _weekday_on(_WEEKDAYS.index(m.group("wdn"))), "day")
    if kind == "yt":
        back = 1 if m.group("yt").lower() == "yesterday" else 0
        return _Expression(s, e, text, None, _days_back(back), "day")
    if kind == "this":
        unit = m.group("tu").lower()
        back = 1 if m.group("tw").lower() == "last" else 0
        precision = "approximate" if unit == "week" else unit
        return _Expression(s, e, text, None, _calendar_unit(unit, back), precision)
    if kind == "ago":
        ago = _ago_deltas(*m.group("mod", "an", "au"))
        if ago is None:
            return None
        return _Expression(s, e, text, None, _ago_interval(*ago), "approximate", ago)
    if kind == "dur":
        count = _count(m.group("dn")) if m.group("dn") else (1, 1)
        if count is None:
            return None
        size, _ = _UNIT_DELTA[m.group("du").lower().rstrip("s")]
        far = (size[0] * count[1], size[1] * count[1])
        return _Expression(s, e, text, None, _up_to(far), "approximate")
    return None


# The resolvers of relative expressions, one shared function per meaning (so that resolved
# values can be cached, see _resolved).


@cache
def _last_day_on(month: int, day: int) -> _Resolver:
    def resolve(anchor: dt.date) -> tuple[dt.date, dt.date]:
        """The latest ``month``/``day`` on or before ``anchor``."""
        year = anchor.year if (month, day) <= (anchor.month, anchor.day) else anchor.year - 1
        for y in range(year, max(year - 8, dt.MINYEAR - 1), -1):
            date = _date(y, month, day)
            if date is not None:
                return date, date
        return anchor, anchor  # unreachable for a valid month/day

    return resolve


@cache
def _last_month_on(month: int) -> _Resolver:
    def resolve(anchor: dt.date) -> tuple[dt.date, dt.date]:
        """The latest calendar ``month`` starting on or before ``anchor``."""
        year = anchor.year if month <= anchor.month else anchor.year - 1
        first = dt.date(max(year, dt.MINYEAR), month, 1)
        return first, _month_end(first)

    return resolve


@cache
def _weekday_on(weekday: int) -> _Resolver:
    def resolve(anchor: dt.date) -> tuple[dt.date, dt.date]:
        # the latest such weekday on or before publication: news style names the
        # weekday for the past seven days, today included
        day = anchor - dt.timedelta(days=(anchor.weekday() - weekday) % 7)
        return day, day

    return resolve


@cache
def _days_back(back: int) -> _Resolver:
    def resolve(anchor: dt.date) -> tuple[dt.date, dt.date]:
        day = anchor - dt.timedelta(days=back)
        return day, day

    return resolve


@cache
def _calendar_unit(unit: str, back: int) -> _Resolver:
    """This (``back`` 0) or last (1) week, month or year."""

    def week(a: dt.date) -> tuple[dt.date, dt.date]:
        monday = a - dt.timedelta(days=a.weekday() + 7 * back)
        return monday, (monday + dt.timedelta(days=6)) if back else a

    def month_of(a: dt.date) -> tuple[dt.date, dt.date]:
        first = _add_months(a.replace(day=1), -back)
        return first, _month_end(first)

    def year_of(a: dt.date) -> tuple[dt.date, dt.date]:
        return dt.date(a.year - back, 1, 1), dt.date(a.year - back, 12, 31)

    return week if unit == "week" else month_of if unit == "month" else year_of


@lru_cache(maxsize=1024)
def _ago_interval(near: _Delta, far: _Delta) -> _Resolver:
    def resolve(a: dt.date) -> tuple[dt.date, dt.date]:
        return _before(a, far), _before(a, near)

    return resolve


@lru_cache(maxsize=1024)
def _up_to(far: _Delta) -> _Resolver:
    def resolve(a: dt.date) -> tuple[dt.date, dt.date]:
        return _before(a, far), a

    return resolve


def _value(x: _Expression, published: DateRange | None) -> DateRange:
    """Resolve an expression against a publication date (or interval)."""
    if x.fixed is not None:
        return x.fixed
    if (
        x.resolve is None
        or published is None
        or published.precision == "unknown"
        or (published.start is None and published.end is None)
    ):
        return UNKNOWN
    return _resolved(x.resolve, x.precision, published)


@lru_cache(maxsize=4096)
def _resolved(resolve: _Resolver, precision: str, published: DateRange) -> DateRange:
    """``resolve`` applied to both ends of ``published``: see :func:`_value`."""
    try:
        start = resolve(published.start)[0] if published.start is not None else None
        end = resolve(published.end)[1] if published.end is not None else None
    except (OverflowError, ValueError):  # an anchor at the very edge of the calendar
        return UNKNOWN
    if start is not None and end is not None and start > end:
        start, end = end, start
    exact_anchor = published.start == published.end and published.precision == "day"
    if exact_anchor or precision == "approximate":
        return DateRange(start, end, precision)
    return DateRange(
        start, end, precision if _span_precision(start, end) == precision else "approximate"
    )


# --------------------------------------------------------------------------- calendar helpers


def _month_number(name: str) -> int:
    name = name.rstrip(".")
    return _MONTH_NUMBER[name] if name in _MONTH_NUMBER else _MONTH_NUMBER[name[:3]]


def _date(year: int, month: int, day: int) -> dt.date | None:
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return None
    return dt.date(year, month, day)


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=_days_in_month(d.year, d.month))


@lru_cache(maxsize=1024)
def _month_range(year: int, month: int) -> DateRange:
    first = dt.date(year, month, 1)
    return DateRange(first, _month_end(first), "month")


@lru_cache(maxsize=256)
def _year_range(year: int) -> DateRange:
    return DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def _add_months(d: dt.date, months: int) -> dt.date:
    """``d`` moved by whole months, the day clamped to the month (and the year to the
    calendar)."""
    if not months:
        return d
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    year = min(max(year, dt.MINYEAR), dt.MAXYEAR)
    day = d.day if d.day <= 28 else min(d.day, _days_in_month(year, month0 + 1))
    return dt.date(year, month0 + 1, day)


def _before(anchor: dt.date, delta: _Delta) -> dt.date:
    """``anchor`` minus ``delta`` (months, days), clamped to the calendar."""
    months, days = delta
    try:
        moved = _add_months(anchor, -months)
        return moved - dt.timedelta(days=days) if days else moved
    except OverflowError:
        return dt.date.min if days > 0 else dt.date.max


def _after(anchor: dt.date, delta: _Delta) -> dt.date:
    """``anchor`` plus ``delta`` (months, days), clamped to the calendar."""
    months, days = delta
    try:
        moved = _add_months(anchor, months)
        return moved + dt.timedelta(days=days) if days else moved
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def _span_precision(start: dt.date | None, end: dt.date | None) -> str:
    """``"day"``, ``"month"`` or ``"year"`` when the interval is exactly one of them."""
    if start is None or end is None:
        return "approximate"
    if start == end:
        return "day"
    if start.day == 1 and end == _month_end(start):
        return "month"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return "year"
    return "approximate"


def _count(word: str) -> tuple[int, int] | None:
    w = " ".join(word.lower().split())
    if w.isdigit():
        n = int(w)
        return (n, n) if n > 0 else None
    return _NUMBER_VALUE.get(w)


@lru_cache(maxsize=1024)
def _ago_deltas(modifier: str | None, number: str, unit: str) -> tuple[_Delta, _Delta] | None:
    """(nearest, farthest) distance before the anchor for "MOD NUMBER UNIT ago"."""
    count = _count(number)
    if count is None:
        return None
    lo, hi = count
    size, margin = _UNIT_DELTA[unit.lower().rstrip("s")]
    mod = " ".join(modifier.lower().split()).removeprefix("just ") if modifier else ""

    def times(n: int) -> _Delta:
        return (size[0] * n, size[1] * n)

    def minus(a: _Delta, b: _Delta) -> _Delta:
        return (a[0] - b[0], a[1] - b[1])

    def plus(a: _Delta, b: _Delta) -> _Delta:
        return (a[0] + b[0], a[1] + b[1])

    if mod in ("over", "more than", "at least"):
        return times(lo), times(hi + 1)
    if mod in ("nearly", "almost"):
        return minus(times(lo), margin), times(hi)
    if mod in ("less than", "under"):
        return times(lo - 1), times(hi)
    return minus(times(lo), margin), plus(times(hi), margin)


# --------------------------------------------------------------------------- anchor pairs

_PUNCTUATION = "\"'“”‘’«»()[]{}.,;:!?…-–—"
_STOPWORDS = frozenset(
    [
        *_words(
            "a an the and or but nor of in on at to for from by with without within into onto over "
            "under about above below after before since until during through throughout across "
            "along against among between as than that this these those there here it its it's he "
            "she they them his her their our we us you your i me my is are was were be been being "
            "has have had do does did not no so if then when while which who whom whose what where "
            "why how also said says say told tells according more most less least some any all "
            "each every other such only just very can could will would shall should may might must "
            "ago year years month months week weeks day days decade decades last earlier later "
            "early late mid past recent recently today yesterday tonight one two three four five "
            "six seven eight nine ten"
        ),
        *(w.lower() for w in _MONTH_NAMES + _WEEKDAYS),
    ]
)


def _content_pairs(text: str) -> frozenset[tuple[str, str]]:
    """Consecutive content words (stopwords and date words removed) as pairs."""
    words = [
        w
        for w in (token.strip(_PUNCTUATION) for token in text.lower().split())
        if w[:1].isalpha() and w not in _STOPWORDS
    ]
    return frozenset(pairwise(words))
