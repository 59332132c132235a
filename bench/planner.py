#!/usr/bin/env python3
"""How a no-op ``publish`` grows with the site: pages × languages, and where the time goes.

For each size, a synthetic site (bench/site.py, HTML only, ``min_reviewed = 0`` so every
language is public) is published once (not timed); then ``pipeline publish --all`` runs again
with nothing to do, each a fresh process (wall and CPU, median of ``--repeat``), beside
``pipeline --version`` (start-up alone). Linear planning means the no-op minus start-up grows
like the number of pages × languages. Last, one no-op of the largest site runs in this
process under cProfile and the functions of ``pipeline/`` that take the time are printed.

Run: .venv/bin/python bench/planner.py [--sizes 200,800] [--langs 10] [--repeat 5]
``--tiny`` runs every row at a toy size (tests/scripts/test_bench.py).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from benchlib import bench_run  # noqa: E402


def profile_noop(root: Path, top: int) -> str:
    """One no-op ``publish --all`` in this process under cProfile: the ``pipeline/``
    functions by their own time, and the planner's steps by cumulative time."""
    from pipeline.config import load_config
    from pipeline.site.publish import publish

    config = load_config(root)
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    report = publish(config, list(config.languages), every=True, jobs=1)
    profiler.disable()
    seconds = time.perf_counter() - began
    written = sum(1 for item in report.items if item.written)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"one no-op in this process: {seconds:.2f} s under cProfile, "
              f"{written} of {len(report.items)} files written\n")
    out.write("\nby own time (pipeline/ functions):\n")
    stats.sort_stats("tottime").print_stats(r"/pipeline/", top)
    out.write("\nby cumulative time (pipeline/site/ functions):\n")
    stats.sort_stats("cumtime").print_stats(r"/pipeline/site/", top)
    keep = [line for line in out.getvalue().splitlines()
            if line and not line.startswith(("   List reduced", "   Ordered by"))
            and "function calls" not in line]
    return "\n".join(keep)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="toy sizes, to prove it runs (CI)")
    parser.add_argument("--sizes", help="pages per site, comma-separated (200,800)")
    parser.add_argument("--langs", type=int, help="target languages (10)")
    parser.add_argument("--repeat", type=int, help="no-op runs per size (median; 5)")
    parser.add_argument("--top", type=int, default=15, help="profile rows printed")
    parser.add_argument("--work", type=Path, help="keep the sites here (reused when present)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run")
    args = parser.parse_args(argv)
    run = bench_run()
    site = run.bench_module("site")
    sizes = [int(s) for s in (args.sizes or ("4,8" if args.tiny else "200,800")).split(",")]
    langs = args.langs or (2 if args.tiny else 10)
    repeat = args.repeat or (2 if args.tiny else 5)
    print(run.machine())
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        tmp = str(args.work or scratch)
        version = [run.measure([*run.PIPELINE, "--version"]) for _ in range(repeat)]
        start_wall = statistics.median(r.seconds for r in version)
        start_cpu = statistics.median(r.cpu for r in version)
        roots = []
        for pages in sizes:
            built = time.perf_counter()
            root = Path(tmp) / f"site-{pages}-{langs}"
            if not (root / "output").is_dir():
                shutil.rmtree(root, ignore_errors=True)
                site.generate(root, pages, langs, formats=["html"], min_reviewed=0)
            publish = [*run.PIPELINE, "--root", str(root), "-q", "publish", "--all"]
            first = run.measure(publish, timeout=3600)
            if first.code != 0:
                raise SystemExit(first.err[-3000:])
            built = time.perf_counter() - built
            noop = [run.measure(publish) for _ in range(repeat)]
            rows.append((pages, statistics.median(r.seconds for r in noop),
                         statistics.median(r.cpu for r in noop), built))
            roots.append(root)
        print(f"sites: bench/site.py, HTML, {langs} languages + English; no-op = "
              f"publish --all with nothing to do, median of {repeat}")
        print(f"{'measure':40} {'files':>7} {'wall s':>8} {'CPU s':>7}  note")
        print("-" * 100)
        print(f"  {'pipeline --version (start-up)':38} {'':>7} {start_wall:8.3f} "
              f"{start_cpu:7.3f}")
        for i, (pages, wall, cpu, built) in enumerate(rows):
            files = pages * (langs + 1)
            note = f"site made (if new) and published first in {built:.0f} s"
            if i:
                base = rows[0]
                grown = (cpu - start_cpu) / max(base[2] - start_cpu, 1e-9)
                note = (f"CPU beyond start-up ×{grown:.1f} for ×{pages / base[0]:g} pages "
                        f"(linear = {pages / base[0]:g}); " + note)
            print(f"  {f'no-op publish --all, {pages} pages':38} {files:7} {wall:8.3f} "
                  f"{cpu:7.3f}  {note}")
        if not args.no_profile:
            print()
            print(profile_noop(roots[-1], args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
