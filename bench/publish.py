"""Publish benchmark: HTML and PDF times, a no-op re-publish, and bare WeasyPrint beside it.

Run: .venv/bin/python bench/publish.py [--repeat N]. Prints a table; asserts nothing.
(One process, no pool: ``bench/run.py`` measures the pool at size.)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.config import load_config, parse_language  # noqa: E402
from pipeline.site.publish import publish  # noqa: E402


def copy_project(dest: Path) -> Path:
    root = dest / "site"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root)
    shutil.copytree(REPO / "source", root / "source")
    shutil.copytree(REPO / "locale", root / "locale")
    return root


def timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    es = parse_language("es")
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp))
        config = load_config(root)
        output = root / "output"

        def fresh(fmt: str) -> Callable[[], object]:
            def run() -> object:
                shutil.rmtree(output, ignore_errors=True)
                return publish(config, [es], formats=[fmt], jobs=1)  # per-page figures

            return run

        html_s = timed(fresh("html"), args.repeat)
        pdf_s = timed(fresh("pdf"), args.repeat)
        shutil.rmtree(output, ignore_errors=True)
        first_s = timed(lambda: publish(config, [es]), 1)
        noop_s = timed(lambda: publish(config, [es]), args.repeat)

        # Bare WeasyPrint on the very HTML the pipeline wrote (same fonts, same CSS).
        from weasyprint import HTML

        page = output / "es" / "paraspinal-sarcoma-treatment.html"
        html = page.read_text("utf-8")
        bare_s = timed(
            lambda: HTML(string=html, base_url=page.as_uri()).write_pdf(), args.repeat
        )
        # Pipeline PDF for one page (en + es are published: halve for one page).
        pipeline_pdf_one = pdf_s / 2
    rows = [
        ("HTML publish (en + es)", html_s, ""),
        ("PDF publish (en + es)", pdf_s, ""),
        ("first publish, both formats", first_s, ""),
        ("no-op re-publish", noop_s, f"{noop_s / first_s:.2f} × first (goal ≤ 0.10)"),
        ("bare WeasyPrint, es page", bare_s, ""),
        ("pipeline PDF, one page", pipeline_pdf_one,
         f"{pipeline_pdf_one / bare_s:.2f} × bare WeasyPrint (goal ≤ 1.3)"),
    ]
    print(f"{'measure':32} {'seconds':>9}  note")
    for name, seconds, note in rows:
        print(f"{name:32} {seconds:9.3f}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
