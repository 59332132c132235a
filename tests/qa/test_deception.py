"""deceptive() decides on the text a reader gets (character references decoded) and by
Unicode category, not by a list of known characters."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.qa.deception import deceptive

SOURCE = "Fax: 901-595-4011"
PHONE = "901-595-4011"

_HIDDEN = st.characters(categories=["Cf", "Co", "Cn"]) | st.characters(
    categories=["Cc"], exclude_characters="\t\n")


@settings(max_examples=300, deadline=None)
@given(_HIDDEN, st.integers(min_value=1, max_value=len(PHONE) - 1), st.booleans())
def test_any_hidden_character_in_a_number_is_deceptive(char: str, at: int,
                                                        as_reference: bool) -> None:
    inserted = f"&#x{ord(char):X};" if as_reference else char
    translation = "Fax: " + PHONE[:at] + inserted + PHONE[at:]
    assert deceptive(SOURCE, translation) is not None, (unicodedata.name(char, "?"), at)


@pytest.mark.parametrize("ref", ["&rlm;", "&lrm;", "&ZeroWidthSpace;", "&zwj;", "&zwnj;",
                                 "&NoBreak;", "&InvisibleTimes;", "&ic;", "&shy;",
                                 "&#8203;", "&#x200F;", "&#x2067;"])
def test_named_and_numeric_references_are_decoded_first(ref: str) -> None:
    assert deceptive(SOURCE, f"Fax: 901-595{ref}-4011") is not None


def test_digits_written_as_references_are_read_as_digits() -> None:
    assert deceptive(SOURCE, "Fax: &#57;&#48;&#49;-595-4011") is None  # same number
    assert deceptive(SOURCE, "Fax: 901-595-&#52;&#48;&#48;&#48;") is not None  # another


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from([i for i, c in enumerate(PHONE) if c in "01"]), min_size=1),
       st.sampled_from(["O", "o", "Ο", "О", "l", "I", "Ι", "І"]))
def test_letters_posing_as_digits_are_deceptive(positions: set[int], letter: str) -> None:
    lookalike = {"0": "OoΟО", "1": "lIΙІ"}
    chars = list(PHONE)
    for i in positions:
        options = lookalike[chars[i]]
        chars[i] = letter if letter in options else options[0]
    assert deceptive(SOURCE, "Fax: " + "".join(chars)) is not None


@pytest.mark.parametrize("translation", [
    "Fax\u00a0: 901-595-4011",  # French no-break space before a colon
    "Fax\u202f: 901-595-4011",  # French narrow no-break space
    "فاکس\u200cها: 901-595-4011",  # Persian: a zero-width non-joiner inside a word
    "Faks (H2O-safe): 901-595-4011",  # letters and digits that are no number
    "Fax: ٩٠١-٥٩٥-٤٠١١",  # the same number in Arabic-Indic digits
])
def test_ordinary_writing_is_not_deceptive(translation: str) -> None:
    assert deceptive(SOURCE, translation) is None
