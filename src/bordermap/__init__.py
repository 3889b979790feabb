"""bordermap: news reports about the Iraq–Syria border, turned into a map an analyst can trust.

Every feature on the map keeps the exact sentence it came from. The stages live in flat
modules (``articles``, ``sentences``, ``gazetteer``, ``mentions``, ``resolve``, ``events``,
``dates``, ``pipeline``, ``export``, ``store``); this package only re-exports the entry
points.
"""

from bordermap.articles import Article, read_article
from bordermap.errors import ArticleError, BordermapError, GazetteerError, StoreError
from bordermap.features import Feature
from bordermap.gazetteer import Gazetteer, Place, load
from bordermap.pipeline import ArticleResult, Extractor

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleError",
    "ArticleResult",
    "BordermapError",
    "Extractor",
    "Feature",
    "Gazetteer",
    "GazetteerError",
    "Place",
    "StoreError",
    "__version__",
    "load",
    "read_article",
]
