"""Typed sign-offs through the CLI: the roster (``team.toml``), ``review --role``, four eyes
across roles, and a ``review: clinical`` page that only a clinician's sign-off makes public."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import REPO

from pipeline.catalog.entry import CLINICAL, REVISER, is_signed, mark_translated, signoffs
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.config import parse_language
from pipeline.errors import ConfigError
from pipeline.team import load_team

PAGE = "paraspinal-sarcoma-treatment"
ROSTER = """\
# the Spanish team
[[person]]
name = "Marta Ruiz"
languages = ["es"]
roles = ["translator"]
qualifications = "ATA-certified English>Spanish translator"

[[person]]
name = "Ana Pérez"
languages = ["es"]
roles = ["reviser", "clinical"]
qualifications = "Medical translator; RN"

[[person]]
name = "Bea Soto"
languages = ["es", "fr"]
roles = ["translator", "reviser"]
qualifications = "Translator and reviser"

[[person]]
name = "Dr Luis Gil"
languages = ["es"]
roles = ["clinical"]
qualifications = "MD, paediatric oncology"
"""


def cli(root: Path, *args: str, keys: str = "") -> Result:
    from pipeline.cli import cli as command

    return CliRunner(env={"EDITOR": "", "VISUAL": ""}).invoke(
        command, ["--root", str(root), *args], input=keys)


def make(root: Path, *, roster: bool = True, clinical_page: bool = True,
         four_eyes: bool = False) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.pipeline]\nlanguages = ["es"]\nformats = ["html"]\nrequire_signoff = true\n'
        f"four_eyes = {str(four_eyes).lower()}\n", "utf-8")
    shutil.copytree(REPO / "source", root / "source",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "locale", root / "locale",
                    ignore=shutil.ignore_patterns("*.mo", "ar", "fr", "zh_Hans", "ca", "gl"))
    # a page not public yet: its first publication is what the clinician's sign-off gates
    # (a page already public would keep its address as a short page: the continuity rule)
    (root / "locale" / "published.toml").unlink()
    if clinical_page:
        page = root / "source" / "pages" / f"{PAGE}.md"
        text = page.read_text("utf-8")
        page.write_text(text.replace("updated: 2026-11-25\n",
                                     "updated: 2026-11-25\nreview: clinical\n", 1), "utf-8")
    if roster:
        (root / "team.toml").write_text(ROSTER, "utf-8")
    return root


def entries(root: Path, domain: str = PAGE) -> int:
    return len(load_catalog(root / "locale" / "es" / "LC_MESSAGES" / f"{domain}.po").entries())


def all_entries(root: Path) -> int:
    return entries(root) + entries(root, "site")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make(tmp_path / "site")


def test_a_reviser_alone_cannot_make_a_clinical_page_public_a_clinician_can(site: Path) -> None:
    n = all_entries(site)
    revised = cli(site, "review", "--lang", "es", "--reviewer", "Ana Pérez", keys="a\n" * n)
    assert revised.exit_code == 0, revised.output
    assert f"{n} accepted" in revised.output
    published = cli(site, "publish", "--lang", "es")
    assert published.exit_code == 1, published.output  # not ready: the gate says why
    assert not (site / "output" / "es" / f"{PAGE}.html").exists()
    assert f"{entries(site)} waiting for a clinical reviewer (review: clinical)" in (
        published.output)
    status = json.loads(cli(site, "status", "--lang", "es", "--json").stdout)
    row = next(r for r in status if r["domain"] == PAGE)
    assert row["tier"] == "clinical" and "clinical reviewer" in row["waits_for"]

    # the clinician walks the page's revised entries (not the site's strings)
    signed = cli(site, "review", "--lang", "es", "--page", PAGE, "--reviewer", "Dr Luis Gil",
                 "--role", "clinical", keys="a\n" * entries(site))
    assert signed.exit_code == 0, signed.output
    assert f"{entries(site)} accepted" in signed.output
    cat = load_catalog(site / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po")
    assert all(is_signed(e, REVISER) and is_signed(e, CLINICAL) for e in cat.entries())
    assert [m.role for m in signoffs(cat.entries()[0])] == [REVISER, CLINICAL]  # both kept
    published = cli(site, "publish", "--lang", "es")
    assert published.exit_code == 0, published.output
    assert (site / "output" / "es" / f"{PAGE}.html").exists()
    assert "left out" not in published.output
    row = next(r for r in json.loads(cli(site, "status", "--lang", "es", "--json").stdout)
               if r["domain"] == PAGE)
    assert row["waits_for"] == "nothing"


def test_a_clinician_signs_only_revised_text(site: Path) -> None:
    result = cli(site, "review", "--lang", "es", "--reviewer", "Dr Luis Gil",
                 "--role", "clinical", keys="q\n")
    assert result.exit_code == 0
    assert "nothing waiting for clinical review" in result.output  # nothing revised yet


def test_a_person_is_refused_a_role_or_language_the_roster_does_not_give(site: Path) -> None:
    for args, why in (
            (("--reviewer", "Marta Ruiz"), "Marta Ruiz is not a reviser in team.toml "
                                           "(roles: translator)"),
            (("--reviewer", "Bea Soto", "--role", "clinical"), "not a clinical in team.toml"),
            (("--reviewer", "Nobody Known"), "Nobody Known is not in team.toml"),
    ):
        result = cli(site, "review", "--lang", "es", *args, keys="a\n")
        assert result.exit_code == 2, result.output
        assert why in result.output and len(result.output.strip().splitlines()) == 1
    assert all(not signoffs(e) for e in load_catalog(
        site / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po").entries())  # nothing written


def test_four_eyes_across_roles(tmp_path: Path) -> None:
    site = make(tmp_path / "site", four_eyes=True)
    path = site / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"
    cat = load_catalog(path)
    mark_translated(cat.entries()[0], "Bea Soto", "2026-11-26")  # Bea typed the first text
    save_catalog(cat)
    own = cli(site, "review", "--lang", "es", "--page", PAGE, "--reviewer", "Bea Soto",
              keys="a\nq\n")
    assert "four eyes: Bea Soto translated this text" in own.output
    assert not signoffs(load_catalog(path).entries()[0])
    other = cli(site, "review", "--lang", "es", "--page", PAGE, "--reviewer", "Ana Pérez",
                keys="a\nq\n")
    assert "accepted" in other.output and is_signed(load_catalog(path).entries()[0])
    # Ana revised it: she cannot also be its clinical reviewer
    twice = cli(site, "review", "--lang", "es", "--page", PAGE, "--reviewer", "Ana Pérez",
                "--role", "clinical", keys="a\nq\n")
    assert "four eyes: Ana Pérez already signed this text as reviser" in twice.output
    assert not is_signed(load_catalog(path).entries()[0], CLINICAL)
    clinician = cli(site, "review", "--lang", "es", "--page", PAGE, "--reviewer",
                    "Dr Luis Gil", "--role", "clinical", keys="a\nq\n")
    assert "accepted" in clinician.output
    assert is_signed(load_catalog(path).entries()[0], CLINICAL)


def test_without_a_roster_anyone_signs_as_before(tmp_path: Path) -> None:
    site = make(tmp_path / "site", roster=False, clinical_page=False)
    result = cli(site, "review", "--lang", "es", "--page", PAGE, "--reviewer", "Whoever",
                 keys="a\nq\n")
    assert result.exit_code == 0 and "accepted" in result.output


def test_the_roster_is_validated_with_file_and_line(tmp_path: Path) -> None:
    root = tmp_path
    cases = {
        '[[person]]\nname = "A"\nlanguages = ["es"]\nroles = ["boss"]\n':
            ("team.toml:1:", "role 'boss' is not one of translator, reviser, clinical"),
        '[[person]]\nname = "A"\nlanguages = ["es"]\nroles = ["reviser"]\n\n'
        '[[person]]\nname = "A"\nlanguages = ["xx-QQ"]\nroles = ["reviser"]\n':
            ("team.toml:6:", "unknown language code 'xx-QQ'"),
        '[[person]]\nname = "A"\nlanguages = ["es"]\nroles = ["reviser"]\nemail = "a@b"\n':
            ("team.toml:1:", "unknown key 'email'"),
        '[[person]]\nname = "A"\nroles = ["reviser"]\n':
            ("team.toml:1:", "languages must be a non-empty list"),
        '[[person]\nname = "A"\n': ("team.toml:1:", "not valid TOML"),
        '[[person]]\nname = "A"\nlanguages = ["es"]\nroles = ["reviser"]\n'
        '[[person]]\nname = "a"\nlanguages = ["es"]\nroles = ["clinical"]\n':
            ("team.toml:5:", "listed twice (also on line 1)"),
    }
    for text, (where, what) in cases.items():
        (root / "team.toml").write_text(text, "utf-8")
        with pytest.raises(ConfigError) as caught:
            load_team(root)
        message = str(caught.value)
        assert where in message and what in message and "\n" not in message, message


def test_roster_lookups() -> None:
    from pipeline.team import Person, Team

    team = Team((Person("Ana Pérez", ("es",), ("reviser",), "RN"),), Path("team.toml"))
    es, pt = parse_language("es-MX"), parse_language("pt")
    assert team.check("ana  pérez <ana@example.org>", "reviser", es) is None  # base language
    assert "not a reviser for pt" in (team.check("Ana Pérez", "reviser", pt) or "")
    assert Team().check("anyone", "clinical", pt) is None  # no roster: today's behaviour


def test_the_browser_workbench_signs_through_the_same_rule(site: Path) -> None:
    from pipeline.config import load_config
    from pipeline.review.serve.workbench import Decision, decide

    config, es = load_config(site), parse_language("es")
    first = load_catalog(site / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po").entries()[0]
    d = Decision(PAGE, first.msgid, first.msgctxt, first.msgstr, "draft", "accept")
    with pytest.raises(ConfigError, match="Marta Ruiz is not a reviser in team.toml"):
        decide(config, es, "Marta Ruiz", d, today="2026-12-01")
    assert decide(config, es, "Ana Pérez", d, today="2026-12-01").status == "accepted"
