"""Start-up stays light: a command imports the heavy libraries only where it needs them
(WeasyPrint for a PDF, markdown-it and PyYAML for a page it parses, deep-translator for an
online engine, Jinja2 for a page it renders)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("markdown_it", "yaml", "weasyprint", "deep_translator", "jinja2")

PROBE = """
import json, sys
from pipeline.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def loaded(root: Path, *args: str) -> set[str]:
    """The top-level modules a fresh ``pipeline ARGS`` process has imported when it ends."""
    proc = subprocess.run([sys.executable, "-c", PROBE, "--root", str(root), *args],
                          capture_output=True, text=True, timeout=120, cwd=root,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdout, proc.stderr[-2000:]
    return set(json.loads(proc.stdout.splitlines()[-1]))


# status counts each page's current English, so it parses the pages (markdown-it, PyYAML)
NOT_NEEDED = {("--help",): set(HEAVY),
              ("status",): {"weasyprint", "deep_translator", "jinja2"}}


@pytest.mark.parametrize("args", list(NOT_NEEDED), ids=["help", "status"])
def test_help_and_status_import_no_heavy_library_they_do_not_use(
        project: Path, run, args: tuple[str, ...]) -> None:
    assert run("extract").exit_code == 0
    assert run("update").exit_code == 0
    assert loaded(project, *args) & NOT_NEEDED[args] == set()


def test_a_no_op_publish_parses_no_page_so_imports_no_markdown_yaml_or_weasyprint(
        project: Path, run) -> None:
    for command in (("extract",), ("update",), ("publish", "--lang", "es", "--draft")):
        assert run(*command).exit_code in (0, 1), command
    found = loaded(project, "publish", "--lang", "es", "--draft")
    assert found & {"markdown_it", "yaml", "weasyprint", "deep_translator"} == set()
