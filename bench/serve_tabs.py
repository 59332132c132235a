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

ARGS = ["--no-sandbox", "--headless"]


def one(browser: object, url: str, *, shared: bool, tabs: int) -> str:
    """Open ``tabs`` previews, then a seventh; save a draft there; say how it went."""
    ctx = browser.new_context()  # type: ignore[attr-defined]
    try:
        if not shared:
            ctx.add_init_script("delete window.SharedWorker")
        for _ in range(tabs):
            ctx.new_page().goto(url + f"drafts/es/{PAGE}.html")
        page = ctx.new_page()
        try:
            page.goto(url + f"drafts/es/{PAGE}.html", timeout=15000)
            page.wait_for_selector("body[data-wb-ready]", timeout=8000)
        except Exception:
            return "the next tab (or its panel) did not load in 15 s"
        page.locator(".wb-block.wb-draft").first.click()
        page.locator(".wb-text").fill("borrador " + str(time.time()))
        t0 = time.perf_counter()
        page.locator(".wb-save").click()
        try:
            expect(page.locator(".wb-status")).to_contain_text("saved", timeout=15000)
        except Exception:
            return "save unanswered after 15 s"
        return f"save answered in {time.perf_counter() - t0:.2f} s"
    finally:
        ctx.close()


def main() -> None:
    server = start_server(Path(sys.argv[1]))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            print("| event stream | other tabs open | result |\n|---|---|---|")
            for shared in (True, False):
                for tabs in (0, 6):
                    said = one(browser, server.url, shared=shared, tabs=tabs)
                    print(f"| {'one per browser' if shared else 'one per tab'} | {tabs} | "
                          f"{said} |")
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
