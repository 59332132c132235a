""""About this translation" on published pages, through ``pipeline publish``: what actually
happened (from provenance and sign-offs), roles and qualifications from ``team.toml``, no
names unless ``statement_names``, dates in the reader's locale, the English page and the
report address; English (``lang="en"``) where its strings are not reviewed; in the PDF too."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from conftest import REPO, tree_digest
from test_publish import parse_html, text_of

from pipeline.catalog.entry import is_fuzzy, mark_reviewed, mark_translated, sign
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.site import about

PAGE = "paraspinal-sarcoma-treatment"
REVIEWER = "Ana Pérez"
CLINICIAN = "Dr Luis Gil"
TEAM = f"""\
[[person]]
name = "Marta Ruiz"
languages = ["es"]
roles = ["translator"]
qualifications = "ATA-certified English>Spanish translator"

[[person]]
name = "{REVIEWER}"
languages = ["es"]
roles = ["reviser"]
qualifications = "Medical translator, ISO 17100 reviser"

[[person]]
name = "{CLINICIAN}"
languages = ["es"]
roles = ["clinical"]
qualifications = "RN, paediatric oncology"
"""
MSGIDS = (about.FROM_LINE, about.REVIEWED_LINE, about.MACHINE_LINE, about.TRANSLATED_LINE,
          about.SIGNED_LINE, about.REVISED_LINE, about.CLINICAL_LINE, "About this translation",
          *about.ROLE_NAMES.values(), "Read the English version",
          "Report a problem with this translation")


def make_site(root: Path, extra: str = "", formats: str = '["html"]') -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[tool.pipeline]\nlanguages = ["es"]\nformats = {formats}\n{extra}', "utf-8")
    shutil.copytree(REPO / "source", root / "source",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "locale", root / "locale", ignore=shutil.ignore_patterns("*.mo"))
    review_statement_strings(root)
    return root


def review_statement_strings(root: Path, lang: str = "es") -> None:
    """A translator reviews the statement's strings (committed as AI drafts, fuzzy): what a
    project does before the section shows in the reader's language."""
    cat = load_catalog(po_path(root, "site", lang))
    for e in cat.entries():
        if e.msgid in MSGIDS and is_fuzzy(e):
            mark_reviewed(e)
    save_catalog(cat)


def po_path(root: Path, domain: str, lang: str = "es") -> Path:
    return root / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"


def sign_page(root: Path, dates: dict[int, str], default: str = "2026-11-27", *,
              clinical: bool = False, machine: bool = False) -> None:
    """Translated by Marta (recorded), signed by Ana on ``dates[i]`` (else ``default``),
    and by the clinician too with ``clinical``."""
    cat = load_catalog(po_path(root, PAGE))
    for i, e in enumerate(cat.entries()):
        if machine:
            e.tcomment = "machine translation: apertium en→es, 2026-11-25"
        mark_translated(e, "Marta Ruiz", "2026-11-26")
        sign(e, REVIEWER, dates.get(i, default))
        if clinical:
            sign(e, CLINICIAN, "2026-11-30", role="clinical")
    save_catalog(cat)


def publish(root: Path, *args: str) -> Result:
    from pipeline.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(root), "-q", "publish", *args])
    assert result.exit_code == 0, result.output
    return result


def section(root: Path, lang: str = "es", tree: str = "") -> list[str]:
    """The section's paragraphs and list items, as text (empty: no section)."""
    page = parse_html(root / "output" / tree / lang / f"{PAGE}.html")
    found = [el for el in page.iter("section") if el.get("id") == "about-this-translation"]
    if not found:
        return []
    return [text_of(el) for el in found[0].iter() if el.tag in ("h2", "p", "li")]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


def test_its_strings_are_in_site_pot_and_translated_with_a_comment() -> None:
    pot = {e.msgid for e in polib.pofile(str(REPO / "locale" / "site.pot"))}
    assert set(MSGIDS) <= pot
    for lang in ("es", "fr", "ar", "zh_Hans"):
        po = polib.pofile(str(po_path(REPO, "site", lang)))
        for msgid in MSGIDS:
            e = po.find(msgid)
            # an AI draft until a translator reviews it: fuzzy, and it says how it was made
            assert e is not None and e.msgstr and "fuzzy" in e.flags, (lang, msgid)
            assert "AI model" in e.tcomment and "awaiting a translator's review" in e.tcomment
        assert "%(source_date)s" in po.find(about.FROM_LINE).msgstr


def test_reviewed_without_sign_offs_claims_only_what_happened(site: Path) -> None:
    publish(site, "--lang", "es")  # the committed catalogs: reviewed, no provenance, no marks
    assert section(site) == [
        "Acerca de esta traducción",
        "Esta página se tradujo de la versión en inglés del 25 de noviembre de 2026. "
        "Una persona revisó cada parte de la traducción antes de publicarla.",
        "Leer la versión en inglés"]
    assert section(site, "en") == []  # the English original has none
    page = parse_html(site / "output" / "es" / f"{PAGE}.html")
    links = {a.get("href") for a in page.iter("a")}
    assert f"../en/{PAGE}.html" in links


def test_roles_and_qualifications_without_names_by_default(site: Path) -> None:
    (site / "team.toml").write_text(TEAM, "utf-8")
    sign_page(site, {5: "2026-11-29", 9: "2026-11-28"}, machine=True)
    publish(site, "--lang", "es")
    text = section(site)
    assert "Una traducción automática hizo un primer borrador." in text[1]
    assert "Un traductor escribió o corrigió la traducción." in text[1]
    assert "Un revisor comparó cada parte de la traducción con el inglés" in text[1]
    assert "Un profesional clínico" not in text[1]  # no clinician signed
    assert text[2:4] == ["Traductor: ATA-certified English>Spanish translator",
                         "Revisor: Medical translator, ISO 17100 reviser"]
    assert "Última revisión: 29 de noviembre de 2026" in text
    html = (site / "output" / "es" / f"{PAGE}.html").read_text("utf-8")
    for name in (REVIEWER, "Ana", "Marta", CLINICIAN):
        assert name not in html


def test_names_when_the_project_publishes_them_and_the_report_link(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", 'statement_names = true\n'
                     'report_address = "mailto:translations@example.org"\n')
    (site / "team.toml").write_text(TEAM, "utf-8")
    sign_page(site, {}, clinical=True)
    publish(site, "--lang", "es")
    text = section(site)
    assert "Un profesional clínico verificó la exactitud médica de la traducción." in text[1]
    assert f"{CLINICIAN} — Revisor clínico: RN, paediatric oncology" in text
    assert f"{REVIEWER} — Revisor: Medical translator, ISO 17100 reviser" in text
    assert "Última revisión: 30 de noviembre de 2026" in text  # the clinician's, the latest
    page = parse_html(site / "output" / "es" / f"{PAGE}.html")
    assert "mailto:translations@example.org" in {a.get("href") for a in page.iter("a")}
    assert text[-1] == ("Leer la versión en inglés · Informar de un problema con esta "
                        "traducción")


def test_a_sign_off_over_other_text_names_no_one_and_gives_no_date(site: Path) -> None:
    (site / "team.toml").write_text(TEAM, "utf-8")
    sign_page(site, {5: "2026-12-03"})
    cat = load_catalog(po_path(site, PAGE))
    for e in cat.entries():
        e.msgstr += " Texto añadido."  # every text changed after its sign-off and marks
    save_catalog(cat)
    publish(site, "--lang", "es")
    text = section(site)
    assert not any(line.startswith(("Traductor", "Revisor")) for line in text)
    assert not any("Última revisión" in line for line in text)


def test_an_unreviewed_string_shows_in_english_with_english_dates(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", extra="min_reviewed = 90\n")
    site_po = polib.pofile(str(po_path(site, "site")), wrapwidth=78)
    site_po.find(about.FROM_LINE).flags.append("fuzzy")
    site_po.save()
    publish(site, "--lang", "es")
    page = parse_html(site / "output" / "es" / f"{PAGE}.html")
    sec = next(s for s in page.iter("section") if s.get("id") == "about-this-translation")
    first = next(sec.iter("p"))
    assert [s.get("lang") for s in first.iter("span")][0] == "en"
    assert text_of(first).startswith("This page was translated from the English version of "
                                     "November 25, 2026.")


def test_previews_carry_the_draft_banner_not_the_section(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    publish(root, "--lang", "es", "--draft")
    assert section(root, "es", "drafts") == []


def test_the_pdf_carries_the_section_with_qualifications(tmp_path: Path) -> None:
    from pypdf import PdfReader

    site = make_site(tmp_path / "site", formats='["html", "pdf"]')
    (site / "team.toml").write_text(TEAM, "utf-8")
    sign_page(site, {}, clinical=True)
    publish(site, "--lang", "es")
    pdf = PdfReader(io.BytesIO((site / "output" / "es" / f"{PAGE}.pdf").read_bytes()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert "Acerca de esta traducción" in text
    assert "RN, paediatric oncology" in text and "Medical translator" in text
    assert CLINICIAN not in text and REVIEWER not in text


def test_the_publish_is_byte_identical_and_follows_the_roster(site: Path) -> None:
    (site / "team.toml").write_text(TEAM, "utf-8")
    sign_page(site, {5: "2026-11-29"})
    publish(site, "--lang", "es")
    first = tree_digest(site / "output")
    shutil.rmtree(site / "output")
    publish(site, "--lang", "es")
    assert tree_digest(site / "output") == first
    # a changed qualification re-renders the page (team.toml is an input of every page)
    (site / "team.toml").write_text(TEAM.replace("RN, paediatric", "MD, paediatric")
                                    .replace("ISO 17100 reviser", "ISO 17100 reviser (2026)"),
                                    "utf-8")
    publish(site, "--lang", "es")
    assert "Revisor: Medical translator, ISO 17100 reviser (2026)" in section(site)
