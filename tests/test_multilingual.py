"""Right-to-left and CJK pages: isolation of numbers and names, fonts, extracted text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.render import isolate_ltr, parse_translation

REPO = Path(__file__).resolve().parent.parent
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
