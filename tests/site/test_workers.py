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
