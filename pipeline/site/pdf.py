"""PDF through WeasyPrint, with a fetcher that serves only the project's own source files."""

from __future__ import annotations

import posixpath
import shutil
import subprocess
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from pipeline.config import Language
from pipeline.errors import PublishError

# Fonts each script needs, and the Debian package that ships them.
FONTS: dict[str, tuple[str, str]] = {
    "latin": ("Noto Sans", "fonts-noto-core"),
    "ar": ("Noto Sans Arabic", "fonts-noto-core"),
    "fa": ("Noto Sans Arabic", "fonts-noto-core"),
    "ur": ("Noto Sans Arabic", "fonts-noto-core"),
    "he": ("Noto Sans Hebrew", "fonts-noto-core"),
    "zh": ("Noto Sans CJK SC", "fonts-noto-cjk"),
    "ja": ("Noto Sans CJK JP", "fonts-noto-cjk"),
    "ko": ("Noto Sans CJK KR", "fonts-noto-cjk"),
}


@cache
def _installed_families() -> frozenset[str]:
    if shutil.which("fc-list") is None:
        raise PublishError("fontconfig is not installed, so no font can be found; install it "
                           "(apt-get install fontconfig) or run scripts/setup.sh")
    out = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


@cache
def _installed_font_files() -> frozenset[str]:
    """The font files fontconfig knows: the only files outside the project the PDF
    fetcher serves (for the stylesheet's ``@font-face { src: local(…) }``)."""
    _installed_families()  # fontconfig is there, or a one-line error
    out = subprocess.run(
        ["fc-list", ":", "file"], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    return frozenset(line.strip().rstrip(":") for line in out.splitlines() if line.strip())


def check_fonts(lang: Language) -> None:
    """Fail with the package to install rather than print boxes."""
    families = _installed_families()
    needed = [FONTS["latin"]]
    if lang.base in FONTS:
        needed.append(FONTS[lang.base])
    for family, package in needed:
        if family not in families:
            raise PublishError(
                f"font '{family}' for {lang.bcp47} is not installed; "
                f"install it (apt-get install {package}) or run scripts/setup.sh"
            )


def import_weasyprint() -> Any:
    """WeasyPrint, or a one-line error naming the Debian package of a missing system library."""
    try:
        import weasyprint
    except OSError as exc:  # cffi could not load Pango, HarfBuzz or fontconfig
        text = str(exc)
        lib = next((name for name in ("pangoft2", "pango", "harfbuzz", "fontconfig", "gobject")
                    if name in text), "")
        package = {"pangoft2": "libpangoft2-1.0-0", "pango": "libpango-1.0-0",
                   "harfbuzz": "libharfbuzz-subset0", "fontconfig": "fontconfig",
                   "gobject": "libglib2.0-0"}.get(lib, "libpango-1.0-0 libpangoft2-1.0-0")
        raise PublishError(f"PDF output needs a system library WeasyPrint could not load "
                           f"({text.splitlines()[0][:120]}); install it (apt-get install "
                           f"{package}) or run scripts/setup.sh") from None
    return weasyprint


def make_fetcher(source_dir: Path, mapping: Mapping[str, Path | bytes]) -> Any:
    """A WeasyPrint fetcher that serves ``file:`` URLs of ``mapping`` (a file, or bytes made
    in memory), under ``source_dir``, or of an installed font (``local()`` in ``@font-face``).

    Everything else — other files, ``http(s)``, ``data:`` — is refused and logged in
    ``fetcher.refused``, so no translation can pull in a local file or reach the network.
    """
    import_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = source_dir.resolve()

    class SourceOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",), allow_redirects=False)
            self.refused: list[str] = []
            self.served: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            path = Path(unquote(parts.path)) if parts.scheme == "file" else None
            target: Path | bytes | None = mapping.get(str(path)) if path is not None else None
            if target is None and path is not None:
                resolved = path.resolve()
                if resolved.is_relative_to(root) and resolved.is_file():
                    target = resolved
                elif str(path) in _installed_font_files():
                    target = path
            if target is None:
                self.refused.append(url)
                raise ValueError(f"refused to fetch {url!r}: only the project's own files")
            self.served.append(url)
            if isinstance(target, bytes):
                return URLFetcherResponse(url, body=target, headers={
                    "Content-Type": _mime(Path(parts.path))})
            return URLFetcherResponse(url, body=target.read_bytes(), headers={
                "Content-Type": _mime(target)})

    return SourceOnlyFetcher()


def _mime(path: Path) -> str:
    return {
        ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
        ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
        ".ttf": "font/ttf", ".otf": "font/otf", ".ttc": "font/collection",
    }.get(path.suffix.lower(), "application/octet-stream")


def watermark_svg(text: str, lang: str) -> bytes:
    """A draft watermark for the page background: WeasyPrint draws backgrounds as
    artifacts, so the word is seen on every page but is not part of the tagged text that
    screen readers and reflow read (a ``position: fixed`` element would be, once per page).
    """
    from xml.sax.saxutils import escape, quoteattr

    families = ", ".join(f"'{f}'" for f in dict.fromkeys(
        family for family, _ in (FONTS.get(lang.split("-")[0], FONTS["latin"]), FONTS["latin"])))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800" viewBox="0 0 600 800">'
        f'<text x="300" y="400" transform="rotate(-30 300 400)" text-anchor="middle" '
        f'font-family="{families}" font-size="110" font-weight="700" fill="#9b1b30" '
        f'fill-opacity="0.12" xml:lang={quoteattr(lang)}>{escape(text)}</text></svg>'
    ).encode()


def write_pdf(html: str, base_url: str, fetcher: Any, target: Path) -> bytes:
    """Render ``html`` to PDF bytes (tagged PDF/UA-1 with bookmarks and metadata).

    A relative link stays relative to the PDF (a link to ``../policies/visitors.md``
    works where the site is served), never the build machine's ``file://`` path: the
    bytes do not depend on where the project sits, and no local path is published.
    """
    import logging

    HTML = import_weasyprint().HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        pdf_variant="pdf/ua-1")
    for page in document.pages:
        page.links = [(kind, relative_link(dest, base_url) if kind == "external" else dest,
                       *rest) for kind, dest, *rest in page.links]
    data = document.write_pdf(pdf_variant="pdf/ua-1")
    if not isinstance(data, bytes):
        raise PublishError("WeasyPrint returned no PDF", path=target)
    return data


def relative_link(url: str, base_url: str) -> str:
    """``url`` relative to ``base_url`` when both are ``file:`` URLs; else unchanged.

    >>> relative_link("file:///site/output/policies/a%20b.md#top",
    ...               "file:///site/output/en/page.pdf")
    '../policies/a%20b.md#top'
    >>> relative_link("https://example.org/", "file:///site/output/en/page.pdf")
    'https://example.org/'
    """
    link, base = urlsplit(url), urlsplit(base_url)
    if link.scheme != "file" or base.scheme != "file":
        return url
    path = posixpath.relpath(unquote(link.path), posixpath.dirname(unquote(base.path)))
    return urlunsplit(("", "", quote(path), link.query, link.fragment))
