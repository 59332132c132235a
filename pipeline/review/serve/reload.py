"""When to reload: files watched, changes classified into the pages and languages they
affect, browsers told through server-sent events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.site.continuity import PUBLISHED


@dataclass(frozen=True, slots=True)
class Change:
    """What a batch of file changes affects: ``*`` stands for every language or page."""

    langs: frozenset[str]
    pages: frozenset[str]
    paths: tuple[str, ...]

    def affects(self, lang: str, page: str) -> bool:
        """Whether ``page`` in ``lang`` may show something else now (``*``: any page)."""
        return (("*" in self.langs or lang in self.langs)
                and ("*" in self.pages or page == "*" or page in self.pages))

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
        elif path.resolve() in (config.glossary_path.resolve(),
                                (config.locale_dir / PUBLISHED).resolve()):
            # the glossary: the panel's terms and QA findings; published.toml: what is public
            langs.add("*")
            pages.add("*")
        elif name.endswith(".po") and len(parts) >= 3 and parts[-2] == "LC_MESSAGES":
            langs.add(parts[-3])
            pages.add("*" if path.stem == "site" else path.stem)
        else:
            continue
        shown.append(rel.as_posix())
    if not shown:
        return None
    return Change(frozenset(langs), frozenset(pages), tuple(sorted(shown)))


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


async def watch(config: Config, stop: asyncio.Event, changed: Callable[[Change], None]) -> None:
    """Call ``changed`` for every batch of saved files under ``source/`` and ``locale/``
    that affects what is shown, until ``stop`` is set."""
    from watchfiles import awatch

    folders = [str(p) for p in (config.root / "source", config.locale_dir) if p.is_dir()]
    async for batch in awatch(*folders, stop_event=stop, debounce=40, step=20, recursive=True):
        change = classify(config, (Path(p) for _, p in batch))
        if change is not None:
            changed(change)
