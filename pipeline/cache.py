"""MT cache: SQLite under ``.cache/``, keyed by engine, engine version, languages and text."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from pipeline.errors import PipelineError

_CHUNK = 500  # stays under SQLite's limit on bound parameters


class Cache:
    """Results of earlier engine calls; a rerun costs nothing and gives the same text.

    ``path=None`` keeps results in memory only. ``readonly`` reads an existing file and
    writes nothing (for ``--dry-run``); a missing file then reads as empty.
    """

    def __init__(self, path: Path | None, *, readonly: bool = False):
        self.path = path
        self.readonly = readonly
        try:
            if path is None or (readonly and not path.exists()):
                self._db = sqlite3.connect(":memory:")
            elif readonly:
                self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                           timeout=30)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, timeout=30)
                self._db.execute("PRAGMA journal_mode=WAL")
            if not readonly or path is None or not path.exists():
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS mt (engine TEXT, version TEXT, source TEXT, "
                    "target TEXT, text TEXT, result TEXT, PRIMARY KEY (engine, version, "
                    "source, target, text))"
                )
        except (sqlite3.Error, OSError) as exc:
            raise PipelineError(
                f"MT cache unusable ({exc}); delete it to start afresh", path=path
            ) from None

    def get_many(
        self, engine: str, version: str, source: str, target: str, texts: Iterable[str]
    ) -> dict[str, str]:
        """The cached result of each text that has one."""
        wanted = sorted(set(texts))
        found: dict[str, str] = {}
        try:
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                rows = self._db.execute(
                    "SELECT text, result FROM mt WHERE engine=? AND version=? AND source=? "
                    f"AND target=? AND text IN ({', '.join('?' * len(chunk))})",
                    (engine, version, source, target, *chunk),
                )
                found.update(rows)
        except sqlite3.Error as exc:
            raise PipelineError(
                f"MT cache unreadable ({exc}); delete it to start afresh", path=self.path
            ) from None
        return found

    def put_many(
        self, engine: str, version: str, source: str, target: str, pairs: Mapping[str, str]
    ) -> None:
        if self.readonly or not pairs:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO mt VALUES (?, ?, ?, ?, ?, ?)",
                    [(engine, version, source, target, t, r) for t, r in pairs.items()],
                )
        except sqlite3.Error as exc:
            raise PipelineError(
                f"MT cache not writable ({exc}); delete it to start afresh", path=self.path
            ) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
