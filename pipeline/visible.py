"""What a reader cannot see: control and invisible characters, found, refused, made visible.

A backspace or an escape sequence in a translation can hide a sentence on the reviewer's
terminal while the published page shows it. Control characters (C0 but newline and tab, DEL,
C1) and lone surrogates are never written to a catalog (:func:`refusal`); everything a
terminal would not show as itself — those, format characters such as bidi controls and
zero-width spaces, line and paragraph separators — is shown by name (:func:`visible`).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata

_ALLOWED = frozenset("\n\t")
_NAMES = {
    "\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\x0b": "VT", "\x0c": "FF", "\r": "CR",
    "\x1b": "ESC", "\x7f": "DEL", "\x85": "NEL", "\x9b": "CSI",
    "\u200b": "ZWSP", "\u200c": "ZWNJ", "\u200d": "ZWJ", "\u200e": "LRM", "\u200f": "RLM",
    "\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
    "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI", "\u2060": "WJ",
    "\ufeff": "BOM", "\u00ad": "SHY", "\u061c": "ALM", "\u2028": "LS", "\u2029": "PS",
}


def is_control(ch: str) -> bool:
    """A character no catalog may hold: C0 (but newline, tab), DEL, C1, a lone surrogate.

    >>> is_control("\\b"), is_control("\\n"), is_control("é")
    (True, False, False)
    """
    category = unicodedata.category(ch)
    return (category == "Cc" and ch not in _ALLOWED) or category == "Cs"


def _unseen(ch: str) -> bool:
    return is_control(ch) or unicodedata.category(ch) in ("Cf", "Zl", "Zp")


def name(ch: str) -> str:
    """A short visible name: ``⟨BS⟩``, ``⟨RLO⟩``, ``⟨U+0091⟩``."""
    return f"⟨{_NAMES.get(ch) or f'U+{ord(ch):04X}'}⟩"


def visible(text: str) -> str:
    """``text`` with every character a terminal would not show as itself named in place.

    >>> visible("Give aspirin.\\b\\bNo")
    'Give aspirin.⟨BS⟩⟨BS⟩No'
    """
    return "".join(name(ch) if _unseen(ch) else ch for ch in text)


# What is_control finds, as one search (MT checks every answer: a loop over the characters
# cost about 5 % of Apertium's own time): Unicode's Cc is exactly U+0000–001F and U+007F–009F.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def refusal(text: str) -> str | None:
    """Why ``text`` may not be written to a catalog (its first control character), or None."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    ch, column = found.group(), found.start() + 1
    return (f"control character {name(ch)} (U+{ord(ch):04X}) at column {column}; "
            "it can hide text from the reviewer")


def without_controls(text: str) -> str:
    """``text`` with the control characters taken out (what an editor may start from)."""
    return "".join(ch for ch in text if not is_control(ch))


def short(text: str, width: int = 90) -> str:
    return textwrap.shorten(text, width, placeholder=" …") or repr(text)


def block(text: str) -> str:
    wrapped = textwrap.fill(text, 86, initial_indent="  ", subsequent_indent="  ",
                            break_long_words=False, break_on_hyphens=False)
    return wrapped if text.strip() else "  (empty)"
