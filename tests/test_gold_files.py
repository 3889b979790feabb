"""Validate the hand-made gold annotations in tests/gold/ (format: docs/gold-format.md)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GOLD_DIR = TESTS / "gold"
ARTICLE_DIRS = (TESTS / "articles", REPO / "seeds")
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))

LAYERS = {"strike", "outpost", "sweep"}
STATUSES = {"reported", "planned"}
PRECISIONS = {"day", "month", "year", "approximate", "unknown"}
LON_RANGE = (34.0, 49.0)
LAT_RANGE = (29.0, 38.0)
PLACE_ID = re.compile(
    r"^(gn:\d+"
    r"|adm1:(IQ|SY)-[A-Z]{2}"
    r"|country:(IRQ|SYR|TUR|JOR)"
    r"|border:IRQ-SYR(:strip)?"
    r"|border-side:IRQ-SYR:(IRQ|SYR)"
    r"|crossing:(al-qaim|al-walid|rabia|trebil)"
    r"|river:(euphrates|tigris)"
    r"|region:jazira)$"
)
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)

TOP_KEYS = {"article_id", "published", "toponyms", "negatives", "events"}
TOPONYM_KEYS = {"start", "end", "text", "place_id", "lat", "lon"}
NEGATIVE_KEYS = {"start", "end", "text", "why"}
EVENT_KEYS = {
    "id",
    "layer",
    "status",
    "evidence",
    "place_id",
    "lat",
    "lon",
    "radius_km",
    "date_start",
    "date_end",
    "date_precision",
    "actor",
    "fatalities",
    "speaker",
}


def read_article(article_id: str) -> str:
    paths = [
        p for d in ARTICLE_DIRS for p in d.glob(article_id + ".*") if p.suffix in (".txt", ".md")
    ]
    assert len(paths) == 1, f"expected one article file for {article_id}, found {paths}"
    text = paths[0].read_bytes().decode("utf-8")
    return text  # offsets count a BOM, as Path.read_text keeps it


def parse_date(value: object, where: str) -> dt.date | None:
    if value is None:
        return None
    assert isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), where
    return dt.date.fromisoformat(value)


def check_span(span: dict, text: str, where: str) -> None:
    start, end = span["start"], span["end"]
    assert isinstance(start, int) and not isinstance(start, bool), where
    assert isinstance(end, int) and not isinstance(end, bool), where
    assert 0 <= start < end <= len(text), f"{where}: offsets {start}..{end} out of range"
    assert isinstance(span["text"], str), where
    assert text[start:end] == span["text"], (
        f"{where}: text[{start}:{end}] is {text[start:end]!r}, gold says {span['text']!r}"
    )


def check_point(obj: dict, where: str, required: bool) -> None:
    lat, lon = obj["lat"], obj["lon"]
    if lat is None and lon is None and not required:
        return
    for v in (lat, lon):
        assert isinstance(v, int | float) and not isinstance(v, bool), f"{where}: lat/lon {v!r}"
    assert LAT_RANGE[0] <= lat <= LAT_RANGE[1], f"{where}: lat {lat} outside {LAT_RANGE}"
    assert LON_RANGE[0] <= lon <= LON_RANGE[1], f"{where}: lon {lon} outside {LON_RANGE}"


def check_optional_str(value: object, where: str) -> None:
    assert value is None or (isinstance(value, str) and value.strip()), where


def test_every_article_has_gold() -> None:
    authored = sorted(p.stem for p in (TESTS / "articles").glob("*.txt"))
    seeds = sorted(p.stem for p in (REPO / "seeds").glob("*.txt"))
    gold = sorted(p.stem for p in GOLD_FILES)
    assert len(authored) >= 10
    assert sorted(authored + seeds) == gold


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_gold_file(path: Path) -> None:
    gold = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(gold, dict)
    assert TOP_KEYS <= set(gold) <= TOP_KEYS | {"note"}, set(gold) ^ TOP_KEYS
    assert gold["article_id"] == path.stem
    text = read_article(gold["article_id"])

    # published agrees with the article's front matter (null without one)
    published = parse_date(gold["published"], "published")
    fm = FRONT_MATTER.match(text)
    fm_published = None
    if fm:
        m = re.search(r"^published:\s*(\S+)\s*$", fm.group(1), re.M)
        fm_published = dt.date.fromisoformat(m.group(1)) if m else None
    assert published == fm_published

    spans: list[tuple[int, int, str]] = []
    for i, top in enumerate(gold["toponyms"]):
        where = f"toponyms[{i}]"
        assert TOPONYM_KEYS <= set(top) <= TOPONYM_KEYS | {"unresolvable", "note"}, where
        check_span(top, text, where)
        if top["place_id"] is None:
            assert top.get("unresolvable") is True, f"{where}: null place_id needs unresolvable"
            check_point(top, where, required=False)
        else:
            assert PLACE_ID.match(top["place_id"]), f"{where}: bad place_id {top['place_id']!r}"
            assert "unresolvable" not in top or top["unresolvable"] is False, where
            check_point(top, where, required=True)
        check_optional_str(top.get("note"), where)
        spans.append((top["start"], top["end"], where))

    for i, neg in enumerate(gold["negatives"]):
        where = f"negatives[{i}]"
        assert set(neg) == NEGATIVE_KEYS, where
        check_span(neg, text, where)
        assert isinstance(neg["why"], str) and neg["why"].strip(), where
        spans.append((neg["start"], neg["end"], where))

    spans.sort()
    for (_, end1, w1), (start2, _, w2) in itertools.pairwise(spans):
        assert start2 >= end1, f"{w1} overlaps {w2}"

    ids = [ev["id"] for ev in gold["events"]]
    assert len(ids) == len(set(ids)), "event ids must be unique"
    for i, ev in enumerate(gold["events"]):
        where = f"events[{i}] ({ev.get('id')})"
        assert EVENT_KEYS <= set(ev) <= EVENT_KEYS | {"note"}, f"{where}: {set(ev) ^ EVENT_KEYS}"
        assert isinstance(ev["id"], str) and ev["id"], where
        assert ev["layer"] in LAYERS, where
        assert ev["status"] in STATUSES, where
        assert isinstance(ev["evidence"], list) and ev["evidence"], f"{where}: no evidence"
        for j, span in enumerate(ev["evidence"]):
            assert set(span) == {"start", "end", "text"}, f"{where} evidence[{j}]"
            check_span(span, text, f"{where} evidence[{j}]")
        assert isinstance(ev["place_id"], str) and PLACE_ID.match(ev["place_id"]), where
        check_point(ev, where, required=True)
        radius = ev["radius_km"]
        assert isinstance(radius, int | float) and not isinstance(radius, bool), where
        assert 0 < radius <= 500, where
        start = parse_date(ev["date_start"], f"{where} date_start")
        end = parse_date(ev["date_end"], f"{where} date_end")
        if start and end:
            assert start <= end, f"{where}: date_start after date_end"
        assert ev["date_precision"] in PRECISIONS, where
        if ev["date_precision"] == "unknown":
            assert start is None and end is None, f"{where}: unknown precision with a date"
        else:
            assert start is not None, f"{where}: precision {ev['date_precision']} without a date"
        fatalities = ev["fatalities"]
        assert fatalities is None or (
            isinstance(fatalities, int) and not isinstance(fatalities, bool) and fatalities >= 0
        ), where
        check_optional_str(ev["actor"], where)
        check_optional_str(ev["speaker"], where)
        check_optional_str(ev.get("note"), where)
