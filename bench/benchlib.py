"""What the benchmark scripts share: ``bench/run.py`` loaded once as a module (its launcher
measures wall time, CPU and peak RSS; its ``bench_module`` loads the other benchmark files)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent


def bench_run() -> ModuleType:
    """``bench/run.py`` as a module (loaded once per process)."""
    if "bench_run" in sys.modules:
        return sys.modules["bench_run"]
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    if spec is None or spec.loader is None:
        raise ImportError("bench/run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
