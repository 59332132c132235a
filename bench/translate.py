#!/usr/bin/env python3
"""Benchmark: pretranslating with Apertium through the pipeline vs raw ``apertium -u``.

Prints segments/s and words/s for the seed page and a synthetic catalog (20×: the seed's
msgids repeated with a numeric suffix so each is unique), three ways, in one run:

- ``pipeline translate`` as a user runs it (a fresh process, fresh MT cache);
- the library call alone (``pipeline.mt.translate.translate``, fresh cache);
- raw ``apertium -u eng-spa`` on the same text, blank-line separated, one call;
- one ``apertium`` process per string (a sample, extrapolated).

Goal: whole command ≤ 1.5 × raw Apertium at 1,000+ segments, ≤ 2 × on one page.
``--before DIR`` times the command of another checkout too (before/after in one run);
``--tiny`` runs a small size to prove it works.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.config import load_config, parse_language  # noqa: E402
from pipeline.mt.cache import Cache  # noqa: E402
from pipeline.mt.engines.apertium import Apertium  # noqa: E402
from pipeline.mt.translate import translate  # noqa: E402

SEED = REPO / "locale" / "paraspinal-sarcoma-treatment.pot"
LANG = parse_language("es")
PYPROJECT = '[project]\nname = "bench"\nversion = "0"\n\n[tool.pipeline]\nlanguages = ["es"]\n'


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    segments: int
    words: int
    seconds: float
    note: str = ""

    def line(self) -> str:
        return (f"  {self.label:34} {self.segments:>6} {self.words:>7} {self.seconds:>8.2f}s "
                f"{self.segments / self.seconds:>9.0f} {self.words / self.seconds:>9.0f}"
                f"  {self.note}")


def seed_msgids() -> list[str]:
    return [e.msgid for e in polib.pofile(str(SEED)) if e.msgid]


def synthetic(msgids: Sequence[str], times: int) -> list[str]:
    return [m if i == 0 else f"{m} {i}" for i in range(times) for m in msgids]


def make_project(root: Path, msgids: Sequence[str]) -> Path:
    """A project with one page whose template holds ``msgids`` and an empty es catalog."""
    (root / "locale" / "es" / "LC_MESSAGES").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    shutil.copy(REPO / "locale" / "glossary.csv", root / "locale")
    pot = polib.POFile(wrapwidth=79)
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8", "MIME-Version": "1.0",
                    "Content-Transfer-Encoding": "8bit"}
    for m in msgids:
        pot.append(polib.POEntry(msgid=m, msgstr=""))
    pot.save(str(root / "locale" / "bench.pot"))
    pot.metadata["Language"] = "es"
    pot.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    pot.save(str(root / "locale" / "es" / "LC_MESSAGES" / "bench.po"))
    return root


def words(texts: Sequence[str]) -> int:
    return sum(len(t.split()) for t in texts)


def time_command(msgids: Sequence[str], work: Path, repo: Path = REPO) -> float:
    """``pipeline translate`` as a user runs it, with the package of the checkout ``repo``."""
    root = make_project(work / f"command-{repo.name}", msgids)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    began = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "--root", str(root), "-q", "translate",
         "--lang", "es"],
        capture_output=True, text=True, cwd=repo, check=False, env=env,
    )
    seconds = time.perf_counter() - began
    if proc.returncode not in (0, 1):
        sys.exit(f"pipeline translate failed:\n{proc.stderr}")
    return seconds


def time_library(msgids: Sequence[str], work: Path) -> tuple[float, str]:
    root = make_project(work / "library", msgids)
    with Cache(work / "library-cache.sqlite") as cache:  # fresh: nothing cached
        began = time.perf_counter()
        report = translate(load_config(root), LANG, cache=cache)
        seconds = time.perf_counter() - began
    return seconds, f"{report.from_engine} filled, {len(report.failed)} failed"


def time_raw(msgids: Sequence[str], mode: str) -> float:
    text = "\n\n".join(" ".join(m.split()) for m in msgids)
    began = time.perf_counter()
    subprocess.run(["apertium", "-u", mode], input=text, capture_output=True, text=True,
                   encoding="utf-8", check=True)
    return time.perf_counter() - began


def time_per_string(msgids: Sequence[str], mode: str, sample: int) -> tuple[float, int]:
    chosen = list(msgids[:sample])
    began = time.perf_counter()
    for m in chosen:
        subprocess.run(["apertium", "-u", mode], input=m, capture_output=True, text=True,
                       encoding="utf-8", check=True)
    return (time.perf_counter() - began) / len(chosen) * len(msgids), len(chosen)


def run(label: str, msgids: Sequence[str], mode: str, sample: int, repeat: int,
        before: Path | None = None) -> None:
    """Time each way ``repeat`` times, interleaved so they share the machine's load; keep
    the best of each (the least disturbed by other processes). ``before``: another
    checkout whose command is timed too (a before/after in one run)."""
    n, w = len(msgids), words(msgids)
    command = library = raw = old = float("inf")
    outcome = ""
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench-translate-") as tmp:
            work = Path(tmp)
            raw = min(raw, time_raw(msgids, mode))
            command = min(command, time_command(msgids, work))
            if before is not None:
                old = min(old, time_command(msgids, work, before))
            seconds, outcome = time_library(msgids, work)
            library = min(library, seconds)
    per_string, sampled = time_per_string(msgids, mode, sample)
    print(f"\n{label}: {n} segments, {w} words (best of {repeat})")
    print(f"  {'':34} {'segs':>6} {'words':>7} {'time':>9} {'segs/s':>9} {'words/s':>9}")
    for row in (
        Row("pipeline translate (whole command)", n, w, command, "fresh process and cache"),
        Row("library translate()", n, w, library, outcome),
        Row("raw apertium -u, one call", n, w, raw),
        Row("one process per string", n, w, per_string,
            f"extrapolated from {sampled} strings"),
    ):
        print(row.line())
    if before is not None:
        print(Row(f"before ({before})"[:34], n, w, old, "the same command, older code").line())
        print(f"  before / raw apertium        : {old / raw:.2f}×")
    print(f"  whole command / raw apertium : {command / raw:.2f}×   (goal ≤ 1.50× at 1,000+ "
          "segments, ≤ 2× on one page)")
    print(f"  library / raw apertium       : {library / raw:.2f}×")
    print(f"  one process per string / raw : {per_string / raw:.1f}×")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="a few segments, to prove it runs")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per measurement, best kept (default 3; 1 with --tiny)")
    parser.add_argument("--copies", type=int, default=20,
                        help="the synthetic catalog: the seed's msgids this many times "
                        "(default 20: 1,320 segments)")
    parser.add_argument("--before", type=Path, default=None, metavar="DIR",
                        help="also time the command from this checkout (before/after)")
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat or (1 if args.tiny else 3))
    mode = Apertium().mode(parse_language("en"), LANG)
    if mode is None:
        sys.exit("apertium with the eng-spa pair is not installed")
    seed = seed_msgids()
    if args.tiny:
        sizes = [("seed page (first 4)", seed[:4]), ("synthetic 2× of 4", synthetic(seed[:4], 2))]
        sample = 1
    else:
        sizes = [("seed page", seed),
                 (f"synthetic {args.copies}× catalog", synthetic(seed, args.copies))]
        sample = 20
    print(f"apertium mode {mode}; {Apertium().version}")
    for label, msgids in sizes:
        run(label, msgids, mode, sample, repeat, args.before)


if __name__ == "__main__":
    main()
