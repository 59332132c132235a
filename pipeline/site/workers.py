"""A pool of processes for ``publish``: pages are rendered and catalogs counted in parallel,
the results come back in input order so the bytes written do not depend on the pool size.

The pool knows nothing of pages: each worker process runs the one function ``job_factory``
builds for it (``run_job`` calls it), so this module imports no other of the package.
"""

from __future__ import annotations

import importlib
import itertools
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Sequence
from typing import Any, TypeVar

from pipeline.errors import ConfigError, PublishError

T = TypeVar("T")
R = TypeVar("R")


def job_count(jobs: int | None) -> int:
    """``jobs`` checked, or one per core when None."""
    if jobs is None:
        return os.cpu_count() or 1
    if jobs < 1:
        raise ConfigError(f"jobs must be 1 or more, not {jobs}")
    return jobs


class Workers:
    """``map`` here, or over ``jobs`` processes (started on first need) when there is
    enough work; results come back in input order, the first failure in input order is
    raised and the work queued after it is cancelled. A few batches are queued ahead of
    the results, so memory stays flat on any size of site.

    ``job_factory``: a picklable callable that builds, once per worker process, the
    function :func:`run_job` runs there (with fork it is built once, here, before the
    workers start, so they begin warm).

    ``preload``: modules the job will import that are slow to import (WeasyPrint: half a
    second of CPU). They are imported once, before any worker starts: here when the
    workers are forked from this process, in the fork server otherwise, so no worker
    imports them again."""

    def __init__(self, jobs: int, job_factory: Callable[[], Callable[[Any], Any]] | None = None,
                 *, preload: Sequence[str] = ()):
        self.jobs = jobs
        self.job_factory = job_factory
        self.preload = tuple(preload)
        self._pool: Any = None

    def map(self, fn: Callable[[T], R], items: Sequence[T], *,
            local: Callable[[T], R] | None = None, least: int = 2,
            chunk: int = 1) -> Generator[R, None, None]:
        """``fn`` over ``items`` (``local`` instead when run in this process)."""
        if self.jobs <= 1 or len(items) < least:
            yield from map(local or fn, items)
            return
        from concurrent.futures.process import BrokenProcessPool

        pool = self._start(len(items))
        batches = (list(items[i:i + chunk]) for i in range(0, len(items), chunk))
        pending: deque[Any] = deque()
        try:
            for batch in itertools.islice(batches, 2 * self.jobs):
                pending.append(pool.submit(_each, fn, batch))
            while pending:
                results = pending.popleft().result()
                for batch in itertools.islice(batches, 1):
                    pending.append(pool.submit(_each, fn, batch))
                yield from results
        except BrokenProcessPool:
            raise PublishError("a publishing process died (out of memory?); run again with "
                               "fewer jobs") from None
        finally:
            for future in pending:
                future.cancel()

    def _start(self, work: int) -> Any:
        global _WORKER
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # fork: workers start in milliseconds with what this process has loaded, the
            # job built and warm — safe only while this process runs one thread (no lock can be
            # copied held; Python 3.12+ warns otherwise). With threads: forkserver, else spawn.
            if sys.platform == "linux":
                method = "fork" if threads() == 1 else "forkserver"
            else:
                method = "spawn"
            if method == "fork":
                _preload(self.preload)
                if self.job_factory is not None:
                    _WORKER = self.job_factory()
                if threads() > 1:  # an import or the job started a thread: fork is unsafe now
                    method = "forkserver"
            context = multiprocessing.get_context(method)
            if method == "forkserver" and self.preload:
                # (a fork server already running keeps its own: workers import what it lacks)
                context.set_forkserver_preload(["__main__", *self.preload])
            args: tuple[Any, ...] = ()
            if method != "fork":
                args = (self.job_factory, self.preload)
            self._pool = ProcessPoolExecutor(
                min(self.jobs, work), mp_context=context,
                initializer=_start_worker, initargs=args)
        return self._pool

    def close(self) -> None:
        global _WORKER
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            _WORKER = None


_WORKER: Callable[[Any], Any] | None = None


def threads() -> int:
    """Threads this process runs, native ones included (Pango's fontconfig threads on
    Debian 13, which ``threading`` cannot see): the kernel's count where it tells."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _start_worker(factory: Callable[[], Callable[[Any], Any]] | None = None,
                  preload: Sequence[str] = ()) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _preload(preload)  # already there when inherited from the fork server
    if factory is not None:
        _WORKER = factory()


def _preload(names: Sequence[str]) -> None:
    """Import ``names`` ahead of the job. One that fails to import (WeasyPrint without Pango)
    is left to the job, which imports it again and reports the failure in its own words."""
    for name in names:
        try:
            importlib.import_module(name)
        except (ImportError, OSError):
            continue


def _each(fn: Callable[[T], R], batch: list[T]) -> list[R]:
    return [fn(item) for item in batch]


def run_job(item: Any) -> Any:
    """This worker process's job (built by the pool's ``job_factory``) applied to ``item``."""
    if _WORKER is None:
        raise RuntimeError("worker not started")
    return _WORKER(item)
