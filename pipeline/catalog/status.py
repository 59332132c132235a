"""Translation progress, counted the one way every reader counts it (``status``, the review
gate of ``publish``, ``serve``, ``record``, the shard plan): over the strings of the
English *as it is now* in ``source/pages/``, not over a template that may be older.

Each current English string of a page is in exactly one state: *reviewed*; *unsigned*
(translated and not fuzzy, but ``require_signoff`` is on and no sign-off covers it);
*outdated* (a reviewed translation whose English changed: ``update`` left it fuzzy with
``#|``); *machine* (any other draft); *untranslated*; or *new* (the catalog does not hold it
yet: ``pipeline extract`` and ``update`` have not run since the English changed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline.catalog import entry
from pipeline.catalog.entry import has_text, is_fuzzy, is_outdated
from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.pofile import load_catalog
from pipeline.config import Config, Language, ReviewPolicy
from pipeline.errors import SourceError
from pipeline.source import Document, list_pages, read_page

SITE = "site"  # the templates' domain (catalog.extract.SITE_DOMAIN; extract imports us not)
Key = tuple[str | None, str]  # (msgctxt, msgid)

__all__ = ["Counts", "Stats", "count_entries", "count_page", "current_keys", "language_total",
           "orphans", "state_of", "status"]


@dataclass(frozen=True, slots=True)
class Counts:
    """Current English strings of one page (or a sum) by state; the six are disjoint.

    >>> Counts(reviewed=3, new=1).share
    75.0
    """

    reviewed: int = 0
    unsigned: int = 0
    machine: int = 0
    outdated: int = 0
    untranslated: int = 0
    new: int = 0

    @property
    def total(self) -> int:
        return (self.reviewed + self.unsigned + self.machine + self.outdated
                + self.untranslated + self.new)

    @property
    def share(self) -> float:
        """Percent of the current strings that are reviewed (nothing to translate: 100)."""
        return 100.0 * self.reviewed / self.total if self.total else 100.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int, int, int]:
        return (self.reviewed, self.unsigned, self.machine, self.outdated, self.untranslated,
                self.new)


def state_of(e: polib.POEntry, policy: ReviewPolicy) -> str:
    """One live entry's state: reviewed, unsigned, outdated, machine or untranslated."""
    if entry.is_reviewed(e, policy):
        return "reviewed"
    if is_outdated(e):
        return "outdated"
    if policy.signoff_required and has_text(e) and not is_fuzzy(e) and entry.signoff(e) is None:
        return "unsigned"  # never signed: adoptable (changed after a sign-off: a draft)
    if entry.is_draft(e, policy):
        return "machine"
    return "untranslated"


def count_entries(entries: Iterable[polib.POEntry] | None, keys: Iterable[Key],
                  policy: ReviewPolicy) -> Counts:
    """THE counter: each of ``keys`` (the current English) by the state of its live entry
    in ``entries`` (None: no catalog, every key untranslated); a key without an entry is
    *new*. Entries for English that is no longer there count for nothing."""
    if entries is None:
        return Counts(untranslated=len(set(keys)))
    live = {(e.msgctxt, e.msgid): e for e in entries if not e.obsolete and not e.msgid_plural}
    tally = dict.fromkeys(("reviewed", "unsigned", "machine", "outdated", "untranslated",
                           "new"), 0)
    for key in dict.fromkeys(keys):
        found = live.get(key)
        tally["new" if found is None else state_of(found, policy)] += 1
    return Counts(**tally)


def current_keys(doc: Document) -> list[Key]:
    """The msgids the page's template holds when extracted now (duplicates merged)."""
    return list(dict.fromkeys((seg.context, seg.text) for seg in doc.segments))


def count_page(info: CatalogInfo, policy: ReviewPolicy, pages_dir: Path,
               doc: Document | None = None) -> Counts:
    """``info``'s language on the page ``pages_dir/<domain>.md`` as it is now."""
    doc = doc or read_page(pages_dir / f"{info.domain}.md")
    po = load_catalog(info.po_path).po if info.po_path.exists() else None
    return count_entries(po, current_keys(doc), policy)


@dataclass(frozen=True, slots=True)
class Stats:
    """One row of ``status``: a page's (or the site strings', or a sum's) counts.
    ``stale``: the page's template is older than the page (run ``pipeline extract``);
    ``orphaned``: a catalog of a page that no longer exists (kept, counted for nothing)."""

    lang: str
    domain: str
    counts: Counts = field(default_factory=Counts)
    obsolete: int = 0
    missing: bool = False
    stale: bool = False
    orphaned: bool = False

    def __getattr__(self, name: str) -> int:  # reviewed, machine, … as plain attributes
        if name in Counts.__dataclass_fields__:
            value: int = getattr(self.counts, name)
            return value
        raise AttributeError(name)

    @property
    def total(self) -> int:
        return self.counts.total

    def percent(self, count: int) -> float:
        return 100.0 * count / self.total if self.total else 100.0

    @property
    def reviewed_percent(self) -> float:
        return self.counts.share

    def __add__(self, other: Stats) -> Stats:
        return Stats(self.lang, "(all)", self.counts + other.counts,
                     self.obsolete + other.obsolete, self.missing or other.missing,
                     self.stale or other.stale)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"lang": self.lang, "domain": self.domain}
        for name in Counts.__dataclass_fields__:
            data[name] = getattr(self.counts, name)
        data.update(obsolete=self.obsolete, missing=self.missing, stale=self.stale,
                    orphaned=self.orphaned, total=self.total)
        for name in ("reviewed", "machine", "untranslated", "outdated", "new"):
            data[f"{name}_percent"] = round(self.percent(getattr(self.counts, name)), 1)
        return data


def _obsolete(po: Sequence[polib.POEntry] | None) -> int:
    return sum(1 for e in po or () if e.obsolete and has_text(e))


def _template_keys(path: Path) -> list[Key] | None:
    if not path.exists():
        return None
    return [(e.msgctxt, e.msgid) for e in load_catalog(path).po if not e.obsolete]


def status(config: Config, languages: Sequence[Language]) -> list[Stats]:
    """A row per (language, page), pages as ``source/pages/`` holds them now, then the
    site strings, then catalogs of deleted pages (``orphaned``, counted for nothing)."""
    pages = list_pages(config.pages_dir)
    if not pages:
        raise SourceError("no pages (*.md); add one", path=config.pages_dir)
    docs = [read_page(p) for p in pages]
    keys = {doc.name: current_keys(doc) for doc in docs}
    stale = {name: set(_template_keys(config.locale_dir / f"{name}.pot") or ()) != set(k)
             for name, k in keys.items()}
    site_keys = _template_keys(config.locale_dir / f"{SITE}.pot")
    rows = []
    for lang in languages:
        for name, wanted in [*keys.items(), *([(SITE, site_keys)] if site_keys else [])]:
            info = CatalogInfo(name, lang, config.locale_dir)
            po = load_catalog(info.po_path).po if info.po_path.exists() else None
            rows.append(Stats(lang.gettext, name, count_entries(po, wanted, config.review),
                              _obsolete(po), po is None, stale.get(name, False)))
        for name in orphans(config, lang, [*keys, SITE]):
            po = load_catalog(CatalogInfo(name, lang, config.locale_dir).po_path).po
            rows.append(Stats(lang.gettext, name, obsolete=_obsolete(po), orphaned=True))
    return rows


def orphans(config: Config, lang: Language, domains: Iterable[str]) -> list[str]:
    """``lang``'s catalogs of pages that no longer exist (sorted)."""
    folder = config.locale_dir / lang.gettext / "LC_MESSAGES"
    known = set(domains)
    return sorted(p.stem for p in folder.glob("*.po") if p.stem not in known)


def language_total(stats: Sequence[Stats], lang: str) -> Stats:
    """The sum of ``lang``'s page rows (what the review gate sums): the site strings and
    orphaned catalogs left out."""
    total = Stats(lang, "(all)")
    for s in stats:
        if s.lang == lang and not s.orphaned and s.domain != SITE:
            total = total + s
    return total
