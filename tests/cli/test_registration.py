"""Commands register explicitly, without an import circle: the command modules import only
``pipeline.cli.common``, and the group adds exactly the commands they list."""

from __future__ import annotations

import ast
from pathlib import Path

import click

from pipeline.cli import catalog, cli, review, site

CLI = Path(__file__).resolve().parents[2] / "pipeline" / "cli"


def test_command_modules_never_import_the_group() -> None:
    for name in ("catalog", "review", "site", "common"):
        tree = ast.parse((CLI / f"{name}.py").read_text("utf-8"))
        found = [node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module == "pipeline.cli"]
        found += [a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                  for a in node.names if a.name == "pipeline.cli"]
        assert found == [], f"pipeline/cli/{name}.py imports the group"


def test_the_group_holds_exactly_the_listed_commands() -> None:
    listed = {c.name for module in (catalog, review, site) for c in module.COMMANDS}
    assert isinstance(cli, click.Group)
    assert set(cli.commands) == listed
    assert {"extract", "update", "translate", "review", "publish", "adopt", "serve"} <= listed
