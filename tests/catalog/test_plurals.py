"""Plural-Forms follow gettext: compared by value, classic rules for new catalogs, any Babel."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.catalog.glossary import load_glossary
from pipeline.catalog.plurals import (
    GNU_RULES,
    PluralError,
    babel_rule,
    check_plural_header,
    classic_rule,
    parse_rule,
)
from pipeline.cli import cli
from pipeline.config import parse_language
from pipeline.qa.checks import check_catalog

REPO = Path(__file__).resolve().parents[2]
CONFIGURED = ["es", "fr", "ar", "zh_Hans", "ca", "gl"]
POT = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "one file"
msgid_plural "%d files"
msgstr[0] ""
msgstr[1] ""
"""


def test_equivalent_expressions_are_the_same_rule() -> None:
    classic = parse_rule("nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
                         "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);")
    # Babel 2.19's rewrite of the Arabic rule: different text, same values for every n.
    cldr = parse_rule("nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 "
                      "&& n % 100 <= 10 ? 3 : n % 100 >= 11 && n % 100 <= 99 ? 4 : 5);")
    assert classic.text != cldr.text and classic.same_as(cldr)
    assert not parse_rule("nplurals=2; plural=(n != 1);").same_as(
        parse_rule("nplurals=2; plural=(n > 1);"))  # French and Spanish differ at n=0


@pytest.mark.parametrize("bad", [
    "nplurals=2", "plural=(n != 1);", "nplurals=2; plural=(n != 1;",
    "nplurals=2; plural=__import__('os');", "nplurals=0; plural=0;",
    "nplurals=20000000; plural=n;", "nplurals=2; plural=n % 0;",
    "nplurals=2; plural=n;",  # form 2 for n=2 is beyond nplurals
])
def test_malformed_rules_are_refused(bad: str) -> None:
    with pytest.raises(PluralError):
        parse_rule(bad)


def test_wrong_nplurals_for_the_entries_is_an_error() -> None:
    es = parse_language("es")
    found = check_plural_header("nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 "
                                "? 1 : 2);", es, [2, 2])
    errors = [f for f in found if f.error]
    assert len(errors) == 1 and "2 forms" in errors[0].message and "nplurals=3" in errors[0].message
    assert check_plural_header("nplurals=2; plural=n>1;", es, [2, 2])[0].error is False


@pytest.mark.parametrize("lang", CONFIGURED)
def test_classic_and_current_babel_rules_are_both_accepted(lang: str) -> None:
    language = parse_language(lang)
    for rule in (classic_rule(language), babel_rule(language)):
        nplurals = parse_rule(rule).nplurals
        assert check_plural_header(rule, language, [nplurals]) == []


@pytest.mark.parametrize("po", sorted((REPO / "locale").glob("*/LC_MESSAGES/*.po")),
                         ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_committed_catalog_headers_pass_under_the_installed_babel(po: Path) -> None:
    lang = parse_language(po.parent.parent.name)
    findings = check_catalog(po, lang, load_glossary(REPO / "locale" / "glossary.csv"))
    assert [f for f in findings if f.check == "header"] == []


@pytest.mark.skipif(shutil.which("msginit") is None, reason="GNU gettext's msginit is absent")
@pytest.mark.parametrize("lang", sorted(GNU_RULES))
def test_gnu_table_matches_msginit(tmp_path: Path, lang: str) -> None:
    pot = tmp_path / "t.pot"
    pot.write_text(POT, "utf-8")
    out = subprocess.run(["msginit", "--no-translator", "-l", lang, "-i", str(pot), "-o", "-"],
                         capture_output=True, text=True, check=True).stdout
    header = out.replace('"\n"', "")
    rule = header.split("Plural-Forms: ", 1)[1].split("\\n", 1)[0]
    assert parse_rule(rule).same_as(parse_rule(GNU_RULES[lang])), rule


def test_init_writes_the_classic_rule_and_update_keeps_the_translators(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(REPO / "source", root / "source")
    (root / "pyproject.toml").write_text(
        '[tool.pipeline]\nsource_language = "en"\nlanguages = ["es", "it"]\n', "utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(root), "extract"]).exit_code == 0
    for lang in ("es", "it"):
        assert runner.invoke(cli, ["--root", str(root), "init", "--lang", lang]).exit_code == 0
    es = root / "locale" / "es" / "LC_MESSAGES" / "site.po"
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in es.read_text("utf-8")
    # A translator's equivalent rule, written differently, survives update untouched.
    mine = "nplurals=2; plural=n!=1 ? 1 : 0;"
    es.write_text(es.read_text("utf-8").replace("nplurals=2; plural=(n != 1);", mine), "utf-8")
    result = runner.invoke(cli, ["--root", str(root), "update", "--lang", "es"])
    assert result.exit_code == 0, result.output
    assert mine in es.read_text("utf-8")
    check = runner.invoke(cli, ["--root", str(root), "check", "--lang", "es", "--strict"])
    assert "Plural-Forms" not in check.output
