"""Running ``serve``: loopback unless ``--allow-remote``, the port chosen, uvicorn started with
the app."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pipeline.catalog.entry import REVISER
from pipeline.config import Config, Language
from pipeline.errors import ConfigError
from pipeline.review.serve.app import create_app
from pipeline.review.serve.guard import WILDCARDS, Access, access_for, is_loopback


def missing_dependencies() -> list[str]:
    """The packages of the optional ``serve`` extra that are not installed."""
    import importlib.util

    return [name for name in ("starlette", "uvicorn", "watchfiles")
            if importlib.util.find_spec(name) is None]


@dataclass(frozen=True, slots=True)
class Listening:
    """A bound socket, the address to print, and what the guard admits. ``start`` is the
    address that opens the session: the index on loopback, a one-time address off it."""

    url: str
    start: str
    socket: socket.socket
    access: Access
    warning: str | None


def listen(host: str, port: int, *, allow_remote: bool = False) -> Listening:
    """Bind the socket first, so ``--port 0`` can report the port the system chose.

    Anything but loopback needs ``allow_remote``: the drafts and the panel are then
    reachable by others, and the session starts from a one-time address only."""
    remote = not is_loopback(host)
    if remote and not allow_remote:
        raise ConfigError(f"--host {host} is reachable from other machines; add "
                          "--allow-remote to serve there (the session then starts from a "
                          "one-time address), or keep 127.0.0.1 and use an SSH tunnel "
                          "(README: pipeline serve)")
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)
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
    access = access_for(host, bound)
    name = socket.gethostname() if host in WILDCARDS else host
    url = f"http://{f'[{name}]' if ':' in name else name}:{bound}/"
    warning = None if not remote else (
        f"listening on {host}, not loopback: anyone who can reach this machine can try to "
        "connect; pages answer only after the one-time address below")
    start = url.rstrip("/") + access.start_path if remote else url
    return Listening(url, start, sock, access, warning)


def run(config: Config, languages: Iterable[Language], *, reviewer: str, listening: Listening,
        log_level: str = "warning", on_error: Callable[[str], None] | None = None,
        role: str = REVISER) -> None:
    """Serve until interrupted (Ctrl-C); ``on_error`` gets one line per unreadable file;
    every sign-off is made in ``role``."""
    import uvicorn

    app = create_app(config, languages=languages, reviewer=reviewer, access=listening.access,
                     on_error=on_error, role=role)
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, lifespan="on",
                                           timeout_graceful_shutdown=1))
    server.run(sockets=[listening.socket])
