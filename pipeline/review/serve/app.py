"""The requests ``serve`` answers: the index, public pages and draft previews (HTML and PDF)
rendered in memory (nothing is written under ``output/``), each language's index, assets, the
panel's scripts, the event stream and the review panel's two API calls.

Modelled on MkDocs' ``LiveReloadServer``: one small class whose methods each have one
concern. Every HTML page carries the live-reload script; draft previews
(``/drafts/<lang>/<page>.html``) also carry the review panel (``static/review.js``), whose
decisions go through :func:`pipeline.review.serve.workbench.decide` — the same
:class:`~pipeline.review.Review` calls as ``pipeline review``. A file that cannot be read
(a catalog mid-save) gives one error page naming the file and line, which reloads itself
when the file changes.
"""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.catalog.entry import REVISER
from pipeline.config import Config, Language
from pipeline.errors import ConfigError, PipelineError
from pipeline.review.serve.guard import Access, ASGIApp, Guard
from pipeline.review.serve.pages import Site
from pipeline.review.serve.reload import Change, Hub, watch

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

STATIC = Path(__file__).with_name("static")
STATIC_FILES = ("review.js", "review.css", "events.js")
STATUS = {"conflict": 409, "refused": 422}


class ServeApp:
    """The pages, the panel's API and live reload for one project; :func:`create_app`
    puts it behind the :class:`~pipeline.review.serve.guard.Guard`."""

    def __init__(self, config: Config, *, languages: Iterable[Language], reviewer: str,
                 access: Access, watch: bool = True, role: str = REVISER,
                 on_change: Callable[[Change], None] | None = None,
                 on_error: Callable[[str], None] | None = None):
        self.config = config
        self.site = Site(config, languages)
        self.hub = Hub()
        self.reviewer = reviewer
        self.role = role  # the role every sign-off of this server is made in
        self.access = access
        self.watching = watch
        self.on_change = on_change
        self.on_error = on_error
        self._reported: str | None = None

    # ── live reload ─────────────────────────────────────────────────────────────────────

    def changed(self, change: Change) -> None:
        """Drop what ``change`` affects and tell every open page."""
        self.site.forget(change)
        self._reported = None
        self.hub.publish({"version": self.site.version, **change.as_dict()})
        if self.on_change is not None:
            self.on_change(change)

    @asynccontextmanager
    async def lifespan(self, app: Any) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = (asyncio.create_task(watch(self.config, stop, self.changed))
                if self.watching else None)
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                task.cancel()

    async def events(self, request: Request) -> Response:
        from starlette.responses import StreamingResponse

        return StreamingResponse(self.hub.stream(), media_type="text/event-stream",
                                 headers={"x-accel-buffering": "no"})

    # ── pages ───────────────────────────────────────────────────────────────────────────

    def _found(self, request: Request) -> tuple[Language, str] | Response:
        from starlette.responses import HTMLResponse

        lang = self.site.language(request.path_params["lang"])
        page = request.path_params.get("page", "index")
        if lang is None or (page != "index" and page not in self.site.pages()):
            return HTMLResponse(page_html("Not found", "No such page or language.",
                                          "Back to the index", "/"), status_code=404)
        return lang, page

    def broken(self, exc: PipelineError) -> Response:
        """The one error page for a file that cannot be read; one terminal line each time
        the problem changes."""
        from starlette.responses import HTMLResponse

        text = self.where(exc)
        if text != self._reported and self.on_error is not None:
            self.on_error(text)
        self._reported = text
        return HTMLResponse(page_html(
            "This page cannot be shown yet", text, "Back to the index", "/",
            note="Fix the file and save it: this page reloads by itself.",
            meta={"mode": "error"}), status_code=500)

    def where(self, exc: PipelineError) -> str:
        """``exc`` as one line, its file named relative to the project."""
        if exc.path is not None:
            with suppress(ValueError):
                exc.path = Path(exc.path).resolve().relative_to(self.config.root.resolve())
        return " ".join(str(exc).split())

    async def refusals(self) -> dict[str, str | None]:
        """Each language's review gate, decided once per language (not per page)."""
        return {lang.gettext: await asyncio.to_thread(self.site.refusal, lang)
                for lang in self.site.languages}

    async def index(self, request: Request) -> Response:
        from starlette.responses import HTMLResponse

        try:
            refusals = await self.refusals()
        except PipelineError as exc:
            return self.broken(exc)
        rows = []
        for page in self.site.pages():
            cells = []
            for lang in self.site.languages:
                public = f"/{lang.gettext}/{page}.html"
                if lang == self.site.source:
                    cells.append(f'<a href="{public}">{lang.bcp47}</a>')
                    continue
                refused = refusals[lang.gettext]
                pub = (f'<a href="{public}">public</a>' if refused is None
                       else f'<span title="{html.escape(refused)}">not published</span>')
                cells.append(f"{lang.bcp47}: {pub} · "
                             f'<a href="/drafts/{lang.gettext}/{page}.html">review</a>')
            rows.append(f"<li><strong>{html.escape(page)}</strong><ul>"
                        + "".join(f"<li>{c}</li>" for c in cells) + "</ul></li>")
        body = (f"<h1>{html.escape(self.config.site_name or 'Site')} — pipeline serve</h1>"
                "<p>Public pages show reviewed text only; <em>review</em> opens the draft "
                "preview with the review panel (click a block).</p><ul>" + "".join(rows)
                + "</ul>")
        return HTMLResponse(inject(shell("pipeline serve", body), {"mode": "index"}))

    async def language_index(self, request: Request) -> Response:
        """``/<lang>/index.html`` and ``/drafts/<lang>/index.html``: the pages of one
        language (the site name on every page links here)."""
        from starlette.responses import HTMLResponse, Response

        found = self._found(request)
        if isinstance(found, Response):
            return found
        lang, _ = found
        draft = request.url.path.startswith("/drafts/")
        refused = None if draft else await self._refused(lang)
        if isinstance(refused, Response):
            return refused
        items = "".join(f'<li><a href="{html.escape(p)}.html">{html.escape(p)}</a></li>'
                        for p in self.site.pages())
        title = f"{self.config.site_name or 'Site'} — {lang.bcp47}" + (" (drafts)" if draft
                                                                       else "")
        body = f'<h1>{html.escape(title)}</h1><ul>{items}</ul><p><a href="/">All languages</a></p>'
        return HTMLResponse(inject(shell(title, body), {"mode": "index"}))

    async def _refused(self, lang: Language, page: str = "index") -> Response | None:
        """The answer for a language below its review gate on the public site, or None."""
        from starlette.responses import HTMLResponse

        try:
            refused = await asyncio.to_thread(self.site.refusal, lang)
        except PipelineError as exc:
            return self.broken(exc)
        if refused is None:
            return None
        return HTMLResponse(page_html(
            "Not on the public site", refused, "Open the draft preview",
            f"/drafts/{lang.gettext}/{page}.html", meta={"mode": "error"}), status_code=404)

    async def public(self, request: Request) -> Response:
        from starlette.responses import HTMLResponse, Response

        found = self._found(request)
        if isinstance(found, Response):
            return found
        lang, page = found
        refused = await self._refused(lang, page)
        if refused is not None:
            return refused
        try:  # the switcher offers the public languages only, as publish writes it
            refusals = await self.refusals()
            public = tuple(x for x in self.site.languages if refusals[x.gettext] is None)
            text = await asyncio.to_thread(self.site.render, lang, page, draft=False,
                                           languages=public)
        except PipelineError as exc:
            return self.broken(exc)
        return HTMLResponse(inject(text, {"mode": "public", "lang": lang.gettext,
                                          "page": page}))

    async def draft(self, request: Request) -> Response:
        from starlette.responses import HTMLResponse, Response

        found = self._found(request)
        if isinstance(found, Response):
            return found
        lang, page = found
        try:
            text = await asyncio.to_thread(self.site.render, lang, page, draft=True)
        except PipelineError as exc:
            return self.broken(exc)
        review = lang != self.site.source
        meta = {"mode": "draft", "lang": lang.gettext, "page": page, "review": review,
                "token": self.access.page_token() if review else "",
                "reviewer": self.reviewer, "role": self.role}
        return HTMLResponse(inject(text.replace("<head>", '<head><meta name="robots" '
                                                'content="noindex">', 1), meta))

    async def pdf(self, request: Request) -> Response:
        from starlette.responses import Response

        found = self._found(request)
        if isinstance(found, Response):
            return found
        lang, page = found
        draft = request.url.path.startswith("/drafts/")
        refused = None if draft else await self._refused(lang, page)
        if refused is not None:
            return refused
        try:
            data = await asyncio.to_thread(self.site.render_pdf, lang, page, draft=draft)
        except PipelineError as exc:
            return self.broken(exc)
        return Response(data, media_type="application/pdf")

    async def asset(self, request: Request) -> Response:
        from starlette.responses import FileResponse, Response

        path = self.site.assets().get(request.path_params["path"])
        if path is None:
            return Response("not found", status_code=404)
        return FileResponse(path)

    async def static(self, request: Request) -> Response:
        from starlette.responses import FileResponse, Response

        name = request.path_params["name"]
        if name not in STATIC_FILES:
            return Response("not found", status_code=404)
        return FileResponse(STATIC / name)

    # ── the review panel's API ──────────────────────────────────────────────────────────

    def _language(self, value: str | None) -> Language:
        lang = self.site.language(value or "")
        if lang is None or lang == self.site.source:
            raise ConfigError(f"not a language of this site: {value!r}")
        return lang

    async def api_blocks(self, request: Request) -> Response:
        from starlette.responses import JSONResponse

        from pipeline.review.serve.workbench import blocks

        try:
            lang = self._language(request.query_params.get("lang"))
            page = request.query_params.get("page", "")
            found = await asyncio.to_thread(blocks, self.config, lang, page, self.role)
        except PipelineError as exc:
            return JSONResponse({"error": self.where(exc)}, status_code=400)
        return JSONResponse({"blocks": [b.as_dict() for b in found],
                             "version": self.site.version})

    async def api_decide(self, request: Request) -> Response:
        from starlette.responses import JSONResponse

        from pipeline.review.serve.workbench import Decision, decide

        try:
            data = await request.json()
            lang = self._language(data.get("lang"))
            d = Decision(page=str(data["page"]), msgid=str(data["msgid"]),
                         msgctxt=data.get("msgctxt"), seen=str(data["seen"]),
                         seen_state=str(data["seen_state"]), action=str(data["action"]),
                         text=data.get("text"), note=str(data.get("note", "")),
                         confirmed=bool(data.get("confirmed", False)))
            saved = await asyncio.to_thread(decide, self.config, lang, self.reviewer, d,
                                            None, self.role)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            return JSONResponse({"error": f"bad request: {exc}"}, status_code=400)
        except PipelineError as exc:
            return JSONResponse({"error": self.where(exc)}, status_code=400)
        if saved.status in ("saved", "accepted", "discussed", "confirm"):
            self.changed(Change(frozenset({lang.gettext}), frozenset({d.page}),
                                (f"locale/{lang.gettext}/LC_MESSAGES/{d.page}.po",)))
        return JSONResponse(saved.as_dict(), status_code=STATUS.get(saved.status, 200))

    # ── the application ─────────────────────────────────────────────────────────────────

    def starlette(self) -> ASGIApp:
        from starlette.applications import Starlette
        from starlette.responses import Response
        from starlette.routing import Route

        routes = [
            Route("/", self.index),
            Route("/index.html", self.index),
            Route("/drafts/", self.index),
            Route("/drafts/index.html", self.index),
            Route("/favicon.ico", lambda request: Response(status_code=204)),
            Route("/_serve/events", self.events),
            Route("/_serve/api/blocks", self.api_blocks),
            Route("/_serve/api/decide", self.api_decide, methods=["POST"]),
            Route("/_serve/{name}", self.static),
            Route("/assets/{path:path}", self.asset),
            Route("/drafts/assets/{path:path}", self.asset),
            Route("/drafts/{lang}/index.html", self.language_index),
            Route("/drafts/{lang}/{page}.html", self.draft),
            Route("/drafts/{lang}/{page}.pdf", self.pdf),
            Route("/{lang}/index.html", self.language_index),
            Route("/{lang}/{page}.html", self.public),
            Route("/{lang}/{page}.pdf", self.pdf),
        ]
        app: ASGIApp = Starlette(routes=routes, lifespan=self.lifespan)
        return app


def create_app(config: Config, *, languages: Iterable[Language], reviewer: str,
               access: Access, watch: bool = True, role: str = REVISER,
               on_change: Callable[[Change], None] | None = None,
               on_error: Callable[[str], None] | None = None) -> ASGIApp:
    """The application behind its guard (without the server around it)."""
    serve = ServeApp(config, languages=languages, reviewer=reviewer, access=access,
                     watch=watch, role=role, on_change=on_change, on_error=on_error)
    return Guard(serve.starlette(), access)


def inject(page: str, meta: dict[str, Any]) -> str:
    """``page`` with the live-reload script (and, on previews, the panel) in its head."""
    tags = (f'<meta name="pipeline-serve" content="{html.escape(json.dumps(meta), quote=True)}">'
            '<link rel="stylesheet" href="/_serve/review.css">'
            '<script src="/_serve/review.js" defer></script>')
    at = page.find("</head>")
    return page[:at] + tags + page[at:] if at >= 0 else tags + page


def shell(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body>{body}</body></html>")


def page_html(title: str, text: str, link_text: str, href: str, *, note: str = "",
              meta: dict[str, Any] | None = None) -> str:
    """A short message page; with ``meta``, it reloads itself when a file changes."""
    body = (f"<h1>{html.escape(title)}</h1><p><code>{html.escape(text)}</code></p>"
            + (f"<p>{html.escape(note)}</p>" if note else "")
            + f'<p><a href="{html.escape(href)}">{html.escape(link_text)}</a></p>')
    page = shell(title, body)
    return inject(page, meta) if meta is not None else page
