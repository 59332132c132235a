"""Placeholders: markup, links, numbers and glossary terms hidden from MT engines, then restored.

``protect`` replaces each piece an engine must not touch with an opaque word (``zx0qz``),
set apart by spaces so the engine sees a separate word. ``restore`` puts the pieces back
and checks that every placeholder came back exactly once; otherwise the entry is rejected.

A glossary term may instead travel as a *stand-in*: an ordinary English word the engine
knows and inflects like the term (``lymphoma`` for "paraspinal sarcoma"), so the sentence
around it is translated as a sentence. ``restore`` swaps the stand-in's translation for the
glossary's, and rejects the entry unless each stand-in came back exactly as often as sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline import patterns
from pipeline.catalog.glossary import GlossaryTerm

# Lower case on purpose: Apertium's Galician analyser splits upper-case words with digits
# ("ZX0QZ" came back as "ZX0inicios de QZ"); "zx0qz" survives all three installed pairs.
TOKEN = "zx{}qz"
TOKEN_PATTERN = r"zx(\d+)qz"
"""A placeholder, case-insensitively (engines may capitalise it); group 1 is its number."""
_TOKEN_RE = re.compile(TOKEN_PATTERN, re.I)


_LINK_TARGET = r"\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)"
# Each alternative is linear on any input (see ``patterns``): a run that could swallow the
# next opener ("[", "<") stops at it, so no start position rescans the rest of the text.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("token", r"(?i:zx\d+qz)"),  # text that already looks like a placeholder travels as one
    ("code", r"`+[^`]*`+"),
    ("format", r"%\(\w+\)[sdifr]|%[sdif%]|\{\w*\}"),
    ("image", r"!\[[^\[\]]*\]" + _LINK_TARGET),
    ("autolink", r"<(?:https?|mailto|tel):[^<>\s]+>|<[^@<>\s]+@[^<>\s]+>"),
    ("html", r"</?[A-Za-z][\w-]*+(?:\s[^<>]*)?/?>|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]\w*);"),
    ("link-end", r"\]" + _LINK_TARGET),
    ("link-start", r"\[(?=[^\[\]]*\]\()"),
    ("url", patterns.WEB_URL),
    ("email", patterns.EMAIL),
    ("phone", patterns.PHONE),
    ("dose", r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|g|kg|ml|mL|L|mmol|%|Gy)(?!\w)"),
    ("ratio", r"\b\d+:\d+\b"),
    ("escape", r"\\[\\`*_{}\[\]()#+\-.!|<>~]"),
    ("break", r"\n"),
    ("emphasis", r"\*\*|__|~~|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])"
                 r"|(?<![\w_])_(?=[^\s_])|(?<=[^\s_])_(?![\w_])"),
)
# Sent as they are: an engine keeps "1:3" and translates the words around it ("about 1:3"
# became "sobre zx0qz", concerning, when the ratio was a placeholder); restore checks it.
_SENT_AS_IS = frozenset({"ratio"})
_DIGITS = re.compile(r"\d+")
_MASTER = re.compile("|".join(f"(?P<{n.replace('-', '_')}>{p})" for n, p in _PATTERNS))


@dataclass(frozen=True, slots=True)
class Protected:
    """Text as sent to the engine, and what each placeholder and stand-in stands for."""

    text: str
    values: tuple[str, ...]
    glue: tuple[tuple[bool, bool], ...]  # (no space before, no space after) in the original
    subs: tuple[tuple[str, str], ...] = ()  # (stand-in, value) in order of appearance
    verbatim: frozenset[str] = frozenset()  # stand-ins for names: value kept as written
    kept: tuple[str, ...] = ()  # pieces sent as they are (ratios) that must come back so
    numbers: tuple[str, ...] = ()  # every digit run of the original, sorted


@lru_cache(maxsize=16)
def _glossary_index(
    terms: tuple[GlossaryTerm, ...],
) -> tuple[re.Pattern[str] | None, dict[str, GlossaryTerm]]:
    """One regex for every term (longest first) and each term by its folded text."""
    if not terms:
        return None, {}
    names = sorted({t.term for t in terms}, key=len, reverse=True)
    regex = re.compile(
        r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.I
    )
    return regex, {t.term.casefold(): t for t in terms}


def _adapt_case(found: str, replacement: str) -> str:
    if found[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _word_re(words: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words.split())) + r"(?!\w)", re.I)


def protect(
    text: str, terms: Sequence[GlossaryTerm] = (), stand_ins: Iterable[str] = ()
) -> Protected:
    """Replace markup, links, numbers and glossary terms with placeholders.

    A glossary term whose ``candidate`` is in ``stand_ins`` travels as that word instead,
    unless the word already occurs in ``text`` or stands for another value in it.
    """
    # start, end, value, stand-in, value kept as written (a name, not a translation)
    spans: list[tuple[int, int, str, str | None, bool]] = []
    as_is: list[str] = []
    for m in _MASTER.finditer(text):
        if m.lastgroup in _SENT_AS_IS:
            as_is.append(m.group(0))
            continue
        spans.append((m.start(), m.end(), m.group(0), None, True))
    gloss, by_term = _glossary_index(tuple(terms))
    # A stand-in the text already holds (even inside a word) could come back too often;
    # a term that stands in for itself is in the text by definition (counted on return).
    folded = text.casefold()
    usable = {s.casefold() for s in stand_ins}
    present = {s for s in usable if s in folded}
    if gloss is not None:
        meaning: dict[str, str] = {}
        for m in gloss.finditer(text):
            if any(s < m.end() and m.start() < e for s, e, *_ in spans):
                continue
            term = by_term[m.group(1).casefold()]
            value = term.translation or m.group(0)
            word = term.candidate
            if (
                word is None
                or word.casefold() not in usable
                or (word.casefold() in present and word.casefold() != term.term.casefold())
                or meaning.setdefault(word.casefold(), value) != value
                or (word != term.term and _word_re(word).search(text))
            ):
                word = None
            if word is None:  # a placeholder: the translation takes the source's case
                spans.append((m.start(), m.end(), _adapt_case(m.group(0), value), None, True))
            else:  # a stand-in: the translation takes the case of the engine's rendering
                spans.append((m.start(), m.end(), value, _adapt_case(m.group(0), word),
                              term.translation is None))
    spans.sort()
    kept: list[tuple[int, int, str, str | None, bool]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    # A line break is itself a placeholder, so it is no space to keep around its neighbour.
    starts = {s for s, _, _, w, _ in kept if w is None}
    ends = {e for _, e, _, w, _ in kept if w is None}
    out: list[str] = []
    values: list[str] = []
    glue: list[tuple[bool, bool]] = []
    subs: list[tuple[str, str]] = []
    verbatim: set[str] = set()
    pos = 0
    for start, end, value, word, keep in kept:
        out.append(text[pos:start])
        pos = end
        if word is not None:
            out.append(word)
            subs.append((word.casefold(), value))
            if keep:
                verbatim.add(word.casefold())
            continue
        before = start > 0 and (not text[start - 1].isspace() or start in ends)
        after = end < len(text) and (not text[end].isspace() or end in starts)
        out.append((" " if before else "") + TOKEN.format(len(values)) + (" " if after else ""))
        values.append(value)
        glue.append((before, after))
    out.append(text[pos:])
    return Protected("".join(out), tuple(values), tuple(glue), tuple(subs), frozenset(verbatim),
                     tuple(as_is), tuple(sorted(_DIGITS.findall(text))))


class RestoreError(ValueError):
    """Placeholders were lost, duplicated or invented by the engine."""


def restore(translated: str, prot: Protected, renderings: Mapping[str, str] | None = None) -> str:
    """Put the protected pieces back; raise :class:`RestoreError` unless each came back once.

    ``renderings`` maps each stand-in (lower case) to the engine's translation of it alone.
    """
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
    translated = _swap_stand_ins(translated, prot, renderings or {})

    # Put each value back, dropping the spaces protect() added where the original had none.
    # The spaces around a placeholder are found by walking from it (not by a regex starting
    # anywhere in a space run, which rescans a long run from every position).
    out: list[str] = []
    pos = 0
    for m in _TOKEN_RE.finditer(translated):
        before, after = prot.glue[int(m.group(1))]
        start = m.start()
        if before:
            while start > pos and translated[start - 1].isspace():
                start -= 1
        out.append(translated[pos:start])
        out.append(prot.values[int(m.group(1))])
        pos = m.end()
        if after:
            while pos < len(translated) and translated[pos].isspace():
                pos += 1
    out.append(translated[pos:])
    return _checked("".join(out), prot)


def _checked(text: str, prot: Protected) -> str:
    """``text`` unless a piece sent as it is, or any number, did not come back unchanged."""
    for piece in set(prot.kept):
        if text.count(piece) < prot.kept.count(piece):
            raise RestoreError(f"'{piece}' did not survive MT")
    if prot.numbers and tuple(sorted(_DIGITS.findall(text))) != prot.numbers:
        raise RestoreError("the numbers changed in MT")
    return text


def _swap_stand_ins(translated: str, prot: Protected, renderings: Mapping[str, str]) -> str:
    subs = prot.subs
    if not subs:
        return translated
    values = dict(subs)
    sent = {word: sum(1 for w, _ in subs if w == word) for word in values}
    renders: dict[str, str] = {}
    for word in values:
        rendering = " ".join((renderings.get(word) or "").split())
        if not rendering:
            raise RestoreError(f"no translation known for the stand-in '{word}'")
        renders[word] = rendering
    order, pattern, back = _found(translated, renders)
    for word, count in sent.items():
        if back[word] != count:
            raise RestoreError(f"glossary stand-in '{word}' came back {back[word]} times, "
                               f"not {count}")

    def put(m: re.Match[str]) -> str:
        word = order[int((m.lastgroup or "s0")[1:])]
        return values[word] if word in prot.verbatim else _adapt_case(m.group(0), values[word])

    return pattern.sub(put, translated)


def _found(translated: str, renders: Mapping[str, str]
           ) -> tuple[list[str], re.Pattern[str], dict[str, int]]:
    """How often each stand-in's rendering occurs in ``translated``, counted in one pass,
    longest first, so "región lumbar" is not also counted as "lumbar"."""
    order = sorted(renders, key=lambda w: len(renders[w]), reverse=True)
    pattern = re.compile(
        "|".join(
            f"(?P<s{i}>" + r"(?<!\w)" + r"\s+".join(map(re.escape, renders[w].split()))
            + r"(?!\w))"
            for i, w in enumerate(order)
        ),
        re.I,
    )
    back = dict.fromkeys(renders, 0)
    for m in pattern.finditer(translated):
        back[order[int((m.lastgroup or "s0")[1:])]] += 1
    return order, pattern, back


def bent_stand_ins(translated: str, prot: Protected, renderings: Mapping[str, str]
                   ) -> set[str]:
    """The stand-ins of ``prot`` that did not come back as often as sent (or whose rendering
    is unknown): a retry sends only those as placeholders and keeps the others as words."""
    sent: dict[str, int] = {}
    for word, _ in prot.subs:
        sent[word] = sent.get(word, 0) + 1
    renders = {w: " ".join((renderings.get(w) or "").split()) for w in sent}
    bad = {w for w, r in renders.items() if not r}
    good = {w: r for w, r in renders.items() if r}
    if good:
        _, _, back = _found(translated, good)
        bad |= {w for w in good if back[w] != sent[w]}
    return bad


def placeholders_of(texts: Iterable[str]) -> set[str]:
    """Every placeholder-shaped word in ``texts`` (to warn when a source already has one)."""
    return {m.group(0) for t in texts for m in _TOKEN_RE.finditer(t)}
