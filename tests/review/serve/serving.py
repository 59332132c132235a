"""What the serve tests share: the seed site with three machine drafts, a real
``pipeline serve`` process on 127.0.0.1 (:class:`Server`), and Debian's Chromium through
Playwright."""

from __future__ import annotations

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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
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


# ── library: blocks and decisions ────────────────────────────────────────────────────


# ── a real server ────────────────────────────────────────────────────────────────────


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[str]
    started_in: float
    root: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        req = urllib.request.Request(self.url.rstrip("/") + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                return res.status, res.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def post(self, path: str, body: Mapping[str, object],
             headers: dict[str, str]) -> tuple[int, str]:
        req = urllib.request.Request(self.url.rstrip("/") + path, method="POST",
                                     data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json", **headers})
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                return res.status, res.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def token(self) -> str:
        _, page = self.get(f"/drafts/es/{PAGE}.html")
        m = re.search(r'name="pipeline-serve" content="([^"]+)"', page)
        assert m
        return str(json.loads(m.group(1).replace("&quot;", '"'))["token"])


@pytest.fixture(name="server")
def server_fixture(site: Path) -> Iterator[Server]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PIPELINE_REVIEWER": "Tess Reviewer"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "--root", str(site), "serve", "--port", "0",
         "--lang", "es"], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
        text=True)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    m = re.search(r"on (http://127\.0\.0\.1:\d+/)", line)
    assert m, line
    srv = Server(m.group(1), proc, 0.0, site)
    while True:
        try:
            if srv.get("/")[0] == 200:
                break
        except OSError:
            time.sleep(0.02)
        assert time.perf_counter() - t0 < 20
    srv.started_in = time.perf_counter() - t0
    threading.Thread(target=proc.stderr.read, daemon=True).start()  # drain
    yield srv
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()




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

