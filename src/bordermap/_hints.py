"""One pass over an article for every keyword that the stages gate their regexes on.

Python's ``re`` scans text at tens of nanoseconds per character for each pattern, and
the stages have dozens of patterns. Most sentences hold none of the words a pattern
needs, so one Aho–Corasick pass (C speed) over the lower-cased text finds them all, and
each stage then runs a pattern only on the sentences, or the windows, that hold its
keywords. Keywords are *gates*: a stage must give the same result with or without them.
"""

from __future__ import annotations

import re
import string
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence

import ahocorasick

# Lower-cases ASCII only, so offsets in the lower-cased text are offsets in the text.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def ascii_lower(text: str) -> str:
    """``text`` lower-cased with every offset kept: ``len(ascii_lower(t)) == len(t)``.

    ``str.lower`` is fast but may lengthen a string ("İ" becomes two characters); then
    only A–Z are lower-cased.
    """
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


# category -> [(offset into the article text, keyword)]
SentenceHints = dict[str, list[tuple[int, str]]]


class Hints:
    """An automaton over keyword categories.

    Parameters
    ----------
    categories
        Category name → keywords (ASCII, matched case-insensitively as substrings).
    """

    def __init__(self, categories: Mapping[str, Iterable[str]]) -> None:
        table: dict[str, list[str]] = {}
        for category, words in categories.items():
            for word in words:
                cats = table.setdefault(word.lower(), [])
                if category not in cats:
                    cats.append(category)
        self._automaton = ahocorasick.Automaton()
        for word, cats in table.items():
            self._automaton.add_word(word, (len(word), tuple(cats), word))
        self._automaton.make_automaton()

    def scan(self, text: str, spans: Sequence[tuple[int, int]]) -> list[SentenceHints]:
        """Keyword hits per span (sentence), in the order of ``spans`` (sorted by start,
        not overlapping). A hit counts for the span that holds all of it."""
        out: list[SentenceHints] = [{} for _ in spans]
        ends = [b for _, b in spans]
        i, last = 0, len(spans)
        # hits come by their end offsets, in order: follow the span that can hold the end
        for end, (n, cats, word) in self._automaton.iter(ascii_lower(text)):
            while i < last and ends[i] <= end:
                i += 1
            if i == last:
                break
            a = end - n + 1
            if a < spans[i][0]:
                continue
            hits, hit = out[i], (a, word)
            for c in cats:
                if c in hits:
                    hits[c].append(hit)
                else:
                    hits[c] = [hit]
        return out


def finditer_at_starts(
    pattern: re.Pattern[str],
    starts: re.Pattern[str],
    text: str,
    pos: int = 0,
    endpos: int = sys.maxsize,
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos, endpos)``, trying ``pattern`` only where ``starts`` matches.

    ``re`` skips quickly to where a match may start only when a pattern begins with a
    literal or a character set; a pattern that begins with ``\\b`` or an optional group
    is tried in full at every position. ``starts`` must match (it may match more) wherever
    a match of ``pattern`` starts, and ``pattern`` must not match the empty string.
    """
    scan, match = starts.search, pattern.match
    while (c := scan(text, pos, endpos)) is not None:
        m = match(text, c.start(), endpos)
        if m is None:
            pos = c.start() + 1
        else:
            yield m
            pos = m.end()
