"""``publish``: reviewed catalogs + parsed pages → ``output/<lang>/<page>.html`` and ``.pdf``.

Incremental: each input file is hashed once per run, and a page whose inputs hash as they
did at the last publish is neither parsed nor rendered (``output/.manifest.json`` keeps the
hashes, the English titles and the review counts of unchanged catalogs). Parallel: the pages
to render go to a pool of processes; this process writes what they return in a fixed order,
so the bytes written and the progress report do not depend on the number of processes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import os
import re
import signal
import sys
from collections import OrderedDict, deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar

import polib
from markupsafe import Markup, escape

from . import __version__, catalogs, source
from . import status as status_module
from .catalogs import CatalogInfo, atomic_write, domains, is_machine, is_reviewed, load_catalog
from .config import Config, Language, parse_language
from .errors import CatalogError, ConfigError, NotReadyError, PipelineError, PublishError
from .extract import SITE_DOMAIN
from .render import Choice, render_body
from .source import Document, fold, list_pages, read_page
from .status import Stats, catalog_stats

MANIFEST = ".manifest.json"
MANIFEST_FORMAT = 2
_NAMED = re.compile(r"%\((\w+)\)s")


def placeholders_match(msgid: str, msgstr: str) -> bool:
    """True when ``msgstr`` can stand in for ``msgid`` in Jinja's ``%`` formatting.

    >>> placeholders_match("Last updated: %(date)s", "Actualizado: %(date)s")
    True
    >>> placeholders_match("Draft", "100% borrador")
    False
    """
    def spec(text: str) -> tuple[set[str], bool]:
        stray = "%" in _NAMED.sub("", text).replace("%%", "")
        return set(_NAMED.findall(text)), stray

    names, stray = spec(msgstr)
    return not stray and names == spec(msgid)[0]


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


@dataclass(slots=True)
class Translations:
    """Lookup over one language's page and site catalogs."""

    entries: dict[str, tuple[str, bool]] = field(default_factory=dict)
    draft: bool = False
    warnings: list[str] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)

    def add(self, po: polib.POFile, path: str = "") -> None:
        for e in po:
            if e.obsolete or e.msgid_plural:
                continue
            key = fold(e.msgid)
            if is_reviewed(e):
                self.entries[key] = (e.msgstr, False)
            elif self.draft and is_machine(e) and key not in self.entries:
                self.entries[key] = (e.msgstr, True)
            else:
                continue
            self.origin[key] = f"{path}:{e.linenum}" if path and e.linenum else path

    @property
    def machine(self) -> int:
        """How many unreviewed machine strings this lookup may show."""
        return sum(1 for _, is_draft in self.entries.values() if is_draft)

    def lookup(self, msgid: str) -> Choice | None:
        hit = self.entries.get(msgid)
        return Choice(hit[0], hit[1]) if hit else None

    def gettext(self, msgid: str) -> str:
        hit = self.entries.get(fold(msgid))
        return hit[0] if hit else msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def template_gettext(self, msgid: str) -> Markup:
        """``gettext`` for Jinja templates, which trust what it returns (``Markup``) and
        ``%``-format it: the translation is escaped here, and one whose placeholders do
        not match the msgid's shows the msgid (with a warning) instead of crashing."""
        text = self.gettext(msgid)
        if text != msgid and not placeholders_match(msgid, text):
            where = self.origin.get(fold(msgid)) or "template string"
            self.warnings.append(
                f"{where}: the translation of {msgid!r} has other %(name)s placeholders or "
                "'%' signs than the English; showing English"
            )
            text = msgid
        return escape(text)

    def template_ngettext(self, singular: str, plural: str, n: int) -> Markup:
        return escape(self.ngettext(singular, plural, n))


# --- inputs, hashed once ------------------------------------------------------------------------


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
        return _digest(*parts)[:16]


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


# --- worker processes ---------------------------------------------------------------------------

T = TypeVar("T")
R = TypeVar("R")


class Workers:
    """``map`` here, or over ``jobs`` processes (started on first need) when there is
    enough work; results come back in input order, the first failure in input order is
    raised and the work queued after it is cancelled. A few batches are queued ahead of
    the results, so memory stays flat on any size of site. ``publisher`` renders pages."""

    def __init__(self, jobs: int, publisher: Publisher | None = None):
        self.jobs = jobs
        self.publisher = publisher
        self._pool: Any = None

    def map(self, fn: Callable[[T], R], items: Sequence[T], *,
            local: Callable[[T], R] | None = None, least: int = 2,
            chunk: int = 1) -> Generator[R, None, None]:
        """``fn`` over ``items`` (``local`` instead when run in this process)."""
        if self.jobs <= 1 or len(items) < least:
            yield from map(local or fn, items)
            return
        from concurrent.futures.process import BrokenProcessPool

        pool = self._start(len(items))
        batches = (list(items[i:i + chunk]) for i in range(0, len(items), chunk))
        pending: deque[Any] = deque()
        try:
            for batch in itertools.islice(batches, 2 * self.jobs):
                pending.append(pool.submit(_each, fn, batch))
            while pending:
                results = pending.popleft().result()
                for batch in itertools.islice(batches, 1):
                    pending.append(pool.submit(_each, fn, batch))
                yield from results
        except BrokenProcessPool:
            raise PublishError("a publishing process died (out of memory?); run again with "
                               "fewer jobs") from None
        finally:
            for future in pending:
                future.cancel()

    def _start(self, work: int) -> Any:
        global _WORKER
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # fork: workers start in milliseconds with what this process has loaded, the
            # publisher warm (the CLI runs no threads, so no lock is copied held). Else spawn.
            method = "fork" if sys.platform == "linux" else "spawn"
            args: tuple[Any, ...] = ()
            if self.publisher is not None and method == "fork":
                self.publisher.warm()
                _WORKER = self.publisher
            elif self.publisher is not None:
                p = self.publisher
                args = (p.config, p.draft, p.formats, p.languages)
            self._pool = ProcessPoolExecutor(
                min(self.jobs, work), mp_context=multiprocessing.get_context(method),
                initializer=_start_worker, initargs=args)
        return self._pool

    def close(self) -> None:
        global _WORKER
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            _WORKER = None


_WORKER: Publisher | None = None


def _start_worker(*publisher: Any) -> None:
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if publisher:
        config, draft, formats, languages = publisher
        _WORKER = Publisher(config, draft=draft, formats=formats, languages=languages)


def _each(fn: Callable[[T], R], batch: list[T]) -> list[R]:
    return [fn(item) for item in batch]


def _render_in_worker(task: RenderTask) -> tuple[RenderedFile, ...]:
    if _WORKER is None:
        raise RuntimeError("worker not started")
    return _WORKER.render(task)


# --- the review gate ----------------------------------------------------------------------------

# Review counts by catalog content key, for this process (the manifest keeps them across runs).
_COUNTS: dict[str, tuple[int, int, int, int]] = {}


def _count_keys(config: Config, lang: Language, names: Sequence[str],
                hashes: Hashes) -> list[tuple[str, str, bool]]:
    """(domain, content key, counted from the template as the catalog is missing)."""
    code = hashes.code(status_module, catalogs)
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
    counted = workers.map(catalog_stats, work, least=16, chunk=8) if workers else map(
        catalog_stats, work)
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
    workers = Workers(_jobs(jobs))
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


def _jobs(jobs: int | None) -> int:
    if jobs is None:
        return os.cpu_count() or 1
    if jobs < 1:
        raise ConfigError(f"jobs must be 1 or more, not {jobs}")
    return jobs


# --- rendering ----------------------------------------------------------------------------------


@functools.cache
def native_name(lang: Language) -> str:
    from babel import Locale

    name = Locale.parse(lang.gettext).get_display_name(lang.gettext) or lang.bcp47
    return name[:1].upper() + name[1:]


def css_string(text: str) -> str:
    """A CSS string literal; safe inside <style> whatever a translator wrote."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()


def _environment(config: Config) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(config.templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
    )
    return env


@dataclass(frozen=True, slots=True)
class RenderTask:
    """One page in one language, in the formats that are out of date."""

    lang: Language
    doc: Document
    formats: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RenderedFile:
    """The bytes of one output file and what went into them."""

    format: str
    data: bytes
    machine: int
    fallback: int
    warnings: tuple[str, ...]


class Publisher:
    """Renders pages for languages; one instance per ``publish`` call (and per worker).
    ``languages``: every published language, for the alternates and the switcher."""

    def __init__(self, config: Config, *, draft: bool, formats: Sequence[str],
                 hashes: Hashes | None = None, languages: Sequence[Language] = ()):
        self.config = config
        self.draft = draft
        self.formats = tuple(formats)
        self.languages = tuple(languages)
        self.env = _environment(config)
        self.source_lang = parse_language(config.source_language)
        self.hashes = hashes or Hashes()
        self.assets = self._assets()
        self._shared: str | None = None
        # parsed catalogs; the site catalog of the language being rendered stays in
        self._catalogs: OrderedDict[Path, polib.POFile] = OrderedDict()

    def _assets(self) -> dict[str, Path]:
        """Files the pages may reference, by their name under ``output/assets/``."""
        found: dict[str, Path] = {}
        for folder, pattern in ((self.config.templates_dir, "*.css"),
                                (self.config.assets_dir, "*")):
            if folder.is_dir():
                for path in sorted(folder.rglob(pattern)):
                    if path.is_file():
                        found[path.relative_to(folder).as_posix()] = path
        return found

    def copy_assets(self) -> None:
        target = self.config.output_dir / "assets"
        for name, path in self.assets.items():
            atomic_write(target / name, path.read_bytes())

    def target(self, lang: Language, page: str, fmt: str) -> Path:
        return self.config.output_dir / lang.gettext / f"{page}.{fmt}"

    def _catalog(self, path: Path) -> polib.POFile:
        po = self._catalogs.get(path)
        if po is None:
            po = self._catalogs[path] = load_catalog(path).po
            if len(self._catalogs) > 8:
                self._catalogs.popitem(last=False)
        else:
            self._catalogs.move_to_end(path)
        return po

    def translations(self, lang: Language, page: str) -> Translations:
        t = Translations(draft=self.draft)
        if lang.gettext == self.source_lang.gettext:
            return t
        for domain in (page, SITE_DOMAIN):
            info = CatalogInfo(domain, lang, self.config.locale_dir)
            if info.po_path.exists():
                t.add(self._catalog(info.po_path), str(info.po_path))
        return t

    def shared_digest(self) -> str:
        """What every page depends on: tool version, settings, templates and assets."""
        if self._shared is None:
            root = self.config.root
            parts: list[bytes | str] = [__version__, repr(replace(self.config, root=Path())),
                                        ",".join(x.gettext for x in self.languages)]
            for f in [*self.assets.values(), *sorted(self.config.templates_dir.rglob("*"))]:
                # relative: a moved or copied project stays up to date
                parts += [f.relative_to(root).as_posix() if f.is_relative_to(root) else str(f),
                          self.hashes(f)]
            self._shared = _digest(*parts)
        return self._shared

    def digests(self, page: Path, lang: Language) -> dict[str, str]:
        """Per format, the hash of everything ``output/<lang>/<page>.<format>`` is made of."""
        translating = lang.gettext != self.source_lang.gettext
        locale = os.fspath(self.config.locale_dir)
        parts: list[bytes | str] = [self.shared_digest(), lang.gettext,
                                    str(self.draft and translating), page.name, self.hashes(page)]
        for domain in (page.stem, SITE_DOMAIN):
            po = f"{lang.gettext}/LC_MESSAGES/{domain}.po"
            parts += [po, self.hashes(f"{locale}/{po}")]
        base = _digest(*parts)
        return {fmt: _digest(base, fmt) for fmt in self.formats}

    def render_html(self, doc: Document, lang: Language, languages: Sequence[Language],
                    for_pdf: bool = False) -> tuple[str, Any]:
        from babel.dates import format_date

        tr = self.translations(lang, doc.name)
        translating = lang.gettext != self.source_lang.gettext
        body = render_body(
            doc,
            tr.lookup if translating else None,
            machine_title=tr.gettext("Machine translation, not reviewed"),
            fallback_lang=self.source_lang.bcp47,
            drop_comments=True,
            rtl=lang.direction == "rtl",
        )
        env = self.env
        env.install_gettext_callables(tr.template_gettext, tr.template_ngettext, newstyle=True)
        page_file = f"{doc.name}.html"
        alternates = [
            {"hreflang": other.bcp47, "href": f"../{other.gettext}/{page_file}"}
            for other in languages
        ]
        alternates.append({"hreflang": "x-default",
                           "href": f"../{self.source_lang.gettext}/{page_file}"})
        switcher = [
            {"hreflang": other.bcp47, "href": f"../{other.gettext}/{page_file}",
             "name": native_name(other), "current": other == lang}
            for other in languages
        ]
        updated = doc.updated
        context = {
            "lang": lang,
            "title": tr.gettext(doc.title),
            "description": tr.gettext(doc.description),
            "site_name": self.config.site_name,
            "alternates": alternates,
            "switcher": switcher,
            "assets": "../assets",
            # the title, banner or footer may be machine strings too, not only the body
            "draft": self.draft and translating and (body.machine > 0 or tr.machine > 0),
            "body": Markup(body.html),
            "updated": format_date(updated, "long", locale=lang.gettext) if updated else "",
            "fallback": translating and body.fallback > 0,
            "for_pdf": for_pdf,
            "page_size": self.config.page_size,
            "page_of": Markup(css_string(tr.gettext("Page"))),
            "draft_word_text": tr.gettext("Draft"),
        }
        page = env.get_template("page.html").render(context)
        body.warnings.extend(tr.warnings)
        return page, body

    def warm(self) -> None:
        """Load once what every page needs (before worker processes are forked)."""
        from babel.dates import format_date

        # newstyle before the first compile: it decides how {% trans %} is compiled
        none = Translations()
        self.env.install_gettext_callables(none.template_gettext, none.template_ngettext,
                                           newstyle=True)
        self.env.get_template("page.html")
        for lang in self.languages:
            native_name(lang)
            format_date(date(2000, 1, 1), "long", locale=lang.gettext)

    def render(self, task: RenderTask) -> tuple[RenderedFile, ...]:
        """The files of one page in one language; a warning is reported once per page."""
        seen: set[str] = set()  # the HTML and the PDF of a page find the same problems
        out = []
        for fmt in task.formats:
            html, body = self.render_html(task.doc, task.lang, self.languages,
                                          for_pdf=fmt == "pdf")
            if fmt == "html":
                data = html.encode("utf-8")
            else:
                from .pdf import make_fetcher, write_pdf

                target = self.target(task.lang, task.doc.name, fmt)
                mapping = {str((self.config.output_dir / "assets" / n).resolve()): p
                           for n, p in self.assets.items()}
                fetcher = make_fetcher(self.config.root / "source", mapping)
                data = write_pdf(html, target.resolve().as_uri(), fetcher, target)
                body.warnings.extend(f"{target.name}: refused to fetch {url}"
                                     for url in fetcher.refused)
            warnings = tuple(w for w in body.warnings if w not in seen)
            seen.update(warnings)
            out.append(RenderedFile(fmt, data, body.machine, body.fallback, warnings))
        return tuple(out)


# --- publish ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Planned:
    """One page in one language: its inputs digest per format and what to render."""

    lang: Language
    page: Path
    digests: dict[str, str]
    todo: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PageTitle:
    name: str
    title: str


class Titled(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...


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
    workers = _jobs(jobs)
    fmts = tuple(formats or config.formats)
    hashes = Hashes()
    manifest = Manifest.load(config.output_dir / MANIFEST)
    source_lang = parse_language(config.source_language)
    targets = list(dict.fromkeys([source_lang, *languages], None))
    published = _already_published(config, targets)
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
    publisher.copy_assets()
    tasks = [RenderTask(p.lang, docs[p.page], p.todo) for p in plan if p.todo]
    items: list[PublishItem] = []
    results = pool.map(_render_in_worker, tasks, local=publisher.render)
    with contextlib.closing(results):
        for p in plan:
            files = {f.format: f for f in next(results)} if p.todo else {}
            for fmt in fmts:
                target = publisher.target(p.lang, p.page.stem, fmt)
                done = files.get(fmt)
                if done is None:
                    item = PublishItem(p.lang.gettext, p.page.stem, fmt, target, written=False)
                else:
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
    return _digest(publisher.shared_digest(), found,
                   *(f"{t.name}\0{t.title}" for t in titles))


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
    env = _environment(config)
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
    html = env.get_template("index.html").render(site_name=config.site_name, pages=pages)
    atomic_write(config.output_dir / "index.html", html.encode("utf-8"))
