"""Sentence segmentation with offsets into the whole article text.

(Being written; the record shape below is the interface the rest of the library uses.)
"""

from __future__ import annotations

from dataclasses import dataclass


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
