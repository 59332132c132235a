"""Which pages are public, as project state: ``locale/published.toml``.

``output/`` is build output (CI starts from an empty one), so the set of pages that passed
their first publication in each language lives in a small file committed with the project.
``publish`` writes it (only when it changes); every run and every shard reads it, so a fresh
clone and each CI job decide alike. A page listed there keeps its address: it is a full page
or a short page pointing to the English (:mod:`pipeline.site.gate`), never a 404.

:func:`verdicts` is the library call for any reader that wants the gate's answer for every
page (``status``, the workbench, ``serve``): the same function ``publish`` decides with.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.status import SITE, Stats, language_total, status
from pipeline.config import Config, Language, parse_language
from pipeline.errors import ConfigError, PipelineError
from pipeline.fs import atomic_write
from pipeline.site.gate import PageVerdict, count_catalog, judge_page, page_verdicts
from pipeline.site.manifest import MANIFEST, Manifest
from pipeline.source import list_pages

__all__ = ["PUBLISHED", "StatusRow", "load_published", "public_before", "save_published",
           "status_rows", "verdicts"]

PUBLISHED = "published.toml"
_HEADER = """\
# The pages that have passed their first publication, per language (gettext codes).
# Written by 'pipeline publish'; commit it with the project. A page listed here keeps its
# address through every English change (see docs/publication.md); remove a line to let a
# page go through its first-publication gate (min_reviewed) again.
"""


def load_published(config: Config) -> dict[str, list[str]]:
    """``locale/published.toml`` as ``{gettext code: [page, …]}`` (missing: empty)."""
    path = config.locale_dir / PUBLISHED
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}; restore it from version control",
                          path=path) from None
    table = data.get("published", {})
    found: dict[str, list[str]] = {}
    if isinstance(table, dict):
        for code, pages in table.items():
            if isinstance(pages, list) and all(isinstance(p, str) for p in pages):
                try:
                    found[parse_language(code).gettext] = sorted(set(pages))
                except PipelineError:
                    continue
    if not isinstance(table, dict) or (table and not found):
        raise ConfigError("expected a [published] table of language = [pages]; restore it "
                          "from version control", path=path)
    return found


def encode_published(published: Mapping[str, Sequence[str]]) -> bytes:
    """The file's bytes: sorted, one line per language (quiet diffs).

    >>> print(encode_published({"es": ["b", "a"]}).decode().splitlines()[-1])
    es = ["a", "b"]
    """
    lines = [_HEADER, "[published]"]
    for code in sorted(published):
        pages = ", ".join(f'"{p}"' for p in sorted(set(published[code])))
        if pages:
            lines.append(f"{code} = [{pages}]")
    return ("\n".join(lines) + "\n").encode("utf-8")


def save_published(config: Config, published: Mapping[str, Sequence[str]]) -> bool:
    """Write ``locale/published.toml`` if its content changes; True when written."""
    path = config.locale_dir / PUBLISHED
    data = encode_published(published)
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    if not path.exists() and not any(published.values()):
        return False  # nothing public: no file
    return atomic_write(path, data)


def public_before(config: Config, manifest: Manifest | None = None) -> dict[str, set[str]]:
    """The pages of each language that passed their first publication: those
    ``published.toml`` lists and, for a site published before that file existed, the
    pages the public tree's manifest lists."""
    found = {code: set(pages) for code, pages in load_published(config).items()}
    if manifest is None:
        manifest = Manifest.load(config.output_dir / MANIFEST)
    for name in manifest.outputs:
        code, _, file = name.partition("/")
        page, dot, fmt = file.rpartition(".")
        if dot and fmt == "html" and page != "index" and code != config.source_language:
            found.setdefault(code, set()).add(page)
    return found


def verdicts(config: Config, languages: Sequence[Language] | None = None
             ) -> dict[str, dict[str, PageVerdict]]:
    """The gate's verdict for every page as ``source/pages/`` holds it now, per language
    (gettext code; default: every configured language), as ``publish`` decides it."""
    pages = [p.stem for p in list_pages(config.pages_dir)]
    before = public_before(config)
    out = {}
    for lang in languages if languages is not None else config.languages:
        counts = {page: count_catalog(CatalogInfo(page, lang, config.locale_dir),
                                      config.review, config.pages_dir) for page in pages}
        out[lang.gettext] = page_verdicts(config, lang, counts, before.get(lang.gettext, ()))
    return out


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One line of ``status``: the counts, and for a page the gate's verdict on them."""

    stats: Stats
    verdict: PageVerdict | None = None

    def as_dict(self) -> dict[str, object]:
        data = self.stats.as_dict()
        if self.verdict is not None:
            data.update(verdict=self.verdict.fate, was_public=self.verdict.was_public,
                        problem=self.verdict.problem)
        return data


def status_rows(config: Config, languages: Sequence[Language]) -> list[StatusRow]:
    """``status``: per language, each page's counts with the gate's verdict (as
    ``publish`` decides it), the site strings, orphaned catalogs, then the total."""
    stats = status(config, languages)
    before = public_before(config)
    rows = []
    for lang in languages:
        mine = [s for s in stats if s.lang == lang.gettext]
        for s in mine:
            page = not s.orphaned and s.domain != SITE
            rows.append(StatusRow(s, judge_page(
                config, lang, s.domain, s.counts,
                was_public=s.domain in before.get(lang.gettext, ())) if page else None))
        rows.append(StatusRow(language_total(mine, lang.gettext)))
    return rows
