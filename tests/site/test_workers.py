"""The process pool's start method is safe in a threaded process, and its output is the same."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from test_parallel_publish import files, make_project, run

import pipeline.site.publish as publish_module


@pytest.mark.skipif(sys.platform != "linux", reason="fork and forkserver are Linux start methods")
def test_a_threaded_process_uses_forkserver_and_writes_the_serial_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    methods: list[str] = []
    real = publish_module.Workers._start

    def spy(self: Any, work: int) -> Any:
        pool = real(self, work)
        methods.append(pool._mp_context.get_start_method())
        return pool

    monkeypatch.setattr(publish_module.Workers, "_start", spy)
    serial = make_project(tmp_path / "serial")
    run(serial, jobs=1)
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait, daemon=True)  # as a server or watcher would
    helper.start()
    try:
        pooled = make_project(tmp_path / "pooled")
        run(pooled, jobs=2)
    finally:
        stop.set()
        helper.join()
    assert methods == ["forkserver"]
    ours, theirs = files(pooled), files(serial)
    assert sorted(ours) == sorted(theirs)
    assert all(ours[name][1] == theirs[name][1] for name in ours)


# --- the renderer is imported once, not by every worker --------------------------------------

SCENARIO = """
import json, os, sys, threading
sys.path.insert(0, sys.argv[1])
from pipeline.site.workers import Workers
from probe import pid_of_import

stop = threading.Event()
if sys.argv[2] == "threaded":  # as a server or a watcher would
    threading.Thread(target=stop.wait, daemon=True).start()
pool = Workers(2, preload=["slow_module"])
try:
    pids = list(pool.map(pid_of_import, ["slow_module"] * 6))
    method = pool._pool._mp_context.get_start_method()
finally:
    pool.close()
    stop.set()
print(json.dumps({"pids": pids, "method": method, "me": os.getpid()}))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="fork and forkserver are Linux start methods")
@pytest.mark.parametrize("threaded", [False, True], ids=["fork", "forkserver"])
def test_preloaded_module_is_imported_once_whatever_the_start_method(
        tmp_path: Path, threaded: bool) -> None:
    """Forked workers inherit what this process imported just before the fork; in a threaded
    process the fork server imports it once and its workers inherit it from there. (A
    fresh interpreter each: the fork server is one per process.)"""
    import json
    import os
    import subprocess

    folder = tmp_path / "mods"
    folder.mkdir()
    (folder / "slow_module.py").write_text(  # leaves a file per process that imports it
        "import os, pathlib\n"
        "IMPORTED_BY = os.getpid()\n"
        "(pathlib.Path(__file__).parent / f'imported-by-{IMPORTED_BY}').touch()\n",
        encoding="utf-8")
    (folder / "probe.py").write_text(  # the job: which process imported slow_module here
        "import sys\n"
        "def pid_of_import(name):\n"
        "    return sys.modules[name].IMPORTED_BY if name in sys.modules else None\n",
        encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", SCENARIO, str(folder),
                           "threaded" if threaded else "single"],
                          capture_output=True, text=True, timeout=120,
                          # Python 3.11's fork server ignores the parent's sys.path
                          env={**os.environ, "PYTHONPATH": str(folder)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = json.loads(proc.stdout.splitlines()[-1])
    assert found["method"] == ("forkserver" if threaded else "fork")
    assert len(list(folder.glob("imported-by-*"))) == 1  # one import for the whole pool
    assert len(set(found["pids"])) == 1
    assert (found["pids"][0] == found["me"]) is (not threaded)  # forked: imported here


@pytest.mark.skipif(sys.platform != "linux", reason="fork and forkserver are Linux start methods")
def test_publish_with_weasyprint_preloaded_writes_the_serial_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool started with WeasyPrint imported before its workers (as publish does for
    PDF) writes the bytes one process writes."""
    import functools

    monkeypatch.setattr(publish_module, "Workers",
                        functools.partial(publish_module.Workers, preload=["weasyprint"]))
    serial = make_project(tmp_path / "serial")
    run(serial, jobs=1)
    pooled = make_project(tmp_path / "pooled")
    run(pooled, jobs=2)
    ours, theirs = files(pooled), files(serial)
    assert sorted(ours) == sorted(theirs)
    assert all(ours[name][1] == theirs[name][1] for name in ours)
