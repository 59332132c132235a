"""TBX exchange for ``locale/glossary.csv``: terminology out to, and in from, CAT tools.

Export writes TBX (ISO 30042, the 2008 ``martif`` dialect that Translate Toolkit, Okapi,
memoQ and MultiTerm read): one ``termEntry`` per English term, a ``langSet`` per language
with its preferred translation. A do-not-translate name carries
``<termNote type="transferComment">do not translate</termNote>``, a stand-in word
``<termNote type="x-stand-in">``, and a row's note a ``<note>``.

Import reads that dialect and TBX 3 (``<tbx>``/``conceptEntry``/``langSec``/``termSec``),
namespaced or not, skipping deprecated and superseded terms. It only *adds* rows: a term the
glossary already has for a language keeps its translation, and a different one in the file
is reported as a conflict for a person to settle. Existing rows stay byte for byte.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__, xmlsafe
from pipeline.catalog.glossary import GlossaryTerm, load_glossary
from pipeline.config import Config, Language, parse_language
from pipeline.errors import CatalogError, PipelineError
from pipeline.fs import atomic_write, locked
from pipeline.mt.tm import XML_LANG, lang_of, local, match_language, text_of
from pipeline.visible import refusal
from pipeline.xmlsafe import clean

COLUMNS = ("term", "lang", "translation", "note", "stand_in")
DNT = "do not translate"
_DNT = re.compile(r"do.?not.?translate|untranslatable|non.?translatable", re.I)
_AVOID = re.compile(r"deprecated|superseded|obsolete", re.I)
_STAND_IN = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


@dataclass(frozen=True, slots=True)
class TbxExport:
    path: Path
    entries: int
    terms: int


@dataclass(slots=True)
class TbxImport:
    """What ``glossary import`` did to the glossary."""

    path: Path
    added: list[GlossaryTerm] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[tuple[GlossaryTerm, str]] = field(default_factory=list)  # (file's, ours)
    refused: int = 0  # rows holding a control character (the catalogs' rule)
    ignored_languages: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added)


# ── export ────────────────────────────────────────────────────────────────────────────


def export_tbx(config: Config, output: Path) -> TbxExport:
    """Write the glossary as TBX (atomically); entries follow the CSV's order of terms."""
    glossary = load_glossary(config.glossary_path)
    source = parse_language(config.source_language)
    by_term: dict[str, list[GlossaryTerm]] = {}
    for t in glossary.terms:
        by_term.setdefault(t.term, []).append(t)
    root = ET.Element("martif", {"type": "TBX", XML_LANG: source.bcp47})
    header = ET.SubElement(root, "martifHeader")
    desc = ET.SubElement(ET.SubElement(header, "fileDesc"), "sourceDesc")
    ET.SubElement(desc, "p").text = f"l10n-pipeline {__version__}: {config.glossary}"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    where = config.glossary
    for n, (term, rows) in enumerate(by_term.items(), start=1):
        entry = ET.SubElement(body, "termEntry", id=f"term-{n}")
        dnt = [r for r in rows if r.lang is None]
        if dnt and dnt[0].note:
            ET.SubElement(entry, "note").text = clean(dnt[0].note, where)
        english = ET.SubElement(ET.SubElement(entry, "langSet", {XML_LANG: source.bcp47}), "tig")
        ET.SubElement(english, "term").text = clean(term, where)
        if dnt:
            ET.SubElement(english, "termNote", type="transferComment").text = DNT
            if dnt[0].stand_in:
                ET.SubElement(english, "termNote", type="x-stand-in").text = dnt[0].stand_in
        for row in rows:
            if row.lang is None or not row.translation:
                continue
            lang_set = ET.SubElement(entry, "langSet", {XML_LANG: row.lang.replace("_", "-")})
            if row.note:
                ET.SubElement(lang_set, "note").text = clean(row.note, where)
            tig = ET.SubElement(lang_set, "tig")
            ET.SubElement(tig, "term").text = clean(row.translation, where)
            if row.stand_in:
                ET.SubElement(tig, "termNote", type="x-stand-in").text = row.stand_in
    doctype = ('<!DOCTYPE martif PUBLIC "ISO 12200:1999A//DTD MARTIF core (DXFcdV04)//EN" '
               '"TBXcdv04.dtd">\n')
    xmlsafe.write(output, root, "TBX", doctype)
    return TbxExport(output, len(by_term), len(glossary.terms))


# ── import ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    notes: dict[str, str]  # termNote type → value


def _children(el: ET.Element, *names: str) -> Iterator[ET.Element]:
    return (c for c in el if local(c.tag) in names)


def _terms(lang_set: ET.Element) -> list[_Term]:
    """A langSet's usable terms, preferred first (TBX 2 tig/ntig, TBX 3 termSec)."""
    found = []
    for holder in _children(lang_set, "tig", "ntig", "termSec"):
        group = next(_children(holder, "termGrp"), holder)  # ntig wraps term in termGrp
        term = next(_children(group, "term"), None)
        if term is None or not text_of(term).strip():
            continue
        notes = {n.get("type", ""): text_of(n).strip()
                 for n in (*_children(group, "termNote"), *_children(holder, "termNote"))}
        status = notes.get("administrativeStatus", "")
        if _AVOID.search(status):
            continue
        found.append((0 if "preferred" in status else 1, _Term(" ".join(text_of(term).split()),
                                                                notes)))
    return [t for _, t in sorted(found, key=lambda p: p[0])]


def _note(el: ET.Element) -> str:
    for c in el:
        if local(c.tag) == "note" or (local(c.tag) == "descrip"
                                      and c.get("type") in ("definition", "context")):
            return " ".join(text_of(c).split())
    return ""


def _stand_in(term: _Term) -> str | None:
    word = term.notes.get("x-stand-in", "").strip()
    return word if _STAND_IN.fullmatch(word) else None


def read_tbx(path: Path, config: Config) -> tuple[list[GlossaryTerm], tuple[str, ...]]:
    """Glossary rows from a TBX file, and the languages in it that are not configured."""
    root = xmlsafe.parse_file(path, "TBX", doctype=True)
    if local(root.tag) not in ("martif", "tbx"):
        raise CatalogError("not a TBX file (root is not <martif> or <tbx>); export TBX from "
                           "your terminology tool", path=path)
    source = parse_language(config.source_language)
    rows: list[GlossaryTerm] = []
    ignored: set[str] = set()
    for entry in root.iter():
        if local(entry.tag) not in ("termEntry", "conceptEntry"):
            continue
        english: list[_Term] = []
        targets: list[tuple[Language, _Term, str]] = []
        for lang_set in _children(entry, "langSet", "langSec"):
            code, terms = lang_of(lang_set), _terms(lang_set)
            if not terms:
                continue
            if match_language(code, [source]):
                english += terms
            elif (lang := match_language(code, config.languages)) is not None:
                targets.append((lang, terms[0], _note(lang_set)))
            else:
                ignored.add(code)
        entry_note = _note(entry)
        for term in english:
            if any(_DNT.search(v) for v in term.notes.values()):
                rows.append(GlossaryTerm(term.text, None, None, entry_note, _stand_in(term)))
            for lang, target, note in targets:
                rows.append(GlossaryTerm(term.text, lang.gettext, target.text,
                                         note or entry_note, _stand_in(target)))
    return rows, tuple(sorted(ignored))


def _key(t: GlossaryTerm) -> tuple[str, str]:
    return (t.term.casefold(), t.lang or "")


def import_tbx(config: Config, path: Path) -> TbxImport:
    """Add the file's terms to the glossary CSV; existing rows are never changed."""
    incoming, ignored = read_tbx(path, config)
    target = config.glossary_path
    result = TbxImport(target, ignored_languages=ignored)
    with locked(target):
        ours = {_key(t): t for t in load_glossary(target).terms}
        for row in incoming:
            if any(refusal(v) for v in (row.term, row.translation or "", row.note)):
                result.refused += 1
                continue
            have = ours.get(_key(row))
            if have is None:
                ours[_key(row)] = row
                result.added.append(row)
            elif (have.translation or "") == (row.translation or ""):
                result.unchanged += 1
            else:
                result.conflicts.append((row, have.translation or ""))
        if result.added:
            data = _appended(target, result.added)
            _readable(data, target)
            atomic_write(target, data)
    return result


def _readable(data: bytes, target: Path) -> None:
    """Refuse (nothing written) a glossary the loader would refuse: read by the loader
    itself from a scratch copy beside it."""
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".glossary-check-") as tmp:
        trial = Path(tmp) / target.name
        trial.write_bytes(data)
        try:
            load_glossary(trial)
        except PipelineError as exc:
            raise CatalogError(f"the imported terms would make the glossary unreadable "
                               f"({exc.message}); fix the TBX file, nothing was written",
                               path=target) from None


def _appended(path: Path, rows: list[GlossaryTerm]) -> bytes:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if not old.strip():
        old = ""
        writer.writerow(COLUMNS)
    elif not old.endswith("\n"):
        old += "\n"
    for r in rows:
        writer.writerow([r.term, r.lang or "", r.translation or "", r.note, r.stand_in or ""])
    return (old + out.getvalue()).encode("utf-8")
