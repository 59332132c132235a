"""The translation record's line on published pages ("Translated from the English version of
…; reviewed …"), through ``pipeline publish``: dates from the source and the sign-offs, in the
reader's locale, no personal names, English (``lang="en"``) when the line is not reviewed."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from conftest import REPO, tree_digest
from test_publish import parse_html, text_of

from pipeline.catalog.entry import sign
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.site.translations import PUBLIC_LINE, PUBLIC_LINE_UNDATED

PAGE = "paraspinal-sarcoma-treatment"
REVIEWER = "Ana Pérez"


def make_site(root: Path, languages: str = '["es"]', extra: str = "") -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[tool.pipeline]\nlanguages = {languages}\nformats = ["html"]\n{extra}', "utf-8")
    shutil.copytree(REPO / "source", root / "source",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "locale", root / "locale", ignore=shutil.ignore_patterns("*.mo"))
    return root


def po_path(root: Path, domain: str, lang: str = "es") -> Path:
    return root / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"


def sign_page(root: Path, dates: dict[int, str], default: str = "2026-11-27") -> None:
    """Sign every entry of the es page catalog: entry ``i`` on ``dates[i]``, else ``default``."""
    cat = load_catalog(po_path(root, PAGE))
    for i, e in enumerate(cat.entries()):
        sign(e, REVIEWER, dates.get(i, default))
    save_catalog(cat)


def publish(root: Path, *args: str) -> Result:
    from pipeline.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(root), "-q", "publish", *args])
    assert result.exit_code == 0, result.output
    return result


def the_line(root: Path, lang: str = "es", tree: str = "") -> list[str]:
    page = root / "output" / tree / lang / f"{PAGE}.html"
    return [text_of(p) for p in parse_html(page).iter("p")
            if p.get("class") == "translation-record"]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


def test_the_line_and_its_msgids_agree_with_the_template() -> None:
    pot = {e.msgid for e in polib.pofile(str(REPO / "locale" / "site.pot"))}
    assert {PUBLIC_LINE, PUBLIC_LINE_UNDATED} <= pot
    for lang in ("es", "fr", "ar", "zh_Hans"):
        po = polib.pofile(str(po_path(REPO, "site", lang)))
        for msgid in (PUBLIC_LINE, PUBLIC_LINE_UNDATED):
            e = po.find(msgid)
            assert e is not None and e.msgstr and "fuzzy" not in e.flags, (lang, msgid)
            assert "%(source_date)s" in e.msgstr


def test_a_published_spanish_page_says_when_in_spanish_without_names(site: Path) -> None:
    sign_page(site, {5: "2026-11-29", 9: "2026-11-28"})
    publish(site, "--lang", "es")
    assert the_line(site) == ["Traducido de la versión en inglés del 25 de noviembre de 2026; "
                              "revisado el 29 de noviembre de 2026"]
    html = (site / "output" / "es" / f"{PAGE}.html").read_text("utf-8")
    assert REVIEWER not in html and "Ana" not in html
    assert the_line(site, "en") == []  # the English original has none


def test_the_review_date_follows_the_sign_offs(site: Path) -> None:
    sign_page(site, {5: "2026-11-29"})
    publish(site, "--lang", "es")
    assert the_line(site)[0].endswith("revisado el 29 de noviembre de 2026")
    sign_page(site, {5: "2026-11-29", 12: "2026-12-03"})  # one entry signed again, later
    publish(site, "--lang", "es")
    assert the_line(site)[0].endswith("revisado el 3 de diciembre de 2026")


def test_a_sign_off_over_other_text_gives_no_date(site: Path) -> None:
    sign_page(site, {5: "2026-12-03"})
    cat = load_catalog(po_path(site, PAGE))
    cat.entries()[5].msgstr += " Texto añadido después."  # changed after its sign-off
    save_catalog(cat)
    publish(site, "--lang", "es")
    assert the_line(site)[0].endswith("revisado el 27 de noviembre de 2026")


def test_without_any_dated_review_the_line_claims_no_date(site: Path) -> None:
    publish(site, "--lang", "es")  # the committed catalogs: reviewed, no sign-off lines
    assert the_line(site) == ["Traducido de la versión en inglés del 25 de noviembre de 2026"]


def test_an_unreviewed_line_shows_in_english_with_english_dates(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", extra="min_reviewed = 90\n")  # one draft: the line
    sign_page(site, {5: "2026-11-29"})
    site_po = polib.pofile(str(po_path(site, "site")), wrapwidth=78)
    site_po.find(PUBLIC_LINE).flags.append("fuzzy")
    site_po.save()
    publish(site, "--lang", "es")
    page = parse_html(site / "output" / "es" / f"{PAGE}.html")
    p = next(p for p in page.iter("p") if p.get("class") == "translation-record")
    spans = list(p.iter("span"))
    assert [s.get("lang") for s in spans] == ["en"]
    assert text_of(p) == ("Translated from the English version of November 25, 2026; "
                          "reviewed November 29, 2026")
    assert page.get("lang") == "es"


def test_previews_carry_the_draft_banner_not_the_line(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", '["es", "ca"]')
    sign_page(root, {5: "2026-11-29"})
    publish(root, "--lang", "es", "--lang", "ca", "--draft")
    for lang in ("es", "ca"):
        assert the_line(root, lang, "drafts") == []
        assert "draft-banner" in (root / "output" / "drafts" / lang / f"{PAGE}.html").read_text(
            "utf-8")


def test_the_publish_is_byte_identical_across_runs(site: Path) -> None:
    sign_page(site, {5: "2026-11-29"})
    publish(site, "--lang", "es")
    first = tree_digest(site / "output")
    shutil.rmtree(site / "output")
    publish(site, "--lang", "es")
    assert tree_digest(site / "output") == first
    assert the_line(site)[0].endswith("29 de noviembre de 2026")
