"""Shared fixtures. Each block is self-contained; add new ones as their own block."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


# --- the store and the dashboard (tests/test_mapview.py, test_app.py, test_browser.py) ---


@pytest.fixture(scope="session")
def seeded_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the seed articles, extracted by the real pipeline (built once).

    Copy it (``seeded_store``) before writing to it.
    """
    from bordermap import gazetteer, pipeline
    from bordermap.articles import article_files
    from bordermap.store import Store

    path = tmp_path_factory.mktemp("seeded") / "seeded.gpkg"
    report = Store(path).ingest(
        article_files([REPO / "seeds"]), pipeline.Extractor(gazetteer.load())
    )
    assert report.added and not report.failed, report
    return path


@pytest.fixture
def seeded_store(seeded_store_file: Path, tmp_path: Path) -> Path:
    """A private copy of :func:`seeded_store_file` that a test may change."""
    path = tmp_path / "store.gpkg"
    shutil.copyfile(seeded_store_file, path)
    return path


# --- outcome of each phase on the item, so fixtures can act on failure (test_browser.py) ---


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Keep each phase's report as ``item.stash[PHASE_REPORTS][when]``."""
    report = yield
    item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report
    return report


PHASE_REPORTS = pytest.StashKey[dict]()
