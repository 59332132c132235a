"""Finding many terms in a text in one pass: the terms become one regular expression shaped
as a trie (shared beginnings written once), so the engine branches on each character instead
of trying every term at every position — a megabyte of hostile text costs one scan.

A term is matched whole (Chinese: anywhere); ``*`` at the end of a word lets it take any
ending; Arabic terms may carry the clitics و ف ب ل ك and the article in front and a pronoun
behind. Which term matched is found afterwards, once per distinct matched text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from pipeline.qa.lexicon import normalise

_ARABIC_FRONT = "(?:[وفبلك]{0,2})"
_ARABIC_BACK = "(?:ها|هم|هما|كم|نا|ه|ك|ي)?"
_ARTICLE = "(?:ال|لل)?"
_WILD = r"\w*"
_SPACE = r"\s+"

_Trie = dict[str | None, "_Trie"]


def _atoms(term: str, code: str) -> list[str]:
    """A normalised term as regex pieces: one per character, ``\\w*`` for a ``*``, ``\\s+``
    between words, the optional article in front of an Arabic term without one."""
    if code == "zh":
        return [re.escape(c) for c in term]
    atoms = [_ARTICLE] if code == "ar" and not term.startswith("ال") else []
    for i, word in enumerate(term.split()):
        if i:
            atoms.append(_SPACE)
        wild = word.endswith("*")
        atoms += [re.escape(c) for c in (word[:-1] if wild else word)]
        if wild:
            atoms.append(_WILD)
    return atoms


def _regex(node: _Trie) -> str:
    # Literal continuations before a wildcard, so the longer term is tried first.
    alts = [atom + _regex(child) for atom, child in sorted(
        ((a, c) for a, c in node.items() if a is not None),
        key=lambda item: (item[0] in (_WILD, _ARTICLE), item[0]))]
    if not alts:
        return ""
    inner = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{inner})?" if None in node else inner


class Terms:
    """A set of terms in one language, matched in one pass; ``finditer`` yields
    ``(start, index)`` with the index of the term in the order given (put longer first)."""

    __slots__ = ("_each", "_known", "_pattern")

    def __init__(self, terms: Sequence[str], code: str) -> None:
        trie: _Trie = {}
        bodies = []
        for term in terms:
            atoms = _atoms(normalise(term, code), code)
            bodies.append(re.compile("".join(atoms)))
            node = trie
            for atom in atoms:
                node = node.setdefault(atom, {})
            node[None] = {}
        core = f"(?P<core>{_regex(trie)})" if terms else "(?P<core>(?!))"
        if code == "zh":
            self._pattern = re.compile(core)
        elif code == "ar":
            self._pattern = re.compile(rf"(?<!\w){_ARABIC_FRONT}{core}{_ARABIC_BACK}(?!\w)")
        else:
            self._pattern = re.compile(rf"(?<![\w·]){core}(?![\w·])")
        self._each = tuple(bodies)
        self._known: dict[str, int] = {}

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, term index) for each term found, left to right, without overlaps."""
        for m in self._pattern.finditer(text):
            index = self._which(m.group("core"))
            if index >= 0:
                yield m.start(), index

    def _which(self, found: str) -> int:
        index = self._known.get(found)
        if index is None:
            index = next((i for i, body in enumerate(self._each) if body.fullmatch(found)), -1)
            if len(self._known) < 10_000:  # hostile text must not grow the memo without end
                self._known[found] = index
        return index
