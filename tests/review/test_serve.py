"""``pipeline serve``: a real uvicorn server on 127.0.0.1 — start time, the token and origin
guard, live reload through server-sent events — and the in-context review in Debian's
Chromium driven by Playwright: open a block, edit, accept, the ``.po`` signed on disk; an
edit made meanwhile in the file is a conflict, never overwritten."""

from __future__ import annotations

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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib
import pytest
from conftest import GETTEXT, REPO, msgfmt_ok

from pipeline.catalog.entry import is_reviewed
from pipeline.catalog.pofile import Catalog, load_catalog, save_catalog
from pipeline.config import load_config, parse_language
from pipeline.fs import atomic_write
from pipeline.review.live import classify
from pipeline.review.server import hosts_for, is_loopback
from pipeline.review.workbench import Block, Decision, blocks, decide, plain, word_diff

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("watchfiles")

PAGE = "paraspinal-sarcoma-treatment"
MT = "machine translation: apertium en→es, 2026-01-01"
ES = parse_language("es")
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def site(project: Path) -> Path:
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


def test_blocks_show_english_draft_provenance_glossary_and_neighbours(site: Path) -> None:
    found = blocks(load_config(site), ES, PAGE)
    kinds = [b.kind for b in found]
    assert kinds[:3] == ["title", "description", "h1"]
    drafts = [b for b in found if b.state == "draft"]
    assert len(drafts) == 3
    first = drafts[0]
    assert first.provenance == MT
    assert first.before is not None and first.after is not None
    assert first.translation in first.match and plain(first.english) in first.match
    assert any(term == "paraspinal sarcoma" for term, _, _ in found[0].glossary)
    assert not any(term == "paraspinal" for term, _, _ in found[0].glossary)  # inside it
    # a draft kept from an older English shows what changed, word by word
    cat = load_catalog(page_po(site))
    e = next(e for e in cat.entries() if e.msgid == first.english)
    e.previous_msgid = first.english.replace("Many", "Some", 1)
    save_catalog(cat)
    again = next(b for b in blocks(load_config(site), ES, PAGE) if b.english == first.english)
    assert again.previous == e.previous_msgid
    assert ("-", "Some") in again.diff and ("+", "Many") in again.diff
    assert "the translation was for" in again.provenance


def test_word_diff_and_plain() -> None:
    assert word_diff("Call us today.", "Call us now.") == (
        ("=", "Call us "), ("-", "today"), ("+", "now"), ("=", "."))
    assert plain("**Bold** and [link](https://x.org) `code`") == "Bold and link code"


def _decision(b: Block, action: str, text: str | None = None, note: str = "") -> Decision:
    return Decision(page=PAGE, msgid=b.english, msgctxt=b.msgctxt, seen=b.translation,
                    seen_state=b.state, action=action, text=text, note=note)


def test_decide_edit_accept_conflict_discuss(site: Path) -> None:
    config = load_config(site)
    draft = next(b for b in blocks(config, ES, PAGE) if b.state == "draft")
    saved = decide(config, ES, "Ana Ruiz", _decision(draft, "accept", draft.translation + " Sí."),
                   today="2026-03-04")
    assert saved.status == "accepted", saved.message
    e = entry(site, draft.english)
    assert e.msgstr == draft.translation + " Sí." and is_reviewed(e, GETTEXT)
    assert "reviewed-by: Ana Ruiz, 2026-03-04," in e.tcomment
    assert MT in e.tcomment  # provenance kept, as review does
    msgfmt_ok(page_po(site))
    # a second draft: someone edits the file after the panel showed it
    other = [b for b in blocks(config, ES, PAGE) if b.state == "draft"][0]
    rewrite(page_po(site), other.english, other.translation, "EDITOR ")
    before = page_po(site).read_bytes()
    saved = decide(config, ES, "Ana Ruiz", _decision(other, "accept", "Mi texto."))
    assert saved.status == "conflict"
    assert saved.block is not None and saved.block.translation.startswith("EDITOR ")
    assert page_po(site).read_bytes() == before  # the editor's text is not overwritten
    # discussion note
    fresh = saved.block
    assert fresh is not None
    saved = decide(config, ES, "Ana Ruiz", _decision(fresh, "discuss", note="¿tono?"),
                   today="2026-03-04")
    assert saved.status == "discussed"
    assert "discuss: ¿tono? (Ana Ruiz, 2026-03-04)" in entry(site, fresh.english).tcomment
    assert saved.block is not None and saved.block.discussion == ("¿tono? (Ana Ruiz, 2026-03-04)",)


def test_decide_asks_before_accepting_qa_errors(site: Path) -> None:
    config = load_config(site)
    draft = next(b for b in blocks(config, ES, PAGE) if b.state == "draft")
    bad = draft.translation + " <script>x</script>"
    saved = decide(config, ES, "Ana", _decision(draft, "accept", bad))
    assert saved.status == "confirm" and "QA error" in saved.message
    assert saved.block is not None and saved.block.state == "draft"  # saved, not signed
    assert not is_reviewed(entry(site, draft.english), GETTEXT)


def test_classify_changes(site: Path) -> None:
    config = load_config(site)
    po = classify(config, [page_po(site)])
    assert po is not None and po.langs == {"es"} and po.pages == {PAGE}
    site_po = classify(config, [site / "locale" / "es" / "LC_MESSAGES" / "site.po"])
    assert site_po is not None and site_po.pages == {"*"}
    page = classify(config, [site / "source" / "pages" / f"{PAGE}.md"])
    assert page is not None and page.langs == {"*"} and page.pages == {PAGE}
    assert classify(config, [page_po(site).with_name(".x.po.123.tmp"),
                             page_po(site).with_suffix(".mo")]) is None
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("0.0.0.0")
    assert {"127.0.0.1:8000", "localhost:8000"} <= (hosts_for("127.0.0.1", 8000) or set())
    assert hosts_for("0.0.0.0", 8000) is None  # any name; Origin must still match Host


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


@pytest.fixture
def server(site: Path) -> Iterator[Server]:
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


def test_starts_fast_and_writes_no_output(server: Server) -> None:
    print(f"serve start (process spawn → first 200): {server.started_in:.2f} s")
    assert server.started_in < 4.0  # issue target 2 s; generous for a loaded 2-core CI
    status, html = server.get(f"/drafts/es/{PAGE}.html")
    assert status == 200 and 'class="machine"' in html and "noindex" in html
    status, html = server.get(f"/es/{PAGE}.html")
    # es was public (locale/published.toml): it keeps its address, its drafts in English
    assert status == 200 and 'class="machine"' not in html and 'lang="en"' in html
    assert server.get("/assets/screen.css")[0] == 200
    assert server.get("/drafts/assets/screen.css")[0] == 200
    assert not (server.root / "output").exists()


def test_token_origin_and_host_are_enforced(server: Server) -> None:
    token = server.token()
    b = next(b for b in blocks(load_config(server.root), ES, PAGE) if b.state == "draft")
    body = {"lang": "es", "page": PAGE, "msgid": b.english, "msgctxt": b.msgctxt,
            "seen": b.translation, "seen_state": b.state, "action": "accept",
            "text": b.translation}
    before = page_po(server.root).read_bytes()
    host = server.url.split("//")[1].rstrip("/")
    assert server.post("/_serve/api/decide", body, {})[0] == 403
    assert server.post("/_serve/api/decide", body, {"x-pipeline-token": "wrong"})[0] == 403
    status, text = server.post("/_serve/api/decide", body, {
        "x-pipeline-token": token, "origin": "http://evil.example"})
    assert status == 403 and "evil.example" in text
    assert server.get(f"/_serve/api/blocks?lang=es&page={PAGE}")[0] == 403
    assert server.get("/", {"host": "attacker.example:80"})[0] == 403  # DNS rebinding
    assert page_po(server.root).read_bytes() == before
    status, text = server.post("/_serve/api/decide", body, {
        "x-pipeline-token": token, "origin": f"http://{host}"})
    assert status == 200 and json.loads(text)["status"] == "accepted"
    assert is_reviewed(entry(server.root, b.english), GETTEXT)
    status, _ = server.get("/")
    assert status == 200


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


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def test_review_in_the_browser(server: Server, browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url + f"drafts/es/{PAGE}.html")
    page.wait_for_selector("body[data-wb-ready]")
    assert int(page.get_attribute("body", "data-wb-ready")) >= 40  # blocks found on the page
    drafts = page.locator(".wb-block.wb-draft")
    assert drafts.count() == 3
    english = [b for b in blocks(load_config(server.root), ES, PAGE) if b.state == "draft"]
    # open the first draft, fix a word, accept
    drafts.first.click()
    panel = page.locator(".wb-panel")
    panel.wait_for(state="visible")
    assert panel.locator(".wb-english").inner_text() == english[0].english
    assert "machine translation: apertium" in panel.locator(".wb-from").inner_text()
    shot = tmp_path / "review-panel.png"
    page.screenshot(path=str(shot))
    if os.environ.get("SERVE_SCREENSHOT"):  # to look at it: SERVE_SCREENSHOT=/tmp/x.png
        shutil.copy(shot, os.environ["SERVE_SCREENSHOT"])
    new_text = english[0].translation.replace(" ", " revisado ", 1)
    panel.locator(".wb-text").fill(new_text)
    panel.locator(".wb-accept").click()
    expect(panel.locator(".wb-status")).to_contain_text("accepted")
    e = entry(server.root, english[0].english)
    assert e.msgstr == new_text and is_reviewed(e, GETTEXT)
    assert "reviewed-by: Tess Reviewer," in e.tcomment
    msgfmt_ok(page_po(server.root))
    # the reloaded preview shows it, no longer marked as a machine draft (the reload comes
    # through the event stream after the save: wait for it rather than race it)
    expect(page.locator("main")).to_contain_text(new_text)
    expect(page.locator(".wb-block.wb-draft")).to_have_count(2)
    # the panel moved on to the next draft; an editor changes that entry meanwhile
    assert panel.locator(".wb-english").inner_text() == english[1].english
    panel.locator(".wb-text").fill("Mi versión.")
    rewrite(page_po(server.root), english[1].english, english[1].translation, "EDITADO ")
    time.sleep(0.5)  # the change event arrives; the typed text must survive it
    assert panel.locator(".wb-text").input_value() == "Mi versión."
    panel.locator(".wb-accept").click()
    expect(panel.locator(".wb-status")).to_contain_text("Conflict")
    kept = entry(server.root, english[1].english)
    assert kept.msgstr.startswith("EDITADO ") and not is_reviewed(kept, GETTEXT)
    assert "EDITADO" in panel.locator(".wb-disk").inner_text()
    assert not errors


def test_live_reload_in_the_browser(server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(server.url + f"drafts/es/{PAGE}.html")
    page.wait_for_selector("body[data-wb-ready]")
    b = next(b for b in blocks(load_config(server.root), ES, PAGE) if b.state == "reviewed"
             and b.kind == "paragraph")
    t0 = time.perf_counter()
    rewrite(page_po(server.root), b.english, b.translation, "Recargado. ")
    expect(page.locator("main")).to_contain_text("Recargado.", timeout=5000)
    latency = time.perf_counter() - t0
    print(f"save in editor → browser shows it: {latency * 1000:.0f} ms")
    assert latency < 1.0


def test_cli_refuses_without_reviewer_and_warns_off_loopback(site: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli
    from pipeline.review.server import listen

    env = {"PIPELINE_REVIEWER": "", "USER": ""}
    result = CliRunner().invoke(cli, ["--root", str(site), "serve", "--port", "0"], env=env)
    assert result.exit_code == 2
    assert "name the reviewer: --reviewer NAME" in result.output
    listening = listen("0.0.0.0", 0)
    try:
        assert listening.warning is not None and "not loopback" in listening.warning
    finally:
        listening.socket.close()
    local = listen("127.0.0.1", 0)
    try:
        assert local.warning is None and local.url.startswith("http://127.0.0.1:")
    finally:
        local.socket.close()
