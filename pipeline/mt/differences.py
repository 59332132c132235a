"""What two English texts differ in that changes meaning: negation, numbers, units.

A fuzzy memory draft translates a *different* English; the reviewer must be told when the
difference is one a family could act on ("do not eat" against "do eat", 3 against 5 days).
The meaning checks own that comparison (``english_differences`` in ``pipeline/qa/meaning.py``,
being written on another branch); this adapter calls it when it is there and otherwise
compares the few things below itself, so the draft is flagged either way. (Kept tiny on
purpose: the lead wires the qa function at merge.)
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Callable, Sequence

_NEGATION = frozenset({"not", "no", "never", "without", "none", "nothing", "nobody",
                       "neither", "nor", "cannot", "can't", "don't", "doesn't", "didn't",
                       "won't", "isn't", "aren't", "wasn't", "shouldn't", "mustn't"})
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
_NUMBER_WORDS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight",
                           "nine", "ten", "once", "twice", "half", "dozen", "hundred"})
_UNITS = frozenset({"mg", "mcg", "g", "kg", "ml", "l", "mmol", "gy", "%", "percent", "hour",
                    "hours", "day", "days", "week", "weeks", "month", "months", "year",
                    "years", "minute", "minutes", "times", "daily", "weekly"})
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|%|\d+(?:[.,:/]\d+)*")


def english_differences(old: str, new: str) -> tuple[str, ...]:
    """One short phrase per meaning difference between ``old`` and ``new``, or ``()``.

    >>> english_differences("Do not eat for 6 hours.", "Do eat for 8 hours.")
    ('negation: "not" only in the remembered English', 'numbers: 6 became 8')
    """
    shared = _shared()
    if shared is not None:
        return tuple(str(d) for d in shared(old, new))
    a, b = _TOKEN.findall(old.casefold()), _TOKEN.findall(new.casefold())
    found = []
    for what, vocab in (("negation", _NEGATION), ("number words", _NUMBER_WORDS),
                        ("units", _UNITS)):
        found += _compare(what, [t for t in a if t in vocab], [t for t in b if t in vocab])
    found += _compare("numbers", _NUMBER.findall(old), _NUMBER.findall(new))
    order = ("negation", "numbers", "number words", "units")
    return tuple(sorted(found, key=lambda s: order.index(s.split(":")[0])))


def _compare(what: str, old: list[str], new: list[str]) -> list[str]:
    if Counter(old) == Counter(new):
        return []
    gone = list((Counter(old) - Counter(new)).elements())
    came = list((Counter(new) - Counter(old)).elements())
    if gone and came:
        return [f"{what}: {', '.join(gone)} became {', '.join(came)}"]
    if gone:
        return [f'{what}: {", ".join(map(_q, gone))} only in the remembered English']
    return [f'{what}: {", ".join(map(_q, came))} only in the new English']


def _q(word: str) -> str:
    return f'"{word}"'


def _shared() -> Callable[[str, str], Sequence[object]] | None:
    """The meaning checks' comparison, when this checkout has it (found by name, so ``mt``
    keeps working while ``qa.meaning`` does not offer it yet)."""
    try:
        module = importlib.import_module("pipeline.qa.meaning")
    except ImportError:
        return None
    found = getattr(module, "english_differences", None)
    if not callable(found):
        return None

    def call(old: str, new: str) -> Sequence[object]:
        result = found(old, new)
        return list(result) if isinstance(result, list | tuple) else []

    return call
