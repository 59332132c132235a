"""Translation memory: reviewed translations of the same language, reused before any engine.

Every reviewed entry of every page (and each imported TMX pair) is one unit. An exact match
(up to case and spacing) is reused as it is; otherwise the most similar English above the
project's ``memory_threshold`` gives a *fuzzy* draft, and the reviewer is shown that English
with a word diff (:attr:`Match.diff`) so exactly what differs is visible.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.catalog.entry import MEMORY, is_reviewed
from pipeline.catalog.paths import CatalogInfo, domains
from pipeline.catalog.pofile import Catalog, load_catalog
from pipeline.config import Config, Language, ReviewPolicy
from pipeline.qa.meaning import english_differences

_WORD = re.compile(r"\w+|[^\w\s]+")
MIN_WORDS = 5
"""An English of fewer words gets exact matches only: in a heading one word is the meaning
("Open clinical trials" scores 85 % against "Browse open clinical trials"); on the seed page
no two different entries of five words or more score above 66 % (``bench/memory.py``)."""


def memory_key(text: str) -> str:
    """Exact match up to case and surrounding/inner whitespace runs.

    >>> memory_key("  Call  us ") == memory_key("call us")
    True
    """
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True, slots=True)
class Match:
    """A remembered unit like the English asked about.

    ``percent`` is rapidfuzz's normalised InDel ratio of the two normalised English texts
    (100 only for an exact match); ``diff`` marks the remembered English's words that the new
    English drops as ``[-old-]`` and the words it adds as ``{+new+}``; ``differences`` names
    what the two English texts differ in that changes meaning (negation, numbers, units)."""

    percent: int
    english: str
    translation: str
    origin: str
    diff: str
    differences: tuple[str, ...] = ()


def word_diff(old: str, new: str) -> str:
    """The words of ``new`` with what changed from ``old`` marked, as ``git diff --word-diff``.

    >>> word_diff("Call us at night.", "Call us in the morning.")
    'Call us [-at night-]{+in the morning+}.'
    """
    a, b = _WORD.findall(old), _WORD.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out += b[j1:j2]
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    text = " ".join(out)
    # No space before closing punctuation, as in the English.
    return re.sub(r" (?=[.,;:!?)](?:\s|$))", "", text).replace("-] {+", "-]{+")


class Memory:
    """Reviewed entries of every catalog of one language, by normalised English text, with a
    fuzzy index scored over *words*, as CAT tools score matches: "Paraspinal sarcoma
    symptoms" is not a 76 % match of "Paraspinal Sarcoma Treatment" (it is 67 %), while one
    word changed in a sentence of twenty is 95 %.

    Each word of the memory gets one code point, so a text becomes a short string and
    rapidfuzz's C implementation of the InDel ratio scores words; keys are sorted by length,
    so a query scores only the lengths that could reach the threshold (``2m/(|a|+|b|)``
    bounds the length ratio)."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[str, str, str]] = {}
        self._index: tuple[list[int], list[str], list[str]] | None = None
        self._codes: dict[str, str] = {}

    def add(self, msgid: str, msgstr: str, domain: str) -> None:
        key = memory_key(msgid)
        if key and key not in self._items:
            self._items[key] = (msgid, msgstr, domain)
            self._index = None

    def lookup(self, msgid: str) -> tuple[str, str] | None:
        """(translation, domain it came from) for an exact match, or None."""
        hit = self._items.get(memory_key(msgid))
        if hit is None:
            return None
        source, target, domain = hit
        return _follow_case(source, msgid, target), domain

    def best(self, msgid: str, limit: int = 1, threshold: float = 75.0) -> list[Match]:
        """The ``limit`` most similar units at or above ``threshold`` percent, best first."""
        key = memory_key(msgid)
        if not key or limit < 1 or not self._items:
            return []
        if len(key.split()) < MIN_WORDS:
            exact = self._items.get(key)
            return [] if exact is None else [Match(100, exact[0], _follow_case(
                exact[0], msgid, exact[1]), exact[2], word_diff(exact[0], msgid))]
        from rapidfuzz import fuzz, process

        lengths, codes, keys = self._built()
        query = self._encode(key, grow=False)
        t = max(threshold, 1.0) / 100.0
        lo = bisect.bisect_left(lengths, int(len(query) * t / (2 - t)))
        hi = bisect.bisect_right(lengths, int(len(query) * (2 - t) / t) + 1)
        found = process.extract(query, codes[lo:hi], scorer=fuzz.ratio, limit=limit,
                                score_cutoff=threshold)
        out = []
        for _, score, at in found:
            source, target, domain = self._items[keys[lo + at]]
            percent = 100 if keys[lo + at] == key else min(99, int(score))
            out.append(Match(percent, source, _follow_case(source, msgid, target), domain,
                             word_diff(source, msgid),
                             tuple(english_differences(source, msgid))))
        return out

    def _encode(self, key: str, *, grow: bool) -> str:
        """One code point per word; a word the memory lacks matches nothing."""
        out = []
        for word in _WORD.findall(key):
            code = self._codes.get(word)
            if code is None:
                if not grow:
                    out.append("\U0010fffd")
                    continue
                n = len(self._codes) + 0x100
                code = self._codes[word] = chr(n + 0x800 if n >= 0xD800 else n)
            out.append(code)
        return "".join(out)

    def _built(self) -> tuple[list[int], list[str], list[str]]:
        if self._index is None:
            encoded = sorted(((self._encode(k, grow=True), k) for k in self._items),
                             key=lambda pair: len(pair[0]))
            self._index = ([len(c) for c, _ in encoded], [c for c, _ in encoded],
                           [k for _, k in encoded])
        return self._index

    def __len__(self) -> int:
        return len(self._items)

    @classmethod
    def from_catalogs(
        cls, infos: Iterable[CatalogInfo], policy: ReviewPolicy,
        loaded: Mapping[str, Catalog] | None = None,
    ) -> Memory:
        """Reviewed entries of ``infos`` (reviewed as ``policy`` defines it); ``loaded`` (by
        domain) spares reading a file twice."""
        memory = cls()
        for info in infos:
            cat = (loaded or {}).get(info.domain)
            if cat is None:
                if not info.po_path.exists():
                    continue
                cat = load_catalog(info.po_path)
            for entry in cat.entries():
                if is_reviewed(entry, policy) and not entry.msgid_plural:
                    memory.add(entry.msgid, entry.msgstr, info.domain)
        return memory


def project_memory(config: Config, lang: Language,
                   loaded: Mapping[str, Catalog] | None = None) -> Memory:
    """The language's memory: reviewed entries of every page, then imported TMX pairs."""
    from pipeline.mt.tm import load_memory  # tm builds on memory_key: imported here

    memory = Memory.from_catalogs(
        (CatalogInfo(n, lang, config.locale_dir) for n in domains(config)), config.review,
        loaded=loaded)
    for unit in load_memory(config, lang):
        memory.add(unit.source, unit.target, unit.origin)
    return memory


def best_matches(config: Config, lang: Language, english: str, limit: int = 3,
                 threshold: float | None = None) -> list[Match]:
    """The best ``limit`` memory matches for ``english`` in ``lang`` (at or above
    ``threshold``, by default the project's ``memory_threshold``), best first. For the review
    panels: each match carries its percentage, the English it came from and the word diff."""
    cut = config.memory_threshold if threshold is None else threshold
    return project_memory(config, lang).best(english, limit, cut)


PROVENANCE_WIDTH = 77
"""A comment line longer than this is wrapped onto several lines when the catalog is saved
(polib, at the catalogs' 79 columns), and only the first would be read back as provenance."""


def draft_note(m: Match) -> str:
    """The provenance line of a fuzzy memory draft: percentage, which kinds of meaning
    difference the two English texts have (details go in the run's report), the English it
    came from and its origin (see :func:`fitted`)."""
    note = f"{MEMORY} {m.percent}% match"
    if m.differences:
        kinds = dict.fromkeys(d.split(":")[0] for d in m.differences)
        note += f"; English differs in {', '.join(kinds)}"
    return fitted(note, m.english, m.origin)


def fitted(note: str, english: str, origin: str) -> str:
    """``note`` with the English a memory draft came from (cut to fit one comment line; the
    review shows it whole, with the word diff: ``memory.best_matches``) and, room allowing,
    the page or TMX it came from.

    >>> fitted("translation memory: 91% match", "Call us any time at all, day or night.", "p")
    'translation memory: 91% match of "Call us any time at all, day or night." (p)'
    """
    where = f" ({origin})"
    room = PROVENANCE_WIDTH - len(note) - len(' of ""')
    if len(english) + len(where) <= room:
        return f'{note} of "{english}"{where}'
    if room < 8:
        return note
    return f'{note} of "{english[: room - 1].rstrip()}…"'


def _follow_case(source: str, msgid: str, target: str) -> str:
    old, new, target = source.strip(), msgid.strip(), target.strip()
    if old != new and old[:1].islower() != new[:1].islower() and target:
        # Same sentence with a different initial case: follow the new English.
        first = target[:1].upper() if new[:1].isupper() else target[:1].lower()
        target = first + target[1:]
    return target
