"""Tests for bordermap.articles: reading, front matter, structure and the bad inputs."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pathlib
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bordermap.articles import (
    SECTION_KINDS,
    Article,
    _FrontMatterLoader,
    _plain_front_matter,
    article_files,
    parse_article,
    read_article,
)
from bordermap.errors import ArticleError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_000 = SEEDS / "000_487561956ce51ea4.txt"
SEED_002 = SEEDS / "002_f6459c5b22a4b497.txt"


def section_texts(article: Article) -> list[tuple[str, str]]:
    return [(s.kind, article.text[s.start : s.end]) for s in article.sections]


def assert_sections_cover(article: Article) -> None:
    """Sections are in order, do not overlap, and hold every non-blank character once."""
    text = article.text
    previous_end = 0
    covered = [False] * len(text)
    for section in article.sections:
        assert section.kind in SECTION_KINDS
        assert previous_end <= section.start < section.end <= len(text)
        previous_end = section.end
        for i in range(section.start, section.end):
            covered[i] = True
    assert all(covered[i] or text[i].isspace() for i in range(len(text)))


# --------------------------------------------------------------------------- the seeds


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            SEED_000,
            {
                "title": "Iraq pursues ISIS remnants across Syria border",
                "kicker": ["Iraq News"],
                "byline": ["By Alaa Hussain in Baghdad"],
                "caption_starts": ["A screenshot from a video shows"],
                "caption_ends": ["[Photo courtesy of the Iraqi Security Information Centre]"],
                "heading": ["Need for advanced equipment"],
                "end_starts": "Do you like this article?",
                "body_sections": 2,  # body paragraphs run together, split by the heading
            },
        ),
        (
            SEED_002,
            {
                "title": "Iraqi Army Chases ISIS Along Syrian-Iraqi Border",
                "kicker": [],
                "byline": [],
                "caption_starts": [],
                "caption_ends": [],
                "heading": [],
                "end_starts": None,
                "body_sections": 1,
            },
        ),
    ],
    ids=["seed-000", "seed-002"],
)
def test_seed_structure(path: Path, expected: dict) -> None:
    article = read_article(path)
    parts = section_texts(article)
    by_kind: dict[str, list[str]] = {}
    for kind, text in parts:
        by_kind.setdefault(kind, []).append(text)

    assert article.id == path.stem
    assert article.path == str(path)
    assert article.title == expected["title"]
    assert by_kind["title"] == [expected["title"]]
    assert by_kind.get("kicker", []) == expected["kicker"]
    assert by_kind.get("byline", []) == expected["byline"]
    assert by_kind.get("heading", []) == expected["heading"]
    captions = by_kind.get("caption", [])
    assert [c[: len(s)] for c, s in zip(captions, expected["caption_starts"], strict=True)] == (
        expected["caption_starts"]
    )
    assert [c.endswith(e) for c, e in zip(captions, expected["caption_ends"], strict=True)] == [
        True
    ] * len(expected["caption_ends"])
    assert len(by_kind["body"]) == expected["body_sections"]
    assert "front_matter" not in by_kind
    assert article.published is None
    if expected["end_starts"] is None:
        assert "end" not in by_kind
    else:
        end = article.sections[-1]
        assert end.kind == "end"
        assert article.text[end.start :].startswith(expected["end_starts"])
        assert end.end == len(article.text)  # to the end of the file
        assert article.text[end.start :].endswith("should be executed.")
    assert_sections_cover(article)


@pytest.mark.parametrize("path", [SEED_000, SEED_002], ids=["seed-000", "seed-002"])
def test_seed_text_and_hash(path: Path) -> None:
    article = read_article(path)
    assert article.text == path.read_text(encoding="utf-8")
    assert article.content_hash == hashlib.sha256(article.text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A headline\n\nFirst body sentence. Second one.\n",
            [("title", "A headline"), ("body", "First body sentence. Second one.")],
        ),
        (
            "Iraq News\n\nJets strike ISIS in Syria\n\nBy John Smith\n\nThe jets struck.\n",
            [
                ("kicker", "Iraq News"),
                ("title", "Jets strike ISIS in Syria"),
                ("byline", "By John Smith"),
                ("body", "The jets struck."),
            ],
        ),
        (  # a short first line followed by a byline is a title, not a kicker
            "Border clashes\n\nBy AFP\n\nThe army said so.\n",
            [("title", "Border clashes"), ("byline", "By AFP"), ("body", "The army said so.")],
        ),
        (
            "T\n\nSoldiers patrol the border. (Photo: Reuters/John Doe)\n\nThe army said so.\n",
            [
                ("title", "T"),
                ("caption", "Soldiers patrol the border. (Photo: Reuters/John Doe)"),
                ("body", "The army said so."),
            ],
        ),
        (
            "T\n\nPhoto: Iraqi troops near al-Qaim.\n\nThe army said so.\n",
            [
                ("title", "T"),
                ("caption", "Photo: Iraqi troops near al-Qaim."),
                ("body", "The army said so."),
            ],
        ),
        (
            "T\n\nIraqi troops near al-Qaim. (AFP)\n\nThe army said so.\n",
            [
                ("title", "T"),
                ("caption", "Iraqi troops near al-Qaim. (AFP)"),
                ("body", "The army said so."),
            ],
        ),
        (
            "T\n\nOne.\n\nA short subheading\n\nTwo.\n\nNot a heading at the end\n",
            [
                ("title", "T"),
                ("body", "One."),
                ("heading", "A short subheading"),
                ("body", "Two.\n\nNot a heading at the end"),
            ],
        ),
        (  # too long, or punctuated: not a heading
            "T\n\nOne.\n\nThis line has far too many words to be a subheading here\n\n"
            "He said:\n\nTwo.\n",
            [
                ("title", "T"),
                (
                    "body",
                    "One.\n\nThis line has far too many words to be a subheading here\n\n"
                    "He said:\n\nTwo.",
                ),
            ],
        ),
        (
            "T\n\nOne.\nRelated: Iraq closes border crossing\nTwo.\n\nREAD MORE Jets hit Syria\n",
            [
                ("title", "T"),
                ("body", "One."),
                ("related", "Related: Iraq closes border crossing"),
                ("body", "Two."),
                ("related", "READ MORE Jets hit Syria"),
            ],
        ),
        (
            "T\n\nOne.\n\nShare this article\nFacebook Twitter\n\nMore text.",
            [
                ("title", "T"),
                ("body", "One."),
                ("end", "Share this article\nFacebook Twitter\n\nMore text."),
            ],
        ),
        (
            "T\n\nOne.\n\n3 Comments\n\nGreat piece!\n",
            [("title", "T"), ("body", "One."), ("end", "3 Comments\n\nGreat piece!\n")],
        ),
        (
            "T\n\nOne.\n\nComments\n\nNice.\n",
            [("title", "T"), ("body", "One."), ("end", "Comments\n\nNice.\n")],
        ),
        (  # "Comments" starting a sentence is not end matter
            "T\n\nComments by the minister drew criticism.\n",
            [("title", "T"), ("body", "Comments by the minister drew criticism.")],
        ),
        (
            "T\n\nOne.\n\nRelated Articles\nJets hit Syria\n",
            [("title", "T"), ("body", "One."), ("end", "Related Articles\nJets hit Syria\n")],
        ),
        (
            "# A markdown title\n\nOne.\n\n## Background\n\nTwo.\n",
            [
                ("title", "# A markdown title"),
                ("body", "One."),
                ("heading", "## Background"),
                ("body", "Two."),
            ],
        ),
        (  # indented lines and non-breaking spaces are not part of any section
            "  Title  \n\n\u00a0 Body.\u00a0\n",
            [("title", "Title"), ("body", "Body.")],
        ),
    ],
)
def test_structure(text: str, expected: list[tuple[str, str]]) -> None:
    article = parse_article(text, "x")
    assert section_texts(article) == expected
    assert_sections_cover(article)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Iraq News\n\nJets strike ISIS in Syria\n\nBody.", "Jets strike ISIS in Syria"),
        ("# Markdown headline\n\nBody.", "Markdown headline"),
        ("  Spaced headline \n\nBody.", "Spaced headline"),
        ("Only one line.", "Only one line."),
    ],
)
def test_title_text(text: str, title: str) -> None:
    assert parse_article(text, "x").title == title


# --------------------------------------------------------------------------- front matter

FRONT = (
    "---\n"
    "title: Jets strike ISIS in Syria\n"
    "outlet: Diyaruna\n"
    "url: https://example.org/a\n"
    "published: 2018-04-25\n"
    "language: en\n"
    "tags: [iraq, syria]\n"
    "---\n"
    "Jets strike ISIS in Syria\n\nThe jets struck on Monday.\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            FRONT,
            {
                "title": "Jets strike ISIS in Syria",
                "outlet": "Diyaruna",
                "url": "https://example.org/a",
                "published": dt.date(2018, 4, 25),
                "language": "en",
            },
        ),
        (  # a quoted date, and a title that differs from the first line
            '---\npublished: "2019-01-02"\ntitle: From the front matter\n---\nHeadline\n\nBody.\n',
            {
                "title": "From the front matter",
                "outlet": None,
                "url": None,
                "published": dt.date(2019, 1, 2),
                "language": None,
            },
        ),
        (
            "---\n---\nHeadline\n\nBody.\n",
            {"title": "Headline", "outlet": None, "url": None, "published": None, "language": None},
        ),
    ],
)
def test_front_matter_values(text: str, expected: dict) -> None:
    article = parse_article(text, "x")
    got = {key: getattr(article, key) for key in expected}
    assert got == expected
    assert article.text == text  # the front matter stays in the text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            FRONT,
            [
                ("front_matter", FRONT[: FRONT.index("---\nJets") + 3]),
                ("title", "Jets strike ISIS in Syria"),
                ("body", "The jets struck on Monday."),
            ],
        ),
        (  # the first line is not the front-matter title, but still a headline
            "---\ntitle: Other words\n---\nHeadline\n\nBody.\n",
            [
                ("front_matter", "---\ntitle: "),
                ("title", "Other words"),  # a front-matter title is a headline too
                ("front_matter", "\n---"),
                ("title", "Headline"),
                ("body", "Body."),
            ],
        ),
        (  # ... unless it is a body paragraph
            "---\ntitle: Other words\n---\nThe jets struck on Monday, the army said.\n",
            [
                ("front_matter", "---\ntitle: "),
                ("title", "Other words"),
                ("front_matter", "\n---"),
                ("body", "The jets struck on Monday, the army said."),
            ],
        ),
    ],
)
def test_front_matter_sections(text: str, expected: list[tuple[str, str]]) -> None:
    article = parse_article(text, "x")
    assert section_texts(article) == expected
    assert_sections_cover(article)


def test_front_matter_offsets_index_whole_text() -> None:
    article = parse_article(FRONT, "x")
    body = next(s for s in article.sections if s.kind == "body")
    assert body.start == FRONT.index("The jets struck")
    assert article.text[body.start : body.end] == "The jets struck on Monday."


# --------------------------------------------------------------------------- reading files


def test_bom_is_kept_and_offsets_follow_read_text(tmp_path: Path) -> None:
    # The contract's offsets index Path.read_text(encoding="utf-8"), which keeps a BOM.
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfHeadline\n\nBody text.\n")
    article = read_article(path)
    assert article.text == path.read_text(encoding="utf-8") == "\ufeffHeadline\n\nBody text.\n"
    assert article.title == "Headline"
    assert section_texts(article) == [("title", "Headline"), ("body", "Body text.")]
    assert article.content_hash == hashlib.sha256(article.text.encode()).hexdigest()


def test_bom_in_pasted_text() -> None:
    article = parse_article("\ufeffHeadline\n\nBody.", "x")
    assert article.text == "\ufeffHeadline\n\nBody."
    assert article.title == "Headline"
    assert section_texts(article) == [("title", "Headline"), ("body", "Body.")]


def test_bom_before_front_matter() -> None:
    article = parse_article("\ufeff---\ntitle: T\n---\nBody.\n", "x")
    assert article.title == "T"
    assert section_texts(article) == [
        ("front_matter", "---\ntitle: "),
        ("title", "T"),
        ("front_matter", "\n---"),
        ("body", "Body."),
    ]
    assert article.sections[0].start == 1  # the BOM belongs to no section


def test_crlf_line_endings_read_like_text_mode(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Headline\r\n\r\nBody text.\r\n")
    article = read_article(path)
    assert article.text == path.read_text(encoding="utf-8") == "Headline\n\nBody text.\n"


def test_md_file_and_article_id(tmp_path: Path) -> None:
    path = tmp_path / "2018-04-25_jets.md"
    path.write_text("# Headline\n\nBody.\n", encoding="utf-8")
    article = read_article(str(path))
    assert (article.id, article.title, article.path) == ("2018-04-25_jets", "Headline", str(path))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"Headline\n\nCaf\xe9 au lait.\n", "not UTF-8 text: invalid byte 0xe9 at byte offset 13"),
        (b"\xef\xbb\xbfAb\xff", "not UTF-8 text: invalid byte 0xff at byte offset 5"),
        (b"Headline\x00\x01\x02binary", "binary file, not text (NUL byte at byte offset 8)"),
        (b"\xff\xfeH\x00i\x00", "binary file"),  # UTF-16
        (b"", "file is empty"),
        (b"\xef\xbb\xbf", "file is empty"),
        (b" \n\t\n\xc2\xa0\n", "file holds only whitespace"),
        (
            b"---\ntitle: x\nHeadline\n\nBody.\n",
            "front matter opened with '---' on line 1 is never closed",
        ),
        (b"---\ntitle: [unclosed\n---\nBody.\n", "front matter is not valid YAML on line 3"),
        (b"---\ntitle: a\n  b: c\n---\nBody.\n", "front matter is not valid YAML on line 3"),
        (
            b"---\n- a\n- b\n---\nBody.\n",
            "front matter must be a mapping of keys to values, not a list",
        ),
        (
            b"---\njust text\n---\nBody.\n",
            "front matter must be a mapping of keys to values, not a str",
        ),
        (
            b"---\npublished: 2018-02-30\n---\nBody.\n",
            "'published' '2018-02-30' is not a valid date",
        ),
        (
            b"---\npublished: April 2018\n---\nBody.\n",
            "'April 2018' is not a date in the form YYYY-MM-DD",
        ),
        (
            b"---\npublished: 20180425\n---\nBody.\n",
            "'20180425' is not a date in the form YYYY-MM-DD",
        ),
        (b"---\ntitle: [a, b]\n---\nBody.\n", "front matter 'title' must be text, not a list"),
    ],
    ids=[
        "latin-1",
        "bad-after-bom",
        "nul",
        "utf-16",
        "empty",
        "only-bom",
        "whitespace",
        "unterminated-front-matter",
        "yaml-syntax",
        "yaml-indent",
        "not-mapping-list",
        "not-mapping-scalar",
        "impossible-date",
        "month-only-date",
        "compact-date",
        "title-not-text",
    ],
)
def test_bad_file_gives_one_article_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError) as info:
        read_article(path)
    error = info.value
    assert error.path == str(path)
    assert reason in error.reason
    assert str(error).startswith(f"{path}: ")
    assert "\n" not in str(error)


def test_parse_article_errors_name_the_path_or_id() -> None:
    with pytest.raises(ArticleError, match=r"^pasted: file holds only whitespace$"):
        parse_article("  \n", "pasted")
    with pytest.raises(ArticleError, match=r"^a/b\.txt: front matter"):
        parse_article("---\nx: [\n---\n", "b", path="a/b.txt")


def test_oversize_with_small_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Headline\n\n" + "Body. " * 400, encoding="utf-8")
    with pytest.raises(ArticleError, match=r"file is too large: 0\.0 MB, the limit is 0\.0 MB"):
        read_article(path, max_bytes=1000)
    assert read_article(path, max_bytes=10_000).title == "Headline"


def test_huge_file_is_rejected_from_stat_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:  # a sparse ~50 MB file: nothing is written but the last byte
        f.truncate(50_000_000 - 1)
        f.seek(50_000_000 - 1)
        f.write(b"\n")
    assert path.stat().st_size == 50_000_000

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(pathlib.Path, "open", no_reading)
    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reading)
    with pytest.raises(ArticleError, match=r"file is too large: 50\.0 MB, the limit is 5\.0 MB"):
        read_article(path)


def test_directory_is_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(ArticleError, match="cannot read file: it is a directory"):
        read_article(folder)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="cannot read file: No such file or directory"):
        read_article(tmp_path / "missing.txt")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root reads files whatever their mode; the directory test covers unreadable paths",
)
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Headline\n\nBody.\n", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(ArticleError, match="cannot read file: Permission denied"):
            read_article(path)
    finally:
        path.chmod(0o644)


# --------------------------------------------------------------------------- article_files


def test_article_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    for name in ["z.txt", "a.md", "b/c.txt", "b/deep/d.TXT", "notes.csv", "b/e.json"]:
        (tmp_path / name).write_text("Headline\n\nBody.\n", encoding="utf-8")
    explicit = tmp_path / "notes.csv"
    found = article_files([tmp_path, explicit, tmp_path / "z.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.md",
        "b/c.txt",
        "b/deep/d.TXT",
        "z.txt",
        "notes.csv",
    ]


def test_article_files_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="no such file or directory") as info:
        article_files([tmp_path / "nope"])
    assert info.value.path == str(tmp_path / "nope")


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["title", "outlet", "url", "published", "language", "x-y", "Tags"]),
            st.text(
                alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                max_size=30,
            )
            | st.text(alphabet=st.sampled_from("ab #:'\"\\-é"), max_size=12).map(lambda v: f'"{v}"')
            | st.text(alphabet=st.sampled_from("ab #:'\"\\-é"), max_size=12).map(
                lambda v: f"'{v}'"
            ),
        ),
        max_size=6,
    )
)
def test_plain_front_matter_reads_as_yaml_does(pairs: list[tuple[str, str]]) -> None:
    """The fast reader of plain ``key: value`` front matter agrees with YAML, or defers."""
    block = "".join(f"{k}: {v}\n" for k, v in pairs)
    fast = _plain_front_matter(block)
    if fast is None:
        return
    assert fast == (yaml.load(block, Loader=_FrontMatterLoader) or {})  # as _front_matter reads it


_LINE_PIECES = [
    *["\n", "\n\n", "  ", "# Heading", "Related: x", "READ MORE", "ſhare this article"],
    *["İmage: x", "Photo: a", "A screenshot of", "Comments", "3 comments", "More from AFP"],
    *["Watch: x", "ıMAGE:", "KK", "File photo", "Leave a reply", "See also - x", "x", "."],
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=30).map(" ".join))
def test_property_line_patterns_first_characters(text: str) -> None:
    """The first-character test of each line pattern only skips lines the pattern rejects."""
    import re

    from bordermap import articles as a

    for pattern in (a._CAPTION_START, a._RELATED, a._MD_HEADING, a._END):
        plain = re.compile(r"\n[^\S\n]*(?=" + pattern[0].pattern + ")")
        assert [m.end() for m in pattern[1].finditer(text)] == [
            m.end() for m in plain.finditer(text)
        ]
