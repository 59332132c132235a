"""What ``publish`` remembers between runs: content hashes of its inputs and of its own code,
``output/.manifest.json``, and the review counts of catalogs keyed by their bytes.

A page whose inputs hash as they did at the last publish is neither parsed nor rendered;
a catalog whose bytes were counted before is not parsed to be counted again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, catalogs
from . import status as status_module
from .catalogs import CatalogInfo, domains
from .config import Config, Language
from .errors import CatalogError, PublishError
from .status import Stats, catalog_stats

if TYPE_CHECKING:
    from .workers import Workers

MANIFEST = ".manifest.json"
MANIFEST_FORMAT = 2
PACKAGE = Path(__file__).resolve().parent
# The package's own modules whose code decides the bytes of a published file (or whether
# it is rewritten): a fix in any of them must re-render pages that were "up to date".
OUTPUT_CODE = ("catalogs", "checks", "config", "layout", "manifest", "pdf", "publish",
               "render", "source", "workers")


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


def output_code(hashes: Hashes) -> str:
    """The tool version plus the source of every module in :data:`OUTPUT_CODE` (each file
    read once per run through ``hashes``): part of every published file's inputs digest."""
    parts = [__version__]
    for name in OUTPUT_CODE:
        parts += [name, hashes(PACKAGE / f"{name}.py")]
    return digest(*parts)[:16]


@dataclass(slots=True)
class Manifest:
    """``output/.manifest.json``: the inputs digest of each published file and of the index,
    and facts about inputs keyed by content hash (English titles, review counts), so that
    an unchanged page or catalog is never parsed again."""

    outputs: dict[str, str] = field(default_factory=dict)  # "es/page.html" → inputs digest
    pages: dict[str, list[str]] = field(default_factory=dict)  # page → [content key, title]
    # "es/page" → [content key, reviewed, machine, untranslated, obsolete]
    catalogs: dict[str, list[Any]] = field(default_factory=dict)
    index: str = ""

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The manifest at ``path``; an unreadable, foreign or older one is empty (every
        file is rendered once more), never an error."""
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            return cls()

        def table(name: str, ok: Callable[[Any], bool]) -> dict[str, Any]:
            found = data.get(name)
            return {k: v for k, v in found.items() if ok(v)} if isinstance(found, dict) else {}

        return cls(
            outputs=table("outputs", lambda v: isinstance(v, str)),
            pages=table("pages", lambda v: isinstance(v, list) and len(v) == 2
                        and all(isinstance(x, str) for x in v)),
            catalogs=table("catalogs", lambda v: isinstance(v, list) and len(v) == 5
                           and isinstance(v[0], str)
                           and all(type(x) is int and x >= 0 for x in v[1:])),
            index=str(data.get("index", "")),
        )

    def encode(self) -> bytes:
        data = {"format": MANIFEST_FORMAT, "outputs": self.outputs, "pages": self.pages,
                "catalogs": self.catalogs, "index": self.index}
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")


# --- review counts ------------------------------------------------------------------------------

# Review counts by catalog content key, for this process (the manifest keeps them across runs).
_COUNTS: dict[str, tuple[int, int, int, int]] = {}


def _count_keys(config: Config, lang: Language, names: Sequence[str],
                hashes: Hashes) -> list[tuple[str, str, bool]]:
    """(domain, content key, counted from the template as the catalog is missing)."""
    code = hashes.code(status_module, catalogs) + (":signoff" if config.require_signoff else "")
    locale = os.fspath(config.locale_dir)
    keys = []
    for name in names:
        po = hashes(f"{locale}/{lang.gettext}/LC_MESSAGES/{name}.po")
        if po != "-":
            keys.append((name, f"{code}:po:{po}", False))
        else:
            keys.append((name, f"{code}:pot:{hashes(f'{locale}/{name}.pot')}", True))
    return keys


def count_catalogs(config: Config, languages: Sequence[Language], *, hashes: Hashes,
                   known: dict[str, list[Any]] | None = None,
                   workers: Workers | None = None) -> dict[Language, list[tuple[str, str, bool]]]:
    """Count every catalog of ``languages`` whose bytes are not counted yet, in parallel
    when ``workers`` are given; ``known``: counts from an earlier run (default: the
    manifest's). Returns each language's :func:`_count_keys`."""
    names = domains(config)
    keys = {lang: _count_keys(config, lang, names, hashes) for lang in languages}
    loaded = False
    todo: dict[str, CatalogInfo] = {}
    for lang, rows in keys.items():
        for name, key, _ in rows:
            if key in _COUNTS or key in todo:
                continue
            if not loaded:  # once: every language's counts, for the next calls too
                loaded = True
                if known is None:
                    known = Manifest.load(config.output_dir / MANIFEST).catalogs
                for row in known.values():
                    _COUNTS.setdefault(row[0], (row[1], row[2], row[3], row[4]))
                if key in _COUNTS:
                    continue
            todo[key] = CatalogInfo(name, lang, config.locale_dir)
    work = list(todo.values())
    count = functools.partial(catalog_stats, signoff_required=config.require_signoff)
    counted = workers.map(count, work, least=16, chunk=8) if workers else map(count, work)
    for key, s in zip(todo, counted, strict=True):
        _COUNTS[key] = (s.reviewed, s.machine, s.untranslated, s.obsolete)
    return keys


def language_stats(config: Config, lang: Language, *, hashes: Hashes | None = None,
                   known: dict[str, list[Any]] | None = None,
                   record: dict[str, list[Any]] | None = None) -> Stats:
    """``status``'s total for ``lang``, parsing only catalogs whose bytes are new.

    ``known``: counts from an earlier run (default: the manifest's); ``record`` receives
    ``"lang/domain" → [content key, counts…]`` for each catalog.
    """
    if not domains(config):
        # without templates every language would show a vacuous "100 % reviewed"
        raise CatalogError(
            "no templates in locale/; run 'pipeline extract' first", path=config.locale_dir
        )
    keys = count_catalogs(config, [lang], hashes=hashes or Hashes(), known=known)[lang]
    total = Stats(lang.gettext, "(all)")
    for name, key, missing in keys:
        counts = _COUNTS[key]
        if record is not None:
            record[f"{lang.gettext}/{name}"] = [key, *counts]
        total = total + Stats(lang.gettext, name, *counts, missing=missing)
    return total
