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
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import polib

if TYPE_CHECKING:
    from pipeline.checks import Context

ENGLISH = "en"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.U)
_DIGITS = re.compile(r"\d+")
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ARABIC_PREFIXES = ("و", "ف", "ب", "ل", "ك")
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_ZH_NUMERAL = re.compile(f"[{''.join(_ZH_DIGITS)}{''.join(_ZH_UNITS)}]+")
# A sentence ends at . ! ? ؟ before a space or the end (not in "St. Jude" or "U.S. law"),
# or at a CJK full stop; a colon before a list is not an end.
_SENTENCE = re.compile(r"(?<!\b[A-Z][a-z])(?<!\b[A-Z])(?<![A-Z]\.[A-Z])[.!?؟](?=\s+\S|$)|[。！？]")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One language's word lists, normalised (see :func:`normalise`)."""

    code: str
    spaced: bool
    negation: tuple[str, ...]
    negation_except: tuple[str, ...]
    before: tuple[str, ...]
    after: tuple[str, ...]
    sequence_except: tuple[str, ...]
    possible: tuple[str, ...]
    necessary: tuple[str, ...]
    cannot: tuple[str, ...]
    modal_except: tuple[str, ...]
    particles: tuple[str, ...]
    """Negation particles that negate only with another word ("ne" … "pas"); alone they
    count (literary "ne", "ne … plus"), before a ``restrictive`` word they do not."""
    restrictive: tuple[str, ...]
    conjunctions: tuple[str, ...]
    list_intro: tuple[str, ...]
    """Words that open a list ("such as", "como"): a comma before them starts no item."""
    number_except: tuple[str, ...]
    numbers: dict[tuple[str, ...], int]
    ratio: float
    known: frozenset[str]
    """Every single word a list holds (Arabic clitics come off only to reach one)."""


def normalise(text: str, code: str) -> str:
    """Lower case, NFC; Arabic without diacritics or tatweel, one alef, ة as ه, ى as ي.

    >>> normalise("أربعة", "ar")
    'اربعه'
    """
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'")
    if code == "ar":
        text = _ARABIC_MARKS.sub("", text)
        text = re.sub("[أإآٱ]", "ا", text).replace("ة", "ه").replace("ى", "ي")
    return text


@cache
def _data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("meaning_words.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def lexicon(base: str) -> Lexicon | None:
    """The word lists for a language (``es``, ``zh`` …), or None when it has none."""
    raw = _data().get(base)
    if raw is None:
        return None

    def words(key: str) -> tuple[str, ...]:
        return tuple(normalise(w, base) for w in raw.get(key, []))

    lists = {key: words(key) for key in ("negation", "before", "after", "possible", "necessary")}
    numbers = _number_table(base, raw)
    known = frozenset(w for ws in lists.values() for w in ws if " " not in w)
    return Lexicon(
        code=base,
        spaced=base != "zh",
        negation=words("negation"),
        negation_except=words("except"),
        before=words("before"),
        after=words("after"),
        sequence_except=words("sequence_except"),
        possible=words("possible"),
        necessary=words("necessary"),
        cannot=words("cannot"),
        modal_except=words("modal_except"),
        particles=words("particles"),
        restrictive=words("restrictive"),
        conjunctions=words("conjunctions"),
        list_intro=words("list_intro"),
        number_except=words("number_except"),
        numbers=numbers,
        ratio=float(raw.get("ratio", 1.0)),
        known=known | {word for key in numbers for word in key},
    )


def _number_table(base: str, raw: dict[str, Any]) -> dict[tuple[str, ...], int]:
    """Word sequence → value: num2words' cardinals 2–100, hundreds, thousand and ordinals
    2–20 (feminine forms too), the language's extra words, minus ambiguous ones.

    One is left out everywhere: "one", "un", "une", 一 are articles and pronouns far more
    often than numbers, so "a" ↔ "one" can never be told apart.
    """
    forms: dict[str, int] = {}
    if base != "zh":
        from num2words import CONVERTER_CLASSES, num2words

        if base in CONVERTER_CLASSES:
            for n in [*range(2, 101), *range(200, 1001, 100)]:
                forms[num2words(n, lang=base)] = n
            for n in range(2, 21):
                word = num2words(n, lang=base, to="ordinal")
                forms[word] = n
                if base in ("es", "ca", "fr") or word.endswith("o"):
                    forms[_feminine(word, base)] = n
    for word, value in raw.get("numbers", {}).items():
        forms[word] = int(value)
    joiner = raw.get("compound")
    if joiner:  # cardinals only: "vinte e catro", never "vinte e cuarto"
        tens = {w: v for w, v in forms.items() if v in range(20, 100, 10)}
        units = {w: v for w, v in forms.items() if 2 <= v <= 9}
        for tw, tv in tens.items():
            for uw, uv in {**units, "un": 1, "unha": 1}.items():
                forms[f"{tw} {joiner} {uw}"] = tv + uv
    for word, value in raw.get("ordinals", {}).items():
        forms[word] = int(value)
    ambiguous = {normalise(w, base) for w in raw.get("ambiguous", [])}
    table: dict[tuple[str, ...], int] = {}
    for word, value in forms.items():
        key = tuple(t for t in _WORD.findall(normalise(word, base))
                    if not (base == "ar" and t == "و"))
        if key and " ".join(key) not in ambiguous:
            table[key] = value
    return table


def _feminine(word: str, base: str) -> str:
    if base == "fr":
        return word + "e" if word == "second" else word
    if word.endswith("o"):
        return word[:-1] + "a"
    return word + "a" if base in ("es", "ca") and word[-1:] not in "ae" else word


# ---- reading a text ---------------------------------------------------------------

def words(text: str, lex: Lexicon) -> list[str]:
    """Normalised words; Arabic words lose a clitic or article when that reveals a listed word.

    >>> words("ولا يؤثر", lexicon("ar"))  # doctest: +SKIP
    ['لا', 'يؤثر']
    """
    text = normalise(text, lex.code).replace("n't", " n't")
    tokens = re.findall(r"n't|" + _WORD.pattern, text)
    if lex.code != ENGLISH:  # elision is its own word: "n'est" is "ne est", "s'ha" "se ha"
        tokens = [part for token in tokens for part in token.split("'") if part]
    if lex.code != "ar":
        return tokens
    return [_arabic_base(token, lex.known) for token in tokens]


def _arabic_base(token: str, known: frozenset[str]) -> str:
    if token in known:
        return token
    candidates = [token]
    for prefix in _ARABIC_PREFIXES:
        if token.startswith(prefix) and len(token) > 2:
            candidates.append(token[1:])
            if token[1:2] in _ARABIC_PREFIXES and len(token) > 3:
                candidates.append(token[2:])
    for c in list(candidates):
        if c.startswith("ال") and len(c) > 3:
            candidates.append(c[2:])
    return next((c for c in candidates if c in known), token)


def count(text: str, terms: tuple[str, ...], lex: Lexicon,
          exceptions: tuple[str, ...] = ()) -> int:
    """How often the terms occur in ``text`` (whole words; Chinese: longest match first)."""
    if not terms:
        return 0
    if not lex.spaced:
        text = normalise(text, lex.code)
        for skip in exceptions:
            text = text.replace(skip, "\x00")
        total = 0
        for term in sorted(terms, key=len, reverse=True):
            total += text.count(term)
            text = text.replace(term, "\x00")
        return total
    joined = f" {' '.join(words(text, lex))} "
    for skip in exceptions:
        joined = joined.replace(f" {skip} ", " \x00 ")
    return sum(joined.count(f" {term} ") for term in terms)


def sentences(text: str) -> list[str]:
    """The text cut after each sentence end."""
    text = text.strip()  # once: stripping inside the loop made long texts quadratic
    parts, start = [], 0
    for m in _SENTENCE.finditer(text):
        parts.append(text[start:m.end()])
        start = m.end()
    return [p for p in [*parts, text[start:]] if p.strip()]


def number_values(text: str, lex: Lexicon) -> tuple[set[int], set[int]]:
    """(values written in digits, values written in words) — any script's digits."""
    digits = {int("".join(str(unicodedata.digit(c)) for c in m.group(0)))
              for m in _DIGITS.finditer(text)}
    spelled: set[int] = set()
    if lex.code == "zh":
        plain = normalise(text, "zh")
        for skip in lex.number_except:
            plain = plain.replace(skip, " ")
        spelled = {v for m in _ZH_NUMERAL.finditer(plain) if (v := _zh_value(m.group(0))) > 1}
    tokens = words(text, lex)
    longest = max((len(k) for k in lex.numbers), default=0)
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            value = lex.numbers.get(tuple(tokens[i:i + size]))
            if value is not None:
                spelled.add(value)
                i += size
                break
        else:
            i += 1
    return digits, spelled


def unspelled(numbers: list[str], other: str, base: str) -> list[str]:
    """The digit strings among ``numbers`` whose value ``other`` does not spell in words.

    >>> unspelled(["3", "4"], "tres horas", "es")
    ['4']
    """
    lex = lexicon(base)
    if lex is None or not numbers:
        return numbers
    spelled = number_values(other, lex)[1]
    return [n for n in numbers if not (n.isdigit() and int(n) in spelled)]


def _zh_value(numeral: str) -> int:
    """A Chinese numeral's value: 二十四 → 24, 两 → 2, 一万二千 → 12000."""
    total = section = digit = 0
    for ch in numeral:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in ("万", "亿"):
            total += (section + digit) * _ZH_UNITS[ch]
            section = digit = 0
        else:
            section += (digit or 1) * _ZH_UNITS[ch]
            digit = 0
    return total + section + digit


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
