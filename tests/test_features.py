"""The feature record and its fast constructor."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from shapely.geometry import Point

from bordermap.features import PROPERTY_NAMES, Feature, feature_from_fields


def _values() -> dict[str, Any]:
    values: dict[str, Any] = {name: None for name in PROPERTY_NAMES}
    values.update(
        feature_id="a:strike:0:10",
        layer="strike",
        status="reported",
        article_id="a",
        place_id="town:x",
        place_name="X",
        mention="X",
        mention_start=10,
        mention_end=11,
        quote="Jets struck X.",
        quote_start=0,
        quote_end=14,
        date_precision="unknown",
        geo_precision="exact",
        geometry=Point(41.0, 34.0),
    )
    return values


@pytest.mark.parametrize("changed", [{}, {"fatalities": 36, "speaker": "Yahya Rasul"}])
def test_feature_from_fields_equals_the_dataclass_constructor(changed: dict[str, Any]) -> None:
    values = {**_values(), **changed}
    fast, slow = feature_from_fields(values), Feature(**values)
    assert fast == slow
    assert hash(fast) == hash(slow)
    assert fast.properties() == slow.properties()
    assert dataclasses.replace(fast, layer="sweep") == dataclasses.replace(slow, layer="sweep")


def test_feature_from_fields_stays_frozen() -> None:
    feature = feature_from_fields(_values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        feature.layer = "sweep"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("drop", "add", "message"),
    [("speaker", None, "missing \\['speaker'\\]"), (None, "colour", "unknown \\['colour'\\]")],
)
def test_feature_from_fields_names_missing_and_unknown_fields(
    drop: str | None, add: str | None, message: str
) -> None:
    values = _values()
    if drop:
        del values[drop]
    if add:
        values[add] = 1
    with pytest.raises(TypeError, match=message):
        feature_from_fields(values)
