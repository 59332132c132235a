"""``publish``: reviewed catalogs + parsed pages → ``output/<lang>/<page>.html`` and ``.pdf``.

Incremental: each input file is hashed once per run, and a page whose inputs hash as they
did at the last publish is neither parsed nor rendered (``output/.manifest.json`` keeps the
hashes, the English titles and the review counts of unchanged catalogs; see
:mod:`pipeline.manifest`). Parallel: the pages to render go to a pool of processes
(:mod:`pipeline.workers`); this process writes what they return in a fixed order, so the
bytes written and the progress report do not depend on the number of processes. Each page
is laid out by a :class:`~pipeline.layout.Publisher`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from . import source
from .catalogs import atomic_write, domains, sweep
from .config import Config, Language, parse_language
from .errors import CatalogError, NotReadyError, PipelineError, PublishError
from .layout import (
    Publisher,
    RenderedFile,
    RenderTask,
    Translations,
    css_string,
    environment,
    native_name,
    placeholders_match,
    template_errors,
)
from .manifest import (
    MANIFEST,
    Hashes,
    Manifest,
    count_catalogs,
    digest,
    language_stats,
)
from .source import list_pages, read_page
from .status import Stats
from .workers import Workers, job_count, render_in_worker

__all__ = [
    "MANIFEST", "Hashes", "Manifest", "PageTitle", "PublishItem", "Publisher", "RenderTask",
    "RenderedFile", "Titled", "Translations", "Workers", "count_catalogs", "css_string",
    "gate", "language_stats", "native_name", "placeholders_match", "publish",
    "ready_languages", "write_index",
]


@dataclass(frozen=True, slots=True)
class PublishItem:
    """One file written or found up to date."""

    lang: str
    page: str
    format: str
    path: Path
    written: bool
    machine: int = 0
    fallback: int = 0
    warnings: tuple[str, ...] = ()


# --- the review gate ----------------------------------------------------------------------------


def gate(config: Config, lang: Language, *, draft: bool, hashes: Hashes | None = None,
         known: dict[str, list[Any]] | None = None,
         record: dict[str, list[Any]] | None = None) -> Stats:
    """Refuse a language whose reviewed share is below ``min_reviewed`` (unless draft)."""
    stats = language_stats(config, lang, hashes=hashes, known=known, record=record)
    if draft or lang.gettext == config.source_language:
        return stats
    if stats.total == 0 or stats.reviewed_percent + 1e-9 < config.min_reviewed:
        raise NotReadyError(
            f"{lang.bcp47}: {stats.reviewed} of {stats.total} strings reviewed "
            f"({stats.reviewed_percent:.1f}%), {stats.machine} machine drafts, "
            f"{stats.untranslated} untranslated; min_reviewed is {config.min_reviewed:g}%. "
            f"Review them (pipeline status --lang {lang.bcp47}) or publish a marked draft "
            "with --draft"
        )
    return stats


def ready_languages(config: Config, languages: Sequence[Language], *, draft: bool,
                    jobs: int | None = None) -> tuple[list[Language], list[NotReadyError]]:
    """``languages`` split into those the gate lets through and the refusals (for
    ``publish --all``), the catalogs of all of them counted in parallel first."""
    hashes = Hashes()
    known = Manifest.load(config.output_dir / MANIFEST).catalogs
    workers = Workers(job_count(jobs))
    try:
        count_catalogs(config, languages, hashes=hashes, known=known, workers=workers)
    finally:
        workers.close()
    ready, refused = [], []
    for lang in languages:
        try:
            gate(config, lang, draft=draft, hashes=hashes, known=known)
            ready.append(lang)
        except NotReadyError as exc:
            refused.append(exc)
    return ready, refused


# --- publish ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Planned:
    """One page in one language: its inputs digest per format and what to render."""

    lang: Language
    page: Path
    digests: dict[str, str]
    todo: tuple[str, ...]


class Titled(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...


@dataclass(frozen=True, slots=True)
class PageTitle:
    name: str
    title: str


def publish(
    config: Config,
    languages: Sequence[Language],
    *,
    formats: Sequence[str] | None = None,
    draft: bool = False,
    progress: Callable[[PublishItem], None] | None = None,
    jobs: int | None = None,
) -> list[PublishItem]:
    """Publish ``languages`` (all gated first: nothing is written if one is not ready).

    ``jobs`` processes render (default: one per core; 1: all in this process). The files,
    their bytes and the order of ``progress`` calls are the same whatever ``jobs`` is.
    Files are written one by one, atomically, the manifest last: after a failure every
    file is whole, old or new, and the next run redoes the new ones.
    """
    sweep(config.output_dir, recursive=True)  # partial files of a killed run
    workers = job_count(jobs)
    fmts = tuple(formats or config.formats)
    hashes = Hashes()
    manifest = Manifest.load(config.output_dir / MANIFEST)
    source_lang = parse_language(config.source_language)
    targets = list(dict.fromkeys([source_lang, *languages], None))
    published = _already_published(config, targets)
    # Languages published before get this run's switcher and hreflang links too — those
    # that still pass their gate (a page never goes back to a less reviewed state).
    for other in published:
        if other not in targets and _passes(config, other, draft=draft, hashes=hashes,
                                            known=manifest.catalogs):
            targets.append(other)
    publisher = Publisher(config, draft=draft, formats=fmts, hashes=hashes, languages=published)
    pool = Workers(workers, publisher)
    try:
        return _publish(publisher, manifest, languages, targets, pool, progress)
    finally:
        pool.close()


def _publish(publisher: Publisher, manifest: Manifest, languages: Sequence[Language],
             targets: Sequence[Language], pool: Workers,
             progress: Callable[[PublishItem], None] | None) -> list[PublishItem]:
    config, hashes, fmts = publisher.config, publisher.hashes, publisher.formats
    count_catalogs(config, languages, hashes=hashes, known=manifest.catalogs, workers=pool)
    counted: dict[str, list[Any]] = {}
    for lang in languages:
        gate(config, lang, draft=publisher.draft, hashes=hashes, known=manifest.catalogs,
             record=counted)
    pages = list_pages(config.pages_dir)
    out = os.fspath(config.output_dir)
    plan = []
    for lang in targets:
        for page in pages:
            digests = publisher.digests(page, lang)
            todo = tuple(f for f in fmts
                         if manifest.outputs.get(f"{lang.gettext}/{page.stem}.{f}") != digests[f]
                         or not os.path.exists(f"{out}/{lang.gettext}/{page.stem}.{f}"))
            plan.append(_Planned(lang, page, digests, todo))
    # Parse what is rendered and pages whose title is not known: all pages before anything
    # is written, so a broken one stops the run with nothing changed.
    code = hashes.code(source)
    keys = {page: f"{code}:{hashes(page)}" for page in pages}
    rendering = {p.page for p in plan if p.todo}
    to_parse = [page for page in pages if page in rendering
                or manifest.pages.get(page.stem, [""])[0] != keys[page]]
    docs = dict(zip(to_parse, pool.map(read_page, to_parse, least=8, chunk=4), strict=True))
    for page, doc in docs.items():
        manifest.pages[page.stem] = [keys[page], doc.title]
    titles = [PageTitle(page.stem, manifest.pages[page.stem][1]) for page in pages]
    if "pdf" in fmts:
        from .pdf import check_fonts

        for lang in dict.fromkeys(p.lang for p in plan if "pdf" in p.todo):
            check_fonts(lang)
    tasks = [RenderTask(p.lang, docs[p.page], p.todo) for p in plan if p.todo]
    if tasks:
        publisher.check_templates()
    items: list[PublishItem] = []
    copied = False  # the assets, once the first page is rendered: a bad layout writes nothing
    results = pool.map(render_in_worker, tasks, local=publisher.render)
    with contextlib.closing(results):
        for p in plan:
            files = {f.format: f for f in next(results)} if p.todo else {}
            for fmt in fmts:
                target = publisher.target(p.lang, p.page.stem, fmt)
                done = files.get(fmt)
                if done is None:
                    item = PublishItem(p.lang.gettext, p.page.stem, fmt, target, written=False)
                else:
                    if not copied:
                        publisher.copy_assets()
                        copied = True
                    try:
                        atomic_write(target, done.data)
                    except CatalogError as exc:
                        raise PublishError(f"cannot write: {exc.message}", path=target) from None
                    manifest.outputs[f"{p.lang.gettext}/{p.page.stem}.{fmt}"] = p.digests[fmt]
                    item = PublishItem(p.lang.gettext, p.page.stem, fmt, target, True,
                                       done.machine, done.fallback, done.warnings)
                items.append(item)
                if progress:
                    progress(item)
    if not copied:
        publisher.copy_assets()
    index = _index_digest(publisher, titles)
    if manifest.index != index or not os.path.exists(f"{out}/index.html"):
        write_index(config, titles, publisher.languages)
        manifest.index = index
    live, names = {page.stem for page in pages}, set(domains(config))
    manifest.pages = {k: v for k, v in manifest.pages.items() if k in live}
    manifest.catalogs = {k: v for k, v in manifest.catalogs.items()
                         if k.split("/", 1)[-1] in names}
    manifest.catalogs.update(counted)
    atomic_write(config.output_dir / MANIFEST, manifest.encode())
    return items


def _index_digest(publisher: Publisher, titles: Sequence[PageTitle]) -> str:
    """Everything the index shows: titles, languages, which pages and PDFs exist."""
    out = os.fspath(publisher.config.output_dir)
    found = "".join(
        "1" if os.path.exists(f"{out}/{lang.gettext}/{t.name}.{ext}") else "0"
        for t in titles for lang in publisher.languages for ext in ("html", "pdf"))
    return digest(publisher.shared_digest(), found,
                   *(f"{t.name}\0{t.title}" for t in titles))


def _passes(config: Config, lang: Language, *, draft: bool, hashes: Hashes,
            known: Any) -> bool:
    try:
        gate(config, lang, draft=draft, hashes=hashes, known=known)
    except NotReadyError:
        return False
    return True


def _already_published(config: Config, targets: Sequence[Language]) -> list[Language]:
    langs = {t.gettext: t for t in targets}
    if config.output_dir.is_dir():
        for folder in sorted(config.output_dir.iterdir()):
            if folder.is_dir() and folder.name != "assets" and any(folder.glob("*.html")):
                try:
                    langs.setdefault(folder.name, parse_language(folder.name))
                except PipelineError:
                    continue  # a stray folder is not a language
    return sorted(langs.values(), key=lambda x: x.gettext)


def write_index(config: Config, docs: Sequence[Titled], languages: Sequence[Language]) -> None:
    """``output/index.html``: every page with links to each published language."""
    env = environment(config)
    env.install_null_translations(newstyle=True)
    pages = []
    for doc in docs:
        entries = []
        for lang in languages:
            html_path = config.output_dir / lang.gettext / f"{doc.name}.html"
            if not html_path.exists():
                continue
            pdf = html_path.with_suffix(".pdf")
            entries.append({
                "hreflang": lang.bcp47, "name": native_name(lang),
                "href": f"{lang.gettext}/{doc.name}.html",
                "pdf": f"{lang.gettext}/{doc.name}.pdf" if pdf.exists() else "",
            })
        pages.append({"title": doc.title, "languages": entries})
    with template_errors(config.templates_dir, provides=("pages", "site_name")):
        html = env.get_template("index.html").render(site_name=config.site_name, pages=pages)
    atomic_write(config.output_dir / "index.html", html.encode("utf-8"))
