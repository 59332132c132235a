"""A reader's crawl of a published tree in Debian's headless Chromium.

``output/`` is served by a real HTTP server on 127.0.0.1; one Chromium (launched as
``test_browser.py`` launches it, driven over ``--remote-debugging-pipe``: the DevTools
protocol as NUL-terminated JSON on file descriptors 3 and 4, no library, no download) opens
``index.html`` and, breadth-first within the site, every ``<a href>`` its DOM shows. Every
link is fetched from the server: a page must answer 200 and is then opened in the browser;
a PDF link must answer 200 with a PDF. Links to the site's ``base_url`` are the site's own.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

CHROMIUM = Path("/usr/bin/chromium")

# What the page's DOM shows: every link's resolved address, a draft banner, a robots meta.
DOM = ("JSON.stringify({links: Array.from(document.querySelectorAll('a[href]'), a => a.href),"
       " banner: document.querySelector('.draft-banner') !== null,"
       " robots: (document.querySelector('meta[name=robots]') || {}).content || ''})")


class Browser:
    """One headless Chromium for many pages: ``dom(url)`` loads a page and reads its DOM."""

    def __init__(self) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="crawl-chromium-"))
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()
        # The child's fd 3 reads commands, fd 4 writes replies; dup2 in the child only.
        def fds() -> None:
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)
        self.proc = subprocess.Popen(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-quic", f"--user-data-dir={self.profile}",
             "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=fds,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": str(self.profile)})
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._id = 0
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=self.session)

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, params: dict[str, Any] | None = None, *,
             session: str | None = None, until: str | None = None,
             timeout: float = 60) -> dict[str, Any]:
        """Send one command; return its result, after the event ``until`` if named."""
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline, seen = time.monotonic() + timeout, until is None
        result: dict[str, Any] | None = None
        while result is None or not seen:
            reply = self._message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result = reply["result"]
            elif until and reply.get("method") == until:
                seen = True
        return result

    def dom(self, url: str) -> dict[str, Any]:
        """Load ``url`` and return its links (resolved), draft banner and robots meta."""
        self.call("Page.navigate", {"url": url}, session=self.session,
                  until="Page.loadEventFired")
        value = self.call("Runtime.evaluate", {"expression": DOM, "returnByValue": True},
                          session=self.session)["result"]["value"]
        found: dict[str, Any] = json.loads(value)
        return found

    def close(self) -> None:
        with suppress(OSError, RuntimeError, TimeoutError):
            self.call("Browser.close", timeout=10)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._read)
        os.close(self._write)
        shutil.rmtree(self.profile, ignore_errors=True)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` served on 127.0.0.1 by a real HTTP server in a thread; yields its URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def fetch(url: str) -> tuple[int, str, bytes]:
    """Status, content type and body of ``url`` (a failure to connect is status 0)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""
    except OSError as error:
        return 0, str(error), b""


@dataclass
class Crawl:
    """What a reader reached: public addresses (relative to ``output/``) and the faults."""

    reached: set[str] = field(default_factory=set)  # every address that answered 200
    linked: set[str] = field(default_factory=set)  # of which reached by links from the index
    broken: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    noindex: set[str] = field(default_factory=set)


def crawl(browser: Browser, out: Path, base_url: str = "",
          bookmarks: Iterable[str] = ()) -> Crawl:
    """Follow every link from ``out/index.html`` as served over HTTP, breadth-first; then
    the same from each of ``bookmarks`` (addresses relative to ``out``) not yet reached, as
    a reader arriving from a bookmark, a printed handout or a search result would."""
    result = Crawl()
    with serve(out) as root:
        def local(url: str) -> str | None:
            url = urldefrag(url)[0]
            if base_url and url.startswith(base_url):
                url = root + url[len(base_url):]
            return url if url.startswith(root) else None

        start = root + "index.html"
        seen, queue = {start}, deque([(start, "(start)")])
        later = deque((root + path, "(bookmark)") for path in sorted(bookmarks))
        while queue or later:
            if not queue:
                if not result.linked:
                    result.linked = set(result.reached)
                url, source = later.popleft()
                if url in seen:
                    continue
                seen.add(url)
            else:
                url, source = queue.popleft()
            path = url[len(root):]
            if "drafts" in urlsplit(path).path.split("/"):
                result.drafts.append(f"{source} → {path}")
            status, kind, body = fetch(url)
            if status != 200:
                result.broken.append(f"{source} → {path}: {status or kind}")
                continue
            result.reached.add(path)
            if path.endswith(".pdf"):
                if kind != "application/pdf" or not body.startswith(b"%PDF-"):
                    result.broken.append(f"{source} → {path}: not a PDF ({kind})")
                continue
            if kind != "text/html":
                continue
            dom = browser.dom(url)
            if dom["banner"]:
                result.drafts.append(f"{source} → {path} (draft banner)")
            if "noindex" in dom["robots"]:
                result.noindex.add(path)
            for link in dom["links"]:
                target = local(link)
                if target is not None and target not in seen:
                    seen.add(target)
                    queue.append((target, path))
        if not result.linked:
            result.linked = set(result.reached)
    return result
