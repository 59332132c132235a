#!/usr/bin/env bash
# A report, not a gate: the suite against the newest releases pyproject.toml's ranges allow
# (no lock), in its own venv, so that the next Babel or WeasyPrint release shows up here before
# it reaches the lock. Exit code is the suite's; CI's blocking run (.ci/run) uses the lock.
#   scripts/test-newest.sh                 # with python3
#   PYTHON=python3.13 scripts/test-newest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-newest
PYTHON=${PYTHON:-python3}
[ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade --upgrade-strategy eager \
  -e ".[test]"
"$venv/bin/python" -m pip list --format=freeze 2>/dev/null \
  | grep -iE '^(babel|weasyprint|polib|markdown-it-py|click|jinja2|pytest)==' | tr '\n' ' '
echo
"$venv/bin/python" -m pytest -p no:cacheprovider "$@"
