"""The in-context review in Debian's Chromium driven by Playwright: open a block, edit,
accept, the ``.po`` signed on disk; an edit made meanwhile in the file is a conflict, never
overwritten; a save in an editor reloads every page it affects (index and public pages
too); six open tabs never block a save; an error page recovers by itself; every block that
waits for a person is marked."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from conftest import GETTEXT, msgfmt_ok
from serving import (  # noqa: F401 (fixtures)
    ES,
    PAGE,
    Server,
    browser_fixture,
    entry,
    page_po,
    rewrite,
    server_fixture,
    site_fixture,
    start_server,
)

from pipeline.catalog.entry import is_reviewed
from pipeline.cli import cli
from pipeline.config import load_config
from pipeline.fs import atomic_write
from pipeline.review.serve.workbench import blocks


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




def _save_draft(page: Any, text: str) -> float:
    """Open the first draft in the panel, type, Save draft; seconds until answered."""
    from playwright.sync_api import expect

    page.locator(".wb-block.wb-draft").first.click()
    panel = page.locator(".wb-panel")
    panel.locator(".wb-text").fill(text)
    t0 = time.perf_counter()
    panel.locator(".wb-save").click()
    expect(panel.locator(".wb-status")).to_contain_text("saved", timeout=8000)
    return time.perf_counter() - t0


def test_six_open_tabs_never_block_a_save(server: Server, browser: Any) -> None:
    """Browsers open about six connections per host; with one event stream per tab, six
    tabs used them all and the panel's save went unanswered. One stream per browser."""
    context = browser.new_context()
    errors: list[str] = []
    tabs = []
    for n in range(6):
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        path = ("", f"en/{PAGE}.html", f"drafts/es/{PAGE}.html")[n % 3]
        tab.goto(server.url + path)
        tabs.append(tab)
    for tab in tabs[2::3]:
        tab.wait_for_selector("body[data-wb-ready]")
    page = context.new_page()
    page.goto(server.url + f"drafts/es/{PAGE}.html")
    page.wait_for_selector("body[data-wb-ready]")
    draft = next(b for b in blocks(load_config(server.root), ES, PAGE) if b.state == "draft")
    took = _save_draft(page, draft.translation + " (7 tabs)")
    print(f"save with seven tabs open: {took * 1000:.0f} ms")
    assert entry(server.root, draft.english).msgstr == draft.translation + " (7 tabs)"
    # and the change still reaches every tab that shows this page, through the one stream
    from playwright.sync_api import expect

    for tab in tabs[2::3]:
        expect(tab.locator("main")).to_contain_text("(7 tabs)", timeout=5000)
    assert not errors
    context.close()


def test_live_reload_on_the_index_and_public_pages(server: Server, browser: Any) -> None:
    from playwright.sync_api import Error, expect

    context = browser.new_context()
    errors: list[str] = []
    tabs = {}
    for path in ("", f"en/{PAGE}.html", "drafts/", "drafts/es/index.html"):
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(server.url + path)
        tab.evaluate("window.notReloaded = true")
        tabs[path] = tab
    source = server.root / "source" / "pages" / f"{PAGE}.md"
    text = source.read_text(encoding="utf-8")
    atomic_write(source, text.replace("Tumors can press", "Tumors may press", 1).encode())
    def marked(tab: Any) -> bool:  # (the pages' CSP forbids wait_for_function)
        try:
            return tab.evaluate("window.notReloaded === true") is True
        except Error:  # navigating right now: the reload is under way
            return True

    t0 = time.perf_counter()
    waiting = list(tabs)
    while waiting and time.perf_counter() - t0 < 5:
        waiting = [p for p in waiting if marked(tabs[p])]
        time.sleep(0.05)
    assert waiting == [], f"not reloaded: {waiting}"
    expect(tabs[f"en/{PAGE}.html"].locator("main")).to_contain_text("Tumors may press")
    assert not errors
    context.close()


def test_error_page_recovers_by_itself(server: Server, browser: Any) -> None:
    po = page_po(server.root)
    good = po.read_bytes()
    atomic_write(po, good.replace(b'msgid "', b'msgid "\\q', 3))  # an invalid escape
    time.sleep(0.3)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url + f"drafts/es/{PAGE}.html")
    assert "cannot be shown yet" in page.locator("h1").inner_text()
    assert f"locale/es/LC_MESSAGES/{PAGE}.po:" in page.locator("body").inner_text()
    atomic_write(po, good)
    page.wait_for_selector("body[data-wb-ready]", timeout=5000)  # reloaded: the panel is up
    assert not errors


def test_every_block_that_awaits_a_person_is_marked(server: Server, browser: Any) -> None:
    """Machine drafts, an outdated translation (its English changed) and new English."""
    from playwright.sync_api import expect

    source = server.root / "source" / "pages" / f"{PAGE}.md"
    text = source.read_text(encoding="utf-8")
    text = text.replace("Tumors can press", "Tumors may press", 1)
    text = text.replace("Treatments may include:", "A new paragraph for the families.\n\n"
                        "Treatments may include:", 1)
    source.write_text(text, encoding="utf-8")
    run = CliRunner().invoke(cli, ["--root", str(server.root), "extract"])
    assert run.exit_code == 0, run.output
    run = CliRunner().invoke(cli, ["--root", str(server.root), "update", "--lang", "es"])
    assert run.exit_code == 0, run.output
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.url + f"drafts/es/{PAGE}.html")
    page.wait_for_selector("body[data-wb-ready]")
    found = blocks(load_config(server.root), ES, PAGE)
    waiting = [b for b in found if b.state != "reviewed"]
    assert sorted({b.state for b in waiting}) == ["draft", "outdated", "untranslated"]
    for state in ("draft", "outdated", "untranslated"):
        marked = page.locator(f".wb-block.wb-{state}")
        expect(marked).to_have_count(sum(b.state == state for b in waiting))
        bar = marked.first.evaluate("n => getComputedStyle(n).boxShadow")
        assert "inset" in bar, (state, bar)
    outdated = page.locator(".wb-block.wb-outdated").first
    outdated.click()
    panel = page.locator(".wb-panel")
    assert "English changed" in panel.locator(".wb-state").inner_text()
    assert panel.locator(".wb-diff ins").first.inner_text() == "may"
    # Skip walks exactly the blocks that wait, in page order, as the gate counts them
    order = [b.index for b in waiting]
    panel.locator(".wb-skip").click()
    at = order.index(next(b.index for b in waiting if b.state == "outdated"))
    if at + 1 < len(order):
        assert panel.locator(".wb-where").inner_text().startswith(f"{order[at + 1] + 1}/")


def test_off_loopback_the_session_starts_from_the_printed_address(site: Path,
                                                                  browser: Any) -> None:
    """``--allow-remote``: the browser opens the one-time address, is sent to the index
    with an HttpOnly cookie, and the panel works with no token in any page."""
    from playwright.sync_api import expect

    server = start_server(site, "--host", "0.0.0.0", "--allow-remote", reach="127.0.0.1")
    try:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server.url + f"drafts/es/{PAGE}.html")
        assert "one-time address" in page.locator("body").inner_text()
        start = server.url.rstrip("/") + "/" + server.start.split("/", 3)[3]
        page.goto(start)
        assert page.url == server.url  # redirected to the index
        cookie = next(c for c in context.cookies() if c["name"] == "pipeline-session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert page.evaluate("document.cookie") == ""  # no script can read it
        page.goto(server.url + f"drafts/es/{PAGE}.html")
        page.wait_for_selector("body[data-wb-ready]")
        assert cookie["value"] not in page.content()
        page.locator(".wb-block.wb-draft").first.click()
        page.locator(".wb-panel .wb-accept").click()
        expect(page.locator(".wb-panel .wb-status")).to_contain_text("accepted")
        assert not errors
        other = browser.new_context().new_page()  # a second browser: the address is spent
        other.goto(start)
        assert "used already" in other.locator("body").inner_text()
        context.close()
    finally:
        server.stop()
