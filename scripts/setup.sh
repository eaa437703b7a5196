#!/usr/bin/env bash
# Install everything verkosto and its tests need, from the package registries only.
set -euo pipefail
cd "$(dirname "$0")/.."

# Python 3.12 (Mesa >= 3.4 needs it); pyenv resolves it through .python-version.
PY=${PY:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
  for cand in python3.12 python3.13 "$(pyenv root 2>/dev/null)/versions/3.12.1/bin/python3"; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
      PY=$cand; break
    fi
  done
fi
"$PY" -c 'import sys; assert sys.version_info >= (3, 12), "verkosto needs Python >= 3.12"'

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"

# Headless browser for the dashboard's end-to-end test (tests/test_dashboard_browser.py):
# Debian's chromium, driven by the playwright package with executable_path; never `playwright install`.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi

# Compile the model's inner loops now (numba caches them in model/__pycache__), so that the
# first `make run` or test run does not spend most of a minute on it in silence: a short run
# of the default scenario compiles what the default uses; other paths compile on first use.
WARM_OUT=$(mktemp -d)
.venv/bin/verkosto run --steps 8 --out "$WARM_OUT/run" -q
rm -rf "$WARM_OUT"
