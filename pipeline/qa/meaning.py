"""Checks that look at meaning: negation, numbers by value, sequence, modality, omission.

Each check compares what the English says with what the translation says through small
per-language word lists (``meaning_words.toml``) and, for numbers in words, tables built once
from ``num2words`` (Galician by hand, Chinese numerals parsed). They are deliberately
conservative: a check fires on a *disagreement* (the English negates and the translation does
not; "before" became "after"), never on a word merely being present, so a faithful
translation in its own phrasing passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import polib

from pipeline.qa.lexicon import (
    ENGLISH,
    Lexicon,
    count,
    lexicon,
    may_be_one,
    normalise,
    number_values,
    sentences,
    words,
)
from pipeline.qa.units import units_named

if TYPE_CHECKING:
    from pipeline.qa.findings import Context

_DIGITS = re.compile(r"\d+(?:[.,:]\d+)*")


def english_differences(a: str, b: str) -> list[str]:
    """How two English texts differ in negation, numbers or units, one line per difference
    (none: they agree). For drafts from fuzzy memory: the memory's English against the new
    English, so a match that differs where it matters is flagged, whatever its score.

    >>> english_differences("Do not give 2 tablets.", "Give 2 tablets.")
    ['negation: the first is negative and the second is not']
    >>> english_differences("Wait 2 hours.", "Wait two days.")
    ['units: hour 2 against day 2']
    >>> english_differences("Take one dose a day.", "Take one dose per day.")
    []
    """
    en = lexicon(ENGLISH)
    if en is None:
        return []
    found = []
    n_a, n_b = _negations(a, en), _negations(b, en)
    if bool(n_a) != bool(n_b):
        found.append("negation: the first is negative and the second is not" if n_a else
                     "negation: the second is negative and the first is not")
    elif n_a != n_b:
        found.append(f"negation: the first negates {n_a} times, the second {n_b}")
    values_a, values_b = _values(a, en), _values(b, en)
    if values_a != values_b:
        found.append(f"numbers: {', '.join(sorted(values_a - values_b)) or '-'} against "
                     f"{', '.join(sorted(values_b - values_a)) or '-'}")
    units_a, units_b = sorted(units_named(a, ENGLISH), key=str), sorted(units_named(b, ENGLISH),
                                                                        key=str)
    if units_a != units_b:
        found.append("units: " + " against ".join(
            ", ".join(f"{u} {v if v is not None else ''}".strip() for u, v in side) or "-"
            for side in (units_a, units_b)))
    return found


def _values(text: str, lex: Lexicon) -> set[str]:
    """Numbers as written in digits (ratios whole) and the values of number words."""
    return set(_DIGITS.findall(text)) | {str(v) for v in number_values(text, lex)[1]}


# ---- reading a text ---------------------------------------------------------------


# ---- the checks ---------------------------------------------------------------------

def _pair(entry: polib.POEntry, ctx: Context) -> tuple[Lexicon, Lexicon] | None:
    target = lexicon(ctx.lang.base)
    english = lexicon(ENGLISH)
    if target is None or english is None or not entry.msgstr.strip():
        return None
    return english, target


def _negations(text: str, lex: Lexicon) -> int:
    if lex.particles and lex.spaced:
        tokens = words(text, lex)
        text = " ".join(t for i, t in enumerate(tokens)
                        if t not in lex.particles or _lone_particle(tokens, i, lex))
    return count(text, lex.negation, lex, lex.negation_except)


_PARTICLE_REACH = 6  # words: "ne se consacrer qu'aux", "n'en est encore au stade"


def _lone_particle(tokens: list[str], i: int, lex: Lexicon) -> bool:
    """Whether the particle at ``i`` is the clause's only negation word: not paired with
    another ("ne … pas" counts once, as "pas") and not restrictive ("ne … que", "only")."""
    ahead = tokens[i + 1:i + 1 + _PARTICLE_REACH]
    return not any(t in lex.restrictive or (t in lex.negation and t not in lex.particles)
                   for t in ahead)


def check_negation(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """The English and the translation disagree on negation (not, no, never, without).

    Sentence by sentence when both have the same number of sentences, else over the entry;
    where the English negates twice or more ("never … without"), the translation must too.
    """
    pair = _pair(entry, ctx)
    if pair is None:
        return
    en, tr = pair
    segments = _segments(entry)
    for number, (s, d) in enumerate(segments, 1):
        a, b = _negations(s, en), _negations(d, tr)
        where = f" in sentence {number}" if len(segments) > 1 else ""
        if bool(a) != bool(b):
            yield (f"the English is negative{where} and the translation is not"
                   if a else f"the translation is negative{where} and the English is not")
            return
        if a >= 2 and b < a:
            yield f"the English negates {a} times{where}, the translation {b}"
            return


def check_number_words(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A number written in words or digits has another value in the translation.

    "three" ↔ "tres" ↔ "3"; "a second surgery" ↔ "una segunda cirugía". Digits against
    digits alone are the ``numbers`` check's; this one speaks when words are involved.
    """
    pair = _pair(entry, ctx)
    if pair is None:
        return
    en, tr = pair
    en_digits, en_words = number_values(entry.msgid, en)
    tr_digits, tr_words = number_values(entry.msgstr, tr)
    if not en_words and not tr_words:
        return
    english, translation = en_digits | en_words, tr_digits | tr_words
    # A 1 is answered by an article on the other side: "one dose" ↔ "una dosis".
    if may_be_one(entry.msgstr, tr):
        translation.add(1)
    if may_be_one(entry.msgid, en):
        english.add(1)
    missing = sorted(v for v in english - translation if v in en_words)
    extra = sorted(v for v in translation - english if v in tr_words)
    if missing or extra:
        yield (f"numbers in words differ by value: the English has "
               f"{', '.join(map(str, missing)) or '-'} the translation lacks; "
               f"the translation has {', '.join(map(str, extra)) or '-'} the English lacks")


def _segments(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(English, translation) sentence pairs when the counts agree, else the whole entry."""
    src, dst = sentences(entry.msgid), sentences(entry.msgstr)
    if len(src) != len(dst):
        return [(entry.msgid, entry.msgstr)]
    return list(zip(src, dst, strict=True))


def _counts(entry: polib.POEntry, ctx: Context, first: str, second: str,
            exceptions: str) -> Iterator[tuple[int, int, int, int]]:
    """Per segment: how often the English and the translation use each of two word lists."""
    pair = _pair(entry, ctx)
    if pair is None:
        return
    en, tr = pair
    for s, d in _segments(entry):
        yield (count(s, getattr(en, first), en, getattr(en, exceptions)),
               count(s, getattr(en, second), en, getattr(en, exceptions)),
               count(d, getattr(tr, first), tr, getattr(tr, exceptions)),
               count(d, getattr(tr, second), tr, getattr(tr, exceptions)))


def check_sequence(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """"before" in the English reads "after" in the translation, or the other way round."""
    for b_en, a_en, b_tr, a_tr in _counts(entry, ctx, "before", "after", "sequence_except"):
        if b_tr < b_en and a_tr > a_en:
            yield "the English says 'before' where the translation says 'after'"
            return
        if a_tr < a_en and b_tr > b_en:
            yield "the English says 'after' where the translation says 'before'"
            return


def check_modality(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """"may" became "must" (possible ↔ necessary), or the other way round.

    Per sentence: the translation lost a "may" and still says "must"/"need" at least as
    often as the English, or lost a "must" and says "may"; or "may not" became "cannot".
    """
    for p_en, n_en, p_tr, n_tr in _counts(entry, ctx, "possible", "necessary",
                                          "modal_except"):
        if p_tr < p_en and n_tr >= max(n_en, 1):
            yield "the English says 'may' (possible) where the translation says 'must' (necessary)"
            return
        if n_tr < n_en and p_tr >= max(p_en, 1):
            yield "the English says 'must' (necessary) where the translation says 'may' (possible)"
            return
    for c_en, _, c_tr, _ in _counts(entry, ctx, "cannot", "cannot", "modal_except"):
        if c_en != c_tr:
            yield ("the translation says 'cannot' where the English says 'may not' or 'can'"
                   if c_tr > c_en else
                   "the English says 'cannot' where the translation does not")
            return


def check_omission(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A whole sentence seems gone: fewer sentences and shorter than the language's usual."""
    pair = _pair(entry, ctx)
    if pair is None:
        return
    src, dst = sentences(entry.msgid), sentences(entry.msgstr)
    if len(src) < 2 or len(dst) >= len(src):
        return
    usual = pair[1].ratio * len(entry.msgid)
    if len(entry.msgstr) < 0.85 * usual:
        yield (f"{len(dst)} sentences where the English has {len(src)}, and "
               f"{len(entry.msgstr) / usual:.0%} of the usual length; a sentence is missing")


# A list's items are cut at commas (any script's) and the language's "and"/"or"; a semicolon
# ends a clause, and a list never runs across one ("bladder or bowel; for example …").
_LIST_COMMA = re.compile(r"[,،、，]")
_CLAUSE_END = re.compile(r"[;؛；]")
_LIST_WORDS_EN = 4      # an English list item holds at most this many words …
_LIST_WORDS_TR = 6      # … a translated one may be longer (and is read leniently)
_ZH_CHARS_PER_WORD = 7 / 3  # Chinese has no words: 14 characters pass for 6


def _items(text: str, lex: Lexicon) -> list[str]:
    """The text cut into list-item candidates (empty pieces, as in ", and", dropped)."""
    pieces: list[str] = []
    for part in _LIST_COMMA.split(normalise(text, lex.code)):
        if not lex.spaced:
            for conj in sorted(lex.conjunctions, key=len, reverse=True):
                part = part.replace(conj, "\x00")
            pieces += part.split("\x00")
            continue
        current: list[str] = []
        for token in words(part, lex):
            # Arabic joins "and" to the next word: "والأعصاب" starts an item.
            joined = lex.code == "ar" and token.startswith("و") and len(token) >= 4
            if token in lex.conjunctions or joined:
                pieces.append(" ".join(current))
                current = [token[1:]] if joined else []
            else:
                current.append(token)
        pieces.append(" ".join(current))
    merged: list[str] = []
    for piece in (p.strip() for p in pieces):
        if merged and lex.list_intro and (piece + " ").startswith(
                tuple(intro + (" " if lex.spaced else "") for intro in lex.list_intro)):
            merged[-1] += " " + piece  # ", como los músculos": the list starts inside
        elif piece:
            merged.append(piece)
    return merged


def list_runs(text: str, lex: Lexicon, limit: int) -> list[int]:
    """Lengths of the lists (3 items or more) in ``text``, sentence by sentence.

    A list is a run of pieces whose inner items are short (``limit`` words; Chinese
    characters count as 3/7 of a word); its first and last pieces may be long, as they carry
    the sentence around the list ("such as muscles", "fat.").
    """
    runs: list[int] = []
    for clause in (c for s in sentences(text) for c in _CLAUSE_END.split(s)):
        pieces = _items(clause, lex)
        length = 1
        for k in range(1, len(pieces)):
            inner = pieces[k - 1]
            size = len(inner.split()) if lex.spaced else len(inner) / _ZH_CHARS_PER_WORD
            if length == 1 or size <= limit:
                length += 1
            else:
                runs.append(length)
                length = 2
        runs.append(length)
    return sorted((r for r in runs if r >= 3), reverse=True)


def check_list_items(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A list of the English has fewer items in the translation (an item seems dropped)."""
    pair = _pair(entry, ctx)
    if pair is None:
        return
    en, tr = pair
    english = list_runs(entry.msgid, en, _LIST_WORDS_EN)
    if not english:
        return
    translation = list_runs(entry.msgstr, tr, _LIST_WORDS_TR)
    for n, size in enumerate(english):
        # The n-th longest English list needs a translated list at least as long.
        if n >= len(translation) or translation[n] < size:
            got = translation[n] if n < len(translation) else "fewer than 3"
            yield f"a list of {size} items in the English has {got} in the translation"
            return
