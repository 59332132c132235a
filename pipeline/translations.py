"""One language's translations as a page may show them: the lookup the body renders from
and the ``gettext`` the title, description and layout use — reviewed text (and, for a
preview's body, machine drafts), every string checked as untrusted input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polib
from markupsafe import Markup, escape

from pipeline import entry as entry_state
from pipeline.deception import deceptive
from pipeline.entry import is_stale
from pipeline.render import Choice
from pipeline.source import fold

__all__ = ["Translations", "placeholders_match"]

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


@dataclass(slots=True)
class Translations:
    """Lookup over one language's page and site catalogs.

    ``lookup`` serves the body, which checks each translation itself (see
    :func:`~pipeline.render.render_body`); ``gettext`` and ``template_gettext`` serve the
    title, description and template strings, and check them here: a translation that
    :func:`~pipeline.checks.deceptive` refuses shows the English, with one warning.
    """

    entries: dict[str, tuple[str, bool]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)
    # msgids the body looked up: it reports their problems itself, with the page's line
    looked_up: set[str] = field(default_factory=set)
    # the language template strings fall back to, marked on them (None: no marking)
    english: str | None = None
    signoff: bool = False  # require_signoff: reviewed = signed over this very text

    def add(self, po: polib.POFile, path: str = "", *, drafts: bool = False) -> None:
        """Take ``po``'s reviewed entries (and, with ``drafts``, its machine drafts, but
        never one made for other English: see :func:`~pipeline.entry.is_stale`)."""
        for e in po:
            # Pages and templates look strings up without a context: an entry with a msgctxt
            # (a "shadow" of a reviewed one, added by hand) must not answer for it.
            if e.obsolete or e.msgid_plural or e.msgctxt is not None:
                continue
            key = fold(e.msgid)
            if entry_state.is_reviewed(e, signoff_required=self.signoff):
                self.entries[key] = (e.msgstr, False)
            elif (drafts and entry_state.is_draft(e, signoff_required=self.signoff)
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
        return Choice(hit[0], hit[1])

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
