"""The project's termbase and approved phrasing, read by ``mt`` and ``qa`` alike:
``locale/glossary.csv`` (do-not-translate names, preferred translations per language with
their accepted variants, stand-in words for the MT engine) and ``locale/phrases.csv`` (safety
phrases with their approved translation per language)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import SourceError


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    """A term: do-not-translate (``translation`` is None) or with a preferred translation.

    ``stand_in`` is an English word the engine knows and that behaves like the term in a
    sentence (same part of speech, gender and number in the target language).
    """

    term: str
    lang: str | None
    translation: str | None
    note: str = ""
    stand_in: str | None = None
    variants: tuple[str, ...] = ()
    """Other accepted target forms (the ``variants`` column, ``|``-separated)."""

    @property
    def candidate(self) -> str | None:
        """What the engine may see instead of a placeholder: the stand-in, or the term itself
        when it has a translation (usable only if the engine already renders it that way)."""
        return self.stand_in or (self.term if self.translation else None)


@dataclass(frozen=True, slots=True)
class Glossary:
    terms: tuple[GlossaryTerm, ...] = ()

    def for_language(self, lang: str) -> list[GlossaryTerm]:
        """Do-not-translate terms plus this language's preferred translations."""
        base = lang.split("_")[0]
        return [t for t in self.terms if t.lang is None or t.lang in (lang, base)]

    @property
    def do_not_translate(self) -> list[str]:
        return [t.term for t in self.terms if t.lang is None]


def _variants(row: dict[str, str | None]) -> tuple[str, ...]:
    return tuple(v.strip() for v in (row.get("variants") or "").split("|") if v.strip())


def load_glossary(path: Path) -> Glossary:
    """``term,lang,translation,note[,stand_in][,variants]`` rows; an empty ``lang`` marks a
    do-not-translate term."""
    if not path.exists():
        return Glossary()
    terms = []
    reader: csv.DictReader[str] | None = None
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            for lineno, row in enumerate(reader, start=2):
                term = (row.get("term") or "").strip()
                if not term:
                    raise SourceError("row without a term; fill the 'term' column", path=path,
                                      line=lineno)
                lang = (row.get("lang") or "").strip().replace("-", "_") or None
                translation = (row.get("translation") or "").strip() or None
                stand_in = (row.get("stand_in") or "").strip() or None
                if stand_in is not None and not re.fullmatch(r"[A-Za-z]+(?: [A-Za-z]+)*",
                                                             stand_in):
                    raise SourceError(f"stand_in '{stand_in}': use plain English words",
                                      path=path, line=lineno)
                terms.append(GlossaryTerm(term, lang, translation,
                                          (row.get("note") or "").strip(), stand_in,
                                          _variants(row)))
    except UnicodeDecodeError:
        raise SourceError("glossary is not UTF-8; save it as UTF-8", path=path) from None
    except csv.Error as exc:  # a field over csv's limit (131,072 characters), a stray NUL
        raise SourceError(f"not a readable CSV file ({exc}); fix that row", path=path,
                          line=reader.line_num if reader is not None else None) from None
    return Glossary(tuple(terms))


@dataclass(frozen=True, slots=True)
class SafetyPhrase:
    """An English instruction families must not misread (``do not stop …``, ``call your care
    team …``) with its approved translation in one language; MT uses it as a stand-in and
    ``check`` asks for it (or a listed variant) wherever the English says it."""

    phrase: str
    lang: str
    translation: str
    variants: tuple[str, ...] = ()
    note: str = ""


def load_phrases(path: Path) -> tuple[SafetyPhrase, ...]:
    """``phrase,lang,translation,variants,note`` rows of ``locale/phrases.csv`` (none when
    the file is absent). Every row needs all three of phrase, lang and translation."""
    if not path.exists():
        return ()
    found: list[SafetyPhrase] = []
    reader: csv.DictReader[str] | None = None
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            for lineno, row in enumerate(reader, start=2):
                phrase = (row.get("phrase") or "").strip()
                lang = (row.get("lang") or "").strip().replace("-", "_")
                translation = (row.get("translation") or "").strip()
                if not (phrase and lang and translation):
                    raise SourceError("a safety phrase needs 'phrase', 'lang' and "
                                      "'translation'; fill them or remove the row", path=path,
                                      line=lineno)
                found.append(SafetyPhrase(phrase, lang, translation, _variants(row),
                                          (row.get("note") or "").strip()))
    except UnicodeDecodeError:
        raise SourceError("phrases file is not UTF-8; save it as UTF-8", path=path) from None
    except csv.Error as exc:
        raise SourceError(f"not a readable CSV file ({exc}); fix that row", path=path,
                          line=reader.line_num if reader is not None else None) from None
    return tuple(found)


def phrases_for(phrases: tuple[SafetyPhrase, ...], lang: str) -> list[SafetyPhrase]:
    """The phrases approved for ``lang`` (``pt_BR`` also takes ``pt`` rows)."""
    base = lang.split("_")[0]
    return [p for p in phrases if p.lang in (lang, base)]
