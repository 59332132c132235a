"""TMX 1.4b exchange: reviewed pairs out, other tools' memories in (kept with their origin).

Export writes every reviewed, singular entry of a language's catalogs. Import reads a TMX
file from any CAT tool (OmegaT, Okapi, Translate Toolkit's ``po2tmx``, memoQ, Trados…) and
keeps its pairs in ``locale/<lang>/memory.tmx`` — a TMX file too, each unit carrying where
it came from. ``translate`` consults that store after the catalogs' own reviewed entries,
and a draft it makes from it names that origin; such drafts are fuzzy like any other, so
nothing imported reaches the public site unreviewed. Import never touches a ``.po`` file.

Reading and writing go through :mod:`pipeline.xmlsafe` (as XLIFF and TBX do): a bare DOCTYPE
naming the TMX DTD is accepted, any declaration is refused, in any encoding, and the file and
the memory store are bounded in size and depth.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__, xmlsafe
from pipeline.catalog.entry import is_reviewed, reviewer
from pipeline.catalog.paths import CatalogInfo, select_domains
from pipeline.catalog.pofile import load_catalog
from pipeline.catalog.syntax import MAX_FIELD_CHARS
from pipeline.config import Config, Language, parse_language
from pipeline.errors import CatalogError, ConfigError
from pipeline.fs import locked
from pipeline.mt.memory import memory_key
from pipeline.visible import refusal
from pipeline.xmlsafe import clean

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ORIGIN = "x-origin"  # <prop type="x-origin">: where an imported pair came from
CONTEXT = "x-context"  # Translate Toolkit's name for a msgctxt
DOMAIN = "x-domain"
STORE = "memory.tmx"


@dataclass(frozen=True, slots=True)
class TmUnit:
    """One source/target pair and where it came from."""

    source: str
    target: str
    origin: str
    attrs: tuple[tuple[str, str], ...] = ()  # the unit's creationid, changedate… as found


@dataclass(frozen=True, slots=True)
class TmExport:
    path: Path
    units: int
    catalogs: int
    plurals: int = 0  # reviewed plural entries left out: TMX has no plural forms


@dataclass(slots=True)
class TmImport:
    """What ``tm import`` did for one language."""

    lang: str
    path: Path
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped: int = 0  # units without text in English or in this language
    refused: int = 0  # units holding a control character (the catalogs' rule)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced)


@dataclass(frozen=True, slots=True)
class TmImportResult:
    items: tuple[TmImport, ...]
    ignored_languages: tuple[str, ...] = field(default=())


# ── shared exchange helpers (tbx.py uses them too) ─────────────────────────────────────────


def local(tag: object) -> str:
    """The tag without its namespace: TBX 3 files use one, TBX 2 and TMX do not."""
    return str(tag).rsplit("}", 1)[-1]


def text_of(el: ET.Element) -> str:
    """The element's text with inline elements (TMX ``bpt``/``ph``/``hi``, TBX ``hi``)
    flattened: a code element holds the original's native markup."""
    return "".join(el.itertext())


def lang_of(el: ET.Element) -> str:
    return el.get(XML_LANG) or el.get("lang") or ""  # TMX 1.1 (older OmegaT) wrote lang=


def match_language(code: str, languages: Sequence[Language]) -> Language | None:
    """The configured language a file's code stands for: exact (``zh-Hans``, ``pt_BR``),
    else by its language subtag when that is configured bare (``es-ES`` → ``es``)."""
    norm = code.strip().replace("_", "-").lower()
    if not norm:
        return None
    for lang in languages:
        if lang.bcp47.lower() == norm:
            return lang
    for lang in languages:
        if "-" not in lang.bcp47 and norm.split("-")[0] == lang.bcp47.lower():
            return lang
    return None


# ── TMX writing ───────────────────────────────────────────────────────────────────────


def _tmx(source: Language, tool_note: str) -> tuple[ET.Element, ET.Element]:
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(root, "header", {
        "creationtool": "l10n-pipeline", "creationtoolversion": __version__,
        "segtype": "block", "o-tmf": "PO", "adminlang": "en", "srclang": source.bcp47,
        "datatype": "plaintext"})
    if tool_note:
        ET.SubElement(root[0], "note").text = tool_note
    return root, ET.SubElement(root, "body")


def _tu(body: ET.Element, source: Language, target: Language, src: str, tgt: str,
        props: Iterable[tuple[str, str]], attrs: Iterable[tuple[str, str]], where: str) -> None:
    tu = ET.SubElement(body, "tu", dict(attrs))
    for kind, value in props:
        ET.SubElement(tu, "prop", type=kind).text = clean(value, where)
    for lang, text in ((source, src), (target, tgt)):
        tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang.bcp47})
        ET.SubElement(tuv, "seg").text = clean(text, where)


_DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'


def export_tmx(config: Config, lang: Language, output: Path,
               pages: Sequence[str] | None = None) -> TmExport:
    """Write the language's reviewed singular entries as TMX 1.4b (atomically); reviewed
    plural entries are counted, not written (TMX has no plural forms).

    A unit carries the page (``x-domain``), the msgctxt (``x-context``) and, when the entry
    was signed by ``review``, the reviewer and date as ``changeid``/``changedate``.
    """
    source = parse_language(config.source_language)
    root, body = _tmx(source, "")
    units = catalogs = plurals = 0
    for name in select_domains(config, pages):
        po_path = CatalogInfo(name, lang, config.locale_dir).po_path
        if not po_path.exists():
            continue
        catalogs += 1
        for e in load_catalog(po_path).entries():
            if not is_reviewed(e, config.review):
                continue
            if e.msgid_plural:  # TMX pairs one text with one text: the forms would be
                plurals += 1  # guesses for another tool (which form for which number?)
                continue
            props = [(DOMAIN, name)] + ([(CONTEXT, e.msgctxt)] if e.msgctxt else [])
            attrs = []
            signed = reviewer(e)
            if signed:
                who, day = signed
                attrs = [("changeid", who), ("changedate", day.replace("-", "") + "T000000Z")]
            _tu(body, source, lang, e.msgid, e.msgstr, props, attrs,
                f"{po_path.relative_to(config.root)}:{e.linenum}")
            units += 1
    if not catalogs:
        raise CatalogError(f"no catalogs for {lang.gettext}; run 'pipeline init --lang "
                           f"{lang.gettext}'", path=config.locale_dir)
    xmlsafe.write(output, root, "TMX", _DOCTYPE)
    return TmExport(output, units, catalogs, plurals)


# ── TMX reading ───────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class _Tu:
    variants: tuple[tuple[str, str], ...]  # (language code, text) in file order
    srclang: str
    props: dict[str, str]
    attrs: tuple[tuple[str, str], ...]


_KEPT_ATTRS = ("tuid", "creationid", "creationdate", "changeid", "changedate")


def _read_tmx(path: Path) -> tuple[ET.Element, list[_Tu]]:
    root = xmlsafe.parse_file(path, "TMX", doctype=True)
    header, body = root.find("header"), root.find("body")
    if local(root.tag) != "tmx" or header is None or body is None:
        raise CatalogError("not a TMX file (no <tmx> with <header> and <body>); export TMX "
                           "from your CAT tool", path=path)
    srclang = header.get("srclang", "")
    units = []
    for tu in body.iter("tu"):
        variants = tuple((lang_of(tuv), text_of(seg)) for tuv in tu.findall("tuv")
                         if (seg := tuv.find("seg")) is not None)
        props = {p.get("type", ""): p.text or "" for p in tu.findall("prop")}
        # OmegaT puts who and when on the translation's <tuv>, Okapi and TMX 1.4 on the <tu>
        found = {k: v for tuv in tu.findall("tuv") for k, v in tuv.items()}
        found.update(tu.items())
        attrs = tuple((k, found[k]) for k in _KEPT_ATTRS if found.get(k))
        units.append(_Tu(variants, tu.get("srclang") or srclang, props, attrs))
    return header, units


def _same_language(code: str, lang: Language) -> bool:
    return match_language(code, [lang]) is not None or (
        code.replace("_", "-").lower().split("-")[0] == lang.base.lower())


def _origin(header: ET.Element, path: Path, tu: _Tu) -> str:
    if tu.props.get(ORIGIN):
        return tu.props[ORIGIN]  # an import of our own store or export keeps the first origin
    tool = " ".join(v for v in (header.get("creationtool"), header.get("creationtoolversion"))
                    if v)
    who = dict(tu.attrs).get("changeid") or dict(tu.attrs).get("creationid")
    parts = [path.name + (f" ({tool})" if tool else ""), f"by {who}" if who else ""]
    return ", ".join(p for p in parts if p)


def store_path(config: Config, lang: Language) -> Path:
    return config.locale_dir / lang.gettext / STORE


def load_memory(config: Config, lang: Language) -> list[TmUnit]:
    """The imported pairs for ``lang`` (``locale/<lang>/memory.tmx``), in file order."""
    path = store_path(config, lang)
    if not path.exists():
        return []
    _, units = _read_tmx(path)
    source = parse_language(config.source_language)
    out = []
    for tu in units:
        pair = _pair(tu, source, lang)
        if pair is not None:
            out.append(TmUnit(pair[0], pair[1], tu.props.get(ORIGIN, path.name), tu.attrs))
    return out


def _write_store(config: Config, lang: Language, units: Sequence[TmUnit]) -> Path:
    source = parse_language(config.source_language)
    root, body = _tmx(source, "translation memory imported by 'pipeline tm import'; "
                      "translate drafts from it (fuzzy), after the catalogs' reviewed entries")
    path = store_path(config, lang)
    for u in units:
        _tu(body, source, lang, u.source, u.target, [(ORIGIN, u.origin)], u.attrs,
            str(path.relative_to(config.root)))
    xmlsafe.write(path, root, "TMX memory", _DOCTYPE,
                  "import a smaller memory (every translate reads this one)")
    return path


def import_tmx(config: Config, path: Path, lang: Language | None = None) -> TmImportResult:
    """Add the file's pairs to each configured language's memory store (or only ``lang``'s).

    A pair whose English is already in the store replaces it (the newer memory wins) and is
    counted; identical pairs are left alone. The source language must be the project's.
    """
    header, units = _read_tmx(path)
    source = parse_language(config.source_language)
    declared = header.get("srclang", "")
    if declared and declared != "*all*" and not _same_language(declared, source):
        raise ConfigError(f"the memory's source language is '{declared}', the project's is "
                          f"'{source.bcp47}'; export it from {source.bcp47}", path=path)
    found = {c for tu in units for c, _ in tu.variants}
    targets = [lang] if lang else list(config.languages)
    wanted = {c: m for c in found if (m := match_language(c, targets)) is not None}
    ignored = sorted(c for c in found if c not in wanted and not _same_language(c, source))
    langs = sorted({m.gettext: m for m in wanted.values()}.values(), key=lambda m: m.gettext)
    if not langs:
        names = ", ".join(sorted(found)) or "none"
        what = f"'{lang.bcp47}'" if lang else "a configured language"
        raise ConfigError(f"no units in {what}; the file has: {names}", path=path)
    for target in langs:  # every language's pairs checked before any store is written
        for tu in units:
            if (pair := _pair(tu, source, target)) is not None:
                _refuse_oversize(pair, tu, path)
    items = []
    for target in langs:
        store = store_path(config, target)
        with locked(store):
            item = TmImport(target.gettext, store)
            kept = {memory_key(u.source): u for u in load_memory(config, target)}
            for tu in units:
                pair = _pair(tu, source, target)
                if pair is None:
                    item.skipped += 1
                    continue
                if refusal(pair[0]) or refusal(pair[1]):
                    item.refused += 1  # it could hide text from a reviewer of the draft
                    continue
                unit = TmUnit(pair[0], pair[1], _origin(header, path, tu), tu.attrs)
                old = kept.get(memory_key(unit.source))
                if old is not None and (old.source, old.target) == (unit.source, unit.target):
                    item.unchanged += 1
                    continue
                if old is None:
                    item.added += 1
                else:
                    item.replaced += 1
                kept[memory_key(unit.source)] = unit
            if item.changed:
                _write_store(config, target, list(kept.values()))
        items.append(item)
    return TmImportResult(tuple(items), tuple(ignored))


def _refuse_oversize(pair: tuple[str, str], tu: _Tu, path: Path) -> None:
    """A pair longer than a catalog may hold would become a draft no command can read: the
    file is refused in one line before anything is written."""
    longest = max(len(pair[0]), len(pair[1]))
    if longest > MAX_FIELD_CHARS:
        uid = dict(tu.attrs).get("tuid", "")
        raise CatalogError(f"a unit{f' ({uid})' if uid else ''} of {longest:,} characters "
                           f"(limit {MAX_FIELD_CHARS:,}, as for a catalog string); remove or "
                           "split it, nothing was imported", path=path)


def _pair(tu: _Tu, source: Language, target: Language) -> tuple[str, str] | None:
    """The unit's (English, target) texts, stripped; None when either is missing or blank.
    A unit whose own ``srclang`` is another language is not an English pair."""
    if tu.srclang not in ("", "*all*") and not _same_language(tu.srclang, source):
        return None
    src = next((t for c, t in tu.variants if _same_language(c, source)), "").strip()
    tgt = next((t for c, t in tu.variants if match_language(c, [target])), "").strip()
    return (src, tgt) if src and tgt else None
