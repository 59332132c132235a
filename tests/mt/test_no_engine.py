"""Nothing leaves the machine unasked: with no engine configured for a language that has no
offline pair, ``translate`` drafts from memory only, opens no connection, and says in one
line what stayed empty and how to name an engine; a named engine that cannot connect fails
in one line per entry, never with a traceback."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import polib
import pytest
from click.testing import CliRunner

from pipeline.catalog.entry import provenance

PYPROJECT = """\
[project]
name = "test-site"
version = "0"

[tool.pipeline]
languages = ["es", "fr"]
"""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every attempt to open a connection is recorded and refused."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args[1:2] or args[:1])
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def cli(root: Path, *args: str) -> Any:
    from pipeline.cli import cli as command

    return CliRunner().invoke(command, ["--root", str(root), *args])


@pytest.fixture
def fr_project(project: Path) -> Path:
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    assert cli(project, "extract").exit_code == 0
    assert cli(project, "update", "--lang", "fr").exit_code == 0
    return project


def test_no_engine_for_fr_sends_nothing_and_says_so(fr_project: Path,
                                                     no_network: list[Any]) -> None:
    result = cli(fr_project, "translate", "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert no_network == []
    assert result.exception is None
    lines = [line for line in result.output.splitlines() if "stayed empty" in line]
    assert len(lines) == 1
    assert "no engine is configured for fr and nothing was sent out" in lines[0]
    assert "[tool.pipeline.engines]" in lines[0] and "--engine NAME" in lines[0]
    assert "paraspinal-sarcoma-treatment" in lines[0]
    po = polib.pofile(str(fr_project / "locale" / "fr" / "LC_MESSAGES"
                          / "paraspinal-sarcoma-treatment.po"))
    assert not any(provenance(e) for e in po)  # nothing drafted, nothing invented


def test_a_named_online_engine_that_cannot_connect_fails_in_one_line(
        fr_project: Path, no_network: list[Any]) -> None:
    result = cli(fr_project, "translate", "--lang", "fr", "--engine", "google", "--page",
                 "site")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert no_network  # asked for, so it tried
    failed = [line for line in result.output.splitlines() if line.startswith("  failed")]
    # One line for the lot: the cause, not urllib3's retry report quoting the page text.
    assert len(failed) == 1
    assert re.fullmatch(r"  failed \[site\] \d+ entries: google: cannot connect to "
                        r"translate\.google\.com \(network disabled in this test\)", failed[0])
    assert result.output.rstrip().splitlines()[-1].startswith("error:")
