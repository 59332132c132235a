"""The page renderer: the Jinja2 layout around a rendered body (:mod:`pipeline.site.body`),
one page in one language as HTML (and PDF), with the localized title, alternates, language
switcher, dates and draft marks.

Template strings and the page title are translations too, and as untrusted as the body.
Template strings are always *reviewed* text (a draft preview's banner too), else the
English marked ``lang="en"``; only a preview's page text may show machine drafts.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polib
from markupsafe import Markup

from pipeline.catalog.extract import SITE_DOMAIN
from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.pofile import load_catalog
from pipeline.config import Config, Language, parse_language
from pipeline.site.about import about_translation
from pipeline.site.body import Rendered, render_body
from pipeline.site.digests import find_assets
from pipeline.site.templating import css_string, environment, template_errors
from pipeline.site.translations import Translations
from pipeline.source import Document
from pipeline.team import load_team


@functools.cache
def native_name(lang: Language) -> str:
    from babel import Locale

    name = Locale.parse(lang.gettext).get_display_name(lang.gettext) or lang.bcp47
    return name[:1].upper() + name[1:]


@dataclass(frozen=True, slots=True)
class RenderTask:
    """One page in one language, in the formats that are out of date, for one tree:
    ``languages`` are those the page exists in there (switcher and alternates);
    ``preview``: a private draft preview under ``root``."""

    lang: Language
    doc: Document
    formats: tuple[str, ...]
    languages: tuple[Language, ...]
    preview: bool
    root: Path
    stub: bool = False  # the short page pointing to the English (see stub_html)


@dataclass(frozen=True, slots=True)
class RenderedFile:
    """The bytes of one output file and what went into them."""

    format: str
    data: bytes
    machine: int
    fallback: int
    warnings: tuple[str, ...]


DRAFT_WORD = "Draft"
TEMPLATES = ("page.html", "index.html", "pages.html")
STUB_TEMPLATE = "stub.html"  # needed once a page is too out of date to stay
NOTICE = "Parts of this page were updated in English on %(date)s and are being translated."
ADOPTED_LINE = "Reviews made before sign-off was required were attested on %(date)s."
WATERMARK = "assets/watermark.svg"  # served to WeasyPrint from memory, never written


def make_renderer(config: Config, formats: tuple[str, ...]) -> Any:
    """A warm :meth:`PageRenderer.render` for a worker process (picklable by reference)."""
    renderer = PageRenderer(config, formats=formats)
    renderer.warm()
    return renderer.render


class PageRenderer:
    """Renders pages for languages; one instance per ``publish`` call (and per worker)."""

    def __init__(self, config: Config, *, formats: Sequence[str],
                 assets: dict[str, Path] | None = None):
        self.config = config
        self.formats = tuple(formats)
        self.env = environment(config)
        self.source_lang = parse_language(config.source_language)
        self.assets = find_assets(config) if assets is None else assets
        self.team = load_team(config.root)  # who signed: "about this translation"
        # parsed catalogs; the site catalog of the language being rendered stays in
        self._catalogs: OrderedDict[Path, polib.POFile] = OrderedDict()

    @staticmethod
    def target(root: Path, lang: Language, page: str, fmt: str) -> Path:
        return root / lang.gettext / f"{page}.{fmt}"

    def _catalog(self, path: Path) -> polib.POFile:
        po = self._catalogs.get(path)
        if po is None:
            po = self._catalogs[path] = load_catalog(path).po
            if len(self._catalogs) > 8:
                self._catalogs.popitem(last=False)
        else:
            self._catalogs.move_to_end(path)
        return po

    def translations(self, lang: Language, page: str | None, *, drafts: bool) -> Translations:
        """``lang``'s lookup for ``page`` (None: the site's strings only): reviewed entries
        (``drafts``: the page's machine drafts too; the site catalog's never)."""
        t = Translations(policy=self.config.review)
        if lang.gettext == self.source_lang.gettext:
            return t
        t.english = self.source_lang.bcp47
        wanted = ((page, drafts),) if page is not None else ()
        for domain, with_drafts in (*wanted, (SITE_DOMAIN, False)):
            info = CatalogInfo(domain, lang, self.config.locale_dir)
            if info.po_path.exists():
                t.add(self._catalog(info.po_path), str(info.po_path), drafts=with_drafts,
                      dated=domain == page, clinical=domain == page and self._clinical(page))
        return t

    def _clinical(self, page: str | None) -> bool:
        """The page's front matter says ``review: clinical`` (catalog.tiers)."""
        from pipeline.catalog.tiers import CLINICAL, tier
        from pipeline.source import read_page

        path = self.config.pages_dir / f"{page}.md"
        return path.is_file() and tier(read_page(path).meta, path) == CLINICAL

    def _links(self, name: str, lang: Language, languages: Sequence[Language],
               preview: bool) -> tuple[list[dict[str, str]], str]:
        """Alternates (hreflang, absolute with ``base_url``) and the canonical URL; a
        preview has neither: it is linked from nowhere."""
        if preview:
            return [], ""
        base = self.config.base_url

        def href(other: Language) -> str:
            return f"{base}{other.gettext}/{name}" if base else f"../{other.gettext}/{name}"

        alternates = [{"hreflang": other.bcp47, "href": href(other)} for other in languages]
        if self.source_lang in languages:
            alternates.append({"hreflang": "x-default", "href": href(self.source_lang)})
        return alternates, (href(lang) if base else "")

    def render_html(self, doc: Document, lang: Language, languages: Sequence[Language], *,
                    preview: bool = False, for_pdf: bool = False) -> tuple[str, Any]:
        from babel.dates import format_date

        translating = lang.gettext != self.source_lang.gettext
        tr = self.translations(lang, doc.name, drafts=preview)
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
        alternates, canonical = self._links(page_file, lang, languages, preview)
        switcher = [
            {"hreflang": other.bcp47, "href": f"../{other.gettext}/{page_file}",
             "name": native_name(other), "current": other == lang}
            for other in languages
        ]
        updated = doc.updated
        draft_word = tr.gettext(DRAFT_WORD)
        title, description = tr.gettext(doc.title), tr.gettext(doc.description)
        # "about this translation" (site.about): public translated pages only (a preview
        # has its draft banner instead); from the catalogs and team.toml, never the clock
        about = about_translation(self.config, self.team, doc, lang, self.source_lang, tr,
                                  for_pdf=for_pdf) if translating and not preview else None
        adopted = tr.adopted_date() if about is not None else None
        adopted_in = (lang if tr.gettext(ADOPTED_LINE) != ADOPTED_LINE
                      else self.source_lang).gettext
        notice_in = (lang if tr.gettext(NOTICE) != NOTICE else self.source_lang).gettext
        context = {
            "lang": lang,
            "title": title,
            "description": description,
            "site_name": self.config.site_name,
            "home_name": self.config.site_name or native_name(lang),
            "alternates": alternates,
            "canonical": canonical,
            "switcher": switcher,
            "switcher_label": tr.gettext("Choose a language"),
            "assets": "../assets",
            "preview": preview,
            "draft": preview and translating,
            "draft_word": draft_word,
            "watermark": f"../{WATERMARK}" if for_pdf and preview and translating else "",
            "body": Markup(body.html),
            "updated": format_date(updated, "long", locale=lang.gettext) if updated else "",
            "about": about,
            "fallback": translating and body.fallback > 0,
            "notice_date": format_date(updated, "long", locale=notice_in) if updated else "",
            "adopted_date": format_date(date.fromisoformat(adopted), "long", locale=adopted_in)
            if adopted else "",
            "for_pdf": for_pdf,
            "pdf": f"{doc.name}.pdf" if "pdf" in self.config.formats and not for_pdf else "",
            "page_size": self.config.page_size,
            "page_of": Markup(css_string(tr.gettext("Page"))),
        }
        with template_errors(self.config.templates_dir, provides=list(context)):
            page = env.get_template("page.html").render(context)
        body.warnings.extend(tr.warnings)
        return page, body

    def render_stub(self, doc: Document, lang: Language, *, for_pdf: bool = False) -> str:
        """The short page that stands at the address of a page too out of date to stay:
        reviewed text of ``lang`` (else English, marked), a link to the current English
        page, ``noindex``; in no sitemap and no page's alternates."""
        tr = self.translations(lang, doc.name, drafts=False)
        self.env.install_gettext_callables(tr.template_gettext, tr.template_ngettext,
                                           newstyle=True)
        title = tr.gettext(doc.title)
        english = f"{self.source_lang.gettext}/{doc.name}.html"
        base = self.config.base_url
        context = {
            "lang": lang, "english": self.source_lang,
            "title": title if title != doc.title else Markup(
                '<span lang="{}">{}</span>').format(self.source_lang.bcp47, title),
            "site_name": self.config.site_name,
            "home_name": self.config.site_name or native_name(lang),
            "assets": "../assets", "for_pdf": for_pdf, "page_size": self.config.page_size,
            "english_href": f"{base}{english}" if base else f"../{english}",
            "english_address": f"{base}{english}" if base else english,
        }
        with template_errors(self.config.templates_dir, provides=list(context)):
            page = self.env.get_template(STUB_TEMPLATE).render(context)
        return str(page)

    def check_templates(self) -> None:
        """Compile the layout: a missing template or a syntax error stops the run before
        anything is written."""
        # newstyle before the first compile: it decides how {% trans %} is compiled
        none = Translations(policy=self.config.review)
        self.env.install_gettext_callables(none.template_gettext, none.template_ngettext,
                                           newstyle=True)
        with template_errors(self.config.templates_dir):
            for name in TEMPLATES:
                self.env.get_template(name)

    def warm(self) -> None:
        """Load once what every page needs (before worker processes are forked)."""
        from babel.dates import format_date

        self.check_templates()
        for lang in (self.source_lang, *self.config.languages):
            native_name(lang)
            format_date(date(2000, 1, 1), "long", locale=lang.gettext)

    def render(self, task: RenderTask) -> tuple[RenderedFile, ...]:
        """The files of one page in one language; a warning is reported once per page."""
        seen: set[str] = set()  # the HTML and the PDF of a page find the same problems
        out = []
        for fmt in task.formats:
            if task.stub:
                html, body = self.render_stub(task.doc, task.lang, for_pdf=fmt == "pdf"), \
                    Rendered("")
            else:
                html, body = self.render_html(task.doc, task.lang, task.languages,
                                              preview=task.preview, for_pdf=fmt == "pdf")
            if fmt == "html":
                data = html.encode("utf-8")
            else:
                from pipeline.site.pdf import make_fetcher, watermark_svg, write_pdf

                target = self.target(task.root, task.lang, task.doc.name, fmt)
                mapping: dict[str, Path | bytes] = {
                    str((task.root / "assets" / n).resolve()): p for n, p in self.assets.items()}
                if task.preview:
                    word = self.translations(task.lang, task.doc.name,
                                             drafts=False).gettext(DRAFT_WORD)
                    mapping[str((task.root / WATERMARK).resolve())] = watermark_svg(
                        word, task.lang.bcp47 if word != DRAFT_WORD else
                        self.source_lang.bcp47)
                fetcher = make_fetcher(self.config.root / "source", mapping)
                data = write_pdf(html, target.resolve().as_uri(), fetcher, target)
                body.warnings.extend(f"{target.name}: refused to fetch {url}"
                                     for url in fetcher.refused)
            warnings = tuple(w for w in body.warnings if w not in seen)
            seen.update(warnings)
            out.append(RenderedFile(fmt, data, body.machine, body.fallback, warnings))
        return tuple(out)
