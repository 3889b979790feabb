"""Articles in, features out: the stages wired together.

(Being written. Interface: ``extract_article(article, gazetteer) -> ArticleResult``.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bordermap.features import Feature


@dataclass(frozen=True)
class Unresolved:
    """A capitalised place-like word the gazetteer lacks ("near Wadi Hauran").

    Reported with its offsets; never mapped, never silently dropped.
    """

    article_id: str
    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True)
class ArticleResult:
    """What one article yields."""

    article_id: str
    features: list[Feature] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
