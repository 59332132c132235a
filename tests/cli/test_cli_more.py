"""CLI contract details: publish --all exit code, compile, check --page, template errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import cli

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.pipeline]\nlanguages = ["es", "ca"]\nformats = ["html"]\n', "utf-8")
    shutil.copytree(REPO / "source", root / "source")
    shutil.copytree(REPO / "locale", root / "locale")
    for mo in (root / "locale").rglob("*.mo"):
        mo.unlink()
    return root


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def test_publish_all_publishes_the_ready_and_exits_1_naming_the_rest(site: Path) -> None:
    result = run(site, "publish", "--all", "--jobs", "1")
    assert result.exit_code == 1
    assert (site / "output" / "es" / "paraspinal-sarcoma-treatment.html").exists()
    assert not (site / "output" / "ca").exists()
    assert "skipped: ca:" in result.stderr
    assert "not ready, not published: ca" in result.stderr
    # ca expected to stay a draft: previewed, and --all exits 0
    with (site / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('preview_only = ["ca"]\n')
    result = run(site, "publish", "--all", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (site / "output" / "drafts" / "ca" / "paraspinal-sarcoma-treatment.html").exists()
    assert not (site / "output" / "ca").exists()


def test_compile_writes_mo_files_gettext_can_read(site: Path) -> None:
    result = run(site, "compile", "--lang", "es")
    assert result.exit_code == 0, result.output
    mo = site / "locale" / "es" / "LC_MESSAGES" / "site.mo"
    out = subprocess.run(["msgunfmt", str(mo)], capture_output=True, text=True, check=True)
    assert 'msgstr "Ir al contenido principal"' in out.stdout
    # a machine draft (ca is all fuzzy) is left out, as msgfmt does
    assert run(site, "compile", "--lang", "ca").exit_code == 0
    ca = subprocess.run(["msgunfmt", str(site / "locale" / "ca" / "LC_MESSAGES" / "site.mo")],
                        capture_output=True, text=True, check=True).stdout
    assert "Skip to Main Content" not in ca


def test_check_rejects_an_unknown_page(site: Path) -> None:
    result = run(site, "check", "--lang", "es", "--page", "nope")
    assert result.exit_code == 2
    assert "no catalog named 'nope'" in result.stderr


def test_template_syntax_error_stops_extract_before_site_pot_shrinks(site: Path) -> None:
    pot = site / "locale" / "site.pot"
    before = pot.read_bytes()
    page = site / "source" / "templates" / "page.html"
    page.write_text(page.read_text("utf-8").replace("{% endtrans %}", "", 1), "utf-8")
    result = run(site, "extract")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: source/templates/page.html:")
    assert "Traceback" not in result.output
    assert pot.read_bytes() == before


def test_publishing_a_new_language_refreshes_the_links_of_those_published_before(
    site: Path,
) -> None:
    (site / "locale" / "published.toml").unlink()  # fr has never been public here
    config = site / "pyproject.toml"
    config.write_text(config.read_text("utf-8").replace('["es", "ca"]', '["es", "ca", "fr"]'),
                      "utf-8")
    assert run(site, "publish", "--lang", "es", "--jobs", "1").exit_code == 0
    es = site / "output" / "es" / "paraspinal-sarcoma-treatment.html"
    assert 'hreflang="fr"' not in es.read_text("utf-8")
    result = run(site, "publish", "--lang", "fr", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert 'hreflang="fr"' in es.read_text("utf-8")
    assert "Français" in es.read_text("utf-8")
    # a language that does not pass its gate is not published by another's command
    assert not (site / "output" / "ca").exists()


def test_glossary_setting_points_at_another_file(site: Path) -> None:
    from pipeline.config import load_config

    (site / "terms.csv").write_text("term,lang,translation,note\nSt. Jude,,,name\n", "utf-8")
    with (site / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('glossary = "terms.csv"\n')
    assert load_config(site).glossary_path == site / "terms.csv"
    assert run(site, "check", "--lang", "es").exit_code == 0
