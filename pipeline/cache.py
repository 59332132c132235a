"""MT cache: SQLite under ``.cache/``, keyed by engine, engine version, languages and text."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path


class Cache:
    """Results of earlier engine calls; a rerun costs nothing and gives the same text."""

    def __init__(self, path: Path | None):
        self.path = path
        if path is None:
            self._db = sqlite3.connect(":memory:")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS mt (engine TEXT, version TEXT, source TEXT, "
            "target TEXT, text TEXT, result TEXT, PRIMARY KEY (engine, version, source, "
            "target, text))"
        )

    def get_many(
        self, engine: str, version: str, source: str, target: str, texts: Sequence[str]
    ) -> dict[str, str]:
        found: dict[str, str] = {}
        query = (
            "SELECT text, result FROM mt WHERE engine=? AND version=? AND source=? AND "
            "target=? AND text=?"
        )
        for text in set(texts):
            row = self._db.execute(query, (engine, version, source, target, text)).fetchone()
            if row is not None:
                found[row[0]] = row[1]
        return found

    def put_many(
        self, engine: str, version: str, source: str, target: str, pairs: dict[str, str]
    ) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO mt VALUES (?, ?, ?, ?, ?, ?)",
                [(engine, version, source, target, t, r) for t, r in pairs.items()],
            )

    def close(self) -> None:
        self._db.close()
