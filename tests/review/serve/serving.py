"""What the serve tests share: the seed site with three machine drafts, a real
``pipeline serve`` process on 127.0.0.1 (:class:`Server`), and Debian's Chromium through
Playwright."""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib
import pytest
from conftest import REPO

from pipeline.catalog.pofile import Catalog, load_catalog, save_catalog
from pipeline.config import parse_language
from pipeline.fs import atomic_write

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("watchfiles")

PAGE = "paraspinal-sarcoma-treatment"
MT = "machine translation: apertium en→es, 2026-01-01"
ES = parse_language("es")
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(name="site")
def site_fixture(project: Path) -> Path:
    """The seed site with three body paragraphs turned into machine drafts."""
    shutil.copytree(REPO / "locale", project / "locale")
    cat = load_catalog(page_po(project))
    for e in drafts_of(cat):
        e.flags.append("fuzzy")
        e.tcomment = MT
    save_catalog(cat)
    return project


def page_po(root: Path) -> Path:
    return root / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"


def drafts_of(cat: Catalog) -> list[polib.POEntry]:
    live = [e for e in cat.entries() if e.comment and "paragraph" in e.comment]
    return live[1:4]


def entry(root: Path, msgid: str) -> polib.POEntry:
    return next(e for e in load_catalog(page_po(root)).entries() if e.msgid == msgid)


def rewrite(path: Path, english: str, old: str, new: str) -> None:
    """Change the translation of ``english`` as Poedit saves: the whole file written anew
    and renamed into place. ``old`` is the start of the translation."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old[:20], text.index(english[:20]))
    atomic_write(path, (text[:at] + new + text[at:]).encode("utf-8"))


# ── a real server ────────────────────────────────────────────────────────────────────


@dataclass
class Server:
    """A ``pipeline serve`` process; ``url`` is where the test reaches it, ``start`` the
    address it printed to open the session, ``lines`` what it printed on stderr."""

    url: str
    proc: subprocess.Popen[str]
    started_in: float
    root: Path
    start: str = ""
    lines: list[str] = field(default_factory=list)

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        status, _, text = self.fetch(path, headers)
        return status, text

    def fetch(self, path: str, headers: dict[str, str] | None = None,
              ) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) of a GET that follows no redirect."""
        host = self.url.split("//")[1].rstrip("/")
        conn = http.client.HTTPConnection(host, timeout=30)
        try:
            conn.request("GET", path, headers=headers or {})
            res = conn.getresponse()
            body = res.read()
            text = body.decode("utf-8") if not body.startswith(b"%PDF") else body.decode("latin-1")
            return res.status, {k.lower(): v for k, v in res.getheaders()}, text
        finally:
            conn.close()

    def post(self, path: str, body: Mapping[str, object],
             headers: dict[str, str]) -> tuple[int, str]:
        req = urllib.request.Request(self.url.rstrip("/") + path, method="POST",
                                     data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json", **headers})
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status, res.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def meta(self, headers: dict[str, str] | None = None) -> dict[str, Any]:
        _, page = self.get(f"/drafts/es/{PAGE}.html", headers)
        m = re.search(r'name="pipeline-serve" content="([^"]+)"', page)
        assert m, page[:300]
        found: dict[str, Any] = json.loads(html.unescape(m.group(1)))
        return found

    def token(self) -> str:
        return str(self.meta()["token"])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_server(root: Path, *args: str, reach: str | None = None,
                 wrap: Sequence[str] = ()) -> Server:
    """``pipeline serve --port 0 --lang es ARGS`` on ``root``, ready to answer; ``reach``
    replaces the printed host to connect to; ``wrap`` prefixes the command."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PIPELINE_REVIEWER": "Tess Reviewer"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*wrap, sys.executable, "-m", "pipeline.cli", "--root", str(root), "serve", "--port",
         "0", "--lang", "es", *args], env=env, stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    lines = []
    while not lines or not lines[-1].startswith("serving on"):
        lines.append(proc.stderr.readline())
        assert lines[-1], "".join(lines) + proc.stderr.read()
    m = re.search(r"on (http://(\S+):(\d+)/)", lines[-1])
    assert m, lines
    url = f"http://{reach}:{m.group(3)}/" if reach else m.group(1)
    start = ""
    if args and "--allow-remote" in args:
        lines.append(proc.stderr.readline())
        start = lines[-1].rsplit(" ", 1)[-1].strip()
    srv = Server(url, proc, 0.0, root, start, lines)
    while True:
        try:
            srv.get("/")
            break
        except OSError:
            time.sleep(0.02)
        assert time.perf_counter() - t0 < 20
    srv.started_in = time.perf_counter() - t0

    def drain() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            srv.lines.append(line)

    threading.Thread(target=drain, daemon=True).start()
    return srv


@pytest.fixture(name="server")
def server_fixture(site: Path) -> Iterator[Server]:
    srv = start_server(site)
    yield srv
    srv.stop()


@pytest.fixture(name="browser")
def browser_fixture() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()

