"""What the workbench serves and when to reload: pages rendered in memory, changes classified,
browsers told through server-sent events."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import Config, Language, parse_language
from pipeline.errors import NotReadyError
from pipeline.source import list_pages, read_page


@dataclass(frozen=True, slots=True)
class Change:
    """What a batch of file changes affects: ``*`` stands for every language or page."""

    langs: frozenset[str]
    pages: frozenset[str]
    paths: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"langs": sorted(self.langs), "pages": sorted(self.pages),
                "paths": list(self.paths)}


def classify(config: Config, paths: Iterable[Path]) -> Change | None:
    """The pages and languages a set of changed files affects; None when nothing shown is.

    Editors' temporary files, ``.mo`` files and the imported memory do not count.
    """
    langs: set[str] = set()
    pages: set[str] = set()
    shown: list[str] = []
    for path in paths:
        name = path.name
        if name.startswith((".", "#")) or name.endswith(("~", ".tmp", ".mo", ".swp")):
            continue
        try:
            rel = path.resolve().relative_to(config.root)
        except ValueError:
            continue
        parts = rel.parts
        if path.resolve().is_relative_to(config.pages_dir.resolve()) and name.endswith(".md"):
            langs.add("*")
            pages.add(path.stem)
        elif path.resolve().is_relative_to(config.templates_dir.resolve()) or \
                path.resolve().is_relative_to(config.assets_dir.resolve()):
            langs.add("*")
            pages.add("*")
        elif path.resolve() == config.glossary_path.resolve():
            langs.add("*")
            pages.add("*")  # the panel's glossary terms and QA findings
        elif name.endswith(".po") and len(parts) >= 3 and parts[-2] == "LC_MESSAGES":
            langs.add(parts[-3])
            pages.add("*" if path.stem == "site" else path.stem)
        else:
            continue
        shown.append(rel.as_posix())
    if not shown:
        return None
    return Change(frozenset(langs), frozenset(pages), tuple(sorted(shown)))


class Site:
    """Rendered pages by (mode, language, page), dropped when their inputs change."""

    def __init__(self, config: Config, languages: Iterable[Language]):
        self.config = config
        self.source = parse_language(config.source_language)
        self.languages = tuple(dict.fromkeys([self.source, *languages]))
        self._cache: dict[tuple[bool, str, str], str] = {}
        self._publishers: dict[bool, Any] = {}
        self._lock = threading.Lock()
        self.version = 0

    def _publisher(self, draft: bool) -> Any:
        from pipeline.site.layout import Publisher

        found = self._publishers.get(draft)
        if found is None:
            found = self._publishers[draft] = Publisher(self.config, formats=("html",))
            found.check_templates()
        return found

    def pages(self) -> list[str]:
        return [p.stem for p in list_pages(self.config.pages_dir)]

    def language(self, code: str) -> Language | None:
        return next((x for x in self.languages if x.gettext == code), None)

    def render(self, lang: Language, page: str, *, draft: bool) -> str:
        """The page's HTML as ``publish`` (or ``publish --draft``) would write it."""
        key = (draft, lang.gettext, page)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                return hit
            doc = read_page(self.config.pages_dir / f"{page}.md")
            html_text, _ = self._publisher(draft).render_html(doc, lang, self.languages,
                                                              preview=draft)
            self._cache[key] = html_text
            return str(html_text)

    def assets(self) -> dict[str, Path]:
        with self._lock:
            found: dict[str, Path] = self._publisher(False).assets
            return found

    def refusal(self, lang: Language) -> str | None:
        """Why ``lang`` is not on the public site (its review gate), or None."""
        from pipeline.site.publish import gate

        try:
            gate(self.config, lang, draft=False)
        except NotReadyError as exc:
            return exc.message
        return None

    def forget(self, change: Change) -> None:
        with self._lock:
            self._publishers.clear()  # a Publisher keeps templates and parsed catalogs
            self._cache = {k: v for k, v in self._cache.items()
                           if not (("*" in change.langs or k[1] in change.langs)
                                   and ("*" in change.pages or k[2] in change.pages))}
            self.version += 1


@dataclass(slots=True)
class Hub:
    """Server-sent events to every open page."""

    queues: set[asyncio.Queue[str]] = field(default_factory=set)

    def publish(self, event: dict[str, Any]) -> None:
        data = json.dumps(event, ensure_ascii=False)
        for q in list(self.queues):
            q.put_nowait(data)

    async def stream(self, keepalive: float = 15.0) -> AsyncIterator[str]:
        q: asyncio.Queue[str] = asyncio.Queue()
        self.queues.add(q)
        try:
            yield "retry: 500\n\n"
            while True:
                try:
                    data = await asyncio.wait_for(q.get(), keepalive)
                    yield f"event: change\ndata: {data}\n\n"
                except TimeoutError:
                    yield ": keepalive\n\n"
        finally:
            self.queues.discard(q)
