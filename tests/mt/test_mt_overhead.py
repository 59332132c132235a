"""``translate``'s fixed costs: the glossary's stand-ins are learnt in the first engine call,
a catalog is written once (memory drafts with the first batch, or kept when the engine
fails), Debian's Apertium modes are read without starting bash, and the command imports no
Markdown parser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest
from conftest import REPO

import pipeline.mt.run as translate_module
from pipeline.catalog.pofile import Catalog
from pipeline.config import Language, load_config, parse_language
from pipeline.errors import EngineError
from pipeline.mt.engines import Result
from pipeline.mt.engines.apertium import DEBIAN_SCRIPT, Apertium, _listed_modes
from pipeline.mt.translate import translate

ES = parse_language("es")
PYPROJECT = '[project]\nname = "t"\nversion = "0"\n\n[tool.pipeline]\nlanguages = ["es"]\n'
GLOSSARY = """\
term,lang,translation,note,stand_in
paraspinal sarcoma,es,sarcoma paraespinal,,lymphoma
chemotherapy,es,quimioterapia,,
"""
HEADER = {"Content-Type": "text/plain; charset=UTF-8", "MIME-Version": "1.0",
          "Content-Transfer-Encoding": "8bit", "Language": "es",
          "Plural-Forms": "nplurals=2; plural=(n != 1);"}


@dataclass
class Echo:
    """An engine that answers each text with itself, counting its calls."""

    name: str = "echo"
    version: str = "1"
    calls: list[list[str]] = field(default_factory=list)
    fail: bool = False

    def supports(self, source: Language, target: Language) -> bool:
        return True

    def translate_batch(self, texts: Sequence[str], source: Language,
                        target: Language) -> list[Result]:
        self.calls.append(list(texts))
        if self.fail:
            raise EngineError("echo is down")
        return list(texts)


def catalog(path: Path, entries: dict[str, str]) -> None:
    po = polib.POFile(wrapwidth=79)
    po.metadata = dict(HEADER)
    for msgid, msgstr in entries.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    po.save(str(path))


def project(root: Path, page: dict[str, str]) -> Path:
    """Domain ``known`` holds one reviewed entry (translation memory); ``page`` is to fill."""
    folder = root / "locale" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "locale" / "glossary.csv").write_text(GLOSSARY, encoding="utf-8")
    known = {"Call us today.": "Llámenos hoy."}
    for name, entries in (("known", known), ("page", page)):
        catalog(root / "locale" / f"{name}.pot", dict.fromkeys(entries, ""))
        catalog(folder / f"{name}.po", entries)
    return root


@pytest.fixture
def saves(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    written: list[Path] = []
    real = translate_module.save_catalog

    def counting(cat: Catalog, path: Path | None = None) -> None:
        written.append(Path(path or cat.path or ""))
        real(cat, path) if path is not None else real(cat)

    monkeypatch.setattr(translate_module, "save_catalog", counting)
    return written


def test_stand_ins_are_learnt_in_the_first_call_and_the_catalog_written_once(
        tmp_path: Path, saves: list[Path]) -> None:
    root = project(tmp_path / "site", {"Call us today.": "",
                                       "Paraspinal sarcoma is rare.": "",
                                       "Doctors treat it.": ""})
    engine = Echo()
    report = translate(load_config(root), ES, engine=engine, pages=["page"])
    assert (report.from_memory, report.from_engine, report.failed) == (1, 2, [])
    # one call: the glossary's candidate words, then the entries (the stand-in in place)
    assert len(engine.calls) == 1
    assert engine.calls[0][:2] == ["lymphoma", "chemotherapy"]
    assert "Lymphoma is rare." in engine.calls[0]
    assert saves == [root / "locale" / "es" / "LC_MESSAGES" / "page.po"]
    po = {e.msgid: e for e in polib.pofile(str(saves[0]))}
    assert po["Call us today."].msgstr == "Llámenos hoy."
    assert po["Paraspinal sarcoma is rare."].msgstr == "Sarcoma paraespinal is rare."
    assert all("fuzzy" in e.flags for e in po.values())


@dataclass
class Alike(Echo):
    """An engine that says 'lymphoma' for 'melanoma' too: two stand-ins it renders alike
    could not be told apart afterwards, so neither is usable."""

    def translate_batch(self, texts: Sequence[str], source: Language,
                        target: Language) -> list[Result]:
        return [t.replace("melanoma", "lymphoma") if isinstance(t, str) else t
                for t in super().translate_batch(texts, source, target)]


def test_a_stand_in_found_unusable_goes_again_as_a_placeholder(tmp_path: Path) -> None:
    root = project(tmp_path / "site", {"Paraspinal sarcoma is rare.": "", "Rest well.": ""})
    with open(root / "locale" / "glossary.csv", "a", encoding="utf-8") as fh:
        fh.write("sarcoma,es,sarcoma,,melanoma\n")
    engine = Alike()
    report = translate(load_config(root), ES, engine=engine, pages=["page"])
    assert (report.from_engine, report.failed) == (2, [])
    # sent with its stand-in before the renderings were known, then with a placeholder
    assert engine.calls == [["lymphoma", "chemotherapy", "melanoma", "Lymphoma is rare.",
                             "Rest well."], ["zx0qz is rare."]]
    po = {e.msgid: e.msgstr for e in polib.pofile(
        str(root / "locale" / "es" / "LC_MESSAGES" / "page.po"))}
    assert po["Paraspinal sarcoma is rare."] == "Sarcoma paraespinal is rare."
    # the next run knows the renderings from the cache: no words, no second call
    again = project(tmp_path / "again", {"Paraspinal sarcoma is common.": ""})
    (again / "locale" / "glossary.csv").write_bytes(
        (root / "locale" / "glossary.csv").read_bytes())
    shutil.copytree(root / ".cache", again / ".cache")
    engine = Alike()
    translate(load_config(again), ES, engine=engine, pages=["page"])
    assert engine.calls == [["zx0qz is common."]]


def test_memory_drafts_are_kept_when_the_engine_fails(tmp_path: Path,
                                                      saves: list[Path]) -> None:
    root = project(tmp_path / "site", {"Call us today.": "", "Doctors treat it.": ""})
    with pytest.raises(EngineError):
        translate(load_config(root), ES, engine=Echo(fail=True), pages=["page"])
    po = {e.msgid: e.msgstr for e in polib.pofile(str(saves[0]))}
    assert po == {"Call us today.": "Llámenos hoy.", "Doctors treat it.": ""}


@pytest.mark.skipif(not os.path.exists(DEBIAN_SCRIPT), reason="Debian's apertium not installed")
def test_debian_modes_are_read_as_apertium_lists_them() -> None:
    listed = subprocess.run([DEBIAN_SCRIPT, "-l"], capture_output=True, text=True,
                            check=True).stdout.split()
    assert _listed_modes(DEBIAN_SCRIPT) == tuple(listed)
    assert Apertium().modes == tuple(listed)
    assert _listed_modes(sys.executable) is None  # any other binary is asked


def test_translate_imports_no_markdown_parser() -> None:
    code = ("import sys, pipeline.cli, pipeline.mt.translate, pipeline.mt.engines.apertium; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('markdown_it', 'yaml', 'weasyprint', 'deep_translator', 'jinja2')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.stdout.strip() == "[]"


def test_refusal_finds_exactly_the_control_characters() -> None:
    from pipeline.visible import is_control, refusal

    assert [c for c in range(0x110000)
            if bool(refusal(f"a{chr(c)}")) != is_control(chr(c))] == []
    assert refusal("ok\tline\nnext\x1b[2K") == (
        "control character ⟨ESC⟩ (U+001B) at column 13; it can hide text from the reviewer")
