"""An entry's review state in one place: reviewed or draft, signed, who translated it.

A sign-off is a translator-comment line, readable in Poedit and any text editor::

    # reviewed-by: Ana Pérez, 2026-12-01, sha256:9f2c…
    # reviewed-by: Dr Luis Gil, 2026-12-03, sha256:9f2c…, role=clinical
    # reviewed-by: Ana Pérez, 2026-12-04, sha256:9f2c…, adopted

The line without a role is a reviser's (every line written before roles existed is one);
``role=clinical`` is a clinician's, kept beside the reviser's (one sign-off per role);
``adopted`` says a person attested that the text had been reviewed before sign-off was
required (``pipeline adopt``), not that they reviewed it afresh. Only :func:`sign` and
:func:`mark_translated` write these lines; text from outside (an engine's name, a TMX or
XLIFF note, a reviewer's name) passes through :func:`one_line` first, so it can never become
one, however it is wrapped.

The hash covers the entry's English (msgctxt, msgid, msgid_plural) and its translation
(every form), so any later change to either shows: with ``require_signoff`` such an entry is
a draft again for ``status``, the review gate, ``publish`` and ``compile``, and ``check``
names it. Without ``require_signoff`` "reviewed" keeps its gettext meaning: translated and
not fuzzy. ``translated-by`` lines, pinned the same way, say who typed a text (``review``,
``import``); the four-eyes rule reads them.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

import polib

from pipeline.config import ReviewPolicy

FUZZY = "fuzzy"
MACHINE = "machine translation:"
MEMORY = "translation memory:"
IMPORTED = "XLIFF import:"
DRAFT_SOURCES = (MACHINE, MEMORY, IMPORTED)
"""Provenance comments of a draft: where its text came from (one line, the last wins)."""
SIGNOFF = "reviewed-by"
TRANSLATOR = "translated-by"
QA = "qa-at-signoff: "
REVISER = "reviser"
CLINICAL = "clinical"
SIGNOFF_ROLES = (REVISER, CLINICAL)
"""The roles a sign-off can carry (``translator`` is what ``translated-by`` records)."""
ADOPTED = "adopted"
_LINE = re.compile(r"^(?P<kind>reviewed-by|translated-by): (?P<name>.+), "
                   r"(?P<date>\d{4}-\d{2}-\d{2}), sha256:(?P<hash>[0-9a-f]{64})"
                   r"(?:, role=(?P<role>[a-z]+))?(?P<adopted>, adopted)?$")
# words that mean review state when a comment line starts with them: text from outside may
# mention them, but never in a form a (re-wrapped) line could start with
_STATE_WORDS = re.compile(r"\b(reviewed|translated)[\s_-]*by\b|qa-at-signoff", re.IGNORECASE)
ONE_LINE_LIMIT = 300
"""Characters kept of one line of outside text (provenance, a note, a name)."""
# the line ``pipeline review`` wrote when a person accepted, before sign-offs were pinned
_OLD_REVIEWED = re.compile(r"^reviewed by .+, (?P<date>\d{4}-\d{2}-\d{2})$")
_OLD_REVIEWED_NAMED = re.compile(r"^reviewed by (?P<name>.+), (?P<date>\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True, slots=True)
class Mark:
    """One ``reviewed-by`` or ``translated-by`` line."""

    kind: str
    name: str
    date: str
    hash: str
    role: str = REVISER
    adopted: bool = False


def _defuse(match: re.Match[str]) -> str:
    """``reviewed-by`` → ``reviewed·by``: still readable, never review state."""
    if match.group(1) is None:
        return "qa·at·signoff"
    return f"{match.group(1)}·by"


def one_line(text: str, limit: int = ONE_LINE_LIMIT) -> str:
    r"""Outside text made safe to write into a comment: one line of visible characters
    (controls, line and paragraph separators and invisible format characters become
    spaces), at most ``limit`` characters, and no word a line of review state starts with.

    >>> one_line("TMX origin\nreviewed-by: Dr X, 2026-01-01\u2028ok")
    'TMX origin reviewed·by: Dr X, 2026-01-01 ok'
    """
    chars = [" " if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
             else c for c in text]
    flat = " ".join("".join(chars).split())
    flat = _STATE_WORDS.sub(_defuse, flat)
    return flat if len(flat) <= limit else flat[:limit - 1].rstrip() + "…"


def texts(entry: polib.POEntry) -> tuple[str, ...]:
    """The translation: one text, or every plural form in order."""
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def text_hash(entry: polib.POEntry) -> str:
    """sha256 over ``[msgctxt, msgid, msgid_plural, [translations…]]`` as compact UTF-8 JSON."""
    data = [entry.msgctxt, entry.msgid, entry.msgid_plural or None, list(texts(entry))]
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


def has_text(entry: polib.POEntry) -> bool:
    """Every form of the entry has a translation (one of only spaces counts: some languages
    leave a word out on purpose)."""
    found = texts(entry)
    return bool(found) and all(t != "" for t in found)


def is_fuzzy(entry: polib.POEntry) -> bool:
    return FUZZY in entry.flags


def mark_draft(entry: polib.POEntry) -> None:
    """Make the entry a draft: ``fuzzy`` first among the flags, where msgmerge and Poedit
    put it."""
    if FUZZY not in entry.flags:
        entry.flags.insert(0, FUZZY)


def mark_reviewed(entry: polib.POEntry) -> None:
    """Clear the draft state: no ``fuzzy``, no ``#|`` previous text (no sign-off line; see
    :func:`sign`)."""
    if FUZZY in entry.flags:
        entry.flags.remove(FUZZY)
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None


def set_provenance(entry: polib.POEntry, note: str) -> None:
    """Say where the entry's text came from (``machine translation: …``, ``translation
    memory: …``, ``XLIFF import: …``). A new pretranslation (engine or memory) replaces the
    line of an earlier one; an import replaces an earlier import's line and keeps the rest
    of the history (the record shows which engine drafted what a CAT tool then edited).
    The note is made :func:`one_line` first: it carries text from outside."""
    note = one_line(note)
    if not note.startswith(DRAFT_SOURCES):
        raise ValueError(f"a provenance note starts with one of {DRAFT_SOURCES}: {note!r}")
    pretranslated = (MACHINE, MEMORY)
    replaces = pretranslated if note.startswith(pretranslated) else (IMPORTED,)
    lines = [line for line in (entry.tcomment or "").split("\n")
             if line and not line.startswith(replaces)]
    entry.tcomment = "\n".join([*lines, note])


def copy_state(target: polib.POEntry, source: polib.POEntry) -> None:
    """Give ``target`` the flags and translator comments of ``source`` verbatim: the same
    entry's state carried to another copy of it (a run's drafts onto the disk's newer copy,
    a merge's old entry read detached)."""
    target.flags = list(source.flags)
    target.tcomment = source.tcomment


def keep_comments(target: polib.POEntry, source: polib.POEntry) -> None:
    """``source``'s translator comments (provenance, marks, notes) onto ``target``, which
    takes over its translation (a fuzzy match in ``update``); its marks stay pinned to the
    old text, so they no longer count."""
    target.tcomment = source.tcomment


def template_flags(target: polib.POEntry, template: polib.POEntry) -> None:
    """A new, empty entry takes its template's flags (``c-format``…), never ``fuzzy``."""
    target.flags = [f for f in template.flags if f != FUZZY]


def add_note(entry: polib.POEntry, prefix: str, text: str) -> None:
    """Append one comment line ``prefix`` + ``text`` (text from a person or a tool: made
    :func:`one_line` first, so it can never read as review state, however it wraps)."""
    lines = [line for line in (entry.tcomment or "").split("\n") if line]
    entry.tcomment = "\n".join([*lines, prefix + one_line(text)])


def provenance(entry: polib.POEntry) -> list[str]:
    """The entry's provenance lines, oldest first."""
    return [line for line in (entry.tcomment or "").split("\n")
            if line.startswith(DRAFT_SOURCES)]


def is_stale(entry: polib.POEntry) -> bool:
    """A draft made for other English: fuzzy with the previous English (``#| msgid``).

    No page shows it, draft or not: it translates words the page no longer says.
    """
    return is_fuzzy(entry) and bool(entry.previous_msgid)


def _spans(lines: list[str]) -> list[tuple[int, int, Mark]]:
    """(first line, line after, mark) for each mark; a mark may be wrapped over several
    comment lines (polib and Poedit wrap long comments at spaces: a 200-character name makes
    a line of about 330 characters, five lines at gettext's width)."""
    found = []
    i = 0
    while i < len(lines):
        if lines[i].rstrip().startswith((f"{SIGNOFF}:", f"{TRANSLATOR}:")):
            for end in range(i + 1, min(i + 9, len(lines) + 1)):
                m = _LINE.match(" ".join(line.strip() for line in lines[i:end]))
                if m:
                    mark = Mark(m["kind"], m["name"], m["date"], m["hash"],
                                m["role"] or REVISER, bool(m["adopted"]))
                    found.append((i, end, mark))
                    i = end - 1
                    break
        i += 1
    return found


def marks(entry: polib.POEntry, kind: str) -> list[Mark]:
    """The entry's lines of one kind, in file order."""
    lines = (entry.tcomment or "").split("\n")
    return [mark for _, _, mark in _spans(lines) if mark.kind == kind]


def signoff(entry: polib.POEntry, role: str = REVISER) -> Mark | None:
    """The entry's sign-off in ``role`` (the last one), whether or not it still matches."""
    found = [mark for mark in marks(entry, SIGNOFF) if mark.role == role]
    return found[-1] if found else None


def signoffs(entry: polib.POEntry) -> list[Mark]:
    """Every sign-off of the entry, one per role at most, in file order."""
    return marks(entry, SIGNOFF)


def is_outdated(entry: polib.POEntry) -> bool:
    """A translation a person reviewed whose English changed since (``update`` made it
    fuzzy and kept the old English as ``#| msgid``).

    A machine, memory or XLIFF draft keeps its source comment when the English moves; it
    counts as reviewed once only if someone signed it (a ``reviewed-by`` line, or the older
    ``reviewed by``). A draft reviewed by hand in an editor keeps only the source comment, so
    it counts as a draft again: the gate errs on the strict side.
    """
    if not (has_text(entry) and not entry.obsolete and is_stale(entry)):
        return False
    lines = (entry.tcomment or "").split("\n")
    drafted = any(line.startswith(DRAFT_SOURCES) for line in lines)
    # the older ``reviewed by NAME, DATE`` line counts as a person's review too
    signed = bool(signoffs(entry)) or any(_OLD_REVIEWED.match(line) for line in lines)
    return not drafted or signed


def is_signed(entry: polib.POEntry, role: str = REVISER) -> bool:
    """Signed off in ``role`` by a named person over exactly this English and translation
    (an *adopted* sign-off counts: a person attested the review)."""
    mark = signoff(entry, role)
    return mark is not None and mark.hash == text_hash(entry)


def is_reviewed(entry: polib.POEntry, policy: ReviewPolicy) -> bool:
    """Translated, not fuzzy, live; when ``policy`` requires sign-off, also signed by a
    reviser over this very text. The one definition of "reviewed": every reader of review
    state (gate, status, compile, check, workbench, XLIFF, TMX, memory, record) calls it.

    >>> e = polib.POEntry(msgid="Yes", msgstr="Sí")
    >>> is_reviewed(e, ReviewPolicy(signoff_required=False))
    True
    >>> is_reviewed(e, ReviewPolicy(signoff_required=True))
    False
    """
    if entry.obsolete or is_fuzzy(entry) or not has_text(entry):
        return False
    return is_signed(entry) if policy.signoff_required else True


def is_draft(entry: polib.POEntry, policy: ReviewPolicy) -> bool:
    """Has text still waiting for a review (fuzzy, or unsigned when sign-off is required)."""
    return not entry.obsolete and has_text(entry) and not is_reviewed(entry, policy)


def review_date(entry: polib.POEntry) -> str | None:
    """The ISO date the current text was reviewed: its sign-off's when that matches this
    very text, else (no ``reviewed-by`` line at all) the last older ``reviewed by NAME,
    DATE`` line's; None when unknown. Never a name.

    >>> e = polib.POEntry(msgid="Yes", msgstr="Sí", tcomment="reviewed by Ana, 2026-11-29")
    >>> review_date(e)
    '2026-11-29'
    >>> sign(e, "Ana", "2026-12-01"); e.msgstr = "Sí."; review_date(e) is None
    True
    """
    mark = signoff(entry)
    if mark is not None:
        return mark.date if mark.hash == text_hash(entry) else None
    old = [m["date"] for line in (entry.tcomment or "").split("\n")
           if (m := _OLD_REVIEWED.match(line))]
    return old[-1] if old else None


def reviewer(entry: polib.POEntry) -> tuple[str, str] | None:
    """(name, ISO date) of the reviser who reviewed the current text: the sign-off over this
    very text, else (no ``reviewed-by`` line at all) the last older ``reviewed by`` line;
    None when unknown."""
    mark = signoff(entry)
    if mark is not None:
        return (mark.name, mark.date) if mark.hash == text_hash(entry) else None
    old = [(m["name"], m["date"]) for line in (entry.tcomment or "").split("\n")
           if (m := _OLD_REVIEWED_NAMED.match(line))]
    return old[-1] if old else None


def unsigned(entry: polib.POEntry) -> str | None:
    """Why a translated, non-fuzzy entry does not count as signed off, or None."""
    if entry.obsolete or is_fuzzy(entry) or not has_text(entry) or is_signed(entry):
        return None
    mark = signoff(entry)
    if mark is None:
        return "not signed off"
    return f"changed since {mark.name} signed it off on {mark.date}"


def _set_line(entry: polib.POEntry, kind: str, name: str, day: str,
              role: str = REVISER, adopted: bool = False) -> None:
    name = one_line(name, 200).replace("sha256:", "sha256 ")
    if not name or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        raise ValueError(f"a {kind} line needs a name and an ISO date: {name!r}, {day!r}")
    lines = (entry.tcomment or "").split("\n")
    old = {i for start, end, mark in _spans(lines) if mark.kind == kind and mark.role == role
           for i in range(start, end)}
    kept = [line for i, line in enumerate(lines) if line and i not in old
            and not (kind == SIGNOFF and role == REVISER and _OLD_REVIEWED.match(line))]
    tail = (f", role={role}" if role != REVISER else "") + (", adopted" if adopted else "")
    entry.tcomment = "\n".join(
        [*kept, f"{kind}: {name}, {day}, sha256:{text_hash(entry)}{tail}"])


def sign(entry: polib.POEntry, reviewer: str, day: str, qa: str | None = None, *,
         role: str = REVISER, adopted: bool = False) -> None:
    """Mark reviewed by ``reviewer`` in ``role``: no ``fuzzy``, no ``#|`` text, a pinned
    sign-off line replacing an earlier one of the same role (and, when given, the QA
    findings the reviewer saw: ``qa-at-signoff: …``). ``adopted``: the person attests an
    earlier review rather than reviewing now (``pipeline adopt``).

    >>> e = polib.POEntry(msgid="Yes", msgstr="Sí", flags=["fuzzy"])
    >>> sign(e, "Ana", "2026-12-01"); sign(e, "Dr Gil", "2026-12-02", role="clinical")
    >>> [(m.name, m.role) for m in signoffs(e)], is_fuzzy(e)
    ([('Ana', 'reviser'), ('Dr Gil', 'clinical')], False)
    """
    if role not in SIGNOFF_ROLES:
        raise ValueError(f"a sign-off's role is one of {SIGNOFF_ROLES}, not {role!r}")
    mark_reviewed(entry)
    if qa is not None:
        lines = [x for x in (entry.tcomment or "").split("\n") if x and not x.startswith(QA)]
        entry.tcomment = "\n".join([*lines, QA + one_line(qa, 2000)])
    _set_line(entry, SIGNOFF, reviewer, day, role, adopted)


def qa_at_signoff(entry: polib.POEntry) -> str | None:
    """The QA findings recorded when the entry was signed, or None."""
    lines = [x for x in (entry.tcomment or "").split("\n") if x.startswith(QA)]
    return lines[-1][len(QA):] if lines else None


def mark_translated(entry: polib.POEntry, translator: str, day: str) -> None:
    """Record who typed the entry's current text (pinned, like a sign-off)."""
    _set_line(entry, TRANSLATOR, translator, day)


def person(name: str) -> str:
    """A name as people compare it: ``"Ana Pérez <ana@x.org>"`` → ``"ana pérez"``."""
    return " ".join(name.split("<")[0].split()).casefold()


def translator(entry: polib.POEntry, last_translator: str = "") -> tuple[str, str] | None:
    """(who typed the current text, how that is known), or None for unknown.

    A ``translated-by`` line over this very text names them; otherwise, for text changed
    outside the pipeline, the catalog's ``Last-Translator`` (the last person whose editor
    saved the file) is the best that can be known, and only when it names someone.
    """
    current = text_hash(entry)
    for mark in reversed(marks(entry, TRANSLATOR)):
        if mark.hash == current:
            return mark.name, f"translated-by line of {mark.date}"
    name = person(last_translator)
    if name and "full name" not in name and "l10n-pipeline" not in name:
        return last_translator.split("<")[0].strip(), "the catalog's Last-Translator"
    return None
