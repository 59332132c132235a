"""The ``pipeline serve`` index page at two site sizes: a real server, the time of ``GET /``
(first request, then the median of the next five). Linear in pages × languages means the
120-page figure is about 4× the 30-page one.

Run: .venv/bin/python bench/serve_index.py [--pages 30 120] [--langs 4] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def index_times(root: Path, repeat: int = 5) -> tuple[float, float]:
    """(first, median of the next ``repeat``) seconds for ``GET /`` on a fresh server."""
    env = {**os.environ, "PIPELINE_REVIEWER": "Bench"}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "--root", str(root), "serve",
                             "--port", "0"], env=env, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        m = re.search(r"on (http://127\.0\.0\.1:\d+/)", line)
        if not m:
            raise SystemExit(f"serve did not start: {line}")
        times = []
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            with urllib.request.urlopen(m.group(1), timeout=120) as res:
                res.read()
            times.append(time.perf_counter() - t0)
        return times[0], statistics.median(times[1:])
    finally:
        proc.terminate()
        proc.wait(10)


def main(argv: Sequence[str] | None = None) -> int:
    from importlib import util

    spec = util.spec_from_file_location("bench_site", REPO / "bench" / "site.py")
    assert spec and spec.loader
    gen = util.module_from_spec(spec)
    sys.modules["bench_site"] = gen
    spec.loader.exec_module(gen)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[30, 120])
    parser.add_argument("--langs", type=int, default=4)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="serve-index-"))
    print("| pages × languages | first GET / | median of 5 |\n|---|---|---|")
    for pages in args.pages:
        root = work / f"p{pages}"
        if not root.exists():
            gen.generate(root, pages, args.langs)
        first, median = index_times(root)
        print(f"| {pages} × {args.langs + 1} | {first:.2f} s | {median:.2f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
