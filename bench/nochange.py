#!/usr/bin/env python3
"""A no-change ``pipeline update``, cold and warm, vs GNU ``msgmerge`` on the same files.

The catalogs are already merged (an untimed ``pipeline update`` first), so every run finds
nothing to do: the cost is reading. Three rows, interleaved run by run (the machine's speed
drifts; ratios are taken pair by pair and their median printed):
  GNU ``msgmerge --quiet --previous -o OUT po pot`` once per catalog (its only way), summed;
  ``pipeline update`` cold: no memo (``.cache/update/`` removed), every catalog parsed once;
  ``pipeline update`` warm: the memo of the previous run, nothing parsed.
Seconds are wall time of the whole processes, start-up included; CPU is user + system.

Catalogs: generated (``--catalogs`` domains × one language, ``--entries`` each, from
bench/update.py's sentences, every entry translated) or real (``--real DIR``: a folder with
one ``.pot`` and ``.po`` files beside it, e.g. Godot's ``editor/``; see bench/README.md).

Run: .venv/bin/python bench/nochange.py [--entries 5000] [--catalogs 6] [--repeat 7]
     .venv/bin/python bench/nochange.py --real /path/to/editor --langs 8
``--tiny`` runs every row at a toy size (tests/scripts/test_bench.py).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

PYPROJECT = """\
[project]
name = "nochange-bench"
version = "0"

[tool.pipeline]
source_language = "en"
languages = [{langs}]
"""
DATE = '"POT-Creation-Date: 2025-01-01 00:00+0000\\n"'

from benchlib import bench_run  # noqa: E402


def generated(root: Path, update: ModuleType, catalogs: int, entries: int) -> str:
    """``catalogs`` domains of ``entries`` translated entries, Spanish."""
    import polib

    (root / "locale" / "es" / "LC_MESSAGES").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT.format(langs='"es"'), encoding="utf-8")
    for i in range(catalogs):
        old, new = update.build(entries, random.Random(i), changes=0)
        new.metadata["POT-Creation-Date"] = "2025-01-01 00:00+0000"
        old.metadata["POT-Creation-Date"] = "2025-01-01 00:00+0000"
        new.save(str(root / "locale" / f"domain{i}.pot"))
        old.save(str(root / "locale" / "es" / "LC_MESSAGES" / f"domain{i}.po"))
    size = len(polib.pofile(str(root / "locale" / "domain0.pot")))
    return f"generated: {catalogs} domains × 1 language (es), {size:,} entries each"


def real(root: Path, folder: Path, langs: int) -> str:
    """The ``.pot`` in ``folder`` and its ``langs`` largest ``.po`` files."""
    pots = sorted(folder.glob("*.pot"))
    if len(pots) != 1:
        raise SystemExit(f"{folder}: expected one .pot, found {len(pots)}")
    domain = pots[0].stem
    pos = sorted(folder.glob("*.po"), key=lambda p: (-p.stat().st_size, p.name))[:langs]
    (root / "locale").mkdir(parents=True)
    text = pots[0].read_text("utf-8")
    note = ""
    if "POT-Creation-Date:" not in text:  # without one, a merge stamps the time (see README)
        text = re.sub(r'(msgstr ""\n)', r"\1" + DATE.replace("\\", "\\\\") + "\n", text, count=1)
        note = "; a POT-Creation-Date added to the template"
    (root / "locale" / f"{domain}.pot").write_text(text, encoding="utf-8")
    codes = []
    for po in pos:
        (root / "locale" / po.stem / "LC_MESSAGES").mkdir(parents=True)
        shutil.copy(po, root / "locale" / po.stem / "LC_MESSAGES" / f"{domain}.po")
        codes.append(po.stem)
    (root / "pyproject.toml").write_text(
        PYPROJECT.format(langs=", ".join(f'"{c}"' for c in codes)), encoding="utf-8")
    mb = sum(p.stat().st_size for p in pos) / 1e6
    return (f"real: {folder} — {domain}.pot and {len(pos)} catalogs "
            f"({', '.join(codes)}; {mb:.1f} MB){note}")


def pairs(root: Path) -> list[tuple[Path, Path]]:
    return [(po, root / "locale" / f"{po.stem}.pot")
            for po in sorted((root / "locale").glob("*/LC_MESSAGES/*.po"))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="toy sizes, to prove it runs (CI)")
    parser.add_argument("--entries", type=int, help="entries per generated catalog (5000)")
    parser.add_argument("--catalogs", type=int, help="generated catalogs (6)")
    parser.add_argument("--real", type=Path, help="a folder with one .pot and its .po files")
    parser.add_argument("--langs", type=int, default=8, help="--real: the largest N catalogs")
    parser.add_argument("--repeat", type=int, help="runs of each row (median; 7)")
    args = parser.parse_args(argv)
    run = bench_run()
    repeat = args.repeat or (2 if args.tiny else 7)
    print(run.machine())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        if args.real:
            what = real(root, args.real, args.langs)
        else:
            what = generated(root, run.bench_module("update"), args.catalogs or
                             (2 if args.tiny else 6), args.entries or (200 if args.tiny else 5000))
        print(f"catalogs: {what}")
        update = [*run.PIPELINE, "--root", str(root), "update"]
        first = run.measure(update)  # untimed: brings the catalogs to the pipeline's form
        if first.code != 0:
            raise SystemExit(first.err)
        work = pairs(root)
        gnu, cold, warm = [], [], []
        for _ in range(repeat):
            runs = [run.measure(["msgmerge", "--quiet", "--previous", "-o",
                                 str(Path(tmp) / "gnu.po"), str(po), str(pot)])
                    for po, pot in work]
            gnu.append((sum(r.seconds for r in runs), sum(r.cpu for r in runs)))
            shutil.rmtree(root / ".cache", ignore_errors=True)
            for rows in (cold, warm):
                r = run.measure(update)
                if r.code != 0 or "updated" in r.out or "created" in r.out:
                    raise SystemExit(f"not a no-change update:\n{r.out[-2000:]}{r.err[-2000:]}")
                rows.append((r.seconds, r.cpu))
    print(f"{'measure':48} {'seconds':>8} {'CPU s':>7}  note")
    print("-" * 100)

    def row(label: str, runs: list[tuple[float, float]], note: str = "") -> None:
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"  {label:46} {wall:8.3f} {cpu:7.3f}  {note}")

    def ratio(runs: list[tuple[float, float]]) -> str:
        wall = statistics.median(a[0] / b[0] for a, b in zip(runs, gnu, strict=True))
        cpu = statistics.median(a[1] / b[1] for a, b in zip(runs, gnu, strict=True))
        return f"{wall:.2f}× msgmerge (CPU {cpu:.2f}×)"

    row(f"GNU msgmerge --previous, {len(work)} processes", gnu, f"median of {repeat}")
    row("pipeline update, cold (no memo)", cold, ratio(cold) + " (goal ≤ 1.5)")
    row("pipeline update, warm (memo)", warm, ratio(warm) + " (goal: close to nothing)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
