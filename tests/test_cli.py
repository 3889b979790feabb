"""``bordermap extract``: usage errors, failing files, summary, progress, exit status.

Most tests run ``main([...])`` in-process with the real article reader and a small
fake gazetteer and extractor (``fake_stages``), so they test the command line and not
the extraction. The tests under "end to end" run every real stage on the seed
articles, and one of them runs the installed ``bordermap`` script.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from contract import check_feature_collection
from shapely.geometry import Point, box

from bordermap import cli, export, gazetteer, pipeline
from bordermap.articles import Article
from bordermap.errors import GazetteerError
from bordermap.features import Feature
from bordermap.pipeline import ArticleResult, Unresolved

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

# --- fake stages --------------------------------------------------------------------

GAZETTEER_PROBLEMS = [
    "feature 3 (gn:1): unknown kind 'villa'",
    "feature 7 (gn:2): empty geometry",
]


def fake_load(path: str | Path | None = None, *, strip_km: float = 25.0) -> object:
    if path is not None and "broken" in Path(path).read_text(encoding="utf-8"):
        raise GazetteerError(path, GAZETTEER_PROBLEMS)
    return {"strip_km": strip_km}


class FakeExtractor:
    """A strike at every "al-Qaim", a place at every "Anbar", "Wadi Hauran" unresolved."""

    built = 0

    def __init__(self, gaz: object) -> None:
        FakeExtractor.built += 1

    def extract(self, article: Article) -> ArticleResult:
        text = article.text
        if "BOOM" in text:
            raise ZeroDivisionError("division by zero")
        features = []
        for name, layer, geometry in (
            ("al-Qaim", "strike", Point(41.1166, 34.3833)),
            ("Anbar", "place", box(39.0, 32.0, 43.0, 35.0)),
        ):
            for m in re.finditer(re.escape(name), text):
                features.append(_feature(article, m.start(), name, layer, geometry))
        unresolved = [
            Unresolved(article.id, m.group(), m.start(), m.end(), m.start(), m.end())
            for m in re.finditer("Wadi Hauran", text)
        ]
        return ArticleResult(article.id, features, unresolved)


def _feature(article: Article, start: int, name: str, layer: str, geometry: Any) -> Feature:
    line_start = article.text.rfind("\n", 0, start) + 1
    line_end = article.text.find("\n", start)
    line_end = len(article.text) if line_end < 0 else line_end
    return Feature(
        feature_id=f"{article.id}:{start}",
        layer=layer,
        event_id=f"{article.id}:e{start}" if layer != "place" else None,
        status="reported",
        article_id=article.id,
        article_title=article.title,
        published=article.published.isoformat() if article.published else None,
        place_id=f"test:{name}",
        place_name=name,
        mention=name,
        mention_start=start,
        mention_end=start + len(name),
        quote=article.text[line_start:line_end],
        quote_start=line_start,
        quote_end=line_end,
        speaker=None,
        actor=None,
        fatalities=None,
        date_start=None,
        date_end=None,
        date_precision="unknown",
        geo_precision="exact" if layer == "strike" else "region",
        geometry=geometry,
    )


@pytest.fixture
def fake_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gazetteer, "load", fake_load)
    monkeypatch.setattr(pipeline, "Extractor", FakeExtractor)


GOOD = {
    "good1.txt": "Strike on al-Qaim\n\nJets struck al-Qaim on Monday.\n",
    "good2.md": "---\ntitle: A sweep\n---\nTroops swept Anbar near Wadi Hauran.\n",
}


def write_articles(folder: Path, articles: dict[str, str | bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in articles.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths


def texts_of(paths: list[Path]) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in paths}


def stderr_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.splitlines()


# --- usage errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "required: COMMAND"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["extract"], "required"),
        (["extract", "ARTICLES"], "--out"),
        (["extract", "ARTICLES", "--out", "OUT/x.geojson", "--format", "kml"], "invalid choice"),
        (["extract", "ARTICLES", "--out", "OUT/x.geojson", "--strip-km", "-3"], "positive"),
        (["extract", "ARTICLES", "--out", "OUT/x.geojson", "--strip-km", "wide"], "not a number"),
        (["extract", "ARTICLES", "--out", "OUT/x.geojson", "--bogus"], "unrecognized"),
        (["extract", "ARTICLES", "--out", "OUT/x.kml"], "cannot tell the output format"),
        (["extract", "ARTICLES", "--out", "OUT/x"], "cannot tell the output format"),
        (["extract", "ARTICLES", "--out", "OUT/missing/x.csv"], "does not exist"),
        (["extract", "ARTICLES", "--out", "OUT"], "is a directory"),
        (["extract", "ARTICLES/nope.txt", "--out", "OUT/x.csv"], "nope.txt"),
        (["extract", "ARTICLES", "MISSING", "--out", "OUT/x.csv"], "missing-folder: no such"),
        (["extract", "EMPTY", "--out", "OUT/x.csv"], "no article files"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake_stages: None,
    argv: list[str],
    message: str,
) -> None:
    write_articles(tmp_path / "articles", GOOD)
    (tmp_path / "out").mkdir()
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_bytes(b"%PDF")
    places = {
        "ARTICLES": str(tmp_path / "articles"),
        "OUT": str(tmp_path / "out"),
        "EMPTY": str(tmp_path / "empty"),
        "MISSING": str(tmp_path / "missing-folder"),
    }
    args = [re.sub("|".join(places), lambda m: places[m.group()], a) for a in argv]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "usage: bordermap" in err
    assert message in err
    assert "Traceback" not in err
    assert list((tmp_path / "out").iterdir()) == []


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["extract", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--out", "--format", "--gazetteer", "--strip-km", "--quiet", "--progress"):
        assert option in out


def test_commands_are_subparsers() -> None:
    parser = cli.build_parser()
    assert cli.add_extract_parser in cli.COMMANDS
    args = parser.parse_args(["extract", "a.txt", "--out", "x.geojson"])
    assert args.command == "extract" and args.run is cli.run_extract
    assert args.strip_km == 25.0 and args.format is None


def test_format_option_overrides_the_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None
) -> None:
    write_articles(tmp_path / "a", GOOD)
    out = tmp_path / "features.out"
    assert cli.main(["extract", str(tmp_path / "a"), "--out", str(out), "--format", "csv"]) == 0
    assert out.read_text(encoding="utf-8").startswith("event_date,time_precision,")


# --- the gazetteer ------------------------------------------------------------------


def test_a_broken_gazetteer_exits_2_listing_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None
) -> None:
    write_articles(tmp_path / "a", GOOD)
    gaz = tmp_path / "gaz.geojson"
    gaz.write_text("broken", encoding="utf-8")
    out = tmp_path / "out.geojson"
    status = cli.main(["extract", str(tmp_path / "a"), "--out", str(out), "--gazetteer", str(gaz)])
    assert status == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert "gaz.geojson" in lines[0] and "2 problems" in lines[0]
    for problem in GAZETTEER_PROBLEMS:
        assert [line for line in lines if problem in line] == [f"  - {problem}"]
    assert not out.exists()


def test_the_real_gazetteer_loader_reports_a_bad_file_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_articles(tmp_path / "a", GOOD)
    gaz = tmp_path / "gaz.geojson"
    gaz.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature"}, 3]}')
    out = tmp_path / "out.geojson"
    status = cli.main(["extract", str(tmp_path / "a"), "--out", str(out), "--gazetteer", str(gaz)])
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err
    assert "gaz.geojson" in err
    assert len([line for line in err.splitlines() if line.startswith("  - ")]) >= 2
    assert not out.exists()


# --- failing articles ---------------------------------------------------------------


def bad_articles(folder: Path) -> dict[str, Path]:
    """One file for each way an article can fail, by reason."""
    paths = dict(
        zip(
            ("not utf-8", "binary", "empty", "front matter", "internal error"),
            write_articles(
                folder,
                {
                    "latin1.txt": "Frappe aérienne près d'al-Qaim\n".encode("latin-1"),
                    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                    "empty.txt": b"",
                    "frontmatter.md": "---\ntitle: [unclosed\npublished: soon\n---\nal-Qaim\n",
                    "boom.txt": "al-Qaim BOOM\n",
                },
            ),
            strict=True,
        )
    )
    huge = folder / "huge.txt"
    with open(huge, "wb") as f:  # 50 MB, sparse: refused before it is read
        f.truncate(50 * 1024 * 1024)
    paths["too large"] = huge
    return paths


def test_failing_files_are_reported_one_line_each_and_the_rest_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None
) -> None:
    good = write_articles(tmp_path / "in", GOOD)
    bad = bad_articles(tmp_path / "in")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "features.geojson"
    status = cli.main(["extract", str(tmp_path / "in"), "--out", str(out)])
    assert status == 1
    lines = stderr_lines(capsys)
    for reason, path in bad.items():
        named = [line for line in lines if line.startswith(f"{path}: ")]
        assert len(named) == 1, (reason, lines)
    assert [line for line in lines if line.startswith(str(bad["internal error"]))] == [
        f"{bad['internal error']}: internal error: ZeroDivisionError: division by zero"
    ]
    assert any("too large" in line for line in lines)
    assert "Traceback" not in "\n".join(lines)
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert check_feature_collection(fc, texts_of(good)) == []
    assert {f["properties"]["article_id"] for f in fc["features"]} == {"good1", "good2"}
    assert [p.name for p in out_dir.iterdir()] == ["features.geojson"]


def test_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None) -> None:
    good = write_articles(tmp_path / "in", GOOD)
    bad = write_articles(tmp_path / "in", {"empty.txt": b""})[0]
    out = tmp_path / "out.csv"
    assert cli.main(["extract", str(tmp_path / "in"), "--out", str(out)]) == 1
    lines = stderr_lines(capsys)
    good2 = good[1]
    hauran = good2.read_text(encoding="utf-8").index("Wadi Hauran")
    assert lines[0].startswith(f"{bad}: ")
    assert lines[1:] == [
        f"articles: 2 of 3 read; 1 failed: {bad}",
        "features: 2 strike, 0 outpost, 0 sweep, 1 place (3 in all)",
        "unresolved mentions: 1",
        f'  {good2}: "Wadi Hauran" at {hauran}',
        f"wrote 3 features to {out} (csv)",
    ]


def test_the_summary_names_only_a_few_unresolved_mentions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None
) -> None:
    write_articles(tmp_path / "in", {"many.txt": "Wadi Hauran\n" * 8})
    assert cli.main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "o.csv")]) == 0
    lines = stderr_lines(capsys)
    assert "unresolved mentions: 8" in lines
    assert len([line for line in lines if '"Wadi Hauran" at' in line]) == cli.SUMMARY_EXAMPLES
    assert "  and 3 more" in lines


def test_all_good_exits_0_and_quiet_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None
) -> None:
    good = write_articles(tmp_path / "in", GOOD)
    out = tmp_path / "out.geojson"
    assert cli.main(["extract", *map(str, good), "--out", str(out), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert check_feature_collection(fc, texts_of(good)) == []
    assert FakeExtractor.built >= 1


def test_nothing_goes_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None
) -> None:
    write_articles(tmp_path / "in", GOOD)
    assert cli.main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "o.gpkg")]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None, fmt: str
) -> None:
    write_articles(tmp_path / "in", GOOD)
    out = tmp_path / f"out.{fmt}"
    assert cli.main(["extract", str(tmp_path / "in"), "--out", str(out)]) == 0
    assert out.stat().st_size > 0
    assert f"wrote 3 features to {out} ({fmt})" in stderr_lines(capsys)


def test_repeated_article_ids_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None
) -> None:
    first = write_articles(tmp_path / "a", {"same.txt": "al-Qaim\n"})[0]
    second = write_articles(tmp_path / "b", {"same.md": "Anbar\n"})[0]
    out = tmp_path / "o.geojson"
    assert cli.main(["extract", str(first), str(second), "--out", str(out)]) == 1
    lines = stderr_lines(capsys)
    assert [line for line in lines if line.startswith(str(second))] == [
        f"{second}: article id 'same' repeats that of {first}; skipped"
    ]
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert len(fc["features"]) == 1


def test_a_feature_no_writer_can_write_costs_only_its_article(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake_stages: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class NaNExtractor(FakeExtractor):
        def extract(self, article: Article) -> ArticleResult:
            result = super().extract(article)
            if article.id != "good1":
                return result
            broken = [
                Feature(**{**f.properties(), "geometry": Point(float("nan"), 34.0)})
                for f in result.features
            ]
            return ArticleResult(result.article_id, broken, result.unresolved)

    monkeypatch.setattr(pipeline, "Extractor", NaNExtractor)
    good = write_articles(tmp_path / "in", GOOD)
    out = tmp_path / "o.geojson"
    assert cli.main(["extract", str(tmp_path / "in"), "--out", str(out)]) == 1
    lines = stderr_lines(capsys)
    assert any(
        line.startswith(f"{good[0]}: internal error: ValueError:") and "non-finite" in line
        for line in lines
    )
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert {f["properties"]["article_id"] for f in fc["features"]} == {"good2"}


class TwiceExtractor(FakeExtractor):
    """Gives good2's features twice, the way a stage that forgot to deduplicate would."""

    def extract(self, article: Article) -> ArticleResult:
        result = super().extract(article)
        if article.id == "good2":
            return ArticleResult(result.article_id, result.features * 2, result.unresolved)
        return result


class SameIdsExtractor(FakeExtractor):
    """Gives feature ids without the article id, so two articles collide."""

    def extract(self, article: Article) -> ArticleResult:
        result = super().extract(article)
        features = [
            Feature(**{**f.properties(), "geometry": f.geometry, "feature_id": f"f{i}"})
            for i, f in enumerate(result.features)
        ]
        return ArticleResult(result.article_id, features, result.unresolved)


@pytest.mark.parametrize(
    ("extractor", "failing"),
    [(TwiceExtractor, "good2.md"), (SameIdsExtractor, "good2.md")],
)
def test_a_repeated_feature_id_costs_only_its_article(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake_stages: None,
    monkeypatch: pytest.MonkeyPatch,
    extractor: type[FakeExtractor],
    failing: str,
) -> None:
    monkeypatch.setattr(pipeline, "Extractor", extractor)
    good = write_articles(tmp_path / "in", GOOD)
    out = tmp_path / "o.geojson"
    assert cli.main(["extract", str(tmp_path / "in"), "--out", str(out)]) == 1
    lines = stderr_lines(capsys)
    bad = tmp_path / "in" / failing
    (line,) = [line for line in lines if line.startswith(f"{bad}: ")]
    assert line.startswith(f"{bad}: internal error: ValueError: feature_id ")
    assert line.endswith(" is not unique")
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert check_feature_collection(fc, texts_of(good)) == []
    assert {f["properties"]["article_id"] for f in fc["features"]} == {"good1"}


def test_an_output_that_cannot_be_written_keeps_the_old_one(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fake_stages: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_articles(tmp_path / "in", GOOD)
    out = tmp_path / "o.geojson"
    out.write_text("previous run", encoding="utf-8")

    def no_space(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", no_space)
    assert cli.main(["extract", str(tmp_path / "in"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "cannot write" in err and "No space left on device" in err
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "previous run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "o.geojson"]


# --- progress -----------------------------------------------------------------------


def many_articles(folder: Path, n: int) -> list[Path]:
    return write_articles(folder, {f"a{i:03}.txt": f"Report {i} from al-Qaim.\n" for i in range(n)})


def test_progress_bar_with_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None
) -> None:
    many_articles(tmp_path / "in", 25)
    out = tmp_path / "o.geojson"
    assert cli.main(["extract", str(tmp_path / "in"), "--out", str(out), "--progress"]) == 0
    err = capsys.readouterr().err
    assert "extract: 100%" in err and "25/25" in err  # tqdm's bar
    # the summary comes after the bar, each line whole
    summary = err[err.rindex("articles: 25 of 25 read") :].splitlines()
    assert summary[0] == "articles: 25 of 25 read"
    assert summary[-1] == f"wrote 25 features to {out} (geojson)"


def test_progress_bar_keeps_error_lines_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None
) -> None:
    many_articles(tmp_path / "in", 24)
    bad = write_articles(tmp_path / "in", {"empty.txt": b""})[0]
    out = tmp_path / "o.geojson"
    assert cli.main(["extract", str(tmp_path / "in"), "--out", str(out), "--progress"]) == 1
    lines = capsys.readouterr().err.replace("\r", "\n").splitlines()
    assert any(line.startswith(f"{bad}: ") for line in lines)


def test_no_progress_bar_when_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_stages: None
) -> None:
    many_articles(tmp_path / "in", 25)
    assert cli.main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "o.csv")]) == 0
    err = capsys.readouterr().err
    assert "25/25" not in err and "\r" not in err
    assert err.splitlines()[0] == "articles: 25 of 25 read"


# --- end to end: every real stage ---------------------------------------------------
# These need the real gazetteer file and pipeline.


def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_end_to_end_on_the_seeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = tmp_path / f"features.{fmt}"
    status = cli.main(["extract", str(SEEDS), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 0, err
    assert f"articles: {len(seed_texts())} of {len(seed_texts())} read" in err
    if fmt == "geojson":
        fc = json.loads(out.read_text(encoding="utf-8"))
        assert check_feature_collection(fc, seed_texts()) == []
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_end_to_end_with_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    bad = bad_articles(folder)
    del bad["internal error"]  # the real pipeline does not fail on purpose
    (folder / "boom.txt").unlink()
    out = tmp_path / "features.geojson"
    status = cli.main(["extract", str(folder), "--out", str(out)])
    lines = stderr_lines(capsys)
    assert status == 1, lines
    for path in bad.values():
        assert len([line for line in lines if line.startswith(f"{path}: ")]) == 1, lines
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert check_feature_collection(fc, seed_texts()) == []
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == [out.name]


def bordermap_script() -> str:
    script = shutil.which("bordermap", path=str(Path(sys.executable).parent))
    assert script, "the bordermap console script is not installed next to this Python"
    return script


def test_the_installed_script(tmp_path: Path) -> None:
    out = tmp_path / "features.geojson"
    run = subprocess.run(
        [bordermap_script(), "extract", str(SEEDS), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    assert "articles: 2 of 2 read" in run.stderr
    assert f"to {out} (geojson)" in run.stderr
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert check_feature_collection(fc, seed_texts()) == []
