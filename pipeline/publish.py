"""``publish``: reviewed catalogs + parsed pages → ``output/<lang>/<page>.html`` and ``.pdf``."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polib
from markupsafe import Markup, escape

from . import __version__
from .catalogs import CatalogInfo, atomic_write, is_machine, is_reviewed, load_catalog
from .config import Config, Language, parse_language
from .errors import CatalogError, NotReadyError, PipelineError, PublishError
from .extract import SITE_DOMAIN
from .render import Choice, render_body
from .source import Document, fold, list_pages, read_page
from .status import Stats, language_total, status

MANIFEST = ".manifest.json"
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


def gate(config: Config, lang: Language, *, draft: bool) -> Stats:
    """Refuse a language whose reviewed share is below ``min_reviewed`` (unless draft)."""
    stats = language_total(status(config, [lang]), lang.gettext)
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


class Publisher:
    """Renders pages for languages; one instance per ``publish`` call."""

    def __init__(self, config: Config, *, draft: bool, formats: Sequence[str]):
        self.config = config
        self.draft = draft
        self.formats = tuple(formats)
        self.env = _environment(config)
        self.source_lang = parse_language(config.source_language)
        self.manifest_path = config.output_dir / MANIFEST
        try:
            self.manifest: dict[str, str] = json.loads(self.manifest_path.read_text("utf-8"))
        except (OSError, ValueError):
            self.manifest = {}
        self.assets = self._assets()

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

    def translations(self, lang: Language, page: str) -> Translations:
        t = Translations(draft=self.draft)
        if lang.gettext == self.source_lang.gettext:
            return t
        for domain in (page, SITE_DOMAIN):
            info = CatalogInfo(domain, lang, self.config.locale_dir)
            if info.po_path.exists():
                t.add(load_catalog(info.po_path).po, str(info.po_path))
        return t

    def inputs_digest(self, doc: Document, lang: Language, languages: Sequence[Language],
                      fmt: str) -> str:
        files = [doc.path, *self.assets.values(), *sorted(self.config.templates_dir.rglob("*"))]
        for domain in (doc.name, SITE_DOMAIN):
            files.append(CatalogInfo(domain, lang, self.config.locale_dir).po_path)
        translating = lang.gettext != self.source_lang.gettext
        parts: list[bytes | str] = [__version__, fmt, lang.gettext,
                                    str(self.draft and translating),
                                    ",".join(x.gettext for x in languages),
                                    # relative: a moved or copied project stays up to date
                                    repr(replace(self.config, root=Path()))]
        for f in files:
            parts.append(f.relative_to(self.config.root).as_posix()
                         if f.is_relative_to(self.config.root) else str(f))
            parts.append(f.read_bytes() if f.is_file() else b"-")
        return _digest(*parts)

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


def publish(
    config: Config,
    languages: Sequence[Language],
    *,
    formats: Sequence[str] | None = None,
    draft: bool = False,
    progress: Callable[[PublishItem], None] | None = None,
) -> list[PublishItem]:
    """Publish ``languages`` (all gated first: nothing is written if one is not ready)."""
    fmts = tuple(formats or config.formats)
    for lang in languages:
        gate(config, lang, draft=draft)
    publisher = Publisher(config, draft=draft, formats=fmts)
    source = publisher.source_lang
    targets = list(dict.fromkeys([source, *languages], None))
    published = _already_published(config, targets)
    docs = [read_page(p) for p in list_pages(config.pages_dir)]
    if "pdf" in fmts:
        from .pdf import check_fonts

        for lang in targets:
            check_fonts(lang)
    publisher.copy_assets()
    items: list[PublishItem] = []
    for lang in targets:
        for doc in docs:
            seen: set[str] = set()  # the HTML and the PDF of a page find the same problems
            for fmt in fmts:
                item = _publish_one(publisher, doc, lang, published, fmt)
                item = replace(item, warnings=tuple(w for w in item.warnings if w not in seen))
                seen.update(item.warnings)
                items.append(item)
                if progress:
                    progress(item)
    atomic_write(publisher.manifest_path,
                 json.dumps(publisher.manifest, indent=1, sort_keys=True).encode())
    write_index(config, docs, published)
    return items


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


def _publish_one(publisher: Publisher, doc: Document, lang: Language,
                 languages: Sequence[Language], fmt: str) -> PublishItem:
    config = publisher.config
    target = config.output_dir / lang.gettext / f"{doc.name}.{fmt}"
    key = f"{lang.gettext}/{doc.name}.{fmt}"
    digest = publisher.inputs_digest(doc, lang, languages, fmt)
    if publisher.manifest.get(key) == digest and target.exists():
        return PublishItem(lang.gettext, doc.name, fmt, target, written=False)
    html, body = publisher.render_html(doc, lang, languages, for_pdf=fmt == "pdf")
    if fmt == "html":
        data = html.encode("utf-8")
    else:
        from .pdf import make_fetcher, write_pdf

        mapping = {str((config.output_dir / "assets" / n).resolve()): p
                   for n, p in publisher.assets.items()}
        fetcher = make_fetcher(config.root / "source", mapping)
        data = write_pdf(html, target.resolve().as_uri(), fetcher, target)
        body.warnings.extend(f"{target.name}: refused to fetch {url}" for url in fetcher.refused)
    try:
        atomic_write(target, data)
    except CatalogError as exc:
        raise PublishError(f"cannot write: {exc.message}", path=target) from None
    publisher.manifest[key] = digest
    return PublishItem(lang.gettext, doc.name, fmt, target, True, body.machine, body.fallback,
                       tuple(body.warnings))


def write_index(config: Config, docs: Sequence[Document], languages: Sequence[Language]) -> None:
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

