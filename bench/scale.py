#!/usr/bin/env python3
"""Site-size benchmark: a synthetic site (bench/site.py) published HTML + PDF with the pool.

Phases, each ``pipeline publish --all`` as a user runs it (a fresh process; wall time and
peak RSS of the largest process, pool workers included):
  full rebuild (empty output/), no-op, one page edited, one string edited;
then, in one process, per-render costs (HTML and PDF by page size, jobs=1) beside bare
WeasyPrint on the very HTML the pipeline feeds it (the cost per printed PDF page); two
shards (``--shard 1/2``, ``2/2``) combined and checked with ``--check-union``; and the wall
time projected for N shards, for this site and for a target size (default 500 × 12),
from the measured per-render costs and the measured fixed cost of a run.

Run: .venv/bin/python bench/scale.py [--pages 500] [--langs 12] [--target 500x12]
(the defaults take about half an hour on 2 cores; ``--pages 50 --langs 4`` about 3 minutes)
``--tiny`` runs every phase at a toy size (tests/scripts/test_bench.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from benchlib import bench_run  # noqa: E402

from pipeline.site.shard import balance  # noqa: E402

PHASES = ("full rebuild", "no-op", "one page edited", "one string edited")




# --- in a child process: per-render costs beside bare WeasyPrint ----------------------------


def op_sample(root: str, pages: list[str], langs: list[str]) -> dict[str, Any]:
    """Render each of ``pages`` in each of ``langs`` as HTML and as PDF through the
    pipeline (one process), and the same PDF HTML through bare WeasyPrint."""
    import logging

    from weasyprint import HTML

    from pipeline.config import load_config, parse_language
    from pipeline.site.page_renderer import PageRenderer, RenderTask
    from pipeline.source import read_page

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    config = load_config(Path(root))
    renderer = PageRenderer(config, formats=("html", "pdf"))
    renderer.warm()
    everyone = (parse_language(config.source_language), *config.languages)
    rows = []
    first = True
    for name in pages:
        path = config.pages_dir / f"{name}.md"
        doc = read_page(path)
        for code in langs:
            lang = parse_language(code)
            target = config.output_dir / lang.gettext / f"{name}.pdf"
            cpu: dict[str, float] = {}  # CPU seconds: steadier than wall time on a shared machine
            for fmt in ("html", "pdf"):
                task = RenderTask(lang, doc, (fmt,), everyone, False, config.output_dir)
                began = time.process_time()
                renderer.render(task)
                cpu[fmt] = time.process_time() - began
            html, _ = renderer.render_html(doc, lang, everyone, for_pdf=True)
            began = time.process_time()
            document = HTML(string=html, base_url=target.as_uri()).render(
                pdf_variant="pdf/ua-1")
            document.write_pdf(pdf_variant="pdf/ua-1")
            bare = time.process_time() - began
            if first:  # fonts and caches warm up on the first PDF: not a render's cost
                first = False
                continue
            rows.append({"size": path.stat().st_size, "html": cpu["html"], "pdf": cpu["pdf"],
                         "bare": bare, "printed": len(document.pages)})
    return {"rows": rows}


# --- the model --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """seconds = base + per_kb × KB of Markdown, fitted by least squares."""

    base: float
    per_kb: float

    def __call__(self, size: int) -> float:
        return max(self.base + self.per_kb * size / 1024, 0.0)


def fit(points: Sequence[tuple[int, float]]) -> Line:
    xs = [s / 1024 for s, _ in points]
    ys = [t for _, t in points]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0
    if slope <= 0 or my - slope * mx < 0:  # too few or too alike samples: a flat cost
        return Line(my, 0.0)
    return Line(my - slope * mx, slope)


def page_sizes(site: ModuleType, pages: int, seed: int = 7) -> list[int]:
    """The Markdown sizes of the pages ``site.generate`` would write (same generator)."""
    rng = random.Random(seed)
    segments = site.seed_segments()
    return [len(site.page_markdown(segments, i, rng).encode("utf-8")) for i in range(pages)]


def shard_loads(sizes: Sequence[int], langs: int, html: Line, pdf: Line, shards: int, *,
                per_file: float = 0.0) -> list[float]:
    """Each share's render seconds (``per_file`` added to every file), partitioned as
    ``--shard`` does: the same balance, over the measured costs."""
    items = [(round((model(size) + per_file) * 1e6), (lang, page, fmt))
             for page, size in enumerate(sizes) for lang in range(langs + 1)
             for fmt, model in (("html", html), ("pdf", pdf))]
    cost = {key: c for c, key in items}
    return [sum(cost[k] for k in share) / 1e6 for share in balance(items, shards)]


def shard_load(sizes: Sequence[int], langs: int, html: Line, pdf: Line, shards: int, *,
               per_file: float = 0.0) -> float:
    """The largest share's render seconds."""
    return max(shard_loads(sizes, langs, html, pdf, shards, per_file=per_file))


# --- phases -----------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else {}


def written(before: dict[str, int], after: dict[str, int]) -> int:
    return sum(1 for name, mtime in after.items() if before.get(name) != mtime
               and name.endswith((".html", ".pdf")) and not name.endswith("index.html"))


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    seconds: float
    cpu: float
    peak_mb: float
    note: str


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=500,
                        help="pages of the site (default 500: a full rebuild is ~13,000 files, "
                        "half an hour on 2 busy cores; --pages 50 --langs 4 takes ~3 min)")
    parser.add_argument("--langs", type=int, default=12, help="target languages (default 12)")
    parser.add_argument("--target", default="500x12", help="PAGESxLANGS to project")
    parser.add_argument("--sample", type=int, default=8, help="pages timed one by one")
    parser.add_argument("--shards", default="1,2,4,8,16,32,64")
    parser.add_argument("--tiny", action="store_true", help="toy sizes: prove it runs")
    parser.add_argument("--work", type=Path, help="folder for the site (default: temp)")
    parser.add_argument("--child", nargs=2, metavar=("OP", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps({"sample": op_sample}[args.child[0]](**json.loads(args.child[1]))))
        return 0
    if args.tiny:
        args.pages, args.langs, args.sample, args.target = 2, 1, 2, "20x2"
    run = bench_run()
    site = run.bench_module("site")
    jobs = os.cpu_count() or 1
    target_pages, target_langs = (int(x) for x in args.target.lower().split("x"))
    shard_counts = [int(x) for x in args.shards.split(",")]
    print(run.machine())
    print(_versions())
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        return _bench(args, run, site, work, jobs, target_pages, target_langs, shard_counts)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def _versions() -> str:
    from importlib.metadata import version

    return (f"WeasyPrint {version('weasyprint')}, pydyf {version('pydyf')}, "
            f"Jinja2 {version('jinja2')}, Babel {version('babel')}")


def _bench(args: argparse.Namespace, run: ModuleType, site: ModuleType, work: Path, jobs: int,
           target_pages: int, target_langs: int, shard_counts: list[int]) -> int:
    began = time.perf_counter()
    root = work / "site"
    made = site.generate(root, args.pages, args.langs, formats=["html", "pdf"], min_reviewed=0)
    files = args.pages * (args.langs + 1) * 2
    size = f"{args.pages} pages × {args.langs + 1} languages (en + {args.langs}), HTML + PDF"
    print(f"site: {size} = {files} files; generated in {time.perf_counter() - began:.1f} s "
          f"({made.reviewed} reviewed, {made.fuzzy} fuzzy, {made.empty} empty strings; "
          "min_reviewed = 0)")
    output = root / "output"
    cmd = [*run.PIPELINE, "--root", str(root), "-q", "publish", "--all", "--jobs", str(jobs)]
    phases: list[Phase] = []

    def phase(name: str, extra: Sequence[str] = (), note: str = "") -> Phase:
        print(f"  … {name}", file=sys.stderr, flush=True)
        before = snapshot(output)
        got = run.measure([*cmd, *extra], cwd=REPO)
        if got.code != 0:
            raise SystemExit(f"{name} failed (exit {got.code}):\n{got.err[-3000:]}")
        done = Phase(name, got.seconds, got.cpu, got.peak_mb,
                     f"{written(before, snapshot(output))} of {files} files written{note}")
        phases.append(done)
        return done

    full = phase("full rebuild")
    phase("no-op")
    pages = sorted((root / "source" / "pages").glob("*.md"))
    page = pages[len(pages) // 2]
    page.write_text(page.read_text("utf-8") + "\nA sentence added to one page.\n", "utf-8")
    phase("one page edited", note=f" ({page.stem}, every language)")
    lang = made.languages[0]
    po = root / "locale" / lang / "LC_MESSAGES" / f"{page.stem}.po"
    po.write_text(re.sub(r'\nmsgstr "(?=[^"])', '\nmsgstr "¡', po.read_text("utf-8"), count=1),
                  "utf-8")
    phase("one string edited", note=f" ({lang}/{page.stem})")

    # the fixed cost of a run: start-up, then planning with nothing known (every catalog
    # counted, every page parsed for its title: what a shard on a fresh runner does first),
    # and planning against the complete site (what the combine job's check does)
    print("  … start-up and planning", file=sys.stderr, flush=True)
    startup = run.measure([*run.PIPELINE, "--version"], cwd=REPO)
    empty = work / "empty"
    empty.mkdir()
    plan_empty = run.measure([*run.PIPELINE, "--root", str(root), "-q", "publish", "--all",
                              "--check-union", str(empty)], cwd=REPO)
    check = run.measure([*run.PIPELINE, "--root", str(root), "-q", "publish", "--all",
                         "--check-union", str(output)], cwd=REPO)
    if check.code != 0 or plan_empty.code != 1:
        raise SystemExit(f"check-union failed:\n{check.err[-2000:]}{plan_empty.err[-2000:]}")

    # per-render costs, beside bare WeasyPrint on the same HTML
    print("  … per-render sample", file=sys.stderr, flush=True)
    step = max(1, len(pages) // args.sample)
    chosen = [p.stem for p in pages[::step][: args.sample + 1]]
    sample_langs = ["en", lang]
    got = run.measure([sys.executable, __file__, "--child", "sample", json.dumps(
        {"root": str(root), "pages": chosen, "langs": sample_langs})], cwd=REPO)
    if got.code != 0:
        raise SystemExit(f"sample failed:\n{got.err[-3000:]}")
    rows = json.loads(got.out.strip().splitlines()[-1])["rows"]
    html = fit([(r["size"], r["html"]) for r in rows])
    pdf = fit([(r["size"], r["pdf"]) for r in rows])
    pdf_s = sum(r["pdf"] for r in rows)
    bare_s = sum(r["bare"] for r in rows)
    printed = sum(r["printed"] for r in rows)
    html_s = sum(r["html"] for r in rows)

    # two shards, one after the other on this machine, combined and checked
    union = work / "union"
    shards = []
    for k in (1, 2):
        print(f"  … shard {k}/2", file=sys.stderr, flush=True)
        shutil.rmtree(output)
        got = run.measure([*cmd, "--shard", f"{k}/2"], cwd=REPO)
        if got.code != 0:
            raise SystemExit(f"shard {k}/2 failed:\n{got.err[-3000:]}")
        shards.append(got)
        shutil.copytree(output, union, dirs_exist_ok=True)
    shutil.rmtree(output)
    shutil.copytree(union, output)
    check2 = run.measure([*run.PIPELINE, "--root", str(root), "publish", "--all",
                          "--check-union", str(output)], cwd=REPO)
    verdict = (check2.out.strip().splitlines() or ["?"])[-1] if check2.code == 0 else (
        f"exit {check2.code}: {check2.err.strip().splitlines()[-1]}")

    # The projection, in CPU seconds (wall time here depends on what else the machine
    # runs). Beyond the sampled renders a run spends CPU on a fixed part (start-up, imports,
    # planning, worker warm-up, indexes) and a part per file (the pool's traffic): fitted
    # to the full rebuild (all files) and the two shards (half each). A job's wall time on
    # an idle runner with ``jobs`` cores: the fixed part, then its share over the cores.
    sizes = [p.stat().st_size for p in pages]
    total = shard_load(sizes, args.langs, html, pdf, 1)
    halves = shard_loads(sizes, args.langs, html, pdf, 2)
    rest_full = full.cpu - total
    rest_half = sum(got.cpu - share for got, share in zip(shards, halves, strict=True)) / 2
    per_file = (rest_full - rest_half) / (files / 2)
    fixed = rest_full - per_file * files
    if per_file < 0 or fixed < 0:  # too small or too noisy to fit: all of it fixed
        per_file, fixed = 0.0, rest_full
    target_sizes = page_sizes(site, target_pages)
    target_files = target_pages * (target_langs + 1) * 2
    # planning grows with the files; start-up, imports and the pool do not
    planning = max(plan_empty.cpu - startup.cpu, 0)
    target_fixed = fixed + planning * (target_files / files - 1)

    def wall(fixed_s: float, share_s: float) -> float:
        return fixed_s + share_s / jobs

    print()
    print(f"{'phase':30} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}  note")
    print("-" * 96)
    for p in phases:
        ratio = f"; wall {p.seconds / full.seconds:.3f}× full" if p is not full else ""
        print(f"{p.name:30} {p.seconds:8.2f} {p.cpu:8.2f} {p.peak_mb:8.0f}  {p.note}{ratio}")
    print(f"{'plan from nothing':30} {plan_empty.seconds:8.2f} {plan_empty.cpu:8.2f} "
          f"{plan_empty.peak_mb:8.0f}  check-union of an empty folder: counts every catalog")
    print(f"{'check-union, full site':30} {check.seconds:8.2f} {check.cpu:8.2f} "
          f"{check.peak_mb:8.0f}  the combine job's check")
    print(f"{'start-up (--version)':30} {startup.seconds:8.2f} {startup.cpu:8.2f} "
          f"{startup.peak_mb:8.0f}")
    for k, (got, share) in enumerate(zip(shards, halves, strict=True), 1):
        print(f"{f'shard {k}/2 (fresh folder)':30} {got.seconds:8.2f} {got.cpu:8.2f} "
              f"{got.peak_mb:8.0f}  renders {share:.1f} CPU s by the sample")
    print(f"union of the two shards: {verdict}")
    print()
    n = len(rows)
    print(f"per render, CPU seconds, one process, {n} page×language samples (sizes "
          f"{min(r['size'] for r in rows)}–{max(r['size'] for r in rows)} bytes of Markdown):")
    print(f"  HTML  {html_s / n * 1000:7.1f} ms/file    model {html.base * 1000:.1f} ms + "
          f"{html.per_kb * 1000:.2f} ms/KB")
    print(f"  PDF   {pdf_s / n * 1000:7.1f} ms/file    model {pdf.base * 1000:.1f} ms + "
          f"{pdf.per_kb * 1000:.2f} ms/KB;  PDF ÷ HTML = {pdf_s / html_s:.1f}×")
    print(f"  PDF   {pdf_s / printed * 1000:7.1f} ms/printed page (pipeline)   "
          f"{bare_s / printed * 1000:.1f} ms/printed page (bare WeasyPrint, same HTML);  "
          f"pipeline ÷ bare = {pdf_s / bare_s:.2f}×  ({printed / n:.1f} printed pages/file)")
    print(f"full rebuild: {full.cpu:.1f} CPU s = {total:.1f} rendering (by the sample) + "
          f"{rest_full:.1f} the rest = {fixed:.1f} s fixed + {per_file * 1000:.1f} ms per file "
          f"(fitted with the shards); wall {full.seconds:.1f} s: "
          f"{full.cpu / full.seconds:.2f} of {jobs} cores busy (a shared machine)")
    print()
    print(f"projected wall time with N shards, each an idle {jobs}-core job like this machine "
          f"(fixed {fixed:.1f} s + largest share ÷ {jobs}; CI set-up not included):")
    print(f"  {'N':>4} {'this site':>12} {f'{target_pages}×{target_langs} site':>16}")
    for count in shard_counts:
        here = wall(fixed, shard_load(sizes, args.langs, html, pdf, count, per_file=per_file))
        there = wall(target_fixed, shard_load(target_sizes, target_langs, html, pdf, count,
                                              per_file=per_file))
        print(f"  {count:>4} {_clock(here):>12} {_clock(there):>16}")
    print(f"({target_pages}×{target_langs}: {target_files} files, projected, not run; fixed "
          f"part {fixed:.1f} s + planning {planning:.2f} s scaled by the file count = "
          f"{target_fixed:.1f} s)")
    print(f"total {time.perf_counter() - began:.0f} s")
    return 0


def _clock(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


if __name__ == "__main__":
    raise SystemExit(main())
