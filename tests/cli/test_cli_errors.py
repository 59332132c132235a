"""Bad input: exit 2, one line on stderr naming the file (and line), nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import tree_digest

SITE_PO = "locale/es/LC_MESSAGES/site.po"
PAGE_PO = "locale/es/LC_MESSAGES/paraspinal-sarcoma-treatment.po"


@dataclass(frozen=True)
class Bad:
    setup: Callable[[Path], None]
    args: tuple[str, ...]
    where: str  # text the message must contain: the file name and, where known, ":LINE"
    what: str  # a word of the explanation


def page(text: str | bytes) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        target = root / "source" / "pages" / "bad.md"
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")

    return setup


def edit(rel: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        path = root / rel
        path.write_bytes(change(path.read_bytes()))

    return setup


def remove_pages(root: Path) -> None:
    for p in (root / "source" / "pages").iterdir():
        p.unlink()
    (root / "source" / "pages").rmdir()


def pyproject(text: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / "pyproject.toml").write_text(text, encoding="utf-8")

    return setup


def site_po_line(root: Path, needle: str) -> int:
    lines = (root / SITE_PO).read_text("utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if line.startswith(needle))


# "Skip to Main Content" is the layout's first string (any template string would do)
FIRST = b'msgid "Skip to Main Content"'
SYNTAX = edit(SITE_PO, lambda b: b.replace(FIRST, FIRST[:-1]))
MISSING_QUOTES = edit(SITE_PO, lambda b: b + b'\nmsgid "Orphan"\nmsgstr Huerfano\n')
DUPLICATE = edit(SITE_PO, lambda b: b + b"\n#: x.html:1\n" + FIRST + b'\nmsgstr ""\n')

CASES: dict[str, Bad] = {
    "bad-yaml": Bad(
        page("---\ntitle: [oops\nupdated: 2026-01-01\n---\n\nHi\n"), ("extract",), "bad.md:", "YAML"
    ),
    "impossible-date": Bad(
        page("---\ntitle: x\ncreated: 2026-01-02\nupdated: 2026-13-45\n---\n\nHi\n"),
        ("extract",),
        "bad.md:4",
        "date",
    ),
    "front-matter-not-closed": Bad(
        page("---\ntitle: x\n\nHi\n"), ("extract",), "bad.md:1", "front matter"
    ),
    "no-front-matter": Bad(page("# Just a heading\n"), ("extract",), "bad.md:1", "front matter"),
    "no-title": Bad(
        page("---\ndescription: nothing else\n---\n\nHi\n"), ("extract",), "bad.md:2", "title"
    ),
    "not-utf8": Bad(
        page(b"---\ntitle: x\n---\n\ncaf\xe9 au lait\n"), ("extract",), "bad.md:5", "UTF-8"
    ),
    "empty-page": Bad(page(""), ("extract",), "bad.md", "empty"),
    "raw-html-block": Bad(
        page("---\ntitle: x\n---\n\n<div class='x'>\nhi\n</div>\n"),
        ("extract",),
        "bad.md:5",
        "HTML",
    ),
    "raw-html-inline": Bad(
        page("---\ntitle: x\n---\n\nsome <b>bold</b>\n"), ("extract",), "bad.md:5", "HTML"
    ),
    "missing-pages-folder": Bad(remove_pages, ("extract",), "source/pages", "not found"),
    "po-syntax-status": Bad(SYNTAX, ("status",), "site.po:", "syntax"),
    "po-syntax-update": Bad(SYNTAX, ("update",), "site.po:", "syntax"),
    "po-unquoted-msgstr": Bad(MISSING_QUOTES, ("update",), "site.po:", "syntax"),
    "po-bom": Bad(edit(SITE_PO, lambda b: b"\xef\xbb\xbf" + b), ("status",), "site.po:1", "BOM"),
    "po-bom-update": Bad(
        edit(SITE_PO, lambda b: b"\xef\xbb\xbf" + b), ("update",), "site.po:1", "byte-order"
    ),
    "po-duplicate": Bad(DUPLICATE, ("status",), "site.po:", "Skip to Main Content"),
    "unknown-lang-status": Bad(
        lambda root: None, ("status", "--lang", "xx-YY"), "xx-YY", "unknown language"
    ),
    "unknown-lang-update": Bad(
        lambda root: None, ("update", "--lang", "xx-YY"), "xx-YY", "unknown language"
    ),
    "unknown-lang-init": Bad(
        lambda root: None, ("init", "--lang", "xx-YY"), "xx-YY", "unknown language"
    ),
    "config-typo": Bad(
        pyproject('[tool.pipeline]\nlangauges = ["es"]\n'),
        ("status",),
        "pyproject.toml",
        "did you mean 'languages'",
    ),
    "config-bad-lang": Bad(
        pyproject('[tool.pipeline]\nlanguages = ["es", "xx-YY"]\n'),
        ("update",),
        "pyproject.toml",
        "xx-YY",
    ),
}


@pytest.fixture
def ready(project: Path, run) -> Path:
    """The project after extract + update (so there are catalogs to break)."""
    for args in (("extract",), ("update",)):
        result = run(*args)
        assert result.exit_code == 0, result.output
    # a page change waiting to be extracted/merged: a command that wrongly went ahead
    # with its work would change files
    pg = project / "source" / "pages" / "paraspinal-sarcoma-treatment.md"
    pg.write_text(pg.read_text("utf-8").replace("Learn more\n", "Learn more here\n"), "utf-8")
    result = run("extract")
    assert result.exit_code == 0, result.output
    return project


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("verbose", [False, True], ids=["", "-v"])
def test_bad_input(ready: Path, run, name: str, verbose: bool) -> None:
    case = CASES[name]
    case.setup(ready)
    before = tree_digest(ready)
    args = ("-v", *case.args) if verbose else case.args
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    err = result.stderr
    assert "Traceback" not in err
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert case.where in lines[0], lines[0]
    assert case.what.lower() in lines[0].lower(), lines[0]
    assert result.stdout == "", "a failed command must not report work done"
    assert tree_digest(ready) == before


def test_po_errors_name_the_line(ready: Path, run) -> None:
    SYNTAX(ready)
    line = site_po_line(ready, FIRST[:-1].decode())
    result = run("status")
    assert f"site.po:{line}:" in result.stderr


def test_duplicate_names_the_second_entry(ready: Path, run) -> None:
    DUPLICATE(ready)
    lines = (ready / SITE_PO).read_text("utf-8").split("\n")
    second = [i for i, line in enumerate(lines, 1) if line == FIRST.decode()][1]
    assert f"site.po:{second}:" in run("update").stderr


def test_bad_yaml_names_the_line(ready: Path, run) -> None:
    page("---\ntitle: ok\ndescription: [oops\n---\n\nHi\n")(ready)
    result = run("extract")
    assert result.exit_code == 2
    assert "bad.md:3:" in result.stderr or "bad.md:4:" in result.stderr, result.stderr


def test_unknown_language_suggests_close_codes(run) -> None:
    result = run("status", "--lang", "pt-BX")
    assert result.exit_code == 2
    assert "did you mean" in result.stderr and "pt_BR" in result.stderr


@pytest.mark.parametrize(
    ("code", "folder"), [("pt-BR", "pt_BR"), ("pt_BR", "pt_BR"), ("zh-Hans", "zh_Hans")]
)
def test_language_spellings_accepted(ready: Path, run, code: str, folder: str) -> None:
    result = run("update", "--lang", code)
    assert result.exit_code == 0, result.output
    assert (ready / "locale" / folder / "LC_MESSAGES" / "site.po").is_file()
    assert sorted(p.name for p in (ready / "locale").iterdir() if p.is_dir()) == sorted(
        {"es", folder}
    )
    status = run("status", "--lang", code)
    assert status.exit_code == 0 and folder in status.stdout


def test_missing_root_config(tmp_path: Path, run) -> None:
    result = run("status", root=tmp_path)
    assert result.exit_code == 2
    assert "pyproject.toml" in result.stderr and "Traceback" not in result.stderr
