#!/usr/bin/env bash
# Make this machine ready for l10n-pipeline: Debian packages (when root) and a venv.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
  gettext                       # msgfmt -c validates every catalog we write
  apertium apertium-eng-spa apertium-eng-cat apertium-en-gl   # offline MT (es, ca, gl)
  fonts-noto-core fonts-noto-cjk  # fonts that cover Latin, Arabic and CJK scripts in PDFs
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0          # WeasyPrint (PDF)
  poppler-utils                 # pdftotext / pdffonts / pdftoppm for PDF checks
)
[ "${WITHOUT_BROWSER:-0}" = 1 ] || DEB_PACKAGES+=(chromium)   # headless browser test
PYTHON=${PYTHON:-python3}
# Debian's own python3 needs python3-venv before it can make a venv.
command -v "$PYTHON" >/dev/null || DEB_PACKAGES+=(python3)
"$PYTHON" -c "import ensurepip, venv" 2>/dev/null || DEB_PACKAGES+=(python3-venv)

missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages (run as root or: sudo apt-get install ${missing[*]})" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  echo "setup: installing the package and its test tools into .venv"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e ".[test,serve]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
echo "setup: ready (.venv/bin/pipeline)"
