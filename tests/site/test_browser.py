"""The published site in a real browser (Debian's headless Chromium): the public site's links,
followed from its index as a reader would, never reach a draft and never break; a draft
preview, banner included, has no WCAG 2.1 AA violation by axe-core (npm, ``tests/js``).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
PAGE = "paraspinal-sarcoma-treatment"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (scripts/setup.sh installs it)")
needs_axe = pytest.mark.skipif(
    not AXE.exists(), reason="axe-core is not installed: run 'npm ci' in tests/js")


def browser_dom(page: Path, profile: Path) -> str:
    """The DOM Chromium built for ``page`` once its scripts settled (``--dump-dom``)."""
    profile.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-quic", f"--user-data-dir={profile}", "--allow-file-access-from-files",
         "--virtual-time-budget=20000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(profile)})
    assert proc.stdout.strip(), proc.stderr[-2000:]
    return proc.stdout


HREF = re.compile(r'<(?:a|link)\b[^>]*?\shref="([^"]*)"', re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed published as shipped: es, fr, ar, zh-Hans public; ca, gl previews."""
    root = tmp_path_factory.mktemp("browser") / "site"
    root.mkdir()
    text = (REPO / "pyproject.toml").read_text("utf-8")
    (root / "pyproject.toml").write_text(text, "utf-8")
    shutil.copytree(REPO / "source", root / "source")
    shutil.copytree(REPO / "locale", root / "locale", ignore=shutil.ignore_patterns("*.mo"))
    result = CliRunner().invoke(cli, ["--root", str(root), "-q", "publish", "--all"])
    assert result.exit_code == 0, result.output
    return root


@needs_chromium
def test_the_public_sites_links_never_reach_a_draft_or_a_missing_file(site: Path,
                                                                        tmp_path: Path) -> None:
    out = (site / "output").resolve()
    drafts = out / "drafts"
    start = out / "index.html"
    seen, queue, targets = {start}, deque([start]), set()
    while queue:
        page = queue.popleft()
        dom = browser_dom(page, tmp_path / "profile")
        for href in HREF.findall(dom):
            url = urljoin(page.as_uri(), html.unescape(href))
            parts = urlsplit(url)
            if parts.scheme != "file":
                continue  # the page's own links to the hospital's site, tel:, mailto:
            target = Path(unquote(parts.path))
            targets.add(target)
            assert not target.is_relative_to(drafts), f"{page} links to a draft: {href}"
            assert target.exists(), f"{page} links to a missing file: {href}"
            if target.suffix == ".html" and target not in seen:
                seen.add(target)
                queue.append(target)
    public = {p for p in out.rglob("*.html") if not p.is_relative_to(drafts)}
    assert seen == public  # every public page is reached from the index, nothing else
    assert {p.parent.name for p in seen if p.name == f"{PAGE}.html"} == {
        "en", "es", "fr", "ar", "zh_Hans"}
    assert any(t.suffix == ".pdf" for t in targets)  # pages link to their PDFs


def axe_violations(page: Path, profile: Path, tags: list[str]) -> list[dict[str, object]]:
    """axe-core's violations of ``tags`` on ``page``, run in Chromium: a copy of the page
    beside it (same relative links) with axe and a script that writes the result into the
    DOM, which ``--dump-dom`` returns."""
    probe = page.with_name(f".axe-{page.name}")
    script = (
        f'<script src="{AXE.as_uri()}"></script><script>'
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(tags)}}}}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.html)})), e => [{id: 'axe-error', impact: String(e),"
        " nodes: []}])"
        ".then(found => { const pre = document.createElement('pre'); pre.id = 'axe-result';"
        " pre.textContent = JSON.stringify(found); document.documentElement.append(pre); });"
        "</script>")
    text = page.read_text("utf-8")
    probe.write_text(text.replace("</body>", f"{script}</body>"), "utf-8")
    try:
        dom = browser_dom(probe, profile)
    finally:
        probe.unlink()
    found = re.search(r'<pre id="axe-result">(.*?)</pre>', dom, re.S)
    assert found, dom[-1500:]
    result: list[dict[str, object]] = json.loads(html.unescape(found.group(1)))
    return result


@needs_chromium
@needs_axe
@pytest.mark.parametrize("lang", ["gl", "ca"])
def test_a_draft_preview_banner_included_has_no_wcag_21_aa_violation(
        site: Path, tmp_path: Path, lang: str) -> None:
    page = site / "output" / "drafts" / lang / f"{PAGE}.html"
    assert 'class="draft-banner" role="note"' in page.read_text("utf-8")
    assert axe_violations(page, tmp_path / "profile", WCAG_21_AA) == []
    # and axe's best practice: all content, the banner too, inside landmarks
    assert axe_violations(page, tmp_path / "profile", ["best-practice"]) == []


@needs_chromium
@needs_axe
def test_public_pages_and_indexes_have_no_wcag_21_aa_violation(site: Path,
                                                                tmp_path: Path) -> None:
    out = site / "output"
    for page in (out / "index.html", out / "es" / "index.html", out / "ar" / f"{PAGE}.html",
                 out / "drafts" / "index.html"):
        assert axe_violations(page, tmp_path / "profile", WCAG_21_AA) == [], page


@needs_chromium
@needs_axe
def test_axe_in_chromium_reports_violations(tmp_path: Path) -> None:
    # control for the checks above: a page with known faults is reported
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html><body><img src="x.png">'
                    '<p style="color:#ccc;background:#fff">faint</p></body></html>', "utf-8")
    found = {str(v["id"]) for v in axe_violations(page, tmp_path / "profile", WCAG_21_AA)}
    assert {"image-alt", "color-contrast", "html-has-lang", "document-title"} <= found
