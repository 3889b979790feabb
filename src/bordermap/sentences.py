"""Sentence segmentation with offsets into the whole article text.

:func:`split_sentences` splits every section of an :class:`~bordermap.articles.Article`
except the front matter into :class:`Sentence` records. It is rule-based: a regex finds
candidate ends (``.``, ``?``, ``!``, ellipses, with any closing quotes or brackets) and a
few rules reject the ones inside abbreviations ("Gen.", "U.S.", "e.g."), initials
("J. R. Smith"), decimals ("3.5") and before a lowercase continuation
(``"… any more," he said.`` stays one sentence). Sentences run together without a space
("inside Syria.The jets") are split at the dot. A line break ends a sentence unless the
line is hard-wrapped (it does not end in terminal punctuation and the next line starts
lowercase); a blank line always does. Title, kicker, byline and heading lines are one
sentence each.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from bordermap._records import fast_init
from bordermap.articles import Article


@fast_init
@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text == article.text[start:end]``.

    ``paragraph`` counts paragraphs from 0 over the whole article, ``section`` is
    the kind of the article section the sentence lies in.
    """

    index: int
    start: int
    end: int
    text: str
    paragraph: int
    section: str


# Section kinds whose lines are sentences as they stand.
LINE_SECTIONS = frozenset({"kicker", "title", "byline", "heading"})

# A line without its surrounding whitespace (no ``^``: it must work from any ``pos``).
_LINE = re.compile(r"\S(?:[^\n]*\S)?")
_PARAGRAPH_GAP = re.compile(r"\n(?:[^\S\n]*\n)+")
_FIRST_NONBLANK = re.compile(r"\S")
# A candidate sentence end: terminal punctuation, then closing quotes/brackets.
_TERMINAL = re.compile(r"([.!?…][.!?…]*)([\"'”’»)\]]*)")
# The same for text without "!", "?" or "…": a literal first character scans much faster.
_TERMINAL_DOT = re.compile(r"(\.[.!?…]*)([\"'”’»)\]]*)")
_ENDS_SENTENCE = re.compile(r"(?:\.|[!?…])[\"'”’»)\]]*$")
_OPENERS = frozenset("\"'“‘«([")
_PREV_TOKEN = re.compile(r"[A-Za-z][A-Za-z.]*$")
_NEXT_WORD = re.compile(r"[A-Za-z]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Longer than every abbreviation below.
_LONG_WORD = 7
# Abbreviations after which a capitalised word does not start a new sentence.
_TITLE_ABBREVIATIONS = _words(
    "mr mrs ms messrs dr gen col lt maj brig sgt capt cpt cmdr cdr adm lieut cpl pvt prof rev "
    "sen rep gov pres amb st mt ft vs v approx est fig dept hon cf viz"
)
# Abbreviations that do not end a sentence before a number ("No. 5", "Jan. 12").
_NUMBER_ABBREVIATIONS = _words(
    "no nos art vol p pp jan feb mar apr jun jul aug sep sept oct nov dec"
)
# Dotted abbreviations that never end a sentence.
_NEVER_FINAL = _words("e.g i.e c.f")
# After a dotted acronym ("U.S.", "a.m.") a sentence ends only before one of these.
_SENTENCE_STARTERS = _words(
    "the a an it he she they we i this that these those there in on at but and so yet "
    "however meanwhile his her their its our as after before when while since if"
)


def split_sentences(article: Article) -> tuple[Sentence, ...]:
    """Split an article into sentences.

    Parameters
    ----------
    article
        The article; its sections decide where sentences may lie. Sections of kind
        ``end`` and ``related`` are split too, their sentences carrying that
        ``section`` value so later stages can skip them.

    Returns
    -------
    tuple of Sentence
        In text order, non-overlapping, each stripped of surrounding whitespace and
        non-empty, with ``article.text[s.start:s.end] == s.text``.
    """
    text = article.text
    first = _FIRST_NONBLANK.search(text)
    lead = first.start() if first else len(text)
    gaps = [m.end() for m in _PARAGRAPH_GAP.finditer(text, lead)]
    spans: list[tuple[int, int, str]] = []
    for section in article.sections:
        kind, start, end = section.kind, section.start, section.end
        if kind == "front_matter":
            continue
        if kind in LINE_SECTIONS:
            if text.find("\n", start, end) < 0:  # one line
                piece = text[start:end]
                stripped = piece.strip()
                left = start + len(piece) - len(piece.lstrip())
                pieces = [(left, left + len(stripped))] if stripped else []
            else:
                pieces = [m.span() for m in _LINE.finditer(text, start, end)]
        else:
            pieces = _split_span(text, start, end)
        spans.extend((s, e, kind) for s, e in pieces)
    return tuple(
        Sentence(i, s, e, text[s:e], bisect_right(gaps, s), kind)
        for i, (s, e, kind) in enumerate(spans)
    )


def split_text(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split a span of text into sentence spans, without looking at article structure.

    Parameters
    ----------
    text
        The whole text the offsets index.
    start, end
        The span to split (default: all of ``text``).

    Returns
    -------
    list of (int, int)
        ``(start, end)`` offsets of stripped, non-empty sentences in order.
    """
    return _split_span(text, start, len(text) if end is None else end)


def _split_span(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in ``text[start:end]``: lines joined when hard-wrapped, then split."""
    out: list[tuple[int, int]] = []
    # Only "." ends sentences here? A regex with a literal first character scans faster.
    terminal = (
        _TERMINAL_DOT
        if text.find("?", start, end) < 0
        and text.find("!", start, end) < 0
        and text.find("…", start, end) < 0
        else _TERMINAL
    )
    if text.find("\n", start, end) < 0:  # one line, the usual paragraph
        line = _LINE.search(text, start, end)
        if line is not None:
            _split_group(text, line.start(), line.end(), terminal, out)
        return out
    group_start = group_end = -1
    for m in _LINE.finditer(text, start, end):
        s, e = m.span()
        if (
            group_start >= 0
            and text[s].islower()
            and text.count("\n", group_end, s) == 1
            and _ENDS_SENTENCE.search(text, max(group_start, group_end - 8), group_end) is None
        ):
            group_end = e  # a hard-wrapped line goes on
            continue
        if group_start >= 0:
            _split_group(text, group_start, group_end, terminal, out)
        group_start, group_end = s, e
    if group_start >= 0:
        _split_group(text, group_start, group_end, terminal, out)
    return out


def _split_group(
    text: str, start: int, end: int, terminal: re.Pattern[str], out: list[tuple[int, int]]
) -> None:
    """Append the sentence spans of one run of text (no paragraph break inside) to ``out``."""
    sent_start = start
    for m in terminal.finditer(text, start, end):
        p = m.end()
        if p >= end:
            break
        nxt = _boundary(text, m, end)
        if nxt < 0 or nxt <= sent_start:
            continue
        # Both ends are already tight: ``start`` and each ``nxt`` are non-space, and a
        # sentence ends right after its punctuation (and closing quotes).
        out.append((sent_start, p))
        sent_start = nxt
    out.append((sent_start, end))


def _boundary(text: str, m: re.Match[str], end: int) -> int:
    """Where the next sentence starts if candidate ``m`` ends one, else -1."""
    term, closers = m.group(1), m.group(2)
    p = m.end()
    c = text[p]
    if not c.isspace():
        # Run together: "Syria.The", 'executed."Iraqi', "now?What".
        if not (c.isupper() and p + 1 < end and text[p + 1].islower()):
            return -1
        if term == "." and not closers:
            token = _previous_token(text, m.start())
            if len(token) < 2 or "." in token or token.lower() in _TITLE_ABBREVIATIONS:
                return -1
        return p
    q_end = p + 1  # usually one space: plain loops beat regex calls here
    while q_end < end and text[q_end].isspace():
        q_end += 1
    if q_end >= end:
        return -1
    r_end = q_end
    while r_end < end and text[r_end] in _OPENERS:
        r_end += 1
    if r_end >= end:
        return q_end
    first = text[r_end]
    if first.islower():
        return -1
    if term != "." or closers:
        return q_end
    token = _previous_token(text, m.start())
    if not token:
        return q_end
    low = token.lower()
    if "." in token:  # a dotted acronym: U.S., U.N., a.m., e.g.
        if low in _NEVER_FINAL:
            return -1
        word = _NEXT_WORD.match(text, r_end, end)
        if word is None or word.group().lower() not in _SENTENCE_STARTERS:
            return -1
        return q_end
    if len(token) == 1 and token.isupper():  # an initial: "J. R. Smith"
        return -1
    if low in _TITLE_ABBREVIATIONS:
        return -1
    if low in _NUMBER_ABBREVIATIONS and first.isdigit():
        return -1
    return q_end


def _previous_token(text: str, pos: int) -> str:
    """The letters-and-dots word that ends at ``pos`` ("Gen", "U.S", "e.g")."""
    tail = text[pos - _LONG_WORD : pos] if pos >= _LONG_WORD else ""
    if tail.isalpha():  # a long word, the usual case: no abbreviation is that long
        return tail
    window = text[max(0, pos - 16) : pos]
    m = _PREV_TOKEN.search(window)
    if m is None:
        return ""
    if m.start() > 0 and (window[m.start() - 1].isalnum() or window[m.start() - 1] in "_"):
        return window[m.start() - 1] + m.group()  # part of a longer word: not an abbreviation
    return m.group()
