"""TMX 1.4b exchange: our export read by Translate Toolkit, po2tmx / OmegaT / Okapi files
imported into the memory store with their origin, and ``translate`` drafting from it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from conftest import DATA, GETTEXT, REPO, RunCli, without_site_drafts
from translate.storage import tmx as tt_tmx

from pipeline.catalog.entry import is_draft as is_machine
from pipeline.catalog.entry import is_reviewed
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.config import load_config, parse_language
from pipeline.mt.tm import export_tmx, import_tmx, load_memory, match_language

EX = DATA / "exchange"
PO2TMX = Path(sys.executable).parent / "po2tmx"
ES = parse_language("es")


@pytest.fixture
def site(project: Path) -> Path:
    without_site_drafts(shutil.copytree(REPO / "locale", project / "locale"))
    return project


def site_po(root: Path) -> Path:
    return root / "locale" / "es" / "LC_MESSAGES" / "site.po"


def page_po(root: Path) -> Path:
    return root / "locale" / "es" / "LC_MESSAGES" / "paraspinal-sarcoma-treatment.po"


def reviewed_pairs(root: Path) -> dict[str, str]:
    return {e.msgid: e.msgstr for p in (page_po(root), site_po(root))
            for e in load_catalog(p).entries() if is_reviewed(e, GETTEXT) and not e.msgid_plural}


def blank(path: Path) -> None:
    """Empty every translation of a catalog (what a new page's catalog looks like)."""
    cat = load_catalog(path)
    for e in cat.entries():
        e.msgstr = ""
        e.msgstr_plural = {k: "" for k in e.msgstr_plural}
        e.flags = [f for f in e.flags if f != "fuzzy"]
        e.tcomment = ""
    save_catalog(cat)


def test_export_is_read_by_translate_toolkit(site: Path, run: RunCli) -> None:
    cat = load_catalog(site_po(site))
    first = cat.entries()[0]
    first.tcomment = ("machine translation: apertium en→es, 2026-01-01\n"
                      "reviewed by Ana Ruiz, 2026-02-03")
    draft = cat.entries()[1]
    draft.flags.append("fuzzy")
    save_catalog(cat)
    out = site / "es.tmx"
    result = run("tm", "export", "--lang", "es", "-o", str(out))
    assert result.exit_code == 0, result.output
    expected = reviewed_pairs(site)
    assert draft.msgid not in expected
    assert f"wrote es.tmx: {len(expected)} reviewed pairs from 2 catalogs" in result.output
    store = tt_tmx.tmxfile.parsefile(str(out))
    got = {u.source: u.target for u in store.units}
    assert got == expected
    signed = next(u for u in store.units if u.source == first.msgid)
    assert signed.xmlelement.get("changeid") == "Ana Ruiz"
    assert signed.xmlelement.get("changedate") == "20260203T000000Z"
    header = store.document.getroot().find("header")
    assert header is not None and header.get("srclang") == "en"
    assert store.document.getroot().get("version") == "1.4"
    # deterministic: the same catalogs give the same bytes
    again = site / "again.tmx"
    export_tmx(load_config(site), ES, again)
    assert again.read_bytes() == out.read_bytes()


def test_round_trip_through_memory_restores_drafts_with_origin(site: Path, run: RunCli,
                                                               tmp_path: Path) -> None:
    before = reviewed_pairs(site)
    out = tmp_path / "es.tmx"
    assert run("tm", "export", "--lang", "es", "-o", str(out)).exit_code == 0
    blank(page_po(site))
    blank(site_po(site))
    result = run("tm", "import", str(out))
    assert result.exit_code == 0, result.output
    assert f"updated   locale/es/memory.tmx: {len(set(before))} added" in result.output
    result = run("translate", "--lang", "es", "--engine", "memory")
    assert result.exit_code == 0, result.output
    drafts = {e.msgid: e for p in (page_po(site), site_po(site))
              for e in load_catalog(p).entries() if is_machine(e, GETTEXT)}
    assert {k: e.msgstr for k, e in drafts.items()} == before  # every pair back, as a draft
    assert all("fuzzy" in e.flags for e in drafts.values())  # nothing reviewed by import
    assert all("translation memory: es.tmx (l10n-pipeline 0.1.0)" in e.tcomment
               for e in drafts.values())


def test_po2tmx_file_feeds_translate(site: Path, run: RunCli, tmp_path: Path) -> None:
    tmx = tmp_path / "site.tmx"
    subprocess.run([str(PO2TMX), "-l", "es", str(site_po(site)), "-o", str(tmx)], check=True,
                   capture_output=True)
    wanted = {e.msgid: e.msgstr for e in load_catalog(site_po(site)).entries()
              if is_reviewed(e, GETTEXT)}
    blank(site_po(site))
    result = run("tm", "import", str(tmx), "--lang", "es")
    assert result.exit_code == 0, result.output
    units = load_memory(load_config(site), ES)
    assert {u.source: u.target for u in units} == wanted
    assert {u.origin for u in units} == {"site.tmx (Translate Toolkit 3.20.4)"}
    assert run("translate", "--lang", "es", "--engine", "memory").exit_code == 0
    got = {e.msgid: e.msgstr for e in load_catalog(site_po(site)).entries()}
    assert got == wanted
    assert not any(is_reviewed(e, GETTEXT) for e in load_catalog(site_po(site)).entries())


def test_omegat_memory_keeps_translator_and_skips_empty(site: Path, run: RunCli) -> None:
    result = run("tm", "import", str(EX / "omegat-project_save.tmx"))
    assert result.exit_code == 0, result.output
    assert "3 added, 1 without a pair in this language" in result.output
    units = {u.source: u for u in load_memory(load_config(site), ES)}
    assert units["Call us to learn more."].target == "Llámenos para obtener más información."
    assert units["Page"].origin == ("omegat-project_save.tmx (OmegaT 6.0.1_0_4b3e5c1a), "
                                    "by maria")
    assert dict(units["Treatment"].attrs)["changeid"] == "jorge"
    assert "Empty target" not in units
    # importing the same file again changes nothing, byte for byte
    store = site / "locale" / "es" / "memory.tmx"
    data = store.read_bytes()
    result = run("tm", "import", str(EX / "omegat-project_save.tmx"))
    assert "unchanged locale/es/memory.tmx: 3 unchanged" in result.output
    assert store.read_bytes() == data
    # our own store is TMX that Translate Toolkit reads
    assert {u.source for u in tt_tmx.tmxfile.parsefile(str(store)).units} == set(units)


def test_okapi_memory_regional_codes_and_inline_codes(site: Path, run: RunCli) -> None:
    result = run("tm", "import", str(EX / "okapi-rainbow.tmx"))
    assert result.exit_code == 0, result.output
    assert "ignored languages not configured: de-de, fr-fr" in result.output
    units = {u.source: u for u in load_memory(load_config(site), ES)}
    assert units["Your child may need <b>chemotherapy</b>."].target == (
        "Es posible que su hijo necesite <b>quimioterapia</b>.")
    assert units["Ask your care team.<br/>"].origin == "okapi-rainbow.tmx (okapi 1.47.0)"
    assert not (site / "locale" / "fr" / "memory.tmx").exists()


def test_newer_memory_replaces_and_catalog_reviews_win(site: Path, run: RunCli,
                                                       tmp_path: Path) -> None:
    english = load_catalog(site_po(site)).entries()[0].msgid
    ours = load_catalog(site_po(site)).entries()[0].msgstr
    tmx = tmp_path / "agency.tmx"
    tmx.write_text(
        '<?xml version="1.0"?>\n<tmx version="1.4"><header creationtool="Agency" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" '
        'datatype="plaintext"/><body>'
        f'<tu><tuv xml:lang="en"><seg>{english}</seg></tuv>'
        '<tuv xml:lang="es"><seg>Texto de la agencia</seg></tuv></tu></body></tmx>',
        encoding="utf-8")
    assert "1 added" in run("tm", "import", str(tmx)).output
    tmx.write_text(tmx.read_text(encoding="utf-8").replace("de la agencia", "nuevo"),
                   encoding="utf-8")
    assert "1 replaced" in run("tm", "import", str(tmx)).output
    assert load_memory(load_config(site), ES)[0].target == "Texto nuevo"
    # a page catalog's empty entry with the same English takes the reviewed catalog text
    cat = load_catalog(page_po(site))
    cat.po.append(polib.POEntry(msgid=english, msgstr=""))
    save_catalog(cat)
    assert run("translate", "--lang", "es", "--engine", "memory").exit_code == 0
    entry = next(e for e in load_catalog(page_po(site)).entries() if e.msgid == english)
    assert entry.msgstr == ours and "translation memory: site" in entry.tcomment


@pytest.mark.parametrize(("body", "message"), [
    ('<!DOCTYPE tmx [<!ENTITY x "boom">]><tmx version="1.4"><header/><body/></tmx>',
     "declares XML entities"),
    ("<xliff/>", "not a TMX file"),
    ('<tmx version="1.4"><header srclang="de"/><body/></tmx>',
     "the memory's source language is 'de'"),
    ('<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>a</seg>'
     '</tuv><tuv xml:lang="it"><seg>b</seg></tuv></tu></body></tmx>',
     "no units in a configured language; the file has: en, it"),
    ("<tmx><header>", "not well-formed XML"),
])
def test_bad_files_refused_in_one_line(site: Path, run: RunCli, tmp_path: Path, body: str,
                                       message: str) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text(body, encoding="utf-8")
    result = run("tm", "import", str(bad))
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (site / "locale" / "es" / "memory.tmx").exists()


def test_match_language() -> None:
    langs = [parse_language("es"), parse_language("zh-Hans"), parse_language("pt-BR")]
    assert match_language("ES-es", langs) == langs[0]
    assert match_language("zh_Hans", langs) == langs[1]
    assert match_language("zh-CN", langs) is None
    assert match_language("pt", langs) is None
    assert match_language("pt-br", langs) == langs[2]


def test_import_api_with_lang(site: Path) -> None:
    result = import_tmx(load_config(site), EX / "okapi-rainbow.tmx", ES)
    assert [(i.lang, i.added) for i in result.items] == [("es", 2)]
    with pytest.raises(Exception, match="no units in 'fr'"):
        import_tmx(load_config(site), EX / "omegat-project_save.tmx", parse_language("fr"))
