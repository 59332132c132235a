"""Reading XLIFF 1.2 safely: declarations refused in any encoding, size and nesting bounded,
units gathered from nested groups without recursion, the target language settled."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config, Language, parse_language
from pipeline.errors import CatalogError, ConfigError
from pipeline.xmlsafe import MAX_XML_BYTES, MAX_XML_DEPTH, parse_file

PLURALS_RESTYPE = "x-gettext-plurals"
REVIEWED_STATES = frozenset({"final", "signed-off"})
BASE = "pipeline-base"  # <alt-trans origin=…>: the msgstr as exported


@dataclass(frozen=True, slots=True)
class Unit:
    """One entry's worth of XLIFF: a trans-unit, or a plural group of them."""

    uid: str
    msgctxt: str | None
    sources: tuple[str, ...]
    targets: tuple[str, ...] | None
    approved: str | None
    state: str | None
    base: tuple[str, ...] | None  # the targets as exported; None: the file has no base
    base_reviewed: bool | None  # reviewed at export; None: not known


@dataclass(frozen=True, slots=True)
class Form:
    source: str
    target: str | None
    approved: str | None
    state: str | None
    base: str | None
    base_state: str | None


def _content(el: ET.Element | None) -> str | None:
    # itertext: a CAT tool may split a target into <mrk mtype="seg"> sentences
    return None if el is None else "".join(el.itertext())


def _read_unit(unit: ET.Element, ns: str) -> Form:
    source = _content(unit.find(f"{{{ns}}}source")) or ""
    target_el = unit.find(f"{{{ns}}}target")
    state = target_el.get("state") if target_el is not None else None
    base_el = next((alt.find(f"{{{ns}}}target") for alt in unit.findall(f"{{{ns}}}alt-trans")
                    if alt.get("origin") == BASE), None)
    return Form(source, _content(target_el), unit.get("approved"), state, _content(base_el),
                 base_el.get("state") if base_el is not None else None)


def _reviewed_state(state: str | None) -> bool | None:
    """What a base's ``state`` says: reviewed, not reviewed, or not known."""
    if state in REVIEWED_STATES or state == "translated":
        return True
    if state and (state.startswith("needs-") or state == "new"):
        return False
    return None


def read_units(body: ET.Element, ns: str) -> Iterator[Unit]:
    """Every unit, in document order; a CAT tool's own ``<group>``s are looked into."""
    stack = [iter(body)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        if el.tag == f"{{{ns}}}group" and el.get("restype") != PLURALS_RESTYPE:
            stack.append(iter(el))
            continue
        yield from _unit(el, ns)


def _unit(el: ET.Element, ns: str) -> Iterator[Unit]:
    """The unit ``el`` is (a trans-unit or a plural group), if any."""
    if el.get("restype") == "x-gettext-domain-header":
        return  # po2xliff's copy of the .po header: the catalog keeps its own
    if el.tag == f"{{{ns}}}trans-unit":
        f = _read_unit(el, ns)
        yield Unit(el.get("id", "?"), el.get("resname"), (f.source,),
                    (f.target,) if f.target else None, f.approved, f.state,
                    (f.base,) if f.base is not None else None,
                    _reviewed_state(f.base_state))
    elif el.tag == f"{{{ns}}}group" and el.get("restype") == PLURALS_RESTYPE:
        forms = [_read_unit(u, ns) for u in el.findall(f"{{{ns}}}trans-unit")]
        targets = tuple(f.target or "" for f in forms)
        approvals = {f.approved for f in forms}
        states = {f.state for f in forms}
        bases = tuple(f.base for f in forms if f.base is not None)
        base_reviewed = {_reviewed_state(f.base_state) for f in forms}
        yield Unit(el.get("id", "?"), el.get("resname"),
                    tuple(dict.fromkeys(f.source for f in forms)),
                    targets if targets and all(targets) else None,
                    approvals.pop() if len(approvals) == 1 else "no",
                    states.pop() if len(states) == 1 else "needs-review-translation",
                    bases if forms and len(bases) == len(forms) else None,
                    base_reviewed.pop() if len(base_reviewed) == 1 else None)


MAX_XLIFF_BYTES = MAX_XML_BYTES
"""An XLIFF file larger than this is refused (the one exchange-file limit)."""


MAX_XLIFF_DEPTH = MAX_XML_DEPTH
"""Elements nested deeper than this are refused (ours are 6 deep; a CAT tool's groups and
``<mrk>`` segments add a few)."""


def parse(path: Path) -> tuple[ET.Element, str]:
    """The XLIFF root and its namespace, read by :mod:`pipeline.xmlsafe` (no DOCTYPE at all)."""
    root = parse_file(path, "XLIFF")
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if root.tag != f"{{{ns}}}xliff" or not ns.startswith("urn:oasis:names:tc:xliff:document:1."):
        raise CatalogError("not an XLIFF 1.x file; export XLIFF 1.2 from your CAT tool",
                           path=path)
    return root, ns


def plan_lang(root: ET.Element, ns: str, path: Path, config: Config,
               lang: Language | None) -> Language:
    source = parse_language(config.source_language)
    targets = set()
    for file_el in root.findall(f"{{{ns}}}file"):
        src = file_el.get("source-language", "")
        try:  # "en-US" is English for a project written in "en"
            ok = source.gettext in (parse_language(src).gettext, parse_language(src).base)
        except ConfigError:
            ok = False
        if not ok:
            raise CatalogError(f"source language is '{src}', this project translates from "
                               f"'{source.bcp47}'; this file is not from this project", path=path)
        target = file_el.get("target-language", "")
        try:
            targets.add(parse_language(target).gettext)
        except ConfigError:
            raise CatalogError(f"unknown target-language '{target}'", path=path) from None
    if len(targets) > 1:
        raise CatalogError(f"mixes target languages ({', '.join(sorted(targets))}); "
                           "import one language at a time", path=path)
    if lang is not None:
        if targets and lang.gettext not in targets:
            raise CatalogError(f"is for '{targets.pop()}', not '{lang.gettext}'; check --lang",
                               path=path)
        return lang
    if not targets:
        raise CatalogError("names no target-language; pass --lang", path=path)
    return parse_language(targets.pop())


