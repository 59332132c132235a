"""Fuzzy translation memory across pages: near-repeats drafted with their percentage, the
English they came from in the provenance (never a ``#| msgid``), meaning differences
flagged, and :func:`best_matches` for the review panels."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from conftest import GETTEXT, REPO, msgfmt_ok

from pipeline.catalog.entry import is_draft, provenance
from pipeline.config import load_config, parse_language
from pipeline.mt.memory import Memory, best_matches, word_diff

PAGE = "paraspinal-sarcoma-treatment"
ES = parse_language("es")
FUZZY_NOTE = re.compile(r'^translation memory: (\d\d)% match of "([^"]+)"')
# What replaces one word of each repeated paragraph.
OTHER = ("growths", "part", "patients", "experts", "group", "therapy", "support", "often",
         "later", "person")


def cli(root: Path, *args: str) -> tuple[int, str]:
    from pipeline.cli import cli as command

    result = CliRunner().invoke(command, ["--root", str(root), *args])
    return result.exit_code, result.output


def near_repeats() -> list[tuple[str, str]]:
    """(reviewed English, the same with one word changed) for ten paragraphs and list items
    of the seed page (plain prose of eight words or more)."""
    po = polib.pofile(str(REPO / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"))
    out: list[tuple[str, str]] = []
    for e in po:
        kind = e.comment or ""
        if ("paragraph" not in kind and "list item" not in kind) or e.fuzzy or not e.msgstr:
            continue
        if re.search(r"[\[\]*_`<]", e.msgid) or len(e.msgid.split()) < 8 or len(out) == 10:
            continue  # plain prose: the changed copy must read as a paragraph of its own
        words = [w for w in re.findall(r"\b[a-z]{5,}\b", e.msgid)]
        word = words[len(words) // 2]
        out.append((e.msgid, re.sub(rf"\b{word}\b", OTHER[len(out)], e.msgid, count=1)))
    return out


@pytest.fixture
def two_pages(project: Path) -> Path:
    """The seed page with its reviewed Spanish, and a second page repeating ten of its
    paragraphs, each with one word changed."""
    shutil.copytree(REPO / "locale", project / "locale")
    pairs = near_repeats()
    assert len(pairs) == 10
    body = "\n\n".join(new for _, new in pairs)
    (project / "source" / "pages" / "second-page.md").write_text(
        "---\ntitle: Second Page\ndescription: A page that repeats another.\n"
        f"updated: 2026-11-25\n---\n\n# Second Page\n\n{body}\n", encoding="utf-8")
    assert cli(project, "extract")[0] == 0
    assert cli(project, "update", "--lang", "es")[0] == 0
    return project


def test_near_repeats_on_a_second_page_are_drafted_from_fuzzy_memory(two_pages: Path) -> None:
    code, out = cli(two_pages, "translate", "--lang", "es", "--engine", "memory")
    assert code == 0, out
    path = two_pages / "locale" / "es" / "LC_MESSAGES" / "second-page.po"
    po = polib.pofile(str(path))
    by_english = dict(near_repeats())
    hits = 0
    for old, new in by_english.items():
        entry = po.find(new)
        assert entry is not None
        notes = provenance(entry)
        m = FUZZY_NOTE.match(notes[-1]) if notes else None
        if m is None:
            continue
        hits += 1
        assert is_draft(entry, GETTEXT)
        assert 75 <= int(m.group(1)) < 100
        # The English it came from (as much as one comment line holds: polib wraps at 79).
        assert old.startswith(m.group(2).rstrip("…")) and len(notes[-1]) <= 77
        # The English it came from is in the provenance, never a #| msgid (outdated marker).
        assert entry.previous_msgid is None
    assert hits >= 8, f"{hits} of 10 near-repeats drafted from fuzzy memory"
    assert "(10 fuzzy)" in out or f"({hits} fuzzy)" in out
    msgfmt_ok(path)


def test_best_matches_give_percent_english_and_word_diff(two_pages: Path) -> None:
    old, new = near_repeats()[0]
    config = load_config(two_pages)
    matches = best_matches(config, ES, new, limit=3)
    assert matches and matches[0].english == old
    assert 75 <= matches[0].percent < 100
    assert "{+growths+}" in matches[0].diff and "[-" in matches[0].diff
    assert matches[0].origin == PAGE
    assert best_matches(config, ES, "Entirely unrelated words about gardening.") == []


def test_a_number_or_negation_difference_is_flagged_on_the_draft() -> None:
    memory = Memory()
    memory.add("Do not eat for 6 hours before the scan.", "No coma durante 6 horas antes.", "p")
    m = memory.best("Do not eat for 8 hours before the scan.", 1, 75)[0]
    assert m.differences[0] == "numbers: 6 against 8"  # qa.meaning.english_differences
    m = memory.best("Do eat for 6 hours before the scan.", 1, 75)[0]
    assert m.differences and m.differences[0].startswith("negation")
    assert memory.best("Do not eat for 6 hours before the scan.", 1, 75)[0].percent == 100


def test_word_diff_marks_only_what_changed() -> None:
    assert word_diff("The team meets weekly.", "The group meets weekly.") == \
        "The [-team-]{+group+} meets weekly."


def test_threshold_comes_from_config_and_is_checked(project: Path) -> None:
    path = project / "pyproject.toml"
    path.write_text(path.read_text("utf-8") + "memory_threshold = 90\n", encoding="utf-8")
    assert load_config(project).memory_threshold == 90
    path.write_text(path.read_text("utf-8").replace("= 90", "= 20"), encoding="utf-8")
    code, out = cli(project, "status")
    assert code == 2 and "memory_threshold must be 50..100" in out


def test_review_card_shows_the_remembered_english_as_a_word_diff(two_pages: Path) -> None:
    from pipeline.review.session import Review

    assert cli(two_pages, "translate", "--lang", "es", "--engine", "memory")[0] == 0
    review = Review.start(load_config(two_pages), ES, reviewer="Test Reviewer",
                          pages=["second-page"])
    shown = []
    while not review.done:
        card = review.card()
        if card is not None and card.matches:
            shown.append(card.render())
        review.skip()
    assert len(shown) >= 8
    first = shown[0]
    assert re.search(r"^Memory:  \d\d% match from " + PAGE + "$", first, re.M)
    assert re.search(r"^   English: .*\[-\w+-\]\{\+\w+\+\}", first, re.M)
    assert re.search(r"^   Was:     \S", first, re.M)
