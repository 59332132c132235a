"""The whole pipeline at size, in one run, printed as one table: figures, not pass/fail.

Measures, each in its own process (wall time; peak RSS of the largest process from
``os.wait4``, so pool workers count):
  extract and update for 1, 100 and 1,000 pages (per-page cost shows the growth);
  update of a 5,000-entry catalog vs GNU ``msgmerge --previous`` and Translate Toolkit's
  ``pot2po`` (bench/update.py's catalog: 250 edited, 250 new, 250 removed strings);
  translate with Apertium vs raw ``apertium`` (bench/translate.py's functions);
  publish: HTML and PDF pages/s, in this process and over a pool of one process per core,
  beside bare WeasyPrint, and Translate Toolkit's ``po2html``; extraction beside mdpo;
  a no-op ``publish --all`` of --pages × --langs and a one-page change;
  start-up of ``pipeline --help`` and ``pipeline status`` vs ``python -c "import click"``.

Run: .venv/bin/python bench/run.py [--tiny] [--pages 200] [--langs 5] [--repeat 7]
``--tiny`` runs every row at a toy size, to prove the benchmark works (CI).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent
PIPELINE = [str(BIN / "pipeline")] if (BIN / "pipeline").exists() else [
    sys.executable, "-m", "pipeline.cli"]


def bench_module(name: str) -> ModuleType:
    """``bench/<name>.py`` as a module (``site`` would clash with the standard library's)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# --- measuring ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    peak_mb: float  # the largest process: the command or any child it waited for
    code: int
    out: str
    err: str
    cpu: float = 0.0  # user + system seconds of the command and the children it waited for


# Runs the command and reports its wall time and peak RSS. A launcher because a process
# forked from this (large) one would count this one's memory as its own peak.
LAUNCHER = """\
import os, sys, time
began = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - began
with open(sys.argv[1], "w") as fh:
    fh.write(f"{seconds} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def measure(cmd: Sequence[str], *, cwd: Path | None = None, stdin: str | None = None,
            timeout: float | None = None) -> Run:
    """Run ``cmd``: its wall time and peak RSS (of it or any child it waited for)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".rusage") as usage:
        proc = subprocess.Popen([sys.executable, "-S", "-c", LAUNCHER, usage.name, *cmd],
                                cwd=cwd, stdout=out, stderr=err, start_new_session=True,
                                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
        timer = threading.Timer(timeout, os.killpg, (proc.pid, 9)) if timeout else None
        if timer:
            timer.start()
        if stdin is not None and proc.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.write(stdin.encode("utf-8"))
            proc.stdin.close()
        code = proc.wait()
        if timer:
            timer.cancel()
        seconds, peak_kb, cpu = (usage.read().split() or ["nan", "0", "nan"])
        out.seek(0)
        err.seek(0)
        return Run(float(seconds), int(peak_kb) / 1024, code,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   float(cpu))


def child(op: str, **kwargs: Any) -> tuple[dict[str, Any], float]:
    """Run ``op`` (a function below) in a fresh process: (what it returned, peak MB)."""
    run = measure([sys.executable, __file__, "--child", op, json.dumps(kwargs)], cwd=REPO)
    if run.code != 0:
        raise RuntimeError(f"{op} failed:\n{run.err[-3000:]}")
    return json.loads(run.out.strip().splitlines()[-1]), run.peak_mb


def median_run(cmd: Sequence[str], repeat: int, **kwargs: Any) -> Run:
    runs = [measure(cmd, **kwargs) for _ in range(repeat)]
    for run in runs:
        if run.code != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{run.err[-2000:]}")
    seconds = statistics.median(r.seconds for r in runs)
    return Run(seconds, max(r.peak_mb for r in runs), 0, runs[-1].out, runs[-1].err)


# --- what the child processes run -----------------------------------------------------------------


def op_extract(root: str) -> dict[str, Any]:
    from pipeline.catalog.extract import extract
    from pipeline.config import load_config

    config = load_config(Path(root))
    for pot in config.locale_dir.glob("*.pot"):
        pot.unlink()
    began = time.perf_counter()
    items = extract(config)
    return {"seconds": time.perf_counter() - began, "messages": sum(i.messages for i in items)}


def op_update(root: str, lang: str) -> dict[str, Any]:
    from pipeline.catalog.merge import update
    from pipeline.config import load_config, parse_language

    config = load_config(Path(root))
    began = time.perf_counter()
    items = update(config, [parse_language(lang)])
    return {"seconds": time.perf_counter() - began, "fuzzy": sum(i.fuzzy for i in items),
            "new": sum(i.new for i in items), "obsolete": sum(i.obsolete for i in items)}


def op_merge(folder: str) -> dict[str, Any]:
    from pipeline.catalog.merge import merge
    from pipeline.catalog.pofile import load_catalog, parse_catalog, save_catalog

    d = Path(folder)
    began = time.perf_counter()
    cat = load_catalog(d / "old.po")
    pot = parse_catalog((d / "new.pot").read_bytes(), d / "new.pot").po
    merge(cat, pot)
    save_catalog(cat, d / "ours.po")
    return {"seconds": time.perf_counter() - began}


def op_publish(root: str, langs: list[str] | None, formats: list[str], jobs: int,
               fresh: str) -> dict[str, Any]:
    """``fresh``: "all" deletes output/ (a first publish: every catalog is counted),
    "files" deletes the published pages but keeps the manifest's counts, "" deletes nothing."""
    from pipeline.config import load_config, parse_language
    from pipeline.site.publish import publish

    config = load_config(Path(root))
    if fresh == "all":
        shutil.rmtree(config.output_dir, ignore_errors=True)
    elif fresh == "files":
        for folder in config.output_dir.iterdir():
            if folder.is_dir() and folder.name != "assets":
                shutil.rmtree(folder)
    if "pdf" in formats:
        import weasyprint  # noqa: F401  (import time left out, as for bare WeasyPrint)
    languages = [parse_language(x) for x in langs] if langs else list(config.languages)
    began = time.perf_counter()
    # public pages (the bench sites set min_reviewed = 0: drafts are shown as English)
    items = publish(config, languages, every=not langs, formats=formats, jobs=jobs).items
    return {"seconds": time.perf_counter() - began, "files": len(items),
            "written": sum(i.written for i in items)}


def op_bare(files: list[str]) -> dict[str, Any]:
    """Bare WeasyPrint on the pipeline's own HTML (same CSS, fonts and PDF/UA variant)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    began = time.perf_counter()
    for name in files:
        HTML(filename=name).write_pdf(pdf_variant="pdf/ua-1")
    return {"seconds": time.perf_counter() - began}


def op_mdpo(files: list[str], out: str) -> dict[str, Any]:
    """mdpo's md2po, one catalog per page as ``pipeline extract`` writes them."""
    from mdpo.md2po import markdown_to_pofile  # type: ignore[import-untyped]

    began = time.perf_counter()
    for name in files:
        markdown_to_pofile(name).save(str(Path(out) / (Path(name).stem + ".po")))
    return {"seconds": time.perf_counter() - began}


def op_translate(copies: int, tiny: bool) -> dict[str, Any]:
    """bench/translate.py's timings of the same text three ways."""
    import resource

    from pipeline.config import parse_language
    from pipeline.mt.engines.apertium import Apertium

    bt = bench_module("translate")
    mode = Apertium().mode(parse_language("en"), bt.LANG)
    if mode is None:
        return {"skipped": "apertium with the eng-spa pair is not installed"}
    msgids = bt.seed_msgids()[:4] if tiny else bt.seed_msgids()
    msgids = bt.synthetic(msgids, copies)
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        work = Path(tmp)
        raw = bt.time_raw(msgids, mode)
        library, outcome = bt.time_library(msgids, work)
        library_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        command = bt.time_command(msgids, work)
    return {"seconds": library, "raw": raw, "command": command, "outcome": outcome,
            "segments": len(msgids), "words": sum(len(m.split()) for m in msgids),
            "library_peak": library_peak,
            "children_peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


OPS: dict[str, Callable[..., dict[str, Any]]] = {
    "extract": op_extract, "update": op_update, "merge": op_merge, "publish": op_publish,
    "bare": op_bare, "mdpo": op_mdpo, "translate": op_translate,
}


# --- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    section: str
    measure: str
    size: str
    seconds: float | None
    rate: str = ""
    peak_mb: float | None = None
    note: str = ""


class Table:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, *args: Any, **kwargs: Any) -> None:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        print(f"  … {row.section}: {row.measure} {row.size}", file=sys.stderr, flush=True)

    def print(self) -> None:
        head = f"{'measure':44} {'size':>16} {'seconds':>9} {'rate':>14} {'peak MB':>8}  note"
        print(head)
        print("-" * len(head))
        section = ""
        for r in self.rows:
            if r.section != section:
                section = r.section
                print(f"[{section}]")
            seconds = f"{r.seconds:9.3f}" if r.seconds is not None else f"{'-':>9}"
            peak = f"{r.peak_mb:8.0f}" if r.peak_mb is not None else f"{'-':>8}"
            print(f"  {r.measure:42} {r.size:>16} {seconds} {r.rate:>14} {peak}  {r.note}")


def ms_each(seconds: float, n: int, unit: str) -> str:
    return f"{seconds / n * 1000:.1f} ms/{unit}"


def per_second(n: int, seconds: float, unit: str = "pages") -> str:
    return f"{n / seconds:.1f} {unit}/s"


# --- the sections -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sizes:
    scale: tuple[int, ...]
    entries: int
    changes: int
    copies: int
    pdf_pages: int
    pages: int
    langs: int
    repeat: int
    tiny: bool


def scaling(table: Table, sizes: Sizes, work: Path, site: ModuleType) -> Path:
    """extract and update at each size; returns the middle site (for the peers)."""
    rates: dict[str, list[float]] = {"extract": [], "update": []}
    middle = work / f"scale-{sizes.scale[1]}"
    for n in sizes.scale:
        root = work / f"scale-{n}"
        site.generate(root, n, ["es"], drift=0.05, formats=["html"], min_reviewed=0)
        extracted, peak = child("extract", root=str(root))
        rates["extract"].append(extracted["seconds"] / n)
        note = _growth(rates["extract"], sizes.scale)
        table.add("scale", "extract (library)", f"{n} pages", extracted["seconds"],
                  ms_each(extracted["seconds"], n, "page"), peak,
                  f"{extracted['messages']} messages{note}")
        updated, peak = child("update", root=str(root), lang="es")
        rates["update"].append(updated["seconds"] / n)
        note = _growth(rates["update"], sizes.scale)
        table.add("scale", "update --lang es (library)", f"{n} pages", updated["seconds"],
                  ms_each(updated["seconds"], n, "page"), peak,
                  f"{updated['fuzzy']} fuzzy, {updated['new']} new, "
                  f"{updated['obsolete']} obsolete{note}")
    return middle


def _growth(per_page: list[float], scale: Sequence[int]) -> str:
    if len(per_page) != len(scale):
        return ""
    i = len(per_page) - 1
    return (f"; per page ×{per_page[i] / per_page[i - 1]:.2f} vs {scale[i - 1]} pages "
            "(linear = 1)")


def big_update(table: Table, sizes: Sizes, work: Path, update: ModuleType) -> None:
    import polib

    folder = work / "update"
    folder.mkdir()
    old, new = update.build(sizes.entries, random.Random(7), sizes.changes)
    old.save(str(folder / "old.po"))
    new.save(str(folder / "new.pot"))
    size = f"{sizes.entries} entries"
    what = f"{sizes.changes} edited/new/removed"
    gnu = measure(["msgmerge", "--quiet", "--previous", "-o", str(folder / "gnu.po"),
                   str(folder / "old.po"), str(folder / "new.pot")])
    table.add("update", "GNU msgmerge --previous", size, gnu.seconds,
              peak_mb=gnu.peak_mb, note=what)
    ours, peak = child("merge", folder=str(folder))
    gnu_pairs = update.fuzzy_pairs(polib.pofile(str(folder / "gnu.po")))
    our_pairs = update.fuzzy_pairs(polib.pofile(str(folder / "ours.po")))
    agree = sum(1 for k, v in our_pairs.items() if gnu_pairs.get(k) == v)
    table.add("update", "pipeline merge (load, merge, save)", size, ours["seconds"],
              peak_mb=peak,
              note=f"{ours['seconds'] / gnu.seconds:.2f}× msgmerge (goal ≤ 1); "
                   f"{len(our_pairs)} fuzzy, {agree} as msgmerge's ({len(gnu_pairs)})")
    tt = measure([str(BIN / "pot2po"), "--progress=none", "-t", str(folder / "old.po"),
                  "-i", str(folder / "new.pot"), "-o", str(folder / "tt.po")], timeout=600)
    if tt.code == 0:
        tt_pairs = sum(1 for e in polib.pofile(str(folder / "tt.po")) if "fuzzy" in e.flags)
        table.add("update", "Translate Toolkit pot2po", size, tt.seconds, peak_mb=tt.peak_mb,
                  note=f"pipeline = {ours['seconds'] / tt.seconds:.2f}× pot2po; "
                       f"{tt_pairs} fuzzy")
    else:
        table.add("update", "Translate Toolkit pot2po", size, None,
                  note=f"failed or over 600 s (exit {tt.code})")


def translating(table: Table, sizes: Sizes) -> None:
    if not (BENCH / "translate.py").exists():
        table.add("translate", "apertium", "-", None, note="skipped: no bench/translate.py")
        return
    try:
        got, peak = child("translate", copies=sizes.copies, tiny=sizes.tiny)
    except RuntimeError as exc:
        reason = str(exc).strip().splitlines()[-1][:90]
        table.add("translate", "apertium", "-", None, note=f"skipped: {reason}")
        return
    if "skipped" in got:
        table.add("translate", "apertium", "-", None, note=f"skipped: {got['skipped']}")
        return
    size = f"{got['segments']} segments"
    words = got["words"]
    table.add("translate", "raw apertium -u eng-spa, one call", size, got["raw"],
              per_second(words, got["raw"], "words"), got["children_peak"])
    table.add("translate", "library translate() (fresh cache)", size, got["seconds"],
              per_second(words, got["seconds"], "words"), got["library_peak"],
              f"{got['seconds'] / got['raw']:.2f}× raw; {got['outcome']}")
    table.add("translate", "pipeline translate (whole command)", size, got["command"],
              per_second(words, got["command"], "words"), None,
              f"{got['command'] / got['raw']:.2f}× raw (goal ≤ 1.5)")


def publishing(table: Table, sizes: Sizes, work: Path, site: ModuleType) -> Path:
    """HTML at size (also the no-op site), PDF beside bare WeasyPrint; returns the site."""
    cores = os.cpu_count() or 1
    root = work / f"site-{sizes.pages}x{sizes.langs}"
    generated = site.generate(root, sizes.pages, sizes.langs, formats=["html"],
                              min_reviewed=0)
    files = sizes.pages * (sizes.langs + 1)
    size = f"{sizes.pages}×{sizes.langs + 1} pages"
    first, peak = child("publish", root=str(root), langs=None, formats=["html"], jobs=cores,
                        fresh="all")
    table.add("publish", f"first publish --all, HTML, jobs={cores}", size, first["seconds"],
              per_second(files, first["seconds"]), peak,
              f"counts {generated.pages * sizes.langs} catalogs, renders all; "
              f"{generated.reviewed} reviewed / {generated.fuzzy} fuzzy / "
              f"{generated.empty} empty strings (min_reviewed = 0)")
    serial, peak = child("publish", root=str(root), langs=None, formats=["html"], jobs=1,
                         fresh="files")
    table.add("publish", "HTML, jobs=1 (no pool)", size, serial["seconds"],
              per_second(files, serial["seconds"]), peak, "catalog counts cached")
    pooled, peak = child("publish", root=str(root), langs=None, formats=["html"], jobs=cores,
                         fresh="files")
    table.add("publish", f"HTML, jobs={cores} (pool)", size, pooled["seconds"],
              per_second(files, pooled["seconds"]), peak,
              f"{serial['seconds'] / pooled['seconds']:.2f}× faster than jobs=1")
    # PDF: a few pages in en + es; the same pages through bare WeasyPrint
    pdf_root = work / "pdf-site"
    site.generate(pdf_root, sizes.pdf_pages, ["es"], formats=["pdf"], min_reviewed=0)
    pdfs = sizes.pdf_pages * 2
    size = f"{sizes.pdf_pages}×2 pages"
    serial, peak = child("publish", root=str(pdf_root), langs=["es"], formats=["pdf"], jobs=1,
                         fresh="all")
    table.add("publish", "PDF, jobs=1 (no pool)", size, serial["seconds"],
              per_second(pdfs, serial["seconds"]), peak)
    pooled, peak = child("publish", root=str(pdf_root), langs=["es"], formats=["pdf"],
                         jobs=cores, fresh="files")
    child("publish", root=str(pdf_root), langs=["es"], formats=["html"], jobs=cores, fresh="")
    html = [str(p) for lang in ("en", "es")
            for p in sorted((pdf_root / "output" / lang).glob("*.html"))]
    bare, bare_peak = child("bare", files=html)
    goal = bare["seconds"] / cores
    table.add("publish", f"PDF, jobs={cores} (pool)", size, pooled["seconds"],
              per_second(pdfs, pooled["seconds"]), peak,
              f"{serial['seconds'] / pooled['seconds']:.2f}× faster than jobs=1; "
              f"{pooled['seconds'] / goal:.2f}× bare÷{cores} (goal ≈ 1)")
    table.add("publish", "bare WeasyPrint, one process", size, bare["seconds"],
              per_second(pdfs, bare["seconds"]), bare_peak,
              f"pipeline jobs=1 = {serial['seconds'] / bare['seconds']:.2f}× bare")
    return root


def peers(table: Table, sizes: Sizes, work: Path, middle: Path) -> None:
    """Translate Toolkit's po2html and mdpo's md2po on the middle scaling site's pages."""
    pages = sorted((middle / "source" / "pages").glob("*.md"))
    n = len(pages)
    size = f"{n} pages"
    ours, peak = child("publish", root=str(middle), langs=["es"], formats=["html"], jobs=1,
                       fresh="all")
    ours_each = ours["seconds"] / ours["written"]
    table.add("peers", "pipeline publish HTML en+es, jobs=1", f"{ours['written']} pages",
              ours["seconds"], ms_each(ours["seconds"], ours["written"], "page"), peak)
    tt = work / "po2html"
    shutil.copytree(middle / "output" / "en", tt / "templates",
                    ignore=shutil.ignore_patterns("*.pdf"))
    made = measure([str(BIN / "html2po"), "--progress=none", "-P", "-i", str(tt / "templates"),
                    "-o", str(tt / "pot")])
    if made.code == 0:
        _fill(tt / "pot", tt / "po")
        run = measure([str(BIN / "po2html"), "--progress=none", "-t", str(tt / "templates"),
                       "-i", str(tt / "po"), "-o", str(tt / "out")])
        table.add("peers", "Translate Toolkit po2html (whole command)", size, run.seconds,
                  ms_each(run.seconds, n, "page"), run.peak_mb,
                  f"pipeline = {ours_each / (run.seconds / n):.2f}× po2html per page")
    else:
        table.add("peers", "Translate Toolkit po2html", size, None, note="html2po failed")
    extracted, peak = child("extract", root=str(middle))
    table.add("peers", "pipeline extract (library)", size, extracted["seconds"],
              ms_each(extracted["seconds"], n, "page"), peak)
    if importlib.util.find_spec("mdpo") is None:
        table.add("peers", "mdpo md2po", size, None, note="skipped: mdpo not installed")
        return
    (work / "mdpo").mkdir()
    md, peak = child("mdpo", files=[str(p) for p in pages], out=str(work / "mdpo"))
    table.add("peers", "mdpo markdown_to_pofile, one po per page", size, md["seconds"],
              ms_each(md["seconds"], n, "page"), peak,
              f"pipeline = {extracted['seconds'] / md['seconds']:.2f}× md2po")


def _fill(pot_dir: Path, po_dir: Path) -> None:
    """Catalogs for po2html: every string 'translated' (upper-cased)."""
    import polib

    po_dir.mkdir()
    for path in sorted(pot_dir.glob("*.pot")):
        po = polib.pofile(str(path))
        for entry in po:
            entry.msgstr = entry.msgid.upper()
        po.save(str(po_dir / f"{path.stem}.po"))


def incremental(table: Table, sizes: Sizes, root: Path) -> None:
    size = f"{sizes.pages}×{sizes.langs + 1} pages"
    cores = os.cpu_count() or 1
    cmd = [*PIPELINE, "--root", str(root), "-q", "publish", "--all"]
    noop = median_run(cmd, max(3, sizes.repeat // 2))
    table.add("incremental", "no-op publish --all (command)", size, noop.seconds,
              "", noop.peak_mb, "HTML; goal < 1 s; median")

    def again(label: str, note: str) -> None:
        got, peak = child("publish", root=str(root), langs=None, formats=["html"], jobs=cores,
                          fresh="")
        table.add("incremental", label, size, got["seconds"], "", peak,
                  f"{got['written']} of {got['files']} files written{note}")

    again("no-op publish (library call)", "")
    page = sorted((root / "source" / "pages").glob("*.md"))[sizes.pages // 2]
    page.write_text(page.read_text("utf-8") + "\nA sentence added to one page.\n", "utf-8")
    again("one page edited, publish (library)", f" ({page.stem}, every language)")
    po = root / "locale" / "es" / "LC_MESSAGES" / f"{page.stem}.po"
    text = po.read_text("utf-8")
    po.write_text(text.replace('\nmsgstr "', '\nmsgstr "¡', 1), "utf-8")
    again("one translation edited, publish (library)", f" (es/{page.stem})")


def startup(table: Table, sizes: Sizes, work: Path, site: ModuleType, big: Path) -> None:
    small = work / "startup-site"
    site.generate(small, 1, ["es"], formats=["html"])
    base = median_run([sys.executable, "-c", "import click"], sizes.repeat)
    table.add("start-up", 'python -c "import click"', "", base.seconds, "", base.peak_mb,
              f"median of {sizes.repeat}")
    for label, cmd in (("pipeline --help", [*PIPELINE, "--help"]),
                       ("pipeline status (1 page, 1 language)",
                        [*PIPELINE, "--root", str(small), "status"])):
        run = median_run(cmd, sizes.repeat)
        table.add("start-up", label, "", run.seconds, "", run.peak_mb,
                  f"{run.seconds / base.seconds:.2f}× import click (goal ≤ 2)")
    run = median_run([*PIPELINE, "--root", str(big), "status", "--lang", "es"],
                     max(1, sizes.repeat // 3))
    table.add("start-up", "pipeline status --lang es", f"{sizes.pages} pages", run.seconds,
              ms_each(run.seconds, sizes.pages, "page"), run.peak_mb,
              "parses every catalog of the language")


def machine() -> str:
    mem = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"{platform.node() or 'machine'}: {os.cpu_count()} cores (nproc), {mem}, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}; "
            f"load average at start {load}")


@contextlib.contextmanager
def workdir(path: Path | None, keep: bool) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=False)
        yield path
        return
    tmp = tempfile.mkdtemp(prefix="bench-run-")
    try:
        yield Path(tmp)
    finally:
        if keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="toy sizes, to prove it runs (CI)")
    parser.add_argument("--pages", type=int, help="pages of the publish site (default 200)")
    parser.add_argument("--langs", type=int, help="target languages (default 5)")
    parser.add_argument("--repeat", type=int, help="runs per start-up figure (median)")
    parser.add_argument("--work", type=Path, help="folder for the sites (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--child", nargs=2, metavar=("OP", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        op, kwargs = args.child
        print(json.dumps(OPS[op](**json.loads(kwargs))))
        return 0
    tiny = args.tiny
    sizes = Sizes(
        scale=(1, 3, 10) if tiny else (1, 100, 1000),
        entries=300 if tiny else 5000, changes=30 if tiny else 250,
        copies=2 if tiny else 20, pdf_pages=1 if tiny else 8,
        pages=args.pages or (4 if tiny else 200), langs=args.langs or (2 if tiny else 5),
        repeat=args.repeat or (3 if tiny else 7), tiny=tiny)
    site, update = bench_module("site"), bench_module("update")
    print(machine())
    table = Table()
    began = time.perf_counter()
    with workdir(args.work, args.keep) as work:
        middle = scaling(table, sizes, work, site)
        big_update(table, sizes, work, update)
        translating(table, sizes)
        big = publishing(table, sizes, work, site)
        peers(table, sizes, work, middle)
        incremental(table, sizes, big)
        startup(table, sizes, work, site, big)
    table.print()
    print(f"total {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
