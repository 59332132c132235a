"""Placeholders: markup, links, numbers and glossary terms hidden from MT engines, then restored.

``protect`` replaces each piece an engine must not touch with an opaque word (``ZX0QZ``),
set apart by spaces so the engine sees a separate word. ``restore`` puts the pieces back
and checks that every placeholder came back exactly once; otherwise the entry is rejected.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError

TOKEN = "ZX{}QZ"
_TOKEN_RE = re.compile(r"ZX(\d+)QZ", re.I)
_GLUED_RE = re.compile(r"(\s*)ZX(\d+)QZ(\s*)", re.I)

_PATTERNS: tuple[tuple[str, str], ...] = (
    ("code", r"`+[^`]*`+"),
    ("format", r"%\(\w+\)[sdifr]|%[sdif]|\{\w*\}"),
    ("image", r"!\[[^\]]*\]\([^)]*\)"),
    ("autolink", r"<(?:https?|mailto|tel):[^>\s]+>|<[^@>\s]+@[^>\s]+>"),
    ("link-end", r"\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)"),
    ("link-start", r"\[(?=[^\]]*\]\()"),
    ("url", r"\bhttps?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?]"),
    ("email", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    ("phone", r"(?<![\w-])\+?\d{1,3}(?:[-. ]\d{2,4}){2,4}(?![\w-])"),
    ("dose", r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|g|kg|ml|mL|L|mmol|%|Gy)\b"),
    ("ratio", r"\b\d+:\d+\b"),
    ("emphasis", r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|~~"),
)
_MASTER = re.compile("|".join(f"(?P<{n.replace('-', '_')}>{p})" for n, p in _PATTERNS))


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    """A term: do-not-translate (``translation`` is None) or with a preferred translation."""

    term: str
    lang: str | None
    translation: str | None
    note: str = ""


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


def load_glossary(path: Path) -> Glossary:
    """``term,lang,translation,note`` rows; an empty ``lang`` marks a do-not-translate term."""
    if not path.exists():
        return Glossary()
    terms = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for lineno, row in enumerate(csv.DictReader(fh), start=2):
                term = (row.get("term") or "").strip()
                if not term:
                    raise SourceError("row without a term; fill the 'term' column", path=path,
                                      line=lineno)
                lang = (row.get("lang") or "").strip().replace("-", "_") or None
                translation = (row.get("translation") or "").strip() or None
                terms.append(GlossaryTerm(term, lang, translation, (row.get("note") or "").strip()))
    except UnicodeDecodeError:
        raise SourceError("glossary is not UTF-8; save it as UTF-8", path=path) from None
    return Glossary(tuple(terms))


@dataclass(frozen=True, slots=True)
class Protected:
    """Text as sent to the engine, and what each placeholder stands for."""

    text: str
    values: tuple[str, ...]
    glue: tuple[tuple[bool, bool], ...]  # (no space before, no space after) in the original


def _glossary_regex(terms: Sequence[GlossaryTerm]) -> re.Pattern[str] | None:
    if not terms:
        return None
    names = sorted({t.term for t in terms}, key=len, reverse=True)
    return re.compile(
        r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.I
    )


def _adapt_case(found: str, replacement: str) -> str:
    if found[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def protect(text: str, terms: Sequence[GlossaryTerm] = ()) -> Protected:
    """Replace markup, links, numbers and glossary terms with placeholders."""
    spans: list[tuple[int, int, str]] = []
    for m in _MASTER.finditer(text):
        spans.append((m.start(), m.end(), m.group(0)))
    gloss = _glossary_regex(terms)
    if gloss is not None:
        by_term = {t.term.casefold(): t for t in terms}
        for m in gloss.finditer(text):
            if any(s < m.end() and m.start() < e for s, e, _ in spans):
                continue
            term = by_term[m.group(1).casefold()]
            value = m.group(0) if term.translation is None else _adapt_case(
                m.group(0), term.translation
            )
            spans.append((m.start(), m.end(), value))
    spans.sort()
    out: list[str] = []
    values: list[str] = []
    glue: list[tuple[bool, bool]] = []
    pos = 0
    for start, end, value in spans:
        if start < pos:
            continue
        before = start > 0 and not text[start - 1].isspace()
        after = end < len(text) and not text[end].isspace()
        out.append(text[pos:start])
        token = TOKEN.format(len(values))
        out.append((" " if before else "") + token + (" " if after else ""))
        values.append(value)
        glue.append((before, after))
        pos = end
    out.append(text[pos:])
    return Protected("".join(out), tuple(values), tuple(glue))


class RestoreError(ValueError):
    """Placeholders were lost, duplicated or invented by the engine."""


def restore(translated: str, prot: Protected) -> str:
    """Put the protected pieces back; raise :class:`RestoreError` unless each came back once."""
    found = [int(m.group(1)) for m in _TOKEN_RE.finditer(translated)]
    expected = list(range(len(prot.values)))
    if sorted(found) != expected:
        missing = sorted(set(expected) - set(found))
        extra = sorted(i for i in set(found) if found.count(i) > 1 or i not in expected)
        raise RestoreError(
            "placeholders did not survive MT"
            + (f" (missing {len(missing)})" if missing else "")
            + (f" (duplicated or unknown {len(extra)})" if extra else "")
        )

    def put(m: re.Match[str]) -> str:
        i = int(m.group(2))
        before, after = prot.glue[i]
        # Drop the spaces protect() added where the original had none.
        return ("" if before else m.group(1)) + prot.values[i] + ("" if after else m.group(3))

    return _GLUED_RE.sub(put, translated)


def placeholders_of(texts: Iterable[str]) -> set[str]:
    """Every placeholder-shaped word in ``texts`` (to warn when a source already has one)."""
    return {m.group(0) for t in texts for m in _TOKEN_RE.finditer(t)}
