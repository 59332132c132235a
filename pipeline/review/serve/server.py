"""Running the workbench: loopback by default, the port chosen, uvicorn started with the app."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.config import Config, Language
from pipeline.errors import ConfigError
from pipeline.review.serve.app import create_app
from pipeline.review.serve.guard import hosts_for, is_loopback


def missing_dependencies() -> list[str]:
    """The packages of the optional ``serve`` extra that are not installed."""
    import importlib.util

    return [name for name in ("starlette", "uvicorn", "watchfiles")
            if importlib.util.find_spec(name) is None]


@dataclass(frozen=True, slots=True)
class Listening:
    url: str
    socket: socket.socket
    warning: str | None


def listen(host: str, port: int) -> Listening:
    """Bind the socket first, so ``--port 0`` can report the port the system chose."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConfigError(f"--host {host}: {exc.strerror}") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another "
                          "--port") from None
    sock.listen(128)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    warning = None if is_loopback(host) else (
        f"listening on {host}, not loopback: anyone who can reach this machine sees the "
        "drafts (the review token still guards changes)")
    return Listening(f"http://{shown}:{bound}/", sock, warning)


def run(config: Config, languages: Iterable[Language], *, reviewer: str, listening: Listening,
        log_level: str = "warning") -> None:
    """Serve until interrupted (Ctrl-C)."""
    import uvicorn

    port = listening.socket.getsockname()[1]
    host = listening.url.split("//", 1)[1].rsplit(":", 1)[0].strip("[]")
    app = create_app(config, languages=languages, reviewer=reviewer,
                     token=secrets.token_urlsafe(24), hosts=hosts_for(host, port))
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, lifespan="on",
                                           timeout_graceful_shutdown=1))
    server.run(sockets=[listening.socket])
