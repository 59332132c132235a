#!/usr/bin/env python3
"""Start-up: a no-op ``pipeline publish --lang es`` and ``pipeline status`` vs ``pipeline --help``.

On a copy of this repository's project (the seed page, its Spanish catalog; HTML and PDF),
published once (not timed): then ``publish --lang es`` has nothing to do, so what it costs
is start-up, reading the manifest and hashing the inputs. Each row is a fresh process;
the commands run in turn (``--help``, publish, status, ``--help``, …) and each ratio is the
median of the ratios of neighbouring runs, so a machine that speeds up or slows down
during the run moves both sides. Last, the heavy libraries each command imported.

Run: .venv/bin/python bench/startup.py [--repeat 15]
``--tiny`` runs every row at a toy size (tests/scripts/test_bench.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from benchlib import bench_run  # noqa: E402

HEAVY = ("weasyprint", "markdown_it", "yaml", "jinja2", "babel", "deep_translator", "polib",
         "xml", "urllib", "http", "ssl", "email")
PROBE = """
import json, sys
from pipeline.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""




def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="few runs, to prove it runs (CI)")
    parser.add_argument("--repeat", type=int, help="runs of each command (median; 15)")
    args = parser.parse_args(argv)
    run = bench_run()
    repeat = args.repeat or (2 if args.tiny else 15)
    print(run.machine())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "seed"
        root.mkdir()
        shutil.copy(REPO / "pyproject.toml", root)
        for folder in ("source", "locale"):
            shutil.copytree(REPO / folder, root / folder)
        cli = [*run.PIPELINE, "--root", str(root)]
        commands = {"pipeline --help": [*cli, "--help"],
                    "no-op publish --lang es": [*cli, "publish", "--lang", "es"],
                    "pipeline status": [*cli, "status"]}
        first = run.measure(commands["no-op publish --lang es"], timeout=600)
        if first.code != 0:
            raise SystemExit(first.err[-3000:])
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(repeat):
            for name, cmd in commands.items():
                r = run.measure(cmd)
                if r.code != 0 or "wrote" in r.out:
                    raise SystemExit(f"{name}: not a no-op:\n{r.out[-2000:]}{r.err[-2000:]}")
                runs[name].append((r.seconds, r.cpu))
        loaded = {}
        for name, cmd in commands.items():
            proc = subprocess.run([sys.executable, "-c", PROBE, *cmd[len(run.PIPELINE):]],
                                  capture_output=True, text=True, cwd=REPO)
            found = set(json.loads(proc.stdout.splitlines()[-1])) if proc.stdout else set()
            loaded[name] = ", ".join(m for m in HEAVY if m in found) or "none of them"
    print(f"project: this repository's seed page, es; median of {repeat} runs each")
    print(f"{'measure':32} {'wall s':>8} {'CPU s':>7}  note")
    print("-" * 100)
    help_runs = runs["pipeline --help"]
    for name, rows in runs.items():
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        note = ""
        if name != "pipeline --help":
            ratio = statistics.median(a[0] / b[0] for a, b in zip(rows, help_runs, strict=True))
            ratio_cpu = statistics.median(a[1] / b[1] for a, b in zip(rows, help_runs,
                                                                          strict=True))
            note = f"{ratio:.2f}× --help (CPU {ratio_cpu:.2f}×; goal ≤ 2)"
        print(f"  {name:30} {wall:8.3f} {cpu:7.3f}  {note}")
    print("heavy libraries imported (of " + ", ".join(HEAVY) + "):")
    for name, found in loaded.items():
        print(f"  {name}: {found}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
