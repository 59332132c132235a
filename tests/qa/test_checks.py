"""QA checks: each planted fault is found by its check; the reviewed catalog is clean."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.catalog.glossary import load_glossary, load_phrases
from pipeline.catalog.pofile import load_catalog
from pipeline.config import parse_language
from pipeline.qa.checks import CHECKS, check_catalog
from pipeline.qa.findings import ERROR

REPO = Path(__file__).resolve().parents[2]
FAULTS = REPO / "tests" / "data" / "qa" / "faults.po"
SPANISH = REPO / "locale" / "es" / "LC_MESSAGES"


def expected() -> dict[str, str]:
    return {
        e.msgid: re.search(r"expect: (\S+)", e.tcomment).group(1)  # type: ignore[union-attr]
        for e in load_catalog(FAULTS).entries()
    }


@pytest.mark.parametrize(("msgid", "check"), sorted(expected().items()))
def test_planted_fault_is_found_by_its_check(msgid: str, check: str) -> None:
    findings = check_catalog(FAULTS, parse_language("es"), load_glossary(REPO / "locale" /
                                                                           "glossary.csv"),
                             signoff=True, phrases=load_phrases(REPO / "locale" / "phrases.csv"))
    names = {f.check for f in findings if f.msgid == msgid}
    assert check in names, f"{check} missed {msgid!r}; found {names}"


def test_every_check_has_a_planted_fault() -> None:
    assert set(expected().values()) == set(CHECKS)


@pytest.mark.parametrize("po", sorted(SPANISH.glob("*.po")), ids=lambda p: p.name)
def test_reviewed_spanish_catalog_is_clean(po: Path) -> None:
    findings = check_catalog(po, parse_language("es"),
                             load_glossary(REPO / "locale" / "glossary.csv"),
                             phrases=load_phrases(REPO / "locale" / "phrases.csv"))
    assert findings == []


@pytest.mark.parametrize(("rule", "severity"), [
    ("nplurals=1; plural=0;", "warning"),          # valid, but not Spanish's: names both
    ("nplurals=2; plural=(n != 1;", ERROR),        # malformed
    ("nplurals=2; plural=(n > 1 ? 2 : 0);", ERROR),  # a form beyond nplurals
])
def test_header_plural_problems(tmp_path: Path, rule: str, severity: str) -> None:
    po = tmp_path / "x.po"
    po.write_text(FAULTS.read_text("utf-8").replace("nplurals=2; plural=(n != 1);", rule),
                  "utf-8")
    findings = check_catalog(po, parse_language("es"), load_glossary(tmp_path / "none.csv"))
    header = [f for f in findings if f.check == "header"]
    assert [f.severity for f in header] == [severity]
    assert "Plural-Forms" in header[0].message
    if severity == "warning":
        assert rule in header[0].message and "nplurals=2; plural=(n != 1);" in header[0].message


def test_cli_check_reports_compiler_style_and_exit_1(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    root = tmp_path / "proj"
    (root / "locale" / "es" / "LC_MESSAGES").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.pipeline]\nlanguages = ["es"]\n', "utf-8")
    shutil.copy(FAULTS, root / "locale" / "es" / "LC_MESSAGES" / "page.po")
    (root / "locale" / "page.pot").write_text('msgid ""\nmsgstr ""\n', "utf-8")
    result = CliRunner().invoke(cli, ["--root", str(root), "check", "--lang", "es"])
    assert result.exit_code == 1
    line = next(x for x in result.stdout.splitlines() if "error: links:" in x)
    assert re.match(r"locale/es/LC_MESSAGES/page\.po:\d+: error: links: ", line)
    result = CliRunner().invoke(cli, ["--root", str(root), "check", "--json"])
    data = json.loads(result.stdout)
    assert {d["check"] for d in data} >= {"markup", "links", "unsafe"}


def test_check_entry_gives_the_catalog_findings_of_one_entry() -> None:
    from pipeline.qa.checks import check_entry
    from pipeline.qa.findings import Context

    glossary = load_glossary(REPO / "locale" / "glossary.csv")
    lang = parse_language("es")
    whole = check_catalog(FAULTS, lang, glossary)
    for entry in load_catalog(FAULTS).entries():
        one = check_entry(entry, Context(lang, glossary), str(FAULTS))
        assert one == [replace(f, lang="", draft=False)
                       for f in whole if f.msgid == entry.msgid and f.check != "header"]
    assert not any(f.message.startswith(f"{f.check}:") for f in whole)  # no "glossary: glossary:"


@pytest.mark.parametrize(("comment", "flagged"), [
    ("", True),
    ("machine translation: apertium en→es, 2026-01-01", False),
    ("translation memory: site", False),
    ("XLIFF import: es.xlf, 2026-01-01", False),
])
def test_previous_check_accepts_named_draft_sources(comment: str, flagged: bool) -> None:
    import polib

    from pipeline.qa.checks import check_previous
    from pipeline.qa.findings import Context

    entry = polib.POEntry(msgid="Hello there", msgstr="Hola", flags=["fuzzy"], tcomment=comment)
    ctx = Context(parse_language("es"), load_glossary(Path("/nonexistent.csv")))
    assert bool(list(check_previous(entry, ctx))) is flagged


def test_deceptive_catches_a_changed_hotline_in_link_text() -> None:
    from pipeline.qa.deception import deceptive

    source = "Call: [1-888-226-4343](tel:+18882264343) (toll-free)"
    assert deceptive(source, "Teléfono: [1-888-226-4343](tel:+18882264343)") is None
    problem = deceptive(source, "Teléfono: [(888) 226-9999](tel:+18882264343)")
    assert problem is not None and "9999" in problem


def test_min_reviewed_must_be_a_number_not_a_boolean(tmp_path: Path) -> None:
    from pipeline.config import load_config
    from pipeline.errors import ConfigError

    (tmp_path / "pyproject.toml").write_text("[tool.pipeline]\nmin_reviewed = true\n", "utf-8")
    with pytest.raises(ConfigError, match="min_reviewed"):
        load_config(tmp_path)
