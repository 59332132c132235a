"""``pipeline serve``: the site and its draft previews from memory, live reload, in-context review.

Pages are rendered on request by :class:`~pipeline.site.layout.Publisher` (the code ``publish``
uses) and kept until a file they depend on changes; nothing is written under ``output/``.
``watchfiles`` watches ``source/`` and ``locale/``; each change drops the pages it affects
and is pushed to the browsers as a server-sent event, and a page that shows a changed
language or page reloads itself. Draft previews (``/drafts/<lang>/<page>.html``) carry the
review panel (``static/review.js``), whose decisions go through
:func:`pipeline.review.workbench.decide` — the same :class:`~pipeline.review.Review` calls as
``pipeline review``.

Safety: the server answers only requests whose ``Host`` is the address it listens on
(DNS rebinding), refuses a state-changing request whose ``Origin`` is another site or that
lacks the per-session token, sends no CORS headers and forbids framing.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any

from pipeline.config import Config, Language
from pipeline.errors import ConfigError, PipelineError
from pipeline.review.live import Change, Hub, Site, classify

STATIC = Path(__file__).with_name("static")
TOKEN_HEADER = "x-pipeline-token"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Guard:
    """ASGI middleware: Host allow-list, same-origin and token for state changes, and
    headers that keep other sites from reading or framing anything."""

    def __init__(self, app: ASGIApp, *, token: str, hosts: set[str] | None):
        self.app = app
        self.token = token
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        problem = None
        if self.hosts is not None and host not in self.hosts:
            problem = f"unknown Host '{host}'"
        origin = headers.get("origin")
        if problem is None and origin is not None and origin.split("//", 1)[-1] != host:
            problem = f"requests from {origin} are refused"
        if problem is None and (scope["method"] not in ("GET", "HEAD")
                                or scope["path"].startswith("/_serve/api/")):
            if not hmac.compare_digest(headers.get(TOKEN_HEADER, ""), self.token):
                problem = "missing or wrong session token; reload the page"
            elif origin is None and headers.get("sec-fetch-site") == "cross-site":
                problem = "cross-site request refused"
        if problem is not None:
            await _plain(send, 403, problem)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                    (b"content-security-policy",
                     b"default-src 'self'; script-src 'self'; style-src 'self' "
                     b"'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
                     b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
                    (b"cache-control", b"no-store"),
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, secured)


async def _plain(send: Send, status: int, text: str) -> None:
    body = (text + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _inject(page: str, meta: dict[str, Any]) -> str:
    tags = (f'<meta name="pipeline-serve" content="{html.escape(json.dumps(meta), quote=True)}">'
            '<link rel="stylesheet" href="/_serve/review.css">'
            '<script src="/_serve/review.js" defer></script>')
    at = page.find("</head>")
    return page[:at] + tags + page[at:] if at >= 0 else tags + page


def create_app(config: Config, *, languages: Iterable[Language], reviewer: str, token: str,
               hosts: set[str] | None, watch: bool = True,
               on_change: Callable[[Change], None] | None = None) -> ASGIApp:
    """The Starlette application (without the server around it)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import (
        FileResponse,
        HTMLResponse,
        JSONResponse,
        Response,
        StreamingResponse,
    )
    from starlette.routing import Route

    from pipeline.review.workbench import Decision, blocks, decide

    site = Site(config, languages)
    hub = Hub()

    def changed(change: Change) -> None:
        site.forget(change)
        hub.publish({"version": site.version, **change.as_dict()})
        if on_change is not None:
            on_change(change)

    async def watcher(stop: asyncio.Event) -> None:
        from watchfiles import awatch

        folders = [str(p) for p in (config.root / "source", config.locale_dir) if p.is_dir()]
        async for batch in awatch(*folders, stop_event=stop, debounce=40, step=20,
                                  recursive=True):
            change = classify(config, (Path(p) for _, p in batch))
            if change is not None:
                changed(change)

    def page_or_404(request: Request) -> tuple[Language, str] | Response:
        lang = site.language(request.path_params["lang"])
        page = request.path_params["page"]
        if lang is None or page not in site.pages():
            return HTMLResponse(_message("Not found", "No such page or language.",
                                         "Back to the index", "/"), status_code=404)
        return lang, page

    async def index(request: Request) -> Response:
        rows = []
        for page in site.pages():
            cells = []
            for lang in site.languages:
                public = f"/{lang.gettext}/{page}.html"
                if lang == site.source:
                    cells.append(f'<a href="{public}">{lang.bcp47}</a>')
                    continue
                refused = await asyncio.to_thread(site.refusal, lang)
                pub = (f'<a href="{public}">public</a>' if refused is None
                       else f'<span title="{html.escape(refused)}">not published</span>')
                cells.append(f"{lang.bcp47}: {pub} · "
                             f'<a href="/drafts/{lang.gettext}/{page}.html">review</a>')
            rows.append(f"<li><strong>{html.escape(page)}</strong><ul>"
                        + "".join(f"<li>{c}</li>" for c in cells) + "</ul></li>")
        body = (f"<h1>{html.escape(config.site_name or 'Site')} — pipeline serve</h1>"
                "<p>Public pages show reviewed text only; <em>review</em> opens the draft "
                "preview with the review panel (click a block).</p><ul>" + "".join(rows)
                + "</ul>")
        return HTMLResponse(_inject(_shell("pipeline serve", body), {"mode": "index"}))

    async def public(request: Request) -> Response:
        found = page_or_404(request)
        if isinstance(found, Response):
            return found
        lang, page = found
        if lang != site.source:
            refused = await asyncio.to_thread(site.refusal, lang)
            if refused is not None:
                return HTMLResponse(_message(
                    "Not on the public site", refused, "Open the draft preview",
                    f"/drafts/{lang.gettext}/{page}.html"), status_code=404)
        text = await asyncio.to_thread(site.render, lang, page, draft=False)
        return HTMLResponse(_inject(text, {"mode": "public", "lang": lang.gettext,
                                           "page": page}))

    async def draft(request: Request) -> Response:
        found = page_or_404(request)
        if isinstance(found, Response):
            return found
        lang, page = found
        text = await asyncio.to_thread(site.render, lang, page, draft=True)
        review = lang != site.source
        meta = {"mode": "draft", "lang": lang.gettext, "page": page,
                "token": token if review else "", "reviewer": reviewer}
        return HTMLResponse(_inject(text.replace("<head>", '<head><meta name="robots" '
                                                 'content="noindex">', 1), meta))

    async def asset(request: Request) -> Response:
        path = site.assets().get(request.path_params["path"])
        if path is None:
            return Response("not found", status_code=404)
        return FileResponse(path)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        path = STATIC / name
        if name not in {"review.js", "review.css"} or not path.is_file():
            return Response("not found", status_code=404)
        return FileResponse(path)

    async def events(request: Request) -> Response:
        return StreamingResponse(hub.stream(), media_type="text/event-stream",
                                 headers={"x-accel-buffering": "no"})

    def lang_of(request: Request, value: str | None) -> Language:
        lang = site.language(value or "")
        if lang is None or lang == site.source:
            raise ConfigError(f"not a language of this site: {value!r}")
        return lang

    async def api_blocks(request: Request) -> Response:
        try:
            lang = lang_of(request, request.query_params.get("lang"))
            page = request.query_params.get("page", "")
            found = await asyncio.to_thread(blocks, config, lang, page)
        except PipelineError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"blocks": [b.as_dict() for b in found], "version": site.version})

    async def api_decide(request: Request) -> Response:
        try:
            data = await request.json()
            lang = lang_of(request, data.get("lang"))
            d = Decision(page=str(data["page"]), msgid=str(data["msgid"]),
                         msgctxt=data.get("msgctxt"), seen=str(data["seen"]),
                         seen_state=str(data["seen_state"]), action=str(data["action"]),
                         text=data.get("text"), note=str(data.get("note", "")),
                         confirmed=bool(data.get("confirmed", False)))
            if d.action not in ("accept", "save", "discuss"):
                raise ConfigError(f"unknown action {d.action!r}")
            saved = await asyncio.to_thread(decide, config, lang, reviewer, d)
        except (KeyError, ValueError, TypeError) as exc:
            return JSONResponse({"error": f"bad request: {exc}"}, status_code=400)
        except PipelineError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        if saved.status in ("saved", "accepted", "discussed"):
            changed(Change(frozenset({lang.gettext}), frozenset({d.page}),
                           (f"locale/{lang.gettext}/LC_MESSAGES/{d.page}.po",)))
        return JSONResponse(saved.as_dict(),
                            status_code=409 if saved.status == "conflict" else 200)

    routes = [
        Route("/", index),
        Route("/_serve/events", events),
        Route("/_serve/api/blocks", api_blocks),
        Route("/_serve/api/decide", api_decide, methods=["POST"]),
        Route("/_serve/{name}", static),
        Route("/assets/{path:path}", asset),
        Route("/drafts/assets/{path:path}", asset),
        Route("/drafts/{lang}/{page}.html", draft),
        Route("/{lang}/{page}.html", public),
    ]

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(watcher(stop)) if watch else None
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                task.cancel()

    app = Starlette(routes=routes, lifespan=lifespan)
    return Guard(app, token=token, hosts=hosts)


def _shell(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body>{body}</body></html>")


def _message(title: str, text: str, link_text: str, href: str) -> str:
    return _shell(title, f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
                  f'<p><a href="{html.escape(href)}">{html.escape(link_text)}</a></p>')


