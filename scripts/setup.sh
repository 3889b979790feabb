#!/usr/bin/env bash
# Install bordermap into ./.venv on a Debian machine with Python 3.11 (run as root for apt).
#   bash scripts/setup.sh          what the dashboard and the CLI need
#   bash scripts/setup.sh --test   also what the tests need (npm for the geo rebuild test,
#                                  Debian's Chromium for the browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

apt_pkgs=()
python3 -c "import ensurepip, venv" 2>/dev/null || apt_pkgs+=(python3-venv)
if [ "$with_tests" = 1 ]; then
  command -v npm >/dev/null 2>&1 || apt_pkgs+=(npm)
  command -v chromium >/dev/null 2>&1 || apt_pkgs+=(chromium)
fi
if [ "${#apt_pkgs[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${apt_pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$with_tests" = 1 ]; then
  .venv/bin/python -m pip install -q -r requirements-dev.txt
else
  .venv/bin/python -m pip install -q -r requirements.txt
fi
.venv/bin/python -m pip install -q --no-deps -e .
# The map's JavaScript and CSS, copied from the XStatic packages (never from a CDN).
.venv/bin/python scripts/fetch_assets.py
echo "setup: bordermap installed in .venv"
