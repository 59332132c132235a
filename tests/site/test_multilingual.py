"""Right-to-left and CJK pages: isolation of numbers and names, fonts, extracted text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.site.body import isolate_ltr, parse_translation

REPO = Path(__file__).resolve().parents[2]
PAGE = "paraspinal-sarcoma-treatment"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("multi") / "site"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.pipeline]\nlanguages = ["es", "fr", "ar", "zh_Hans"]\npage_size = "A4"\n'
        'site_name = "St. Jude Children\'s Research Hospital"\n', "utf-8")
    shutil.copytree(REPO / "source", root / "source")
    shutil.copytree(REPO / "locale", root / "locale")
    result = CliRunner().invoke(cli, ["--root", str(root), "publish", "--all"])
    assert result.exit_code == 0, result.output
    return root


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                          check=True).stdout


def test_isolate_wraps_numbers_and_latin_names_only() -> None:
    children = isolate_ltr(parse_translation("الفاكس: 901-595-4011 في St. Jude.", {}))
    html = "".join(c.content for c in children)
    assert html == ('الفاكس: <bdi dir="ltr">901-595-4011</bdi> في '
                    '<bdi dir="ltr">St. Jude</bdi>.')


def test_arabic_html_is_rtl_with_isolated_numbers(site: Path) -> None:
    html = (site / "output" / "ar" / f"{PAGE}.html").read_text("utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<bdi dir="ltr">901-595-4011</bdi>' in html
    assert '<bdi dir="ltr">US News &amp; World Report</bdi>' in html
    assert 'hreflang="zh-Hans"' in html and 'hreflang="x-default"' in html


def test_arabic_pdf_reads_numbers_in_logical_order(site: Path) -> None:
    pdf = site / "output" / "ar" / f"{PAGE}.pdf"
    text = pdftext(pdf)
    # Without isolation WeasyPrint lays the fax number out as "4011-595-901".
    assert "901-595-4011" in text and "4011-595-901" not in text
    assert "الساركوما" in text  # a known Arabic word extracts in logical order
    assert "Noto-Sans-Arabic" in fonts(pdf)


def test_chinese_pdf_uses_the_simplified_chinese_font(site: Path) -> None:
    pdf = site / "output" / "zh_Hans" / f"{PAGE}.pdf"
    text = pdftext(pdf)
    assert "椎旁肉瘤" in text
    listed = fonts(pdf)
    assert "Noto-Sans-CJK-SC" in listed and "CJK-JP" not in listed


def test_index_lists_every_language_by_native_name(site: Path) -> None:
    index = (site / "output" / "index.html").read_text("utf-8")
    for name in ("English", "Español", "Français", "العربية", "中文"):
        assert name in index


LANGS = {"es": "ltr", "fr": "ltr", "ar": "rtl", "zh_Hans": "ltr"}


def counts(path: Path) -> dict[str, int]:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(path.read_bytes())
    main = tree.find(".//main")
    assert main is not None
    return {tag: len(main.findall(f".//{tag}")) for tag in ("h1", "h2", "h3", "h4", "li", "a",
                                                           "img", "tr", "p")}


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_structure_matches_english_and_lang_dir_are_right(site: Path, lang: str) -> None:
    from pipeline.config import parse_language

    html_path = site / "output" / lang / f"{PAGE}.html"
    assert counts(html_path) == counts(site / "output" / "en" / f"{PAGE}.html")
    html = html_path.read_text("utf-8")
    bcp47 = parse_language(lang).bcp47
    assert f'<html lang="{bcp47}" dir="{LANGS[lang]}">' in html
    for other in LANGS:
        assert f'hreflang="{parse_language(other).bcp47}"' in html
    # the page is fully reviewed: no English block in it (the footer's template strings
    # awaiting a translator's review are English, marked, as the continuity rule says)
    assert 'lang="en"' not in html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_pdf_text_is_in_the_language_and_every_font_embedded(site: Path, lang: str) -> None:
    import polib

    pdf = site / "output" / lang / f"{PAGE}.pdf"
    catalog = polib.pofile(str(REPO / "locale" / lang / "LC_MESSAGES" / f"{PAGE}.po"))
    heading = next(e.msgstr for e in catalog if "h2" in (e.comment or ""))
    assert " ".join(heading.split()) in " ".join(pdftext(pdf).split())
    rows = fonts(pdf).splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                    reason="Debian's chromium is not installed (scripts/setup.sh installs it)")
@pytest.mark.parametrize("lang", sorted(LANGS))
def test_browser_renders_each_language_without_console_errors(site: Path, lang: str,
                                                              tmp_path: Path) -> None:
    from test_publish import chromium_screenshot, console_errors

    page = site / "output" / lang / f"{PAGE}.html"
    png = tmp_path / f"{lang}.png"
    log = chromium_screenshot(page, png, tmp_path / "profile", size="900,1400")
    assert png.is_file() and png.stat().st_size > 30_000, log[-1500:]
    assert console_errors(log, page) == []
