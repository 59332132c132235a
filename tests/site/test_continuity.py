"""Families keep their language: stories through the CLI, each ending with the count of
public addresses that survived it (the target: all) and a link check of the public tree,
then a reader's crawl in Debian's headless Chromium (``crawl.py``: ``output/`` served on
127.0.0.1, every ``<a href>`` the DOM shows followed from the index, PDFs fetched): no link
answers other than 200, no draft is reached, and every address a reader reached before the
story still answers after it (a deleted page's own addresses are the only ones that may go).

The seed project (es, fr, ar, zh_Hans public; ca, gl previewed) is copied whole, with its
``locale/published.toml``, as a fresh clone would see it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from crawl import CHROMIUM, Browser, Crawl, crawl, fetch, serve
from lxml import html as lxml_html

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
PAGE = "paraspinal-sarcoma-treatment"
PUBLIC = ("es", "fr", "ar", "zh_Hans")
ANCHOR = "If paraspinal sarcoma has spread from other parts of the body, there may be many tumors."
ADDED = "Your care team will explain which tests your child needs."


def make_site(root: Path, formats: str = '["html"]', extra: str = "") -> Path:
    root.mkdir(parents=True)
    text = (REPO / "pyproject.toml").read_text("utf-8")
    settings = text[text.index("[tool.pipeline]"):text.index("[tool.pipeline.engines]")]
    settings = settings.replace('formats = ["html", "pdf"]', f"formats = {formats}")
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "t"\nversion = "0"\n\n{settings}'
        f'base_url = "https://example.org/care/"\n{extra}', "utf-8")
    shutil.copytree(REPO / "source", root / "source", ignore=shutil.ignore_patterns("__py*"))
    shutil.copytree(REPO / "locale", root / "locale", ignore=shutil.ignore_patterns("*.mo"))
    return root


def run(root: Path, *args: str) -> Result:
    from pipeline.cli import cli

    return CliRunner().invoke(cli, ["--root", str(root), *args])


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def urls(root: Path) -> set[str]:
    """Every public address: pages, PDFs and indexes (``output/`` less the previews)."""
    out = root / "output"
    return {p.relative_to(out).as_posix() for p in out.rglob("*")
            if p.suffix in (".html", ".pdf") and "drafts" not in p.relative_to(out).parts}


def broken_links(root: Path) -> list[str]:
    """Relative links of public pages that name no file, and any link into the previews."""
    out, bad = root / "output", []
    for page in sorted(out.rglob("*.html")):
        if "drafts" in page.relative_to(out).parts:
            continue
        for href in lxml_html.parse(str(page)).xpath("//a/@href|//link/@href"):
            target = str(href).replace("https://example.org/care/", "/").split("#")[0]
            if "drafts" in target or (target and ":" not in target and not (
                    (out / target.lstrip("/")) if target.startswith("/")
                    else page.parent / target).exists()):
                bad.append(f"{page.relative_to(out)} → {href}")
    return bad


BASE = "https://example.org/care/"
COUNTS: dict[str, tuple[int, int, int]] = {}  # story → URLs before, still answering, all after


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module's stories."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium "
                    "(scripts/setup.sh installs it)")
    chromium = Browser()
    yield chromium
    chromium.close()
    print("\npublic URLs: answering before → of those still answering after (all after):")
    for story, (before, kept, after) in COUNTS.items():
        print(f"  {story}: {before} → {kept} ({after})")


# The test page visiting-hours.md links to ../policies/visitors.md, a file no project holds:
# publish passes it through, a reader's 404 (test_publish_never_links_to_a_missing_file).
AUTHOR_LINK = "en/visiting-hours.html → policies/visitors.md: 404"


def reader_crawl(browser: Browser, root: Path, bookmarks: AbstractSet[str] = frozenset(),
                 author_links: tuple[str, ...] = ()) -> Crawl:
    """The crawl of ``root``'s public tree from its index, then from every public file and
    ``bookmarks`` as a reader arriving from outside: no link or bookmark answers anything
    but 200 (but ``author_links``, known faults of a page's own text), no draft is
    reached, and a public file no link reaches is a short page."""
    found = crawl(browser, root / "output", BASE, urls(root) | bookmarks)
    assert [b for b in found.broken if b not in author_links] == [] and found.drafts == []
    assert found.reached == urls(root)  # what answers is exactly what publish wrote
    unlinked = {u for u in urls(root) - found.linked if u.endswith(".html")}
    assert unlinked <= found.noindex, sorted(unlinked - found.noindex)
    return found


def survives(story: str, browser: Browser, root: Path, before: Crawl,
             may_go: str = "") -> Crawl:
    """Crawl after the story: every URL that answered before still answers (``may_go``: a
    page name whose own addresses are allowed to leave, and then must answer 404)."""
    gone = {u for u in before.reached if may_go and may_go in u}
    after = reader_crawl(browser, root, before.reached - gone)
    with serve(root / "output") as base:
        assert {fetch(base + u)[0] for u in gone} <= {404}
    COUNTS[story] = (len(before.reached), len(before.reached & after.reached),
                     len(after.reached))
    return after


def add_sentence(root: Path, *, extract: bool = True) -> None:
    page = root / "source" / "pages" / f"{PAGE}.md"
    page.write_text(page.read_text("utf-8").replace(ANCHOR, f"{ANCHOR}\n\n{ADDED}"), "utf-8")
    if extract:
        ok(run(root, "extract"))
        ok(run(root, "update"))


def review_site_strings(root: Path, lang: str) -> None:
    """A translator accepts the drafts of the notice and short page in ``lang``."""
    path = root / "locale" / lang / "LC_MESSAGES" / "site.po"
    po = polib.pofile(str(path))
    for e in po:
        if "fuzzy" in e.flags and e.msgstr:
            e.flags.remove("fuzzy")
    po.save()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("cont") / "site")
    ok(run(root, "publish", "--all"))
    return root


@pytest.fixture
def site(published: Path, tmp_path: Path) -> Path:
    shutil.copytree(published, tmp_path / "site")
    return tmp_path / "site"


def test_an_added_sentence_keeps_every_language_at_its_address(site: Path,
                                                               browser: Browser) -> None:
    crawled = reader_crawl(browser, site)
    before = urls(site)
    add_sentence(site)
    result = ok(run(site, "publish", "--all"))
    assert "short page" not in result.output and "withdrawn" not in result.output
    assert urls(site) >= before and len(before) == 11  # 11 of 11 addresses survive
    for lang in PUBLIC:
        tree = lxml_html.parse(str(site / "output" / lang / f"{PAGE}.html"))
        (block,) = [p for p in tree.iter("p") if ADDED in p.text_content()]
        assert block.get("lang") == "en"  # marked English, set apart by the stylesheet
        (notice,) = tree.xpath("//p[@class='fallback-note']")
        assert "updated in English on November 25, 2026" in notice.text_content()
        assert notice.xpath(".//span[@lang='en']")  # its translation awaits review
        assert tree.xpath("//link[@hreflang='en']")  # still in the alternates
    assert broken_links(site) == []
    sitemap = (site / "output" / "sitemap.xml").read_text("utf-8")
    assert all(f"/{lang}/{PAGE}.html" in sitemap for lang in PUBLIC)
    survives("added sentence", browser, site, crawled)


def test_the_notice_is_in_the_readers_language_once_reviewed(site: Path,
                                                             browser: Browser) -> None:
    crawled = reader_crawl(browser, site)
    review_site_strings(site, "es")
    add_sentence(site)
    ok(run(site, "publish", "--lang", "es"))
    tree = lxml_html.parse(str(site / "output" / "es" / f"{PAGE}.html"))
    (notice,) = tree.xpath("//p[@class='fallback-note']")
    assert notice.text_content() == ("Partes de esta página se actualizaron en inglés el 25 de "
                                     "noviembre de 2026 y se están traduciendo.")
    survives("reviewed notice (es only)", browser, site, crawled)


def test_withdraw_replaces_the_page_by_a_short_page_at_the_same_address(
        tmp_path: Path, browser: Browser) -> None:
    site = make_site(tmp_path / "site", '["html", "pdf"]', 'outdated = "withdraw"\n')
    ok(run(site, "publish", "--all"))
    crawled = reader_crawl(browser, site)
    before = urls(site)
    review_site_strings(site, "es")
    add_sentence(site)
    result = ok(run(site, "publish", "--all"))
    assert f"short page: es ({PAGE})" in result.stderr and 'outdated = "withdraw"' in result.stderr
    assert urls(site) == before and len(before) == 16  # 16 of 16 addresses survive
    es = site / "output" / "es" / f"{PAGE}.html"
    tree = lxml_html.parse(str(es))
    assert tree.getroot().get("lang") == "es"
    assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert tree.xpath("//link[@rel='alternate']") == []
    assert "La versión en inglés de esta página ha cambiado" in es.read_text("utf-8")
    assert tree.xpath("//a[@hreflang='en']/@href") == [
        f"https://example.org/care/en/{PAGE}.html"]
    assert ADDED not in es.read_text("utf-8")
    sitemap = (site / "output" / "sitemap.xml").read_text("utf-8")
    assert f"/es/{PAGE}.html" not in sitemap and f"/en/{PAGE}.html" in sitemap
    english = (site / "output" / "en" / f"{PAGE}.html").read_text("utf-8")
    assert 'hreflang="es"' not in english  # the short page is in no page's alternates
    pdf = (site / "output" / "es" / f"{PAGE}.pdf").read_bytes()
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1 and "versión en inglés" in reader.pages[0].extract_text()
    assert broken_links(site) == []
    published = (site / "locale" / "published.toml").read_text("utf-8")
    assert f'es = ["{PAGE}"]' in published  # still public: back in full once reviewed
    after = survives('outdated = "withdraw" (html, pdf)', browser, site, crawled)
    assert f"es/{PAGE}.html" in after.noindex and f"es/{PAGE}.pdf" in after.reached


def test_below_keep_public_above_a_page_becomes_a_short_page(site: Path,
                                                            browser: Browser) -> None:
    crawled = reader_crawl(browser, site)
    with (site / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write("keep_public_above = 99.5\n")
    before = urls(site)
    add_sentence(site)
    result = ok(run(site, "publish", "--all"))
    assert "keep_public_above is 99.5%" in result.stderr
    assert urls(site) >= before
    assert "noindex" in (site / "output" / "fr" / f"{PAGE}.html").read_text("utf-8")
    survives("below keep_public_above = 99.5", browser, site, crawled)


def test_skipping_extract_never_counts_the_old_template(tmp_path: Path,
                                                       browser: Browser) -> None:
    site = make_site(tmp_path / "site")
    (site / "locale" / "published.toml").unlink()  # es has never been public
    page = site / "source" / "pages" / f"{PAGE}.md"
    page.write_text(page.read_text("utf-8").replace(
        "Paraspinal sarcoma may not have symptoms at first.",
        "Paraspinal sarcoma often has no symptoms at first."), "utf-8")
    ok(run(site, "update"))  # without extract: the template is older than the page
    rows = json.loads(ok(run(site, "status", "--lang", "es", "--json")).stdout)
    row = next(r for r in rows if r["domain"] == PAGE)
    assert row["new"] == 1 and row["stale"] is True and row["verdict"] == "not ready"
    result = run(site, "publish", "--lang", "es")
    assert result.exit_code == 1 and "65 of 66 strings reviewed" in result.output
    assert "1 new" in result.output
    assert not (site / "output" / "es").exists()
    empty = Crawl()  # nothing was public before: the refused publish wrote no public page
    after = survives("skipped extract (es never public)", browser, site, empty) \
        if (site / "output" / "index.html").exists() else empty
    assert not [u for u in after.reached if u.startswith("es/")]


def test_a_deleted_page_stops_gating_and_its_files_go(site: Path, browser: Browser) -> None:
    shutil.copy(DATA / "pages" / "visiting-hours.md", site / "source" / "pages")
    ok(run(site, "extract"))
    ok(run(site, "update"))
    ok(run(site, "publish", "--all"))
    assert (site / "output" / "en" / "visiting-hours.html").exists()
    assert (site / "output" / "drafts" / "ca" / "visiting-hours.html").exists()
    before = urls(site) - {"en/visiting-hours.html"}
    crawled = reader_crawl(browser, site, author_links=(AUTHOR_LINK,))
    assert "en/visiting-hours.html" in crawled.reached
    (site / "source" / "pages" / "visiting-hours.md").unlink()
    assert "removed   locale/visiting-hours.pot" in ok(run(site, "extract")).stdout
    result = ok(run(site, "publish", "--all"))
    assert not [u for u in urls(site) if "visiting-hours" in u]
    assert not list((site / "output" / "drafts").rglob("visiting-hours.*"))
    assert urls(site) == before  # every other address survives
    assert (site / "locale" / "es" / "LC_MESSAGES" / "visiting-hours.po").exists()
    assert "orphaned" in ok(run(site, "status", "--lang", "es")).stdout
    assert "left out" not in result.stderr
    survives("deleted page", browser, site, crawled, may_go="visiting-hours")


def test_require_signoff_keeps_the_site_and_adopt_brings_it_back(site: Path,
                                                                 browser: Browser) -> None:
    crawled = reader_crawl(browser, site)
    before = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    with (site / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write("require_signoff = true\n")
    result = run(site, "publish", "--all")
    assert result.exit_code == 1
    assert "unsigned" in result.stderr and "machine draft" not in result.stderr
    assert "pipeline adopt --reviewer NAME" in result.stderr
    assert result.stderr.strip().count("\n") == 0  # one line
    after = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    assert after == before  # the public tree exactly as it was
    survives("require_signoff on", browser, site, crawled)

    adopted = ok(run(site, "adopt", "--reviewer", "Ana Pérez", "--lang", "es", "--lang", "fr",
                     "--lang", "ar", "--lang", "zh-Hans"))
    assert "signed as adopted by Ana Pérez" in adopted.stdout
    from pipeline.catalog.entry import signoff

    po = polib.pofile(str(site / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"))
    assert sum(1 for e in po if (mark := signoff(e)) and mark.adopted) == 66
    ok(run(site, "publish", "--all"))
    assert {p for p in after} <= {p for p in (site / "output").rglob("*") if p.is_file()}
    survives("require_signoff on, then pipeline adopt", browser, site, crawled)
    es = (site / "output" / "es" / f"{PAGE}.html").read_text("utf-8")
    assert "Reviews made before sign-off was required were attested on" in es
    record = ok(run(site, "record", "--lang", "es", "--output", str(site / "record.json")))
    assert record.exit_code == 0
    data = json.loads((site / "record.json").read_text("utf-8"))
    assert data["summary"]["adopted"] == 74 and "adopted" in data["summary"]["text"]


@pytest.mark.xfail(strict=True, reason=(
    "publish passes a page's relative link to a file that is not published "
    "(visiting-hours.md: [visitor policy](../policies/visitors.md)) to the public page "
    "unchanged and exits 0: en/visiting-hours.html links to policies/visitors.md, which "
    "answers 404; neither extract nor publish reports it"))
def test_publish_never_links_to_a_missing_file(site: Path, browser: Browser) -> None:
    shutil.copy(DATA / "pages" / "visiting-hours.md", site / "source" / "pages")
    ok(run(site, "extract"))
    ok(run(site, "update"))
    result = ok(run(site, "publish", "--all"))
    found = crawl(browser, site / "output", BASE)
    assert found.broken == [] or "visitors.md" in result.output, found.broken
