"""The review panel's library calls: the blocks of a page as the panel shows them, and
decisions (edit, accept, conflict, discuss) made through :class:`~pipeline.review.Review`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import GETTEXT, SIGNED, RunCli, msgfmt_ok
from serving import (
    ES,
    MT,
    PAGE,
    entry,
    page_po,
    rewrite,
    site_fixture,  # noqa: F401 (fixtures)
)

from pipeline.catalog.entry import is_reviewed
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.config import load_config
from pipeline.review.serve.workbench import Block, Decision, blocks, decide, plain, word_diff


def test_blocks_show_english_draft_provenance_glossary_and_neighbours(site: Path) -> None:
    found = blocks(load_config(site), ES, PAGE)
    kinds = [b.kind for b in found]
    assert kinds[:3] == ["title", "description", "h1"]
    drafts = [b for b in found if b.state == "draft"]
    assert len(drafts) == 3
    first = drafts[0]
    assert first.provenance == MT
    assert first.before is not None and first.after is not None
    assert first.translation in first.match and plain(first.english) in first.match
    assert any(term == "paraspinal sarcoma" for term, _, _ in found[0].glossary)
    assert not any(term == "paraspinal" for term, _, _ in found[0].glossary)  # inside it
    # a draft kept from an older English shows what changed, word by word
    cat = load_catalog(page_po(site))
    e = next(e for e in cat.entries() if e.msgid == first.english)
    e.previous_msgid = first.english.replace("Many", "Some", 1)
    save_catalog(cat)
    again = next(b for b in blocks(load_config(site), ES, PAGE) if b.english == first.english)
    assert again.previous == e.previous_msgid
    assert ("-", "Some") in again.diff and ("+", "Many") in again.diff
    assert "the translation was for" in again.provenance


def test_word_diff_and_plain() -> None:
    assert word_diff("Call us today.", "Call us now.") == (
        ("=", "Call us "), ("-", "today"), ("+", "now"), ("=", "."))
    assert plain("**Bold** and [link](https://x.org) `code`") == "Bold and link code"


def _decision(b: Block, action: str, text: str | None = None, note: str = "") -> Decision:
    return Decision(page=PAGE, msgid=b.english, msgctxt=b.msgctxt, seen=b.translation,
                    seen_state=b.state, action=action, text=text, note=note)


def test_decide_edit_accept_conflict_discuss(site: Path) -> None:
    config = load_config(site)
    draft = next(b for b in blocks(config, ES, PAGE) if b.state == "draft")
    saved = decide(config, ES, "Ana Ruiz", _decision(draft, "accept", draft.translation + " Sí."),
                   today="2026-03-04")
    assert saved.status == "accepted", saved.message
    e = entry(site, draft.english)
    assert e.msgstr == draft.translation + " Sí." and is_reviewed(e, GETTEXT)
    assert "reviewed-by: Ana Ruiz, 2026-03-04," in e.tcomment
    assert MT in e.tcomment  # provenance kept, as review does
    msgfmt_ok(page_po(site))
    # a second draft: someone edits the file after the panel showed it
    other = [b for b in blocks(config, ES, PAGE) if b.state == "draft"][0]
    rewrite(page_po(site), other.english, other.translation, "EDITOR ")
    before = page_po(site).read_bytes()
    saved = decide(config, ES, "Ana Ruiz", _decision(other, "accept", "Mi texto."))
    assert saved.status == "conflict"
    assert saved.block is not None and saved.block.translation.startswith("EDITOR ")
    assert page_po(site).read_bytes() == before  # the editor's text is not overwritten
    # discussion note
    fresh = saved.block
    assert fresh is not None
    saved = decide(config, ES, "Ana Ruiz", _decision(fresh, "discuss", note="¿tono?"),
                   today="2026-03-04")
    assert saved.status == "discussed"
    assert "discuss: ¿tono? (Ana Ruiz, 2026-03-04)" in entry(site, fresh.english).tcomment
    assert saved.block is not None and saved.block.discussion == ("¿tono? (Ana Ruiz, 2026-03-04)",)


def test_decide_asks_before_accepting_qa_errors(site: Path) -> None:
    config = load_config(site)
    draft = next(b for b in blocks(config, ES, PAGE) if b.state == "draft")
    bad = draft.translation + " <script>x</script>"
    saved = decide(config, ES, "Ana", _decision(draft, "accept", bad))
    assert saved.status == "confirm" and "QA error" in saved.message
    assert saved.block is not None and saved.block.state == "draft"  # saved, not signed
    assert not is_reviewed(entry(site, draft.english), GETTEXT)




def test_with_signoff_required_the_panel_waits_for_what_the_gate_waits_for(
        site: Path, run: RunCli) -> None:
    """``require_signoff``: a translation nobody signed waits, as the gate (and ``status``)
    counts it; accepting signs it, and both agree again."""
    pyproject = site / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        'languages = ["es"]', 'languages = ["es"]\nrequire_signoff = true'))
    config = load_config(site)

    def gate_counts() -> tuple[int, int]:
        result = run("status", "--lang", "es", "--json")
        rows = json.loads(result.stdout)
        row = next(r for r in rows if r["domain"] == PAGE)
        return row["reviewed"], row["total"]

    def states() -> dict[tuple[str, str | None], str]:  # a string the page repeats is one entry
        return {(b.english, b.msgctxt): b.state for b in blocks(config, ES, PAGE)}

    found = blocks(config, ES, PAGE)
    reviewed, total = gate_counts()
    assert len(states()) == total
    assert list(states().values()).count("reviewed") == reviewed == 0
    assert {b.state for b in found} == {"unsigned", "draft"}  # both wait for a person
    unsigned = next(b for b in found if b.state == "unsigned")
    saved = decide(config, ES, "Ana Ruiz", _decision(unsigned, "accept"), today="2026-03-04")
    assert saved.status == "accepted" and saved.block is not None
    assert saved.block.state == "reviewed"
    assert is_reviewed(entry(site, unsigned.english), SIGNED)
    assert list(states().values()).count("reviewed") == gate_counts()[0] == 1
