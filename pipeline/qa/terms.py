"""Terminology and approved phrasing as checks: the glossary is a termbase (an English term
in the source asks for its approved target term, a listed variant or an inflection of
either), and ``locale/phrases.csv`` holds safety phrases whose approved translation must be
there wherever the English says them ("do not stop", "right away", "your care team").

Inflection is derived, not listed: accents and case are ignored and each word of a target
term may take a short ending ("sarcoma paraespinal" matches "sarcomas paraespinales",
"ensayo clínico" matches "ensayos clínicos"). Chinese and Arabic terms match as written
(Arabic normalised, with clitics in front).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

import polib

from pipeline.catalog.glossary import phrases_for
from pipeline.qa.lexicon import normalise

if TYPE_CHECKING:
    from pipeline.qa.findings import Context

_ENDING = 3
"""Letters a word of a term may gain or change at its end (plural, gender: -s, -es, -as)."""


def _plain(text: str, code: str) -> str:
    """Normalised for matching: lower case, no accents (Latin scripts), ’ as '."""
    text = normalise(text, code)
    if code in ("ar", "zh"):
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def term_pattern(term: str, code: str) -> re.Pattern[str]:
    """A pattern for ``term`` and its inflections in language ``code``.

    >>> bool(term_pattern("sarcoma paraespinal", "es").search("sarcomas paraespinales"))
    True
    >>> bool(term_pattern("quimio", "es").search("quimioterapia"))
    False
    """
    plain = _plain(term, code)
    if code == "zh":
        return re.compile(re.escape(plain))
    if code == "ar":
        body = r"\s+".join(re.escape(w) for w in plain.split())
        return re.compile(rf"(?<!\w)(?:[وفبلك]{{0,2}}(?:ال)?)?{body}(?!\w)")
    words = []
    for word in plain.split():
        if len(word) >= 4 and word[-1].isalpha():
            words.append(re.escape(word[:-1]) + rf"\w{{0,{_ENDING}}}")
        else:
            words.append(re.escape(word))
    body = r"\s+".join(words)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _english(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term.casefold())}(?!\w)")


def said(text: str, forms: tuple[str, ...], code: str) -> bool:
    """Whether ``text`` holds one of ``forms`` or an inflection of it."""
    plain = _plain(text, code)
    return any(term_pattern(form, code).search(plain) for form in forms if form)


def _english_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().replace("’", "'")
    return re.sub(r"\bdon't\b", "do not", text)


def check_glossary(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A glossary term's approved translation (or a listed variant, or an inflection of
    either) is missing."""
    code = ctx.lang.base
    text = _english_text(entry.msgid)
    seen: list[str] = []
    for term in sorted(ctx.glossary.for_language(ctx.lang.gettext), key=lambda t: -len(t.term)):
        key = term.term.casefold()
        if term.translation is None or any(key in s for s in seen):
            continue
        if _english(key).search(text):
            seen.append(key)
            if not said(entry.msgstr, (term.translation, *term.variants), code):
                yield f"'{term.term}' is usually '{term.translation}'"


def check_safety(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A safety phrase ("do not stop", "right away", "your care team", "emergency") lacks its
    approved translation: dropped, reversed or reworded where wording is not free."""
    code = ctx.lang.base
    text = _english_text(entry.msgid)
    for phrase in phrases_for(ctx.phrases, ctx.lang.gettext):
        if _english(phrase.phrase).search(text) and not said(
                entry.msgstr, (phrase.translation, *phrase.variants), code):
            yield (f"safety phrase '{phrase.phrase}' must read '{phrase.translation}'"
                   + (f" (or {', '.join(repr(v) for v in phrase.variants)})"
                      if phrase.variants else ""))
