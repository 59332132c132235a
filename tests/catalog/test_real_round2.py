"""Real material, round 2: the first edit of a file moves no line outside the edited entry;
obsolete plural drafts as msgmerge writes them; a trailing flag line read as msgfmt reads it;
a writer refuses what the loader would refuse, before writing."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import polib
import pytest
from conftest import DATA, REPO, RunCli, msgfmt_ok, tree_digest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.catalog.merge import merge
from pipeline.catalog.pofile import check_writable, load_catalog, parse_catalog, save_catalog
from pipeline.catalog.syntax import MAX_FIELD_CHARS
from pipeline.errors import CatalogError

REAL = sorted((DATA / "real").glob("*.po"))
HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n')


def outside_lines_changed(before: str, after: str, start: int, end: int) -> list[object]:
    """Diff operations touching lines outside ``before[start:end]`` (0-based, end exclusive)."""
    a, b = before.split("\n"), after.split("\n")
    return [op for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
            if op[0] != "equal" and not (start <= op[1] and op[2] <= end)]


def span(text: str, entry: polib.POEntry) -> tuple[int, int]:
    """The entry's lines: from its first comment line above polib's line to its last line."""
    lines = text.split("\n")
    start = entry.linenum - 1
    while start > 0 and lines[start - 1].startswith("#") and not lines[start - 1].startswith("#~"):
        start -= 1
    end = entry.linenum - 1
    while end < len(lines) and lines[end].strip():
        end += 1
    return start, end


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_first_edit_of_a_real_catalog_touches_only_that_entry(path: Path) -> None:
    data = path.read_bytes()
    for index in range(len(parse_catalog(data, path).po)):
        cat = parse_catalog(data, path)
        e = cat.po[index]
        if e.obsolete or e.msgid_plural:
            continue
        text = data.decode(cat.charset())
        start, end = span(text, e)
        e.msgstr = (e.msgstr or "nuevo") + " editado"
        assert outside_lines_changed(text, cat.render(), start, end) == [], (path.name, index)


GAP = st.sampled_from(["\n", "\n\n", "\n\n\n"])


@settings(max_examples=60, deadline=None)
@given(gaps=st.lists(GAP, min_size=3, max_size=6), tail=st.sampled_from(["\n", "\n\n"]),
       bare=st.lists(st.booleans(), min_size=6, max_size=6), pick=st.integers(0, 5))
def test_first_edit_moves_no_blank_line_elsewhere(gaps: list[str], tail: str,
                                                  bare: list[bool], pick: int) -> None:
    """Whatever blank lines (or none) stand between entries, and a bare ``#.`` line above
    some, editing one entry changes that entry's lines only."""
    entries = [("#.\n" if bare[i] else "") + f'#: p.md:{i}\nmsgid "e{i}"\nmsgstr "t{i}"'
               for i in range(len(gaps))]
    text = HEADER + "".join(g + e for g, e in zip(["\n", *gaps[1:]], entries, strict=True))
    text += tail
    cat = parse_catalog(text.encode(), Path("x.po"))
    e = cat.po[pick % len(gaps)]
    start, end = span(text, e)
    e.msgstr = "cambiado"
    assert outside_lines_changed(text, cat.render(), start, end) == []


def test_obsolete_plural_draft_is_written_as_msgmerge_writes_it(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(HEADER + '\n#, fuzzy\n#| msgid "old file"\n#| msgid_plural "old files"\n'
                  'msgid "one file"\nmsgid_plural "%d files"\nmsgstr[0] "un archivo"\n'
                  'msgstr[1] "%d archivos"\n', encoding="utf-8")
    cat = load_catalog(po)
    template = polib.POFile()
    template.append(polib.POEntry(msgid="Something else"))
    merge(cat, template)
    save_catalog(cat)
    text = po.read_text("utf-8")
    assert '#~| msgid "old file"\n#~| msgid_plural "old files"\n#~ msgid "one file"' in text
    msgfmt_ok(po)
    assert load_catalog(po).obsolete()[0].previous_msgid == "old file"  # read back


def test_a_previous_plural_without_its_msgid_is_refused_as_msgfmt_refuses_it(
        tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(HEADER + '\n#, fuzzy\n#~| msgid_plural "old files"\n#~ msgid "one file"\n'
                  '#~ msgid_plural "%d files"\n#~ msgstr[0] "uno"\n#~ msgstr[1] "varios"\n',
                  encoding="utf-8")
    with pytest.raises(CatalogError, match=r"'#\| msgid_plural' without '#\| msgid'") as exc:
        load_catalog(po)
    assert exc.value.line == 7


@pytest.fixture
def site(project: Path) -> Path:
    shutil.copytree(REPO / "locale", project / "locale")
    return project


def site_po(root: Path) -> Path:
    return root / "locale" / "es" / "LC_MESSAGES" / "site.po"


def test_a_trailing_flag_line_is_read_as_msgfmt_reads_it(site: Path, run: RunCli) -> None:
    po = site_po(site)
    po.write_text(po.read_text("utf-8") + "\n#, fuzzy\n", encoding="utf-8")
    msgfmt_ok(po)
    before = po.read_bytes()
    result = run("status", "--lang", "es")
    assert result.exit_code in (0, 1), result.output
    assert "truncated" not in result.output
    assert run("update", "--lang", "es").exit_code == 0
    assert po.read_bytes() == before  # read and written back as it was


def test_a_trailing_reference_is_still_refused_as_truncated(site: Path, run: RunCli) -> None:
    po = site_po(site)
    po.write_text(po.read_text("utf-8") + "\n#: source/templates/base.html:9\n",
                  encoding="utf-8")
    result = run("status", "--lang", "es")
    assert result.exit_code == 2 and "truncated" in result.stderr


@settings(max_examples=10, deadline=None)
@given(extra=st.integers(1, 50), plural=st.booleans())
def test_check_writable_refuses_what_the_loader_refuses(extra: int, plural: bool) -> None:
    cat = parse_catalog((HEADER + '\nmsgid "a"\nmsgid_plural "as"\nmsgstr[0] ""\n'
                         'msgstr[1] ""\n\nmsgid "b"\nmsgstr ""\n').encode(), Path("x.po"))
    e = cat.po[0] if plural else cat.po[1]
    long = "x" * (MAX_FIELD_CHARS + extra)
    if plural:
        e.msgstr_plural = {0: "uno", 1: long}
    else:
        e.msgstr = long
    with pytest.raises(CatalogError, match="nothing was written"):
        check_writable(cat)
    e.msgstr_plural = {0: "uno", 1: "x" * MAX_FIELD_CHARS} if plural else e.msgstr_plural
    if not plural:
        e.msgstr = "x" * MAX_FIELD_CHARS
    check_writable(cat)  # at the limit: written, and read back


def test_save_refuses_before_writing(site: Path) -> None:
    po = site_po(site)
    cat = load_catalog(po)
    cat.entries()[0].msgstr = "x" * (MAX_FIELD_CHARS + 1)
    before = tree_digest(site)
    with pytest.raises(CatalogError, match=r"limit 100,000.*nothing was written"):
        save_catalog(cat)
    assert tree_digest(site) == before
