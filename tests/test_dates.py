"""Tests for bordermap.dates: finding and resolving date expressions, and the publication date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bordermap import dates
from bordermap._hints import ascii_lower
from bordermap.articles import parse_article, read_article
from bordermap.dates import UNKNOWN, DateRange, estimate_published, find_dates
from bordermap.sentences import split_sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

D = dt.date
# Wednesday 25 April 2018.
PUB = DateRange(D(2018, 4, 25), D(2018, 4, 25), "day")
# Between December 2018 and the end of 2019 (seed 002's estimate).
PUB_RANGE = DateRange(D(2018, 12, 1), D(2019, 12, 31), "approximate")
PUB_MONTH = DateRange(D(2018, 4, 1), D(2018, 4, 30), "month")


def one(text: str, published: DateRange | None) -> dates.DateMention:
    found = find_dates(text, published=published)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------- find_dates


@pytest.mark.parametrize(
    ("text", "published", "mention", "expected", "relative"),
    [
        # explicit days
        ("on April 19th", PUB, "April 19th", (D(2018, 4, 19), D(2018, 4, 19), "day"), True),
        ("on 19 April", PUB, "19 April", (D(2018, 4, 19), D(2018, 4, 19), "day"), True),
        (
            "on the 19th of April",
            PUB,
            "the 19th of April",
            (D(2018, 4, 19), D(2018, 4, 19), "day"),
            True,
        ),
        ("on April 26", PUB, "April 26", (D(2017, 4, 26), D(2017, 4, 26), "day"), True),
        ("on April 25", PUB, "April 25", (D(2018, 4, 25), D(2018, 4, 25), "day"), True),
        ("on Feb. 29", PUB, "Feb. 29", (D(2016, 2, 29), D(2016, 2, 29), "day"), True),
        ("April 19, 2018", PUB, "April 19, 2018", (D(2018, 4, 19), D(2018, 4, 19), "day"), False),
        ("April 19, 2018", None, "April 19, 2018", (D(2018, 4, 19), D(2018, 4, 19), "day"), False),
        ("19 April 2018", None, "19 April 2018", (D(2018, 4, 19), D(2018, 4, 19), "day"), False),
        (
            "on Thursday, 19 April 2018",
            None,
            "Thursday, 19 April 2018",
            (D(2018, 4, 19), D(2018, 4, 19), "day"),
            False,
        ),
        ("Sept. 11, 2001", None, "Sept. 11, 2001", (D(2001, 9, 11), D(2001, 9, 11), "day"), False),
        ("on 19/4/2018", None, "19/4/2018", (D(2018, 4, 19), D(2018, 4, 19), "day"), False),
        ("on 2018-04-19", None, "2018-04-19", (D(2018, 4, 19), D(2018, 4, 19), "day"), False),
        # months
        ("December 2017", None, "December 2017", (D(2017, 12, 1), D(2017, 12, 31), "month"), False),
        (
            "mid-December 2017",
            None,
            "mid-December 2017",
            (D(2017, 12, 1), D(2017, 12, 31), "month"),
            False,
        ),
        ("in December", PUB, "December", (D(2017, 12, 1), D(2017, 12, 31), "month"), True),
        ("in April", PUB, "April", (D(2018, 4, 1), D(2018, 4, 30), "month"), True),
        (
            "earlier this month",
            PUB,
            "earlier this month",
            (D(2018, 4, 1), D(2018, 4, 30), "month"),
            True,
        ),
        ("last month", PUB, "last month", (D(2018, 3, 1), D(2018, 3, 31), "month"), True),
        # years
        ("In 2018", None, "2018", (D(2018, 1, 1), D(2018, 12, 31), "year"), False),
        ("in 2017,", PUB, "2017", (D(2017, 1, 1), D(2017, 12, 31), "year"), False),
        ("since 1991", None, "1991", (D(1991, 1, 1), D(1991, 12, 31), "year"), False),
        ("by the end of 2017", None, "2017", (D(2017, 1, 1), D(2017, 12, 31), "year"), False),
        ("in mid-2014", None, "2014", (D(2014, 1, 1), D(2014, 12, 31), "year"), False),
        ("last year", PUB, "last year", (D(2017, 1, 1), D(2017, 12, 31), "year"), True),
        ("this year", PUB, "this year", (D(2018, 1, 1), D(2018, 12, 31), "year"), True),
        # weekdays and days around publication
        ("on Monday", PUB, "Monday", (D(2018, 4, 23), D(2018, 4, 23), "day"), True),
        ("on Wednesday", PUB, "Wednesday", (D(2018, 4, 25), D(2018, 4, 25), "day"), True),  # today
        ("on Tuesday", PUB, "Tuesday", (D(2018, 4, 24), D(2018, 4, 24), "day"), True),
        ("Sunday night", PUB, "Sunday night", (D(2018, 4, 22), D(2018, 4, 22), "day"), True),
        ("yesterday", PUB, "yesterday", (D(2018, 4, 24), D(2018, 4, 24), "day"), True),
        ("Today", PUB, "Today", (D(2018, 4, 25), D(2018, 4, 25), "day"), True),
        ("last week", PUB, "last week", (D(2018, 4, 16), D(2018, 4, 22), "approximate"), True),
        # relative expressions
        (
            "three years ago",
            PUB,
            "three years ago",
            (D(2014, 10, 25), D(2015, 10, 25), "approximate"),
            True,
        ),
        (
            "Three years ago",
            PUB,
            "Three years ago",
            (D(2014, 10, 25), D(2015, 10, 25), "approximate"),
            True,
        ),
        (
            "ten days ago",
            PUB,
            "ten days ago",
            (D(2018, 4, 15), D(2018, 4, 15), "approximate"),
            True,
        ),
        ("21 days ago", PUB, "21 days ago", (D(2018, 4, 4), D(2018, 4, 4), "approximate"), True),
        (
            "two weeks ago",
            PUB,
            "two weeks ago",
            (D(2018, 4, 8), D(2018, 4, 14), "approximate"),
            True,
        ),
        (
            "six months ago",
            PUB,
            "six months ago",
            (D(2017, 10, 10), D(2017, 11, 9), "approximate"),
            True,
        ),
        ("a year ago", PUB, "a year ago", (D(2016, 10, 25), D(2017, 10, 25), "approximate"), True),
        (
            "over a year ago",
            PUB,
            "over a year ago",
            (D(2016, 4, 25), D(2017, 4, 25), "approximate"),
            True,
        ),
        (
            "more than two years ago",
            PUB,
            "more than two years ago",
            (D(2015, 4, 25), D(2016, 4, 25), "approximate"),
            True,
        ),
        (
            "nearly two years ago",
            PUB,
            "nearly two years ago",
            (D(2016, 4, 25), D(2016, 10, 25), "approximate"),
            True,
        ),
        (
            "less than a month ago",
            PUB,
            "less than a month ago",
            (D(2018, 3, 25), D(2018, 4, 25), "approximate"),
            True,
        ),
        (
            "a few days ago",
            PUB,
            "a few days ago",
            (D(2018, 4, 21), D(2018, 4, 23), "approximate"),
            True,
        ),
        (
            "two decades ago",
            PUB,
            "two decades ago",
            (D(1993, 4, 25), D(2003, 4, 25), "approximate"),
            True,
        ),
        (
            "over the past three years",
            PUB,
            "the past three years",
            (D(2015, 4, 25), D(2018, 4, 25), "approximate"),
            True,
        ),
        # publication unknown: the mention is still reported
        ("on April 19th", None, "April 19th", (None, None, "unknown"), True),
        ("three years ago", None, "three years ago", (None, None, "unknown"), True),
        ("on Monday", UNKNOWN, "Monday", (None, None, "unknown"), True),
        # publication an interval: the uncertainty carries over
        (
            "in December",
            PUB_RANGE,
            "December",
            (D(2018, 12, 1), D(2019, 12, 31), "approximate"),
            True,
        ),
        (
            "three years ago",
            PUB_RANGE,
            "three years ago",
            (D(2015, 6, 1), D(2017, 6, 30), "approximate"),
            True,
        ),
        ("on Monday", PUB_RANGE, "Monday", (D(2018, 11, 26), D(2019, 12, 30), "approximate"), True),
        (
            "December 2017",
            PUB_RANGE,
            "December 2017",
            (D(2017, 12, 1), D(2017, 12, 31), "month"),
            False,
        ),
        ("last year", PUB_MONTH, "last year", (D(2017, 1, 1), D(2017, 12, 31), "year"), True),
        ("last month", PUB_MONTH, "last month", (D(2018, 3, 1), D(2018, 3, 31), "month"), True),
        (
            "yesterday",
            PUB_MONTH,
            "yesterday",
            (D(2018, 3, 31), D(2018, 4, 29), "approximate"),
            True,
        ),
    ],
)
def test_find_dates(
    text: str,
    published: DateRange | None,
    mention: str,
    expected: tuple[dt.date | None, dt.date | None, str],
    relative: bool,
) -> None:
    found = one(text, published)
    assert found.text == mention
    assert text[found.start : found.end] == mention
    assert (found.value.start, found.value.end, found.value.precision) == expected
    assert found.relative is relative


@pytest.mark.parametrize(
    "text",
    [
        "2,000 fighters crossed",
        "Security Council Resolution 2254",
        "Iraqi Air Force F-16 fighter jets",
        "killing 36 of the group's elements and commanders",
        "Comment Policy * Denotes Required Field 1500 / 1500",
        "they may return",
        "the mayor of al-Qaim",
        "the March to Mosul",
        "a Sunni tribe",
        "in 1500 homes",
        "in 2,018 homes",
        "on route 2018.5",
        "since 36 years",
        "on 31/2/2018",
        "on 30 February 2018",
        "three days later",
    ],
)
def test_no_false_dates(text: str) -> None:
    assert find_dates(text, published=PUB) == []


def test_offsets_and_order() -> None:
    text = "Since the defeat of ISIS in Iraq in December 2017, and in 2018, three years ago."
    found = find_dates(text, offset=100, published=PUB)
    assert [m.text for m in found] == ["December 2017", "2018", "three years ago"]
    for m in found:
        assert text[m.start - 100 : m.end - 100] == m.text


# --------------------------------------------------------------------------- estimate_published


def test_published_from_front_matter() -> None:
    article = parse_article("---\npublished: 2018-04-25\n---\nT\n\nIn 2017 it fell.\n", "x")
    assert estimate_published(article, split_sentences(article)) == PUB


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("002_f6459c5b22a4b497.txt", DateRange(D(2018, 12, 1), D(2019, 12, 31), "approximate")),
        ("000_487561956ce51ea4.txt", UNKNOWN),
    ],
)
def test_estimate_published_seeds(path: str, expected: DateRange) -> None:
    article = read_article(SEEDS / path)
    estimate = estimate_published(article, split_sentences(article))
    assert estimate == expected
    if estimate.start is not None:
        assert estimate.start >= D(2018, 12, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # absolute dates only: the latest is a lower bound
            "T\n\nThe army took Mosul in July 2017. In 2016 it began.\n",
            DateRange(D(2017, 7, 1), None, "approximate"),
        ),
        (  # an anchor pair: "seized Mosul" in both sentences
            "T\n\nISIS seized Mosul in June 2014. The town fell.\n\n"
            "When ISIS seized Mosul three years ago, the army fled.\n",
            DateRange(D(2016, 12, 1), D(2017, 12, 30), "approximate"),  # June 30 + 3.5 years
        ),
        (  # no shared content words: no anchor pair
            "T\n\nISIS seized Mosul in June 2014.\n\nThree years ago the army fled.\n",
            DateRange(D(2014, 6, 1), None, "approximate"),
        ),
        (  # "by 2020" may lie after publication
            "T\n\nIn 2017 the army said it would finish by 2020. It will.\n",
            DateRange(D(2017, 1, 1), None, "approximate"),
        ),
        (  # dates in reader comments are not the article's
            "T\n\nIn 2017 the town fell.\n\nDo you like this article?\n\nPosted in 2021\n",
            DateRange(D(2017, 1, 1), None, "approximate"),
        ),
        ("T\n\nThree years ago the town fell on Monday.\n", UNKNOWN),
        ("T\n\nNo dates here.\n", UNKNOWN),
    ],
)
def test_estimate_published(text: str, expected: DateRange) -> None:
    article = parse_article(text, "x")
    assert estimate_published(article, split_sentences(article)) == expected


# --------------------------------------------------------------------------- properties

WORDS = [
    *["in ", "on ", "since ", "the ", "of ", "by ", "last ", "this ", "earlier ", "over ", "a "],
    *["more than ", "nearly ", "three ", "ten ", "few ", "mid-", "late ", "the past "],
    *["April ", "May ", "Sept. ", "December ", "Monday ", "Sunday night ", "yesterday "],
    *["day", "days ", "weeks ", "month ", "years ", "decades ", "ago", " ago. ", "year "],
    *["19", "19th ", "2,000 ", "2017", "2018 ", "1999", "36 ", "2254 ", "/", "-", ", ", ". "],
    *["\n", "\u00a0", "  ", "x", "F-16 ", "Mayor ", "Today"],
]
DATE_TEXT = st.one_of(
    st.text(max_size=200), st.lists(st.sampled_from(WORDS), max_size=40).map("".join)
)
ANCHORS = st.one_of(
    st.none(),
    st.just(UNKNOWN),
    st.dates(D(1990, 1, 1), D(2035, 12, 31)).map(lambda d: DateRange(d, d, "day")),
    st.tuples(st.dates(D(1990, 1, 1), D(2035, 12, 31)), st.integers(0, 800)).map(
        lambda t: DateRange(t[0], t[0] + dt.timedelta(days=t[1]), "approximate")
    ),
    st.dates().map(lambda d: DateRange(d, d, "day")),  # the whole calendar, edges included
)


@settings(max_examples=400, deadline=None)
@given(DATE_TEXT, ANCHORS, st.integers(0, 1000))
def test_property_mentions(text: str, published: DateRange | None, offset: int) -> None:
    previous_end = offset
    for m in find_dates(text, offset=offset, published=published):
        assert previous_end <= m.start < m.end <= offset + len(text)
        assert text[m.start - offset : m.end - offset] == m.text
        value = m.value
        assert value.precision in dates.PRECISIONS
        if value.start is not None and value.end is not None:
            assert value.start <= value.end
        if value.precision == "unknown":
            assert value == UNKNOWN
        previous_end = m.end


@settings(max_examples=400, deadline=None)
@given(DATE_TEXT)
def test_property_fast_scan_matches_full_scan(text: str) -> None:
    """The core-anchored scan finds exactly what a plain regex scan over every position does."""

    def key(x: dates._Expression) -> tuple:
        return (x.start, x.end, x.text, x.fixed, x.precision, x.ago)

    full = [dates._expression(m, 0) for m in dates._DATE.finditer(text)]
    assert [key(x) for x in dates._scan(text, 0)] == [key(x) for x in full if x is not None]


@settings(max_examples=200, deadline=None)
@given(DATE_TEXT)
def test_property_estimate_published(text: str) -> None:
    article = parse_article("Title\n\n" + text, "x")
    estimate = estimate_published(article, split_sentences(article))
    assert estimate.precision in ("approximate", "unknown")
    if estimate.start is not None and estimate.end is not None:
        assert estimate.start <= estimate.end


@settings(max_examples=400, deadline=None)
@given(DATE_TEXT)
def test_property_keywords_gate(text: str) -> None:
    """A text holding none of the keywords the pipeline gates on holds no date expression."""
    if not any(k in ascii_lower(text) for k in dates.KEYWORDS["date"]):
        assert dates._scan(text, 0) == []


@settings(max_examples=300, deadline=None)
@given(DATE_TEXT)
def test_property_first_words(text: str) -> None:
    """Each alternative starts with a digit or one of its first words, as the scan assumes."""
    for name in dates._PATTERNS:
        for m in dates._compile((name,)).finditer(text):
            rest = text[m.start() :].lower()
            assert rest[:1].isdigit() or any(
                rest.startswith(w) for w in dates._FIRST_WORD_LOWER[name]
            ), (name, m.group())
