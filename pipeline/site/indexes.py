"""The files of a tree besides its pages: the root index (every page in every language),
one index per language, and on the public site ``sitemap.xml`` with hreflang alternates
(only with ``base_url``: search engines need absolute addresses).

Each is rewritten only when its inputs digest changes, so an unchanged site reads no
catalog to list translated titles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from pipeline.catalog.extract import SITE_DOMAIN
from pipeline.config import Language
from pipeline.site.digests import Digests
from pipeline.site.manifest import digest
from pipeline.site.page_renderer import PageRenderer, native_name
from pipeline.site.plan import TreePlan
from pipeline.site.templating import template_errors

ROOT, LANGUAGE, SITEMAP = "root", "language", "sitemap"


def escape(text: str) -> str:
    """``xml.sax.saxutils.escape`` (its import pulls in urllib, http, ssl and email: a
    tenth of a no-op publish)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """``xml.sax.saxutils.quoteattr``, byte for byte (tests/site: compared on hostile
    values).

    >>> quoteattr("x<y")
    '"x&lt;y"'
    """
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in text:
        return f"'{text}'" if "'" not in text else '"' + text.replace('"', "&quot;") + '"'
    return f'"{text}"'



@dataclass(frozen=True, slots=True)
class IndexFile:
    """One index or sitemap of a tree: its path in the tree and inputs digest."""

    name: str
    kind: str
    digest: str
    lang: Language | None = None


def index_files(digests: Digests, tree: TreePlan,
                titles: Mapping[str, str]) -> list[IndexFile]:
    """The tree's indexes (and sitemap), with the digests that decide a rewrite."""
    shared = digests.shared()
    pages = _pages_by_language(tree)
    listing = [f"{lang.gettext}:{p}" for lang in tree.languages for p in pages[lang]]
    names = sorted({p for lang in tree.languages for p in pages[lang]})
    files = [IndexFile("index.html", ROOT, digest(shared, ROOT, str(tree.preview), *listing,
                                                   *(f"{n}\0{titles[n]}" for n in names)))]
    for lang in tree.languages:
        parts = [f"{p}\0{titles[p]}\0{digests.catalogs(lang, p, SITE_DOMAIN)}"
                 for p in pages[lang]]
        files.append(IndexFile(f"{lang.gettext}/index.html", LANGUAGE,
                               digest(shared, LANGUAGE, str(tree.preview), lang.gettext,
                                      ",".join(x.gettext for x in tree.languages), *parts),
                               lang))
    if digests.config.base_url and not tree.preview:
        files.append(IndexFile("sitemap.xml", SITEMAP,
                               digest(shared, SITEMAP, digests.config.base_url, *listing)))
    return files


def _pages_by_language(tree: TreePlan) -> dict[Language, list[str]]:
    found: dict[Language, list[str]] = {lang: [] for lang in tree.languages}
    for out in tree.pages:
        if not out.stub:  # a short page pointing to the English is listed nowhere
            found[out.lang].append(out.page.stem)
    return found


def render_index(renderer: PageRenderer, tree: TreePlan, titles: Mapping[str, str],
                 file: IndexFile) -> bytes:
    """The bytes of ``file``."""
    if file.kind == SITEMAP:
        return sitemap(renderer.config.base_url, tree)
    if file.kind == LANGUAGE and file.lang is not None:
        return _language_index(renderer, tree, titles, file.lang)
    return _root_index(renderer, tree, titles)


def _root_index(renderer: PageRenderer, tree: TreePlan, titles: Mapping[str, str]) -> bytes:
    env = renderer.env
    env.install_null_translations(newstyle=True)
    pdf = "pdf" in renderer.config.formats
    pages = _pages_by_language(tree)
    listed = []
    for name in sorted({p for lang in tree.languages for p in pages[lang]}):
        entries = [{"hreflang": lang.bcp47, "name": native_name(lang),
                    "href": f"{lang.gettext}/{name}.html",
                    "pdf": f"{lang.gettext}/{name}.pdf" if pdf else ""}
                   for lang in tree.languages if name in pages[lang]]
        listed.append({"title": titles[name], "languages": entries})
    context = {"site_name": renderer.config.site_name, "pages": listed,
               "preview": tree.preview, "indexes": _nav(tree.languages, None, "")}
    with template_errors(renderer.config.templates_dir, provides=list(context)):
        html = env.get_template("index.html").render(context)
    return str(html).encode("utf-8")


def _nav(languages: Sequence[Language], current: Language | None,
         up: str) -> list[dict[str, object]]:
    return [{"href": f"{up}{lang.gettext}/index.html", "hreflang": lang.bcp47,
             "name": native_name(lang), "current": lang == current} for lang in languages]


def _language_index(renderer: PageRenderer, tree: TreePlan, titles: Mapping[str, str],
                    lang: Language) -> bytes:
    env = renderer.env
    pdf = "pdf" in renderer.config.formats
    listed = []
    for name in _pages_by_language(tree)[lang]:
        tr = renderer.translations(lang, name, drafts=tree.preview)
        title = tr.gettext(titles[name])
        english = tr.english is not None and title == titles[name]
        listed.append({"href": f"{name}.html", "pdf": f"{name}.pdf" if pdf else "",
                       "title": Markup('<span lang="{}">{}</span>').format(tr.english, title)
                       if english else title})
    tr = renderer.translations(lang, None, drafts=False)
    env.install_gettext_callables(tr.template_gettext, tr.template_ngettext, newstyle=True)
    context = {"lang": lang, "site_name": renderer.config.site_name,
               "home_name": renderer.config.site_name or native_name(lang),
               "language_name": native_name(lang), "pages": listed, "preview": tree.preview,
               "draft_word": tr.gettext("Draft"),
               "draft": tree.preview and tr.english is not None,
               "indexes": _nav(tree.languages, lang, "../"),
               "switcher_label": tr.gettext("Choose a language")}
    with template_errors(renderer.config.templates_dir, provides=list(context)):
        html = env.get_template("pages.html").render(context)
    return str(html).encode("utf-8")


def sitemap(base_url: str, tree: TreePlan) -> bytes:
    """``sitemap.xml``: every public page with its hreflang alternates (x-default: the
    source language), absolute under ``base_url``."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    source = tree.languages[0] if tree.languages else None
    for out in tree.pages:
        if out.stub:
            continue
        name = f"{out.page.stem}.html"
        lines.append(f"<url><loc>{escape(f'{base_url}{out.lang.gettext}/{name}')}</loc>")
        alternates = [(x.bcp47, x) for x in out.languages]
        if source is not None and source in out.languages:
            alternates.append(("x-default", source))
        for hreflang, other in alternates:
            href = quoteattr(f"{base_url}{other.gettext}/{name}")
            lines.append(f'<xhtml:link rel="alternate" hreflang="{hreflang}" href={href}/>')
        lines.append("</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
