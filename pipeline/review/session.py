"""``review``: walk the drafts waiting for a person, one decision at a time, saved at once.

:class:`Review` is the state machine (which entry, what was decided); :func:`run_review`
drives it through a :class:`Console` the caller supplies, so the loop runs the same in a
terminal and in a test. Every decision re-reads the catalog under the folder lock, checks
the entry still holds the text the reviewer saw, changes that one entry and saves
atomically: an interrupted session loses nothing already decided.

Editing keeps the entry ``fuzzy`` and shows it again with fresh QA findings; only *accept*
marks it reviewed (two keys, ``e`` then ``a``), so text nobody accepted is never published.

What the reviewer sees is what is published: cards name every control or invisible
character in place (``⟨BS⟩``, ``⟨RLO⟩``), text holding a control character can be neither
saved nor accepted, and the editor starts from the current text without them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline.catalog import entry as entry_state
from pipeline.catalog.glossary import load_glossary
from pipeline.catalog.paths import CatalogInfo, select_domains
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.config import Config, Language
from pipeline.errors import ConfigError, LockedError
from pipeline.fs import locked
from pipeline.mt.memory import Match, Memory, project_memory
from pipeline.qa.checks import check_entry
from pipeline.qa.findings import ERROR, Context, Finding
from pipeline.review.roles import role_refusal, signing_refusal
from pipeline.team import load_team
from pipeline.visible import block, refusal, short, visible


@dataclass(frozen=True, slots=True)
class Item:
    """One entry to review, found by its key (line numbers move when files are edited)."""

    domain: str
    path: Path
    msgctxt: str | None
    msgid: str


@dataclass(frozen=True, slots=True)
class Card:
    """Everything the reviewer sees for one entry, as read from disk just now."""

    position: int
    total: int
    where: str
    kind: str
    english: str
    current: tuple[str, ...]
    provenance: str
    reviewed: bool
    findings: tuple[Finding, ...]
    before: str | None
    after: str | None
    previous: str | None = None
    state: str | None = None  # with require_signoff: why a non-fuzzy entry is unsigned
    matches: tuple[Match, ...] = ()  # translation memory's best matches, best first

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    def render(self) -> str:
        state = "reviewed" if self.reviewed else (self.state or "draft (fuzzy)")
        lines = [f"── {self.position}/{self.total}  {self.where}"
                 + (f"  ({self.kind})" if self.kind else "") + f"  · {state}"]
        if self.before is not None:
            lines.append(f"   before: {short(visible(self.before))}")
        lines += ["English:", block(visible(self.english)), "Current:"]
        lines += [block(visible(text)) for text in self.current]
        if any(visible(text) != text for text in self.current):
            lines.append("Hidden:  the text holds characters a screen does not show; each is "
                         "named above in ⟨ ⟩")
        lines.append(f"From:    {self.provenance}")
        lines += match_lines(self.matches)
        if self.findings:
            lines += [f"QA:      {f.severity}: {f.check}: {f.message}" for f in self.findings]
        else:
            lines.append("QA:      no findings")
        if self.after is not None:
            lines.append(f"   after:  {short(visible(self.after))}")
        return visible("\n".join(lines))


def match_lines(matches: Sequence[Match]) -> list[str]:
    """Memory's best matches: percentage and origin, the remembered English as a word diff
    against this English (``[-its words-]{+this one's+}``), its translation, and what the
    two English texts differ in that changes meaning."""
    lines = []
    for m in matches:
        lines.append(f"Memory:  {m.percent}% match from {m.origin}")
        lines.append(f"   English: {visible(m.diff)}")
        lines.append(f"   Was:     {visible(m.translation)}")
        lines += [f"   Check:   the English differs in {d}" for d in m.differences]
    return lines


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one action did. ``confirm`` asks for a second yes (accepting QA errors);
    ``refused``: the text or the signer may not be signed (nothing written)."""

    message: str
    confirm: bool = False
    refused: bool = False


@dataclass(frozen=True, slots=True)
class Summary:
    accepted: int
    edited: int
    skipped: int
    remaining: int
    interrupted: bool

    def __str__(self) -> str:
        how = "interrupted" if self.interrupted else "done"
        return (f"review {how}: {self.accepted} accepted, {self.edited} edited, "
                f"{self.skipped} skipped; {self.remaining} still waiting for review "
                "(every decision is saved)")


def _texts(entry: polib.POEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def provenance(entry: polib.POEntry) -> str:
    """Where a draft came from: engine or memory comment, or the English it was made for."""
    lines = entry_state.provenance(entry)
    if entry.previous_msgid:
        lines.append(f"changed English; the translation was for: {entry.previous_msgid!r}")
    return "; ".join(lines) or "not recorded (a fuzzy draft without a source comment)"


def waiting(entry: polib.POEntry, config: Config, role: str) -> bool:
    """The entry waits for a sign-off in ``role``: a reviser's when it is a draft (fuzzy,
    or unsigned with ``require_signoff``); a clinician's when it is reviewed but not signed
    clinically over its current text."""
    if role == entry_state.CLINICAL:
        return (entry_state.is_reviewed(entry, config.review)
                and not entry_state.is_signed(entry, entry_state.CLINICAL))
    return entry_state.is_draft(entry, config.review)


def collect(config: Config, lang: Language, pages: Sequence[str] | None = None,
            role: str = entry_state.REVISER) -> list[Item]:
    """Entries waiting for a sign-off in ``role`` (:func:`waiting`), catalog by catalog,
    in file order."""
    items = []
    for name in select_domains(config, pages):
        path = CatalogInfo(name, lang, config.locale_dir).po_path
        if path.exists():
            items += [Item(name, path, e.msgctxt, e.msgid)
                      for e in load_catalog(path).entries() if waiting(e, config, role)]
    return items


@dataclass(slots=True)
class Review:
    """The review session: a cursor over :attr:`items` and what was decided."""

    config: Config
    lang: Language
    reviewer: str
    items: list[Item]
    today: str = field(default_factory=lambda: dt.date.today().isoformat())
    position: int = 0
    accepted: int = 0
    edited: int = 0
    skipped: int = 0
    quit: bool = False
    role: str = entry_state.REVISER
    _ctx: Context | None = None
    _memory: Memory | None = None

    @classmethod
    def start(cls, config: Config, lang: Language, *, reviewer: str,
              pages: Sequence[str] | None = None, today: str | None = None,
              role: str = entry_state.REVISER) -> Review:
        """A session for ``reviewer`` signing in ``role``; refused (one line) when the
        roster does not give them that role in ``lang``."""
        name = " ".join(reviewer.split())
        if not name:
            raise ConfigError("name the reviewer: --reviewer NAME or $PIPELINE_REVIEWER")
        refused = role_refusal(load_team(config.root), name, role, lang)
        if refused:
            raise ConfigError(refused)
        review = cls(config, lang, name, collect(config, lang, pages, role), role=role)
        if today:
            review.today = today
        return review

    @property
    def done(self) -> bool:
        return self.quit or self.position >= len(self.items)

    @property
    def context(self) -> Context:
        if self._ctx is None:
            self._ctx = Context(self.lang, load_glossary(self.config.glossary_path))
        return self._ctx

    def _reviewed(self, entry: polib.POEntry) -> bool:
        """Done in this session's role (for a clinician: revised and signed clinically)."""
        return entry_state.is_reviewed(entry, self.config.review) and (
            self.role != entry_state.CLINICAL or entry_state.is_signed(entry, self.role))

    def _find(self, item: Item) -> tuple[polib.POFile, polib.POEntry | None, int]:
        cat = load_catalog(item.path)
        live = cat.entries()
        for i, e in enumerate(live):
            if e.msgid == item.msgid and e.msgctxt == item.msgctxt:
                return cat.po, e, i
        return cat.po, None, -1

    def card(self) -> Card | None:
        """The current entry as it is on disk now; None if it left the catalog."""
        item = self.items[self.position]
        po, entry, i = self._find(item)
        if entry is None:
            return None
        live = [e for e in po if not e.obsolete]
        where = f"{_rel(item.path, self.config.root)}:{entry.linenum}"
        return Card(
            position=self.position + 1,
            total=len(self.items),
            where=where,
            kind=(entry.comment or "").split("\n")[0],
            english=entry.msgid,
            current=_texts(entry),
            provenance=provenance(entry),
            reviewed=self._reviewed(entry),
            state=entry_state.unsigned(entry) if self.config.require_signoff else None,
            findings=tuple(check_entry(entry, self.context, where.rsplit(":", 1)[0])),
            before=live[i - 1].msgid if i > 0 else None,
            after=live[i + 1].msgid if i + 1 < len(live) else None,
            previous=entry.previous_msgid,
            matches=self._matches(item, entry),
        )

    def _matches(self, item: Item, entry: polib.POEntry) -> tuple[Match, ...]:
        """Memory's three best matches for the entry (not the entry itself)."""
        if entry.msgid_plural:
            return ()
        if self._memory is None:
            self._memory = project_memory(self.config, self.lang)
        found = self._memory.best(entry.msgid, 3, self.config.memory_threshold)
        return tuple(m for m in found if not (m.percent == 100 and m.origin == item.domain))

    def _change(self, card: Card, change: Callable[[polib.POEntry], None]) -> str | None:
        """Apply ``change`` to the entry on disk and save; a reason when it could not."""
        item = self.items[self.position]
        try:
            with locked(item.path):
                cat = load_catalog(item.path)
                entry = next((e for e in cat.entries()
                              if e.msgid == item.msgid and e.msgctxt == item.msgctxt), None)
                if entry is None:
                    return "the entry left the catalog (an update ran); moving on"
                if _texts(entry) != card.current or self._reviewed(entry) != card.reviewed:
                    return "the entry changed on disk since it was shown; here it is again"
                change(entry)
                save_catalog(cat)
        except LockedError:
            return "another pipeline command is writing these catalogs; try again in a moment"
        return None

    def accept(self, card: Card, *, confirmed: bool = False) -> Outcome:
        """Mark reviewed: drop ``fuzzy`` and the ``#|`` previous text, sign the comment."""
        if card.reviewed:
            self._move(1)
            return Outcome("already reviewed")
        hidden = next((p for text in card.current if (p := refusal(text))), None)
        if hidden:
            return Outcome(f"not accepted: {hidden}; edit it (the editor starts without it)",
                           refused=True)
        if card.errors and not confirmed:
            return Outcome(f"{len(card.errors)} QA error(s): accept anyway?", confirm=True)

        po, found, _ = self._find(self.items[self.position])
        typed_by = None
        if found is not None:
            typed_by = entry_state.translator(found, po.metadata.get("Last-Translator", ""))
        refused = signing_refusal(self.config, found, self.reviewer, self.role,
                                  typed_by) if found is not None else None
        if refused:
            return Outcome(refused, refused=True)

        def sign(entry: polib.POEntry) -> None:
            if typed_by and not entry_state.marks(entry, entry_state.TRANSLATOR):
                # first seen here: who the catalog says last edited it, for the record
                entry_state.mark_translated(entry, typed_by[0], self.today)
            seen = ", ".join(f"{f.severity} {f.check}" for f in card.findings) or "none"
            entry_state.sign(entry, self.reviewer, self.today, qa=seen, role=self.role)

        problem = self._change(card, sign)
        if problem:
            return Outcome(problem)
        self.accepted += 1
        self._move(1)
        return Outcome("accepted")

    def edit(self, card: Card, text: str | None) -> Outcome:
        """Replace the text; the entry stays (or becomes) fuzzy until accepted."""
        if len(card.current) != 1:
            return Outcome("plural entry: edit it in a .po editor")
        if text is None:
            return Outcome("unchanged")
        text = text.rstrip("\n")
        if "\n" not in card.english:
            text = re.sub(r"[ \t]*\n\s*", " ", text)  # one line, like the English
        if not text.strip():
            return Outcome("an empty translation is not a review; unchanged (skip instead)")
        if problem := refusal(text):
            return Outcome(f"not saved: {problem}")
        if text == card.current[0]:
            return Outcome("unchanged")

        def put(entry: polib.POEntry) -> None:
            entry.msgstr = text
            entry_state.mark_draft(entry)
            entry_state.mark_translated(entry, self.reviewer, self.today)

        problem = self._change(card, put)
        if problem:
            return Outcome(problem)
        self.edited += 1
        return Outcome("saved as a draft; accept it to mark it reviewed")

    def skip(self) -> Outcome:
        self.skipped += 1
        self._move(1)
        return Outcome("skipped")

    def back(self) -> Outcome:
        if self.position == 0:
            return Outcome("this is the first entry")
        self._move(-1)
        return Outcome("back")

    def _move(self, step: int) -> None:
        self.position = max(0, self.position + step)

    def summary(self, *, interrupted: bool = False) -> Summary:
        remaining = 0
        for path in sorted({item.path for item in self.items}):
            keys = {(i.msgctxt, i.msgid) for i in self.items if i.path == path}
            remaining += sum(waiting(e, self.config, self.role)
                             and (e.msgctxt, e.msgid) in keys
                             for e in load_catalog(path).entries())
        return Summary(self.accepted, self.edited, self.skipped, remaining, interrupted)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
