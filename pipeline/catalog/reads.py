"""What ``update`` reads: each template once, and the memo of what the last ``update``
found already merged, so a warm ``update`` skips those catalogs.

For each catalog of a language, ``.cache/update/<lang>.json`` records the SHA-256 of the
template's bytes and of the catalog's bytes that an update read and merged without changing
one byte, with the counts it reported. An update that reads exactly those bytes again would
do exactly that again, so it reports the same counts without parsing either file. Any other
byte of either file (or another version of this package's code) is not in the memo, and the
catalog is merged as usual. Nothing is ever written into the ``.po`` itself.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline.catalog.pofile import parse_catalog, read_catalog_bytes
from pipeline.errors import CatalogError
from pipeline.fs import atomic_write

_FORMAT = 1
COUNTS = ("kept", "trivial", "fuzzy", "new", "obsolete", "revived")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def code_version() -> str:
    """A digest of the code a merge runs (this package's modules and polib's version):
    a memo written by other code is not trusted."""
    h = hashlib.sha256(f"{_FORMAT} {polib.__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@dataclass(slots=True)
class Memo:
    """One language's memo: domain → (template digest, catalog digest, counts)."""

    path: Path
    seen: dict[str, tuple[str, str, dict[str, int]]] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def load(cls, cache_dir: Path, lang: str) -> Memo:
        """The memo of ``lang``; an unreadable, foreign or malformed file is an empty one."""
        memo = cls(cache_dir / "update" / f"{lang}.json")
        try:
            raw = json.loads(memo.path.read_bytes())
            if raw.get("code") != code_version():
                return memo
            for domain, (pot, po, counts) in raw["catalogs"].items():
                if isinstance(pot, str) and isinstance(po, str) and set(counts) == set(COUNTS):
                    memo.seen[str(domain)] = (pot, po, {k: int(counts[k]) for k in COUNTS})
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            memo.seen.clear()
        return memo

    def counts(self, domain: str, pot: str, po: str) -> dict[str, int] | None:
        """The counts a merge of exactly these bytes reported, when it changed nothing."""
        found = self.seen.get(domain)
        if found is None or found[0] != pot or found[1] != po:
            return None
        return dict(found[2])

    def record(self, domain: str, pot: str, po: str, counts: dict[str, int]) -> None:
        """A merge of these bytes changed nothing and reported ``counts``."""
        entry = (pot, po, {k: counts[k] for k in COUNTS})
        if self.seen.get(domain) != entry:
            self.seen[domain] = entry
            self.dirty = True

    def forget(self, domain: str) -> None:
        if self.seen.pop(domain, None) is not None:
            self.dirty = True

    def save(self) -> None:
        """Write the memo if it changed; a cache that cannot be written is no error."""
        if not self.dirty:
            return
        body = {"code": code_version(),
                "catalogs": {d: list(v) for d, v in sorted(self.seen.items())}}
        with contextlib.suppress(CatalogError):
            atomic_write(self.path, json.dumps(body, indent=0, sort_keys=True).encode())
        self.dirty = False


class Templates:
    """Each template read once, parsed only when some catalog needs merging."""

    def __init__(self, locale_dir: Path) -> None:
        self.locale_dir = locale_dir
        self.data: dict[str, bytes] = {}
        self.parsed: dict[str, polib.POFile] = {}
        self.digests: dict[str, str] = {}

    def digest(self, name: str) -> str:
        """The digest of template ``name`` (read on first call; missing: one-line error)."""
        if name not in self.digests:
            path = self.locale_dir / f"{name}.pot"
            if not path.exists():
                raise CatalogError("template not found; run 'pipeline extract' first", path=path)
            self.data[name] = read_catalog_bytes(path)
            self.digests[name] = digest(self.data[name])
        return self.digests[name]

    def po(self, name: str) -> polib.POFile:
        """Template ``name`` parsed (once; :meth:`digest` must have read it)."""
        if name not in self.parsed:
            path = self.locale_dir / f"{name}.pot"
            self.parsed[name] = parse_catalog(self.data[name], path).po
        return self.parsed[name]
