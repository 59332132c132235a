"""What the reviewer sees is what is published: control characters never reach a catalog
from MT, import or review; ``check`` names those already there; ``review`` shows them, the
editors start from the current text, and the editor file shows the English."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import stat
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from conftest import REPO

from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.config import Language, load_config, parse_language
from pipeline.mt.engines import ENGINES
from pipeline.mt.engines import Result as EngineResult
from pipeline.mt.translate import translate
from pipeline.review.session import Review
from pipeline.review.terminal import from_editor, run_review
from pipeline.visible import refusal, visible, without_controls

DOMAIN = "paraspinal-sarcoma-treatment"
HIDDEN = "Dé aspirina a su hijo."
SHOWN = "No dé aspirina a su hijo."
# The terminal moves back over the real sentence and writes another one over it.
TRAP = HIDDEN + "\b" * len(HIDDEN) + SHOWN + "\x1b[K"


def po_path(root: Path) -> Path:
    return root / "locale" / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"


@pytest.fixture
def trapped(project: Path) -> Path:
    """Reviewed Spanish catalogs; entry 1 a machine draft whose text hides a sentence."""
    shutil.copytree(REPO / "locale", project / "locale")
    cat = load_catalog(po_path(project))
    entry = cat.entries()[1]
    entry.msgstr = TRAP
    entry.flags.append("fuzzy")
    entry.tcomment = "machine translation: test en→es, 2026-01-01"
    entry.previous_msgid = "Paraspinal sarcoma starts near the spine."
    save_catalog(cat)
    return project


def cli(root: Path, *args: str, keys: str = "", env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    from pipeline.cli import cli as command

    runner = CliRunner(env={"EDITOR": "", "VISUAL": "", **(env or {})})
    return runner.invoke(command, ["--root", str(root), *args], input=keys)


# ---- the characters --------------------------------------------------------------------

def test_controls_are_named_and_refused() -> None:
    assert visible("a\bb\x1b[Kc\u202ed\u200be\x85") == "a⟨BS⟩b⟨ESC⟩[Kc⟨RLO⟩d⟨ZWSP⟩e⟨NEL⟩"
    assert visible("línea\nuna\ttabulación, « guillemets »") == (
        "línea\nuna\ttabulación, « guillemets »")
    for bad in ("\x00", "\b", "\x1b", "\x7f", "\x9b", "\r", "\ud800"):
        assert refusal(f"ok{bad}") is not None, repr(bad)
    assert refusal("línea\ncon\ttab y 中文 و عربي") is None
    assert "column 3" in (refusal("ab\bc") or "")
    assert without_controls(TRAP) == HIDDEN + SHOWN + "[K"


def test_check_names_a_control_character_with_file_and_line(trapped: Path) -> None:
    result = cli(trapped, "check", "--lang", "es", "--page", DOMAIN)
    assert result.exit_code == 1
    line = load_catalog(po_path(trapped)).entries()[1].linenum
    assert (f"locale/es/LC_MESSAGES/{DOMAIN}.po:{line}: error: control: control character "
            "⟨BS⟩ (U+0008) at column 23") in result.output


# ---- never written ---------------------------------------------------------------------

class Sneaky:
    """An engine whose output hides a sentence behind backspaces."""

    name = "sneaky"
    version = "1"

    def supports(self, source: Language, target: Language) -> bool:
        return True

    def translate_batch(self, texts: Sequence[str], source: Language,
                        target: Language) -> list[EngineResult]:
        return [t + "\b\b\bok" if "spine" in t else t for t in texts]


def test_machine_output_with_a_control_character_is_not_written(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "init", "--lang", "es").exit_code == 0
    monkeypatch.setitem(ENGINES, "sneaky", lambda config: Sneaky())
    report = translate(load_config(project), parse_language("es"), engine=Sneaky(),
                       pages=[DOMAIN])
    refused = [f for f in report.failed if "control character ⟨BS⟩" in f.reason]
    assert refused and all("spine" in f.msgid for f in refused)
    for entry in load_catalog(po_path(project)).entries():
        assert refusal(entry.msgstr) is None
        assert ("spine" in entry.msgid) == (entry.msgstr == "")


def test_import_refuses_a_control_character(trapped: Path, tmp_path: Path) -> None:
    cat = load_catalog(po_path(trapped))
    cat.entries()[1].msgstr = "Texto limpio."
    save_catalog(cat)
    xlf = tmp_path / "es.xlf"
    assert cli(trapped, "export", "--lang", "es", "--page", DOMAIN, "--output",
               str(xlf)).exit_code == 0
    # C1 controls are legal XML 1.0, so a CAT tool can send one
    text = re.sub(r"(<target[^>]*>)Texto limpio\.", "\\1Texto \u009b2K limpio.",
                  xlf.read_text("utf-8"), count=1)
    assert "\u009b" in text
    xlf.write_text(text, "utf-8")
    before = po_path(trapped).read_bytes()
    result = cli(trapped, "import", str(xlf))
    assert result.exit_code == 0, result.output
    assert "refused (control character)" in result.output
    assert "holds a control character that can hide text" in result.stderr
    assert po_path(trapped).read_bytes() == before


# ---- review ----------------------------------------------------------------------------

def test_review_card_names_hidden_characters_and_accept_is_refused(trapped: Path) -> None:
    result = cli(trapped, "review", "--lang", "es", "--reviewer", "Ana", keys="a\nq\n")
    assert result.exit_code == 0, result.output
    assert "hijo." + "⟨BS⟩" * len(HIDDEN) + "No" in result.output  # the card wraps words
    assert "Dé aspirina a su" in result.output
    assert "Hidden:  the text holds characters a screen does not show" in result.output
    assert "not accepted: control character ⟨BS⟩" in result.output
    assert "\b" not in result.output and "\x1b" not in result.output
    assert load_catalog(po_path(trapped)).entries()[1].msgstr == TRAP


def test_editor_starts_from_the_text_with_the_english_above(trapped: Path,
                                                            tmp_path: Path) -> None:
    seen = tmp_path / "seen.txt"
    editor = tmp_path / "editor"
    # The fake editor keeps a copy of what it was given and saves it unchanged.
    editor.write_text(f'#!/bin/sh\ncp "$1" {seen}\ntouch -d "@$(($(date +%s) + 5))" "$1"\n',
                      "utf-8")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    result = cli(trapped, "review", "--lang", "es", "--reviewer", "Ana", keys="e\nq\n",
                 env={"EDITOR": str(editor)})
    assert result.exit_code == 0, result.output
    given = seen.read_text("utf-8")
    english = load_catalog(po_path(trapped)).entries()[1].msgid
    assert given.startswith("# English (description), locale/es/LC_MESSAGES/")
    assert f"#   {english[:40]}" in given
    assert "earlier English (#| msgid):\n#   Paraspinal sarcoma starts near the spine." in given
    assert given.rstrip("\n").endswith("\n" + HIDDEN + SHOWN + "[K")  # no control character
    # saved unchanged: the comments go, the controls are gone, the entry stays a draft
    entry = load_catalog(po_path(trapped)).entries()[1]
    assert entry.msgstr == HIDDEN + SHOWN + "[K" and "fuzzy" in entry.flags
    assert from_editor("# a\n# b\nTexto\n#1 en la lista") == "Texto\n#1 en la lista"


def test_an_edit_with_a_control_character_is_not_saved(trapped: Path) -> None:
    from test_review import FakeConsole

    session = Review.start(load_config(trapped), parse_language("es"), reviewer="Ana")
    console = FakeConsole(["e", "q"], edits=["Texto\x1b[2Kotro"])
    run_review(session, console)
    assert any("not saved: control character ⟨ESC⟩" in s for s in console.shown)
    assert console.started[0][0] == HIDDEN + SHOWN + "[K"
    assert load_catalog(po_path(trapped)).entries()[1].msgstr == TRAP


# ---- a real terminal -------------------------------------------------------------------

def _drive(root: Path, steps: list[tuple[str, str]], cols: int = 120,
           rows: int = 60) -> list[str]:
    """Run ``pipeline review --inline`` on a pseudo-terminal; after each screen text in
    ``steps`` appears, type its keys. The emulated screen (pyte) after each step."""
    pyte = pytest.importorskip("pyte")
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI, on the terminal
        env = {**os.environ, "PYTHONPATH": str(REPO), "EDITOR": "", "VISUAL": "",
               "TERM": "xterm", "COLUMNS": str(cols), "LINES": str(rows)}
        os.execve(sys.executable, [sys.executable, "-m", "pipeline.cli", "--root", str(root),
                                   "review", "--lang", "es", "--reviewer", "Ana", "--inline"],
                  env)
    shots: list[str] = []
    try:
        for wait_for, keys in steps:
            deadline = time.monotonic() + 60
            while wait_for not in "\n".join(screen.display):
                if time.monotonic() > deadline:
                    raise AssertionError(f"never saw {wait_for!r}:\n" +
                                         "\n".join(screen.display))
                ready, _, _ = select.select([fd], [], [], 0.2)
                if ready:
                    try:
                        stream.feed(os.read(fd, 65536))
                    except OSError:
                        break
            shots.append("\n".join(line.rstrip() for line in screen.display))
            os.write(fd, keys.encode())
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    return shots


def test_on_a_terminal_the_hidden_sentence_is_shown(trapped: Path) -> None:
    # Without the fix the terminal would show only SHOWN: the backspaces move the cursor
    # back over HIDDEN, which is overwritten. Proof that the emulator does that:
    pyte = pytest.importorskip("pyte")
    raw = pyte.Screen(80, 2)
    pyte.Stream(raw).feed("  " + TRAP)
    assert HIDDEN not in raw.display[0] and SHOWN in raw.display[0]

    shots = _drive(trapped, [("[a]ccept", "e\r"), ("New text: ", "\r"), ("saved as", "q\r")])
    card = shots[0]
    assert "⟨BS⟩⟨BS⟩" in card and "Dé aspirina" in card and "Hidden:" in card
    # the inline editor starts with the current text (without its control characters)
    assert ("New text: " + HIDDEN + SHOWN)[:60] in shots[1].replace("\n", "")
    entry = load_catalog(po_path(trapped)).entries()[1]
    assert entry.msgstr == HIDDEN + SHOWN + "[K" and "fuzzy" in entry.flags
    assert isinstance(entry, polib.POEntry)
