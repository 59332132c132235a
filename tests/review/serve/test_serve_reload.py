"""Live reload: which saved files affect which pages, and the server-sent event that
follows a catalog save on a real server."""

from __future__ import annotations

import http.client
import json
import threading
import time
from pathlib import Path

from serving import (  # noqa: F401 (fixtures)
    ES,
    PAGE,
    Server,
    page_po,
    rewrite,
    server_fixture,
    site_fixture,
)

from pipeline.config import load_config
from pipeline.review.serve.reload import classify
from pipeline.review.serve.workbench import blocks


def test_classify_changes(site: Path) -> None:
    config = load_config(site)
    po = classify(config, [page_po(site)])
    assert po is not None and po.langs == {"es"} and po.pages == {PAGE}
    site_po = classify(config, [site / "locale" / "es" / "LC_MESSAGES" / "site.po"])
    assert site_po is not None and site_po.pages == {"*"}
    page = classify(config, [site / "source" / "pages" / f"{PAGE}.md"])
    assert page is not None and page.langs == {"*"} and page.pages == {PAGE}
    published = classify(config, [site / "locale" / "published.toml"])  # what is public
    assert published is not None and published.langs == {"*"} and published.pages == {"*"}
    assert classify(config, [page_po(site).with_name(".x.po.123.tmp"),
                             page_po(site).with_suffix(".mo")]) is None


def _events(server: Server, seen: list[tuple[float, dict[str, object]]],
            ready: threading.Event) -> None:
    host = server.url.split("//")[1].rstrip("/")
    conn = http.client.HTTPConnection(host, timeout=30)
    conn.request("GET", "/_serve/events")
    res = conn.getresponse()
    ready.set()
    while True:
        line = res.readline().decode()
        if not line:
            return
        if line.startswith("data: "):
            seen.append((time.perf_counter(), json.loads(line[6:])))


def test_catalog_save_sends_a_reload_event(server: Server) -> None:
    seen: list[tuple[float, dict[str, object]]] = []
    ready = threading.Event()
    threading.Thread(target=_events, args=(server, seen, ready), daemon=True).start()
    assert ready.wait(5)
    time.sleep(0.3)  # the watcher is running since startup
    b = next(b for b in blocks(load_config(server.root), ES, PAGE) if b.state == "reviewed"
             and b.kind == "paragraph")
    t0 = time.perf_counter()
    rewrite(page_po(server.root), b.english, b.translation, "Cambiado. ")
    while not seen and time.perf_counter() - t0 < 5:
        time.sleep(0.01)
    assert seen, "no server-sent event after the catalog changed"
    latency = seen[0][0] - t0
    print(f"catalog save → reload event: {latency * 1000:.0f} ms")
    assert latency < 1.0
    event = seen[0][1]
    assert event["langs"] == ["es"] and event["pages"] == [PAGE]
    _, html = server.get(f"/drafts/es/{PAGE}.html")
    assert "Cambiado. " in html  # the cached page was dropped


# ── the browser ──────────────────────────────────────────────────────────────────────

