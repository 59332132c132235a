"""Shared fixtures: a copy of the project in ``tmp_path`` and a CLI runner bound to it."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.config import ReviewPolicy

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

PYPROJECT = """\
[project]
name = "test-site"
version = "0"

[tool.pipeline]
languages = ["es"]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A minimal project: pyproject with ``languages = ["es"]``, the real pages and
    templates, and no ``locale/``."""
    root = tmp_path / "site"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    shutil.copytree(REPO / "source" / "pages", root / "source" / "pages")
    shutil.copytree(REPO / "source" / "templates", root / "source" / "templates")
    return root


RunCli = Callable[..., Result]

GETTEXT = ReviewPolicy(signoff_required=False)
"""Reviewed in gettext's sense: translated and not fuzzy (``require_signoff`` off)."""
SIGNED = ReviewPolicy(signoff_required=True)
"""Reviewed only when signed over the very text (``require_signoff`` on)."""


@pytest.fixture
def run(project: Path) -> RunCli:
    """``run("update", "--lang", "es")`` invokes the CLI with ``--root <project>``."""
    from pipeline.cli import cli

    def invoke(*args: str, root: Path | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, ["--root", str(root or project), *args], catch_exceptions=True)

    return invoke


def msgfmt_ok(path: Path) -> None:
    """GNU gettext's independent check: ``msgfmt -c`` must accept the file."""
    proc = subprocess.run(
        ["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 0, f"msgfmt -c rejected {path}:\n{proc.stderr}"


def tree_digest(root: Path) -> dict[str, str]:
    """Relative path → sha256 (or ``<dir>``) for every file and folder under ``root``."""
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        out[rel] = "<dir>" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def without_site_drafts(locale: Path) -> Path:
    """Drop the unreviewed drafts from every ``site.po`` under ``locale`` (the seed ships
    drafts of the continuity notice's template strings, awaiting review): for tests whose
    counts are about the page catalogs. Returns ``locale``."""
    import polib

    for path in sorted(locale.glob("*/LC_MESSAGES/site.po")):
        po = polib.pofile(str(path), wrapwidth=78)
        for entry in [e for e in po if "fuzzy" in e.flags]:
            po.remove(entry)
        po.save(str(path))
    return locale
