"""``pipeline publish``: the reviewed Spanish page as HTML and PDF, read back and checked.

One project is published once per module (``published``) and only read by most tests;
tests that change catalogs or config work on their own copy.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import struct
import subprocess
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import html5lib
import polib
import pypdf
import pytest
from babel.dates import format_date
from click.testing import CliRunner, Result
from conftest import GETTEXT
from lxml import etree

REPO = Path(__file__).resolve().parents[2]
PAGE = "paraspinal-sarcoma-treatment"
ES_PO = Path("locale/es/LC_MESSAGES") / f"{PAGE}.po"
SITE_PO = Path("locale/es/LC_MESSAGES/site.po")
CHROMIUM = Path("/usr/bin/chromium")

CONFIG = """\
[project]
name = "publish-test"
version = "0"

[tool.pipeline]
languages = ["es"]
min_reviewed = 100
formats = ["html", "pdf"]
page_size = "{page_size}"
site_name = "St. Jude Children's Research Hospital"
"""

# msgids used by several tests (English source strings of the page)
SYMPTOMS_P = (
    "Paraspinal sarcoma may not have symptoms at first. Symptoms can start gradually or suddenly."
)
LUMP_LI = "A lump or mass near the spine"
OTHER_P = "Other treatment types are in various stages of clinical trials."
NO_TRIALS_P = "There are no open clinical trials at this time."
LEARN_P = "Learn more about clinical research at St. Jude."
PAGER_LI = "24-hour pager: [1-800-349-4334](tel:+18003494334)"
CHEMO_LI = (
    "**Chemotherapy (“chemo”):** Uses drugs to kill cancer cells or stop them from spreading."
)
STATUE_ALT = "A statue of children running and holding hands"


# --- helpers -------------------------------------------------------------------------------


def make_project(root: Path, *, page_size: str = "A4") -> Path:
    """A copy of the repository's pages, templates, assets and Spanish catalogs."""
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(CONFIG.format(page_size=page_size), encoding="utf-8")
    shutil.copytree(REPO / "source", root / "source",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (root / "locale").mkdir()
    for path in (REPO / "locale").glob("*"):
        if path.is_file():
            shutil.copy2(path, root / "locale" / path.name)
    shutil.copytree(REPO / "locale" / "es", root / "locale" / "es")
    return root


def run(root: Path, *args: str) -> Result:
    from pipeline.cli import cli

    return CliRunner().invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def edit_po(path: Path, changes: dict[str, Callable[[polib.POEntry], None]]) -> None:
    po = polib.pofile(str(path), wrapwidth=78)
    found = set()
    for entry in po:
        if entry.msgid in changes:
            changes[entry.msgid](entry)
            found.add(entry.msgid)
    assert found == set(changes), f"msgids not in {path.name}: {set(changes) - found}"
    po.save(str(path))


def set_msgstr(text: str) -> Callable[[polib.POEntry], None]:
    def change(entry: polib.POEntry) -> None:
        entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")

    return change


def make_fuzzy(entry: polib.POEntry) -> None:
    entry.flags.append("fuzzy")


def parse_html(path: Path) -> etree._Element:
    tree = html5lib.parse(path.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False)
    return tree.getroot()


def text_of(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def own_text(el: etree._Element) -> str:
    """Text of a block without its nested lists (a list item's own words)."""
    parts = [el.text or ""]
    for child in el:
        if child.tag not in ("ul", "ol"):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def blocks(main: etree._Element) -> list[etree._Element]:
    found: list[etree._Element] = main.xpath(
        ".//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//p|.//li|.//td|.//th")
    return found


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``root`` → (mtime in ns, content)."""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def pdftotext(path: Path, page: int | None = None) -> str:
    """The PDF's text in content-stream order (``-raw`` keeps the rotated watermark)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-raw", *pages, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdffonts(path: Path) -> list[tuple[str, str]]:
    """(font name, emb) for every font in the PDF."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    rows = [line.split() for line in lines[2:] if line.strip()]
    return [(row[0], row[-5]) for row in rows]


def attachments(path: Path) -> int:
    out = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True,
                         check=True).stdout
    match = re.match(r"(\d+) embedded files", out)
    assert match, out
    return int(match.group(1))


def images_in(path: Path) -> int:
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    return len(out[2:])


def page_pixels(pdf: Path, page: int, tmp: Path) -> tuple[int, int, bytes]:
    """Page ``page`` rasterized at 40 dpi: (width, height, RGB bytes) from a binary PPM."""
    prefix = tmp / f"raster-{page}"
    subprocess.run(["pdftoppm", "-r", "40", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(prefix)], check=True)
    data = prefix.with_suffix(".ppm").read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    return int(width), int(height), pixels


def count_colour(pixels: bytes, rgb: tuple[int, int, int], tol: int = 6) -> int:
    n = 0
    for i in range(0, len(pixels) - 2, 3):
        if all(abs(pixels[i + k] - rgb[k]) <= tol for k in range(3)):
            n += 1
    return n


def pdf_catalog(reader: pypdf.PdfReader) -> Any:
    return reader.trailer["/Root"].get_object()


def link_uris(reader: pypdf.PdfReader) -> list[str]:
    """Targets of the PDF's clickable links."""
    uris = []
    for page in reader.pages:
        for ref in page.get("/Annots", []):
            annot: Any = ref.get_object()
            if annot.get("/Subtype") == "/Link":
                uris.append(str(annot["/A"].get("/URI", "")))
    return uris


def outline_titles(outline: Any) -> Iterator[str]:
    for item in outline:
        if isinstance(item, list):
            yield from outline_titles(item)
        else:
            yield str(item.title)


HIGHLIGHT = (0xFF, 0xF1, 0xA8)  # mark.machine in print.css


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project published once with ``publish --lang es`` (HTML and PDF, A4)."""
    root = make_project(tmp_path_factory.mktemp("published") / "site")
    result = run(root, "publish", "--lang", "es")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def copy_of(published: Path, tmp_path: Path) -> Path:
    """A private copy of the published project (mtimes kept) that a test may change."""
    root = tmp_path / "site"
    shutil.copytree(published, root)
    return root


def es_html(root: Path) -> Path:
    return root / "output" / "es" / f"{PAGE}.html"


def es_pdf(root: Path) -> Path:
    return root / "output" / "es" / f"{PAGE}.pdf"


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(RED_PNG)

    def log_message(self, format: str, *args: object) -> None:  # silence
        pass


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\0" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                             0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


RED_PNG = _png(40, 40, (255, 0, 0))


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server on 127.0.0.1 recording every request it receives."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- HTML ------------------------------------------------------------------------------------


def test_publish_writes_both_languages_and_formats(published: Path) -> None:
    out = published / "output"
    for lang in ("en", "es"):
        for ext in ("html", "pdf"):
            assert (out / lang / f"{PAGE}.{ext}").stat().st_size > 1000
    assert (out / "assets" / "screen.css").is_file()
    assert (out / "assets" / "children-statue.svg").is_file()


def test_spanish_html_has_the_english_structure(published: Path) -> None:
    en = parse_html(published / "output" / "en" / f"{PAGE}.html").find(".//main")
    es = parse_html(es_html(published)).find(".//main")
    assert en is not None and es is not None
    for xpath in (".//h1|.//h2|.//h3|.//h4|.//h5|.//h6", ".//li", ".//a", ".//tr", ".//p",
                  ".//img", ".//ul", ".//strong"):
        assert len(en.xpath(xpath)) == len(es.xpath(xpath)), xpath
    assert len(en.xpath(".//h2")) >= 5 and len(en.xpath(".//li")) >= 20
    # same link targets, in the same order
    assert [a.get("href") for a in en.iter("a")] == [a.get("href") for a in es.iter("a")]


def test_spanish_html_lang_dir_title_description(published: Path) -> None:
    root = parse_html(es_html(published))
    assert root.get("lang") == "es" and root.get("dir") == "ltr"
    assert root.findtext(".//title").startswith("Tratamiento del sarcoma paraespinal")
    description = root.find(".//meta[@name='description']").get("content")
    assert description.startswith("El sarcoma paraespinal comienza")
    en_root = parse_html(published / "output" / "en" / f"{PAGE}.html")
    assert en_root.get("lang") == "en" and en_root.get("dir") == "ltr"


def test_hreflang_alternates_point_at_published_pages(published: Path) -> None:
    page = es_html(published)
    links = parse_html(page).xpath("//head/link[@rel='alternate']")
    alternates = {link.get("hreflang"): link.get("href") for link in links}
    assert set(alternates) == {"en", "es", "x-default"}
    assert alternates["x-default"] == alternates["en"]
    for href in alternates.values():
        assert (page.parent / href).resolve().is_file(), href


def test_language_switcher_uses_native_names(published: Path) -> None:
    nav = parse_html(es_html(published)).find(".//nav[@class='language-switcher']")
    assert nav is not None
    assert nav.get("aria-label") == "Elija un idioma"
    links = {text_of(a): a for a in nav.iter("a")}
    assert set(links) == {"English", "Español"}
    assert links["Español"].get("aria-current") == "page"
    assert links["English"].get("aria-current") is None
    assert links["English"].get("lang") == "en" and links["English"].get("hreflang") == "en"
    assert (es_html(published).parent / links["English"].get("href")).resolve().is_file()


def test_updated_date_is_localized_with_babel(published: Path) -> None:
    from pipeline.source import read_page

    updated = read_page(published / "source" / "pages" / f"{PAGE}.md").updated
    assert updated is not None
    es = parse_html(es_html(published)).find(".//p[@class='updated']")
    en = parse_html(published / "output" / "en" / f"{PAGE}.html").find(".//p[@class='updated']")
    assert text_of(es) == f"Última actualización: {format_date(updated, 'long', locale='es')}"
    assert text_of(es) == "Última actualización: 25 de noviembre de 2026"
    assert text_of(en) == "Last updated: November 25, 2026"


def test_skip_link_targets_main(published: Path) -> None:
    root = parse_html(es_html(published))
    body = root.find("body")
    first_link = next(body.iter("a"))
    assert first_link.get("class") == "skip-link"
    assert first_link.get("href") == "#main"
    assert text_of(first_link) == "Ir al contenido principal"
    assert len(root.xpath("//*[@id='main']")) == 1
    assert root.xpath("//*[@id='main']")[0].tag == "main"


def test_reviewed_spanish_page_has_no_english_left(published: Path) -> None:
    en_main = parse_html(published / "output" / "en" / f"{PAGE}.html").find(".//main")
    es_page = parse_html(es_html(published))
    es_main = es_page.find(".//main")
    es_text = text_of(es_page)
    english = [own_text(b) for b in blocks(en_main)]
    # names and numbers ("Fax: 901-595-4011") are the same in both; prose is not
    prose = [t for t in english if len(re.findall(r"[A-Za-z]{3,}", t)) >= 3]
    assert len(prose) >= 40
    left = [t for t in prose if t in es_text]
    assert left == []
    for p in en_main.iter("p"):
        assert text_of(p) not in es_text or len(text_of(p).split()) < 3
    assert es_main.xpath(".//*[@lang]") == []
    assert es_page.find(".//p[@class='fallback-note']") is None
    # editors' notes in the Markdown (<!-- ... -->) are not published
    assert "<!--" not in es_html(published).read_text("utf-8")
    assert "Content owner" not in es_html(published).read_text("utf-8")


def test_index_lists_published_languages(published: Path) -> None:
    index = published / "output" / "index.html"
    links = parse_html(index).xpath("//main//a")
    by_lang = {(a.get("hreflang"), text_of(a)): a.get("href") for a in links}
    assert by_lang[("en", "English")] == f"en/{PAGE}.html"
    assert by_lang[("es", "Español")] == f"es/{PAGE}.html"
    assert by_lang[("es", "PDF")] == f"es/{PAGE}.pdf"
    for href in by_lang.values():
        assert (index.parent / href).is_file()
    assert {a.get("hreflang") for a in links} == {"en", "es"}


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_has_spanish_headings_and_localized_page_numbers(published: Path) -> None:
    text = " ".join(pdftotext(es_pdf(published)).split())
    headings = [text_of(h) for h in parse_html(es_html(published)).xpath(
        "//main//h1|//main//h2|//main//h3|//main//h4")]
    assert len(headings) >= 8
    for heading in headings:
        assert heading in text
    assert "Paraspinal sarcoma symptoms" not in text
    pages = len(pypdf.PdfReader(es_pdf(published)).pages)
    assert f"Página 1 / {pages}" in text
    assert "Ir al contenido principal" not in text  # screen-only parts are hidden in print


def test_pdf_fonts_are_embedded_noto_sans_only(published: Path) -> None:
    for pdf in (es_pdf(published), published / "output" / "en" / f"{PAGE}.pdf"):
        fonts = pdffonts(pdf)
        assert fonts, pdf
        assert all(emb == "yes" for _, emb in fonts), fonts
        names = {name.split("+", 1)[-1] for name, _ in fonts}
        # the Latin page needs nothing but Noto Sans: no CJK fallback for a bullet glyph
        assert names <= {"Noto-Sans", "Noto-Sans-Bold", "Noto-Sans-Italic",
                         "Noto-Sans-Bold-Italic"}, names


def test_pdf_metadata_outline_links_and_size(published: Path) -> None:
    reader = pypdf.PdfReader(es_pdf(published))
    assert reader.metadata is not None
    assert str(reader.metadata.title).startswith("Tratamiento del sarcoma paraespinal")
    assert pdf_catalog(reader)["/Lang"] == "es"
    assert 2 <= len(reader.pages) <= 8
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4

    bookmarks = list(outline_titles(reader.outline))
    headings = [text_of(h) for h in parse_html(es_html(published)).xpath(
        "//main//h1|//main//h2|//main//h3|//main//h4")]
    assert bookmarks == headings
    uris = link_uris(reader)
    assert "tel:+18003494334" in uris and "tel:+18882264343" in uris


def test_pdf_page_size_letter_from_config(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site", page_size="Letter")
    result = run(root, "publish", "--lang", "es", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert not es_html(root).exists()
    box = pypdf.PdfReader(es_pdf(root)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_pdf_has_no_attachments_and_fetches_only_project_files(published: Path) -> None:
    from pipeline.config import load_config, parse_language
    from pipeline.site.pdf import make_fetcher, write_pdf
    from pipeline.site.publish import PageRenderer
    from pipeline.source import read_page

    assert attachments(es_pdf(published)) == 0
    config = load_config(published)
    renderer = PageRenderer(config, formats=("pdf",))
    doc = read_page(config.pages_dir / f"{PAGE}.md")
    langs = [parse_language("en"), parse_language("es")]
    html, _ = renderer.render_html(doc, langs[1], langs, for_pdf=True)
    mapping = {str((config.output_dir / "assets" / n).resolve()): p
               for n, p in renderer.assets.items()}
    fetcher = make_fetcher(config.root / "source", mapping)
    target = es_pdf(published)
    write_pdf(html, target.resolve().as_uri(), fetcher, target)
    assert fetcher.refused == []
    served = {url.rsplit("/", 1)[-1] for url in fetcher.served}
    assert served == {"print.css", "screen.css", "children-statue.svg"}


# --- review gate and drafts ---------------------------------------------------------------------


def test_a_draft_on_a_public_page_shows_that_block_in_english(copy_of: Path) -> None:
    """Once public, a page keeps its address: the block whose translation is a draft shows
    the English, marked, with the notice; reviewed again, the page is as before."""
    machine = polib.pofile(str(copy_of / ES_PO)).find(SYMPTOMS_P).msgstr
    edit_po(copy_of / ES_PO, {SYMPTOMS_P: make_fuzzy})
    before = snapshot(copy_of / "output")
    result = run(copy_of, "publish", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert "(1 blocks in English)" in result.stdout and "removed" not in result.stdout
    root = parse_html(es_html(copy_of))
    (block,) = [p for p in root.iter("p") if text_of(p) == SYMPTOMS_P]
    assert block.get("lang") == "en" and machine not in text_of(root)
    assert root.find(".//p[@class='fallback-note']") is not None
    assert 'hreflang="es"' in (copy_of / "output" / "en" / f"{PAGE}.html").read_text("utf-8")
    edit_po(copy_of / ES_PO, {SYMPTOMS_P: lambda e: e.flags.remove("fuzzy")})
    result = run(copy_of, "publish", "--lang", "es")
    assert result.exit_code == 0, result.output
    for name, (_, data) in before.items():
        if name != ".manifest.json":  # it keys counts by the catalog's (re-saved) bytes
            assert snapshot(copy_of / "output")[name][1] == data, name  # byte for byte


def test_gate_refuses_a_first_publication_below_min_reviewed(copy_of: Path) -> None:
    shutil.rmtree(copy_of / "output")
    (copy_of / "locale" / "published.toml").unlink(missing_ok=True)  # es never public
    edit_po(copy_of / ES_PO, {SYMPTOMS_P: make_fuzzy})
    result = run(copy_of, "publish", "--lang", "es")
    assert result.exit_code == 1
    message = result.stderr
    counts = re.search(r"es: (\d+) of (\d+) strings reviewed", message)
    assert counts, message
    reviewed, total = map(int, counts.groups())
    assert total - reviewed == 1
    assert "1 machine drafts" in message
    assert "pipeline status --lang es" in message and "--draft" in message
    assert "Traceback" not in result.output
    assert not (copy_of / "output" / "es").exists()


def draft_html(root: Path, lang: str = "es") -> Path:
    return root / "output" / "drafts" / lang / f"{PAGE}.html"


def test_draft_marks_machine_strings_banner_watermark_and_english_fallback(
    copy_of: Path, tmp_path: Path
) -> None:
    po = polib.pofile(str(copy_of / ES_PO))
    machine_text = po.find(SYMPTOMS_P).msgstr
    edit_po(copy_of / ES_PO, {SYMPTOMS_P: make_fuzzy, OTHER_P: set_msgstr(""),
                              CHEMO_LI: set_msgstr("")})
    public = snapshot(copy_of / "output")
    result = run(copy_of, "publish", "--lang", "es", "--draft")
    assert result.exit_code == 0, result.output
    assert re.search(r"wrote\s+output/drafts/es/.*\.html \(1 machine drafts marked, 2 blocks "
                     r"in English\)", result.stdout), result.stdout
    # the public site is untouched: a draft is a private preview
    assert {k: v for k, v in snapshot(copy_of / "output").items()
            if not k.startswith("drafts/")} == public
    root = parse_html(draft_html(copy_of))
    assert root.find(".//meta[@name='robots']").get("content") == "noindex"
    assert root.xpath("//link[@rel='alternate' or @rel='canonical']") == []
    marks = root.xpath("//main//mark")
    assert len(marks) == 1
    assert marks[0].get("class") == "machine"
    assert marks[0].get("title") == "Traducción automática, sin revisar"
    assert text_of(marks[0]) == machine_text
    banner = root.find(".//div[@class='draft-banner']")
    assert banner is not None and text_of(banner).startswith("Borrador — Traducción automática")
    assert banner.get("role") == "note" and banner.getparent().tag == "main"
    assert root.findtext(".//title").startswith("Borrador — ")
    assert root.find("body").get("class") == "draft"
    # untranslated blocks: English, tagged so screen readers switch voice
    p = [p for p in root.iter("p") if text_of(p) == OTHER_P]
    assert len(p) == 1 and p[0].get("lang") == "en"
    # a list item with a nested (translated) list: only its own text is English
    span = root.xpath("//main//li/span[@lang='en']")
    assert len(span) == 1 and text_of(span[0]).startswith("Chemotherapy (“chemo”): Uses drugs")
    nested = span[0].getparent().find("ul")
    assert nested is not None and nested.xpath("ancestor-or-self::*[@lang='en']") == []
    assert text_of(nested).startswith("La quimioterapia")
    assert root.xpath("//main//*[@lang='en']") == [span[0], p[0]]
    assert root.find(".//p[@class='fallback-note']") is not None
    # the PDF: the machine string highlighted, the banner tagged text, the watermark an
    # artifact (drawn on every page, absent from the tagged structure)
    pdf = draft_html(copy_of).with_suffix(".pdf")
    pages = len(pypdf.PdfReader(pdf).pages)
    assert pages >= 2
    assert "Traducción automática, sin revisar" in pdftotext(pdf, 1)
    tagged = structure_text(pdf)
    assert tagged.count("Borrador") == 1  # the banner; the watermark is not tagged
    _, _, pixels = page_pixels(pdf, 1, tmp_path)
    assert count_colour(pixels, HIGHLIGHT) > 200
    for n in range(1, pages + 1):
        assert watermark_pixels(pdf, n, tmp_path) > 150, n
    assert watermark_pixels(es_pdf(copy_of), 1, tmp_path) < 60  # the public PDF has none
    assert "up to date" not in result.stdout and "output/en/" not in result.stdout


def structure_text(pdf: Path) -> str:
    """The text of the PDF's tagged structure (what screen readers and reflow read)."""
    return subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True,
                          text=True, check=True).stdout


WATERMARK = (243, 228, 230)  # #9b1b30 at 12 % opacity on white


def watermark_pixels(pdf: Path, page: int, tmp: Path) -> int:
    """Pixels of the watermark's exact tint (anti-aliased text has a few: < 60 a page)."""
    _, _, pixels = page_pixels(pdf, page, tmp)
    return count_colour(pixels, WATERMARK, tol=1)


def test_reviewed_pdf_has_no_highlight(published: Path, tmp_path: Path) -> None:
    _, _, pixels = page_pixels(es_pdf(published), 1, tmp_path)
    assert count_colour(pixels, HIGHLIGHT) == 0


# --- incremental ---------------------------------------------------------------------------------


def test_republish_is_up_to_date_and_a_po_change_rewrites_only_its_language(
    copy_of: Path,
) -> None:
    out = copy_of / "output"
    before = snapshot(out)
    result = run(copy_of, "publish", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("up to date") == 4 and "wrote" not in result.stdout
    assert snapshot(out) == before

    edit_po(copy_of / ES_PO, {LUMP_LI: set_msgstr("Un bulto cerca de la columna vertebral")})
    result = run(copy_of, "publish", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert "wrote      output/es/paraspinal-sarcoma-treatment.html" in result.stdout
    assert "wrote      output/es/paraspinal-sarcoma-treatment.pdf" in result.stdout
    assert result.stdout.count("up to date output/en/") == 2
    after = snapshot(out)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {f"es/{PAGE}.html", f"es/{PAGE}.pdf", ".manifest.json"}
    assert "Un bulto cerca de la columna vertebral" in es_html(copy_of).read_text("utf-8")


# --- hostile translations ------------------------------------------------------------------------

HOSTILE_PAGE = {
    SYMPTOMS_P: "<script>alert(1)</script> <img src=x onerror=alert(1)> síntomas",
    LUMP_LI: "[click](javascript:alert(1)) ![x](file:///etc/passwd) un bulto",
    OTHER_P: '<iframe src="https://example.org/"></iframe>'
             "<style>body{background:url(http://127.0.0.1:9/x)}</style> otros",
    PAGER_LI: "Localizador: [1-800-349-4334](tel:+19005550123)",
    LEARN_P: "Más información en [St. Jude](https://evil.example/)",
    "Fax: 901-595-4011": '<a rel="attachment" href="file:///etc/passwd">Fax</a>'
                         '<link rel="attachment" href="file:///etc/hostname">',
    STATUE_ALT: '"><script>alert(4)</script>',
    "Paraspinal Sarcoma Treatment": "</title><script>alert(5)</script>Tratamiento",
}
HOSTILE_SITE = {
    "Skip to Main Content": "<script>alert(2)</script>Ir al contenido",
    "Choose a language": '"><img src=x onerror=alert(3)>',
    "Last updated: %(date)s": "Actualizado: %(fecha)s 100%",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory,
            server: tuple[str, list[str]]) -> tuple[Path, Result]:
    """A project whose reviewed Spanish catalogs hold hostile translations, published."""
    url, _ = server
    root = make_project(tmp_path_factory.mktemp("hostile") / "site")
    page = dict(HOSTILE_PAGE)
    page[NO_TRIALS_P] = f"![x]({url}/image.png) ensayos"
    edit_po(root / ES_PO, {k: set_msgstr(v) for k, v in page.items()})
    edit_po(root / SITE_PO, {k: set_msgstr(v) for k, v in HOSTILE_SITE.items()})
    result = run(root, "publish", "--lang", "es")
    assert result.exit_code == 0, result.output
    return root, result


def test_hostile_translations_are_inert_in_html(hostile: tuple[Path, Result]) -> None:
    root, _ = hostile
    raw = es_html(root).read_text("utf-8")
    page = parse_html(es_html(root))
    assert page.xpath("//script|//iframe|//object|//embed|//body//style|//body//link") == []
    assert len(page.xpath("//style")) == 1  # the template's own @page rule
    assert page.xpath("//img") == page.xpath("//main//img[@src='../assets/children-statue.svg']")
    for el in page.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name in ("href", "src"):
                assert not re.match(r"\s*(javascript|file|data|vbscript):", value, re.I)
                assert not value.startswith("http"), value
    # shown as text, not dropped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "[click](javascript:alert(1))" in text_of(page)
    assert "alert(2)" in text_of(page.find(".//a[@class='skip-link']"))
    assert page.find(".//nav").get("aria-label") == '"><img src=x onerror=alert(3)>'
    assert page.find(".//main//img").get("alt") == '"><script>alert(4)</script>'
    assert page.findtext(".//title").startswith("</title><script>alert(5)</script>")


def test_link_changing_translations_fall_back_to_english_with_warning(
    hostile: tuple[Path, Result], server: tuple[str, list[str]],
) -> None:
    root, result = hostile
    page = parse_html(es_html(root))
    pager = [li for li in page.iter("li") if text_of(li).startswith("24-hour pager")]
    assert len(pager) == 1 and pager[0].get("lang") == "en"
    assert [a.get("href") for a in pager[0].iter("a")] == ["tel:+18003494334"]
    assert "tel:+19005550123" not in es_html(root).read_text("utf-8")
    learn = [p for p in page.iter("p") if text_of(p) == LEARN_P]
    assert len(learn) == 1 and learn[0].get("lang") == "en"
    trials = [p for p in page.iter("p") if text_of(p) == NO_TRIALS_P]
    assert len(trials) == 1 and trials[0].get("lang") == "en"
    warnings = result.stderr
    assert re.search(r"paraspinal-sarcoma-treatment\.md:\d+: translation changes link "
                     r"targets or images; showing English", warnings)
    # a template string with broken %-placeholders shows English instead of crashing
    assert "Last updated: 25 de noviembre de 2026" in text_of(page)
    assert re.search(r"site\.po:\d+: the translation of .Last updated: %\(date\)s. has other",
                     warnings)
    # once per problem, not per format (the fifth: a translation that adds a URL as text)
    assert warnings.count("showing English") == 5


def test_hostile_pdf_is_inert(hostile: tuple[Path, Result], server: tuple[str, list[str]],
                              published: Path) -> None:
    root, _ = hostile
    _, requests = server
    pdf = es_pdf(root)
    assert attachments(pdf) == 0
    assert requests == []
    assert images_in(pdf) == images_in(es_pdf(published))  # no image added
    text = pdftotext(pdf)
    assert "root:x:0:0" not in text
    reader = pypdf.PdfReader(pdf)
    uris = link_uris(reader)
    assert uris and all(u.startswith("tel:") for u in uris), uris
    assert "tel:+19005550123" not in uris
    assert "/JavaScript" not in pdf_catalog(reader).get("/Names", {})
    assert "/OpenAction" not in pdf_catalog(reader)


RAW_HOSTILE = """\
<!DOCTYPE html><html lang="es"><head><title>t</title>
<link rel="attachment" href="file:///etc/hostname">
<link rel="stylesheet" href="{url}/evil.css">
<style>body {{ background: url({url}/bg.png) }}</style>
</head><body>
<p>Texto</p>
<a rel="attachment" href="file:///etc/passwd">adjunto</a>
<img src="file://{secret}" alt="s">
<img src="{url}/remote.png" alt="r">
<img src="../../../../../../../../etc/passwd" alt="p">
</body></html>
"""


def test_pdf_renderer_refuses_raw_html_reaching_outside(
    published: Path, tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    """Even if raw HTML got through, the fetcher would read nothing outside source/."""
    from weasyprint import HTML

    from pipeline.site.pdf import make_fetcher, write_pdf

    url, requests = server
    secret = tmp_path / "secret.png"
    secret.write_bytes(RED_PNG)
    html = RAW_HOSTILE.format(url=url, secret=secret)
    target = es_pdf(published)
    base = target.resolve().as_uri()

    fetcher = make_fetcher(published / "source", {})
    safe = tmp_path / "safe.pdf"
    safe.write_bytes(write_pdf(html, base, fetcher, safe))
    assert requests == []
    assert fetcher.served == []
    assert len(fetcher.refused) >= 6
    assert any(u.startswith("file:///etc/") for u in fetcher.refused)
    assert any(u.startswith(url) for u in fetcher.refused)
    assert attachments(safe) == 0
    assert images_in(safe) == 0

    # control: WeasyPrint's own fetcher does all of it, so the checks above can fail
    unsafe = tmp_path / "unsafe.pdf"
    unsafe.write_bytes(HTML(string=html, base_url=base).write_pdf())
    assert requests, "the default fetcher should have reached the local server"
    assert attachments(unsafe) >= 1
    assert images_in(unsafe) >= 1
    requests.clear()


# --- title, description and template strings are translations too ----------------------------

TITLE = "Paraspinal Sarcoma Treatment"  # the page's title and its h1
DECEPTIVE_SITE = {
    "Skip to Main Content": "Ir al contenido https://evil.example",
    "Choose a language": "Elija un\u200b idioma",
    "Page": "Página 1-800-555-0199",  # in the print CSS: the PDF's page footer
}


def test_deceptive_title_description_and_template_strings_show_english_once(
    copy_of: Path,
) -> None:
    from pipeline.source import fold, read_page

    description = fold(read_page(copy_of / "source" / "pages" / f"{PAGE}.md").description)
    edit_po(copy_of / ES_PO, {
        TITLE: set_msgstr("Tratamiento del \u202esarcoma paraespinal"),
        description: set_msgstr("Llame al 1-800-555-0199: el sarcoma paraespinal."),
    })
    edit_po(copy_of / SITE_PO, {k: set_msgstr(v) for k, v in DECEPTIVE_SITE.items()})
    result = run(copy_of, "publish", "--lang", "es")  # HTML and PDF
    assert result.exit_code == 0, result.output
    raw = es_html(copy_of).read_text("utf-8")
    for bad in ("\u202e", "\u200b", "555-0199", "evil.example"):
        assert bad not in raw, repr(bad)
    page = parse_html(es_html(copy_of))
    assert page.findtext(".//title").startswith(f"{TITLE} | ")
    assert page.find(".//meta[@name='description']").get("content") == description
    assert text_of(page.find(".//a[@class='skip-link']")) == "Skip to Main Content"
    assert page.find(".//nav").get("aria-label") == "Choose a language"
    assert text_of(page.find(".//main//h1")) == TITLE
    assert "Page 1 / " in pdftotext(es_pdf(copy_of), 1)
    assert "555-0199" not in pdftotext(es_pdf(copy_of))
    # one warning per problem, not per format nor per use; the title's is the h1's, which
    # names the page's line
    warnings = result.stderr.splitlines()
    assert len([w for w in warnings if "showing English" in w]) == 5, warnings
    assert len([w for w in warnings if "bidirectional" in w]) == 1
    assert re.search(rf"{PAGE}\.md:\d+: translation holds a bidirectional", result.stderr)
    assert re.search(rf"{PAGE}\.po:\d+: translation adds the phone number '1-800-555-0199' "
                     r"\(translation of 'Paraspinal sarcoma starts", result.stderr)
    assert re.search(r"site\.po:\d+: translation adds the URL 'https://evil\.example'",
                     result.stderr)
    assert re.search(r"site\.po:\d+: translation holds an invisible character", result.stderr)
    assert re.search(r"site\.po:\d+: translation adds the phone number '1-800-555-0199' "
                     r"\(translation of 'Page'\)", result.stderr)


def test_translations_gettext_refuses_deceptive_text_with_one_warning() -> None:
    from pipeline.site.publish import Translations

    po = polib.POFile()
    po.append(polib.POEntry(msgid="About us", msgstr="Sobre \u202enosotros"))
    po.append(polib.POEntry(msgid="Call us", msgstr="Llámenos: 1-800-555-0199"))
    po.append(polib.POEntry(msgid="Help", msgstr="Ayuda"))
    tr = Translations(policy=GETTEXT)
    tr.add(po, "site.po")
    assert [tr.gettext("About us") for _ in range(2)] == ["About us", "About us"]
    assert str(tr.template_gettext("Call us")) == "Call us"
    assert tr.gettext("Help") == "Ayuda"
    assert tr.warnings == [
        "site.po: translation holds a bidirectional control character (translation of "
        "'About us'); showing English",
        "site.po: translation adds the phone number '1-800-555-0199' (translation of "
        "'Call us'); showing English",
    ]
    # a string the body looked up is reported by the body (with the page's line), not here
    body = Translations(policy=GETTEXT)
    body.add(po, "site.po")
    assert body.lookup("About us") is not None
    assert body.gettext("About us") == "About us" and body.warnings == []


# --- a broken layout: one line, nothing written ----------------------------------------------


def _break(root: Path, name: str, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in template ``name``; the line it is on."""
    path = root / "source" / "templates" / name
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("case", ["missing", "syntax", "undefined", "index-syntax"])
def test_template_errors_are_one_line_and_write_nothing(
    tmp_path: Path, case: str, jobs: str
) -> None:
    root = make_project(tmp_path / "site")
    templates = root / "source" / "templates"
    if case == "missing":
        (templates / "page.html").unlink()
        where, expected = "source/templates/page.html: ", "template missing; publish needs"
    elif case == "syntax":
        line = _break(root, "page.html", "<p>{{ site_name }}</p>", "<p>{{ site_name }</p>")
        where, expected = f"source/templates/page.html:{line}: ", "template syntax error: "
    elif case == "undefined":
        line = _break(root, "page.html", "<p>{{ site_name }}", "<p>{{ site_nmae }}")
        where, expected = (f"source/templates/page.html:{line}: ",
                           "'site_nmae' is undefined; use only the variables publish provides "
                           "(about, adopted_date, alternates, assets, body, ")
    else:
        line = _break(root, "index.html", "{% endfor %}\n</main>", "{% endfro %}\n</main>")
        where, expected = f"source/templates/index.html:{line}: ", "template syntax error: "
    before = snapshot(root)
    result = run(root, "publish", "--lang", "es", "--jobs", jobs)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {where}{expected}"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not (root / "output").exists()
    assert snapshot(root) == before


# --- a real browser ---------------------------------------------------------------------------


def chromium_screenshot(page: Path, png: Path, profile: Path, size: str = "1200,2000"
                        ) -> str:
    proc = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", f"--screenshot={png}",
         f"--window-size={size}", "--enable-logging=stderr", "--v=0", page.as_uri()],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "HOME": str(profile)},
    )
    return proc.stdout + proc.stderr


def console_errors(log: str, page: Path) -> list[str]:
    return [line for line in log.splitlines()
            if ("Uncaught" in line or "CONSOLE" in line) and page.name in line]


def png_info(path: Path) -> tuple[int, int, int]:
    """(width, height, distinct byte values in the decompressed image data)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    idat, pos = b"", 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        if data[pos + 4:pos + 8] == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (scripts/setup.sh installs it)",
)


@needs_chromium
def test_chromium_renders_spanish_page_without_console_errors(published: Path,
                                                              tmp_path: Path) -> None:
    page = es_html(published)
    png = tmp_path / "es.png"
    log = chromium_screenshot(page, png, tmp_path / "profile")
    assert png.is_file(), log[-2000:]
    width, height, distinct = png_info(png)
    assert (width, height) == (1200, 2000)
    assert png.stat().st_size > 50_000 and distinct > 100
    assert console_errors(log, page) == []


@needs_chromium
def test_chromium_console_capture_sees_errors(tmp_path: Path) -> None:
    # control for the test above: a broken page's error is seen in the same log
    page = tmp_path / "broken.html"
    page.write_text("<!doctype html><p>x</p><script>nope()</script>", encoding="utf-8")
    log = chromium_screenshot(page, tmp_path / "b.png", tmp_path / "profile", "300,200")
    assert any("Uncaught ReferenceError" in line for line in console_errors(log, page)), log
