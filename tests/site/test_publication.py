"""The publication model, scenario by scenario through the CLI: the public tree shows reviewed
text only, drafts are private noindex previews, outdated translations never stay online,
removed pages and languages leave ``output/``, only configured languages are published.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from test_publish import edit_po, parse_html, set_msgstr, text_of

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
PAGE = "paraspinal-sarcoma-treatment"
SOURCE = Path("source/pages") / f"{PAGE}.md"
NO_TRIALS = "There are no open clinical trials at this time."
NO_TRIALS_ES = "En este momento no hay ensayos clínicos abiertos."
LEAK = "Actualmente hay ensayos clínicos abiertos."  # the unreviewed draft: says the opposite
RATIO_OLD = "The nurse-to-patient ratio at St. Jude is about 1:3"
CONFIG = """\
[project]
name = "publication-test"
version = "0"

[tool.pipeline]
languages = ["es", "fr", "ca", "gl"]
formats = ["html"]
site_name = "St. Jude Children's Research Hospital"
{extra}"""


def make_site(root: Path, extra: str = "") -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(CONFIG.format(extra=extra), "utf-8")
    shutil.copytree(REPO / "source", root / "source",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "locale", root / "locale", ignore=shutil.ignore_patterns("*.mo"))
    return root


def run(root: Path, *args: str) -> Result:
    from pipeline.cli import cli

    return CliRunner().invoke(cli, ["--root", str(root), "-q", *args])


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def public_files(root: Path) -> dict[str, bytes]:
    """Every file of the public tree (``output/`` less ``output/drafts/``)."""
    out = root / "output"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.relative_to(out).as_posix().startswith("drafts/")}


def public_text(root: Path) -> str:
    return "\n".join(data.decode("utf-8") for name, data in public_files(root).items()
                     if name.endswith((".html", ".xml")))


def links(page: Path) -> list[str]:
    tree = parse_html(page)
    return [str(el.get("href")) for el in tree.iter() if isinstance(el.tag, str)
            and el.get("href") is not None]


def make_draft(root: Path, lang: str, msgid: str, text: str) -> None:
    """One reviewed entry becomes a machine draft (as an English edit + translate leave it)."""
    def change(entry: polib.POEntry) -> None:
        entry.msgstr = text
        entry.flags.append("fuzzy")
        entry.tcomment = "machine translation: apertium en→es, 2026-11-29"

    edit_po(root / "locale" / lang / "LC_MESSAGES" / f"{PAGE}.po", {msgid: change})


def change_english(root: Path, old: str, new: str) -> None:
    """Edit the English page, then extract and update (the publisher's workflow)."""
    page = root / SOURCE
    text = page.read_text("utf-8")
    assert text.count(old) == 1, old
    page.write_text(text.replace(old, new), "utf-8")
    ok(run(root, "extract"))
    ok(run(root, "update"))


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """es and fr published (HTML), ca and gl previewed."""
    root = make_site(tmp_path_factory.mktemp("pub") / "site")
    ok(run(root, "publish", "--lang", "es", "--lang", "fr"))
    ok(run(root, "publish", "--lang", "ca", "--lang", "gl", "--draft"))
    return root


@pytest.fixture
def site(published: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(published, root)
    return root


# --- 1. the public tree holds reviewed content only ----------------------------------------------


def test_the_leak_sequence_leaves_no_draft_on_any_public_page(site: Path) -> None:
    """publish es; one es entry becomes a draft; publish --lang ca --draft; publish es."""
    es = site / "output" / "es" / f"{PAGE}.html"
    assert NO_TRIALS_ES in es.read_text("utf-8")
    make_draft(site, "es", NO_TRIALS, LEAK)
    before = public_files(site)
    ok(run(site, "publish", "--lang", "ca", "--draft"))
    assert public_files(site) == before  # a preview never touches the public site
    assert LEAK not in public_text(site)
    # the draft is in es's own preview only when es is previewed, never elsewhere
    assert LEAK not in (site / "output" / "drafts" / "ca" / f"{PAGE}.html").read_text("utf-8")

    result = run(site, "publish", "--lang", "es")
    assert result.exit_code == 0, result.output  # es keeps its address …
    assert LEAK not in public_text(site) and NO_TRIALS_ES not in public_text(site)
    es_page = parse_html(es)  # … with the block whose translation is a draft in English
    (block,) = [p for p in es_page.iter("p") if text_of(p) == NO_TRIALS]
    assert block.get("lang") == "en"
    # es's own preview shows the draft, marked; the public site still does not
    result = run(site, "publish", "--lang", "es", "--draft")
    assert result.exit_code == 0, result.output
    assert LEAK in (site / "output" / "drafts" / "es" / f"{PAGE}.html").read_text("utf-8")
    assert LEAK not in public_text(site)


def test_publishing_one_language_changes_others_only_in_their_links(site: Path) -> None:
    fr = site / "output" / "fr" / f"{PAGE}.html"
    before = fr.read_text("utf-8")
    config = site / "pyproject.toml"
    config.write_text(config.read_text("utf-8").replace('"gl"]', '"gl", "ar"]'), "utf-8")
    ok(run(site, "publish", "--lang", "ar"))
    after = fr.read_text("utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    gone = [line for line in before.splitlines() if line not in after.splitlines()]
    assert gone == [] and added and all('hreflang="ar"' in line for line in added), added


# --- 2. drafts are private previews --------------------------------------------------------------


def test_drafts_are_noindex_previews_linked_from_no_public_page(published: Path) -> None:
    out = published / "output"
    for lang in ("ca", "gl"):
        page = out / "drafts" / lang / f"{PAGE}.html"
        tree = parse_html(page)
        assert tree.find(".//meta[@name='robots']").get("content") == "noindex"
        assert tree.xpath("//link[@rel='alternate' or @rel='canonical']") == []
        switcher = {a.get("hreflang") for a in tree.xpath("//nav[@class='language-switcher']//a")}
        assert switcher == {"ca", "gl"}  # previews only
        assert not (out / lang).exists()
    index = parse_html(out / "drafts" / "index.html")
    assert index.find(".//meta[@name='robots']").get("content") == "noindex"
    for name, data in public_files(published).items():
        text = data.decode("utf-8", "replace")
        assert "drafts/" not in text, name
        assert not re.search(r'hreflang="(ca|gl)"', text), name
        assert "Català" not in text and "Galego" not in text, name


def test_the_banner_is_reviewed_text_or_english_never_a_fuzzy_string(published: Path) -> None:
    site_po = polib.pofile(str(published / "locale" / "gl" / "LC_MESSAGES" / "site.po"))
    fuzzy = [e.msgstr for e in site_po if "fuzzy" in e.flags and e.msgstr]
    assert fuzzy  # the gl site catalog is all machine drafts
    page = published / "output" / "drafts" / "gl" / f"{PAGE}.html"
    tree = parse_html(page)
    banner = tree.find(".//div[@class='draft-banner']")
    assert banner is not None and banner.get("role") == "note"
    # inside main, before the text: the skip link lands on it
    main = tree.find(".//main")
    assert banner.getparent() is main and main.index(banner) == 0
    assert [s.get("lang") for s in banner.iter("span")] == ["en", "en"]
    assert text_of(banner).startswith("Draft — Machine translation, not reviewed.")
    chrome = text_of(tree.find(".//body")).replace(text_of(tree.find(".//article")), "")
    for text in fuzzy:
        assert " ".join(text.split()) not in chrome, text
    skip = tree.find(".//a[@class='skip-link']")
    assert skip.find("span").get("lang") == "en"


# --- 3. outdated translations never stay online --------------------------------------------------


@pytest.mark.parametrize("policy", ["english", "withdraw"])
def test_an_english_change_shows_english_or_a_short_page(site: Path, policy: str) -> None:
    if policy == "withdraw":
        with (site / "pyproject.toml").open("a", encoding="utf-8") as fh:
            fh.write('outdated = "withdraw"\n')
    change_english(site, "about 1:3 in hematology", "about 1:4 in hematology")
    po = polib.pofile(str(site / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"))
    entry = next(e for e in po if "1:4" in e.msgid)
    assert "fuzzy" in entry.flags and RATIO_OLD in entry.previous_msgid
    result = run(site, "publish", "--lang", "es")
    es = site / "output" / "es" / f"{PAGE}.html"
    if policy == "english":
        assert result.exit_code == 0, result.output
        tree = parse_html(es)
        item = [li for li in tree.iter("li") if "1:4" in text_of(li)]
        assert len(item) == 1 and item[0].get("lang") == "en"
        assert "1:3" not in es.read_text("utf-8")  # the old translation is gone
        note = tree.find(".//p[@class='fallback-note']")
        assert note is not None and note.get("lang") is None
        assert "were updated in English on" in text_of(note)  # English until reviewed
        assert note.getparent().tag == "main"
    else:  # the page is replaced by a short page at the same address, never removed
        assert result.exit_code == 0, result.output
        assert 'outdated = "withdraw"' in result.stderr
        assert 'content="noindex"' in es.read_text("utf-8")
        english = (site / "output" / "en" / f"{PAGE}.html").read_text("utf-8")
        assert 'hreflang="es"' not in english
    # fr was published too: it is refreshed the same way, never left saying 1:3
    fr = site / "output" / "fr" / f"{PAGE}.html"
    assert "1:3" not in public_text(site)
    assert fr.exists()


def test_new_english_not_yet_translated_keeps_public_languages_public(site: Path) -> None:
    change_english(site, "There are no open clinical trials at this time.",
                   "There are no open clinical trials at this time.\n\n"
                   "A new study opens in 2027.")
    result = run(site, "publish", "--all")
    assert result.exit_code == 1  # ca and gl, never public, are not ready
    assert "not ready, not published: ca, gl" in result.stderr
    for lang in ("es", "fr"):
        page = (site / "output" / lang / f"{PAGE}.html").read_text("utf-8")
        assert '<p lang="en">A new study opens in 2027.</p>' in page
    assert "A new study opens in 2027." in (site / "output" / "en" / f"{PAGE}.html").read_text(
        "utf-8")


# --- removed pages and languages -----------------------------------------------------------------


def test_a_removed_page_and_a_removed_language_disappear(site: Path) -> None:
    shutil.copy(DATA / "pages" / "visiting-hours.md", site / "source" / "pages")
    ok(run(site, "publish", "--lang", "es"))
    assert (site / "output" / "en" / "visiting-hours.html").is_file()
    assert not (site / "output" / "es" / "visiting-hours.html").exists()  # no template yet
    (site / "source" / "pages" / "visiting-hours.md").unlink()
    config = site / "pyproject.toml"
    config.write_text(config.read_text("utf-8").replace('"fr", ', ""), "utf-8")
    result = run(site, "publish", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert "withdrawn: fr: no longer in [tool.pipeline] languages" in result.stderr
    assert not (site / "output" / "en" / "visiting-hours.html").exists()
    assert not (site / "output" / "fr").exists()
    text = public_text(site)
    assert "visiting-hours" not in text and 'hreflang="fr"' not in text
    from pipeline.cli import cli

    again = CliRunner().invoke(cli, ["--root", str(site), "publish", "--lang", "es"])
    assert again.exit_code == 0 and "removed" not in again.stdout  # nothing left to remove


def test_removals_are_reported(site: Path) -> None:
    from pipeline.cli import cli

    config = site / "pyproject.toml"
    config.write_text(config.read_text("utf-8").replace('"fr", ', ""), "utf-8")
    result = CliRunner().invoke(cli, ["--root", str(site), "publish", "--lang", "es"])
    assert result.exit_code == 0, result.output
    assert f"removed    output/fr/{PAGE}.html" in result.stdout
    assert "removed    output/fr/index.html" in result.stdout


# --- 4. only configured languages; preview_only --------------------------------------------------


@pytest.mark.parametrize("draft", [False, True])
def test_an_unconfigured_language_is_refused_with_the_fix(site: Path, draft: bool) -> None:
    before = public_files(site)
    result = run(site, "publish", "--lang", "de", *(["--draft"] if draft else []))
    assert result.exit_code == 2
    assert "de is not in [tool.pipeline] languages (es, fr, ca, gl)" in result.stderr
    assert "pipeline init --lang de" in result.stderr
    assert result.stderr.count("\n") == 1
    assert public_files(site) == before and not (site / "output" / "drafts" / "de").exists()


def test_preview_only_languages_are_previewed_and_publish_all_exits_0(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", 'preview_only = ["ca", "gl"]\n')
    result = run(root, "publish", "--all")
    assert result.exit_code == 0, result.output
    out = root / "output"
    assert {p.name for p in out.iterdir() if p.is_dir()} == {"assets", "drafts", "en", "es",
                                                             "fr"}
    assert {p.name for p in (out / "drafts").iterdir() if p.is_dir()} == {"assets", "ca", "gl"}
    refused = run(root, "publish", "--lang", "ca")
    assert refused.exit_code == 2 and "ca is preview_only" in refused.stderr
    assert "--draft" in refused.stderr


# --- 5. site essentials --------------------------------------------------------------------------


def test_pdf_link_language_index_sitemap_and_canonical(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", 'base_url = "https://example.org/care"\n')
    config = root / "pyproject.toml"
    config.write_text(config.read_text("utf-8").replace('formats = ["html"]',
                                                        'formats = ["html", "pdf"]'), "utf-8")
    ok(run(root, "publish", "--lang", "es", "--format", "html"))
    out = root / "output"
    es = parse_html(out / "es" / f"{PAGE}.html")
    assert es.find(".//link[@rel='canonical']").get("href") == (
        f"https://example.org/care/es/{PAGE}.html")
    alternates = {x.get("hreflang"): x.get("href") for x in es.xpath("//link[@rel='alternate']")}
    # fr is public too: locale/published.toml (project state) says it passed its first
    # publication, so publishing es brings the whole public tree in line
    assert alternates == {"en": f"https://example.org/care/en/{PAGE}.html",
                          "es": f"https://example.org/care/es/{PAGE}.html",
                          "fr": f"https://example.org/care/fr/{PAGE}.html",
                          "x-default": f"https://example.org/care/en/{PAGE}.html"}
    hrefs = links(out / "es" / f"{PAGE}.html")
    assert f"{PAGE}.pdf" in hrefs and "index.html" in hrefs
    index = parse_html(out / "es" / "index.html")
    assert index.get("lang") == "es"
    assert [text_of(a) for a in index.xpath("//main//a")] == [
        "Tratamiento del sarcoma paraespinal", "PDF"]
    root_index = links(out / "index.html")
    assert "es/index.html" in root_index and "en/index.html" in root_index
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert f"<loc>https://example.org/care/es/{PAGE}.html</loc>" in sitemap
    assert 'hreflang="x-default"' in sitemap and "drafts" not in sitemap
    from lxml import etree

    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    assert len(etree.fromstring(sitemap.encode()).findall(f"{ns}url")) == 3  # en, es, fr


def test_untranslated_template_strings_are_marked_english(site: Path) -> None:
    edit_po(site / "locale" / "es" / "LC_MESSAGES" / "site.po",
            {"Skip to Main Content": set_msgstr("")})
    config = site / "pyproject.toml"
    config.write_text(config.read_text("utf-8") + "min_reviewed = 90\n", "utf-8")
    ok(run(site, "publish", "--lang", "es"))
    skip = parse_html(site / "output" / "es" / f"{PAGE}.html").find(".//a[@class='skip-link']")
    span = skip.find("span")
    assert span is not None and span.get("lang") == "en"
    assert text_of(span) == "Skip to Main Content"


# --- byte stability ------------------------------------------------------------------------------


def test_the_public_site_is_the_same_bytes_wherever_and_whenever_it_is_made(
        tmp_path: Path) -> None:
    trees = []
    for name in ("a", "b"):
        root = make_site(tmp_path / name / "site")
        config = root / "pyproject.toml"
        config.write_text(config.read_text("utf-8").replace('formats = ["html"]',
                                                            'formats = ["html", "pdf"]'), "utf-8")
        ok(run(root, "publish", "--lang", "es", "--jobs", "1" if name == "a" else "2"))
        trees.append(public_files(root))
    assert trees[0] == trees[1]
    assert len([n for n in trees[0] if n.endswith(".pdf")]) == 3  # en, es and fr (published)


def test_no_pdf_ends_on_a_page_holding_only_the_footer(tmp_path: Path) -> None:
    import pypdf

    root = make_site(tmp_path / "site", 'preview_only = ["ca", "gl"]\n')
    config = root / "pyproject.toml"
    config.write_text(config.read_text("utf-8").replace('formats = ["html"]',
                                                        'formats = ["pdf"]'), "utf-8")
    ok(run(root, "publish", "--all"))
    pdfs = [root / "output" / lang / f"{PAGE}.pdf" for lang in ("en", "es", "fr")]
    pdfs += [root / "output" / "drafts" / lang / f"{PAGE}.pdf" for lang in ("ca", "gl")]
    for pdf in pdfs:
        last = len(pypdf.PdfReader(pdf).pages)
        text = subprocess.run(["pdftotext", "-f", str(last), "-l", str(last), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        words = [w for w in text.split() if not re.fullmatch(r"\d+|/", w)]
        footer = {"St.", "Jude", "Children's", "Research", "Hospital"}
        body = [w for w in words if w not in footer]
        assert len(body) > 15, (pdf, text)  # the end of the text, not only the footer


def test_previews_can_go_to_another_folder(site: Path, tmp_path: Path) -> None:
    before = public_files(site)
    elsewhere = tmp_path / "previews"
    ok(run(site, "publish", "--lang", "es", "--draft", "--preview-dir", str(elsewhere)))
    page = elsewhere / "es" / f"{PAGE}.html"
    assert 'content="noindex"' in page.read_text("utf-8")
    assert (elsewhere / "assets" / "screen.css").is_file() and (elsewhere / "index.html").is_file()
    assert public_files(site) == before
