#!/usr/bin/env bash
# Refresh the hash-pinned locks from pyproject.toml's ranges (needs uv: pip install uv).
#   scripts/lock.sh            after editing pyproject.toml: keep every pin that still fits
#   scripts/lock.sh --upgrade  move every pin to the newest release the ranges allow
#   scripts/lock.sh --check    exit 1 if a lock no longer matches pyproject.toml: decided
#                              offline from the files (scripts/lock_check.py), no network
#   scripts/lock.sh --check-online   the same by re-resolving with uv over the network, with
#                              the system's certificate store (as apt and pip use)
# One lock serves Python 3.11, 3.12 and 3.13 (universal resolution, markers where they differ).
set -euo pipefail
cd "$(dirname "$0")/.."
# uv trusts the system's certificate store (an organisation's CA that apt and pip trust)
export UV_NATIVE_TLS=1
upgrade=()
[ "${1:-}" = --upgrade ] && upgrade=(--upgrade)
compile() {  # OUTPUT EXTRA...
  local out=$1; shift
  local extras=()
  for extra in "$@"; do extras+=(--extra "$extra"); done
  uv pip compile pyproject.toml requirements/build.in "${extras[@]}" --universal \
    --python-version 3.11 --generate-hashes --no-header --quiet \
    --custom-compile-command "scripts/lock.sh" ${upgrade[@]+"${upgrade[@]}"} -o "$out"
}
if [ "${1:-}" = --check ]; then
  exec "${PYTHON:-python3}" scripts/lock_check.py
fi
if [ "${1:-}" = --check-online ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  stale=0
  for pair in "runtime:" "test:test" "bench:test bench"; do
    name=${pair%%:*}; extras=${pair#*:}
    # Re-resolve into a copy: without --upgrade uv keeps every pin that still fits the ranges,
    # so a difference means pyproject.toml changed (or a pin no longer satisfies it).
    cp "requirements/$name.txt" "$tmp/$name.txt"
    # shellcheck disable=SC2086
    compile "$tmp/$name.txt" $extras
    if ! diff -q "requirements/$name.txt" "$tmp/$name.txt" >/dev/null; then
      echo "lock: requirements/$name.txt does not match pyproject.toml (run scripts/lock.sh)" >&2
      stale=1
    fi
  done
  exit $stale
fi
compile requirements/runtime.txt
compile requirements/test.txt test
compile requirements/bench.txt test bench
echo "lock: requirements/{runtime,test,bench}.txt written"
