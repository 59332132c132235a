"""Every input size and count has a limit, refused in one line with exit 2 and nothing
written (README, "Limits")."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import tree_digest

from pipeline.catalog.pofile import load_catalog
from pipeline.catalog.syntax import MAX_CATALOG_BYTES, MAX_FIELD_CHARS
from pipeline.config import load_config, parse_language
from pipeline.errors import CatalogError
from pipeline.frontmatter import MAX_META_CHARS
from pipeline.mt.translate import translate
from pipeline.source import MAX_PAGE_BYTES

PO = "locale/es/LC_MESSAGES/site.po"


@pytest.fixture
def ready(project: Path, run) -> Path:
    assert run("extract").exit_code == 0
    assert run("update", "--lang", "es").exit_code == 0
    return project


def refused(run, root: Path, args: tuple[str, ...], *needles: str) -> None:
    before = tree_digest(root)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    for needle in needles:
        assert needle in result.output, result.output
    assert tree_digest(root) == before


COMMANDS = [("update",), ("translate", "--lang", "es", "--engine", "memory"), ("status",),
            ("check",)]


@pytest.mark.parametrize("args", COMMANDS)
def test_a_header_claiming_twenty_million_plural_forms_is_refused(ready: Path, run,
                                                                 args: tuple[str, ...]) -> None:
    po = ready / PO
    text = po.read_text(encoding="utf-8")
    start = text.index('"Plural-Forms:')
    end = text.index("\n", start)
    po.write_text(text[:start] + '"Plural-Forms: nplurals=20000000; plural=n;\\n"'
                  + text[end:], encoding="utf-8")
    refused(run, ready, args, "site.po", "nplurals=20,000,000")


def test_an_oversized_msgstr_is_refused_with_its_line(ready: Path, run) -> None:
    po = ready / PO
    po.write_text(po.read_text(encoding="utf-8").replace(
        'msgstr ""\n\n', 'msgstr "' + "x" * (MAX_FIELD_CHARS + 1) + '"\n\n', 2).replace(
        'msgstr "' + "x" * (MAX_FIELD_CHARS + 1) + '"\n\n', 'msgstr ""\n\n', 1),
        encoding="utf-8")
    refused(run, ready, ("update",), "site.po:", "characters (limit 100,000)")


def test_an_oversized_catalog_is_refused_before_it_is_read(ready: Path, tmp_path: Path) -> None:
    po = ready / PO
    with po.open("a", encoding="utf-8") as fh:
        fh.write(("# padding\n" * 1000) * (MAX_CATALOG_BYTES // 10_000 + 1))
    with pytest.raises(CatalogError, match="limit 16,777,216"):
        load_catalog(po)


class Runaway:
    """A fake engine answering each text with 2 MB."""

    name = "runaway"
    version = "1"

    def supports(self, source: object, target: object) -> bool:
        return True

    def translate_batch(self, texts: list[str], source: object, target: object) -> list[str]:
        return ["y" * 2_000_000 for _ in texts]


def test_a_runaway_mt_answer_is_a_failure_and_lands_nowhere(ready: Path) -> None:
    report = translate(load_config(ready), parse_language("es"),
                       engine=Runaway(), pages=["site"])  # type: ignore[arg-type]
    assert report.failed and all("refused" in f.reason for f in report.failed)
    assert report.from_engine == 0
    assert b"yyyyyyyy" not in (ready / PO).read_bytes()
    cache = ready / ".cache" / "mt.sqlite"
    assert not cache.exists() or b"yyyyyyyy" not in cache.read_bytes()


def test_a_huge_title_is_refused(project: Path, run) -> None:
    page = project / "source" / "pages" / "big.md"
    page.write_text(f"---\ntitle: {'T' * (MAX_META_CHARS + 1)}\n---\n\nText.\n",
                    encoding="utf-8")
    refused(run, project, ("extract",), "big.md:2", "'title' has 1,001 characters")


def test_a_huge_page_is_refused_before_it_is_read(project: Path, run) -> None:
    page = project / "source" / "pages" / "big.md"
    para = "Families can visit the clinic every day of the week. " * 100 + "\n\n"
    page.write_text("---\ntitle: Big\n---\n\n" + para * (MAX_PAGE_BYTES // len(para) + 1),
                    encoding="utf-8")
    refused(run, project, ("extract",), "big.md", "limit 524,288")


@pytest.mark.parametrize("depth", [200, 5_000])
def test_deeply_nested_front_matter_is_refused_in_one_line(project: Path, run,
                                                           depth: int) -> None:
    page = project / "source" / "pages" / "deep.md"
    page.write_text(f"---\ntitle: Deep\nx: {'[' * depth}{']' * depth}\n---\n\nText.\n",
                    encoding="utf-8")
    result = run("extract")
    if depth == 200 and result.exit_code == 0:
        return  # PyYAML managed: fine, as long as it is not a traceback
    refused(run, project, ("extract",), "deep.md:2", "nests too deeply")


# --- charsets and control characters ---------------------------------------------------------

HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={}\\n"\n{}\n'
          'msgid "Hello"\nmsgstr "Hola"\n')


@pytest.mark.parametrize("charset", ["unicode_escape", "utf-16", "utf-32", "rot13", "base64",
                                     "punycode", "idna", "utf-7", "raw_unicode_escape"])
def test_a_charset_gettext_does_not_read_is_refused(ready: Path, run, charset: str) -> None:
    (ready / PO).write_text(HEADER.format(charset, ""), encoding="ascii")
    refused(run, ready, ("update",), "site.po:", f"charset '{charset}'")


def test_two_content_type_lines_are_refused(ready: Path, run) -> None:
    (ready / PO).write_text(
        HEADER.format("UTF-8", '"Content-Type: text/plain; charset=ISO-8859-1\\n"'),
        encoding="utf-8")
    refused(run, ready, ("update",), "site.po:", "two Content-Type lines")


@pytest.mark.parametrize("charset", ["UTF-8", "ISO-8859-1", "CP1252", "KOI8-R", "EUC-JP",
                                     "GB18030", "SHIFT_JIS"])
def test_charsets_gettext_reads_are_read(tmp_path: Path, charset: str) -> None:
    path = tmp_path / "x.po"
    path.write_text(HEADER.format(charset, ""), encoding="ascii")
    assert load_catalog(path).po[0].msgstr == "Hola"


class Garbler:
    """A fake engine answering with a control character or a lone surrogate."""

    name = "garbler"
    version = "1"

    def supports(self, source: object, target: object) -> bool:
        return True

    def translate_batch(self, texts: list[str], source: object, target: object) -> list[str]:
        return [("\x00", "\ud800", "\x1b[31m", "\x7f")[i % 4] + t for i, t in enumerate(texts)]


def test_control_characters_from_mt_never_land_in_a_catalog(ready: Path) -> None:
    report = translate(load_config(ready), parse_language("es"),
                       engine=Garbler(), pages=["site"])  # type: ignore[arg-type]
    assert report.from_engine == 0 and report.failed
    assert all("control character" in f.reason for f in report.failed)
    load_catalog(ready / PO)  # still readable
