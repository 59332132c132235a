"""Deceptive translations: text that would show the reader something else than the reviewer saw.

Decided on the decoded text (character references resolved) by Unicode category: bidi
controls, invisible and blank characters, letters posing as digits, and phone numbers, URLs or
e-mail addresses a translation adds. The renderer shows the English block instead."""

from __future__ import annotations

import html
import re
import unicodedata

from pipeline import patterns

_NOT_PLAIN = re.compile(r"[^\x20-\x7e\t\n]")


_JOINERS = frozenset("\u200c\u200d")  # ZWNJ/ZWJ: needed inside Persian and Indic words


# Characters that render as nothing without being format characters (Unicode's
# Default_Ignorable_Code_Point, minus category Cf, which is decided by category).
_BLANK = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164"
                    "\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]")


# Letters a reader takes for digits when they sit among digits ("9O1-595-33OO").
_LOOKALIKE = str.maketrans({c: "0" for c in "OoΟοОоՕ"} | {c: "1" for c in "lIΙІӀ|ǀ"})


_ALNUM_RUN = re.compile(r"[^\W_]+")


def hidden(text: str) -> set[str]:
    """What ``text`` holds that a reader cannot see, by Unicode category: bidirectional
    controls, other format characters (zero-width, U+2063…; a joiner inside a word is
    writing, not hiding), control characters, private-use, unassigned and blank ones."""
    found: set[str] = set()
    for m in _NOT_PLAIN.finditer(text):
        c = m.group(0)
        category = unicodedata.category(c)
        if category == "Cf":
            if unicodedata.bidirectional(c) != "BN":
                found.add("a bidirectional control character")
            elif not (c in _JOINERS and _between_letters(text, m.start())):
                found.add(f"an invisible character (U+{ord(c):04X})")
        elif category in ("Cc", "Co", "Cn", "Cs") or _BLANK.match(c):
            found.add(f"an invisible or control character (U+{ord(c):04X})")
    return found


def _between_letters(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()


_NUMERIC_REF = re.compile(r"&#(?:[xX]([0-9A-Fa-f]{1,8})|([0-9]{1,10}));")


def decoded(text: str) -> str:
    """The text as a reader gets it: character references (``&rlm;``, ``&#48;``) decoded,
    as the Markdown renderer and the browser decode them. A numeric reference becomes its
    code point even where HTML would drop or replace it (``&#x7F;``), so it is judged."""
    if "&" not in text:
        return text

    def number(m: re.Match[str]) -> str:
        n = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        return chr(n) if n <= 0x10FFFF else "\ufffd"

    return html.unescape(_NUMERIC_REF.sub(number, text))


def ascii_digits(text: str) -> str:
    """Any script's digits as ASCII ("٩٠١" → "901"): the same number for a reader."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c
                   for c in text)


def lookalike_numbers(text: str) -> set[str]:
    """Numbers written partly with letters that look like digits ("9O1", "33OO")."""
    found = set()
    for m in _ALNUM_RUN.finditer(text):
        run = m.group(0)
        if any(c.isdigit() for c in run) and not run.isdigit():
            skeleton = run.translate(_LOOKALIKE)
            if skeleton.isdigit():
                found.add(run)
    return found


def deceptive(source: str, translation: str) -> str | None:
    """Why ``translation`` could mislead a reader where the English would not, or None.

    Decided on the text as rendered (character references decoded). Bidi controls can
    reverse a phone number's digits; invisible characters can hide inside one; letters can
    pose as digits; a phone number, URL or e-mail address the English lacks may be someone
    else's.
    """
    source, translation = decoded(source), decoded(translation)
    extra_hidden = hidden(translation) - hidden(source)
    if extra_hidden:
        return f"translation holds {sorted(extra_hidden)[0]}"
    posing = lookalike_numbers(translation) - lookalike_numbers(source)
    if posing:
        return f"translation writes the number {sorted(posing)[0]!r} with look-alike letters"
    for pattern, what in ((patterns.PHONE_RE, "phone number"), (patterns.URL_RE, "URL"),
                          (patterns.EMAIL_RE, "e-mail address")):
        extra = (set(map(ascii_digits, pattern.findall(translation)))
                 - set(map(ascii_digits, pattern.findall(source))))
        if extra:
            return f"translation adds the {what} {sorted(extra)[0]!r}"
    # A run of 3+ digits the English lacks: "(888) 226-9999" as a link's text, a dose.
    extra_digits = {d for d in digit_runs(translation) - digit_runs(source) if len(d) >= 3}
    if extra_digits:
        return f"translation has the number {sorted(extra_digits)[0]} the English lacks"
    return None


def digit_runs(text: str) -> set[str]:
    """Runs of digits, any script's digits read as ASCII ("٤٣" → "43")."""
    runs = set()
    for m in re.finditer(r"\d+", text):
        runs.add("".join(str(unicodedata.digit(c)) for c in m.group(0)))
    return runs
