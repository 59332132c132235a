"""``pipeline record``: the translation record as JSON and HTML, through the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import REPO, without_site_drafts

from pipeline.catalog.entry import mark_translated, sign
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.config import load_config, parse_language
from pipeline.review.record import build_record

DOMAIN = "paraspinal-sarcoma-treatment"
MT = "machine translation: apertium en→es, 2026-11-25"


def cli(root: Path, *args: str, keys: str = "") -> Result:
    from pipeline.cli import cli as command

    return CliRunner(env={"EDITOR": "", "VISUAL": ""}).invoke(
        command, ["--root", str(root), *args], input=keys)


def site(project: Path) -> Path:
    (project / "pyproject.toml").write_text(
        '[tool.pipeline]\nlanguages = ["es"]\nrequire_signoff = true\nfour_eyes = true\n',
        "utf-8")
    without_site_drafts(shutil.copytree(
        REPO / "locale", project / "locale",
        ignore=shutil.ignore_patterns("ar", "fr", "zh_Hans", "ca", "gl")))
    path = project / "locale" / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"
    cat = load_catalog(path)
    for i, e in enumerate(cat.entries()):
        e.tcomment = MT
        mark_translated(e, "Marta <m@x.org>" if i % 2 else "Luis", "2026-11-26")
        sign(e, "Ana Pérez", "2026-11-29", qa="none")
    cat.entries()[3].msgstr += " (cambiado)"  # after sign-off
    save_catalog(cat)
    return project


def test_record_writes_json_and_html_with_a_summary(project: Path, tmp_path: Path) -> None:
    root = site(project)
    out = tmp_path / "audit" / "es-record.json"
    result = cli(root, "record", "--lang", "es", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "65 of 74 strings reviewed" in result.output  # 65 signed; the site catalog unsigned
    data = json.loads(out.read_text("utf-8"))
    page = next(p for p in data["pages"] if p["domain"] == DOMAIN)
    assert page["source"] == f"source/pages/{DOMAIN}.md"
    assert page["english_updated"] == "2026-11-25" and len(page["english_sha256"]) == 64
    assert page["reviewed_on"] == "2026-11-29"
    assert page["counts"]["reviewed"] == 65 and page["counts"]["changed since sign-off"] == 1
    first, changed = page["entries"][0], page["entries"][3]
    assert first["origin"] == [MT] and first["translator"] == "Luis"
    assert first["translator_known_from"] == "translated-by line of 2026-11-26"
    assert (first["reviewer"], first["reviewed_on"], first["qa_at_signoff"]) == (
        "Ana Pérez", "2026-11-29", "none")
    assert changed["state"] == "changed since sign-off" and changed["reviewer"] is None
    assert any("signoff: changed since Ana Pérez" in q for q in changed["qa_now"])
    summary = data["summary"]
    assert summary["reviewers"] == ["Ana Pérez"] and summary["engines"] == [
        "machine translation: apertium en→es"]
    assert summary["independently_reviewed"] == 65
    assert "pinned to a sha256" in summary["text"] and "four eyes" in summary["text"]
    html = out.with_suffix(".html").read_text("utf-8")
    assert "<h2>Summary</h2>" in html and "changed since sign-off" in html
    assert "Marta" in html and "<m@x.org>" not in html  # escaped, never raw markup
    assert data["settings"] == {"require_signoff": True, "four_eyes": True,
                                "min_reviewed": 100.0, "roster": None, "max_grade": 8.0}
    marks = {(m["kind"], m["name"], m["role"], m["current"]) for m in changed["marks"]}
    assert ("reviewed-by", "Ana Pérez", "reviser", False) in marks  # kept, marked stale


def test_default_output_is_outside_the_public_tree_and_the_statement(project: Path) -> None:
    root = site(project)
    assert cli(root, "record", "--lang", "es").exit_code == 0
    assert (root / "reports" / "record" / "es.json").exists()
    assert not (root / "output").exists()  # never beside the public site
    assert (root / "reports" / "record" / "es.html").exists()
    record = build_record(load_config(root), parse_language("es"), today="2026-12-01")
    page = next(p for p in record.pages if p.domain == DOMAIN)
    assert page.statement[0] == ("This page was translated from the English version of "
                                 "November 25, 2026.")
    assert "Machine translation made a first draft." in page.statement
    assert "Ana Pérez — Reviser" in page.statement  # the record names people
    assert page.statement[-1] == "Last reviewed: November 29, 2026"
