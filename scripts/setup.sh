#!/usr/bin/env bash
# Make this machine ready for l10n-pipeline on Debian 12 or 13: Debian packages, then a venv
# installed from the hash-pinned lock in requirements/.
#
#   scripts/setup.sh           what publishing needs (Apertium, fonts, Pango; requirements/runtime.txt)
#   scripts/setup.sh --test    that, plus what the tests need (gettext, poppler, tmux, Chromium,
#                              npm for axe-core; requirements/test.txt)
#   scripts/setup.sh --bench   that, plus the benchmark's peer tools (bench.txt)
#
# Safe to run again: it installs only what is missing. As root it installs Debian packages;
# otherwise it names the one apt-get command to run and stops (exit 2) before changing anything.
# WITHOUT_BROWSER=1 skips Chromium; PYTHON=python3.12 picks the interpreter for the venv.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=runtime
case "${1:-}" in
  "") ;;
  --test) mode=test ;;
  --bench) mode=bench ;;
  *) echo "setup: unknown option '$1' (use --test or --bench)" >&2; exit 2 ;;
esac

say() { echo "setup: $*"; }
PYTHON=${PYTHON:-python3}

# --- Debian packages ---------------------------------------------------------------------
runtime_packages=(
  fonts-noto-core fonts-noto-cjk fontconfig       # fonts for Latin, Arabic, CJK PDFs; fc-list
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint (PDF)
  apertium                                         # offline machine translation
)
test_packages=(
  gettext                       # msgfmt -c validates every catalog the tests write
  poppler-utils                 # pdftotext / pdffonts for PDF checks
  tmux                          # drives the terminal review in a real terminal
  libatomic1                    # Playwright's bundled node driver (browser tests of serve)
)
[ "${WITHOUT_BROWSER:-0}" = 1 ] || test_packages+=(chromium)   # headless browser tests

# The Apertium pair of each configured language, by the names Debian releases have used.
declare -A PAIRS=(
  [es]="apertium-eng-spa apertium-en-es"
  [ca]="apertium-eng-cat apertium-en-ca"
  [gl]="apertium-en-gl apertium-eng-glg"
)

configured_languages() {
  # [tool.pipeline] languages from pyproject.toml; grep rather than Python, which may be absent.
  sed -n '/^\[tool\.pipeline\]/,/^\[/p' pyproject.toml | grep -E '^languages *=' \
    | grep -oE '"[^"]+"' | tr -d '"' | tr '-' '_'
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
available() {  # the archive this machine uses has a candidate for the package
  local candidate
  candidate=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p')
  [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

wanted=("${runtime_packages[@]}")
[ "$mode" = runtime ] || wanted+=("${test_packages[@]}")
# npm fetches axe-core for the accessibility tests (any npm will do: Debian's or another).
[ "$mode" = runtime ] || command -v npm >/dev/null || wanted+=(npm)
command -v "$PYTHON" >/dev/null || wanted+=(python3)
if ! "$PYTHON" -c "import ensurepip, venv" 2>/dev/null; then wanted+=(python3-venv); fi

missing=()
for pkg in "${wanted[@]}"; do installed "$pkg" || missing+=("$pkg"); done

# apt's lists: a fresh Debian root may have none; only root can fetch them.
pairs_unknown=0
for lang in $(configured_languages); do
  for pkg in ${PAIRS[$lang]:-}; do installed "$pkg" || pairs_unknown=1; done
done
if [ "$(id -u)" = 0 ] && { [ ${#missing[@]} -gt 0 ] || [ $pairs_unknown = 1 ]; }; then
  apt-get update -q >/dev/null
fi

no_pair=()
for lang in $(configured_languages); do
  [ -n "${PAIRS[$lang]:-}" ] || continue
  chosen=""
  for pkg in ${PAIRS[$lang]}; do
    if installed "$pkg"; then chosen=installed; break; fi
    if available "$pkg"; then chosen=$pkg; break; fi
  done
  case "$chosen" in
    installed) ;;
    "") no_pair+=("$lang") ;;
    *) missing+=("$chosen") ;;
  esac
done
if [ ${#no_pair[@]} -gt 0 ]; then
  say "this Debian release has no Apertium pair for: ${no_pair[*]} (no offline drafts; use an online engine)"
fi

if [ ${#missing[@]} -gt 0 ]; then
  unavailable=()
  for pkg in "${missing[@]}"; do available "$pkg" || unavailable+=("$pkg"); done
  if [ ${#unavailable[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
    echo "setup: this Debian release has no package ${unavailable[*]}; nothing was installed" >&2
    exit 2
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages; as root run: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 2
  fi
  say "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    >/dev/null
fi

# --- Python packages from the lock -------------------------------------------------------
lock=requirements/$mode.txt
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $("$PYTHON" --version 2>&1)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$mode-$(cat "$lock" pyproject.toml | sha1sum | cut -c1-12)
if [ ! -f "$stamp" ]; then
  say "installing $lock (hash-checked) and the package into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps \
    -r "$lock"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
    --no-build-isolation -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi
# --- axe-core for the browser tests, from tests/js/package-lock.json ---------------------
if [ "$mode" != runtime ]; then
  js_stamp=tests/js/node_modules/.installed-$(sha1sum tests/js/package-lock.json | cut -c1-12)
  if [ ! -f "$js_stamp" ]; then
    say "installing axe-core (npm ci in tests/js)"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$js_stamp"
  fi
fi
say "ready ($mode): .venv/bin/pipeline"
