"""The benchmark runs (at a toy size: figures are not asserted, only that each row is
measured) and its synthetic site is what it claims to be."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import polib

REPO = Path(__file__).resolve().parents[2]
ROWS = [
    ("scale", "extract (library)", "10 pages"),
    ("scale", "update --lang es (library)", "10 pages"),
    ("update", "GNU msgmerge --previous", "300 entries"),
    ("update", "pipeline merge (load, merge, save)", "300 entries"),
    ("update", "Translate Toolkit pot2po", "300 entries"),
    ("publish", "first publish --all, HTML, jobs=", "4×3 pages"),
    ("publish", "HTML, jobs=1 (no pool)", "4×3 pages"),
    ("publish", "PDF, jobs=1 (no pool)", "1×2 pages"),
    ("publish", "bare WeasyPrint, one process", "1×2 pages"),
    ("peers", "Translate Toolkit po2html (whole command)", "3 pages"),
    ("peers", "pipeline extract (library)", "3 pages"),
    ("incremental", "no-op publish --all (command)", "4×3 pages"),
    ("incremental", "one page edited, publish (library)", "4×3 pages"),
    ("start-up", 'python -c "import click"', ""),
    ("start-up", "pipeline --help", ""),
    ("start-up", "pipeline status (1 page, 1 language)", ""),
]
NUMBER = r"\d+\.\d{3}"


def test_run_tiny_prints_every_row_with_a_figure() -> None:
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "run.py"), "--tiny"],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert re.match(r".*: \d+ cores \(nproc\), [\d.]+ GiB RAM, Python 3\.", out)
    sections = re.findall(r"^\[([\w-]+)\]$", out, re.M)
    assert sections == ["scale", "update", "translate", "publish", "peers", "incremental",
                        "start-up"]
    lines = out.splitlines()
    for section, measure, size in ROWS:
        found = [line for line in lines if line.startswith(f"  {measure}")
                 and re.search(rf"{re.escape(size)} +{NUMBER} ", line)]
        assert found, f"no {section} row '{measure}' {size} with a time in:\n{out}"
    # the figures that carry the goals are there, as ratios
    assert re.search(r"(\d+\.\d+)× msgmerge \(goal ≤ 1\); \d+ fuzzy, \d+ as msgmerge's", out)
    assert re.search(r"\d+\.\d+× bare÷\d+ \(goal ≈ 1\)", out)
    assert re.search(r"\d+\.\d+× import click \(goal ≤ 2\)", out)
    assert re.search(r"0 of 12 files written", out)  # the no-op publish wrote nothing
    assert re.search(r"3 of 12 files written \(page-\d+, every language\)", out)
    assert re.search(r"1 of 12 files written \(es/page-\d+\)", out)
    translate = [line for line in lines if line.startswith("  raw apertium")
                 or "apertium" in line and "skipped" in line]
    assert translate, out  # measured, or skipped with the reason
    assert re.search(r"^total \d+ s$", out, re.M)


def _site_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_site", REPO / "bench" / "site.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_synthetic_site_is_in_sync_tagged_and_partly_reviewed(tmp_path: Path) -> None:
    from pipeline.catalog.merge import update
    from pipeline.config import load_config

    site = _site_module().generate(tmp_path / "site", 6, 2, formats=["html"])
    assert site.languages == ("es", "fr")
    root = site.root
    assert len(list((root / "source" / "pages").glob("*.md"))) == 6
    config = load_config(root)
    assert [lang.gettext for lang in config.languages] == ["es", "fr"]
    # the catalogs match the templates: update finds nothing to merge
    items = update(config, list(config.languages))
    assert len(items) == 2 * 7
    assert not any(i.changed or i.fuzzy or i.new or i.obsolete for i in items)
    reviewed = fuzzy = empty = 0
    for path in (root / "locale").glob("*/LC_MESSAGES/page-*.po"):
        page = int(path.stem.split("-")[1])
        for e in polib.pofile(str(path)):
            if e.msgstr and len(e.msgid.split()) >= 5:
                # a page's own strings carry its tag in both languages
                assert e.msgid.endswith(f" (p{page})") and e.msgstr.endswith(f" (p{page})")
            if not e.msgstr:
                empty += 1
            elif "fuzzy" in e.flags:
                fuzzy += 1
            else:
                reviewed += 1
    assert (reviewed, fuzzy, empty) == (site.reviewed, site.fuzzy, site.empty)
    total = reviewed + fuzzy + empty
    assert 0.7 < reviewed / total < 0.97 and fuzzy > 0 and empty > 0
    # Spanish strings, not English copies
    titles = [e.msgstr for path in (root / "locale" / "es" / "LC_MESSAGES").glob("page-*.po")
              for e in polib.pofile(str(path))
              if e.msgid.startswith("Paraspinal Sarcoma Treatment (p") and e.msgstr]
    assert titles and all(t.startswith("Tratamiento del sarcoma paraespinal (p")
                          for t in titles)


def test_drift_gives_update_work(tmp_path: Path) -> None:
    from pipeline.catalog.merge import update
    from pipeline.config import load_config

    site = _site_module().generate(tmp_path / "site", 8, ["es"], drift=0.2, formats=["html"])
    items = update(load_config(site.root), list(load_config(site.root).languages))
    assert sum(i.fuzzy for i in items) > 0
    assert sum(i.new for i in items) > 0
    assert sum(i.obsolete for i in items) > 0


def test_scale_tiny_prints_every_phase() -> None:
    """bench/scale.py --tiny runs every phase (the figures are not asserted, the phases and
    what each wrote are): a full rebuild writes every file, a no-op none, an edited page its
    files in every language, an edited string one page's two files; two shards combine into
    a complete site; the projection has a row per shard count."""
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "scale.py"), "--tiny",
                           "--shards", "1,2,4"],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert re.search(r"^WeasyPrint \d", out, re.M)
    for phase, wrote in (("full rebuild", "8 of 8"), ("no-op", "0 of 8"),
                         ("one page edited", "4 of 8"), ("one string edited", "2 of 8")):
        assert re.search(rf"^{phase} +\d+\.\d\d +\d+\.\d\d +\d+  {wrote} files written",
                         out, re.M), f"no phase {phase!r} writing {wrote}:\n{out}"
    for row in ("plan from nothing", "check-union, full site", "shard 1/2", "shard 2/2",
                "  HTML ", "  PDF ", "ms/printed page (bare WeasyPrint, same HTML)"):
        assert row in out, f"no {row!r} in:\n{out}"
    assert "union of the two shards: complete: output holds all" in out
    projected = re.findall(r"^ +(\d+) +[\d.]+ (?:s|min) +[\d.]+ (?:s|min)$", out, re.M)
    assert projected == ["1", "2", "4"], out


def _tiny(script: str) -> str:
    proc = subprocess.run([sys.executable, str(REPO / "bench" / script), "--tiny"],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_nochange_tiny_times_msgmerge_and_a_cold_and_a_warm_update() -> None:
    """bench/nochange.py: the same already-merged files through msgmerge and through a
    cold and a warm ``pipeline update`` (each a no-change run, or the bench stops)."""
    out = _tiny("nochange.py")
    assert re.search(r"^catalogs: generated: 2 domains × 1 language \(es\)", out, re.M)
    assert re.search(rf"^  GNU msgmerge --previous, 2 processes +{NUMBER} +{NUMBER}  ", out,
                     re.M), out
    for row in ("cold (no memo)", "warm (memo)"):
        assert re.search(rf"^  pipeline update, {re.escape(row)} +{NUMBER} +{NUMBER}  "
                         r"\d+\.\d\d× msgmerge \(CPU \d+\.\d\d×\)", out, re.M), out


def test_startup_tiny_compares_a_no_op_publish_and_status_with_help() -> None:
    out = _tiny("startup.py")
    for row in ("no-op publish --lang es", "pipeline status"):
        assert re.search(rf"^  {re.escape(row)} +{NUMBER} +{NUMBER}  \d+\.\d\d× --help "
                         r"\(CPU \d+\.\d\d×; goal ≤ 2\)", out, re.M), out
    assert re.search(r"^  no-op publish --lang es: (?!.*(weasyprint|markdown_it|yaml))", out,
                     re.M), out


def test_planner_tiny_times_two_sizes_and_profiles_the_larger() -> None:
    out = _tiny("planner.py")
    assert re.search(rf"^  no-op publish --all, 4 pages +12 +{NUMBER} +{NUMBER}", out, re.M)
    assert re.search(rf"^  no-op publish --all, 8 pages +24 +{NUMBER} +{NUMBER}  CPU beyond "
                     r"start-up ×-?\d+\.\d for ×2 pages", out, re.M), out
    assert "0 of 24 files written" in out
    assert "plan_tree" in out  # the profile names the planner's functions
