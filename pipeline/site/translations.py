"""One language's translations as a page may show them: the lookup the body renders from
and the ``gettext`` the title, description and layout use — reviewed text (and, for a
preview's body, machine drafts), every string checked as untrusted input.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import polib
from markupsafe import Markup, escape

from pipeline.catalog import entry as entry_state
from pipeline.catalog.entry import is_stale
from pipeline.config import ReviewPolicy
from pipeline.qa.deception import deceptive
from pipeline.site.body import Choice
from pipeline.source import Document, fold

__all__ = ["Made", "Translations", "made", "placeholders_match"]

_NAMED = re.compile(r"%\((\w+)\)s")

def placeholders_match(msgid: str, msgstr: str) -> bool:
    """True when ``msgstr`` can stand in for ``msgid`` in Jinja's ``%`` formatting.

    >>> placeholders_match("Last updated: %(date)s", "Actualizado: %(date)s")
    True
    >>> placeholders_match("Draft", "100% borrador")
    False
    """
    def spec(text: str) -> tuple[set[str], bool]:
        stray = "%" in _NAMED.sub("", text).replace("%%", "")
        return set(_NAMED.findall(text)), stray

    names, stray = spec(msgstr)
    return not stray and names == spec(msgid)[0]

@dataclass(frozen=True, slots=True)
class Made:
    """How one reviewed entry of a page came to be, for "about this translation":
    ``machine``: an engine drafted it (a ``machine translation:`` line); ``marks``: the
    sign-offs and ``translated-by`` lines over its current text (never a stale one)."""

    machine: bool
    marks: tuple[entry_state.Mark, ...]


def made(e: polib.POEntry) -> Made:
    current = entry_state.text_hash(e)
    marks = [*entry_state.marks(e, entry_state.TRANSLATOR), *entry_state.signoffs(e)]
    return Made(any(p.startswith(entry_state.MACHINE) for p in entry_state.provenance(e)),
                tuple(m for m in marks if m.hash == current))


def translated_from(doc: Document) -> dt.date | None:
    """The date of the English version a page's translations translate: its ``updated``
    front matter (a changed English string makes its translation outdated, so no page
    shows a translation of an older English)."""
    return doc.updated


@dataclass(slots=True)
class Translations:
    """Lookup over one language's page and site catalogs.

    ``lookup`` serves the body, which checks each translation itself (see
    :func:`~pipeline.site.body.render_body`); ``gettext`` and ``template_gettext`` serve the
    title, description and template strings, and check them here: a translation that
    :func:`~pipeline.qa.deception.deceptive` refuses shows the English, with one warning.
    """

    policy: ReviewPolicy  # what counts as reviewed: the project's, never a default
    entries: dict[str, tuple[str, bool]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)
    # msgids the body looked up: it reports their problems itself, with the page's line
    looked_up: set[str] = field(default_factory=set)
    # the language template strings fall back to, marked on them (None: no marking)
    english: str | None = None
    # review dates (ISO) of the page's reviewed entries, and the msgids shown reviewed
    reviewed_on: dict[str, str] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)
    # msgids whose review is an *adopted* sign-off (attested, not a fresh review)
    adopted: dict[str, str] = field(default_factory=dict)
    # how each reviewed entry of the page was made (``dated`` catalogs only)
    history: dict[str, Made] = field(default_factory=dict)

    def add(self, po: polib.POFile, path: str = "", *, drafts: bool = False,
            dated: bool = False, clinical: bool = False) -> None:
        """Take ``po``'s reviewed entries (and, with ``drafts``, its machine drafts, but
        never one made for other English: see :func:`~pipeline.catalog.entry.is_stale`); ``dated``:
        keep their review dates for :meth:`review_date` (the page's catalog, not the site's);
        ``clinical``: the page is ``review: clinical``, so a reviewed entry also needs a
        clinician's sign-off over its text (else it is a draft, shown only in previews)."""
        for e in po:
            # Pages and templates look strings up without a context: an entry with a msgctxt
            # (a "shadow" of a reviewed one, added by hand) must not answer for it.
            if e.obsolete or e.msgid_plural or e.msgctxt is not None:
                continue
            key = fold(e.msgid)
            reviewed = entry_state.is_reviewed(e, self.policy)
            if reviewed and clinical and not entry_state.is_signed(e, entry_state.CLINICAL):
                if drafts and key not in self.entries:
                    self.entries[key] = (e.msgstr, True)
                    self.origin[key] = f"{path}:{e.linenum}" if path and e.linenum else path
                continue
            if reviewed:
                self.entries[key] = (e.msgstr, False)
                day = entry_state.review_date(e) if dated else None
                mark = entry_state.signoff(e) if dated else None
                if mark is not None and mark.adopted and day:
                    self.adopted[key] = day
                elif day:
                    self.reviewed_on[key] = day
                if dated:
                    self.history[key] = made(e)
            elif (drafts and entry_state.is_draft(e, self.policy)
                  and not is_stale(e) and key not in self.entries):
                self.entries[key] = (e.msgstr, True)
            else:
                continue
            self.origin[key] = f"{path}:{e.linenum}" if path and e.linenum else path

    @property
    def machine(self) -> int:
        """How many unreviewed machine strings this lookup may show."""
        return sum(1 for _, is_draft in self.entries.values() if is_draft)

    def lookup(self, msgid: str) -> Choice | None:
        hit = self.entries.get(msgid)
        if not hit:
            return None
        self.looked_up.add(msgid)
        if not hit[1]:
            self.shown.add(msgid)  # unless the body refuses it (a QA error check reports)
        return Choice(hit[0], hit[1])

    def review_date(self) -> str | None:
        """The latest review date among the page's entries shown reviewed so far."""
        return max((self.reviewed_on[k] for k in self.shown if k in self.reviewed_on),
                   default=None)

    def adopted_date(self) -> str | None:
        """The latest date an adopted sign-off (``pipeline adopt``) attested a review of an
        entry shown on the page, or None: the page says so apart from fresh reviews."""
        return max((self.adopted[k] for k in self.shown if k in self.adopted), default=None)

    def gettext(self, msgid: str) -> str:
        """The translation of ``msgid``, or ``msgid`` when there is none or it is deceptive."""
        return self._checked(msgid, template=False)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def template_gettext(self, msgid: str) -> Markup:
        """``gettext`` for Jinja templates, which trust what it returns (``Markup``) and
        ``%``-format it: the translation is escaped here, and one whose placeholders do
        not match the msgid's shows the msgid (with a warning) instead of crashing. The
        English shown for want of a translation is marked ``lang`` (screen readers switch
        voice); the layout uses these strings in element content only."""
        text = self._checked(msgid, template=True)
        if text == msgid and self.english is not None and msgid.strip():
            return Markup('<span lang="{}">{}</span>').format(self.english, msgid)
        return escape(text)

    def _checked(self, msgid: str, *, template: bool) -> str:
        key = fold(msgid)
        hit = self.entries.get(key)
        if not hit:
            return msgid
        if template and not placeholders_match(msgid, hit[0]):
            problem = (f"the translation of {msgid!r} has other %(name)s placeholders or "
                       "'%' signs than the English")
        else:
            why = deceptive(msgid, hit[0])
            if why is None:
                if not hit[1]:
                    self.shown.add(key)
                return hit[0]
            problem = f"{why} (translation of {msgid!r})"
        if key not in self.looked_up:  # else the body reported it, with the page's line
            text = f"{self.origin.get(key) or 'template string'}: {problem}; showing English"
            if text not in self.warnings:
                self.warnings.append(text)
        return msgid

    def template_ngettext(self, singular: str, plural: str, n: int) -> Markup:
        text = self.ngettext(singular, plural, n)
        if self.english is not None:
            return Markup('<span lang="{}">{}</span>').format(self.english, text)
        return escape(text)
