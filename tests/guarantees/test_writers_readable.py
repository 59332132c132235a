"""What the pipeline writes, it can read: for any text a writer accepts (an engine's answer,
a TMX memory, an XLIFF target, a TBX term), every command reads the project afterwards;
what it would not read back is refused in one line with nothing written."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import polib
from click.testing import CliRunner, Result
from conftest import REPO, tree_digest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.catalog.syntax import MAX_FIELD_CHARS
from pipeline.config import Language, load_config, parse_language
from pipeline.mt.cache import Cache
from pipeline.mt.engines import Failure
from pipeline.mt.translate import translate

DOMAIN = "paraspinal-sarcoma-treatment"
READERS = [("status", "--lang", "es"), ("check", "--lang", "es"), ("compile", "--lang", "es"),
           ("update", "--lang", "es"), ("export", "--lang", "es", "-o", "{tmp}/out.xlf"),
           ("tm", "export", "--lang", "es", "-o", "{tmp}/out.tmx")]
TEXT = st.one_of(
    st.text(min_size=1, max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.sampled_from(["x" * (MAX_FIELD_CHARS + 1), "y" * MAX_FIELD_CHARS, "a\u2028b",
                     "\\", '"', "#, fuzzy", "\r", "é" * 5000]),
)
SETTINGS = settings(max_examples=10, deadline=None, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def cli(root: Path, *args: str) -> Result:
    from pipeline.cli import cli as command

    return CliRunner(env={"EDITOR": "", "VISUAL": "", "USER": ""}).invoke(
        command, ["--root", str(root), *args])


def fresh(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    if root.exists():
        shutil.rmtree(root)
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.pipeline]\nlanguages = ["es"]\n'
                                         'formats = ["html"]\n', "utf-8")
    shutil.copytree(REPO / "source" / "pages", root / "source" / "pages")
    shutil.copytree(REPO / "source" / "templates", root / "source" / "templates")
    shutil.copytree(REPO / "locale", root / "locale",
                    ignore=shutil.ignore_patterns("ar", "fr", "zh_Hans", "ca", "gl"))
    return root


def po_path(root: Path) -> Path:
    return root / "locale" / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"


def blank_first(root: Path) -> polib.POEntry:
    cat = load_catalog(po_path(root))
    e = next(x for x in cat.entries() if not x.msgid_plural)
    e.msgstr, e.tcomment = "", ""
    e.flags = [f for f in e.flags if f != "fuzzy"]
    save_catalog(cat)
    return e


def every_command_reads(root: Path, tmp: Path) -> None:
    for args in READERS:
        result = cli(root, *(a.format(tmp=tmp) for a in args))
        assert result.exit_code in (0, 1), (args, result.output)


def accepted_or_refused(root: Path, tmp: Path, result: Result, before: dict[str, str]) -> None:
    """Accepted: every command reads the result. Refused: one line, nothing written."""
    if result.exit_code == 0:
        every_command_reads(root, tmp)
    else:
        assert result.exit_code == 2, result.output
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert tree_digest(root) == before


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_ok(text: str) -> bool:
    return not any(ord(c) < 32 and c not in "\t\n\r" or c in "\ufffe\uffff"
                   or 0xD800 <= ord(c) <= 0xDFFF for c in text)


@SETTINGS
@given(text=TEXT)
def test_engine_answers(tmp_path: Path, text: str) -> None:
    root = fresh(tmp_path, "engine")
    blank_first(root)

    class Engine:
        name, version = "fake", "1"

        def supports(self, source: Language, target: Language) -> bool:
            return True

        def translate_batch(self, texts: Sequence[str], source: Language,
                            target: Language) -> list[str | Failure]:
            return [text for _ in texts]

    translate(load_config(root), parse_language("es"), engine=Engine(),
              cache=Cache(tmp_path / f"c{abs(hash(text))}.db"))
    every_command_reads(root, tmp_path)


@SETTINGS
@given(text=TEXT)
def test_xliff_targets(tmp_path: Path, text: str) -> None:
    if not xml_ok(text):
        return  # XML cannot carry it: the file would not parse (its own refusal)
    root = fresh(tmp_path, "xliff")
    entry = blank_first(root)
    xlf = tmp_path / "es.xlf"
    assert cli(root, "export", "--lang", "es", "--page", DOMAIN, "-o", str(xlf)).exit_code == 0
    source = f"<source>{esc(entry.msgid)}</source>"
    body = xlf.read_text("utf-8").replace(
        source, f'{source}\n<target state="translated">{esc(text)}</target>', 1)
    xlf.write_text(body, "utf-8")
    before = tree_digest(root)
    accepted_or_refused(root, tmp_path, cli(root, "import", str(xlf)), before)


@SETTINGS
@given(text=TEXT)
def test_tmx_memory_then_translate(tmp_path: Path, text: str) -> None:
    if not xml_ok(text):
        return
    root = fresh(tmp_path, "tmx")
    entry = blank_first(root)
    tmx = tmp_path / "m.tmx"
    tmx.write_text('<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en">'
                   f'<seg>{esc(entry.msgid)}</seg></tuv><tuv xml:lang="es"><seg>{esc(text)}'
                   "</seg></tuv></tu></body></tmx>", "utf-8")
    before = tree_digest(root)
    result = cli(root, "tm", "import", str(tmx))
    accepted_or_refused(root, tmp_path, result, before)
    if result.exit_code == 0:
        assert cli(root, "translate", "--lang", "es", "--engine", "memory").exit_code in (0, 1)
        every_command_reads(root, tmp_path)


@SETTINGS
@given(term=TEXT, note=TEXT)
def test_tbx_terms(tmp_path: Path, term: str, note: str) -> None:
    if not (xml_ok(term) and xml_ok(note)):
        return
    root = fresh(tmp_path, "tbx")
    tbx = tmp_path / "t.tbx"
    tbx.write_text('<martif type="TBX" xml:lang="en"><text><body><termEntry>'
                   f'<note>{esc(note)}</note><langSet xml:lang="en"><tig><term>{esc(term)}'
                   '</term></tig></langSet><langSet xml:lang="es"><tig><term>t</term></tig>'
                   "</langSet></termEntry></body></text></martif>", "utf-8")
    before = tree_digest(root)
    accepted_or_refused(root, tmp_path, cli(root, "glossary", "import", str(tbx)), before)
