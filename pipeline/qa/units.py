"""Units of time, dose and measure, named from CLDR through Babel (``babel.units``), and the
check that compares them by unit and by value between the English and the translation.

"24 hours" ↔ "24 horas" ↔ "24 小时" ↔ "24 ساعة" agree; "24 hours" → "24 días" (another
unit) or "2 weeks" → "3 semanas" (another value for the unit) do not. Dose words CLDR lacks
("dose", "tablet") come from ``meaning_kinds.toml`` (``[units.*]``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

import polib

from pipeline.qa.kinds import base, kinds_data
from pipeline.qa.lexicon import ENGLISH, Lexicon, lexicon, normalise, number_values
from pipeline.qa.matcher import Terms

if TYPE_CHECKING:
    from pipeline.qa.findings import Context

CLDR_UNITS = ("duration-second", "duration-minute", "duration-hour", "duration-day",
              "duration-week", "duration-month", "duration-year", "mass-microgram",
              "mass-milligram", "mass-gram", "mass-kilogram", "volume-milliliter",
              "volume-liter", "length-millimeter", "length-centimeter", "length-meter",
              "temperature-celsius", "temperature-fahrenheit")
"""The CLDR units a patient page may state (time, dose, size, temperature)."""

_LOCALE = {"zh": "zh_Hans"}
_SAMPLES = (0, 1, 2, 3, 5, 11, 100, 1.5)


@cache
def unit_terms(code: str) -> tuple[tuple[str, str], ...]:
    """(word, unit) for one language, longest first: CLDR's long and short names in every
    plural form (numbers taken out), plus the ``[units.*]`` words of the data file."""
    from babel.core import UnknownLocaleError
    from babel.numbers import format_decimal
    from babel.units import format_unit

    found: dict[str, str] = {}
    for unit in CLDR_UNITS:
        name = unit.split("-", 1)[1]
        for length in ("long", "short"):
            for n in _SAMPLES:
                try:
                    text = format_unit(n, unit, length=length, locale=_LOCALE.get(code, code))
                except (UnknownLocaleError, ValueError):
                    continue
                word = text.replace(format_decimal(n, locale=_LOCALE.get(code, code)), " ")
                word = re.sub(r"[\d\s\u00a0\u202f.,]+", " ", word).strip()
                if len(word) >= 2 or (code == "zh" and word):
                    found.setdefault(normalise(word, code), name)
    for name, words in kinds_data().get("units", {}).items():
        for word in words.get(code, []):
            found.setdefault(normalise(word, code), name)
    return tuple(sorted(found.items(), key=lambda t: -len(t[0])))


@cache
def _compiled(code: str) -> tuple[Terms, tuple[tuple[str, str], ...]]:
    terms = unit_terms(code)
    return Terms([w for w, _ in terms], code), terms


_NUMBER_BEFORE = re.compile(r"(\d+(?:[.,]\d+)?|[^\W\d_]+)[\s\u00a0\u202f-]*[个個]?$")


def units_named(text: str, code: str) -> list[tuple[str, int | None]]:
    """(unit, value) for each unit named in ``text``; the value is the number written just
    before it (digits or words), else None."""
    text = normalise(text, code)
    lex = lexicon(code)
    matcher, terms = _compiled(code)
    found: list[tuple[str, int | None]] = []
    for start, index in matcher.finditer(text):
        word, unit = terms[index]
        value = _value_before(text[max(0, start - 24):start], lex)
        # A one-character Chinese unit (天, 年, 分) is a unit only after a number.
        if value is not None or code != "zh" or len(word) > 1:
            found.append((unit, value))
    return found


_ZH_NUMERALS = "一二两三四五六七八九十百千万"


def _value_before(head: str, lex: Lexicon | None) -> int | None:
    m = _NUMBER_BEFORE.search(head)
    if m is None:
        return None
    token = m.group(1)
    if token.isdigit():
        return int(token)
    if token[-1:] in _ZH_NUMERALS:
        values = number_values(token[-4:], lex)[1] if lex is not None else set()
        return max(values) if values else (1 if token[-1] == "一" else None)
    if lex is not None:  # "vingt-quatre heures": the words just before, read together
        values = number_values(" ".join(re.findall(r"[^\W\d_]+", head)[-3:]), lex)[1]
        if values:
            return max(values)
    return None


def check_units(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A unit of time, dose or measure changed (hours → days), or the value stated with a
    unit changed (2 weeks → 3 weeks)."""
    code = base(ctx.lang.gettext)
    if lexicon(code) is None or not entry.msgstr.strip():
        return
    en, tr = units_named(entry.msgid, ENGLISH), units_named(entry.msgstr, code)
    en_units, tr_units = {u for u, _ in en}, {u for u, _ in tr}
    missing, extra = sorted(en_units - tr_units), sorted(tr_units - en_units)
    if missing and extra:
        yield (f"the English says {', '.join(missing)} where the translation says "
               f"{', '.join(extra)}")
        return
    for unit in sorted(en_units & tr_units):
        a = {v for u, v in en if u == unit and v is not None}
        b = {v for u, v in tr if u == unit and v is not None}
        if a and b and a != b:
            yield (f"{unit}: the English says {', '.join(map(str, sorted(a)))}, the "
                   f"translation {', '.join(map(str, sorted(b)))}")
            return
