"""The bad-input corpus (``tests/data/bad/``): every case, through every command that reads it,
exits 2 with one line naming the file (and line) and what to do, and changes no file.

``tests/data/bad/cases.toml`` lists the cases; each is a small file installed in a copy of a
project that has a page change waiting to be extracted and merged, so a command that went
ahead with its work despite the bad input would change files.
"""

from __future__ import annotations

import shlex
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PYPROJECT, REPO, tree_digest

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
CORPUS = tomllib.loads((BAD / "cases.toml").read_text("utf-8"))
SETS: dict[str, list[str]] = CORPUS.pop("commands")
CASES: dict[str, dict] = CORPUS
PAGE = "source/pages/paraspinal-sarcoma-treatment.md"


def commands(case: dict) -> list[str]:
    named = case["commands"]
    return SETS[named] if isinstance(named, str) else named


# Refusals that still write something, until the file named in the reason is fixed.
KNOWN_GAPS: dict[tuple[str, str], str] = {}
PAIRS = [
    pytest.param(name, command, id=f"{name}:{command}", marks=[
        pytest.mark.xfail(reason=KNOWN_GAPS[name, command], strict=True)
    ] if (name, command) in KNOWN_GAPS else [])
    for name, case in CASES.items()
    for command in commands(case)
]


def cli(root: Path, command: str):  # type: ignore[no-untyped-def]
    from pipeline.cli import cli as main

    return CliRunner().invoke(main, ["--root", str(root), *shlex.split(command)])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Extracted and updated for es, then a page edit extracted but not yet merged."""
    root = tmp_path_factory.mktemp("bad") / "site"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    shutil.copytree(REPO / "source" / "pages", root / "source" / "pages")
    shutil.copytree(REPO / "source" / "templates", root / "source" / "templates")
    for command in ("extract", "update"):
        assert cli(root, command).exit_code == 0
    page = root / PAGE
    page.write_text(page.read_text("utf-8").replace("Learn more\n", "Learn more here\n"), "utf-8")
    assert cli(root, "extract").exit_code == 0
    # a memory-only run opens no MT cache: a refused translate must not create .cache/ either
    assert cli(root, "translate --lang es --engine memory").exit_code == 0
    assert not (root / ".cache").exists()
    return root


def install(root: Path, case: dict) -> None:
    if "file" not in case:
        return
    data = (BAD / case["file"]).read_bytes()
    if "fill" in case:
        words = b"Families can visit the clinic. " * (case["fill"] // 31 + 1)
        data = data.replace(b"{fill}", words[: case["fill"]])
    target = root / case["install"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def test_corpus_is_complete() -> None:
    """Every file in the folder is used, and the issue's list is covered."""
    used = {case["file"] for case in CASES.values() if "file" in case}
    on_disk = {p.name for p in BAD.iterdir()} - {"cases.toml", ".gitattributes"}
    assert used == on_disk
    assert {
        "truncated-po", "latin1-without-charset-po", "duplicate-msgid-po", "bom-po",
        "unterminated-string-po", "broken-front-matter", "page-not-utf8", "raw-html-block",
        "one-megabyte-paragraph", "empty-page", "page-without-title", "unknown-lang",
        "config-typo-in-key",
    } <= set(CASES)
    assert len(PAIRS) >= 150


@pytest.mark.parametrize(("name", "command"), PAIRS)
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    base: Path, tmp_path: Path, name: str, command: str
) -> None:
    case = CASES[name]
    root = tmp_path / "site"
    shutil.copytree(base, root)
    install(root, case)
    before = tree_digest(root)
    result = cli(root, command)
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip("\n").split("\n")
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.stderr
    for needle in case["expect"]:
        assert needle.lower() in lines[0].lower(), (needle, lines[0])
    assert result.stdout == "", "a refused command must not report work done"
    assert tree_digest(root) == before
