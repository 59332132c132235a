"""Per-language word lists and number words for the meaning checks.

``meaning_words.toml`` holds the words (negation, sequence, modality) per language; numbers
in words come from ``num2words`` tables built once (Galician by hand, Chinese numerals
parsed). A ``Lexicon`` tokenises and counts in its language's way (French elision, Arabic
prefixes)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

ENGLISH = "en"


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.U)


_DIGITS = re.compile(r"\d+")


_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")


_ARABIC_PREFIXES = ("و", "ف", "ب", "ل", "ك")


_ARABIC_ALLA = re.compile(r"(?<!\w)([وف]?)ألا(?!\w)")


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
    one: tuple[str, ...]
    """Phrases that mean the number 1 ("one", "once", "una vez")."""
    one_weak: tuple[str, ...]
    """Words that may mean 1 but mostly are articles; ``*``: any text may (Arabic)."""
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
        # ألا is أن + لا ("that … not"); once the alefs are one, it would read as إلا "except".
        text = _ARABIC_ALLA.sub(r"\1ان لا", text)
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
        one=words("one"),
        one_weak=words("one_weak"),
        ratio=float(raw.get("ratio", 1.0)),
        known=known | {word for key in numbers for word in key} | set(words("whole")),
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
        if any(phrase in plain for phrase in lex.one):
            spelled.add(1)
        return digits, spelled
    tokens = words(text, lex)
    table = {**{tuple(p.split()): 1 for p in lex.one}, **lex.numbers}
    longest = max((len(k) for k in table), default=0)
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            value = table.get(tuple(tokens[i:i + size]))
            if value == 1 and tokens[i + size:i + size + 1] in (["of"], ["de"], ["des"]):
                value = None  # "one of the doctors" picks one out; it counts nothing
            if value is not None:
                spelled.add(value)
                i += size
                break
        else:
            i += 1
    return digits, spelled


def may_be_one(text: str, lex: Lexicon) -> bool:
    """Whether ``text`` holds a word that can mean 1 (an article: "a", "una", 一), so a 1 on
    the other side needs no "one" here."""
    if "*" in lex.one_weak or 1 in number_values(text, lex)[1]:
        return True
    if not lex.spaced:
        return any(w in normalise(text, lex.code) for w in lex.one_weak)
    return count(text, lex.one_weak, lex) > 0


def unspelled(numbers: list[str], other: str, base: str) -> list[str]:
    """The digit strings among ``numbers`` whose value ``other`` does not spell in words;
    a ratio ("1:3") is spelled when each of its parts is ("uno por cada tres"), and a 1 is
    answered by a word that can mean one ("una enfermera").

    >>> unspelled(["3", "4"], "tres horas", "es")
    ['4']
    >>> unspelled(["1:3"], "una enfermera por cada tres pacientes", "es")
    []
    """
    lex = lexicon(base)
    if lex is None or not numbers:
        return numbers
    spelled = number_values(other, lex)[1]
    if may_be_one(other, lex):
        spelled.add(1)
    return [n for n in numbers
            if not all(p.isdigit() and int(p) in spelled for p in n.split(":"))]


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
