"""Reading article files: front matter, structure, and offsets into the whole text.

:func:`read_article` turns one file into an :class:`Article` (or raises one
:class:`~bordermap.errors.ArticleError` naming the file and the reason),
:func:`parse_article` does the same for text already in memory, and
:func:`article_files` expands the paths a user names into article files.

The text an :class:`Article` holds is the file decoded as UTF-8 with line endings
translated the way Python's text mode does (``\\r\\n`` and ``\\r`` become ``\\n``), so
offsets agree with ``Path.read_text(encoding="utf-8")`` for every file. A leading BOM
stays in the text as its first character (U+FEFF) and belongs to no section; front
matter stays in the text too.

Structure recognition splits the text into non-overlapping :class:`Section` spans in
order that together hold every non-blank character: the front matter, a kicker (a
short section label above the headline), the title, a byline, photo captions (one
section per paragraph), subheadings, body text (one section per run of body paragraphs
between the other kinds; sentences carry their paragraph number), "Related:"/"Read
more" lines, and the end matter (reader comments, share links, "Do you like this
article?") from its first line to the end of the text. Title, kicker, byline, heading
and related sections are single lines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bordermap._records import fast_init
from bordermap.errors import ArticleError

SECTION_KINDS = (
    "front_matter",
    "kicker",
    "title",
    "byline",
    "caption",
    "heading",
    "body",
    "related",
    "end",
)

ARTICLE_SUFFIXES = (".txt", ".md")
FRONT_MATTER_KEYS = ("title", "outlet", "url", "published", "language")


@fast_init
@dataclass(frozen=True)
class Section:
    """A span of the article text with a structural role.

    ``kind`` is one of :data:`SECTION_KINDS`; ``start``/``end`` are offsets into
    :attr:`Article.text`. Sections of kind ``related`` (a "Related:" or "Read more"
    line inside the body) and ``end`` (reader comments, "Do you like this
    article?", share and related-article links, up to the end of the file) are kept
    in the text but never yield features.
    """

    kind: str
    start: int
    end: int


@fast_init
@dataclass(frozen=True)
class Article:
    """One article file.

    ``text`` is the whole decoded file text (a BOM and the front matter kept), and
    every offset anywhere in bordermap indexes into it.
    """

    id: str
    path: str | None
    text: str
    title: str | None
    outlet: str | None
    url: str | None
    published: dt.date | None
    language: str | None
    sections: tuple[Section, ...]
    content_hash: str


# --------------------------------------------------------------------------- reading


def read_article(path: str | Path, *, max_bytes: int = 5_000_000) -> Article:
    """Read one article file.

    Parameters
    ----------
    path
        A ``.txt`` or ``.md`` file (any suffix is accepted when named directly).
    max_bytes
        Files larger than this are refused before anything is read.

    Returns
    -------
    Article
        The article, its id being the file name without its extension.

    Raises
    ------
    ArticleError
        With a one-line reason when the file cannot be read, is too large, binary,
        not UTF-8, empty, or has broken front matter.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise ArticleError(p, f"cannot read file: {e.strerror or e}") from e
    if p.is_dir():
        raise ArticleError(p, "cannot read file: it is a directory, not an article file")
    if size > max_bytes:
        raise ArticleError(
            p,
            f"file is too large: {size / 1_000_000:.1f} MB, the limit is "
            f"{max_bytes / 1_000_000:.1f} MB",
        )
    try:
        with p.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        raise ArticleError(p, f"cannot read file: {e.strerror or e}") from e
    if len(data) > max_bytes:  # grew since stat, or stat lied (e.g. a pipe)
        raise ArticleError(p, f"file is too large: more than {max_bytes / 1_000_000:.1f} MB")
    return parse_article(decode_article_bytes(data, p), p.stem, path=str(p))


def decode_article_bytes(data: bytes, path: str | Path) -> str:
    """Decode the bytes of an article file into its text.

    Parameters
    ----------
    data
        The raw file content.
    path
        Only used in error messages.

    Returns
    -------
    str
        UTF-8 decoded text (a leading BOM kept as U+FEFF) with ``\\r\\n``/``\\r`` line
        endings turned into ``\\n``.

    Raises
    ------
    ArticleError
        For binary data (NUL bytes) or bytes that are not UTF-8 (the message gives the
        byte offset of the first bad byte in the file).
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ArticleError(path, f"binary file, not text (NUL byte at byte offset {nul})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad = data[e.start]
        raise ArticleError(
            path, f"not UTF-8 text: invalid byte 0x{bad:02x} at byte offset {e.start}"
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def article_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand the paths a user names into article files.

    Parameters
    ----------
    paths
        Files and folders. Folders are searched recursively for ``.txt`` and ``.md``
        files (sorted by path); files named explicitly are kept whatever their suffix.

    Returns
    -------
    list of Path
        In the order given, each folder's files sorted, without duplicates.

    Raises
    ------
    ArticleError
        For a path that does not exist.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*") if f.suffix.lower() in ARTICLE_SUFFIXES and f.is_file()
            )
        elif p.exists():
            found = [p]
        else:
            raise ArticleError(p, "no such file or directory")
        for f in found:
            if f not in seen:
                seen.add(f)
                out.append(f)
    return out


# --------------------------------------------------------------------------- parsing


def parse_article(text: str, article_id: str, *, path: str | None = None) -> Article:
    """Build an :class:`Article` from text already in memory (e.g. pasted text).

    Parameters
    ----------
    text
        The article text, front matter included. A leading BOM is kept (offsets count
        it, as ``Path.read_text`` does); line endings are kept as given.
    article_id
        The article id (for files: the file name without its extension).
    path
        The file the text came from, if any; used in error messages.

    Returns
    -------
    Article

    Raises
    ------
    ArticleError
        For empty or whitespace-only text and broken front matter.
    """
    where = path if path is not None else article_id
    bom = 1 if text.startswith("\ufeff") else 0
    if not text[bom:] or text[bom:].isspace():
        reason = "file is empty" if not text[bom:] else "file holds only whitespace"
        raise ArticleError(where, reason)
    meta, fm_end = _front_matter(text, where, bom)
    sections, title_text = _sections(text, fm_end, meta.get("title"), bom)
    return Article(
        id=article_id,
        path=path,
        text=text,
        title=meta.get("title") or title_text,
        outlet=meta.get("outlet"),
        url=meta.get("url"),
        published=meta.get("published"),
        language=meta.get("language"),
        sections=sections,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


# --------------------------------------------------------------------------- front matter

_FM_OPEN = re.compile(r"---[^\S\n]*\n")
_FM_CLOSE = re.compile(r"^---[^\S\n]*$", re.M)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _FrontMatterLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves dates as strings, so bad dates get our message."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _front_matter(text: str, where: str, start: int = 0) -> tuple[dict[str, Any], int]:
    """Parse a ``---`` block at ``start``; return its values and the offset where it ends."""
    opening = _FM_OPEN.match(text, start)
    if opening is None:
        return {}, 0
    closing = _FM_CLOSE.search(text, opening.end())
    if closing is None:
        raise ArticleError(
            where, "front matter opened with '---' on line 1 is never closed by a '---' line"
        )
    block = text[opening.end() : closing.start()]
    data = _plain_front_matter(block)
    if data is not None:
        return _checked_front_matter(data, where), closing.end()
    try:
        data = yaml.load(block, Loader=_FrontMatterLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f" on line {mark.line + 2}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ArticleError(where, f"front matter is not valid YAML{line}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ArticleError(
            where, f"front matter must be a mapping of keys to values, not a {type(data).__name__}"
        )
    return _checked_front_matter(data, where), closing.end()


def _checked_front_matter(data: dict[Any, Any], where: str) -> dict[str, Any]:
    """The known keys of parsed front matter, with their values checked."""
    meta: dict[str, Any] = {}
    for key in FRONT_MATTER_KEYS:
        value = data.get(key)
        if value is None:
            continue
        if key == "published":
            meta[key] = _published(value, where)
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            meta[key] = str(value).strip() or None
        else:
            raise ArticleError(
                where, f"front matter {key!r} must be text, not a {type(value).__name__}"
            )
    return meta


_PLAIN_LINE = re.compile(r"([A-Za-z_][\w-]*):(?:[ \t]+(.*?))?[ \t]*")
# Values that YAML reads as something other than the plain string, or that need quoting.
_NOT_PLAIN = re.compile(
    r"""(?!\d{4}-\d{2}-\d{2}$)[-+.\d].*|(?i:true|false|yes|no|on|off|null|y|n)|~|=|<<"""
    r"""|[?:,\[\]{}#&*!|>'"%@`].*|.*(?::\s|\s#|:$).*"""
)


# A quoted value with nothing to unescape: its inner text is the value.
_QUOTED = re.compile(r"""\"([^"\\]*)\"|'([^']*)'""")


def _plain_front_matter(block: str) -> dict[str, str] | None:
    """Front matter of plain ``key: value`` lines, read without YAML (which is slow).

    ``None`` when any line is not that simple (quotes, lists, numbers, booleans, nulls,
    comments, indented or repeated keys ...): the YAML parser then reads the block, so
    the result is always what YAML would give.
    """
    data: dict[str, str] = {}
    for line in block.split("\n"):
        if not line.strip():
            continue
        m = _PLAIN_LINE.fullmatch(line)
        if m is None or m.group(1) in data:
            return None
        value = m.group(2) or ""
        quoted = _QUOTED.fullmatch(value)
        if quoted is not None:
            value = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
        elif not value or _NOT_PLAIN.fullmatch(value):
            return None
        data[m.group(1)] = value
    return data


def _published(value: object, where: str) -> dt.date:
    """Check a front-matter ``published`` value: a YYYY-MM-DD date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as e:
            raise ArticleError(
                where, f"front matter 'published' {text!r} is not a valid date: {e}"
            ) from None
    raise ArticleError(
        where, f"front matter 'published' {text!r} is not a date in the form YYYY-MM-DD"
    )


# --------------------------------------------------------------------------- structure

# A non-blank line from its first to its last non-space character.
_LINE = re.compile(r"\S(?:[^\n]*\S)?")
_CLOSERS = "\"'”’»)]"
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_BYLINE = re.compile(
    r"(?:(?:By|BY|Written by|Posted by|Reported by|Reporting by|Words by|Story by)\s+\S"
    r"|(?:Published|Updated|Posted)\s*(?:on\s*)?:?\s*\d"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2},\s+\d{4}\b|\d{1,2}\s+(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\s+\d{4}\b)"
)
_CAPTION_END = re.compile(
    r"(?:\[[^\S\n]*(?i:photos?|image|picture|video|screenshot|file photo|graphic|map|courtesy)\b"
    r"[^\]\n]*\]"
    r"|\([^\S\n]*(?i:photos?|image|picture|video|screenshot|file photo|courtesy)\b[^)\n]*\)"
    r"|\((?:AFP|Reuters|AP|EPA|Getty Images|Anadolu|AA|Xinhua|SANA|Rudaw|IANS|UPI)"
    r"(?:[^\S\n]*(?:/|via|photo)[^)\n]*)?\))[^\S\n]*$"
)


def _line_pattern(source: str, first: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A pattern for the start of a line: one to try at a known line start, and one to find
    every line it starts in a span (it begins with the newline, a literal the regex engine
    finds fast, and ends at the line's first non-space character).

    ``first`` is a character class of every character a match can begin with (for
    ``(?i:...)`` parts also "ſ", "ı", "İ", "K", which match s, i and k there): tested
    first, it rejects most lines at once.
    """
    return re.compile(source), re.compile(rf"\n[^\S\n]*(?=[{first}])(?=" + source + ")")


_CAPTION_START = _line_pattern(
    r"A (?:screenshot|photo|photograph|picture|file photo|still|handout photo|video grab)\b"
    r"|(?:Screenshot|File photo|Handout photo)\b"
    r"|(?i:photos?|image|picture|file photo|screenshot)[^\S\n]*:",
    "AFHPSfpsIiıİſ",
)
_RELATED = _line_pattern(
    r"(?i:related|read more|read also|also read|see also|more on this|recommended|watch)"
    r"[^\S\n]*[:：\-–—|»>]"
    r"|(?:READ MORE|READ ALSO|ALSO READ|RELATED)\b",
    "RrAaSsſMmWw",
)
_MD_HEADING = _line_pattern(r"#{1,6}[^\S\n]+\S", "#")
# End matter: everything from the first of these (starting a line) to the end of the text.
_END_STRONG_SOURCE = (
    r"(?i:do you like this article"
    r"|\d+[^\S\n]+comment(?:s|\(s\))?(?![a-z])"
    r"|comments? policy"
    r"|leave a (?:comment|reply)"
    r"|share this (?:article|story|post|page)"
    r"|share on (?:facebook|twitter|whatsapp|linkedin|telegram|x\b)"
    r"|related (?:articles|stories|posts|news|content|coverage)\b"
    r"|readers?'?s?'? comments"
    r"|add (?:a |new |a new )?comment"
    r"|post a comment)"
)
_END_STRONG = re.compile(_END_STRONG_SOURCE)
# Weaker markers count only as a short line of their own ("Comments", "More from Reuters").
_END = _line_pattern(
    _END_STRONG_SOURCE
    + r"|(?i:comments?(?:[^\S\n]*\(?\d+\)?)?[^\S\n]*:?[^\S\n]*(?:\n|\Z)|more from\b)",
    r"\dDdCcLlSsſRrAaPpMm",
)
_END_WEAK_MAX_WORDS = 6
_NON_WORD = re.compile(r"\W+")
_KICKER_MAX_WORDS = 3
_BYLINE_MAX_WORDS = 12
_TITLE_MAX_WORDS = 25
_HEADING_MAX_WORDS = 8
_HEADING_MAX_CHARS = 100
_CAPTION_MAX_CHARS = 600


def _ends_with(line: str, marks: str) -> bool:
    """Whether the line ends with one of ``marks``, ignoring closing quotes and brackets."""
    last = line.rstrip(_CLOSERS)[-1:]
    return bool(last) and last in marks


def _is_title_like(line: str) -> bool:
    """A short line, not a sentence (no full stops), not a byline or caption."""
    return (
        len(line.split()) <= _TITLE_MAX_WORDS
        and not _ends_with(line, ".")
        and ". " not in line
        and _BYLINE.match(line) is None
        and _CAPTION_START[0].match(line) is None
        and not (line[-1] in ")]" and _CAPTION_END.search(line))
    )


def _line_starts(
    pattern: tuple[re.Pattern[str], re.Pattern[str]], text: str, start: int, end: int
) -> list[int]:
    """Starts of the lines in ``text[start:end]`` that ``pattern`` matches; ``start`` is a
    line start."""
    at, search = pattern
    found = [start] if at.match(text, start, end) else []
    found.extend(m.end() for m in search.finditer(text, start, end))
    return found


def _same_title(a: str, b: str) -> bool:
    def norm(t: str) -> str:
        return _NON_WORD.sub(" ", t).strip().casefold()

    return norm(a) == norm(b)


# A line: (start, end, paragraph number), start and end excluding surrounding whitespace.
_Line = tuple[int, int, int]


_FM_TITLE = re.compile(r"^title:[ \t]*(?P<q>[\"']?)(?P<v>[^\n]*?)(?P=q)[ \t]*$", re.M)


def _front_matter_sections(text: str, start: int, end: int, title: str | None) -> list[Section]:
    """The front matter, with its ``title:`` value as a ``title`` section of its own.

    The headline is text like any other: its place names are mentions. Only a title
    written on one line, plain or quoted, is cut out; any other stays front matter.
    """
    m = _FM_TITLE.search(text, start, end)
    if not title or m is None or m.group("v").strip() != title.strip() or not m.group("v").strip():
        return [Section("front_matter", start, end)]
    a = m.start("v") + (len(m.group("v")) - len(m.group("v").lstrip()))
    b = m.start("v") + len(m.group("v").rstrip())
    return [
        Section("front_matter", start, a),
        Section("title", a, b),
        Section("front_matter", b, end),
    ]


def _sections(
    text: str, fm_end: int, fm_title: str | None, start: int = 0
) -> tuple[tuple[Section, ...], str | None]:
    """Split the text after the front matter into sections; also return the title line.

    ``start`` skips a BOM, which belongs to no section.
    """
    lines = _lines(text, max(fm_end, start))
    kinds = ["body"] * len(lines)
    body_start, title_text = _header(text, lines, kinds, fm_title)
    end_at = _end_matter(text, lines, body_start)
    _body(text, lines, kinds, body_start, end_at)

    sections: list[Section] = []
    if fm_end:
        # the front-matter title is read as a headline unless the text repeats it below
        repeated = bool(title_text and fm_title and _same_title(title_text, fm_title))
        fm_headline = None if repeated else fm_title
        sections.extend(_front_matter_sections(text, start, fm_end, fm_headline))
    j = 0
    while j < end_at:  # one section per line, but runs of body lines and caption paragraphs
        k = j
        kind = kinds[j]
        if kind == "body":
            while k + 1 < end_at and kinds[k + 1] == "body":
                k += 1
        elif kind == "caption":
            while k + 1 < end_at and kinds[k + 1] == kind and lines[k + 1][2] == lines[j][2]:
                k += 1
        sections.append(Section(kind, lines[j][0], lines[k][1]))
        j = k + 1
    if end_at < len(lines):
        sections.append(Section("end", lines[end_at][0], len(text)))
    return tuple(sections), title_text


def _lines(text: str, start: int) -> list[_Line]:
    """The non-blank lines from ``start`` on, with paragraph numbers."""
    lines: list[_Line] = []
    para = -1
    prev_end = -1
    for m in _LINE.finditer(text, start):
        s, e = m.span()
        if prev_end < 0 or text.count("\n", prev_end, s) >= 2:
            para += 1
        lines.append((s, e, para))
        prev_end = e
    return lines


def _line(text: str, line: _Line) -> str:
    return text[line[0] : line[1]]


def _header(
    text: str, lines: list[_Line], kinds: list[str], fm_title: str | None
) -> tuple[int, str | None]:
    """Mark the kicker, title and byline lines; return where the body starts and the title."""
    n = len(lines)
    if not n:
        return 0, None
    i = 0
    first = _line(text, lines[0])
    kicker = (
        n > 1
        and len(first.split()) <= _KICKER_MAX_WORDS
        and not _ends_with(first, ".!?…:;,")
        and _BYLINE.match(first) is None
        and _MD_HEADING[0].match(first) is None
        and _is_title_like(_line(text, lines[1]))
    )
    if kicker:
        kinds[0] = "kicker"
        i = 1
    title_text = None
    candidate = _line(text, lines[i])
    alone = i + 1 >= n or lines[i + 1][2] != lines[i][2]
    if (
        fm_title is None
        or _same_title(candidate.lstrip("# "), fm_title)
        or (_is_title_like(candidate) and alone)
    ):
        kinds[i] = "title"
        title_text = candidate.lstrip("#").strip() or None
        i += 1
    elif kicker:  # the label was not above a headline after all
        kinds[0] = "body"
        i = 0
    for _ in range(2):  # a byline and a dateline
        if i < n and _is_byline(_line(text, lines[i])):
            kinds[i] = "byline"
            i += 1
    return i, title_text


def _is_byline(line: str) -> bool:
    return (
        _BYLINE.match(line) is not None
        and len(line.split()) <= _BYLINE_MAX_WORDS
        and not line.endswith(".")
    )


def _end_matter(text: str, lines: list[_Line], body_start: int) -> int:
    """The index of the line where the end matter begins (``len(lines)`` if none)."""
    if body_start >= len(lines):
        return len(lines)
    starts = [line[0] for line in lines]
    for start in _line_starts(_END, text, starts[body_start], len(text)):
        j = bisect_left(starts, start)
        line = _line(text, lines[j])
        if _END_STRONG.match(line) or (
            len(line.split()) <= _END_WEAK_MAX_WORDS and not _ends_with(line, ".!?…")
        ):
            return j
    return len(lines)


def _body(text: str, lines: list[_Line], kinds: list[str], start: int, end: int) -> None:
    """Mark captions (whole paragraphs), headings and related lines in ``lines[start:end]``."""
    if start >= end:
        return
    lo, hi = lines[start][0], lines[end - 1][1]
    caption_starts = set(_line_starts(_CAPTION_START, text, lo, hi))
    related = set(_line_starts(_RELATED, text, lo, hi))
    # (a Markdown heading starts with "#")
    md_headings = set(_line_starts(_MD_HEADING, text, lo, hi)) if "#" in text else set()
    j = start
    while j < end:
        k = j  # the paragraph is lines[j..k]
        while k + 1 < end and lines[k + 1][2] == lines[j][2]:
            k += 1
        ps, pe = lines[j][0], lines[k][1]
        if pe - ps <= _CAPTION_MAX_CHARS and (
            (text[pe - 1] in ")]" and _CAPTION_END.search(text, max(ps, pe - 200), pe))
            or ps in caption_starts
            or (j == k and text[ps] == "!" and _MD_IMAGE.fullmatch(text, ps, pe))
        ):
            kinds[j : k + 1] = ["caption"] * (k + 1 - j)
        else:
            for x in range(j, k + 1):
                ls, le, _ = lines[x]
                if ls in related:
                    kinds[x] = "related"
                elif (
                    ls in md_headings
                    or (
                        j == k  # a paragraph of its own
                        and start < j
                        and k + 1 < end  # between paragraphs
                        and le - ls <= _HEADING_MAX_CHARS
                        and len(text[ls:le].split()) <= _HEADING_MAX_WORDS
                        and not _ends_with(text[ls:le], ".!?…:;,")
                        and not text[ls].islower()
                    )
                ):
                    kinds[x] = "heading"
        j = k + 1
