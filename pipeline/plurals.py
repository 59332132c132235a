"""Plural-Forms rules that follow gettext: classic rules for new catalogs, comparison by value.

A catalog's ``Plural-Forms`` is the translator's: it is valid when it is well-formed and every
plural entry has exactly ``nplurals`` forms. Two rules are the same rule when they compute the
same form for every ``n`` we try (equivalent formulas are equal), so a catalog written under one
Babel/CLDR version is not an error under another.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.config import Language
from pipeline.syntax import MAX_NPLURALS

# GNU gettext's own table (gettext-tools/src/plural-table.c, as `msginit` writes it; a test
# compares each entry with msginit where it is installed), so that `init` writes what msginit,
# Poedit and Lokalize write and new catalogs agree with old ones of the same language.
GNU_RULES: dict[str, str] = {
    "be": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "bg": "nplurals=2; plural=(n != 1);",
    "cs": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "da": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "el": "nplurals=2; plural=(n != 1);",
    "en": "nplurals=2; plural=(n != 1);",
    "eo": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "et": "nplurals=2; plural=(n != 1);",
    "fi": "nplurals=2; plural=(n != 1);",
    "fo": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "ga": "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;",
    "he": "nplurals=2; plural=(n != 1);",
    "hr": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "hu": "nplurals=2; plural=(n != 1);",
    "it": "nplurals=2; plural=(n != 1);",
    "ja": "nplurals=1; plural=0;",
    "ko": "nplurals=1; plural=0;",
    "lt": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "nb": "nplurals=2; plural=(n != 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "nn": "nplurals=2; plural=(n != 1);",
    "no": "nplurals=2; plural=(n != 1);",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "pt": "nplurals=2; plural=(n != 1);",
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "ro": "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "sk": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
    "sr": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "sv": "nplurals=2; plural=(n != 1);",
    "tr": "nplurals=2; plural=(n != 1);",
    "uk": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "vi": "nplurals=1; plural=0;",
}

# Languages msginit has no entry for, frozen here so that the rule `init` writes does not move
# with the installed Babel's CLDR version (CLDR 42 gave ca, es, fr, it, pt a third "many" form).
# These are the rules the CLDR data before version 42 gave, as the catalogs translators use.
STABLE_RULES: dict[str, str] = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 ? 4 : 5);",
    "ca": "nplurals=2; plural=(n != 1);",
    "gl": "nplurals=2; plural=(n != 1);",
    "zh": "nplurals=1; plural=0;",
    "id": "nplurals=1; plural=0;",
    "th": "nplurals=1; plural=0;",
    "ms": "nplurals=1; plural=0;",
}

# Every n from 0 to 1,199, then the round and near-round numbers where CLDR rules differ.
SAMPLES: tuple[int, ...] = tuple(range(1200)) + tuple(
    base * 10**k + d for k in range(3, 10) for base in (1, 2, 5) for d in (0, 1, 2, 11)
)

_HEADER = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", re.S)


@dataclass(frozen=True, slots=True)
class PluralRule:
    """A parsed ``Plural-Forms`` value: the count of forms and the form for each sample n."""

    text: str
    nplurals: int
    forms: tuple[int, ...]

    def same_as(self, other: PluralRule) -> bool:
        """Equal by what they compute: same count and the same form for every sample n.

        >>> one = parse_rule("nplurals=2; plural=n!=1;")
        >>> one.same_as(parse_rule("nplurals=2; plural=(n>1 || n==0);"))
        True
        """
        return self.nplurals == other.nplurals and self.forms == other.forms


class PluralError(ValueError):
    """A ``Plural-Forms`` value that gettext could not use; the message says why."""


@lru_cache(maxsize=64)
def parse_rule(text: str) -> PluralRule:
    """Parse and evaluate a ``Plural-Forms`` value; raise ``PluralError`` naming the fault.

    >>> parse_rule("nplurals=1; plural=0;").forms[:3]
    (0, 0, 0)
    """
    m = _HEADER.match(text)
    if not m:
        raise PluralError("is not 'nplurals=N; plural=EXPRESSION;'")
    nplurals = int(m.group(1))
    if not 1 <= nplurals <= MAX_NPLURALS:
        raise PluralError(f"nplurals={nplurals} is outside 1..{MAX_NPLURALS}")
    try:
        # The standard library's own C-expression compiler for plural formulas: it accepts
        # exactly gettext's grammar and refuses anything else (no eval of arbitrary text).
        formula: Callable[[int], int] = gettext.c2py(m.group(2))
        forms = tuple(int(formula(n)) for n in SAMPLES)
    except (ValueError, SyntaxError, RecursionError, ZeroDivisionError) as exc:
        raise PluralError(f"the plural expression is not valid C: {exc}") from None
    bad = next((n for n, f in zip(SAMPLES, forms, strict=True) if not 0 <= f < nplurals), None)
    if bad is not None:
        raise PluralError(f"gives form {formula(bad)} for n={bad}, but nplurals is {nplurals}")
    return PluralRule(" ".join(text.split()), nplurals, forms)


def classic_rule(lang: Language) -> str:
    """The rule `init` writes: GNU gettext's where it has one, else ours, else Babel's."""
    for key in (lang.gettext, lang.gettext.split("_")[0]):
        if key in GNU_RULES:
            return GNU_RULES[key]
        if key in STABLE_RULES:
            return STABLE_RULES[key]
    return babel_rule(lang)


def babel_rule(lang: Language) -> str:
    """The rule the installed Babel's CLDR data gives (it changes between Babel versions)."""
    from babel.messages.plurals import get_plural

    return str(get_plural(lang.gettext).plural_forms)


def known_rules(lang: Language) -> list[PluralRule]:
    """Rules that count as 'the expected rule' for the language: classic and current CLDR."""
    return [parse_rule(text) for text in dict.fromkeys((classic_rule(lang), babel_rule(lang)))]


@dataclass(frozen=True, slots=True)
class HeaderFinding:
    """One problem with a catalog's plural rule: ``error`` makes the catalog invalid."""

    error: bool
    message: str


def check_plural_header(value: str, lang: Language,
                        plural_form_counts: Iterable[int]) -> list[HeaderFinding]:
    """Findings for a catalog's ``Plural-Forms`` value against its language and its entries.

    Malformed, or inconsistent with the entries (a plural entry with a different number of
    forms): error. Well-formed but different from every known rule of the language: warning.
    """
    counts = sorted(set(plural_form_counts))
    if not value.strip():
        if counts:
            return [HeaderFinding(True, "header Plural-Forms is missing but the catalog has "
                                        f"plural entries; add '{classic_rule(lang)}'")]
        return []
    try:
        rule = parse_rule(value)
    except PluralError as exc:
        return [HeaderFinding(True, f"header Plural-Forms {exc}; "
                                    f"the usual rule is '{classic_rule(lang)}'")]
    found = [HeaderFinding(True, f"a plural entry has {n} forms, but Plural-Forms says "
                                 f"nplurals={rule.nplurals}")
             for n in counts if n != rule.nplurals]
    if not any(rule.same_as(known) for known in known_rules(lang)):
        found.append(HeaderFinding(False, f"header Plural-Forms '{rule.text}' differs from "
                                          f"the usual rule for {lang.gettext}, "
                                          f"'{classic_rule(lang)}'"))
    return found
