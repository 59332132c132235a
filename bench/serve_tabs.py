"""``pipeline serve`` with many tabs open: the time from "Save draft" to the panel saying so,
with one event stream per browser (the SharedWorker) and, for comparison, one per tab (the
SharedWorker removed, as before). Needs Debian's Chromium and Playwright.

Run: .venv/bin/python bench/serve_tabs.py SITE   (a project whose es catalog has drafts)
"""
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "review" / "serve")]
from playwright.sync_api import expect, sync_playwright  # noqa: E402
from serving import PAGE, start_server  # noqa: E402

root = Path(sys.argv[1])
srv = start_server(root)
try:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless"])
        for shared in (True, False):
            for tabs in (0, 6):
                ctx = b.new_context()
                if not shared:
                    ctx.add_init_script("delete window.SharedWorker")
                for n in range(tabs):
                    t = ctx.new_page(); t.goto(srv.url + f"drafts/es/{PAGE}.html")
                pg = ctx.new_page()
                try:
                    pg.goto(srv.url + f"drafts/es/{PAGE}.html", timeout=15000)
                    pg.wait_for_selector("body[data-wb-ready]", timeout=8000)
                except Exception:
                    print(f"shared={shared} tabs={tabs}: the seventh tab or its panel never loaded in 15 s")
                    ctx.close(); continue
                pg.locator(".wb-block.wb-draft").first.click()
                pg.locator(".wb-text").fill("borrador " + str(time.time()))
                t0 = time.perf_counter()
                pg.locator(".wb-save").click()
                try:
                    expect(pg.locator(".wb-status")).to_contain_text("saved", timeout=15000)
                    print(f"shared={shared} tabs={tabs}: save answered in {time.perf_counter()-t0:.2f} s")
                except Exception as exc:
                    print(str(exc)[:300]); print(f"shared={shared} tabs={tabs}: save unanswered after 15 s")
                ctx.close()
        b.close()
finally:
    srv.stop()
