"""The in-context review in Debian's Chromium driven by Playwright: open a block, edit,
accept, the ``.po`` signed on disk; an edit made meanwhile in the file is a conflict, never
overwritten; a save in an editor reloads the page."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

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
)

from pipeline.catalog.entry import is_reviewed
from pipeline.config import load_config
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


