"""Concepts named in a text, per language: body parts, quantifiers, hedging adverbs and
opposite pairs (``meaning_kinds.toml``), and the checks that compare them.

A concept is found when one of its words occurs whole (Chinese: as a substring; Arabic: with
clitics and the article allowed in front); longer terms are matched first and consume their
text. A check fires on a *disagreement* only: the English names a concept the translation
lacks while the translation names one of the same kind the English lacks (a swap), or for
opposites, one side of a pair lost and the other gained.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import polib

from pipeline.qa.lexicon import ENGLISH, count, lexicon, normalise, sentences
from pipeline.qa.matcher import Terms

if TYPE_CHECKING:
    from pipeline.qa.findings import Context



@dataclass(frozen=True, slots=True)
class Group:
    """Concepts that are compared with one another, found in one pass of one pattern."""

    name: str
    terms: Terms
    """Every word of every concept, longest first, matched in one pass."""
    concepts: tuple[str, ...]
    """The concept of each term, in the same order."""
    labels: dict[str, str]
    """concept → the English word that names it in messages."""
    either: bool = False
    """(Opposite pairs) the two are alternatives: "a or b" → "b" alone is a flip."""


@cache
def kinds_data() -> dict[str, Any]:
    """``meaning_kinds.toml``, read once."""
    text = resources.files(__package__).joinpath("meaning_kinds.toml").read_text("utf-8")
    return tomllib.loads(text)


def base(lang: str) -> str:
    """``zh_Hans`` → ``zh``, ``pt_BR`` → ``pt``."""
    return lang.split("_")[0].split("-")[0]


def _group(name: str, concepts: dict[str, tuple[list[str], list[str]]], code: str) -> Group:
    """``concepts``: concept → (English words, this language's words)."""
    terms = sorted(((w, c) for c, (_, ws) in concepts.items() for w in ws),
                   key=lambda t: -len(t[0]))
    labels = {c: en[0].rstrip("*") if en else c for c, (en, _) in concepts.items()}
    return Group(name, Terms([w for w, _ in terms], code), tuple(c for _, c in terms), labels)


@cache
def groups(kind: str, code: str) -> tuple[tuple[Group, Group], ...]:
    """(English, language) groups of one kind: ``anatomy``, ``quantity``, ``frequency``
    make one group each; ``polarity`` one per pair (concepts ``a`` and ``b``)."""
    data = kinds_data().get(kind, {})
    sets: list[tuple[str, dict[str, tuple[list[str], list[str]]]]] = []
    if kind == "polarity":
        sets = [(name, {side: (pair.get(ENGLISH, {}).get(side, []), pair[code].get(side, []))
                        for side in ("a", "b")})
                for name, pair in sorted(data.items()) if code in pair]
    else:
        concepts = {c: (ws.get(ENGLISH, []), ws[code]) for c, ws in data.items() if code in ws}
        sets = [(kind, concepts)] if concepts else []
    either = {name for name, pair in data.items() if kind == "polarity" and pair.get("either")}
    return tuple((_group(name, {c: (en, en) for c, (en, _) in concepts.items()}, ENGLISH),
                  replace(_group(name, concepts, code), either=name in either))
                 for name, concepts in sets)


@lru_cache(maxsize=16)  # one text is read by every group of a kind
def _plain(text: str, code: str) -> str:
    text = normalise(text, code).replace("'", " ")
    for skip in kinds_data().get("except", {}).get(code, []):
        text = text.replace(normalise(skip, code), "\x00")
    return text


def named(text: str, group: Group, code: str) -> Counter[str]:
    """How often each concept of ``group`` is named in ``text``."""
    found: Counter[str] = Counter()
    for _, index in group.terms.finditer(_plain(text, code)):
        found[group.concepts[index]] += 1
    return found


def _compare(entry: polib.POEntry, ctx: Context,
             kind: str) -> Iterator[tuple[Group, Counter[str], Counter[str]]]:
    code = base(ctx.lang.gettext)
    if not entry.msgstr.strip() or lexicon(code) is None:
        return
    source, target = _without_names(entry.msgid, ctx), _without_names(entry.msgstr, ctx)
    for ours, theirs in groups(kind, code):
        yield theirs, named(source, ours, ENGLISH), named(target, theirs, code)


def _without_names(text: str, ctx: Context) -> str:
    """The text without do-not-translate names ("St. Jude Children’s Research Hospital"
    names no child)."""
    for name in sorted(ctx.glossary.do_not_translate, key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def _swap(kind: str, entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    for group, en, tr in _compare(entry, ctx, kind):
        missing, extra = sorted(set(en) - set(tr)), sorted(set(tr) - set(en))
        if missing and extra:
            yield (f"the English says {_names(group, missing)} where the translation says "
                   f"{_names(group, extra)}")


def _names(group: Group, concepts: list[str]) -> str:
    return " and ".join(f"'{group.labels[c]}'" for c in concepts)


def check_anatomy(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A body part, organ or body function of the English became another in the
    translation: one named less often than in the English, and one the English never
    names appears (a page naming the spine four times still shows "vertebra" → "rib")."""
    for group, en, tr in _compare(entry, ctx, "anatomy"):
        fewer = sorted(c for c in en if tr[c] < en[c])
        new = sorted(set(tr) - set(en))
        if fewer and new:
            yield (f"the English says {_names(group, fewer)} where the translation says "
                   f"{_names(group, new)}")


def check_quantity(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A quantifier changed (all, both, some, most, few, many): "some" became "all"."""
    yield from _swap("quantity", entry, ctx)


def check_quantity_dropped(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """The English has a quantifier and the translation none ("some patients" → "patients")."""
    for group, en, tr in _compare(entry, ctx, "quantity"):
        if en and not tr:
            yield f"the English says {_names(group, sorted(en))}; the translation has no quantifier"


def check_polarity(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """One side of an opposite pair became the other (benign/malignant, high/low, more/less,
    child/adult, increase/decrease, inside/outside, permanent/temporary …)."""
    for group, en, tr in _compare(entry, ctx, "polarity"):
        for one, other in (("a", "b"), ("b", "a")):
            # "b" gained where "a" was lost, or "a or b" became "b" alone.
            alone = group.either and not tr[one] and tr[other] and en[other]
            if tr[one] < en[one] and (tr[other] > en[other] or alone):
                yield (f"the English says '{group.labels[one]}' where the translation says "
                       f"'{group.labels[other]}'")
                return


# Arabic قد before a past verb affirms ("كان الورم قد انتشر": the tumour *has* spread).
_AR_PAST_QAD = re.compile(r"(?:كان|كانت|كانوا)\s+(?:\S+\s+){0,2}?قد(?!\w)")
_SENTENCE_END = re.compile(r"[.!?。！？؟]\s*$")


def check_hedges(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A hedge is gone or added: "may", "can", "usually", "rarely" turned into a plain
    statement, or a plain statement hedged. Compared over the whole entry, so sentences
    merged or split in translation do not matter; "sometimes" and "may" stand for each
    other."""
    code = base(ctx.lang.gettext)
    en_lex, tr_lex = lexicon(ENGLISH), lexicon(code)
    if en_lex is None or tr_lex is None or not entry.msgstr.strip():
        return
    source, target = entry.msgid, entry.msgstr
    if code == "ar":
        target = _AR_PAST_QAD.sub("كان", normalise(target, code))
    may_en = count(source, en_lex.possible, en_lex, en_lex.modal_except)
    may_tr = count(target, tr_lex.possible, tr_lex, tr_lex.modal_except)
    src, dst = sentences(source), sentences(target)
    if len(src) == len(dst) > 1:  # same sentences: a hedge lost in one of them shows
        often = groups("frequency", code)
        for s, d in zip(src, dst, strict=True):
            if often and "sometimes" in named(d, often[0][1], code):
                continue  # "peut ne … pas" ↔ "ne … parfois pas"
            if (count(s, en_lex.possible, en_lex, en_lex.modal_except)
                    and not count(d, tr_lex.possible, tr_lex, tr_lex.modal_except)
                    and not count(d, tr_lex.necessary, tr_lex, tr_lex.modal_except)):
                yield "the English hedges ('may', 'can'); the translation states it as a fact"
                return
    for group, en, tr in _compare(entry, ctx, "frequency"):
        missing = sorted(set(en) - set(tr) - ({"sometimes"} if may_tr else set()))
        extra = sorted(set(tr) - set(en) - ({"sometimes"} if may_en else set()))
        if missing:
            yield f"the English says {_names(group, missing)}; the translation does not"
            return
        if extra:
            yield f"the translation says {_names(group, extra)}; the English does not"
            return
    must_tr = count(target, tr_lex.necessary, tr_lex, tr_lex.modal_except)
    if may_en and not may_tr and not must_tr:
        yield "the English hedges ('may', 'can'); the translation states it as a fact"
    elif may_tr and not may_en and _SENTENCE_END.search(source):
        # A list item ("Stomach problems, if …") inherits its lead-in's "may include".
        must_en = count(source, en_lex.necessary, en_lex, en_lex.modal_except)
        if not must_en:
            yield "the translation hedges ('may', 'can') what the English states as a fact"
