"""Extraction: golden templates, determinism, and gettext's own validator.

Set ``UPDATE_GOLDEN=1`` to rewrite ``tests/data/pages/*.expect.pot`` from the current code.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import polib
import pytest
from click.testing import Result
from conftest import REPO, msgfmt_ok

from pipeline.catalog.extract import page_template, render_template
from pipeline.source import read_page

PAGES_DIR = Path(__file__).resolve().parents[1] / "data" / "pages"
PAGES = sorted(PAGES_DIR.glob("*.md"))
STAMP = "2026-01-01 00:00+0000"


def extract_text(path: Path) -> str:
    pot = page_template([read_page(path)], REPO)
    return render_template(pot, path.stem, STAMP)


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_golden_pot(path: Path) -> None:
    golden = path.with_suffix(".expect.pot")
    text = extract_text(path)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no golden {golden.name}; run with UPDATE_GOLDEN=1"
    assert text == golden.read_text("utf-8")


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_golden_pot_is_valid_gettext(path: Path) -> None:
    msgfmt_ok(path.with_suffix(".expect.pot"))


def test_golden_second_page_covers_the_markdown_features() -> None:
    pot = polib.pofile(str(PAGES_DIR / "visiting-hours.expect.pot"))
    kinds = {kind for e in pot for kind in e.comment.split(", ")}
    assert {
        "title",
        "description",
        "h1",
        "h2",
        "paragraph",
        "list item",
        "blockquote",
        "table header cell",
        "table cell",
        "image alt",
        "image title",
    } <= kinds
    ids = "\n".join(e.msgid for e in pot)
    for markup in (
        '"Visitor policy, updated yearly")',
        "(mailto:",
        "](../policies/",
        "<https://",
        "`Guest-WiFi`",
        "*important*",
        "**every patient**",
    ):
        assert markup in ids, markup


def test_identical_strings_merge_with_all_references() -> None:
    pot = polib.pofile(str(PAGES_DIR / "paraspinal-sarcoma-treatment.expect.pot"))
    title = [e for e in pot if e.msgid == "Paraspinal Sarcoma Treatment"]
    assert len(title) == 1
    assert [line for _, line in title[0].occurrences] == ["2", "9"]
    assert title[0].comment == "title, h1"
    assert len({(e.msgctxt, e.msgid) for e in pot}) == len(pot)


def test_seed_page_soft_breaks_folded() -> None:
    pot = polib.pofile(str(PAGES_DIR / "paraspinal-sarcoma-treatment.expect.pot"))
    assert all("\n" not in e.msgid for e in pot)
    assert any(e.msgid.startswith("**Surgery:** The surgeon will remove") for e in pot)


def test_golden_seed_is_the_real_page() -> None:
    real = REPO / "source" / "pages" / "paraspinal-sarcoma-treatment.md"
    assert (PAGES_DIR / real.name).read_bytes() == real.read_bytes()


# --- through the CLI -----------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return result


def test_extract_twice_changes_no_byte(project: Path, run) -> None:
    ok(run("extract"))
    locale = project / "locale"
    assert sorted(p.name for p in locale.glob("*.pot")) == [
        "paraspinal-sarcoma-treatment.pot",
        "site.pot",
    ]
    before = snapshot(locale)
    time.sleep(0.05)
    second = ok(run("extract"))
    assert snapshot(locale) == before
    assert "unchanged" in second.output and "wrote" not in second.output


def test_extract_date_changes_only_with_content(project: Path, run) -> None:
    ok(run("extract"))
    pot_path = project / "locale" / "paraspinal-sarcoma-treatment.pot"
    old = polib.pofile(str(pot_path))
    # pretend the template is old, so a content change must give a new date
    text = pot_path.read_text("utf-8").replace(
        old.metadata["POT-Creation-Date"], "2000-01-01 00:00+0000"
    )
    pot_path.write_text(text, encoding="utf-8")
    ok(run("extract"))
    assert pot_path.read_text("utf-8") == text  # content unchanged: old date kept
    page = project / "source" / "pages" / "paraspinal-sarcoma-treatment.md"
    page.write_text(page.read_text("utf-8").replace("Learn more\n", "Learn more now\n"), "utf-8")
    ok(run("extract"))
    new = polib.pofile(str(pot_path))
    assert new.metadata["POT-Creation-Date"] != "2000-01-01 00:00+0000"
    assert new.find("Learn more now") is not None


def test_references_and_site_template(project: Path, run) -> None:
    ok(run("extract"))
    pot = polib.pofile(str(project / "locale" / "paraspinal-sarcoma-treatment.pot"))
    refs = {ref for e in pot for ref, _ in e.occurrences}
    assert refs == {"source/pages/paraspinal-sarcoma-treatment.md"}
    site = polib.pofile(str(project / "locale" / "site.pot"))
    skip = site.find("Skip to Main Content")
    assert skip is not None
    assert "source/templates/page.html" in {ref for ref, _ in skip.occurrences}


def test_msgfmt_accepts_every_file_written(project: Path, run) -> None:
    ok(run("extract"))
    for lang in ("es", "ar", "zh-Hans", "pt-BR", "fr"):
        ok(run("update", "--lang", lang))
    # and after a change to the source (fuzzy entries with previous msgids, obsoletes)
    po = project / "locale" / "es" / "LC_MESSAGES" / "paraspinal-sarcoma-treatment.po"
    cat = polib.pofile(str(po))
    for e in cat:
        e.msgstr = f"ES {e.msgid}"
    cat.save()
    page = project / "source" / "pages" / "paraspinal-sarcoma-treatment.md"
    text = page.read_text("utf-8").replace("Psychologists", "Psychologists and counselors")
    page.write_text(text.replace("- Child life specialists\n", ""), "utf-8")
    ok(run("extract"))
    ok(run("update"))
    written = sorted((project / "locale").rglob("*.po")) + sorted(
        (project / "locale").glob("*.pot")
    )
    assert len(written) == 2 + 5 * 2
    text = po.read_text("utf-8")
    assert "#| msgid" in text and "#~ msgid" in text
    for path in written:
        msgfmt_ok(path)


def test_extract_a_copy_of_the_data_pages(project: Path, run) -> None:
    # every golden page is a valid page of a project, not only of the library call
    for page in PAGES:
        shutil.copy(page, project / "source" / "pages" / page.name)
    result = ok(run("extract"))
    assert "visiting-hours.pot" in result.output
    msgfmt_ok(project / "locale" / "visiting-hours.pot")


def test_symlinked_page_keeps_its_project_reference(project: Path, run, tmp_path: Path) -> None:
    # (a link to a page outside the project is refused: tests/guarantees/test_leftovers.py)
    elsewhere = project / "content" / "visiting-hours.md"
    elsewhere.parent.mkdir()
    shutil.copy(PAGES_DIR / "visiting-hours.md", elsewhere)
    (project / "source" / "pages" / "visiting-hours.md").symlink_to(elsewhere)
    result = run("extract")
    assert result.exit_code == 0, result.output
    pot = polib.pofile(str(project / "locale" / "visiting-hours.pot"))
    assert {ref for e in pot for ref, _ in e.occurrences} == {"source/pages/visiting-hours.md"}


def test_write_template_stamp_and_quiet_rewrite(tmp_path: Path) -> None:
    from pipeline.catalog.extract import write_template

    path = tmp_path / "x.pot"
    page = PAGES_DIR / "visiting-hours.md"
    assert write_template(page_template([read_page(page)], REPO), path, "x", stamp=STAMP)
    assert f"POT-Creation-Date: {STAMP}" in path.read_text("utf-8")
    # same content, later stamp: nothing written, date kept
    later = "2030-01-01 00:00+0000"
    assert not write_template(page_template([read_page(page)], REPO), path, "x", stamp=later)
    assert f"POT-Creation-Date: {STAMP}" in path.read_text("utf-8")
