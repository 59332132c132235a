"""Every pattern applied to untrusted text runs in linear time: megabyte-sized pathological
translations go through every check, the deception filter, protect and restore in seconds
(before: a 40 KB ``1-1-1-…`` took 9 s, so a megabyte took hours)."""

from __future__ import annotations

import contextlib
import time

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import patterns
from pipeline.catalog.glossary import Glossary, GlossaryTerm
from pipeline.config import parse_language
from pipeline.mt.protect import protect, restore
from pipeline.qa.checks import CHECKS, check_numbers
from pipeline.qa.deception import deceptive
from pipeline.qa.findings import Context

MB = 1_000_000
BUDGET = 30.0  # seconds for one input through everything (measured ≤ 6 s); quadratic: hours
CTX = Context(parse_language("es"), Glossary((GlossaryTerm("St. Jude", None, None),)))
SOURCE = "Call (901) 595-3300 or write to info@example.org, see https://example.org."
# Pieces that made a pattern rescan the rest of the text from every position.
UNITS = ["a.", "1.", "1-", "a@", "a@a.", "<a ", "<a", "[", "![a](", "](a \"", "http://.",
         "on", "a a ", "`", "\\", " ", ". ", "+1 ", "(1", "&#", "%(", "zx1qz "]


def everything(text: str) -> float:
    """Seconds to run ``text`` as a translation through every check, deceptive(), protect()
    and restore(), and as an English source through deceptive()."""
    began = time.perf_counter()
    entry = polib.POEntry(msgid=SOURCE, msgstr=text)
    for _, check in CHECKS.values():
        list(check(entry, CTX))
    deceptive(SOURCE, text)
    deceptive(text, SOURCE)
    prot = protect(SOURCE, CTX.glossary.terms)
    with contextlib.suppress(ValueError):
        restore(text, prot)
    protect(text, CTX.glossary.terms)
    return time.perf_counter() - began


@pytest.mark.parametrize("unit", UNITS)
def test_a_megabyte_of_one_pathological_piece_runs_in_seconds(unit: str) -> None:
    text = (unit * (MB // len(unit) + 1))[:MB]
    assert everything(text) < BUDGET


def test_the_reported_email_attack_runs_in_seconds() -> None:
    text = "a." * 200_000 + "a"  # 400 KB: minutes before
    assert everything(text) < BUDGET / 2


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(UNITS + ["x", "@", "]", ")", "(", "<", ">", "-"]),
                min_size=1, max_size=8))
def test_random_mixes_of_pathological_pieces_run_in_seconds(pieces: list[str]) -> None:
    unit = "".join(pieces)
    text = (unit * (300_000 // len(unit) + 1))[:300_000]
    assert everything(text) < BUDGET


def test_protect_and_checks_agree_on_what_a_phone_number_is() -> None:
    for phone in ("(901) 595-3300", "1-866-278-5833", "+34 91 123 45 67", "901.595.3300"):
        assert patterns.PHONE_RE.fullmatch(phone), phone
        assert phone in protect(f"Call {phone} today.").values
        entry = polib.POEntry(msgid=f"Call {phone}.", msgstr=f"Llame al {phone[:-1]}9.")
        assert any("phone" in m for m in check_numbers(entry, CTX)), phone


def test_shared_patterns_still_find_what_they_should() -> None:
    text = "Write a.b+c@st-jude.org or see https://example.org/x_(y). 1,500 mg"
    assert patterns.EMAIL_RE.findall(text) == ["a.b+c@st-jude.org"]
    assert patterns.WEB_URL_RE.findall(text) == ["https://example.org/x_"]
    assert patterns.NUMBER_RE.findall(text) == ["1,500"]
    assert deceptive("Write to us.", "Escriba a evil@example.com.") is not None
