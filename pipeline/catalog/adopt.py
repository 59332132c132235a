"""``adopt``: turning ``require_signoff`` on honestly. A named person attests that the
entries reviewed today (translated, not fuzzy, no sign-off over their text) were reviewed
before sign-off was required; each gets an *adopted* sign-off (``entry.sign(…,
adopted=True)``), shown as such in the ``.po``, in ``record`` and on the public page —
never as a fresh review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polib

from pipeline.catalog import entry
from pipeline.catalog.paths import CatalogInfo, domains
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.config import Config, Language
from pipeline.errors import ConfigError
from pipeline.fs import locked

__all__ = ["AdoptItem", "adopt"]


@dataclass(frozen=True, slots=True)
class AdoptItem:
    """One catalog: how many of its entries got an adopted sign-off."""

    lang: str
    domain: str
    path: Path
    adopted: int


def adoptable(e: polib.POEntry) -> bool:
    """Reviewed in gettext's sense (translated, not fuzzy, live) and never signed off by a
    reviser. An entry changed *after* its sign-off is not adoptable: that change was never
    reviewed, and adopting it would hide that.

    >>> adoptable(polib.POEntry(msgid="Yes", msgstr="Sí"))
    True
    >>> adoptable(polib.POEntry(msgid="Yes", msgstr="Sí", flags=["fuzzy"]))
    False
    """
    return entry.unsigned(e) is not None and entry.signoff(e) is None


def adopt(config: Config, languages: Sequence[Language], reviewer: str, *,
          day: str | None = None) -> list[AdoptItem]:
    """Give every unsigned reviewed entry of ``languages`` an adopted sign-off by
    ``reviewer`` dated ``day`` (default: today). Fuzzy entries, drafts and entries already
    signed over their text are left alone; a catalog with nothing to adopt is not written."""
    name = entry.one_line(reviewer, 200).strip()
    if not name:
        raise ConfigError("--reviewer needs the name of the person who attests the reviews")
    day = day or date.today().isoformat()
    items = []
    for lang in languages:
        for domain in domains(config):
            info = CatalogInfo(domain, lang, config.locale_dir)
            if not info.po_path.exists():
                continue
            with locked(info.po_path):
                cat = load_catalog(info.po_path)
                found = [e for e in cat.po if adoptable(e)]
                for e in found:
                    entry.sign(e, name, day, adopted=True)
                if found:
                    save_catalog(cat, info.po_path)
            items.append(AdoptItem(lang.gettext, domain, info.po_path, len(found)))
    return items
