"""``pipeline check``'s exit status: errors in reviewed text or public languages fail; errors
on machine drafts of ``preview_only`` languages are listed but fail only with ``--strict``."""

from __future__ import annotations

from pathlib import Path

import polib
from conftest import RunCli

BAD_ENGLISH = "There are no open clinical trials at this time."
BAD_DRAFT = "En este momento hay ensayos clínicos abiertos."  # the negation is gone


def _project(root: Path, *, preview: bool, fuzzy: bool) -> None:
    (root / "locale").mkdir()
    (root / "locale" / "paraspinal-sarcoma-treatment.pot").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n', "utf-8")
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    if preview:
        text = text.replace('languages = ["es"]', 'languages = ["es"]\npreview_only = ["es"]')
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    folder = root / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Language": "es", "Content-Type": "text/plain; charset=UTF-8",
                   "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    po.append(polib.POEntry(msgid=BAD_ENGLISH, msgstr=BAD_DRAFT,
                            flags=["fuzzy"] if fuzzy else []))
    po.save(str(folder / "paraspinal-sarcoma-treatment.po"))


def test_a_draft_error_in_a_preview_only_language_is_listed_but_passes(
        project: Path, run: RunCli) -> None:
    _project(project, preview=True, fuzzy=True)
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "error: negation" in result.output
    assert "fail only with --strict" in result.output
    assert run("check", "--strict").exit_code == 1


def test_a_reviewed_error_in_a_preview_only_language_fails(project: Path, run: RunCli) -> None:
    _project(project, preview=True, fuzzy=False)
    result = run("check")
    assert result.exit_code == 1
    assert "error: negation" in result.output


def test_a_draft_error_in_a_public_language_fails(project: Path, run: RunCli) -> None:
    _project(project, preview=False, fuzzy=True)
    assert run("check").exit_code == 1


def test_json_marks_drafts_and_languages(project: Path, run: RunCli) -> None:
    import json

    _project(project, preview=True, fuzzy=True)
    result = run("check", "--json")
    assert result.exit_code == 0
    found = [f for f in json.loads(result.stdout) if f["check"] == "negation"]
    assert found and all(f["draft"] and f["lang"] == "es" for f in found)
