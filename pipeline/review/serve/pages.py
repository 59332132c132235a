"""The pages ``serve`` shows: rendered in memory by the code ``publish`` uses (HTML, and PDF
on request), kept until a file they depend on changes; and each language's review gate,
decided once per language until a file changes.

The only call into the publication gate is :meth:`Site.refusal`."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.config import Config, Language, parse_language
from pipeline.errors import NotReadyError
from pipeline.review.serve.reload import Change
from pipeline.source import list_pages, read_page


class Site:
    """Rendered pages by (mode, language, page), dropped when their inputs change."""

    def __init__(self, config: Config, languages: Iterable[Language]):
        self.config = config
        self.source = parse_language(config.source_language)
        self.languages = tuple(dict.fromkeys([self.source, *languages]))
        self._cache: dict[tuple[bool, str, str, str], str] = {}
        self._pdfs: dict[tuple[bool, str, str], bytes] = {}
        self._refusals: dict[str, str | None] = {}
        self._renderers: dict[bool, Any] = {}
        self._lock = threading.Lock()
        self.version = 0

    def _renderer(self, draft: bool) -> Any:
        from pipeline.site.page_renderer import PageRenderer

        found = self._renderers.get(draft)
        if found is None:
            found = self._renderers[draft] = PageRenderer(self.config, formats=("html",))
            found.check_templates()
        return found

    def pages(self) -> list[str]:
        return [p.stem for p in list_pages(self.config.pages_dir)]

    def language(self, code: str) -> Language | None:
        return next((x for x in self.languages if x.gettext == code), None)

    def render(self, lang: Language, page: str, *, draft: bool,
               languages: tuple[Language, ...] | None = None) -> str:
        """The page's HTML as ``publish`` (or ``publish --draft``) would write it;
        ``languages``: those its switcher offers (default: all served)."""
        shown = languages or self.languages
        key = (draft, lang.gettext, page, ",".join(x.gettext for x in shown))
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                return hit
            doc = read_page(self.config.pages_dir / f"{page}.md")
            html_text, _ = self._renderer(draft).render_html(doc, lang, shown, preview=draft)
            self._cache[key] = html_text
            return str(html_text)

    def assets(self) -> dict[str, Path]:
        with self._lock:
            found: dict[str, Path] = self._renderer(False).assets
            return found

    def render_pdf(self, lang: Language, page: str, *, draft: bool) -> bytes:
        """The page's PDF as ``publish`` would write it (WeasyPrint; nothing is written)."""
        from pipeline.site.page_renderer import RenderTask

        key = (draft, lang.gettext, page)
        with self._lock:
            hit = self._pdfs.get(key)
            if hit is not None:
                return hit
            doc = read_page(self.config.pages_dir / f"{page}.md")
            # a notional tree root: the PDF's assets are fetched from memory, never from it
            task = RenderTask(lang, doc, ("pdf",), self.languages, draft,
                              self.config.root / ".serve")
            data = self._renderer(draft).render(task)[0].data
            self._pdfs[key] = data
            return bytes(data)

    def refusal(self, lang: Language) -> str | None:
        """Why ``lang`` is not on the public site (its review gate), or None; decided once
        per language until a file changes, so a page of the index costs nothing more."""
        if lang == self.source:
            return None
        with self._lock:
            if lang.gettext in self._refusals:
                return self._refusals[lang.gettext]
            version = self.version
        found = self._gate(lang)
        with self._lock:
            if version == self.version:  # no file changed while the gate was counting
                self._refusals[lang.gettext] = found
        return found

    def _gate(self, lang: Language) -> str | None:
        from pipeline.site.publish import gate

        try:
            gate(self.config, lang, draft=False)
        except NotReadyError as exc:
            return exc.message
        return None

    def forget(self, change: Change) -> None:
        with self._lock:
            self._renderers.clear()  # a PageRenderer keeps templates and parsed catalogs
            self._cache = {k: v for k, v in self._cache.items() if not change.affects(k[1], k[2])}
            self._pdfs = {k: v for k, v in self._pdfs.items() if not change.affects(k[1], k[2])}
            self._refusals = {k: v for k, v in self._refusals.items()
                              if not change.affects(k, "*")}
            self.version += 1
