"""What an analyst expects bordermap to find in the two sample articles.

Each row names one feature by its layer, its place and a piece of its quote, then
checks its other properties one by one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bordermap.articles import read_article
from bordermap.features import Feature
from bordermap.gazetteer import load
from bordermap.pipeline import Extractor

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
S000 = "000_487561956ce51ea4"
S002 = "002_f6459c5b22a4b497"
SYRIAN_SIDE = "border-side:IRQ-SYR:SYR"
STRIP = "border:IRQ-SYR:strip"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load())


@pytest.fixture(scope="module")
def seed_features(extractor) -> dict[str, list[Feature]]:
    return {
        p.stem: extractor.extract(read_article(p)).features for p in sorted(SEEDS.glob("*.txt"))
    }


def _find(features: list[Feature], layer: str, place_id: str, quote_part: str) -> Feature:
    hits = [
        f for f in features if f.layer == layer and f.place_id == place_id and quote_part in f.quote
    ]
    assert hits, f"no {layer} feature at {place_id} quoting {quote_part!r}; got:\n" + "\n".join(
        f"  {f.layer:8} {f.status:8} {f.place_id:28} {f.mention!r:40} {f.quote[:60]!r}"
        for f in features
    )
    return min(hits, key=lambda f: len(f.quote))  # the feature whose own sentence says it


EXPECTED = [
    # article, layer, place, quote part, properties
    (
        S000,
        "strike",
        SYRIAN_SIDE,
        "F-16 fighter jets pummeled ISIS bases across the border",
        {
            "status": "reported",
            "fatalities": 36,
            "actor": "Iraqi Air Force",
            "speaker": "Yahya Rasul",
            "mention": "across the border",
            "geo_precision": "near",
            "date_text": "April 19th",
        },
    ),
    (
        S000,
        "strike",
        "country:SYR",
        "The military airstrikes carried out by the Iraqi Air Force",
        {
            "status": "reported",
            "actor": "Iraqi Air Force",
            "speaker": "Yahya Rasul",
            "mention": "Syria",
        },
    ),
    (
        S000,
        "sweep",
        "region:jazira",
        "The raids and search operations",
        {"status": "reported", "speaker": "Yahya Rasul", "geo_precision": "region"},
    ),
    (
        S000,
        "outpost",
        STRIP,
        "enhancing security along the border strip between Iraq and Syria",
        {
            "status": "reported",
            "speaker": "Yahya Rasul",
            "mention": "the border strip between Iraq and Syria",
        },
    ),
    (
        S000,
        "outpost",
        STRIP,
        "thermal cameras along the common border",
        {"status": "planned", "speaker": "Naeem al-Koud", "mention": "the common border"},
    ),
    (
        S000,
        "place",
        "adm1:IQ-AN",
        "Anbar provincial council",
        {"status": "reported", "mention": "Anbar", "geo_precision": "region", "event_id": None},
    ),
    (
        S000,
        "place",
        "gn:98182",
        "By Alaa Hussain in Baghdad",
        {"mention": "Baghdad", "geo_precision": "exact"},
    ),
    (
        S002,
        "outpost",
        STRIP,
        "approved the construction of dozens of outposts",
        {
            "status": "planned",
            "date_start": "2018-01-01",
            "date_end": "2018-12-31",
            "date_precision": "year",
            "actor": "Iraqi Government",
        },
    ),
    (
        S002,
        "strike",
        SYRIAN_SIDE,
        "airstrikes on moving ISIS targets on Syrian territory",
        {"status": "reported", "actor": "Iraqi Air Force", "mention": "on Syrian territory"},
    ),
    (
        S002,
        "sweep",
        STRIP,
        "destruction of several ISIS tunnels along the border towns",
        {"status": "reported", "mention": "the border towns"},
    ),
    (
        S002,
        "sweep",
        STRIP,
        "carrying out patrols on the border with Syria",
        {"status": "reported", "actor": "Iraqi Security Forces"},
    ),
    (S002, "sweep", STRIP, "operations to sweep liberated areas", {"status": "reported"}),
]


@pytest.mark.parametrize(
    ("article", "layer", "place_id", "quote_part", "props"),
    EXPECTED,
    ids=[f"{r[0][:3]}-{r[1]}-{r[3][:30]}" for r in EXPECTED],
)
def test_expected_feature(seed_features, article, layer, place_id, quote_part, props):
    f = _find(seed_features[article], layer, place_id, quote_part)
    for key, want in props.items():
        assert getattr(f, key) == want, f"{key}: {getattr(f, key)!r} != {want!r} in {f.quote!r}"


def test_the_april_strike_is_one_event(seed_features):
    feats = seed_features[S000]
    jets = _find(feats, "strike", SYRIAN_SIDE, "F-16 fighter jets")
    claim = _find(feats, "strike", "country:SYR", "The military airstrikes")
    assert jets.event_id is not None and jets.event_id == claim.event_id


@pytest.mark.parametrize("article", [S000, S002])
def test_no_feature_from_organisation_names(seed_features, article):
    text = (SEEDS / f"{article}.txt").read_text(encoding="utf-8")
    spans = []
    for org in ("Islamic State of Iraq and Syria",):
        i = text.find(org)
        while i >= 0:
            spans.append((i, i + len(org)))
            i = text.find(org, i + 1)
    for f in seed_features[article]:
        assert not any(a < f.mention_end and f.mention_start < b for a, b in spans), f.mention


def test_nothing_from_the_comment_section(seed_features):
    text = (SEEDS / f"{S000}.txt").read_text(encoding="utf-8")
    end_matter = text.index("Do you like this article?")
    assert all(f.quote_end <= end_matter for f in seed_features[S000])
    assert not any("Hadi al-Houthi" in f.quote for f in seed_features[S000])


_ADJECTIVE_USES = re.compile(
    r"^(?:Iraqi|Syrian)(?:$|\s+(?:forces|Air\s+Force|air\s+force|Security|security|Army|army|"
    r"Government|aircraft|Prime|military|border|Joint|strategy))"
)


def test_nationality_adjectives_are_not_places(seed_features):
    mentions = [f.mention for feats in seed_features.values() for f in feats]
    assert not [m for m in mentions if _ADJECTIVE_USES.match(m)]
    # ... but the ones that name a place are
    assert "Iraqi territory" in mentions and "on Syrian territory" in mentions


@pytest.mark.parametrize("article", [S000, S002])
def test_offsets_hold(seed_features, article):
    text = (SEEDS / f"{article}.txt").read_text(encoding="utf-8")
    for f in seed_features[article]:
        assert text[f.mention_start : f.mention_end] == f.mention
        assert text[f.quote_start : f.quote_end] == f.quote
        assert f.quote_start <= f.mention_start and f.mention_end <= f.quote_end
