#!/usr/bin/env python3
"""Copy the map's JavaScript and CSS into ``dashboard/static/vendor/``.

    python scripts/fetch_assets.py [--force]

The files come from an installed PyPI package (``XStatic-Leaflet``; see
``requirements.txt`` and :data:`bordermap.mapview.ASSETS`), so the map never loads
a script from a CDN and draws with no network. The copies are not committed
(``dashboard/static/.gitignore``); ``scripts/setup.sh`` runs this script, and the
dashboard runs the same copy on start when a file is missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bordermap import mapview

STATIC = Path(__file__).resolve().parents[1] / "dashboard" / "static"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="copy even the files already there")
    args = parser.parse_args(argv)
    try:
        copied = mapview.install_assets(STATIC, force=args.force)
    except ModuleNotFoundError as exc:
        print(f"fetch_assets: {exc}; install requirements.txt first", file=sys.stderr)
        return 1
    missing = mapview.missing_assets(STATIC)
    if missing:
        print(f"fetch_assets: still missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    print(f"fetch_assets: {len(copied)} file(s) copied to dashboard/static/{mapview.VENDOR}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
