"""Reading article files: front matter, structure, and offsets into the whole text.

(Being written; the record shape below is the interface the rest of the library uses.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SECTION_KINDS = ("front_matter", "kicker", "title", "byline", "caption", "heading", "body", "related", "end")


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


@dataclass(frozen=True)
class Article:
    """One article file.

    ``text`` is the whole decoded file text (BOM removed, front matter kept), and
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
