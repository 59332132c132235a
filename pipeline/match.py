"""Which old translation fits a new English string: the trivial-edit rule (case, spacing,
quotes, clause punctuation — never numbers or signs) and length-aware fuzzy matching."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import polib

from pipeline.entry import is_fuzzy

FUZZY_CUTOFF = 60.0
"""Similarity (0–100, rapidfuzz ``ratio``) an old string needs to become a fuzzy draft of a
long new one; shorter strings need more (:func:`cutoff`), as msgmerge's do."""


STRONG_MATCH = 80.0
"""Below this similarity a fuzzy draft is *weak*: ``translate`` may offer MT instead."""


# Clause and sentence punctuation a trivial edit may add or drop; not between digits
# ("1,500" vs "1.500" is a different dose) and no other symbol ("-20", "<", "**not**").
_TRIVIAL_PUNCT = re.compile(r"(?<!\d)[.,;:!?…](?!\d)|[.,;:!?…](?=\s|$)")


_QUOTES = str.maketrans({c: "'" for c in "\"“”„‘’‚«»‹›`´"})


def trivial_key(text: str) -> str:
    """Text with case, spacing, quote style and clause punctuation folded away: equal keys
    mean a trivial edit, which keeps a review. Numbers, signs and markup stay significant.

    >>> trivial_key("Call us, now!") == trivial_key("call  us now")
    True
    >>> trivial_key("1,500 mg") == trivial_key("1.500 mg")
    False
    >>> trivial_key("10⁶ cells") == trivial_key("106 cells")
    False
    """
    folded = "".join(map(_fold_char, text)).casefold().translate(_QUOTES)
    return " ".join(_TRIVIAL_PUNCT.sub(" ", folded).split())


def _fold_char(c: str) -> str:
    """Letters and spaces fold to their compatibility form (a full-width "Ａ" is an "A");
    numbers, signs and symbols stay as written: "10⁶" is not "106", "½" not "1⁄2", "µ" not
    "μ" only where it is a letter."""
    if c.isascii() or unicodedata.category(c)[0] in "NSP":
        return c
    folded = unicodedata.normalize("NFKC", c)
    # A letter whose compatibility form holds a digit or sign ("㎎" → "mg" is fine, "⒈"
    # → "1." is not) keeps its own form.
    if any(unicodedata.category(f)[0] in "NS" for f in folded):
        return c
    return folded


def cutoff(text: str) -> float:
    """The similarity a fuzzy match for ``text`` needs: 60 from 30 characters on, rising to
    90 for a single short word, so "Frequency" is not drafted from "French".

    >>> cutoff("Frequency") > 80 > cutoff("A sentence of some length, with clauses.")
    True
    """
    return FUZZY_CUTOFF + 30.0 * max(0.0, (30 - len(text)) / 30)


def similarity(a: str, b: str) -> float:
    """0–100: how alike two strings are (rapidfuzz's normalised InDel ratio)."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(a, b))


def weak_match(entry: polib.POEntry) -> bool:
    """A fuzzy entry whose draft is an old translation of a rather different English."""
    return (
        is_fuzzy(entry)
        and entry.previous_msgid is not None
        and similarity(entry.previous_msgid, entry.msgid) < STRONG_MATCH
    )


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.casefold()) if not w.isdigit()}


class Matcher:
    """Finds the most similar old string for a new one (rapidfuzz, C speed)."""

    def __init__(self, candidates: Sequence[polib.POEntry]):
        self.entries = list(candidates)
        self.texts = [e.msgid for e in self.entries]
        self.trivial = {(e.msgctxt, trivial_key(e.msgid), bool(e.msgid_plural)): e
                        for e in self.entries}

    def best(self, text: str, context: str | None = None,
             plural: bool = False) -> tuple[polib.POEntry, bool] | None:
        """(old entry, is the change trivial) or None when nothing is similar enough.

        A trivial edit needs the same msgctxt and the same shape (singular or plural): a
        string split into two contexts is two meanings, each to be reviewed. A short string
        needs a closer match (:func:`cutoff`) and, under five words, a word in common.
        """
        if not self.entries:
            return None
        same = self.trivial.get((context, trivial_key(text), plural))
        if same is not None:
            return same, True
        from rapidfuzz import fuzz, process

        words = _words(text)
        for _, score, index in process.extract(
            text, self.texts, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff(text),
            limit=5,
        ):
            old = self.entries[index]
            if len(words) >= 5 or words & _words(old.msgid) or score >= 95:
                return old, False
        return None
