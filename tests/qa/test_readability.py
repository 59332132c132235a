"""Reading level through ``pipeline check`` and ``status --json``: dense English blocks are
``readability`` warnings at their source line, plain ones are not; a translation's level by
its language's formula, and a warning when it reads markedly harder than its English."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from pipeline.config import load_config, parse_language
from pipeline.qa import readability

DENSE = ("Notwithstanding the considerable heterogeneity of histopathological "
         "classifications, multidisciplinary therapeutic interventions incorporating "
         "neoadjuvant chemotherapeutic regimens, meticulous microsurgical resection and "
         "adjuvant radiotherapeutic modalities constitute the predominant contemporary "
         "management paradigm for paraspinal sarcomatous malignancies.")
PLAIN = ("This page is about a kind of cancer. It starts near the spine. Your care team will "
         "tell you what it means for your child. Ask them any question you have.")
PLAIN_TOO = ("Your child may get medicine to stop the cancer from growing. The doctor will "
             "tell you how long it takes and how your child may feel.")
PAGE = f"""---
title: A test page
updated: 2026-11-25
---

# A test page

{PLAIN}

{DENSE}

{PLAIN_TOO}
"""
# a Spanish translation of the plain text that is needlessly long-winded
HARD_ES = ("La presente comunicación institucional proporciona información pormenorizada "
           "concerniente a determinadas manifestaciones oncológicas caracterizadas por su "
           "localización paravertebral, cuya comprensión exhaustiva requiere consultas "
           "especializadas con profesionales multidisciplinarios.")
EASY_ES = ("Esta página trata de un tipo de cáncer. Empieza cerca de la columna. Su equipo "
           "médico le dirá qué significa para su hijo. Pregúnteles lo que quiera.")


@pytest.fixture
def site(project: Path) -> Path:
    pages = project / "source" / "pages"
    for old in pages.glob("*.md"):
        old.unlink()
    (pages / "test.md").write_text(PAGE, "utf-8")
    return project


def write_po(root: Path, translations: dict[str, str]) -> None:
    path = root / "locale" / "es" / "LC_MESSAGES" / "test.po"
    po = polib.pofile(str(path))
    for e in po:
        if e.msgid in translations:
            e.msgstr = translations[e.msgid]
    po.save()


def test_dense_english_is_a_warning_and_plain_english_is_not(site: Path, run) -> None:
    assert run("extract").exit_code == 0 and run("init", "--lang", "es").exit_code == 0
    result = run("check", "--lang", "es", "--json")
    found = [f for f in json.loads(result.stdout) if f["check"] == "readability"]
    assert len(found) == 1, found
    (only,) = found
    assert only["path"] == "source/pages/test.md" and only["line"] == 10
    assert only["severity"] == "warning" and only["msgid"] == DENSE
    assert "above max_grade 8" in only["message"]
    text = run("check", "--lang", "es")
    assert "source/pages/test.md:10: warning: readability: English reads at US grade" in (
        text.stdout)
    assert text.exit_code == 0  # a warning, not an error


def test_max_grade_is_a_setting(site: Path, run) -> None:
    (site / "pyproject.toml").write_text(
        (site / "pyproject.toml").read_text("utf-8") + "max_grade = 3\n", "utf-8")
    assert run("extract").exit_code == 0 and run("init", "--lang", "es").exit_code == 0
    lines = [f for f in json.loads(run("check", "--lang", "es", "--json").stdout)
             if f["check"] == "readability"]
    assert {f["line"] for f in lines} == {10, 12}  # the second plain block is grade 3.5


def test_a_translation_markedly_harder_than_its_english(site: Path, run) -> None:
    assert run("extract").exit_code == 0 and run("init", "--lang", "es").exit_code == 0
    write_po(site, {PLAIN: HARD_ES})
    found = [f for f in json.loads(run("check", "--lang", "es", "--json").stdout)
             if f["check"] == "readability" and f["path"].endswith("test.po")]
    assert len(found) == 1 and "reads markedly harder" in found[0]["message"]
    assert "Szigriszt-Pazos" in found[0]["message"]
    rows = json.loads(run("status", "--lang", "es", "--json").stdout)
    level = next(r for r in rows if r["domain"] == "test")["reading_level"]
    assert level["formula"] == "Szigriszt-Pazos (INFLESZ)" and level["harder"] is True
    assert level["score"] < min(level["english_ease"], 100) - readability.HARDER_BY

    write_po(site, {PLAIN: EASY_ES})
    assert not [f for f in json.loads(run("check", "--lang", "es", "--json").stdout)
                if f["check"] == "readability" and f["path"].endswith("test.po")]


def test_formulas_per_language_and_none_where_none_is_validated(site: Path, run) -> None:
    config = load_config(site)
    assert readability.formula_for(parse_language("es")).name == "Szigriszt-Pazos (INFLESZ)"
    assert readability.formula_for(parse_language("fr")).name == "Kandel-Moles"
    assert readability.formula_for(parse_language("ar")).name == "OSMAN"
    for code in ("zh-Hans", "ca", "gl"):
        assert readability.formula_for(parse_language(code)) is None
    assert readability.page_level(config, parse_language("es"), "test") is None  # no catalog


def test_plain_markdown_and_grades() -> None:
    assert readability.plain("**Surgery:** see [the page](https://x.org).") == (
        "Surgery: see the page.")
    assert readability.prose(["A heading", "A sentence."]) == "A heading. A sentence."
    assert readability.grade(DENSE) > 8 > readability.grade(PLAIN)
