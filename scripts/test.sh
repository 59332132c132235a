#!/usr/bin/env bash
# Set up with the test tools (scripts/setup.sh --test), then the whole check: the test suite
# (doctests included), ruff, mypy --strict, and the lock matching pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test
.venv/bin/python -m pytest
.venv/bin/ruff check .
.venv/bin/mypy
PATH="$PWD/.venv/bin:$PATH" ./scripts/lock.sh --check
