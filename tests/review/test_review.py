"""``review``: the terminal loop (through CliRunner input) and its state machine (a fake
console): every decision saved at once, the file valid after each, drafts stay drafts."""

from __future__ import annotations

import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from conftest import REPO, msgfmt_ok, without_site_drafts

from pipeline.catalog.entry import Mark, is_signed, signoff, text_hash
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.config import load_config, parse_language
from pipeline.review.session import Review
from pipeline.review.terminal import run_review

DOMAIN = "paraspinal-sarcoma-treatment"
MT = "machine translation: apertium en→es, 2026-01-01"
TM = "translation memory: paraspinal-sarcoma-treatment"


@pytest.fixture
def site(project: Path) -> Path:
    """The reviewed Spanish catalogs with five drafts in the page catalog: entries 1–2
    machine translations, 3 from memory, 4 a changed English string (``#|``), 5 a machine
    draft with a wrong number (a QA error)."""
    without_site_drafts(shutil.copytree(REPO / "locale", project / "locale"))
    path = project / "locale" / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"
    cat = load_catalog(path)
    live = cat.entries()
    for i in (1, 2, 3, 4, 5):
        live[i].flags.append("fuzzy")
    live[1].tcomment = live[2].tcomment = live[5].tcomment = MT
    live[3].tcomment = TM
    live[4].previous_msgid = "Paraspinal sarcoma may have symptoms."
    live[5].msgstr += " 99"
    save_catalog(cat)
    return project


def po_path(root: Path) -> Path:
    return root / "locale" / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"


def drafts(root: Path) -> list[polib.POEntry]:
    """The five entries planted by ``site``, as they are on disk now."""
    return load_catalog(po_path(root)).entries()[1:6]


def review(root: Path, keys: str, *args: str, env: dict[str, str] | None = None) -> Result:
    from pipeline.cli import cli

    runner = CliRunner(env={"EDITOR": "", "VISUAL": "", "USER": "", **(env or {})})
    return runner.invoke(cli, ["--root", str(root), "review", "--lang", "es",
                               "--reviewer", "Ana Pérez", *args], input=keys)


def test_accept_signs_keeps_provenance_and_drops_previous(site: Path) -> None:
    before = drafts(site)
    result = review(site, "a\na\na\na\nq\n")
    assert result.exit_code == 0, result.output
    assert "4 accepted" in result.output and "1 still waiting" in result.output
    after = drafts(site)
    for old, new in zip(before[:4], after[:4], strict=True):
        assert "fuzzy" not in new.flags and new.msgstr == old.msgstr
        mark = signoff(new)
        assert mark and mark.name == "Ana Pérez" and is_signed(new)
    assert after[0].tcomment.startswith(MT + "\n")  # machine provenance kept
    assert after[2].tcomment.startswith(TM + "\n")
    assert after[3].previous_msgid is None  # the #| line goes with the fuzzy flag
    assert "fuzzy" in after[4].flags  # not reached: still a draft
    msgfmt_ok(po_path(site))


def test_card_shows_english_text_provenance_findings_and_neighbours(site: Path) -> None:
    result = review(site, "s\ns\ns\ns\nq\n")
    out = result.output
    assert "── 1/5" in out and "── 5/5" in out
    assert f"From:    {MT}" in out and f"From:    {TM}" in out
    assert "changed English; the translation was for: 'Paraspinal sarcoma may have" in out
    card5 = out[out.index("── 5/5"):]
    assert "QA:      error: numbers: numbers differ: missing -, extra ['99']" in card5
    entries = load_catalog(po_path(site)).entries()
    assert f"before: {entries[4].msgid[:40]}" in card5
    assert f"after:  {entries[6].msgid[:40]}" in card5


def test_edit_inline_stays_fuzzy_until_accepted(site: Path) -> None:
    result = review(site, "e\nTexto corregido por Ana.\nq\n", "--inline")
    assert result.exit_code == 0, result.output
    first = drafts(site)[0]
    assert first.msgstr == "Texto corregido por Ana." and "fuzzy" in first.flags
    msgfmt_ok(po_path(site))
    final = "Texto final sobre el sarcoma paraespinal. Conozca los ensayos clínicos y St. Jude."
    result = review(site, f"e\n{final}\na\nq\n", "--inline")
    first = drafts(site)[0]
    assert first.msgstr == final and "fuzzy" not in first.flags
    assert "1 accepted, 1 edited" in result.output
    msgfmt_ok(po_path(site))


def test_edit_in_editor(site: Path, tmp_path: Path) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text('#!/bin/sh\nprintf "Texto sobre el sarcoma paraespinal.\\nConozca los '
                      'ensayos clínicos y St. Jude.\\n" > "$1"\n'
                      'touch -d "@$(($(date +%s) + 5))" "$1"\n', "utf-8")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    result = review(site, "e\na\nq\n", env={"EDITOR": str(editor)})
    assert result.exit_code == 0, result.output
    first = drafts(site)[0]
    # folded to one line like the English
    assert first.msgstr == ("Texto sobre el sarcoma paraespinal. Conozca los ensayos clínicos "
                            "y St. Jude.")
    assert "fuzzy" not in first.flags
    msgfmt_ok(po_path(site))


def test_skip_back_and_quit(site: Path) -> None:
    before = po_path(site).read_bytes()
    result = review(site, "q\n")
    assert result.exit_code == 0 and po_path(site).read_bytes() == before
    result = review(site, "s\nb\na\ns\nq\n")
    assert result.exit_code == 0, result.output
    assert "1 accepted, 0 edited, 2 skipped; 4 still waiting" in result.output
    states = ["fuzzy" in e.flags for e in drafts(site)]
    assert states == [False, True, True, True, True]
    msgfmt_ok(po_path(site))


def test_back_at_first_entry_and_bad_key(site: Path) -> None:
    result = review(site, "b\nx\nq\n")
    assert "this is the first entry" in result.output
    assert "'x' is not one of" in result.output  # Click asks again
    assert result.exit_code == 0


def test_interrupted_session_keeps_decisions(site: Path) -> None:
    result = review(site, "a\ns\n")  # input ends at the third card
    assert result.exit_code == 1
    assert "review interrupted: 1 accepted" in result.output
    assert ["fuzzy" in e.flags for e in drafts(site)] == [False, True, True, True, True]
    msgfmt_ok(po_path(site))
    before = po_path(site).read_bytes()
    result = review(site, "e\n", "--inline")  # ends inside the edit prompt
    assert result.exit_code == 1 and po_path(site).read_bytes() == before


def test_accepting_qa_errors_needs_a_second_yes(site: Path) -> None:
    result = review(site, "s\ns\ns\ns\na\nn\nq\n")
    assert "1 QA error(s): accept anyway?" in result.output and "not accepted" in result.output
    assert "fuzzy" in drafts(site)[4].flags
    result = review(site, "s\ns\ns\ns\na\ny\n")
    assert result.exit_code == 0, result.output
    assert "fuzzy" not in drafts(site)[4].flags
    msgfmt_ok(po_path(site))


def test_reviewer_name_comes_from_option_env_or_user(site: Path) -> None:
    from pipeline.cli import cli

    runner = CliRunner(env={"USER": "", "PIPELINE_REVIEWER": ""})
    result = runner.invoke(cli, ["--root", str(site), "review", "--lang", "es"], input="a\n")
    assert result.exit_code == 2 and "name the reviewer" in result.output
    runner = CliRunner(env={"USER": "", "PIPELINE_REVIEWER": "Luis"})
    result = runner.invoke(cli, ["--root", str(site), "review", "--lang", "es"], input="a\nq\n")
    assert result.exit_code == 0, result.output
    assert re.search(r"^reviewed-by: Luis, ", drafts(site)[0].tcomment, re.M)


def test_unknown_page_and_nothing_to_review(site: Path) -> None:
    result = review(site, "", "--page", "nope")
    assert result.exit_code == 2 and "no catalog named 'nope'" in result.output
    result = review(site, "", "--page", "site")
    assert result.exit_code == 0 and "nothing waiting for review" in result.output


# ── the state machine without a terminal ───────────────────────────────────────────


@dataclass
class FakeConsole:
    keys: list[str]
    edits: list[str | None] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    started: list[tuple[str, str]] = field(default_factory=list)

    def show(self, text: str) -> None:
        self.shown.append(text)

    def choose(self, prompt: str, keys: str) -> str:
        if not self.keys:
            raise EOFError
        return self.keys.pop(0)

    def confirm(self, question: str) -> bool:
        return self.choose(question, "yn") == "y"

    def edit(self, text: str, notes: str = "") -> str | None:
        self.started.append((text, notes))
        return self.edits.pop(0)


def start(root: Path) -> Review:
    return Review.start(load_config(root), parse_language("es"), reviewer="Ana Pérez",
                        today="2026-12-01")


def test_state_machine_records_the_reviewer_and_date(site: Path) -> None:
    summary = run_review(start(site), FakeConsole(["a", "q"]))
    assert (summary.accepted, summary.remaining, summary.interrupted) == (1, 4, False)
    first = drafts(site)[0]  # polib wraps the long line; the sign-off reads it whole
    assert first.tcomment.startswith(f"{MT}\nqa-at-signoff: none\nreviewed-by: Ana Pérez, "
                                     "2026-12-01,")
    assert signoff(first) == Mark("reviewed-by", "Ana Pérez", "2026-12-01", text_hash(first))


def test_a_new_review_replaces_an_old_review_line(site: Path) -> None:
    cat = load_catalog(po_path(site))
    cat.entries()[1].tcomment = f"{MT}\nreviewed by Someone, 2020-01-01"
    save_catalog(cat)
    run_review(start(site), FakeConsole(["a", "q"]))
    first = drafts(site)[0]  # polib wraps the long line; the sign-off reads it whole
    assert first.tcomment.startswith(f"{MT}\nqa-at-signoff: none\nreviewed-by: Ana Pérez, "
                                     "2026-12-01,")
    assert signoff(first) == Mark("reviewed-by", "Ana Pérez", "2026-12-01", text_hash(first))


def test_change_on_disk_after_the_card_was_shown_is_not_overwritten(site: Path) -> None:
    session = start(site)
    card = session.card()
    assert card is not None
    cat = load_catalog(po_path(site))
    cat.entries()[1].msgstr = "Cambiado en Poedit mientras tanto."
    save_catalog(cat)
    outcome = session.accept(card)
    assert "changed on disk" in outcome.message
    first = drafts(site)[0]
    assert first.msgstr == "Cambiado en Poedit mientras tanto." and "fuzzy" in first.flags
    fresh = session.card()
    assert fresh is not None and fresh.current == ("Cambiado en Poedit mientras tanto.",)


def test_empty_or_unchanged_edits_change_nothing(site: Path) -> None:
    before = po_path(site).read_bytes()
    first = drafts(site)[0].msgstr
    console = FakeConsole(["e", "e", "e", "q"], edits=[None, "   \n", first + "\n"])
    summary = run_review(start(site), console)
    assert summary.edited == 0 and po_path(site).read_bytes() == before
    assert any("empty translation is not a review" in s for s in console.shown)


def test_entry_removed_by_an_update_is_skipped(site: Path) -> None:
    session = start(site)
    cat = load_catalog(po_path(site))
    cat.entries()[1].obsolete = True
    save_catalog(cat)
    console = FakeConsole(["q"])
    run_review(session, console)
    assert console.shown[0] == "(this entry left the catalog; skipped)"
    assert console.shown[1].startswith("── 2/5")
