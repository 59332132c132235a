"""Who may ask ``serve`` anything: the Host allow-list (DNS rebinding), same-origin and the
session token for state changes, and headers that keep other sites from reading or framing."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

TOKEN_HEADER = "x-pipeline-token"
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SECURITY_HEADERS = [
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


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def hosts_for(host: str, port: int) -> set[str] | None:
    """The Host headers to answer; None (any) when listening on every interface, where
    the machine's names are not known — the Origin and token checks still apply."""
    if host in ("0.0.0.0", "::", ""):
        return None
    names = {host, f"[{host}]"} if ":" in host else {host}
    if is_loopback(host):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return {f"{n}:{port}" for n in names}


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
        problem = self.problem(scope, headers)
        if problem is not None:
            await plain(send, 403, problem)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, secured)

    def problem(self, scope: Scope, headers: dict[str, str]) -> str | None:
        """Why this request is refused, or None."""
        host = headers.get("host", "")
        if self.hosts is not None and host not in self.hosts:
            return f"unknown Host '{host}'"
        origin = headers.get("origin")
        if origin is not None and origin.split("//", 1)[-1] != host:
            return f"requests from {origin} are refused"
        if scope["method"] not in ("GET", "HEAD") or scope["path"].startswith("/_serve/api/"):
            if not hmac.compare_digest(headers.get(TOKEN_HEADER, ""), self.token):
                return "missing or wrong session token; reload the page"
            if origin is None and headers.get("sec-fetch-site") == "cross-site":
                return "cross-site request refused"
        return None


async def plain(send: Send, status: int, text: str,
                headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """Answer with one line of plain text."""
    body = (text + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
