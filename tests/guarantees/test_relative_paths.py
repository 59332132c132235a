"""Messages name the project's files relative to the project folder, as the rest of the tool
does, whichever command meets the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, RunCli

from pipeline.errors import CatalogError

COMMANDS = [("status", "--lang", "es"), ("update", "--lang", "es"), ("compile", "--lang", "es"),
            ("check", "--lang", "es"), ("publish", "--lang", "es", "--format", "html"),
            ("translate", "--lang", "es", "--engine", "memory"), ("tm", "export", "--lang", "es"),
            ("export", "--lang", "es")]


@pytest.fixture
def broken(project: Path) -> Path:
    shutil.copytree(REPO / "locale", project / "locale")
    po = project / "locale" / "es" / "LC_MESSAGES" / "site.po"
    po.write_text(po.read_text("utf-8") + '\nmsgid "unfinished"\n', encoding="utf-8")
    return project


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_errors_name_project_files_relative(broken: Path, run: RunCli,
                                            args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: locale/es/LC_MESSAGES/site.po:"), result.stderr
    assert str(broken) not in result.output


def test_a_file_outside_the_project_keeps_its_path(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "x.tmx"
    err = CatalogError("not well-formed", path=outside, line=2)
    assert err.shown(tmp_path / "site") == f"{outside}:2: not well-formed"
    assert err.shown(tmp_path) == "elsewhere/x.tmx:2: not well-formed"
