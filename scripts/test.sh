#!/usr/bin/env bash
# Set up (as scripts/setup.sh), then the whole check: the test suite, ruff and mypy --strict.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/python -m pytest
.venv/bin/ruff check .
.venv/bin/mypy
