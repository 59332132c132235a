"""The Apertium engine: mode discovery, one process per batch, boundaries, no marks."""

from __future__ import annotations

import shutil
import stat
import sys
from pathlib import Path

import pytest

from pipeline.config import parse_language
from pipeline.errors import EngineError
from pipeline.mt.engines import Failure
from pipeline.mt.engines.apertium import Apertium
from pipeline.mt.protect import protect, restore

EN, ES, CA, GL, FR = (parse_language(c) for c in ("en", "es", "ca", "gl", "fr"))
REAL = shutil.which("apertium")
needs_apertium = pytest.mark.skipif(REAL is None, reason="apertium is not installed")


def fake_apertium(tmp_path: Path, body: str) -> Path:
    """An ``apertium`` stand-in: ``-l`` lists modes; otherwise runs ``body`` on stdin."""
    log = tmp_path / "calls.log"
    script = tmp_path / "apertium"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        "if sys.argv[1:] == ['-l']:\n"
        "    print('  cat-eng\\n  en-gl\\n  eng-cat\\n  eng-cat_valencia\\n  eng-spa\\n"
        "  spa-eng\\n  spa-eng_US')\n"
        "    sys.exit(0)\n"
        "text = sys.stdin.read()\n" + body,
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def calls(tmp_path: Path) -> list[str]:
    return (tmp_path / "calls.log").read_text("utf-8").splitlines()


def test_modes_are_discovered_and_mapped_from_language_codes(tmp_path: Path) -> None:
    engine = Apertium(str(fake_apertium(tmp_path, "print(text)")))
    assert engine.mode(EN, ES) == "eng-spa"
    assert engine.mode(EN, CA) == "eng-cat"  # not the Valencian variant
    assert engine.mode(EN, GL) == "en-gl"  # two-letter names, as that pair spells them
    assert engine.mode(ES, EN) == "spa-eng"
    assert engine.mode(EN, FR) is None
    assert not engine.supports(EN, FR)
    with pytest.raises(EngineError, match="apertium-eng-fra"):
        engine.translate_batch(["Hello"], EN, FR)


def test_missing_binary_serves_nothing() -> None:
    engine = Apertium("/nonexistent/apertium")
    assert engine.modes == ()
    assert not engine.supports(EN, ES)


def test_whole_batch_is_one_process_call_with_boundaries_kept(tmp_path: Path) -> None:
    engine = Apertium(str(fake_apertium(tmp_path, "sys.stdout.write(text.upper())")))
    texts = [f"Line {i}  with  spaces" for i in range(50)] + ["", "last"]
    out = engine.translate_batch(texts, EN, ES)
    assert out[:50] == [f"LINE {i} WITH SPACES" for i in range(50)]
    assert isinstance(out[50], Failure)
    assert out[51] == "LAST"
    assert calls(tmp_path) == ["-l", "-u eng-spa"]


def test_lost_boundary_falls_back_to_one_call_per_text(tmp_path: Path) -> None:
    merge = "sys.stdout.write(text.replace('\\n\\n', ' ', 1))"
    engine = Apertium(str(fake_apertium(tmp_path, merge)))
    assert engine.translate_batch(["one", "two", "three"], EN, ES) == ["one", "two", "three"]
    assert calls(tmp_path).count("-u eng-spa") == 4


def test_unknown_word_marks_never_come_back(tmp_path: Path) -> None:
    marks = ("parts = text.split('\\n\\n')\n"
             "sys.stdout.write('\\n\\n'.join('*paraspinal #assaig @foo ' + t for t in parts))")
    engine = Apertium(str(fake_apertium(tmp_path, marks)))
    assert engine.translate_batch(["Call #5", "plain"], EN, ES) == [
        "paraspinal #assaig foo Call #5",  # the input had a '#': that one may stay
        "paraspinal assaig foo plain",
    ]


def test_failing_process_is_an_engine_error(tmp_path: Path) -> None:
    engine = Apertium(str(fake_apertium(tmp_path, "sys.stderr.write('boom'); sys.exit(3)")))
    with pytest.raises(EngineError, match="boom"):
        engine.translate_batch(["a", "b"], EN, ES)


@needs_apertium
@pytest.mark.parametrize("lang", [ES, CA, GL], ids=["es", "ca", "gl"])
def test_placeholders_survive_every_installed_pair(lang: object) -> None:
    """Upper-case tokens with digits were split by the Galician analyser ("ZX0inicios de QZ")."""
    engine = Apertium()
    assert isinstance(lang, type(ES))
    if not engine.supports(EN, lang):
        pytest.skip(f"no Apertium pair for {lang}")
    sources = [
        "**Paraspinal** starts in the area.",
        "Call: [1-888-226-4343](tel:+18882264343) (toll-free) or **now**",
        "`a` `b` `c` `d` `e` `f` `g` `h` `i` `j` `k` `l`: **x** [y](z) 10 mg 1:3",
    ]
    prots = [protect(s) for s in sources]
    out = engine.translate_batch([p.text for p in prots], EN, lang)
    for prot, result in zip(prots, out, strict=True):
        assert isinstance(result, str)
        restored = restore(result, prot)
        assert sorted(prot.values) == sorted(v for v in prot.values if v in restored)
        assert not any(w[:1] in "*#@" and w[1:2].isalnum() for w in restored.split())


@needs_apertium
def test_real_apertium_keeps_boundaries_for_many_segments() -> None:
    engine = Apertium()
    texts = [f"The patient {i} sees the doctor." for i in range(120)]
    out = engine.translate_batch(texts, EN, ES)
    assert len(out) == 120
    assert all(isinstance(o, str) and f" {i} " in f" {o} " for i, o in enumerate(out))


def test_word_after_a_placeholder_keeps_the_source_case(tmp_path: Path) -> None:
    """Apertium treats a placeholder as a sentence end and capitalises the next word."""
    out = ("sys.stdout.write(text.replace('patient', 'El paciente').replace('starts', 'Inicia')"
           ".replace('us', 'EE.UU.'))")
    engine = Apertium(str(fake_apertium(tmp_path, out)))
    texts = ["zx0qz patient waits", "Zx1qz starts zx2qz us", "zx3qz Boston"]
    assert engine.translate_batch(texts, EN, ES) == [
        "zx0qz el paciente waits", "Zx1qz inicia zx2qz EE.UU.", "zx3qz Boston",
    ]
