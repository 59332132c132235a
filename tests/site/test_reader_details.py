"""What a reader sees first: every public page offers its PDF and its other languages in
the header, inside the first screen on a desktop and on a phone, the same in every
language; and in the Chinese PDF, Latin words keep Latin punctuation (the apostrophe of
"Children’s" is Noto Sans', not a full-width CJK glyph)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import html5lib
import pypdf
import pytest
from click.testing import CliRunner
from test_browser import AXE, CHROMIUM, WCAG_21_AA, axe_violations, needs_axe, needs_chromium

from pipeline.cli import cli

REPO = Path(__file__).resolve().parents[2]
PAGE = "paraspinal-sarcoma-treatment"
PUBLIC = ("en", "es", "fr", "ar", "zh_Hans")
SCREENS = {"desktop": (1280, 800), "phone": (390, 844)}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as shipped, published: es, fr, ar, zh-Hans public, HTML and PDF."""
    root = tmp_path_factory.mktemp("reader") / "site"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO / "source", root / "source")
    shutil.copytree(REPO / "locale", root / "locale", ignore=shutil.ignore_patterns("*.mo"))
    result = CliRunner().invoke(cli, ["--root", str(root), "-q", "publish", "--all"])
    assert result.exit_code == 0, result.output
    return root


def header_of(html: str) -> str:
    found = re.search(r'<header class="site-header">(.*?)</header>', html, re.S)
    assert found, html[:500]
    return found.group(1)


def test_the_pdf_and_the_languages_are_in_the_header_the_same_in_every_language(
        site: Path) -> None:
    links = set()
    for lang in PUBLIC:
        html = (site / "output" / lang / f"{PAGE}.html").read_text("utf-8")
        header = header_of(html)
        assert 'class="language-switcher"' in header
        pdf = re.findall(r'<a href="([^"]+)" type="application/pdf" hreflang="([^"]+)">'
                         r'(?:<svg class="icon" aria-hidden="true"[^>]*>.*?</svg>)?PDF</a>',
                         header, re.S)
        assert pdf == [(f"{PAGE}.pdf", lang.replace("_", "-"))], header
        assert html.count('type="application/pdf"') == 1  # once, at the top
        links.add(re.sub(r'hreflang="[^"]+"', "", header[header.index('class="formats"'):]))
        parser = html5lib.HTMLParser(strict=True)  # a parse error raises
        parser.parse(html)
    assert len(links) == 1  # the same markup in every language


def test_a_pdf_of_the_page_has_no_link_to_itself(site: Path) -> None:
    text = "".join(page.extract_text() for page in
                   pypdf.PdfReader(site / "output" / "es" / f"{PAGE}.pdf").pages)
    assert "PDF" not in text.split()


def positions(page: Path, profile: Path, size: tuple[int, int]) -> dict[str, float]:
    """Where Chromium lays out the PDF link and the language switcher (document pixels)."""
    probe = page.with_name(f".probe-{page.name}")
    script = (
        "<script>addEventListener('load', () => { const at = s => { const r = "
        "document.querySelector(s).getBoundingClientRect(); return r.bottom + scrollY; };"
        " const pre = document.createElement('pre'); pre.id = 'probe';"
        " pre.textContent = JSON.stringify({pdf: at('header a[type=\"application/pdf\"]'),"
        " languages: at('header nav.language-switcher'), screen: innerHeight,"
        " page: document.documentElement.scrollHeight});"
        " document.documentElement.append(pre); });</script>")
    probe.write_text(page.read_text("utf-8").replace("</body>", f"{script}</body>"), "utf-8")
    profile.mkdir(parents=True, exist_ok=True)
    try:
        proc = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}",
             "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()],
            capture_output=True, text=True, timeout=120, env={"HOME": str(profile)})
    finally:
        probe.unlink()
    found = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert found, proc.stderr[-1500:]
    result: dict[str, float] = json.loads(found.group(1))
    return result


@needs_chromium
@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_the_pdf_link_is_on_the_first_screen_in_every_language(site: Path, tmp_path: Path,
                                                                screen: str) -> None:
    for lang in PUBLIC:
        at = positions(site / "output" / lang / f"{PAGE}.html", tmp_path / "profile",
                       SCREENS[screen])
        assert at["page"] > 3 * at["screen"]  # a long page: the foot is far away
        assert at["pdf"] <= 0.3 * at["screen"], (lang, at)
        assert at["languages"] <= 0.3 * at["screen"], (lang, at)


@needs_chromium
@needs_axe
def test_the_header_with_its_pdf_link_has_no_wcag_21_aa_violation(site: Path,
                                                                   tmp_path: Path) -> None:
    assert AXE.exists()
    for lang in ("es", "zh_Hans"):
        page = site / "output" / lang / f"{PAGE}.html"
        assert axe_violations(page, tmp_path / "profile", WCAG_21_AA) == [], page


def glyph_fonts(pdf: Path) -> list[tuple[str, str]]:
    """(character, font) for every character pypdf extracts from ``pdf``."""
    found: list[tuple[str, str]] = []

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        found.extend((char, name) for char in text)

    for page in pypdf.PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return found


def advance(pdf: Path, font_name: str, char: str) -> float:
    """The advance width, in thousandths of an em, of ``char`` in the embedded font."""
    for page in pypdf.PdfReader(pdf).pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            if str(font["/BaseFont"]) != font_name:
                continue
            descendant = font["/DescendantFonts"][0].get_object()
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            code = _code_for(cmap, char)
            widths = descendant.get("/W", [])
            i = 0
            while i < len(widths):
                first, spec = int(widths[i]), widths[i + 1]
                if isinstance(spec, list):
                    if first <= code < first + len(spec):
                        return float(spec[code - first])
                    i += 2
                else:
                    if first <= code <= int(spec):
                        return float(widths[i + 2])
                    i += 3
            return float(descendant.get("/DW", 1000))
    raise AssertionError(f"no font {font_name} in {pdf}")


def _code_for(cmap: str, char: str) -> int:
    target = f"{ord(char):04X}"
    for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", cmap):
        if dst.upper() == target:
            return int(src, 16)
    for lo, _hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>",
                                   cmap):
        if dst.upper() == target:
            return int(lo, 16)
    raise AssertionError(f"{char!r} not in the font's ToUnicode map")


def test_latin_words_keep_latin_punctuation_in_the_chinese_pdf(site: Path) -> None:
    pdf = site / "output" / "zh_Hans" / f"{PAGE}.pdf"
    glyphs = glyph_fonts(pdf)
    apostrophes = [font for char, font in glyphs if char == "’"]
    assert apostrophes, "the page says “St. Jude Children’s Research Hospital”"
    assert all("CJK" not in font for font in apostrophes), apostrophes
    assert all(advance(pdf, font, "’") < 400 for font in set(apostrophes))  # not 1000: full
    # Chinese text keeps its full-width quotes: “化疗” (chemo)
    quotes = [font for char, font in glyphs if char in "“”"]
    assert quotes and all("CJK" in font for font in quotes), quotes
    assert all(advance(pdf, font, "“") == 1000 for font in set(quotes))
