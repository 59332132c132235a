"""Extraction and rendering agree on a segment's text (one function computes it): inline
editor notes, code spans with line breaks, and links a translation could never carry."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from pipeline.catalog.glossary import Glossary
from pipeline.config import parse_language
from pipeline.qa.checks import CHECKS
from pipeline.qa.findings import Context
from pipeline.site.body import render_body
from pipeline.source import Segment, read_page

PAGE = (
    "---\ntitle: Notes\n---\n\n"
    "Call the clinic <!-- check this number with Dana --> before you come.\n\n"
    "Run `pipeline  \npublish` when you are done.\n\n"  # two spaces: a break, but in code
    "Plain paragraph.\n"
)


def page(tmp_path: Path, text: str = PAGE) -> Path:
    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    return path


def segments(path: Path) -> list[Segment]:
    return list(read_page(path).segments)


def test_an_inline_note_is_not_part_of_the_msgid(tmp_path: Path) -> None:
    texts = [s.text for s in segments(page(tmp_path))]
    assert "Call the clinic before you come." in texts
    assert not any("<!--" in t for t in texts)


def test_a_translated_page_never_shows_an_inline_note(tmp_path: Path) -> None:
    doc = read_page(page(tmp_path))
    table = {s.text: s.text.upper() for s in doc.segments}
    from pipeline.site.body import Choice

    out = render_body(doc, lambda t: Choice(table[t]) if t in table else None,
                      drop_comments=True)
    assert "CALL THE CLINIC BEFORE YOU COME." in out.html
    assert "check this number" not in out.html and "&lt;!--" not in out.html
    assert out.fallback == 0


def test_identity_translation_reproduces_the_english(tmp_path: Path) -> None:
    from pipeline.site.body import Choice

    doc = read_page(page(tmp_path))
    english = render_body(doc, drop_comments=True).html
    same = render_body(doc, lambda t: Choice(t), drop_comments=True).html
    assert " ".join(same.split()) == " ".join(english.split())
    assert "\\" not in same  # no stray backslash from the break inside the code span


def test_a_code_span_with_a_two_space_break_has_no_backslash(tmp_path: Path) -> None:
    texts = [s.text for s in segments(page(tmp_path))]
    assert "Run `pipeline publish` when you are done." in texts


def test_check_flags_a_comment_in_a_translation() -> None:
    entry = polib.POEntry(msgid="Call the clinic before you come.",
                          msgstr="Llame a la clínica <!-- nota --> antes de venir.")
    _, unsafe = CHECKS["unsafe"]
    found = list(unsafe(entry, Context(parse_language("es"), Glossary())))
    assert any("HTML comment" in f for f in found)


@pytest.mark.parametrize("target", ["ftp://files.example.org/a.pdf", "sms:+19015953300",
                                    "irc://chat.example.org/help"])
def test_a_link_no_translation_may_carry_is_reported_at_extract(
        project: Path, run, target: str) -> None:
    (project / "source" / "pages" / "links.md").write_text(
        f"---\ntitle: Links\n---\n\nGet [the form]({target}) here.\n", encoding="utf-8")
    result = run("extract")
    assert result.exit_code == 2, result.output
    assert "links.md:5" in result.stderr and "could never be translated" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
