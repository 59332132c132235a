"""Peer comparison: Translate Toolkit's ``pofilter`` and our ``check`` on the same planted
faults (``tests/data/qa/faults.po``). Each assertion is a difference observed by running
both tools; if either tool changes, the test says which fact no longer holds."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from conftest import REPO

from pipeline.catalog.glossary import load_glossary, load_phrases
from pipeline.config import parse_language
from pipeline.qa.checks import check_catalog

FAULTS = REPO / "tests" / "data" / "qa" / "faults.po"
GLOSSARY = REPO / "locale" / "glossary.csv"
POFILTER = Path(sys.executable).parent / "pofilter"
Table = dict[str, set[str]]


def pofilter(po: Path, tmp: Path, *, dnt: bool = True) -> Table:
    """msgid → names of the pofilter tests that failed (``--language=es``, and the
    glossary's do-not-translate terms as ``--notranslatefile``)."""
    args = [str(POFILTER), "--progress=none", "--language=es", "-i", str(po),
            "-o", str(tmp / "pofilter.po")]
    if dnt:
        words = tmp / "dnt.txt"
        words.write_text("\n".join(load_glossary(GLOSSARY).do_not_translate) + "\n", "utf-8")
        args += ["--notranslatefile", str(words)]
    subprocess.run(args, check=True, capture_output=True)
    table: Table = {e.msgid: set() for e in polib.pofile(str(po)) if e.msgid}
    for e in polib.pofile(str(tmp / "pofilter.po")):
        table[e.msgid] = set(re.findall(r"^\(pofilter\) ([\w-]+):", e.tcomment or "", re.M))
    return table


def ours(po: Path) -> Table:
    table: Table = {e.msgid: set() for e in polib.pofile(str(po)) if e.msgid}
    for f in check_catalog(po, parse_language("es"), load_glossary(GLOSSARY),
                           phrases=load_phrases(GLOSSARY.with_name("phrases.csv"))):
        table.setdefault(f.msgid, set()).add(f.check)
    return table


def planted() -> dict[str, str]:
    return {e.msgid: re.search(r"expect: (\S+)", e.tcomment)[1]  # type: ignore[index]
            for e in polib.pofile(str(FAULTS)) if e.msgid}


def msgid_of(text: str) -> str:
    return next(m for m in planted() if m.startswith(text))


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Table, Table]:
    return pofilter(FAULTS, tmp_path_factory.mktemp("pofilter")), ours(FAULTS)


def test_we_flag_every_planted_fault_pofilter_misses_eight(tables: tuple[Table, Table]) -> None:
    theirs, mine = tables
    signoff = msgid_of("Open clinical trials")  # a require_signoff fault: off here
    assert all(mine[m] for m in planted() if m != signoff)
    # "isfuzzy" only says the entry is fuzzy; it is not a finding about the text
    missed = {m for m in planted() if not theirs[m] - {"isfuzzy"} and m != signoff}
    assert missed == {msgid_of("Take 5 mg"), msgid_of("Chemotherapy"), msgid_of("Symptoms"),
                      # meaning: negation removed, three → four, before → after, may → must
                      msgid_of("Do not give"), msgid_of("Your child will need three"),
                      msgid_of("Radiation may be given"), msgid_of("Some patients may"),
                      msgid_of("Tell the nurse"),  # a list item dropped
                      # round 2: organ, opposite, quantifier, hedge, unit, safety phrase
                      msgid_of("Tumors can press"), "Some patients may require surgery.",
                      msgid_of("It does not usually"),
                      msgid_of("Take the medicine"), msgid_of("Do not stop"),
                      msgid_of("Some children need")}


def test_pofilter_counts_substrings_so_5_mg_to_50_mg_passes(
        tables: tuple[Table, Table], tmp_path: Path) -> None:
    theirs, mine = tables
    dose = msgid_of("Take 5 mg")
    assert "numbers" in mine[dose] and "numbers" not in theirs[dose]
    # the cause: "5" is counted inside "50"; a change that is not a superstring is caught
    po = tmp_path / "dose.po"
    po.write_text(f'msgid "{dose}"\nmsgstr "Tome 6 mg dos veces al día durante 30 a 60 '
                  'minutos."\n', "utf-8")
    assert "numbers" in pofilter(po, tmp_path, dnt=False)[dose]


def test_pofilter_has_no_multiword_do_not_translate(tables: tuple[Table, Table]) -> None:
    theirs, mine = tables
    us_news = msgid_of("US News")
    assert "do-not-translate" in mine[us_news]
    # pofilter was given the list, but its notranslatewords matches single words only;
    # it flags the entry by chance: "US" looks like an acronym
    assert theirs[us_news] == {"acronyms"}


def test_pofilter_is_blind_to_bidi_controls(tables: tuple[Table, Table],
                                           tmp_path: Path) -> None:
    theirs, mine = tables
    pager = msgid_of("24-hour pager")
    assert "unsafe" in mine[pager]
    assert theirs[pager] <= {"numbers", "simplecaps"}  # it sees the reversed digits only
    # the same digits with and without a RIGHT-TO-LEFT OVERRIDE: pofilter's verdict
    # does not change; ours does
    verdicts = []
    for mark in ("", "\u202e"):
        po = tmp_path / "bidi.po"
        po.write_text(f'msgid "{pager}"\nmsgstr "Localizador las 24 horas: {mark}1-800-349-'
                      '4334"\n', "utf-8")
        verdicts.append((pofilter(po, tmp_path, dnt=False)[pager], "unsafe" in ours(po)[pager]))
    assert verdicts[0][0] == verdicts[1][0]
    assert (verdicts[0][1], verdicts[1][1]) == (False, True)


def test_pofilter_marks_fuzzy_but_cannot_tell_a_missing_previous(
        tables: tuple[Table, Table]) -> None:
    theirs, mine = tables
    symptoms = msgid_of("Symptoms")
    assert theirs[symptoms] == {"isfuzzy"} and mine[symptoms] == {"previous"}
    chemo = msgid_of("Chemotherapy")
    assert theirs[chemo] == set() and mine[chemo] == {"glossary"}


def test_pofilter_has_checks_we_do_not(tables: tuple[Table, Table], tmp_path: Path) -> None:
    theirs, mine = tables
    # every entry pofilter flags we flag too, but often for another reason
    assert all(mine[m] for m, names in theirs.items() if names)
    only_theirs = set().union(*theirs.values()) - {"isfuzzy"}
    assert {"acronyms", "brackets", "startpunc", "puncspacing", "simplecaps"} <= only_theirs
    # an omitted sentence whose length stays in range: pofilter's sentencecount and our
    # "sentences" check both catch it (ours warns only on fewer sentences, not on splits)
    po = tmp_path / "dropped.po"
    msgid = "Call us before you come. Bring the list of medicines your child takes."
    po.write_text(f'msgid "{msgid}"\nmsgstr "Llámenos antes de venir al hospital con su '
                  'hijo."\n', "utf-8")
    assert "sentencecount" in pofilter(po, tmp_path, dnt=False)[msgid]
    assert ours(po)[msgid] == {"sentences", "omission"}  # and ours: short, so an error


def test_on_the_reviewed_spanish_catalog_only_pofilter_complains(tmp_path: Path) -> None:
    po = REPO / "locale" / "es" / "LC_MESSAGES" / "paraspinal-sarcoma-treatment.po"
    theirs, mine = pofilter(po, tmp_path), ours(po)
    assert not any(mine.values())
    flagged = {m for m, names in theirs.items() if names}
    assert len(flagged) >= 3  # translator choices: added parentheses, split sentences, …
