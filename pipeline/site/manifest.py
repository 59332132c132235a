"""What ``publish`` remembers between runs: content hashes of its inputs and of its own code,
``<tree>/.manifest.json`` (one per tree: the public site and the private previews), and the
review counts of catalogs keyed by their bytes.

A page whose inputs hash as they did at the last publish is neither parsed nor rendered;
a catalog whose bytes were counted before is not parsed to be counted again; a file the
manifest lists that the new plan does not is removed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.catalog import pofile as catalogs
from pipeline.catalog import status
from pipeline.catalog.paths import CatalogInfo
from pipeline.config import Config, Language
from pipeline.errors import CatalogError, PublishError
from pipeline.site import gate
from pipeline.site.gate import Counts, count_catalog
from pipeline.site.workers import Workers

MANIFEST = ".manifest.json"
# 4: review counts of the page's current English (six states); 5: the assets are listed too
MANIFEST_FORMAT = 5


def digest(*parts: bytes | str) -> str:
    """SHA-256 over ``parts``, each ended by a NUL so that no two sequences collide."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()


class Hashes:
    """Content hashes of input files, each file read once per run (``"-"``: no such file)."""

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def __call__(self, path: Path | str) -> str:
        key = os.fspath(path)
        known = self._known.get(key)
        if known is None:
            try:
                with open(key, "rb") as fh:
                    known = hashlib.file_digest(fh, "sha256").hexdigest()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                known = "-"
            except OSError as exc:
                raise PublishError(f"cannot read: {exc.strerror}", path=key) from None
            self._known[key] = known
        return known

    def code(self, *modules: Any) -> str:
        """The tool version plus the source of ``modules``: a fact cached from an input
        (a title, review counts) is only reused by the code that derived it."""
        parts = [__version__]
        for module in modules:
            where = getattr(module, "__file__", None)
            parts.append(self(where) if where else module.__name__)
        return digest(*parts)[:16]


@dataclass(frozen=True, slots=True)
class PageFact:
    """What one English page said when last parsed: its content key and title."""

    key: str
    title: str


@dataclass(frozen=True, slots=True)
class CatalogFact:
    """The review counts of one catalog, for the bytes its content key names."""

    key: str
    counts: Counts


@dataclass(slots=True)
class Manifest:
    """``<tree>/.manifest.json``: the inputs digest of each file publish wrote in the tree
    (pages, indexes, sitemap, assets), the languages it holds, and facts about inputs keyed
    by content hash (English titles, review counts), so that an unchanged page or catalog is
    never parsed again.

    ``ours``: the file is a manifest publish wrote (``outputs`` are then the files publish
    may remove or rewrite, and no others); ``legacy``: an older format, whose digests are
    dropped (every file is rendered once more) and which did not list assets."""

    outputs: dict[str, str] = field(default_factory=dict)  # "es/page.html" → inputs digest
    languages: list[str] = field(default_factory=list)  # gettext codes, as published
    pages: dict[str, PageFact] = field(default_factory=dict)  # page name → fact
    catalogs: dict[str, CatalogFact] = field(default_factory=dict)  # "es/page" → fact
    ours: bool = False
    legacy: bool = False

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The manifest at ``path``; an unreadable or foreign one is empty and not ours, an
        older one lists its files without digests (every file is rendered once more);
        never an error."""
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return cls()
        if not (isinstance(data, dict) and isinstance(data.get("format"), int)
                and isinstance(data.get("outputs"), dict)):
            return cls()
        if data["format"] != MANIFEST_FORMAT:
            return cls(outputs={k: "" for k in data["outputs"] if _inside(k)},
                       ours=True, legacy=True)

        def table(name: str) -> dict[str, Any]:
            found = data.get(name)
            return found if isinstance(found, dict) else {}

        def fact(row: Any, fields: tuple[str, ...], kind: type) -> bool:
            return isinstance(row, dict) and all(isinstance(row.get(f), kind)
                                                 and not isinstance(row.get(f), bool)
                                                 for f in fields)

        counts = tuple(Counts.__dataclass_fields__)
        langs = data.get("languages")
        return cls(
            outputs={k: v for k, v in table("outputs").items()
                     if isinstance(v, str) and _inside(k)},
            languages=[x for x in langs if isinstance(x, str)] if isinstance(langs, list) else [],
            pages={k: PageFact(v["key"], v["title"]) for k, v in table("pages").items()
                   if fact(v, ("key", "title"), str)},
            catalogs={k: CatalogFact(v["key"], Counts(**{c: v[c] for c in counts}))
                      for k, v in table("catalogs").items()
                      if fact(v, ("key",), str) and fact(v, counts, int)
                      and all(v[c] >= 0 for c in counts)},
            ours=True,
        )

    def encode(self) -> bytes:
        data = {
            "format": MANIFEST_FORMAT, "outputs": self.outputs, "languages": self.languages,
            "pages": {k: {"key": v.key, "title": v.title} for k, v in self.pages.items()},
            "catalogs": {k: {"key": v.key, **{c: getattr(v.counts, c)
                                              for c in Counts.__dataclass_fields__}}
                         for k, v in self.catalogs.items()},
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _inside(name: object) -> bool:
    """A path a manifest may list: relative, inside its tree (publish removes what the
    manifest lists, so a hand-edited ``../`` must name nothing).

    >>> [_inside(n) for n in ("es/a.html", "../x", "/etc/x", "es/../../x", "a//b", "")]
    [True, False, False, False, False, False]
    """
    return (isinstance(name, str) and bool(name) and "\\" not in name and "\0" not in name
            and not name.startswith("/") and posixpath.normpath(name) == name
            and ".." not in name.split("/"))


# --- review counts ------------------------------------------------------------------------------

# Review counts by catalog content key, for this process (the manifest keeps them across runs).
_COUNTS: dict[str, Counts] = {}


@dataclass(frozen=True, slots=True)
class CountKey:
    """One catalog of one language: its domain and content key (``from_template``: the
    catalog is missing, its template was counted)."""

    domain: str
    key: str
    from_template: bool


def _count_keys(config: Config, lang: Language, names: Sequence[str],
                hashes: Hashes) -> list[CountKey]:
    code = hashes.code(gate, catalogs, status) + (":signoff" if config.require_signoff else "")
    locale, pages = os.fspath(config.locale_dir), os.fspath(config.pages_dir)
    keys = []
    for name in names:  # the page as it is now, and its catalog
        page = hashes(f"{pages}/{name}.md")
        po = hashes(f"{locale}/{lang.gettext}/LC_MESSAGES/{name}.po")
        keys.append(CountKey(name, f"{code}:{page}:{po}", po == "-"))
    return keys


def page_names(config: Config) -> list[str]:
    """The pages the gate counts: ``source/pages/`` as it is now (a deleted page's catalogs
    count for nothing, whatever ``locale/`` still holds)."""
    from pipeline.source import list_pages

    names = [p.stem for p in list_pages(config.pages_dir)]
    if not names:
        raise CatalogError("no pages (*.md) to publish; add one", path=config.pages_dir)
    return names


def count_catalogs(config: Config, languages: Sequence[Language], *, hashes: Hashes,
                   known: dict[str, CatalogFact],
                   workers: Workers | None = None) -> dict[Language, dict[str, Counts]]:
    """Each language's counts per domain; only catalogs whose bytes were not counted
    before (in this process or in ``known``, from a manifest) are parsed, in parallel
    when ``workers`` are given."""
    names = page_names(config)
    for fact in known.values():
        _COUNTS.setdefault(fact.key, fact.counts)
    keys = {lang: _count_keys(config, lang, names, hashes) for lang in languages}
    todo: dict[str, CatalogInfo] = {}
    for lang, rows in keys.items():
        for row in rows:
            if row.key not in _COUNTS and row.key not in todo:
                todo[row.key] = CatalogInfo(row.domain, lang, config.locale_dir)
    work = list(todo.values())
    count = functools.partial(count_catalog, policy=config.review, pages_dir=config.pages_dir)
    counted = workers.map(count, work, least=16, chunk=8) if workers else map(count, work)
    for key, counts in zip(todo, counted, strict=True):
        _COUNTS[key] = counts
    return {lang: {row.domain: _COUNTS[row.key] for row in rows} for lang, rows in keys.items()}


def catalog_facts(config: Config, languages: Sequence[Language], *,
                  hashes: Hashes) -> dict[str, CatalogFact]:
    """``"lang/domain" → fact`` for the manifest, from counts already made this run."""
    names = page_names(config)
    return {f"{lang.gettext}/{row.domain}": CatalogFact(row.key, _COUNTS[row.key])
            for lang in languages for row in _count_keys(config, lang, names, hashes)
            if row.key in _COUNTS}
