"""TBX glossary exchange: our export read by Translate Toolkit and read back to the same
glossary; Translate Toolkit's, memoQ-style TBX-Basic and TBX 3 files imported, adding rows
only, existing rows byte for byte, conflicts reported."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import DATA, REPO, RunCli, tree_digest
from translate.storage import tbx as tt_tbx

from pipeline.catalog.glossary import GlossaryTerm, load_glossary
from pipeline.config import load_config, parse_language
from pipeline.review.tbx import export_tbx, import_tbx

EX = DATA / "exchange"
HEADER = "term,lang,translation,note,stand_in\n"


@pytest.fixture
def site(project: Path) -> Path:
    (project / "locale").mkdir()
    shutil.copy(REPO / "locale" / "glossary.csv", project / "locale" / "glossary.csv")
    return project


def glossary(root: Path) -> Path:
    return root / "locale" / "glossary.csv"


def test_export_read_by_translate_toolkit_and_round_trip(site: Path, run: RunCli) -> None:
    result = run("glossary", "export")
    assert result.exit_code == 0, result.output
    out = site / "reports" / "glossary.tbx"
    ours = load_glossary(glossary(site)).terms
    assert f"wrote reports/glossary.tbx: {len({t.term for t in ours})} entries" in result.output
    store = tt_tbx.tbxfile.parsefile(str(out))
    sources = [u.source for u in store.units]
    assert sources == list(dict.fromkeys(t.term for t in ours))
    # Translate Toolkit pairs each entry's English with the first other language
    pairs = {u.source: u.target for u in store.units if u.target}
    assert pairs["chemotherapy"] == "quimioterapia"
    # into an empty glossary: the same rows come back (do-not-translate, notes, stand-ins)
    glossary(site).write_text(HEADER, encoding="utf-8")
    langs = ("es", "ca", "gl", "fr")  # every language the glossary has rows for
    config = replace(load_config(site), languages=tuple(map(parse_language, langs)))
    done = import_tbx(config, out)
    assert not done.conflicts
    assert sorted(load_glossary(glossary(site)).terms, key=_order) == sorted(ours, key=_order)


def _order(t: GlossaryTerm) -> tuple[str, str]:
    return (t.term, t.lang or "")


def test_translate_toolkit_tbx_imported(site: Path, run: RunCli, tmp_path: Path) -> None:
    store = tt_tbx.tbxfile(sourcelanguage="en", targetlanguage="es")
    for source, target in (("bone marrow", "médula ósea"), ("chemotherapy", "quimioterapia"),
                           ("pager", "buscapersonas")):
        store.addsourceunit(source).target = target
    path = tmp_path / "tt.tbx"
    path.write_bytes(bytes(store))
    before = glossary(site).read_text(encoding="utf-8")
    result = run("glossary", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "1 added, 1 unchanged, 1 in conflict (kept)" in result.output
    assert ("conflict: 'pager' (es) is 'localizador' here and 'buscapersonas' in tt.tbx; "
            "kept ours") in result.output
    after = glossary(site).read_text(encoding="utf-8")
    assert after == before + "bone marrow,es,médula ósea,,\n"  # existing rows untouched


def test_csv2tbx_output_names_its_unknown_language(site: Path, run: RunCli,
                                                   tmp_path: Path) -> None:
    csv_in = tmp_path / "terms.csv"
    csv_in.write_text('source,target\n"bone marrow","médula ósea"\n', encoding="utf-8")
    out = tmp_path / "terms.tbx"
    subprocess.run([str(Path(sys.executable).parent / "csv2tbx"), str(csv_in), str(out)],
                   check=True, capture_output=True)
    before = glossary(site).read_bytes()
    result = run("glossary", "import", str(out))
    assert result.exit_code == 0, result.output
    # csv2tbx writes the target langSet as xml:lang="xx": nothing to add, and we say why
    assert "0 added" in result.output
    assert "ignored languages not configured: xx" in result.output
    assert glossary(site).read_bytes() == before


def test_tbx_basic_2008_preferred_terms_notes_and_dnt(site: Path, run: RunCli) -> None:
    result = run("glossary", "import", str(EX / "tbx-basic-2008.tbx"))
    assert result.exit_code == 0, result.output
    assert "2 added, 0 unchanged, 1 in conflict (kept)" in result.output
    assert "ignored languages not configured: ja-JP" in result.output
    terms = {(t.term, t.lang): t for t in load_glossary(glossary(site)).terms}
    marrow = terms[("bone marrow", "es")]
    assert marrow.translation == "médula ósea"  # the deprecated "tuétano" is skipped
    assert marrow.note == "Tejido blando dentro de los huesos."
    assert terms[("Memphis", None)].translation is None  # transferComment: untranslatable
    assert terms[("chemotherapy", "es")].translation == "quimioterapia"  # ours kept


def test_tbx3_namespaced(site: Path, run: RunCli) -> None:
    result = run("glossary", "import", str(EX / "tbx-v3.tbx"))
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output and "ignored languages not configured: fr" in result.output
    terms = {(t.term, t.lang): t for t in load_glossary(glossary(site)).terms}
    assert terms[("stem cell transplant", "es")].translation == "trasplante de células madre"


def test_missing_glossary_is_created(site: Path) -> None:
    glossary(site).unlink()
    done = import_tbx(load_config(site), EX / "tbx-v3.tbx")
    assert len(done.added) == 1
    assert glossary(site).read_text(encoding="utf-8") == (
        HEADER + "stem cell transplant,es,trasplante de células madre,,\n")


@pytest.mark.parametrize(("body", "message"), [
    ('<!DOCTYPE martif [<!ENTITY x "y">]><martif/>', "DOCTYPE or entity declarations"),
    ('<tmx version="1.4"/>', "not a TBX file"),
    ("<martif><text>", "not well-formed XML"),
])
def test_bad_tbx_refused(site: Path, run: RunCli, tmp_path: Path, body: str,
                         message: str) -> None:
    bad = tmp_path / "bad.tbx"
    bad.write_text(body, encoding="utf-8")
    before = glossary(site).read_bytes()
    result = run("glossary", "import", str(bad))
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert glossary(site).read_bytes() == before


def test_export_is_deterministic(site: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.tbx", tmp_path / "b.tbx"
    export_tbx(load_config(site), a)
    export_tbx(load_config(site), b)
    assert a.read_bytes() == b.read_bytes()


def test_an_oversize_term_is_refused_before_the_glossary_is_written(project: Path, run,
                                                                     tmp_path: Path) -> None:
    """A term the CSV loader cannot read (over Python's csv field limit) is refused in one
    line, and the glossary keeps its bytes: what import writes, every command can read."""
    shutil.copytree(REPO / "locale", project / "locale")
    tbx = tmp_path / "big.tbx"
    tbx.write_text('<?xml version="1.0" encoding="UTF-8"?><martif type="TBX" xml:lang="en">'
                   '<text><body><termEntry><langSet xml:lang="en"><tig><term>'
                   + "a" * 140_000 + '</term></tig></langSet><langSet xml:lang="es"><tig>'
                   "<term>b</term></tig></langSet></termEntry></body></text></martif>",
                   encoding="utf-8")
    before = tree_digest(project)
    result = run("glossary", "import", str(tbx))
    assert result.exit_code == 2, result.output
    assert "nothing was written" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert tree_digest(project) == before
    assert run("status", "--lang", "es").exit_code in (0, 1)
