"""Tests for bordermap.sentences: tricky splits, offsets, structure and a property test."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bordermap.articles import SECTION_KINDS, Article, Section, parse_article, read_article
from bordermap.errors import ArticleError
from bordermap.sentences import Sentence, split_sentences, split_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_PATHS = sorted(SEEDS.glob("*.txt"))


def body_article(text: str) -> Article:
    """An article whose whole (stripped) text is one body section."""
    stripped = text.strip()
    start = len(text) - len(text.lstrip())
    sections = (Section("body", start, start + len(stripped)),) if stripped else ()
    return Article("x", None, text, None, None, None, None, None, sections, "")


def check_invariants(article: Article, sentences: tuple[Sentence, ...]) -> None:
    text = article.text
    previous_end = 0
    for i, s in enumerate(sentences):
        assert s.index == i
        assert previous_end <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        previous_end = s.end
    paragraphs = [s.paragraph for s in sentences]
    assert paragraphs == sorted(paragraphs)
    assert all(p >= 0 for p in paragraphs)


# --------------------------------------------------------------------------- the table


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # quotations
        (
            '"We will not allow them to return to Iraq any more," he said. Rasul agreed.',
            ['"We will not allow them to return to Iraq any more," he said.', "Rasul agreed."],
        ),
        (
            "“We will not allow them.” Rasul said the jets flew.",
            ["“We will not allow them.”", "Rasul said the jets flew."],
        ),
        ("“We will not allow them.” he said.", ["“We will not allow them.” he said."]),
        (
            "“This is the line,” said al-Yaqoubi. “Since then, no violation.”",
            ["“This is the line,” said al-Yaqoubi.", "“Since then, no violation.”"],
        ),
        ('"Why?" he asked.', ['"Why?" he asked.']),
        (
            'He said: "They left." The army confirmed.',
            ['He said: "They left."', "The army confirmed."],
        ),
        # abbreviations and titles
        (
            "Gen. Yahya Rasul said so. Col. Saleh al-Yaqoubi agreed.",
            ["Gen. Yahya Rasul said so.", "Col. Saleh al-Yaqoubi agreed."],
        ),
        (
            "Lt. Gen. Abdul Amir and Maj. Gen. Ali arrived. Brig. Gen. Rasul spoke.",
            ["Lt. Gen. Abdul Amir and Maj. Gen. Ali arrived.", "Brig. Gen. Rasul spoke."],
        ),
        (
            "Dr. Smith met Mr. Jones and Mrs. Brown on St. Patrick street. Sgt. Ali came.",
            ["Dr. Smith met Mr. Jones and Mrs. Brown on St. Patrick street.", "Sgt. Ali came."],
        ),
        (
            "Capt. Omar said Iraq vs. Syria was close. It was.",
            ["Capt. Omar said Iraq vs. Syria was close.", "It was."],
        ),
        (
            "The U.S. Army and U.N. officials met. The U.S.-led coalition struck.",
            ["The U.S. Army and U.N. officials met.", "The U.S.-led coalition struck."],
        ),
        (
            "They came from the U.S. The next day they left.",
            ["They came from the U.S.", "The next day they left."],
        ),
        (
            "Weapons, e.g. Kalashnikovs, were seized. Drones, i.e. Small ones, flew.",
            ["Weapons, e.g. Kalashnikovs, were seized.", "Drones, i.e. Small ones, flew."],
        ),
        (
            "Rifles, drones etc. were seized. Mortars etc. Then they left.",
            ["Rifles, drones etc. were seized.", "Mortars etc.", "Then they left."],
        ),
        (
            "On Jan. 5 the jets struck. On Feb. 6 they did not.",
            ["On Jan. 5 the jets struck.", "On Feb. 6 they did not."],
        ),
        (
            "Resolution No. 2254 passed. No. They refused.",
            ["Resolution No. 2254 passed.", "No.", "They refused."],
        ),
        # initials, decimals, times
        ("J. R. Smith reported it. Then he left.", ["J. R. Smith reported it.", "Then he left."]),
        (
            "It was 10.30 pm when 3.5 tonnes arrived. 36 of them died.",
            ["It was 10.30 pm when 3.5 tonnes arrived.", "36 of them died."],
        ),
        # run-together sentences
        (
            "The jets struck targets inside Syria.The jets returned.",
            ["The jets struck targets inside Syria.", "The jets returned."],
        ),
        (
            "Hadi al-Houthi and those with him should be executed.Iraqi Army Chases ISIS",
            ["Hadi al-Houthi and those with him should be executed.", "Iraqi Army Chases ISIS"],
        ),
        ('The war is over."Then they left.', ['The war is over."', "Then they left."]),
        # non-breaking spaces
        (
            "The base\u00a0in Syria was hit.\u00a0The jets\u202freturned.",
            ["The base\u00a0in Syria was hit.", "The jets\u202freturned."],
        ),
        ("Hit.\u00a0\u00a0\u202fThe end.", ["Hit.", "The end."]),
        # ellipses, question and exclamation marks
        (
            "Wait... they came back. Then... Silence… Done.",
            ["Wait... they came back.", "Then...", "Silence…", "Done."],
        ),
        (
            "Why did they come? Nobody knows! Really.",
            ["Why did they come?", "Nobody knows!", "Really."],
        ),
        ("What now?!  The army left.", ["What now?!", "The army left."]),
        # line breaks
        (
            "First line without punctuation\nSecond line.",
            ["First line without punctuation", "Second line."],
        ),
        (
            "A hard-wrapped sentence that goes\non to the next line. And another.",
            ["A hard-wrapped sentence that goes\non to the next line.", "And another."],
        ),
        ("Ends with a period.\nlowercase start.", ["Ends with a period.", "lowercase start."]),
        ("Two lines\n  Indented second line", ["Two lines", "Indented second line"]),
        ("Hard-wrapped\n  indented continuation", ["Hard-wrapped\n  indented continuation"]),
        ("Crlf line\r\nNext line.", ["Crlf line", "Next line."]),
        # nothing to split
        ("No punctuation at all", ["No punctuation at all"]),
        ("...", ["..."]),
        ("  ", []),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    article = body_article(text)
    sentences = split_sentences(article)
    assert [s.text for s in sentences] == expected
    check_invariants(article, sentences)


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("One. Two. Three.", 0, None, ["One.", "Two.", "Three."]),
        ("xx One. Two. yy", 3, 12, ["One.", "Two."]),
        ("  indented. Lines.", 2, None, ["indented.", "Lines."]),
    ],
)
def test_split_text(text: str, start: int, end: int | None, expected: list[str]) -> None:
    assert [text[s:e] for s, e in split_text(text, start, end)] == expected


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Iraq News\n\nJets strike ISIS in Syria\n\nBy John Smith\n\nOne. Two.\n\n"
            "A subheading\n\nThree.\nRelated: More. Strikes\n\nShare this article\nFour. Five.",
            [
                ("kicker", 0, "Iraq News"),
                ("title", 1, "Jets strike ISIS in Syria"),
                ("byline", 2, "By John Smith"),
                ("body", 3, "One."),
                ("body", 3, "Two."),
                ("heading", 4, "A subheading"),
                ("body", 5, "Three."),
                ("related", 5, "Related: More."),
                ("related", 5, "Strikes"),
                ("end", 6, "Share this article"),
                ("end", 6, "Four."),
                ("end", 6, "Five."),
            ],
        ),
        (
            "---\ntitle: Jets\npublished: 2018-04-25\n---\nJets\n\nOne. Two.\n",
            [("title", 0, "Jets"), ("body", 1, "One."), ("body", 1, "Two.")],
        ),
        (
            "Title\n\n\n\nA caption. [Photo: AFP]\n\n\u00a0\n\nBody.",
            [
                ("title", 0, "Title"),
                ("caption", 1, "A caption."),
                ("caption", 1, "[Photo: AFP]"),
                ("body", 2, "Body."),
            ],
        ),
    ],
)
def test_sections_and_paragraphs(text: str, expected: list[tuple[str, int, str]]) -> None:
    article = parse_article(text, "x")
    sentences = split_sentences(article)
    assert [(s.section, s.paragraph, s.text) for s in sentences] == expected
    check_invariants(article, sentences)


# --------------------------------------------------------------------------- the seeds


@pytest.mark.parametrize("path", SEED_PATHS, ids=[p.stem for p in SEED_PATHS])
def test_seed_offsets(path: Path) -> None:
    article = read_article(path)
    sentences = split_sentences(article)
    assert len(sentences) > 10
    check_invariants(article, sentences)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            SEEDS / "000_487561956ce51ea4.txt",
            [
                "Iraq News",
                "Iraq pursues ISIS remnants across Syria border",
                "By Alaa Hussain in Baghdad",
                "[Photo courtesy of the Iraqi Security Information Centre]",
                '"We will not allow them to return to Iraq any more, and we will not allow them '
                'the time to build new bases across the common border," he said.',
                "Need for advanced equipment",
                "Do you like this article?",
                "2 Comment(s)",
                "Hadi al-Houthi and those with him should be executed.",
            ],
        ),
        (
            SEEDS / "002_f6459c5b22a4b497.txt",
            [
                "Iraqi Army Chases ISIS Along Syrian-Iraqi Border",
                "“Since the liberation of Iraqi territory, there has been no violation in these "
                "areas.”",
                "“We did not find any difficulties.",
                "At first, when we entered, we did not meet with the citizens.",
                "This has led to the destruction of several ISIS tunnels along the border towns.",
            ],
        ),
    ],
    ids=["seed-000", "seed-002"],
)
def test_seed_sentences(path: Path, expected: list[str]) -> None:
    texts = [s.text for s in split_sentences(read_article(path))]
    for sentence in expected:
        assert sentence in texts


def test_seed_000_sections_of_sentences() -> None:
    sentences = split_sentences(read_article(SEEDS / "000_487561956ce51ea4.txt"))
    assert [s.section for s in sentences[:5]] == ["kicker", "title", "byline", "caption", "caption"]
    assert [s.section for s in sentences[-4:]] == ["end"] * 4
    assert sentences[3].text.startswith("A screenshot from a video shows the\u00a0'Islamic State")
    assert sentences[3].text.endswith("on April 19th.")


# --------------------------------------------------------------------------- properties

TOKENS = [
    *"aZ. .!?…\"'“”’()[]\n\n\r\t-,:",
    *["\u00a0", "\u202f", "\u2028", "\x0b", "\x1c", "\ufeff", "U.S.", "Gen.", "...", "e.g."],
    *["the ", "Syria", " 3.5 ", "---\n", "By X\n", "Comments\n", "Related: ", "# "],
]
TRICKY = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=300), TRICKY)


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
def test_property_body_sections(text: str) -> None:
    article = body_article(text)
    check_invariants(article, split_sentences(article))


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
def test_property_parsed_articles(text: str) -> None:
    try:
        article = parse_article(text, "x")
    except ArticleError:
        return  # empty text or broken front matter: not an article
    sentences = split_sentences(article)
    check_invariants(article, sentences)
    for s in sentences:
        assert s.section in {x.kind for x in article.sections} - {"front_matter"}


@st.composite
def sectioned_articles(draw: st.DrawFn) -> Article:
    """Any text cut into sections of any kinds at any points (not only line ends)."""
    text = draw(ANY_TEXT)
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)) | {0, len(text)})
    sections = tuple(
        Section(draw(st.sampled_from(SECTION_KINDS)), a, b) for a, b in pairwise(cuts) if a < b
    )
    return Article("x", None, text, None, None, None, None, None, sections, "")


@settings(max_examples=400, deadline=None)
@given(sectioned_articles())
def test_property_any_sections(article: Article) -> None:
    sentences = split_sentences(article)
    check_invariants(article, sentences)
    for s in sentences:
        section = next(x for x in article.sections if x.start <= s.start < x.end)
        assert s.end <= section.end and s.section == section.kind != "front_matter"
