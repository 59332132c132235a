"""XLIFF 1.2 exchange with CAT tools (memoQ, Trados, Phrase): export a language, import it back.

States travel both ways: reviewed ↔ ``state="translated" approved="yes"``; fuzzy ↔
``state="needs-review-translation" approved="no"``; untranslated ↔ no ``<target>``.
Translator and extracted comments become ``<note>``s, references location
``<context-group>``s, ``#|`` previous text an ``<alt-trans origin="previous">``, msgctxt the
``resname``. Import matches units by msgctxt and msgid, changes only what the file says
changed, and refuses the whole file (nothing written) if any unit matches no entry.

The base: every exported ``<trans-unit>`` with a target also carries
``<alt-trans origin="pipeline-base" alttranstype="previous-version">`` whose ``<target>`` is
the msgstr as exported (its ``state`` the state as exported). ``<alt-trans>`` is standard
XLIFF 1.2 (allowed anywhere after ``<target>``), the element CAT tools carry through for
earlier and alternative translations; ``alttranstype="previous-version"`` marks it as a
version to compare with, not a match to insert; Translate Toolkit rewrites it unchanged
(tested). Import is then a three-way merge per entry: catalog now, base, file.

- The catalog's text differs from the base (edited in the ``.po`` since the export) and from
  the file's target: a *conflict*. The catalog's text and state are kept, the msgid is listed
  in ``Imported.conflicts``. Same when the base was not reviewed, the entry has been reviewed
  since, and the file changes its text.
- A state the file carries unchanged from the base is no instruction: an old file does not
  reopen what was reviewed since, nor approve what was reopened since.
- A file without a base (Translate Toolkit's ``po2xliff``, a tool that dropped
  ``<alt-trans>``) never replaces a reviewed text that differs from its target (a conflict
  too); it fills empty and fuzzy entries only, and may reopen a reviewed one only where its
  text is the catalog's.
- An empty catalog entry has nothing to protect: the file fills it.

Written with the standard library: Translate Toolkit's ``po2xliff`` writes XLIFF 1.1, maps
fuzzy to ``needs-translation`` and drops msgctxt, which our catalogs need.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline import __version__, xmlsafe
from pipeline.catalog.entry import (
    IMPORTED,
    has_text,
    is_reviewed,
    mark_draft,
    mark_reviewed,
    mark_translated,
    set_provenance,
)
from pipeline.catalog.paths import CatalogInfo, domains, select_domains
from pipeline.catalog.pofile import Catalog, check_writable, load_catalog, save_catalog
from pipeline.config import Config, Language, ReviewPolicy, parse_language
from pipeline.errors import CatalogError
from pipeline.fs import locked
from pipeline.review.xliff_read import (
    BASE,
    PLURALS_RESTYPE,
    REVIEWED_STATES,
    Unit,
    parse,
    plan_lang,
    read_units,
)
from pipeline.visible import refusal, short
from pipeline.xmlsafe import clean

NS = "urn:oasis:names:tc:xliff:document:1.2"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@dataclass(frozen=True, slots=True)
class Exported:
    """What ``export`` wrote."""

    path: Path
    catalogs: int
    reviewed: int
    fuzzy: int
    untranslated: int


@dataclass(slots=True)
class Imported:
    """What ``import`` did to one catalog."""

    domain: str
    path: Path
    changed: bool = False
    translated: int = 0  # new text, reviewed
    drafted: int = 0  # new text, fuzzy
    approved: int = 0  # same text, now reviewed
    reopened: int = 0  # was reviewed, the file says it needs review
    unchanged: int = 0
    empty: int = 0  # unit without target text: entry left alone
    kept: list[str] = field(default_factory=list)  # reviewed, changed without approval
    conflicts: list[str] = field(default_factory=list)  # changed in the catalog since export
    refused: list[str] = field(default_factory=list)  # text holding a control character


# ── export ─────────────────────────────────────────────────────────────────────────────


def _text(el: ET.Element, value: str, where: str) -> None:
    el.text = clean(value, where)


def _fill_unit(unit: ET.Element, source: str, target: str | None, reviewed: bool,
               where: str) -> None:
    unit.set(_XML_SPACE, "preserve")
    _text(ET.SubElement(unit, _q("source")), source, where)
    if target is not None:
        unit.set("approved", "yes" if reviewed else "no")
        state = "translated" if reviewed else "needs-review-translation"
        _text(ET.SubElement(unit, _q("target"), state=state), target, where)


def _base(unit: ET.Element, where: str) -> None:
    """Record the exported target (text and state) as the unit's base, last in the unit."""
    target = unit.find(_q("target"))
    if target is not None:
        alt = ET.SubElement(unit, _q("alt-trans"), origin=BASE, alttranstype="previous-version")
        _text(ET.SubElement(alt, _q("target"), state=target.get("state", "")),
              target.text or "", where)


def _annotate(el: ET.Element, e: polib.POEntry, where: str) -> None:
    for path, line in e.occurrences:
        group = ET.SubElement(el, _q("context-group"), name="po-reference", purpose="location")
        _text(ET.SubElement(group, _q("context"), {"context-type": "sourcefile"}), path, where)
        if line:
            _text(ET.SubElement(group, _q("context"), {"context-type": "linenumber"}), line,
                  where)
    for origin, text in (("translator", e.tcomment), ("developer", e.comment)):
        if text:
            _text(ET.SubElement(el, _q("note"), {"from": origin}), text, where)


def _entry_xml(body: ET.Element, n: int, e: polib.POEntry, where: str,
               policy: ReviewPolicy) -> str:
    """Append one entry; returns its state: reviewed, fuzzy or untranslated."""
    state = "reviewed" if is_reviewed(e, policy) else ("fuzzy" if has_text(e) else "untranslated")
    if not e.msgid_plural:
        unit = ET.SubElement(body, _q("trans-unit"), id=str(n))
        _fill_unit(unit, e.msgid, e.msgstr if state != "untranslated" else None,
                   state == "reviewed", where)
        holder = unit
    else:
        holder = ET.SubElement(body, _q("group"), id=str(n), restype=PLURALS_RESTYPE)
        for i in sorted(e.msgstr_plural):
            unit = ET.SubElement(holder, _q("trans-unit"), id=f"{n}[{i}]")
            _fill_unit(unit, e.msgid if i == 0 else e.msgid_plural,
                       e.msgstr_plural[i] if state != "untranslated" else None,
                       state == "reviewed", where)
    if e.msgctxt is not None:
        holder.set("resname", clean(e.msgctxt, where))
    _annotate(holder, e, where)
    if e.previous_msgid and not e.msgid_plural:
        alt = ET.SubElement(holder, _q("alt-trans"), origin="previous")
        _text(ET.SubElement(alt, _q("source")), e.previous_msgid, where)
        _text(ET.SubElement(alt, _q("target")), e.msgstr, where)
    for unit in [holder] if not e.msgid_plural else holder.findall(_q("trans-unit")):
        _base(unit, where)
    return state


def export_xliff(config: Config, lang: Language, output: Path,
                 pages: Sequence[str] | None = None) -> Exported:
    """Write every live entry of the language's catalogs to ``output`` (atomically)."""
    _refuse_output(config, output)
    source = parse_language(config.source_language)
    names = select_domains(config, pages)
    ET.register_namespace("", NS)
    root = ET.Element(_q("xliff"), version="1.2")
    counts = {"reviewed": 0, "fuzzy": 0, "untranslated": 0}
    written = 0
    for name in names:
        po_path = CatalogInfo(name, lang, config.locale_dir).po_path
        if not po_path.exists():
            continue
        cat = load_catalog(po_path)
        file_el = ET.SubElement(root, _q("file"), {
            "original": name, "datatype": "po", "source-language": source.bcp47,
            "target-language": lang.bcp47, "tool-id": "l10n-pipeline"})
        header = ET.SubElement(file_el, _q("header"))
        ET.SubElement(header, _q("tool"), {"tool-id": "l10n-pipeline",
                                           "tool-name": "l10n-pipeline",
                                           "tool-version": __version__})
        body = ET.SubElement(file_el, _q("body"))
        for n, e in enumerate(cat.entries(), start=1):
            counts[_entry_xml(body, n, e, f"{po_path.relative_to(config.root)}:{e.linenum}",
                              config.review)] += 1
        written += 1
    if not written:
        raise CatalogError(f"no catalogs for {lang.gettext}; run 'pipeline init --lang "
                           f"{lang.gettext}'", path=config.locale_dir)
    xmlsafe.write(output, root, "XLIFF")
    return Exported(output, written, counts["reviewed"], counts["fuzzy"], counts["untranslated"])


def _refuse_output(config: Config, output: Path) -> None:
    """The XLIFF file never replaces a project file: nothing under ``locale/``,
    ``source/`` or a catalog's name, and no existing file that is not XLIFF."""
    target = output.resolve()
    for folder in (config.locale_dir, config.root / "source"):
        if target.is_relative_to(folder.resolve()):
            raise CatalogError(f"is inside {folder.name}/, where the project's own files live; "
                               "write the XLIFF file elsewhere (default reports/xliff/)",
                               path=output)
    if target.suffix.lower() in (".po", ".pot", ".mo", ".md", ".toml", ".csv"):
        raise CatalogError(f"'{target.suffix}' is not an XLIFF file name; use .xlf",
                           path=output)
    if target.is_file():
        try:
            head = target.open("rb").read(4096)
        except OSError as exc:
            raise CatalogError(f"cannot read: {exc.strerror}", path=output) from None
        if b"<xliff" not in head:
            raise CatalogError("exists and is not an XLIFF file; choose another --output",
                               path=output)


# ── import ─────────────────────────────────────────────────────────────────────────────


def _says(unit: Unit) -> tuple[bool, bool]:
    """(the file marks it reviewed, the file explicitly marks it as needing work)."""
    state = unit.state or ""
    needs = state.startswith("needs-") or state == "new"
    reviewed = state in REVIEWED_STATES or (unit.approved == "yes" and not needs)
    return reviewed, not reviewed and (needs or unit.approved == "no")


def _set_texts(e: polib.POEntry, texts: tuple[str, ...]) -> None:
    if e.msgid_plural:
        e.msgstr_plural = dict(enumerate(texts))
    else:
        e.msgstr = texts[0]


def _apply(e: polib.POEntry, unit: Unit, note: str, result: Imported, policy: ReviewPolicy,
           translator: tuple[str, str] | None = None) -> None:
    if unit.targets is None:
        result.empty += 1
        return
    if any(refusal(t) for t in unit.targets):
        result.refused.append(e.msgid)  # never written: it could hide text from a reviewer
        return
    current = (tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural)) if e.msgid_plural
               else (e.msgstr,))
    was_reviewed = is_reviewed(e, policy)
    says_reviewed, says_draft = _says(unit)
    if unit.base is not None and unit.targets == unit.base and current != unit.base and any(
            current) and not (
            (says_reviewed and unit.base_reviewed is False)
            or (says_draft and unit.base_reviewed is True)):
        result.unchanged += 1  # the file changed neither text nor state; the catalog did
        return
    if unit.targets != current and any(t.strip() for t in current) and (
            (unit.base is not None and current != unit.base)  # edited since the export
            or (was_reviewed and unit.base_reviewed is not True)):  # or reviewed since; no base
        result.conflicts.append(e.msgid)  # the catalog's text and state stay
        return
    if unit.targets == current:
        if unit.base_reviewed is not None:  # only a state the file changed is an instruction
            says_reviewed = says_reviewed and not unit.base_reviewed
            says_draft = says_draft and unit.base_reviewed
        if says_reviewed and not was_reviewed:
            mark_reviewed(e)
            result.approved += 1
        elif says_draft and was_reviewed:
            mark_draft(e)
            result.reopened += 1
        else:
            result.unchanged += 1
        return
    if was_reviewed and not says_reviewed and not says_draft:
        result.kept.append(e.msgid)  # not explicit: a reviewed text is not replaced
        return
    _set_texts(e, unit.targets)
    if translator:  # (name, day): who typed it, pinned to the text, for the four-eyes rule
        mark_translated(e, *translator)
    if says_reviewed:
        mark_reviewed(e)
    else:
        mark_draft(e)
    set_provenance(e, note)
    if says_reviewed:
        result.translated += 1
    else:
        result.drafted += 1
        result.reopened += was_reviewed


def import_xliff(config: Config, path: Path, lang: Language | None = None,
                 today: str | None = None, translator: str | None = None) -> list[Imported]:
    """Merge the file's targets into the language's catalogs; refuse it whole if any unit
    does not match an entry (by msgctxt and msgid). New text is recorded as typed by
    ``translator``, else by the file's ``<phase process-name="translation" contact-name>``."""
    root, ns = parse(path)
    lang = plan_lang(root, ns, path, config, lang)
    names = set(domains(config))
    day = today or dt.date.today().isoformat()
    phase = root.find(f".//{{{ns}}}phase[@process-name='translation']")
    named = translator or (phase.get("contact-name") if phase is not None else None)
    typed_by = (" ".join(named.split()), day) if named and named.strip() else None
    # Two <file> elements may name one catalog (a CAT tool split it): their units together.
    by_name: dict[str, list[Unit]] = {}
    for file_el in root.findall(f"{{{ns}}}file"):
        name = re.sub(r"\.pot?$", "", Path(file_el.get("original", "")).name)
        if name not in names:
            raise CatalogError(f"<file original=\"{file_el.get('original', '')}\"> names no "
                               f"catalog of this project ({', '.join(sorted(names))})", path=path)
        body = file_el.find(f"{{{ns}}}body")
        by_name.setdefault(name, []).extend(read_units(body, ns) if body is not None else [])
    plan = list(by_name.items())
    if not plan:
        raise CatalogError("has no <file> elements; nothing to import", path=path)
    note = f"{IMPORTED} {path.name}, {day}"
    first = CatalogInfo(plan[0][0], lang, config.locale_dir).po_path
    with locked(first):  # one lock per language folder covers all its catalogs
        work: list[tuple[Catalog, list[tuple[polib.POEntry, Unit]], Imported]] = []
        for name, units in plan:
            po_path = CatalogInfo(name, lang, config.locale_dir).po_path
            cat = load_catalog(po_path)
            work.append((cat, _match(cat, units, path, po_path), Imported(name, po_path)))
        for _, pairs, result in work:
            for e, unit in pairs:
                _apply(e, unit, note, result, config.review, typed_by)
        for cat, _, _ in work:  # every catalog must read back before any is written
            check_writable(cat)
        written: list[str] = []
        for cat, _, result in work:
            try:
                result.changed = save_catalog(cat)
            except CatalogError as exc:
                if not written:
                    raise
                raise CatalogError(f"{exc.message.replace('; nothing was changed', '')}; "
                                   f"already imported into {', '.join(written)}: fix the "
                                   "cause and import again (it is safe to repeat)",
                                   path=exc.path) from None
            if result.changed:
                written.append(result.path.name)
    return [result for _, _, result in work]


def _match(cat: Catalog, units: list[Unit], path: Path,
           po_path: Path) -> list[tuple[polib.POEntry, Unit]]:
    entries = {(e.msgctxt, e.msgid): e for e in cat.entries()}
    pairs: list[tuple[polib.POEntry, Unit]] = []
    seen: set[tuple[str | None, str]] = set()
    missing: list[Unit] = []
    for unit in units:
        if not unit.sources:
            raise CatalogError(f"plural group {unit.uid} has no <trans-unit>; export again or "
                               "repair it, nothing imported", path=path)
        key = (unit.msgctxt, unit.sources[0])
        e = entries.get(key)
        plural_ok = e is not None and (
            (not e.msgid_plural and len(unit.sources) == 1)
            or (bool(e.msgid_plural) and unit.sources[1:2] in ((e.msgid_plural,), ())))
        if e is None or not plural_ok:
            missing.append(unit)
            continue
        if e.msgid_plural and unit.targets is not None \
                and len(unit.targets) != len(e.msgstr_plural):
            raise CatalogError(f"plural group {unit.uid} has {len(unit.targets)} form(s), "
                               f"{po_path.name} has {len(e.msgstr_plural)} for "
                               f"{short(e.msgid, 50)!r}; export again, nothing imported",
                               path=path)
        if key in seen:
            raise CatalogError(f"unit {unit.uid} repeats the English of an earlier unit; "
                               "one unit per entry", path=path)
        seen.add(key)
        pairs.append((e, unit))
    if missing:
        raise CatalogError(
            f"{len(missing)} unit(s) match no entry of {po_path.name} (first: unit "
            f"{missing[0].uid}, {short(missing[0].sources[0], 50)!r}); the English "
            "changed since the export: run 'pipeline update', export again, nothing imported",
            path=path)
    return pairs

