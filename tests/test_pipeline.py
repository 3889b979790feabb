"""The pipeline as a whole: invariants that must hold for any text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bordermap._hints import Hints
from bordermap.articles import parse_article, read_article
from bordermap.events import find_triggers
from bordermap.gazetteer import load
from bordermap.pipeline import _ATTRIBUTION, _ATTRIBUTION_VERBS, Extractor, _attribution
from bordermap.sentences import split_sentences

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = sorted([*ROOT.glob("seeds/*.txt"), *ROOT.glob("tests/articles/*.txt")])


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load())


# Text built from the words the stages care about, so that the properties reach the
# interesting branches, not only the empty ones.
WORDS = st.sampled_from(
    [
        "Iraqi",
        "forces",
        "airstrikes",
        "across the border",
        "inside Syria",
        "on Syrian territory",
        "the border strip between Iraq and Syria",
        "al-Qaim",
        "Albu Kamal",
        "Sinjar",
        "Anbar",
        "al-Jazeera",
        "Al Jazeera",
        "region",
        "outposts",
        "thermal cameras",
        "will be erected",
        "patrols",
        "raids",
        "killing 36",
        "he said",
        "Rasul said",
        "said Naeem al-Koud",
        "“",
        "”",
        '"',
        ".",
        ",",
        "\n",
        "\n\n",
        "\u00a0",
        "April 19th",
        "three years ago",
        "In 2018",
        "Islamic State of Iraq and Syria",
        "Syrian Democratic Forces",
        "Do you like this article?",
        "near Wadi Hauran",
        "the town",
        "Iraq's",
        "HIT,",
        "Syria.The",
        "---",
        "title: x",
        "é",
        "ـ",
    ]
)
ARTICLE_TEXT = st.lists(WORDS, max_size=60).map(" ".join) | st.text(max_size=400)


def _check_offsets(text: str, features) -> None:
    ids = set()
    for f in features:
        assert text[f.mention_start : f.mention_end] == f.mention
        assert text[f.quote_start : f.quote_end] == f.quote
        assert f.quote_start <= f.mention_start < f.mention_end <= f.quote_end
        if f.date_start and f.date_end:
            assert f.date_start <= f.date_end
        assert f.feature_id not in ids
        ids.add(f.feature_id)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ARTICLE_TEXT)
def test_extraction_never_crashes_and_offsets_hold(extractor, text):
    try:
        article = parse_article(text, "prop")
    except ValueError:
        return  # broken front matter is an ArticleError, reported per file
    result = extractor.extract(article)
    _check_offsets(article.text, result.features)
    for u in result.unresolved:
        assert article.text[u.start : u.end] == u.text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ARTICLE_TEXT)
def test_keyword_gates_never_change_a_result(extractor, text):
    try:
        article = parse_article(text, "prop")
    except ValueError:
        return
    sentences = split_sentences(article)
    hints = extractor.hints.scan(article.text, [(s.start, s.end) for s in sentences])
    gated = extractor.matcher.find(article.text, sentences, hints=hints)
    plain = extractor.matcher.find(article.text, sentences)
    assert gated == plain
    for s in sentences:
        assert find_triggers(s, hints[s.index]) == find_triggers(s)


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_gates_on_the_articles(extractor, path):
    article = read_article(path)
    sentences = split_sentences(article)
    hints = extractor.hints.scan(article.text, [(s.start, s.end) for s in sentences])
    assert extractor.matcher.find(article.text, sentences, hints=hints) == extractor.matcher.find(
        article.text, sentences
    )


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_features_are_stable_and_unique(extractor, path):
    article = read_article(path)
    first = extractor.extract(article).features
    again = Extractor(extractor.gazetteer).extract(read_article(path)).features
    assert [f.properties() for f in first] == [f.properties() for f in again]
    _check_offsets(article.text, first)


PHRASE_TEXT = st.lists(
    st.sampled_from([
        "the", "border", "common", "Syrian-Iraqi", "Iraqi", "Syrian", "strip", "between", "Iraq",
        "and", "Syria", "across", "into", "inside", "within", "beyond", "over", "on", "deep",
        "territory", "soil", "the two countries share", "towns", "with", "frontier", "guards",
        "cross-border", ",", ".", "\u00a0", "Turkish", "shared",
    ]),
    max_size=40,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=PHRASE_TEXT)
def test_phrase_windows_find_what_a_full_scan_finds(text):
    from bordermap import mentions as m

    low = m.ascii_lower(text)
    for pattern, keys, before, after in (
        (m._CROSS_LC, m._CROSS_KEYS, 16, 80),
        (m._BORDER_LC, m._BORDER_KEYS, 64, 80),
    ):
        at = [k.start() for k in keys.finditer(low)]
        windowed = [x.span() for x in m._windowed(pattern, low, at, before, after)]
        # windows also see matches inside longer ones; mention selection (longest first)
        # drops those, so the maximal matches are what must agree
        assert _maximal(windowed) == _maximal([x.span() for x in pattern.finditer(low)])


def _maximal(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]


ATTRIBUTION_PIECES = [
    *("said", "Said", "told", "he", "she", "He", ",", "added", "noted", "warned", "stressed"),
    *("Yahya", "Rasul", "the", "official", "unsaid", "shesaid", "stated.", "Ali."),
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(ATTRIBUTION_PIECES),
            st.sampled_from(["", " ", "  ", "\u00a0", ",", "\n"]),
        ),
        min_size=1,
        max_size=14,
    ),
    st.integers(min_value=0, max_value=200),
)
def test_attribution_is_found_where_the_full_search_finds_it(pieces, pos):
    text = "".join(a + b for a, b in pieces)
    pos = min(pos, len(text))
    hits = Hints({"p-verb": _ATTRIBUTION_VERBS}).scan(text, [(0, len(text))])[0]
    verbs = [a for a, _ in hits.get("p-verb", [])]
    full = _ATTRIBUTION.search(text, pos)
    found = _attribution(text, pos, verbs)
    assert (found.span() if found else None) == (full.span() if full else None)
