"""``init``/``update``: msgmerge semantics, and a reviewed translation is never lost or changed."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from conftest import GETTEXT, msgfmt_ok
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.catalog.entry import is_reviewed
from pipeline.catalog.merge import merge, update, update_one
from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.pofile import load_catalog, parse_catalog, save_catalog
from pipeline.config import load_config, parse_language

DOMAIN = "paraspinal-sarcoma-treatment"
PAGE = f"source/pages/{DOMAIN}.md"
POT = f"locale/{DOMAIN}.pot"
PO = f"locale/es/LC_MESSAGES/{DOMAIN}.po"

Key = tuple[str | None, str]


def ok(result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return result


def chunks(text: str) -> dict[tuple[bool, str | None, str], str]:
    """Raw text of every entry, keyed (obsolete, msgctxt, msgid); independent of the library."""
    parts = [c for c in re.split(r"\n\n+", text.strip("\n")) if c.strip()]
    po = polib.pofile(text)
    assert len(parts) == len(po) + 1, "one blank-line separated chunk per entry plus header"
    return {(e.obsolete, e.msgctxt, e.msgid): c for e, c in zip(po, parts[1:], strict=True)}


def template_view(path: Path) -> dict[Key, tuple[object, ...]]:
    return {
        (e.msgctxt, e.msgid): (tuple(e.occurrences), e.comment) for e in polib.pofile(str(path))
    }


@pytest.fixture
def translated(project: Path, run) -> Path:
    """The project with every es entry translated (the last three still machine drafts),
    saved the way GNU gettext tools write it."""
    ok(run("extract"))
    ok(run("update"))
    po_path = project / PO
    cat = polib.pofile(str(po_path))
    for i, e in enumerate(cat):
        e.msgstr = f"ES {e.msgid}"
        if i >= len(cat) - 3:
            e.flags.append("fuzzy")
    cat.save()
    subprocess.run(["msgcat", "-o", str(po_path), str(po_path)], check=True)
    return project


def edit_page(project: Path, edit: Callable[[str], str]) -> None:
    page = project / PAGE
    text = page.read_text("utf-8")
    new = edit(text)
    assert new != text, "the scenario must change the page"
    page.write_text(new, encoding="utf-8")


def extract_update(project: Path, run) -> None:
    ok(run("extract"))
    ok(run("update"))


def assert_nothing_lost(before: str, after: str, old_pot: dict, new_pot: dict) -> int:
    """Every reviewed translation survives with the same msgstr; entries whose template
    did not change are byte-identical. Returns how many entries were byte-compared."""
    old, new = polib.pofile(before), polib.pofile(after)
    after_entries = {(e.msgctxt, e.msgid, e.obsolete): e for e in new}
    for e in old:
        if not is_reviewed(e, GETTEXT):
            continue
        live = after_entries.get((e.msgctxt, e.msgid, False))
        dead = after_entries.get((e.msgctxt, e.msgid, True))
        kept = live or dead
        assert kept is not None, f"reviewed entry lost: {e.msgid!r}"
        assert kept.msgstr == e.msgstr
        if live is not None:
            assert "fuzzy" not in live.flags, f"reviewed entry turned fuzzy: {e.msgid!r}"
    raw_before, raw_after = chunks(before), chunks(after)
    compared = 0
    for key, view in old_pot.items():
        if new_pot.get(key) == view:
            entry_key = (False, *key)
            assert raw_after[entry_key] == raw_before[entry_key]
            compared += 1
    return compared


# --- update scenarios through the CLI -------------------------------------------------

CHANGED = "There are no open clinical trials at this time."


def scenario_changed(text: str) -> str:
    return text.replace(CHANGED, "There are no open clinical trials right now.")


def scenario_removed(text: str) -> str:
    return text.replace("\nBrowse open clinical trials\n", "\n")


def scenario_reordered(text: str) -> str:
    return text.replace(
        "  - Child life specialists\n  - Psychologists\n",
        "  - Psychologists\n  - Child life specialists\n",
    )


def scenario_duplicated(text: str) -> str:
    return text.replace(
        "Browse open clinical trials\n",
        "Browse open clinical trials\n\nLearn more about clinical research at St. Jude.\n",
    )


def scenario_trivial(text: str) -> str:
    return text.replace("  - Researchers and scientists\n", "  - Researchers and Scientists.\n")


SCENARIOS = {
    "changed": scenario_changed,
    "removed": scenario_removed,
    "reordered": scenario_reordered,
    "duplicated": scenario_duplicated,
    "trivial": scenario_trivial,
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_update_scenario_loses_nothing(translated: Path, run, name: str) -> None:
    project = translated
    before = (project / PO).read_text("utf-8")
    old_pot = template_view(project / POT)
    edit_page(project, SCENARIOS[name])
    extract_update(project, run)
    after = (project / PO).read_text("utf-8")
    compared = assert_nothing_lost(before, after, old_pot, template_view(project / POT))
    assert compared >= 10
    msgfmt_ok(project / PO)
    cat = polib.pofile(after)

    if name == "changed":
        e = cat.find("There are no open clinical trials right now.")
        assert e is not None and "fuzzy" in e.flags
        assert e.previous_msgid == CHANGED
        assert e.msgstr == f"ES {CHANGED}"
        assert f'#| msgid "{CHANGED}"' in after
        old = cat.find(CHANGED, include_obsolete_entries=True)
        assert old is not None and old.obsolete and old.msgstr == f"ES {CHANGED}"
    elif name == "removed":
        e = cat.find("Browse open clinical trials", include_obsolete_entries=True)
        assert e is not None and e.obsolete
        assert e.msgstr == "ES Browse open clinical trials"
        assert '#~ msgid "Browse open clinical trials"' in after
        assert '#~ msgstr "ES Browse open clinical trials"' in after
    elif name == "reordered":
        for msgid in ("Psychologists", "Child life specialists"):
            e = cat.find(msgid)
            assert e is not None and e.msgstr == f"ES {msgid}" and "fuzzy" not in e.flags
        assert not cat.obsolete_entries()
    elif name == "duplicated":
        msgid = "Learn more about clinical research at St. Jude."
        hits = [e for e in cat if e.msgid == msgid]
        assert len(hits) == 1
        assert len(hits[0].occurrences) == 2
        assert hits[0].msgstr == f"ES {msgid}" and "fuzzy" not in hits[0].flags
    elif name == "trivial":
        e = cat.find("Researchers and Scientists.")
        assert e is not None
        assert e.msgstr == "ES Researchers and scientists"
        assert "fuzzy" not in e.flags


def test_removed_then_readded_is_revived_reviewed(translated: Path, run) -> None:
    project = translated
    original = (project / PAGE).read_text("utf-8")
    before = (project / PO).read_text("utf-8")
    edit_page(project, scenario_removed)
    extract_update(project, run)
    (project / PAGE).write_text(original, encoding="utf-8")
    extract_update(project, run)
    after = (project / PO).read_text("utf-8")
    cat = polib.pofile(after)
    e = cat.find("Browse open clinical trials")
    assert e is not None and not e.obsolete
    assert e.msgstr == "ES Browse open clinical trials"
    assert "fuzzy" not in e.flags and e.previous_msgid is None
    assert not cat.obsolete_entries()
    # back where we started: the same bytes except the template date
    date = re.compile(r'"POT-Creation-Date: [^"]*"\n')
    assert date.sub("", after) == date.sub("", before)


def test_machine_drafts_stay_fuzzy_and_are_kept(translated: Path, run) -> None:
    project = translated
    drafts = {e.msgid: e.msgstr for e in polib.pofile(str(project / PO)) if "fuzzy" in e.flags}
    assert len(drafts) == 3
    edit_page(project, scenario_changed)
    extract_update(project, run)
    cat = polib.pofile(str(project / PO))
    for msgid, msgstr in drafts.items():
        e = cat.find(msgid)
        assert e is not None and "fuzzy" in e.flags and e.msgstr == msgstr


def test_second_update_changes_no_byte(translated: Path, run) -> None:
    project = translated
    edit_page(project, scenario_changed)
    extract_update(project, run)
    first = (project / PO).read_bytes()
    result = ok(run("update"))
    assert (project / PO).read_bytes() == first
    assert "unchanged" in result.output and "updated" not in result.output


def test_new_page_gets_po_from_update(translated: Path, run) -> None:
    project = translated
    (project / "source" / "pages" / "visiting.md").write_text(
        "---\ntitle: Visiting\n---\n\nCome *any* time.\n", encoding="utf-8"
    )
    extract_update(project, run)
    po = project / "locale" / "es" / "LC_MESSAGES" / "visiting.po"
    assert po.is_file()
    assert [e.msgid for e in polib.pofile(str(po))] == ["Visiting", "Come *any* time."]
    msgfmt_ok(po)


def test_update_with_unconfigured_language(project: Path, run) -> None:
    ok(run("extract"))
    result = ok(run("update", "--lang", "fr"))
    assert "created" in result.output
    po = project / "locale" / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po"
    assert polib.pofile(str(po)).metadata["Language"] == "fr"
    assert not (project / "locale" / "es").exists()  # only the language asked for
    msgfmt_ok(po)


def test_init_creates_and_leaves_existing_alone(translated: Path, run) -> None:
    project = translated
    before = (project / PO).read_bytes()
    result = ok(run("init", "--lang", "es"))
    assert "exists" in result.output
    assert (project / PO).read_bytes() == before
    ok(run("init", "--lang", "de"))
    assert (project / "locale" / "de" / "LC_MESSAGES" / "site.po").is_file()


# --- headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "gettext", "nplurals"),
    [("es", "es", 2), ("ar", "ar", 6), ("zh-Hans", "zh_Hans", 1), ("pt-BR", "pt_BR", 2)],
)
def test_headers_for_language(project: Path, run, code: str, gettext: str, nplurals: int) -> None:
    ok(run("extract"))
    ok(run("init", "--lang", code))
    po = project / "locale" / gettext / "LC_MESSAGES" / f"{DOMAIN}.po"
    meta = polib.pofile(str(po)).metadata
    assert meta["Language"] == gettext
    assert meta["Plural-Forms"].startswith(f"nplurals={nplurals}; plural=")
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert (
        meta["POT-Creation-Date"] == polib.pofile(str(project / POT)).metadata["POT-Creation-Date"]
    )
    msgfmt_ok(po)


# --- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrap", [[], ["--no-wrap"], ["--width=60"]], ids=["msgcat", "poedit", "w60"]
)
def test_msgcat_file_round_trips_byte_identical(translated: Path, tmp_path: Path, wrap) -> None:
    src = translated / PO
    other = tmp_path / "other.po"
    subprocess.run(["msgcat", *wrap, "-o", str(other), str(src)], check=True)
    data = other.read_bytes()
    cat = load_catalog(other)
    out = tmp_path / "saved.po"
    save_catalog(cat, out)
    assert out.read_bytes() == data


def test_round_trip_with_obsolete_and_previous(translated: Path, run, tmp_path: Path) -> None:
    project = translated
    edit_page(project, lambda t: scenario_removed(scenario_changed(t)))
    extract_update(project, run)
    for wrap in ([], ["--no-wrap"]):
        other = tmp_path / "o.po"
        subprocess.run(["msgcat", *wrap, "-o", str(other), str(project / PO)], check=True)
        data = other.read_bytes()
        assert b"#| msgid" in data and b"#~ msgid" in data
        out = tmp_path / "saved.po"
        save_catalog(load_catalog(other), out)
        assert out.read_bytes() == data


def test_update_preserves_poedit_wrapping_of_untouched_entries(translated: Path, run) -> None:
    project = translated
    subprocess.run(["msgcat", "--no-wrap", "-o", str(project / PO), str(project / PO)], check=True)
    before = (project / PO).read_text("utf-8")
    old_pot = template_view(project / POT)
    edit_page(project, scenario_changed)
    extract_update(project, run)
    after = (project / PO).read_text("utf-8")
    assert assert_nothing_lost(before, after, old_pot, template_view(project / POT)) >= 10
    long = next(e for e in polib.pofile(after) if len(e.msgid) > 100 and not e.obsolete)
    assert f'msgid "{long.msgid}"' in after  # still on one line, as Poedit wrote it


# --- the library -------------------------------------------------------------------------

OLD_PO = """\
msgid ""
msgstr ""
"Language: es\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#. paragraph
#: p.md:1
msgid "Alpha beta gamma delta."
msgstr "Alfa beta gama delta."

#. paragraph
#: p.md:3
msgid "Second paragraph stays."
msgstr "El segundo párrafo queda."

#. h2
#: p.md:5
msgid "Going away"
msgstr "Se va"

#, fuzzy
#. paragraph
#: p.md:7
msgid "Machine draft here."
msgstr "Borrador de máquina aquí."

#~ msgid "Coming back"
#~ msgstr "Vuelve"
"""


def template(*entries: tuple[str, str]) -> polib.POFile:
    pot = polib.POFile()
    for msgid, ref in entries:
        pot.append(polib.POEntry(msgid=msgid, msgstr="", occurrences=[(ref, "1")]))
    return pot


def test_merge_library_counts_and_semantics() -> None:
    cat = parse_catalog(OLD_PO.encode("utf-8"), Path("es.po"))
    pot = template(
        ("Alpha beta gamma delta, epsilon.", "p.md"),
        ("Second paragraph stays.", "p.md"),
        ("Machine draft here!", "p.md"),
        ("Coming back", "p.md"),
        ("Brand new text", "p.md"),
    )
    counts = merge(cat, pot)
    assert counts == dict(kept=1, trivial=0, fuzzy=2, new=1, obsolete=3, revived=1)
    by_id = {(e.msgid, e.obsolete): e for e in cat.po}
    changed = by_id[("Alpha beta gamma delta, epsilon.", False)]
    assert changed.msgstr == "Alfa beta gama delta." and changed.flags == ["fuzzy"]
    assert changed.previous_msgid == "Alpha beta gamma delta."
    draft = by_id[("Machine draft here!", False)]  # trivial edit of a fuzzy entry stays fuzzy
    assert "fuzzy" in draft.flags and draft.msgstr == "Borrador de máquina aquí."
    revived = by_id[("Coming back", False)]
    assert revived.msgstr == "Vuelve" and "fuzzy" not in revived.flags
    assert by_id[("Going away", True)].msgstr == "Se va"
    assert by_id[("Brand new text", False)].msgstr == ""
    # live entries follow the template's order; obsolete ones go last
    assert [e.msgid for e in cat.po if not e.obsolete] == [e.msgid for e in pot]
    assert all(e.obsolete for e in cat.po[len(pot) :])


def test_merge_untouched_entry_renders_byte_identical() -> None:
    cat = parse_catalog(OLD_PO.encode("utf-8"), Path("es.po"))
    pot = template(("Alpha beta gamma delta.", "p.md"), ("Second paragraph stays.", "p.md"))
    pot[0].comment = pot[1].comment = "paragraph"
    pot[0].occurrences, pot[1].occurrences = [("p.md", "1")], [("p.md", "3")]
    merge(cat, pot)
    text = cat.render()
    for block in OLD_PO.split("\n\n")[1:3]:
        assert block.strip("\n") in text


def test_update_refuses_to_write_anything_when_one_catalog_is_broken(translated: Path, run) -> None:
    project = translated
    edit_page(project, scenario_changed)
    ok(run("extract"))
    site = project / "locale" / "es" / "LC_MESSAGES" / "site.po"
    site.write_text(site.read_text("utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    before = (project / PO).read_bytes()
    config = load_config(project)
    from pipeline.errors import CatalogError

    with pytest.raises(CatalogError):
        update(config, [parse_language("es")])
    assert (project / PO).read_bytes() == before


def test_update_one_creates_with_template_date(project: Path, run) -> None:
    ok(run("extract"))
    config = load_config(project)
    info = CatalogInfo(DOMAIN, parse_language("pt_BR"), config.locale_dir)
    item = update_one(info)
    assert item.created and item.new == len(polib.pofile(str(project / POT)))
    assert item.lang == "pt_BR"


# --- property: any edit of the template keeps every reviewed translation -------------------

POOL = [
    "Call the clinic.",
    "call the clinic",
    "Call the clinic today.",
    "Visit us on Monday.",
    "Visit us on Monday or Tuesday.",
    "Parking is free.",
    "Parking is free for families.",
    "Ask your care team.",
    "Ask your nurse.",
    "Wash your hands.",
    "Wash your hands often!",
]


@settings(max_examples=100, deadline=None)
@given(
    old=st.lists(st.sampled_from(POOL), unique=True, min_size=1, max_size=7),
    new=st.lists(st.sampled_from(POOL), unique=True, min_size=0, max_size=7),
    fuzzy=st.sets(st.integers(0, 6)),
    dead=st.lists(st.sampled_from(POOL), unique=True, max_size=3),
)
def test_property_merge_keeps_reviewed(
    old: list[str], new: list[str], fuzzy: set[int], dead: list[str]
) -> None:
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for i, msgid in enumerate(old):
        lines += ["#, fuzzy"] if i in fuzzy else []
        lines += [f"#: p.md:{i + 1}", f'msgid "{msgid}"', f'msgstr "T {msgid}"', ""]
    for msgid in dead:
        if msgid not in old:
            lines += [f'#~ msgid "{msgid}"', f'#~ msgstr "D {msgid}"', ""]
    cat = parse_catalog("\n".join(lines).encode("utf-8"), Path("p.po"))
    reviewed = {e.msgid: e.msgstr for e in cat.po if is_reviewed(e, GETTEXT)}
    merge(cat, template(*[(m, "p.md") for m in new]))
    text = cat.render()
    result = parse_catalog(text.encode("utf-8"), Path("p.po")).po  # valid, strict syntax
    live = {e.msgid: e for e in result if not e.obsolete}
    gone = {e.msgid: e for e in result if e.obsolete}
    assert [e.msgid for e in result if not e.obsolete] == new
    for msgid, msgstr in reviewed.items():
        kept = live.get(msgid) or gone.get(msgid)
        assert kept is not None and kept.msgstr == msgstr
        if msgid in live:
            assert "fuzzy" not in live[msgid].flags
    for msgid in new:
        if msgid in dead and msgid not in old:
            assert live[msgid].msgstr == f"D {msgid}"  # revived with its translation
    # merging the same template again changes nothing
    again = parse_catalog(text.encode("utf-8"), Path("p.po"))
    merge(again, template(*[(m, "p.md") for m in new]))
    assert again.render() == text


LATIN1_PO = """\
msgid ""
msgstr ""
"Language: es\\n"
"Content-Type: text/plain; charset=ISO-8859-1\\n"

#: p.md:1
msgid "Year"
msgstr "Año"

#: p.md:2
msgid "Child"
msgstr "Niño"
""".encode("latin-1")


def test_latin1_catalog_round_trips_and_stays_latin1(tmp_path: Path) -> None:
    src = tmp_path / "in.po"
    src.write_bytes(LATIN1_PO)
    out = tmp_path / "out.po"
    save_catalog(load_catalog(src), out)
    assert out.read_bytes() == LATIN1_PO
    cat = load_catalog(src)
    merge(cat, template(("Year", "p.md"), ("Child", "p.md"), ("Baby", "p.md")))
    save_catalog(cat, out)
    assert b"charset=ISO-8859-1" in out.read_bytes()
    assert {e.msgid: e.msgstr for e in polib.pofile(str(out))}["Year"] == "Año"
    msgfmt_ok(out)


def test_latin1_catalog_becomes_utf8_when_a_string_needs_it(tmp_path: Path) -> None:
    src = tmp_path / "in.po"
    src.write_bytes(LATIN1_PO)
    cat = load_catalog(src)
    merge(cat, template(("Year", "p.md"), ("Child", "p.md"), ("Your child’s care", "p.md")))
    save_catalog(cat, src)
    data = src.read_bytes()
    assert b"charset=UTF-8" in data and b"charset=ISO" not in data
    assert 'msgstr "Año"' in data.decode("utf-8")  # translations not garbled
    assert "Your child’s care" in data.decode("utf-8")
    msgfmt_ok(src)


@pytest.mark.parametrize(("old", "new"), [
    ("Fever above > 38 °C", "Fever above < 38 °C"),
    ("Keep it at -20 °C", "Keep it at 20 °C"),
    ("Take 1,500 mg daily", "Take 1.500 mg daily"),
    ("See the (care/post-op) page", "See the (care/post_op) page"),
    ("Do not stop the medicine", "Do **not** stop the medicine"),
])
def test_meaningful_symbol_changes_are_not_trivial(old: str, new: str) -> None:
    from pipeline.catalog.match import trivial_key

    assert trivial_key(old) != trivial_key(new)


def test_trivial_edit_needs_the_same_context() -> None:


    from pipeline.catalog.merge import merge
    from pipeline.catalog.pofile import new_catalog

    cat = new_catalog()
    cat.po.append(polib.POEntry(msgid="Close", msgstr="Cerrar"))
    pot = polib.POFile()
    pot.append(polib.POEntry(msgid="Close", msgctxt="distance", msgstr=""))
    merge(cat, pot)
    entry = next(e for e in cat.po if not e.obsolete)
    assert entry.msgctxt == "distance" and "fuzzy" in entry.flags


def test_charset_is_read_from_the_header_not_a_comment(tmp_path: Path) -> None:
    from pipeline.catalog.pofile import load_catalog, save_catalog

    po = tmp_path / "site.po"
    po.write_text("# Converted from an old charset=ISO-8859-1 file.\n"
                  'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Page"\nmsgstr "Página"\n', "utf-8")
    before = po.read_bytes()
    cat = load_catalog(po)
    assert [e.msgstr for e in cat.po] == ["Página"]
    save_catalog(cat)
    assert po.read_bytes() == before


def test_a_partly_translated_plural_is_kept_as_obsolete_not_dropped() -> None:
    from pipeline.catalog.merge import merge
    from pipeline.catalog.pofile import new_catalog

    cat = new_catalog()
    cat.po.append(polib.POEntry(msgid="%(n)s day", msgid_plural="%(n)s days",
                                msgstr_plural={0: "%(n)s día", 1: ""}))
    merge(cat, polib.POFile())
    kept = [e for e in cat.po if e.obsolete]
    assert [e.msgstr_plural[0] for e in kept] == ["%(n)s día"]


# --- a warm update: what the last update found merged is not parsed again ------------------

WARM_POT = """\
msgid ""
msgstr ""
"POT-Creation-Date: 2025-01-01 00:00+0000\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

#: source/pages/a.md:1
msgid "Call the clinic."
msgstr ""

#: source/pages/a.md:3
msgid "Parking is free."
msgstr ""

#: source/pages/a.md:5
msgid "Ask your nurse."
msgstr ""
"""


def warm_project(root: Path) -> Path:
    """Two domains, Spanish catalogs made by ``update`` and translated, then updated twice
    (the second run finds nothing to do and records it)."""
    from conftest import PYPROJECT

    (root / "locale").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    for domain in ("a", "b"):
        (root / "locale" / f"{domain}.pot").write_text(WARM_POT, encoding="utf-8")
    config = load_config(root)
    update(config, list(config.languages))
    for domain in ("a", "b"):
        path = root / "locale" / "es" / "LC_MESSAGES" / f"{domain}.po"
        text = path.read_text("utf-8").replace('msgid "Call the clinic."\nmsgstr ""',
                                               'msgid "Call the clinic."\nmsgstr "Llame."')
        path.write_text(text, encoding="utf-8")
    update(config, list(config.languages))
    update(config, list(config.languages))
    return root


def merged_catalogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Spy: (language, domain) of every catalog ``update`` merges (rather than skips)."""
    import pipeline.catalog.merge as merge_module

    seen: list[tuple[str, str]] = []
    real = merge_module._merged

    def spy(info, template, data):  # type: ignore[no-untyped-def]
        seen.append((info.lang.gettext, info.domain))
        return real(info, template, data)

    monkeypatch.setattr(merge_module, "_merged", spy)
    return seen


def test_warm_update_parses_nothing_and_reports_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = warm_project(tmp_path / "site")
    config = load_config(root)
    import shutil

    shutil.copytree(root, tmp_path / "cold")
    shutil.rmtree(tmp_path / "cold" / ".cache")
    cold = update(load_config(tmp_path / "cold"), list(config.languages))
    merged = merged_catalogs(monkeypatch)
    import pipeline.catalog.reads as reads

    monkeypatch.setattr(reads, "parse_catalog", None)  # a parse would fail
    warm = update(config, list(config.languages))
    assert merged == []
    assert [(i.domain, i.changed, i.created, i.kept, i.new) for i in warm] == \
        [(i.domain, i.changed, i.created, i.kept, i.new) for i in cold] == \
        [("a", False, False, 3, 0), ("b", False, False, 3, 0)]
    # the memo lives under .cache/, never in the catalog
    assert (root / ".cache" / "update" / "es.json").is_file()
    assert "sha256" not in (root / "locale" / "es" / "LC_MESSAGES" / "a.po").read_text("utf-8")


EDITS: dict[str, tuple[str, Callable[[str], str]]] = {
    "translate": ("po", lambda t: t.replace('msgstr "Llame."', 'msgstr "Llame hoy."')),
    "untranslate": ("po", lambda t: t.replace('msgstr "Llame."', 'msgstr ""')),
    "flag fuzzy": ("po", lambda t: t.replace('#: source/pages/a.md:1\n',
                                             '#: source/pages/a.md:1\n#, fuzzy\n')),
    "translator comment": ("po", lambda t: t.replace('#: source/pages/a.md:3\n',
                                                     '# checked by the nurse\n'
                                                     '#: source/pages/a.md:3\n')),
    "one byte of space": ("po", lambda t: t + "\n"),
    "drop an entry": ("po", lambda t: t.replace('#: source/pages/a.md:5\nmsgid "Ask your '
                                                'nurse."\nmsgstr ""\n', "")),
    "edit an English string": ("pot", lambda t: t.replace("Parking is free.",
                                                          "Parking is free for families.")),
    "new English string": ("pot", lambda t: t if "Wash" in t else t + '\n#: source/pages/'
                                                'a.md:7\nmsgid "Wash your hands."\nmsgstr ""\n'),
    "remove an English string": ("pot", lambda t: t.replace('#: source/pages/a.md:1\nmsgid '
                                                            '"Call the clinic."\nmsgstr ""\n\n',
                                                            "")),
    "move a reference": ("pot", lambda t: t.replace("a.md:3", "a.md:4")),
    "new template date": ("pot", lambda t: t.replace("2025-01-01", "2025-02-01")),
    "no template date": ("pot", lambda t: t.replace(
        '"POT-Creation-Date: 2025-01-01 00:00+0000\\n"\n', "")),
}


@settings(max_examples=40, deadline=None)
@given(edits=st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.sampled_from(["a", "b"])),
                      min_size=1, max_size=3))
def test_property_a_changed_template_or_catalog_is_never_skipped(
    edits: list[tuple[str, str]],
) -> None:
    """After any edits of templates or catalogs, a warm update (with the memo) merges every
    edited catalog (and every catalog of an edited template) and writes exactly what a cold
    one (no memo) writes, and reports the same; so does the update after it."""
    import shutil
    import tempfile

    import pipeline.catalog.merge as merge_module

    with tempfile.TemporaryDirectory() as tmp:
        root = warm_project(Path(tmp) / "warm")
        edited: set[str] = set()
        for name, domain in edits:
            kind, edit = EDITS[name]
            path = (root / "locale" / f"{domain}.pot" if kind == "pot"
                    else root / "locale" / "es" / "LC_MESSAGES" / f"{domain}.po")
            before = path.read_text("utf-8")
            path.write_text(edit(before), encoding="utf-8")
            if edit(before) != before:
                edited.add(domain)
        shutil.copytree(root, Path(tmp) / "cold")
        shutil.rmtree(Path(tmp) / "cold" / ".cache")
        merged: list[str] = []
        real = merge_module._merged

        def spy(info, template, data):  # type: ignore[no-untyped-def]
            merged.append(info.domain)
            return real(info, template, data)

        merge_module._merged = spy
        try:
            for _ in range(2):
                merged.clear()
                warm = update(load_config(root), [parse_language("es")])
                assert edited <= set(merged)
                edited = set()
                cold = update(load_config(Path(tmp) / "cold"), [parse_language("es")])
                assert [(*astuple_item(i),) for i in warm] == [(*astuple_item(i),) for i in cold]
                for domain in ("a", "b"):
                    rel = Path("locale") / "es" / "LC_MESSAGES" / f"{domain}.po"
                    assert (root / rel).read_bytes() == (Path(tmp) / "cold" / rel).read_bytes()
        finally:
            merge_module._merged = real


def astuple_item(item: object) -> tuple[object, ...]:
    """An UpdateItem without its path (the two projects live in different folders)."""
    from dataclasses import astuple

    return astuple(item)[:2] + astuple(item)[3:]  # type: ignore[call-overload]


def test_a_catalog_saved_while_update_runs_is_merged_again_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every catalog is read before any is written; a translator who saves in between (their
    editor takes no lock) keeps the edit, and the English change still reaches it."""
    import pipeline.catalog.merge as merge_module

    root = warm_project(tmp_path / "site")
    pot = root / "locale" / "a.pot"
    pot.write_text(pot.read_text("utf-8").replace("Parking is free.", "Parking is free!"),
                   encoding="utf-8")
    po = root / "locale" / "es" / "LC_MESSAGES" / "a.po"
    real = merge_module._finish

    def translator_saves_first(step, templates, memo):  # type: ignore[no-untyped-def]
        if step.info.domain == "a" and 'msgstr "Llame."' in po.read_text("utf-8"):
            po.write_text(po.read_text("utf-8").replace('msgstr "Llame."',
                                                        'msgstr "Llame hoy."'),
                          encoding="utf-8")
        return real(step, templates, memo)

    monkeypatch.setattr(merge_module, "_finish", translator_saves_first)
    items = update(load_config(root), [parse_language("es")])
    entries = {e.msgid: e for e in polib.pofile(str(po))}
    assert entries["Call the clinic."].msgstr == "Llame hoy."  # the translator's edit
    assert "Parking is free!" in entries and "Parking is free." not in entries
    assert items[0].changed and items[0].kept == 2
    msgfmt_ok(po)


def test_catalogs_past_the_memory_bound_are_merged_again_when_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A huge first update holds no more than HOLD_BYTES of merged catalogs: the rest are
    merged again at write time, with the same result."""
    import shutil

    import pipeline.catalog.merge as merge_module

    root = warm_project(tmp_path / "held")
    for domain in ("a", "b"):
        pot = root / "locale" / f"{domain}.pot"
        pot.write_text(pot.read_text("utf-8").replace("Call the clinic.", "Call the clinic today."),
                       encoding="utf-8")
    shutil.copytree(root, tmp_path / "bounded")
    held = update(load_config(root), [parse_language("es")])
    monkeypatch.setattr(merge_module, "HOLD_BYTES", 0)
    merged = merged_catalogs(monkeypatch)
    bounded = update(load_config(tmp_path / "bounded"), [parse_language("es")])
    assert merged == [("es", "a"), ("es", "b")] * 2  # read and merged, then again to write
    assert [astuple_item(i) for i in bounded] == [astuple_item(i) for i in held]
    assert all(i.changed and i.fuzzy == 1 for i in bounded)
    for domain in ("a", "b"):
        rel = Path("locale") / "es" / "LC_MESSAGES" / f"{domain}.po"
        assert (tmp_path / "bounded" / rel).read_bytes() == (root / rel).read_bytes()
