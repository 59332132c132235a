"""XLIFF 1.2 export/import: states, notes and locations survive the round trip; import
changes only what the file says, and refuses foreign files whole. Translate Toolkit reads
our files as an independent XLIFF implementation."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import polib
import pytest
from click.testing import Result
from conftest import REPO, msgfmt_ok, without_site_drafts
from translate.storage import xliff as tt_xliff

from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.config import load_config
from pipeline.review.xliff import BASE, NS, Imported, import_xliff

DOMAIN = "paraspinal-sarcoma-treatment"
MT = "machine translation: apertium en→es, 2026-01-01"
Q = f"{{{NS}}}"


@pytest.fixture
def site(project: Path) -> Path:
    without_site_drafts(shutil.copytree(REPO / "locale", project / "locale"))
    return project


def catalogs(root: Path) -> list[Path]:
    return sorted((root / "locale" / "es" / "LC_MESSAGES").glob("*.po"))


def page_po(root: Path) -> Path:
    return root / "locale" / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"


def snapshot(root: Path) -> dict[str, list[tuple[object, ...]]]:
    """Per catalog: (msgctxt, msgid, msgstr forms, fuzzy) of every live entry."""
    return {
        p.name: [(e.msgctxt, e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())),
                  "fuzzy" in e.flags) for e in load_catalog(p).entries()]
        for p in catalogs(root)
    }


def mixed(root: Path) -> None:
    """Drafts with provenance and ``#|``, untranslated entries, a msgctxt twin, a plural."""
    cat = load_catalog(page_po(root))
    live = cat.entries()
    for i in (1, 2):
        live[i].flags.append("fuzzy")
        live[i].tcomment = MT
    live[3].flags.append("fuzzy")
    live[3].previous_msgid = "An older English sentence."
    for i in (4, 5):
        live[i].msgstr = ""
    cat.po.append(polib.POEntry(msgctxt="button", msgid=live[0].msgid, msgstr="Tratamiento",
                                occurrences=[("source/templates/page.html", "40")]))
    cat.po.append(polib.POEntry(msgid="%(n)s page", msgid_plural="%(n)s pages",
                                msgstr_plural={0: "%(n)s página", 1: "%(n)s páginas"},
                                flags=["python-format"]))
    save_catalog(cat)


def blank(root: Path) -> None:
    """Every translation emptied, every fuzzy flag dropped: only the XLIFF can restore them."""
    for p in catalogs(root):
        cat = load_catalog(p)
        for e in cat.entries():
            e.msgstr = ""
            e.msgstr_plural = dict.fromkeys(e.msgstr_plural, "") if e.msgid_plural else {}
            if "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
        save_catalog(cat)


def export(run, root: Path, out: Path, *args: str) -> Result:
    result = run("export", "--lang", "es", "--format", "xliff", "--output", str(out), *args,
                 root=root)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("case", ["reviewed", "mixed"])
def test_round_trip_gives_back_entries_and_states(site: Path, run, tmp_path: Path,
                                                  case: str) -> None:
    if case == "mixed":
        mixed(site)
    original = snapshot(site)
    xlf = tmp_path / "es.xlf"
    export(run, site, xlf)
    blank(site)
    assert snapshot(site) != original
    result = run("import", str(xlf), root=site)
    assert result.exit_code == 0, result.output
    assert snapshot(site) == original
    for p in catalogs(site):
        msgfmt_ok(p)


@pytest.mark.parametrize("case", ["reviewed", "mixed"])
def test_export_then_import_without_changes_is_byte_identical(site: Path, run, tmp_path: Path,
                                                              case: str) -> None:
    if case == "mixed":
        mixed(site)
    before = {p: p.read_bytes() for p in catalogs(site)}
    export(run, site, tmp_path / "es.xlf")
    result = run("import", str(tmp_path / "es.xlf"), "--lang", "es", root=site)
    assert result.exit_code == 0, result.output
    assert "unchanged locale/es/LC_MESSAGES/site.po: 8 unchanged" in result.output
    assert {p: p.read_bytes() for p in catalogs(site)} == before


def test_translate_toolkit_reads_our_states_notes_and_locations(site: Path, run,
                                                                tmp_path: Path) -> None:
    mixed(site)
    xlf = tmp_path / "es.xlf"
    result = export(run, site, xlf)
    assert "2 catalogs, 71 reviewed, 3 fuzzy, 2 untranslated" in result.output
    store = tt_xliff.xlifffile.parsefile(str(xlf))
    units = {(u.xmlelement.get("resname"), u.source): u for u in store.units
             if u.xmlelement.getparent().get("restype") is None}
    entries = load_catalog(page_po(site)).entries()
    for e in entries:
        u = units[(e.msgctxt, e.msgid)]
        if e.msgid_plural:  # each form is a unit (XLIFF 1.2 has no approved on <group>)
            assert [(f.isapproved(), f.target) for f in u.units] == [
                (True, e.msgstr_plural[0]), (True, e.msgstr_plural[1])]
            continue
        fuzzy, translated = "fuzzy" in e.flags and e.msgstr, bool(e.msgstr)
        assert u.isfuzzy() == bool(fuzzy), e.msgid
        assert u.isapproved() == (translated and not fuzzy), e.msgid
        assert (u.target or "") == e.msgstr
        assert u.getlocations() == [f"{f}:{n}" for f, n in e.occurrences]
        assert u.getnotes("developer") == (e.comment or "")
        assert u.getnotes("translator") == (e.tcomment or "")
    root = ET.parse(xlf).getroot()
    assert root.get("version") == "1.2"
    states = [u.find(f"{Q}target").get("state") for u in root.iter(f"{Q}trans-unit")
              if u.find(f"{Q}target") is not None]
    assert states.count("needs-review-translation") == 3
    assert sum(1 for u in root.iter(f"{Q}trans-unit") if u.find(f"{Q}target") is None) == 2
    alt = next(a for a in root.iter(f"{Q}alt-trans") if a.get("origin") == "previous")
    assert alt.findtext(f"{Q}source") == "An older English sentence."
    # every unit with a target records it, with its state, as the base of a later import
    for u in root.iter(f"{Q}trans-unit"):
        target = u.find(f"{Q}target")
        bases = [a for a in u.findall(f"{Q}alt-trans") if a.get("origin") == BASE]
        if target is None:
            assert bases == []
            continue
        assert len(bases) == 1 and bases[0].get("alttranstype") == "previous-version"
        base = bases[0].find(f"{Q}target")
        assert (base.text or "", base.get("state")) == (target.text or "", target.get("state"))
    group = next(g for g in root.iter(f"{Q}group") if g.get("restype") == "x-gettext-plurals")
    assert [u.findtext(f"{Q}source") for u in group] == ["%(n)s page", "%(n)s pages"]


def edit_xliff(src: Path, dst: Path, changes: dict[str, dict[str, str | None]]) -> None:
    """Change units by English text: ``target`` text and attributes (None deletes one)."""
    ET.register_namespace("", NS)
    tree = ET.parse(src)
    for unit in tree.getroot().iter(f"{Q}trans-unit"):
        change = changes.get(unit.findtext(f"{Q}source") or "")
        if change is None:
            continue
        target = unit.find(f"{Q}target")
        assert target is not None
        for key, value in change.items():
            el = target if key in ("state", "text") else unit
            if key == "text":
                target.text = value
            elif value is None:
                el.attrib.pop(key, None)
            else:
                el.set(key, value)
    tree.write(dst, encoding="utf-8", xml_declaration=True)


def test_import_applies_exactly_what_the_file_says(site: Path, run, tmp_path: Path) -> None:
    mixed(site)
    live = load_catalog(page_po(site)).entries()
    drafted, reviewed, other = live[1], live[6], live[7]
    ambiguous = live[8]
    export(run, site, tmp_path / "es.xlf")
    edit_xliff(tmp_path / "es.xlf", tmp_path / "done.xlf", {
        # the CAT translator fixed and approved a machine draft
        drafted.msgid: {"text": "Texto corregido en memoQ.", "approved": "yes",
                        "state": "translated"},
        # a reviewer sent a reviewed entry back for review, text unchanged
        reviewed.msgid: {"approved": "no", "state": "needs-review-translation"},
        # the tool rewrote a reviewed text and said nothing about its state
        ambiguous.msgid: {"text": "Cambio sin aprobar.", "approved": None, "state": None},
    })
    raw_before = page_po(site).read_text("utf-8")
    result = run("import", str(tmp_path / "done.xlf"), root=site)
    # the unapproved rewrite of a reviewed text was not applied: reported, and not done
    assert result.exit_code == 1, result.output
    assert re.search(r"updated +locale/es/LC_MESSAGES/paraspinal-sarcoma-treatment\.po: "
                     r"1 translated, 1 reopened for review, \d+ unchanged", result.stdout)
    assert "kept the reviewed translation of" in result.stderr
    assert "1 edit(s) in done.xlf were not applied" in result.stderr
    after = {(e.msgctxt, e.msgid): e for e in load_catalog(page_po(site)).entries()}
    e = after[(None, drafted.msgid)]
    assert e.msgstr == "Texto corregido en memoQ." and "fuzzy" not in e.flags
    assert re.search(r"^XLIFF import: done\.xlf, \d{4}-\d{2}-\d{2}$", e.tcomment, re.M)
    assert MT in e.tcomment  # provenance kept
    e = after[(None, reviewed.msgid)]
    assert e.msgstr == reviewed.msgstr and "fuzzy" in e.flags
    e = after[(None, ambiguous.msgid)]
    assert e.msgstr == ambiguous.msgstr and "fuzzy" not in e.flags  # reviewed text kept
    # an untouched entry keeps its exact bytes
    ref = "#: {}:{}\n".format(*other.occurrences[0])
    chunk = next(c for c in raw_before.split("\n\n") if ref in c)
    assert chunk in page_po(site).read_text("utf-8")
    msgfmt_ok(page_po(site))


def edit_po(path: Path, changes: dict[str, dict[str, object]]) -> None:
    """Change live entries by msgid: ``msgstr`` text, ``fuzzy`` True/False."""
    cat = load_catalog(path)
    for e in cat.entries():
        change = changes.get(e.msgid, {})
        if "msgstr" in change:
            e.msgstr = change["msgstr"]
        if change.get("fuzzy") is True and "fuzzy" not in e.flags:
            e.flags.append("fuzzy")
        if change.get("fuzzy") is False and "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
    save_catalog(cat)


def import_page(site: Path, xlf: Path) -> Imported:
    """The library's own account of an import of ``xlf``, for the page catalog."""
    results = import_xliff(load_config(site), xlf)
    return next(r for r in results if r.domain == DOMAIN)


def test_stale_file_keeps_a_reviewed_edit_made_since_the_export(site: Path, run,
                                                                 tmp_path: Path) -> None:
    """(a) a reviewed entry edited in the .po after the export: the old file's text (and an
    edit the CAT tool made to it too) is a conflict, never applied; the rest imports."""
    live = load_catalog(page_po(site)).entries()
    edited, both, other = live[6], live[7], live[8]
    export(run, site, tmp_path / "es.xlf")
    edit_po(page_po(site), {edited.msgid: {"msgstr": "Revisado otra vez en Poedit."},
                            both.msgid: {"msgstr": "Cambiado en Poedit."}})
    edit_xliff(tmp_path / "es.xlf", tmp_path / "done.xlf", {
        both.msgid: {"text": "Cambiado en memoQ.", "approved": "yes", "state": "translated"},
        other.msgid: {"text": "Mejorado en memoQ.", "approved": "yes", "state": "translated"},
    })
    stale = page_po(site).read_bytes()
    result = run("import", str(tmp_path / "es.xlf"), root=site)  # the untouched old file
    # it edits nothing, so nothing is dropped: the catalog's newer text simply stays
    assert result.exit_code == 0, result.output
    assert "translated" not in result.stdout and "Traceback" not in result.output
    assert "conflict" not in result.output
    assert page_po(site).read_bytes() == stale
    result = run("import", str(tmp_path / "done.xlf"), root=site)
    # memoQ's edit of an entry edited in Poedit since is dropped: reported, exit 1
    assert result.exit_code == 1, result.output
    assert "conflict: kept the catalog's translation of 'Cambi" not in result.stderr
    assert f"conflict: kept the catalog's translation of {both.msgid[:60]!r}" in result.stderr
    assert "1 edit(s) in done.xlf were not applied" in result.stderr
    assert re.search(r"1 translated, \d+ unchanged, 1 in conflict", result.stdout), result.stdout
    after = {e.msgid: e for e in load_catalog(page_po(site)).entries()}
    assert after[edited.msgid].msgstr == "Revisado otra vez en Poedit."
    assert after[both.msgid].msgstr == "Cambiado en Poedit."
    assert after[other.msgid].msgstr == "Mejorado en memoQ."
    assert not any("fuzzy" in after[m].flags for m in (edited.msgid, both.msgid, other.msgid))
    msgfmt_ok(page_po(site))


def test_stale_file_keeps_a_draft_reviewed_since_the_export(site: Path, run,
                                                            tmp_path: Path) -> None:
    """(b) entries fuzzy at export and reviewed since (one edited, one approved as is): the
    old file neither brings back its draft nor reopens them; a CAT edit of the draft the
    reviewer approved unchanged is a conflict too."""
    mixed(site)
    live = load_catalog(page_po(site)).entries()
    rewritten, approved, draft_edit = live[1], live[2], live[3]
    export(run, site, tmp_path / "es.xlf")
    edit_po(page_po(site), {rewritten.msgid: {"msgstr": "Revisado por una persona.",
                                              "fuzzy": False},
                            approved.msgid: {"fuzzy": False},
                            draft_edit.msgid: {"fuzzy": False}})
    edit_xliff(tmp_path / "es.xlf", tmp_path / "done.xlf", {
        draft_edit.msgid: {"text": "Borrador retocado en memoQ."}})
    reviewed = page_po(site).read_bytes()
    result = run("import", str(tmp_path / "es.xlf"), root=site)
    assert result.exit_code == 0, result.output
    assert "drafted" not in result.stdout and "reopened" not in result.stdout
    assert page_po(site).read_bytes() == reviewed
    done = import_page(site, tmp_path / "done.xlf")
    assert done.conflicts == [draft_edit.msgid]  # the file did not edit ``rewritten``
    assert not done.changed and (done.drafted, done.reopened, done.approved) == (0, 0, 0)
    assert page_po(site).read_bytes() == reviewed


def test_file_without_base_fills_drafts_but_never_replaces_reviewed_text(
        site: Path, run, tmp_path: Path) -> None:
    """A CAT tool that dropped the base <alt-trans>: reviewed entries whose text differs are
    conflicts (not replaced, not reopened), fuzzy and empty entries are filled."""
    mixed(site)
    live = load_catalog(page_po(site)).entries()
    draft, approved_ = live[1], live[6]
    sent_back, emptied, same = live[7], live[8], live[9]
    export(run, site, tmp_path / "es.xlf")
    ET.register_namespace("", NS)
    tree = ET.parse(tmp_path / "es.xlf")
    for unit in tree.getroot().iter(f"{Q}trans-unit"):
        for alt in unit.findall(f"{Q}alt-trans"):
            if alt.get("origin") == BASE:
                unit.remove(alt)
    tree.write(tmp_path / "nobase.xlf", encoding="utf-8", xml_declaration=True)
    assert BASE not in (tmp_path / "nobase.xlf").read_text("utf-8")
    edit_xliff(tmp_path / "nobase.xlf", tmp_path / "nobase.xlf", {
        draft.msgid: {"text": "Corregido en memoQ.", "approved": "yes", "state": "translated"},
        approved_.msgid: {"text": "Versión antigua.", "approved": "yes", "state": "translated"},
        sent_back.msgid: {"text": "Versión antigua 2.", "approved": "no",
                          "state": "needs-review-translation"},
        same.msgid: {"approved": "no", "state": "needs-review-translation"},
    })
    edit_po(page_po(site), {emptied.msgid: {"msgstr": ""}})
    done = import_page(site, tmp_path / "nobase.xlf")
    assert done.conflicts == [approved_.msgid, sent_back.msgid]
    assert (done.translated, done.reopened) == (2, 1)  # draft, emptied; same text reopened
    after = {e.msgid: e for e in load_catalog(page_po(site)).entries()}
    assert (after[draft.msgid].msgstr, "fuzzy" in after[draft.msgid].flags) == (
        "Corregido en memoQ.", False)
    assert (after[emptied.msgid].msgstr, "fuzzy" in after[emptied.msgid].flags) == (
        emptied.msgstr, False)
    for e in (approved_, sent_back):
        assert (after[e.msgid].msgstr, "fuzzy" in after[e.msgid].flags) == (e.msgstr, False)
    assert (after[same.msgid].msgstr, "fuzzy" in after[same.msgid].flags) == (same.msgstr, True)
    msgfmt_ok(page_po(site))


def test_base_survives_translate_toolkit_rewriting_the_file(site: Path, run,
                                                            tmp_path: Path) -> None:
    """A tool that parses and re-serializes the file (Translate Toolkit here) keeps the base,
    so a later edit in the .po is known to be newer than the file (without the base it would
    be a conflict)."""
    live = load_catalog(page_po(site)).entries()
    export(run, site, tmp_path / "es.xlf")
    store = tt_xliff.xlifffile.parsefile(str(tmp_path / "es.xlf"))
    (tmp_path / "tt.xlf").write_bytes(bytes(store))
    edit_po(page_po(site), {live[6].msgid: {"msgstr": "Revisado otra vez."}})
    done = import_page(site, tmp_path / "tt.xlf")
    assert done.conflicts == [] and done.kept == [] and not done.changed
    assert load_catalog(page_po(site)).entries()[6].msgstr == "Revisado otra vez."


def test_import_refuses_a_truncated_plural_group(site: Path, run, tmp_path: Path) -> None:
    """A plural group with fewer forms than the catalog would drop a reviewed form."""
    mixed(site)
    xlf = tmp_path / "es.xlf"
    export(run, site, xlf)
    ET.register_namespace("", NS)
    tree = ET.parse(xlf)
    group = next(g for g in tree.getroot().iter(f"{Q}group")
                 if g.get("restype") == "x-gettext-plurals")
    group.remove(group.findall(f"{Q}trans-unit")[1])
    tree.write(xlf, encoding="utf-8", xml_declaration=True)
    before = {p: p.read_bytes() for p in catalogs(site)}
    result = run("import", str(xlf), root=site)
    assert result.exit_code == 2
    assert "has 1 form(s), paraspinal-sarcoma-treatment.po has 2" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert {p: p.read_bytes() for p in catalogs(site)} == before


def test_import_never_drops_entries_missing_from_the_file(site: Path, run,
                                                          tmp_path: Path) -> None:
    before = snapshot(site)
    export(run, site, tmp_path / "site.xlf", "--page", "site")
    blank(site)
    run("import", str(tmp_path / "site.xlf"), root=site)
    after = snapshot(site)
    assert after["site.po"] == before["site.po"]
    assert len(after[f"{DOMAIN}.po"]) == len(before[f"{DOMAIN}.po"])


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s.replace("<source>Draft</source>", "<source>Drafts</source>"),
     "1 unit(s) match no entry of site.po (first: unit 5, 'Drafts')"),
    (lambda s: s.replace('source-language="en"', 'source-language="fr"'),
     "source language is 'fr', this project translates from 'en'"),
    (lambda s: s.replace('original="site"', 'original="other"'),
     '<file original="other"> names no catalog of this project'),
    (lambda s: s.replace("<body>", "<body><oops>", 1), "not well-formed XML"),
    (lambda s: s.replace("<xliff", '<!DOCTYPE x [<!ENTITY e "e">]><xliff', 1),
     "has a DOCTYPE or entity declarations"),
    (lambda s: s.replace("<body>", '<body><group id="99" restype="x-gettext-plurals"/>', 1),
     "plural group 99 has no <trans-unit>"),
    (lambda s: s.replace('encoding="UTF-8"', 'encoding="bogus"', 1),
     "names an encoding Python's XML parser cannot read (unknown encoding: bogus)"),
    (lambda s: s.replace('encoding="UTF-8"', 'encoding="shift_jis"', 1),
     "names an encoding Python's XML parser cannot read"),
])
def test_import_refuses_foreign_files_in_one_line(site: Path, run, tmp_path: Path,
                                                  change, message: str) -> None:
    xlf = tmp_path / "es.xlf"
    export(run, site, xlf)
    xlf.write_text(change(xlf.read_text("utf-8")), "utf-8")
    before = {p: p.read_bytes() for p in catalogs(site)}
    result = run("import", str(xlf), root=site)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert {p: p.read_bytes() for p in catalogs(site)} == before


def test_import_refuses_a_file_for_another_language(site: Path, run, tmp_path: Path) -> None:
    export(run, site, tmp_path / "es.xlf")
    result = run("import", str(tmp_path / "es.xlf"), "--lang", "fr", root=site)
    assert result.exit_code == 2 and "is for 'es', not 'fr'" in result.stderr


def test_import_reads_translate_toolkit_po2xliff_output(site: Path, run,
                                                        tmp_path: Path) -> None:
    """Another tool's XLIFF (1.1, header unit, no resname): reviewed stays reviewed,
    po2xliff's fuzzy ('needs-translation', approved="no") comes back fuzzy."""
    from translate.convert import po2xliff

    mixed_po = tmp_path / "site.po"
    cat = load_catalog(catalogs(site)[1])
    cat.entries()[0].flags.append("fuzzy")
    save_catalog(cat, mixed_po)
    with mixed_po.open("rb") as src, (tmp_path / "site.xlf").open("wb") as dst:
        po2xliff.convertpo(src, dst, None)
    blank(site)
    result = run("import", str(tmp_path / "site.xlf"), "--lang", "es", root=site)
    assert result.exit_code == 0, result.output
    got = [(e.msgstr, "fuzzy" in e.flags) for e in load_catalog(catalogs(site)[1]).entries()]
    assert got == [(e.msgstr, "fuzzy" in e.flags) for e in load_catalog(mixed_po).entries()]


def test_export_refuses_unknown_page(site: Path, run, tmp_path: Path) -> None:
    result = run("export", "--lang", "es", "--page", "nope", "-o", str(tmp_path / "x.xlf"),
                 root=site)
    assert result.exit_code == 2 and "no catalog named 'nope'" in result.stderr
    assert not (tmp_path / "x.xlf").exists()
