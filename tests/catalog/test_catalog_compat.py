"""Real catalogs (Django, Sphinx/Weblate excerpts in tests/data/real) and what ``msgfmt -c``
accepts: read, merged like msgmerge, written back without churn."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from conftest import DATA, REPO, msgfmt_ok
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.catalog.entry import has_text
from pipeline.catalog.merge import merge, update_one
from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.pofile import encode_catalog, load_catalog, parse_catalog, save_catalog
from pipeline.config import parse_language

REAL = DATA / "real"
ES = parse_language("es")
HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)


def pot(*entries: polib.POEntry, date: str = "2026-01-01 00:00+0000") -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"POT-Creation-Date": date, "Content-Type": "text/plain; charset=UTF-8"}
    for e in entries:
        po.append(e)
    return po


def template_of(path: Path) -> polib.POFile:
    """The catalog's own entries as an empty template (a no-change update)."""
    cat = load_catalog(path)
    out = pot(date=str(cat.po.metadata.get("POT-Creation-Date", "")))
    for e in cat.entries():
        t = polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr="",
                          occurrences=list(e.occurrences), comment=e.comment,
                          flags=[f for f in e.flags if f != "fuzzy"])
        if e.msgid_plural:
            t.msgid_plural = e.msgid_plural
            t.msgstr_plural = {0: "", 1: ""}
        out.append(t)
    return out


def install(tmp_path: Path, source: Path | bytes, domain: str = "real") -> CatalogInfo:
    info = CatalogInfo(domain, ES, tmp_path / "locale")
    info.po_path.parent.mkdir(parents=True)
    data = source if isinstance(source, bytes) else source.read_bytes()
    info.po_path.write_bytes(data)
    return info


# --- the loader accepts what msgfmt -c accepts, and writes it back unchanged ----------------

VARIANTS = {
    "crlf": lambda b: b.replace(b"\n", b"\r\n"),
    "no-final-newline": lambda b: b.rstrip(b"\n"),
    "no-blank-lines": lambda b: b.replace(b"\n\n", b"\n"),
    "default-comment-glued": lambda b: b.replace(b"#. Translators:", b"#.Translators:"),
    "flag-glued": lambda b: b.replace(b"#, python-format", b"#,python-format"),
    "blank-line-in-string": lambda b: b.replace(
        b'"Language-Team: Spanish (http://www.transifex.com/django/django/language/"\n',
        b'"Language-Team: Spanish (http://www.transifex.com/django/django/language/"\n\n'),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variants_msgfmt_accepts_are_read_and_kept_byte_identical(
    tmp_path: Path, variant: str
) -> None:
    data = VARIANTS[variant]((REAL / "django-humanize-es.po").read_bytes())
    info = install(tmp_path, data)
    if variant != "crlf":  # msgfmt reads CRLF too, but warns; the others it takes silently
        msgfmt_ok(info.po_path)
    cat = load_catalog(info.po_path)
    plain = load_catalog(REAL / "django-humanize-es.po")
    assert [(e.msgctxt, e.msgid, e.msgstr, e.msgstr_plural) for e in cat.po] == [
        (e.msgctxt, e.msgid, e.msgstr, e.msgstr_plural) for e in plain.po]
    item = update_one(info, template_of(REAL / "django-humanize-es.po"))
    assert not item.changed
    assert info.po_path.read_bytes() == data


def test_crlf_catalog_keeps_crlf_when_an_entry_changes(tmp_path: Path) -> None:
    data = (REAL / "django-humanize-es.po").read_bytes().replace(b"\n", b"\r\n")
    info = install(tmp_path, data)
    cat = load_catalog(info.po_path)
    next(e for e in cat.po if e.msgid == "today").msgstr = "hoy mismo"
    save_catalog(cat)
    out = info.po_path.read_bytes()
    assert out.count(b"\n") == out.count(b"\r\n")
    changed = [d for d in difflib.unified_diff(data.decode().split("\r\n"),
                                                 out.decode().split("\r\n"), n=0, lineterm="")
               if d[:1] in "+-" and d[:3] not in ("+++", "---")]
    assert changed == ['-msgstr "hoy"', '+msgstr "hoy mismo"']


def test_a_change_rewrites_only_its_entry_when_blank_lines_are_missing(tmp_path: Path) -> None:
    data = (REAL / "django-humanize-es.po").read_bytes().replace(b"\n\n", b"\n").rstrip(b"\n")
    info = install(tmp_path, data)
    cat = load_catalog(info.po_path)
    next(e for e in cat.po if e.msgid == "today").msgstr = "hoy mismo"
    save_catalog(cat)
    out = info.po_path.read_text(encoding="utf-8").split("\n")
    before = data.decode().split("\n")
    removed = [x for x in before if x not in out]
    assert removed == ['msgstr "hoy"']
    # untouched entries keep every line as it was (wrapping included)
    assert '"Language-Team: Spanish (http://www.transifex.com/django/django/language/"' in out


def test_weblate_no_wrap_header_does_not_ping_pong(tmp_path: Path) -> None:
    """Weblate writes without wrapping; a new POT date must not re-wrap the header."""
    source = REAL / "sphinx-style-nowrap-es.po"
    info = install(tmp_path, source)
    template = template_of(source)
    template.metadata["POT-Creation-Date"] = "2024-08-01 09:00+0000"
    assert update_one(info, template).changed
    before = source.read_text(encoding="utf-8").split("\n")
    after = info.po_path.read_text(encoding="utf-8").split("\n")
    diff = [d for d in difflib.unified_diff(before, after, n=0, lineterm="")
            if d[:1] in "+-" and d[:3] not in ("+++", "---")]
    assert diff == ['-"POT-Creation-Date: 2024-07-20 10:00+0000\\n"',
                    '+"POT-Creation-Date: 2024-08-01 09:00+0000\\n"']
    # the second cycle changes nothing
    assert not update_one(info, template).changed
    msgfmt_ok(info.po_path)


def test_every_committed_catalog_survives_a_no_change_update_byte_for_byte(
    tmp_path: Path,
) -> None:
    for po_path in sorted((REPO / "locale").glob("*/LC_MESSAGES/*.po")):
        lang = parse_language(po_path.parent.parent.name)
        info = CatalogInfo(po_path.stem, lang, tmp_path / "locale")
        info.po_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(po_path, info.po_path)
        pot_path = REPO / "locale" / f"{po_path.stem}.pot"
        item = update_one(info, load_catalog(pot_path).po)
        assert not item.changed, po_path
        assert info.po_path.read_bytes() == po_path.read_bytes(), po_path


# --- msgid_plural in update (msgmerge semantics) -----------------------------------------


def _msgmerge(tmp_path: Path, old: str, new: polib.POFile) -> polib.POFile:
    (tmp_path / "old.po").write_text(old, encoding="utf-8")
    new.save(str(tmp_path / "new.pot"))
    out = subprocess.run(["msgmerge", "--previous", "-q", str(tmp_path / "old.po"),
                          str(tmp_path / "new.pot")], capture_output=True, text=True, check=True)
    return polib.pofile(out.stdout)


def _plural(msgid: str, plural: str, ctxt: str | None = None) -> polib.POEntry:
    e = polib.POEntry(msgctxt=ctxt, msgid=msgid, msgstr="")
    e.msgid_plural = plural
    e.msgstr_plural = {0: "", 1: ""}
    return e


PLURAL_CASES = {
    "gains a plural": ("today", "today (%d times)"),
    "plural text changes": ("an hour ago", "%(count)s hours before now"),
    "loses its plural": ("%(value).1f million", None),
}


@pytest.mark.parametrize("case", sorted(PLURAL_CASES))
def test_plural_changes_make_the_entry_fuzzy_like_msgmerge(tmp_path: Path, case: str) -> None:
    msgid, plural = PLURAL_CASES[case]
    text = (REAL / "django-humanize-es.po").read_text(encoding="utf-8")
    cat = parse_catalog(text.encode(), tmp_path / "x.po")
    old = next(e for e in polib.pofile(text) if e.msgid == msgid)
    new = _plural(msgid, plural) if plural else polib.POEntry(msgid=msgid, msgstr="")
    template = pot(new)
    merge(cat, template)
    ours = next(e for e in cat.entries() if e.msgid == msgid)
    theirs = next(e for e in _msgmerge(tmp_path, text, template) if e.msgid == msgid)
    assert "fuzzy" in ours.flags and "fuzzy" in theirs.flags
    assert (ours.msgid_plural or None) == (plural or None)
    assert (ours.msgstr, dict(ours.msgstr_plural)) == (theirs.msgstr, dict(theirs.msgstr_plural))
    assert ours.previous_msgid == old.msgid
    assert (ours.previous_msgid_plural or None) == (old.msgid_plural or None)
    # and it survives a save and a fresh read (msgfmt agrees it is well formed)
    save_catalog(cat, tmp_path / "x.po")
    msgfmt_ok(tmp_path / "x.po")
    again = next(e for e in load_catalog(tmp_path / "x.po").entries() if e.msgid == msgid)
    assert "fuzzy" in again.flags and (again.previous_msgid_plural or None) == (
        old.msgid_plural or None)


def test_a_changed_plural_entry_gets_a_fuzzy_draft_from_its_old_translation(
    tmp_path: Path,
) -> None:
    cat = parse_catalog((REAL / "django-humanize-es.po").read_bytes(), tmp_path / "x.po")
    counts = merge(cat, pot(_plural("an hour ago", "%(count)s hours ago, at least")))
    entry = cat.entries()[0]
    assert counts["fuzzy"] == 1
    assert "fuzzy" in entry.flags
    assert entry.msgstr_plural == {0: "hace una hora", 1: "hace %(count)s horas"}
    assert entry.previous_msgid_plural == "%(count)s hours ago"


def test_a_plural_whose_msgid_changed_is_matched_to_its_old_plural(tmp_path: Path) -> None:
    cat = parse_catalog((REAL / "django-humanize-es.po").read_bytes(), tmp_path / "x.po")
    counts = merge(cat, pot(_plural("an hour ago, roughly", "%(count)s hours ago, roughly")))
    entry = cat.entries()[0]
    assert (counts["fuzzy"], counts["new"]) == (1, 0)
    assert entry.msgstr_plural == {0: "hace una hora", 1: "hace %(count)s horas"}
    assert (entry.previous_msgid, entry.previous_msgid_plural) == (
        "an hour ago", "%(count)s hours ago")
    assert any(e.msgid == "an hour ago" for e in cat.obsolete())


# --- fuzzy thresholds by length; weak drafts may be replaced by MT -------------------------


@pytest.mark.parametrize(("old", "new"), [("French", "Frequency"), ("Tibetan", "Timestamp"),
                                          ("Humanize", "Human"), ("today", "toad")])
def test_short_strings_get_no_nonsense_fuzzy_draft(tmp_path: Path, old: str, new: str) -> None:
    text = HEADER + f'msgid "{old}"\nmsgstr "traducción"\n'
    cat = parse_catalog(text.encode(), tmp_path / "x.po")
    counts = merge(cat, pot(polib.POEntry(msgid=new, msgstr="")))
    assert counts["fuzzy"] == 0 and counts["new"] == 1
    assert cat.entries()[0].msgstr == ""
    assert cat.obsolete()[0].msgstr == "traducción"  # the old one is kept, obsolete


def test_long_sentences_still_get_a_fuzzy_draft(tmp_path: Path) -> None:
    old = "Call the clinic before your visit if your child has a fever."
    new = "Call the clinic before the visit if your child has a fever or a cough."
    text = HEADER + f'msgid "{old}"\nmsgstr "Llame a la clínica."\n'
    cat = parse_catalog(text.encode(), tmp_path / "x.po")
    assert merge(cat, pot(polib.POEntry(msgid=new, msgstr="")))["fuzzy"] == 1


# --- whitespace-only translations ---------------------------------------------------------


def test_a_whitespace_only_translation_is_a_translation(tmp_path: Path) -> None:
    text = HEADER + 'msgid "of"\nmsgstr " "\n\nmsgid "Humanize"\nmsgstr "Humanizar"\n'
    cat = parse_catalog(text.encode(), tmp_path / "x.po")
    assert has_text(cat.po[0])
    counts = merge(cat, pot(polib.POEntry(msgid="Humanize", msgstr="")))
    assert counts["obsolete"] == 1
    assert [(e.msgid, e.msgstr) for e in cat.obsolete()] == [("of", " ")]
    data, _ = encode_catalog(cat)
    assert b'#~ msgid "of"\n#~ msgstr " "' in data


class Upper:
    """A fake engine: the translation is the text in upper case."""

    name = "upper"
    version = "1"

    def supports(self, source: object, target: object) -> bool:
        return True

    def translate_batch(self, texts: list[str], source: object, target: object) -> list[str]:
        return [t.upper() for t in texts]


def test_translate_replaces_a_weak_fuzzy_draft_and_keeps_the_previous_english(
    project: Path, run
) -> None:
    from pipeline.config import load_config
    from pipeline.mt.translate import translate

    assert run("extract").exit_code == 0
    assert run("update", "--lang", "es").exit_code == 0
    po = project / "locale" / "es" / "LC_MESSAGES" / "site.po"
    cat = load_catalog(po)
    strong, weak = cat.entries()[:2]
    # a weak match as update leaves it: old translation copied, old English kept
    cat.po.append(polib.POEntry(msgid="An unrelated old sentence", msgstr="Vieja", obsolete=True))
    weak.msgstr, weak.flags, weak.previous_msgid = "Vieja", ["fuzzy"], "An unrelated old sentence"
    # a strong one, and a weak one a person has already edited: both stay
    strong.msgstr, strong.flags, strong.previous_msgid = "Mía", ["fuzzy"], strong.msgid + "!"
    save_catalog(cat)
    translate(load_config(project), ES, engine=Upper(), pages=["site"])  # type: ignore[arg-type]
    after = {e.msgid: e for e in load_catalog(po).po}
    assert after[weak.msgid].msgstr == weak.msgid.upper()
    assert after[weak.msgid].previous_msgid == "An unrelated old sentence"
    assert "fuzzy" in after[weak.msgid].flags
    assert "machine translation: upper" in after[weak.msgid].tcomment
    assert after[strong.msgid].msgstr == "Mía"
    assert after["An unrelated old sentence"].msgstr == "Vieja"  # still kept, obsolete
    msgfmt_ok(po)


# --- trivial edits: numbers and signs compare exactly ---------------------------------------

_QUOTE_CHARS = set("\"“”„‘’‚«»‹›`´'")


@pytest.mark.parametrize(("old", "new"), [("10⁶ cells per litre", "106 cells per litre"),
                                          ("Take ½ tablet", "Take 1/2 tablet"),
                                          ("Keep below −20 °C", "Keep below -20 °C"),
                                          ("Take ５ mg", "Take 5 mg")])
def test_a_change_of_number_or_sign_form_is_never_trivial(
    tmp_path: Path, old: str, new: str
) -> None:
    text = HEADER + f'msgid "{old}"\nmsgstr "revisada"\n'
    cat = parse_catalog(text.encode(), tmp_path / "x.po")
    counts = merge(cat, pot(polib.POEntry(msgid=new, msgstr="")))
    assert counts["trivial"] == 0
    entry = cat.entries()[0]
    assert entry.msgstr == "" or "fuzzy" in entry.flags


def test_case_spacing_and_full_width_letters_stay_trivial(tmp_path: Path) -> None:
    text = HEADER + 'msgid "Call us, now!"\nmsgstr "revisada"\n'
    cat = parse_catalog(text.encode(), tmp_path / "x.po")
    counts = merge(cat, pot(polib.POEntry(msgid="ＣALL  us now", msgstr="")))
    assert counts["trivial"] == 1 and "fuzzy" not in cat.entries()[0].flags


_NUMERIC = st.characters(categories=["Nd", "No", "Nl", "Sm", "Sc", "So"]).filter(
    lambda c: c not in _QUOTE_CHARS)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20), _NUMERIC, _NUMERIC, st.text(max_size=20))
def test_trivial_key_keeps_every_number_and_sign(before: str, a: str, b: str,
                                                 after: str) -> None:
    from pipeline.catalog.match import trivial_key

    if a != b:
        assert trivial_key(before + a + after) != trivial_key(before + b + after)
