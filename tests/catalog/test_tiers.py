"""Risk tiers as pure functions: what a page still waits for, from its entries, the review
policy and its front matter (``review: clinical``)."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from conftest import GETTEXT, SIGNED

from pipeline.catalog import tiers
from pipeline.catalog.entry import CLINICAL, mark_draft, sign
from pipeline.errors import SourceError


def entries(n: int = 3) -> list[polib.POEntry]:
    return [polib.POEntry(msgid=f"Sentence {i}.", msgstr=f"Frase {i}.") for i in range(n)]


def test_tier_from_front_matter() -> None:
    assert tiers.tier({"title": "x"}) == tiers.STANDARD
    assert tiers.tier({"review": " Clinical "}) == tiers.CLINICAL
    with pytest.raises(SourceError, match="the only tier is 'review: clinical'") as caught:
        tiers.tier({"review": "doctor"}, Path("page.md"))
    assert str(caught.value).startswith("page.md: ")


def test_a_standard_page_waits_only_for_revision() -> None:
    found = entries()
    mark_draft(found[0])
    waits = tiers.waits(found, GETTEXT, tiers.STANDARD)
    assert (waits.total, waits.revision, waits.clinical, waits.clear) == (3, 1, 0, False)
    assert waits.describe() == "1 of 3 strings wait for a reviser"


def test_a_clinical_page_waits_for_a_clinician_over_each_current_text() -> None:
    found = entries()
    for e in found:
        sign(e, "Ana", "2026-12-01")
    assert tiers.waits(found, SIGNED, tiers.CLINICAL).clinical == 3
    for e in found:
        sign(e, "Dr Gil", "2026-12-02", role=CLINICAL)
    assert tiers.waits(found, SIGNED, tiers.CLINICAL).clear
    found[1].msgstr = "Frase cambiada."  # after both sign-offs: neither holds any more
    waits = tiers.waits(found, SIGNED, tiers.CLINICAL)
    assert (waits.revision, waits.clinical) == (1, 0)
    sign(found[1], "Ana", "2026-12-03")  # revised again: still waits for the clinician
    assert tiers.waits(found, SIGNED, tiers.CLINICAL).as_dict() == {
        "tier": "clinical", "revision": 0, "clinical": 1, "clear": False}
    assert not tiers.cleared(found[1], SIGNED, tiers.CLINICAL)
    assert tiers.cleared(found[1], SIGNED, tiers.STANDARD)


def test_a_clinical_sign_off_alone_is_not_a_revision() -> None:
    e = entries(1)[0]
    sign(e, "Dr Gil", "2026-12-02", role=CLINICAL)
    assert not tiers.cleared(e, SIGNED, tiers.CLINICAL)  # with sign-off: no reviser's
    assert tiers.waits([e], SIGNED, tiers.CLINICAL).revision == 1


def test_obsolete_entries_do_not_count() -> None:
    found = entries(2)
    found[0].obsolete = True
    assert tiers.waits(found, GETTEXT, tiers.CLINICAL).total == 1
