"""The review gate's entry states and verdicts, and the publication settings' validation."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from pipeline.catalog.entry import is_outdated, is_stale
from pipeline.config import Config, load_config, parse_language
from pipeline.errors import ConfigError
from pipeline.site.gate import NOT_READY, PUBLIC, STUB, Counts, judge_page, unsigned_problem

ES = parse_language("es")


def entry(*, fuzzy: bool = True, previous: str | None = "Old English.",
          comment: str = "") -> polib.POEntry:
    e = polib.POEntry(msgid="New English.", msgstr="Traducción.", tcomment=comment)
    if fuzzy:
        e.flags.append("fuzzy")
    e.previous_msgid = previous
    return e


@pytest.mark.parametrize(("made", "outdated"), [
    # reviewed by hand, then update moved its English: outdated
    (entry(), True),
    # signed by pipeline review, then the English moved: outdated
    (entry(comment="machine translation: apertium en→es, 2026-11-25\n"
                   "reviewed by ana, 2026-11-26"), True),
    # a machine draft whose English moved: still a draft, never reviewed
    (entry(comment="machine translation: apertium en→es, 2026-11-25"), False),
    (entry(comment="translation memory: 92% match"), False),
    # a plain draft (no previous English): a draft
    (entry(previous=None), False),
    # reviewed: not outdated
    (entry(fuzzy=False, previous=None), False),
])
def test_outdated_is_a_reviewed_translation_whose_english_moved(made: polib.POEntry,
                                                                 outdated: bool) -> None:
    assert is_outdated(made) is outdated


def test_stale_drafts_are_those_made_for_other_english() -> None:
    assert is_stale(entry(comment="machine translation: apertium"))
    assert not is_stale(entry(previous=None))
    assert not is_stale(entry(fuzzy=False))


def config(**settings: object) -> Config:
    return Config(root=Path("."), languages=(ES,), **settings)  # type: ignore[arg-type]


def test_first_publication_keep_public_above_and_withdraw() -> None:
    first = judge_page(config(), ES, "p", Counts(reviewed=9, machine=1), was_public=False)
    assert first.fate == NOT_READY and "9 of 10 strings reviewed (90.0%)" in first.problem
    assert "1 machine drafts" in first.problem and "min_reviewed is 100%" in first.problem
    assert judge_page(config(), ES, "p", Counts(reviewed=10), was_public=False).fate == PUBLIC
    kept = judge_page(config(), ES, "p", Counts(reviewed=8, outdated=1, new=1), was_public=True)
    assert kept.fate == PUBLIC and kept.english == 2  # 80 % ≥ keep_public_above 75 %
    low = judge_page(config(), ES, "p", Counts(reviewed=7, new=3), was_public=True)
    assert low.fate == STUB and "keep_public_above is 75%" in low.problem
    withdraw = config(outdated="withdraw")
    assert judge_page(withdraw, ES, "p", Counts(reviewed=9, outdated=1),
                      was_public=True).fate == STUB
    assert judge_page(withdraw, ES, "p", Counts(reviewed=10), was_public=True).fate == PUBLIC
    assert judge_page(config(), ES, "p", Counts(), was_public=False).fate != PUBLIC


def test_unsigned_is_named_unsigned_not_machine_drafts() -> None:
    verdict = judge_page(config(require_signoff=True), ES, "p", Counts(unsigned=66),
                         was_public=False)
    assert "66 unsigned" in verdict.problem and "machine" not in verdict.problem
    line = unsigned_problem(config(require_signoff=True), {ES: 66})
    assert "66 reviewed translations are unsigned" in line and "pipeline adopt" in line
    assert unsigned_problem(config(), {ES: 66}) == ""


@pytest.mark.parametrize(("line", "message"), [
    ('outdated = "hide"', "outdated 'hide': use \"english\" or \"withdraw\""),
    ("keep_public_above = 120", "keep_public_above must be 0..100 (percent)"),
    ('preview_only = ["gl"]', "preview_only lists gl, which is not in languages"),
    ('base_url = "example.org"', "base_url 'example.org': use the site's absolute address"),
    ('base_url = "ftp://example.org/"', "base_url 'ftp://example.org/'"),
])
def test_publication_settings_are_checked(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.pipeline]\nlanguages = ["es", "ca"]\n{line}\n', "utf-8")
    with pytest.raises(ConfigError) as failed:
        load_config(tmp_path)
    assert message in str(failed.value)
    assert failed.value.exit_code == 2


def test_publication_settings_are_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pipeline]\nlanguages = ["es", "ca"]\npreview_only = ["ca"]\n'
        'outdated = "withdraw"\nbase_url = "https://example.org/care"\n', "utf-8")
    loaded = load_config(tmp_path)
    assert loaded.preview_only == (parse_language("ca"),)
    assert loaded.outdated == "withdraw"
    assert loaded.base_url == "https://example.org/care/"
    assert loaded.preview_dir == tmp_path.resolve() / "output" / "drafts"
