"""Translation memory: reviewed translations of the same language, reused before any engine."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from pipeline.catalog.entry import is_reviewed
from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.pofile import Catalog, load_catalog
from pipeline.config import ReviewPolicy


def memory_key(text: str) -> str:
    """Exact match up to case and surrounding/inner whitespace runs.

    >>> memory_key("  Call  us ") == memory_key("call us")
    True
    """
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class Memory:
    """Reviewed entries of every catalog of one language, by normalised English text."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[str, str, str]] = {}

    def add(self, msgid: str, msgstr: str, domain: str) -> None:
        self._items.setdefault(memory_key(msgid), (msgid, msgstr, domain))

    def lookup(self, msgid: str) -> tuple[str, str] | None:
        """(translation, domain it came from) or None."""
        hit = self._items.get(memory_key(msgid))
        if hit is None:
            return None
        source, target, domain = hit
        old, new, target = source.strip(), msgid.strip(), target.strip()
        if old != new and old[:1].islower() != new[:1].islower() and target:
            # Same sentence with a different initial case: follow the new English.
            first = target[:1].upper() if new[:1].isupper() else target[:1].lower()
            target = first + target[1:]
        return target, domain

    def __len__(self) -> int:
        return len(self._items)

    @classmethod
    def from_catalogs(
        cls, infos: Iterable[CatalogInfo], policy: ReviewPolicy,
        loaded: Mapping[str, Catalog] | None = None,
    ) -> Memory:
        """Reviewed entries of ``infos`` (reviewed as ``policy`` defines it); ``loaded`` (by
        domain) spares reading a file twice."""
        memory = cls()
        for info in infos:
            cat = (loaded or {}).get(info.domain)
            if cat is None:
                if not info.po_path.exists():
                    continue
                cat = load_catalog(info.po_path)
            for entry in cat.entries():
                if is_reviewed(entry, policy) and not entry.msgid_plural:
                    memory.add(entry.msgid, entry.msgstr, info.domain)
        return memory
