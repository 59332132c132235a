"""Who may ask ``serve`` anything.

Every request must name, in its ``Host``, one of the names the server was started for
(a DNS-rebinding page names its own), else 421. On loopback the draft previews carry the
session token for the panel's calls. Off loopback (``--allow-remote``) no page carries it:
the session starts from a one-time address printed in the terminal, which sets an HttpOnly,
SameSite=Strict cookie and redirects; every request then needs that cookie. State changes
also need same-origin and the token header (a cross-site form cannot send one). Every
answer carries headers that keep other sites from reading or framing it.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

TOKEN_HEADER = "x-pipeline-token"
COOKIE = "pipeline-session"
SESSION_PATH = "/_serve/session/"
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
     b"'unsafe-inline'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; "
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


WILDCARDS = ("0.0.0.0", "::", "")


def local_addresses() -> set[str]:
    """This machine's names and interface addresses (for a server on every interface)."""
    import fcntl
    import struct

    found = {socket.gethostname(), socket.getfqdn()}
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for _, name in socket.if_nameindex():
            try:  # SIOCGIFADDR: the interface's IPv4 address
                raw = fcntl.ioctl(probe.fileno(), 0x8915,
                                  struct.pack("256s", name.encode()[:15]))
            except OSError:
                continue
            found.add(socket.inet_ntoa(raw[20:24]))
    finally:
        probe.close()
    try:
        with open("/proc/net/if_inet6", encoding="ascii") as rows:
            for row in rows:
                hexa = row.split()[0]
                found.add(str(ipaddress.IPv6Address(int(hexa, 16))))
    except OSError:
        pass
    return found


def hosts_for(host: str, port: int) -> frozenset[str]:
    """The ``Host`` headers to answer: the address listened on (every address of the
    machine and its names, for ``0.0.0.0``/``::``), and the loopback names on loopback."""
    names = {host}
    if host in WILDCARDS:
        names = local_addresses()
    elif not is_loopback(host):
        names |= {socket.gethostname(), socket.getfqdn()}
    if host in WILDCARDS or is_loopback(host):
        names |= {"127.0.0.1", "localhost", "::1"}
    shown = {f"[{n}]" if ":" in n else n for n in names if n}
    return frozenset({f"{n}:{port}" for n in shown} | (shown if port == 80 else set()))


@dataclass(slots=True)
class Access:
    """What the guard admits: ``hosts`` (Host headers), the session ``token``; ``remote``
    off loopback, where the session starts once from :attr:`start_path`."""

    hosts: frozenset[str]
    remote: bool
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    once: str | None = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def start_path(self) -> str:
        return SESSION_PATH + (self.once or "used")

    def page_token(self) -> str:
        """The token a draft preview may carry: none off loopback (a peer could load it)."""
        return "" if self.remote else self.token


def access_for(host: str, port: int) -> Access:
    return Access(hosts_for(host, port), remote=not is_loopback(host))


class Guard:
    """ASGI middleware that refuses what :class:`Access` does not admit and adds
    :data:`SECURITY_HEADERS` to every answer."""

    def __init__(self, app: ASGIApp, access: Access):
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if host not in self.access.hosts:
            await plain(send, 421, f"unknown Host '{host}': this server answers only "
                        "the address it printed")
            return
        if self.access.remote and scope["path"].startswith(SESSION_PATH):
            await self.start_session(scope["path"][len(SESSION_PATH):], send)
            return
        problem = self.problem(scope, headers)
        if problem is not None:
            await plain(send, 403, problem)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, secured)

    async def start_session(self, given: str, send: Send) -> None:
        """The one-time address: set the session cookie once, then redirect to the index."""
        once = self.access.once
        if once is None or not hmac.compare_digest(given, once):
            await plain(send, 403, "this start address was used already or is wrong; "
                        "restart pipeline serve for a new one", SECURITY_HEADERS)
            return
        self.access.once = None
        cookie = (f"{COOKIE}={self.access.token}; HttpOnly; SameSite=Strict; Path=/")
        await plain(send, 303, "session started", [
            (b"location", b"/"), (b"set-cookie", cookie.encode("latin-1")),
            *SECURITY_HEADERS])

    def problem(self, scope: Scope, headers: dict[str, str]) -> str | None:
        """Why this request is refused, or None."""
        host = headers.get("host", "")
        origin = headers.get("origin")
        if origin is not None and origin.split("//", 1)[-1] != host:
            return f"requests from {origin} are refused"
        if self.access.remote and not _same(_cookie(headers), self.access.token):
            return ("no session: open the one-time address pipeline serve printed in its "
                    "terminal (or reach the server through an SSH tunnel)")
        if scope["method"] not in ("GET", "HEAD") or scope["path"].startswith("/_serve/api/"):
            sent = headers.get(TOKEN_HEADER)
            if sent is None or (not self.access.remote and not _same(sent, self.access.token)):
                return "missing or wrong session token; reload the page"
            if origin is None and headers.get("sec-fetch-site") == "cross-site":
                return "cross-site request refused"
        return None


def _cookie(headers: dict[str, str]) -> str:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is no session
        return ""
    found = jar.get(COOKIE)
    return found.value if found is not None else ""


def _same(given: str, token: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


async def plain(send: Send, status: int, text: str,
                headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """Answer with one line of plain text."""
    body = (text + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
