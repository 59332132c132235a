"""In-context review: what the browser's side panel shows for each block of a page, and
the decisions it sends back — made through :class:`pipeline.review.Review`, as in the
terminal, so every save is locked, atomic and refused when the entry changed on disk.

The web layer (:mod:`pipeline.review.serve.app`) only moves these values to and from JSON.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polib

from pipeline.catalog.entry import add_note, is_outdated, is_reviewed, unsigned
from pipeline.catalog.glossary import GlossaryTerm, load_glossary
from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.catalog.syntax import MAX_CATALOG_BYTES, MAX_FIELD_CHARS
from pipeline.config import Config, Language
from pipeline.errors import CatalogError, ConfigError, LockedError, SourceError
from pipeline.fs import locked
from pipeline.qa.checks import check_entry
from pipeline.qa.findings import Context
from pipeline.review.session import Item, Review, provenance
from pipeline.source import Document, list_pages, read_page
from pipeline.source import markdown as parser
from pipeline.visible import refusal

_WORD = re.compile(r"\s+|\w+|[^\w\s]")
DISCUSS = "discuss: "
ACTIONS = ("accept", "save", "discuss")
MAX_NOTE_CHARS = 2_000
AWAITING = ("draft", "unsigned", "outdated", "untranslated", "missing")
"""The states of a block that waits for a person: everything but ``reviewed``, which is
exactly what :func:`~pipeline.catalog.entry.is_reviewed` (the gate's rule) says."""


@dataclass(frozen=True, slots=True)
class Neighbour:
    english: str
    translation: str


@dataclass(frozen=True, slots=True)
class Block:
    """One translatable unit of a page as the side panel shows it, read from disk now."""

    index: int
    kind: str
    line: int
    domain: str
    msgctxt: str | None
    english: str
    translation: str
    state: str  # reviewed, or one of AWAITING (missing: no entry, run update)
    provenance: str
    previous: str | None  # the English the draft was made for, when it changed
    diff: tuple[tuple[str, str], ...]  # ("=", "-" or "+", words) from previous to english
    findings: tuple[tuple[str, str, str], ...]  # (severity, check, message)
    glossary: tuple[tuple[str, str, str], ...]  # (term, translation or "", note)
    discussion: tuple[str, ...]
    match: tuple[str, ...]  # the plain texts the page may show for it (translation, English)
    before: Neighbour | None = None
    after: Neighbour | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Saved:
    """What a save did. ``status``: saved | accepted | discussed | confirm | conflict | refused."""

    status: str
    message: str
    block: Block | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "message": self.message,
                "block": self.block.as_dict() if self.block else None}


def plain(markdown: str) -> str:
    """The text a reader sees for inline Markdown (for finding the block on the page).

    >>> plain("Call **St. Jude** at [1-866](tel:1866)")
    'Call St. Jude at 1-866'
    """
    out: list[str] = []
    for tok in parser(html=False).parseInline(markdown, {})[0].children or ():
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return " ".join("".join(out).split())


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Word-level changes from ``old`` to ``new``.

    >>> word_diff("a red car", "a blue car")
    (('=', 'a '), ('-', 'red'), ('+', 'blue'), ('=', ' car'))
    """
    a, b = _WORD.findall(old), _WORD.findall(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("-", "".join(a[i1:i2])))
            if j2 > j1:
                out.append(("+", "".join(b[j1:j2])))
    return tuple(out)


def _page(config: Config, page: str) -> Document:
    path = config.pages_dir / f"{page}.md"
    if page not in {p.stem for p in list_pages(config.pages_dir)}:
        raise SourceError("no such page; choose one from the index", path=path)
    return read_page(path)


def state_of(e: polib.POEntry | None, config: Config) -> str:
    """What a block waits for (see :data:`AWAITING`), or ``reviewed``."""
    if e is None:
        return "missing"
    if is_reviewed(e, config.review):
        return "reviewed"
    if not (e.msgstr if not e.msgid_plural else any(e.msgstr_plural.values())):
        return "untranslated"
    if is_outdated(e):
        return "outdated"
    return "unsigned" if unsigned(e) else "draft"


def _entry(po: Sequence[polib.POEntry], msgid: str,
           msgctxt: str | None) -> polib.POEntry | None:
    live = [e for e in po if not e.obsolete and e.msgid == msgid]
    return next((e for e in live if e.msgctxt == msgctxt), live[0] if live else None)


def _terms(terms: Sequence[GlossaryTerm], english: str) -> tuple[tuple[str, str, str], ...]:
    hits = [t for t in terms
            if re.search(rf"(?<!\w){re.escape(t.term)}(?!\w)", english, re.I)]
    # "paraspinal" is not shown again inside "paraspinal region"
    shown = [t for t in hits if not any(t.term.casefold() in o.term.casefold()
                                        and len(o.term) > len(t.term) for o in hits)]
    return tuple((t.term, t.translation or "",
                  t.note or ("do not translate" if t.lang is None else "")) for t in shown)


def blocks(config: Config, lang: Language, page: str) -> list[Block]:
    """Every segment of ``page`` (title, description, body blocks) in page order."""
    doc = _page(config, page)
    path = CatalogInfo(page, lang, config.locale_dir).po_path
    po = load_catalog(path).po if path.exists() else polib.POFile()
    glossary = load_glossary(config.glossary_path)
    ctx = Context(lang, glossary)
    terms = glossary.for_language(lang.gettext)
    rel = _rel(path, config.root)
    raw: list[tuple[Any, polib.POEntry | None]] = [
        (seg, _entry(po, seg.text, seg.context)) for seg in doc.segments]
    out: list[Block] = []
    for i, (seg, e) in enumerate(raw):
        translation = e.msgstr if e is not None and not e.msgid_plural else ""
        state = state_of(e, config)
        before = raw[i - 1] if i > 0 else None
        after = raw[i + 1] if i + 1 < len(raw) else None
        out.append(Block(
            index=i, kind=seg.kind, line=seg.line, domain=page, msgctxt=seg.context,
            english=seg.text, translation=translation, state=state,
            provenance=provenance(e) if e is not None and state in ("draft", "outdated") else
            _signed(e, config),
            previous=e.previous_msgid if e is not None else None,
            diff=word_diff(e.previous_msgid, seg.text) if e is not None and e.previous_msgid
            else (),
            findings=tuple((f.severity, f.check, f.message)
                           for f in (check_entry(e, ctx, rel) if e is not None and translation
                                     else ())),
            glossary=_terms(terms, seg.text),
            discussion=tuple(line[len(DISCUSS):] for line in (e.tcomment or "").split("\n")
                             if line.startswith(DISCUSS)) if e is not None else (),
            match=tuple(dict.fromkeys(p for p in (plain(translation), plain(seg.text)) if p)),
            before=_neighbour(before), after=_neighbour(after),
        ))
    return out


def _signed(e: polib.POEntry | None, config: Config) -> str:
    if e is None:
        return "no catalog entry: run 'pipeline update'"
    lines = [line for line in (e.tcomment or "").split("\n")
             if line and not line.startswith(DISCUSS)]
    return "; ".join(lines) or ("reviewed" if is_reviewed(e, config.review)
                                else "not translated yet")


def _neighbour(pair: tuple[Any, polib.POEntry | None] | None) -> Neighbour | None:
    if pair is None:
        return None
    seg, e = pair
    return Neighbour(seg.text, e.msgstr if e is not None else "")


@dataclass(slots=True)
class Decision:
    """What the reviewer did to one block, with the text the panel showed (``seen``)."""

    page: str
    msgid: str
    msgctxt: str | None
    seen: str
    seen_state: str
    action: str  # accept | save | discuss
    text: str | None = None
    note: str = ""
    confirmed: bool = False


def decide(config: Config, lang: Language, reviewer: str, d: Decision,
           today: str | None = None) -> Saved:
    """Apply one decision through :class:`Review` (edit, then accept) or add a discussion
    note; any difference between what the panel showed and the disk is a conflict.

    Everything the loader would refuse is refused before anything is written (raises)."""
    path = CatalogInfo(d.page, lang, config.locale_dir).po_path
    check(config, d, path)
    review = Review.start(config, lang, reviewer=reviewer,
                          pages=[d.page], today=today)  # validates the page and the name
    review.items = [Item(d.page, path, d.msgctxt, d.msgid)]
    card = review.card()
    if card is None:
        return _result(config, lang, d, "conflict", "the entry left the catalog (an update "
                       "ran); reload the page")
    if card.current != (d.seen,) or card.reviewed != (d.seen_state == "reviewed"):
        return _result(config, lang, d, "conflict",
                       "the catalog changed on disk since you opened this block (an editor "
                       "saved it?); the file's text is shown — your text was not saved, "
                       "copy it before reloading")
    if d.action == "discuss":
        return _discuss(config, lang, reviewer, review.today, d, path)
    if d.text is not None and d.text != d.seen:
        outcome = review.edit(card, d.text)
        if review.edited != 1:
            return _result(config, lang, d, "refused", outcome.message)
        card = review.card()
        if card is None or " ".join(card.current[0].split()) != " ".join(d.text.split()):
            return _result(config, lang, d, "conflict",
                           "the catalog changed on disk while saving; the file's text is shown")
    if d.action == "save":
        return _result(config, lang, d, "saved", "saved as a draft; accept it to mark it "
                       "reviewed")
    if not card.current[0].strip():
        return _result(config, lang, d, "refused", "nothing to accept: type a translation")
    outcome = review.accept(card, confirmed=d.confirmed)
    if outcome.confirm:
        return _result(config, lang, d, "confirm", outcome.message)
    if review.accepted != 1 and not card.reviewed:
        return _result(config, lang, d, "conflict", outcome.message)
    return _result(config, lang, d, "accepted", f"accepted, signed by {review.reviewer}")


def check(config: Config, d: Decision, path: Path) -> None:
    """Refuse, before any write, a decision whose result a command could not read back:
    another page's or domain's entry (``site.po`` is not reviewed here), text over the
    loader's limits (``catalog.syntax``) or holding control characters."""
    if d.action not in ACTIONS:
        raise ConfigError(f"unknown action {d.action!r}; one of {', '.join(ACTIONS)}")
    doc = _page(config, d.page)
    if not any(seg.text == d.msgid and seg.context == d.msgctxt for seg in doc.segments):
        raise SourceError("no such block on this page; reload it", path=doc.path)
    if not path.is_file():
        raise CatalogError("no catalog for this page yet: run 'pipeline update'", path=path)
    text = d.text if d.action != "discuss" else None
    if text is not None and len(text) > MAX_FIELD_CHARS:
        raise CatalogError(f"a translation of {len(text):,} characters (limit "
                           f"{MAX_FIELD_CHARS:,}); shorten it", path=path)
    if text is not None and (problem := refusal(text)):
        raise CatalogError(f"not saved: {problem}", path=path)
    if len(d.note) > MAX_NOTE_CHARS:
        raise CatalogError(f"a note of {len(d.note):,} characters (limit "
                           f"{MAX_NOTE_CHARS:,}); shorten it", path=path)
    grows = len((text or "").encode("utf-8")) + len(d.note.encode("utf-8")) + 200
    if path.stat().st_size + grows > MAX_CATALOG_BYTES:
        raise CatalogError(f"the catalog would grow past {MAX_CATALOG_BYTES:,} bytes; "
                           "split it", path=path)


def _discuss(config: Config, lang: Language, reviewer: str, today: str, d: Decision,
             path: Path) -> Saved:
    note = " ".join(d.note.split()) or "please look at this block"
    try:
        with locked(path):
            cat = load_catalog(path)
            e = _entry(cat.po, d.msgid, d.msgctxt)
            if e is None or e.msgstr != d.seen:
                return _result(config, lang, d, "conflict", "the entry changed on disk; reload")
            add_note(e, DISCUSS, f"{note} ({reviewer}, {today})")
            save_catalog(cat)
    except LockedError:
        return _result(config, lang, d, "refused", "another pipeline command is writing these "
                       "catalogs; try again in a moment")
    return _result(config, lang, d, "discussed", "marked for discussion (a comment in the "
                   ".po file)")


def _result(config: Config, lang: Language, d: Decision, status: str, message: str) -> Saved:
    fresh = next((b for b in blocks(config, lang, d.page)
                  if b.english == d.msgid and b.msgctxt == d.msgctxt), None)
    return Saved(status, message, fresh)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
