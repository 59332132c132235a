"""PDF through WeasyPrint, with a fetcher that serves only the project's own source files."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .config import Language
from .errors import PublishError

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
        return frozenset()
    out = subprocess.run(
        ["fc-list", ":", "family"], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


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


def make_fetcher(source_dir: Path, mapping: dict[str, Path]) -> Any:
    """A WeasyPrint fetcher that serves ``file:`` URLs of ``mapping`` (or under ``source_dir``).

    Everything else — other files, ``http(s)``, ``data:`` — is refused and logged in
    ``fetcher.refused``, so no translation can pull in a local file or reach the network.
    """
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
            target = mapping.get(str(path)) if path is not None else None
            if target is None and path is not None:
                resolved = path.resolve()
                if resolved.is_relative_to(root) and resolved.is_file():
                    target = resolved
            if target is None:
                self.refused.append(url)
                raise ValueError(f"refused to fetch {url!r}: only the project's own files")
            self.served.append(url)
            return URLFetcherResponse(url, body=target.read_bytes(), headers={
                "Content-Type": _mime(target)})

    return SourceOnlyFetcher()


def _mime(path: Path) -> str:
    return {
        ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
        ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
    }.get(path.suffix.lower(), "application/octet-stream")


def write_pdf(html: str, base_url: str, fetcher: Any, target: Path) -> bytes:
    """Render ``html`` to PDF bytes (tagged PDF/UA-1 with bookmarks and metadata)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    data = document.write_pdf(pdf_variant="pdf/ua-1")
    if not isinstance(data, bytes):
        raise PublishError("WeasyPrint returned no PDF", path=target)
    return data
