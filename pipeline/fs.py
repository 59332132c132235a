"""Writing files safely: atomic replace, a per-folder lock, and the leftovers of killed runs.

``atomic_write`` is how every catalog, page and report reaches the disk: the old bytes or the
new, never half. ``locked`` keeps two pipeline commands from writing one language's catalogs
at once. ``sweep`` removes what a killed writer left behind."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import CatalogError, LockedError


def atomic_write(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` via a temporary file and rename; False if unchanged.

    Any failure (disk full, I/O error, read-only folder) raises :class:`CatalogError` and
    leaves ``path`` as it was, with no temporary file behind.
    """
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The writer's PID in the name lets a later run tell a kill -9 leftover (sweep()).
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                                   dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, path.stat().st_mode & 0o777)
        if not path.exists():
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        reason = "disk full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
        raise CatalogError(f"cannot write ({reason}); nothing was changed", path=path) from None
    return True


_LEFTOVER = re.compile(r"\..+\.(\d+)\.[A-Za-z0-9_]+\.tmp")


def sweep(folder: Path, *, recursive: bool = False) -> int:
    """Remove the temporary files ``atomic_write`` left in ``folder`` when its process was
    killed (``kill -9``, power loss): those whose writer is no longer running. Returns how
    many went."""
    gone = 0
    try:
        found = list(folder.rglob(".*.tmp") if recursive else folder.glob(".*.tmp"))
    except OSError:
        return 0
    for tmp in found:
        m = _LEFTOVER.fullmatch(tmp.name)
        if m is None or _alive(int(m.group(1))):
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()
            gone += 1
    return gone


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


@contextlib.contextmanager
def locked(path: Path, *, wait: bool = False) -> Iterator[None]:
    """Hold an exclusive lock for writing catalogs in ``path``'s folder.

    The lock is an advisory ``flock`` on the folder itself: no lock files are left
    behind, and a crashed process releases it automatically.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:  # a read-only locale/, a file where the folder should be
        raise CatalogError(
            f"cannot create or open the folder ({exc.strerror}); check its permissions",
            path=path.parent,
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise LockedError(
                "another pipeline command is writing these catalogs; wait for it to finish",
                path=path,
            ) from None
        sweep(path.parent)  # under the lock: no other pipeline command writes here now
        yield
    finally:
        os.close(fd)
