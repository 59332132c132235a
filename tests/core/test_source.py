"""Parse once, use twice: what is extracted is exactly what is rendered."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pipeline.errors import SourceError
from pipeline.site.body import Choice, render_body
from pipeline.source import Segment, parse_page, read_page

PAGES = sorted((Path(__file__).resolve().parents[1] / "data" / "pages").glob("*.md"))

# An independent markdown-it, configured as the design says (CommonMark + GFM tables and
# strikethrough, raw HTML allowed only in the trusted source).
REFERENCE = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def body_of(text: str) -> str:
    """The Markdown after the front matter's closing ``---``."""
    lines = text.split("\n")
    assert lines[0] == "---"
    end = lines.index("---", 1)
    return "\n".join(lines[end + 1 :])


def squash(html: str) -> str:
    """Equal up to whitespace inside text (soft breaks fold to spaces in msgids)."""
    return re.sub(r"\s+", " ", html).strip()


def identity(msgid: str) -> Choice:
    return Choice(msgid)


def test_fixtures_exist() -> None:
    names = {p.name for p in PAGES}
    assert "paraspinal-sarcoma-treatment.md" in names
    assert len(PAGES) >= 2


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_no_lookup_equals_markdown_it(path: Path) -> None:
    doc = read_page(path)
    expected = REFERENCE.render(body_of(path.read_text("utf-8")))
    assert render_body(doc).html == expected


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_identity_lookup_equals_markdown_it_up_to_whitespace(path: Path) -> None:
    doc = read_page(path)
    expected = REFERENCE.render(body_of(path.read_text("utf-8")))
    seen: list[str] = []

    def lookup(msgid: str) -> Choice:
        seen.append(msgid)
        return Choice(msgid)

    rendered = render_body(doc, lookup)
    assert squash(rendered.html) == squash(expected)
    assert rendered.fallback == 0 and not rendered.warnings
    # every body segment was offered to the lookup: the renderer and extractor agree
    body_segments = {s.text for s in doc.segments if s.kind not in ("title", "description")}
    assert body_segments <= set(seen)


def test_identity_lookup_with_translation_changes_text(tmp_path: Path) -> None:
    # guard against a renderer that ignores the lookup (the identity tests would pass)
    page = tmp_path / "p.md"
    page.write_text("---\ntitle: T\n---\n\nHello *there*.\n", encoding="utf-8")
    html = render_body(read_page(page), lambda m: Choice(m.replace("Hello", "Hola"))).html
    assert html == "<p>Hola <em>there</em>.</p>\n"


# --- property test over generated Markdown -------------------------------------------

WORDS = st.sampled_from(
    [
        "care",
        "team",
        "child",
        "St.",
        "Jude",
        "visit",
        "(belly)",
        "x-ray",
        "1:3",
        "50%",
        "don't",
        "“chemo”",
        "café",
        "a&b",
        "e.g.,",
        "yes!",
        "why?",
        "word;",
        "A",
        "It",
    ]
)


@st.composite
def inline(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        word = draw(WORDS)
        style = draw(st.sampled_from(["plain"] * 5 + ["em", "strong", "link", "titled", "code"]))
        if style == "em":
            word = f"*{word}*"
        elif style == "strong":
            word = f"**{word}**"
        elif style == "link":
            word = f"[{word}](https://example.org/{len(parts)})"
        elif style == "titled":
            word = f'[{word}](../page-{len(parts)}.md "About {word}")'
        elif style == "code":
            word = f"`{word}`"
        parts.append(word)
    # soft line breaks and hard breaks (two trailing spaces, backslash) inside a paragraph
    out = ""
    for i, part in enumerate(parts):
        sep = "" if i == 0 else draw(st.sampled_from([" ", " ", "\n", "\n", "  \n", "\\\n"]))
        out += sep + part
    return out


def indent(text: str, pad: str) -> str:
    return "\n".join(pad + line if line else line for line in text.split("\n"))


@st.composite
def a_list(draw: st.DrawFn, depth: int = 0) -> str:
    ordered = draw(st.booleans())
    items = []
    for n in range(1, draw(st.integers(1, 4)) + 1):
        marker = f"{n}. " if ordered else "- "
        body = draw(inline())
        item = marker + indent(body, " " * len(marker)).lstrip()
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            item += "\n" + indent(draw(a_list(depth + 1)), " " * len(marker))
        items.append(item)
    return "\n".join(items)


@st.composite
def block(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["heading", "paragraph", "list", "quote", "image"]))
    if kind == "heading":
        return "#" * draw(st.integers(1, 6)) + " " + draw(inline()).split("\n")[0].rstrip(" \\")
    if kind == "paragraph":
        return draw(inline())
    if kind == "list":
        return draw(a_list())
    if kind == "image":
        alt, title = draw(WORDS), draw(WORDS)
        return f'![{alt} *photo* \\* {alt}](img/{len(alt)}.png "{title} title")'
    return indent(draw(inline()), "> ")


@st.composite
def document(draw: st.DrawFn) -> str:
    blocks = draw(st.lists(block(), min_size=1, max_size=6))
    return "\n\n".join(blocks) + "\n"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_property_rendering_matches_markdown_it(body: str) -> None:
    doc = parse_page("---\ntitle: Generated\n---\n" + body, Path("gen.md"))
    expected = REFERENCE.render(body)
    assert render_body(doc).html == expected
    assert squash(render_body(doc, identity).html) == squash(expected)


# --- segment kinds and line numbers ----------------------------------------------------

SMALL = """\
---
title: Small Page
description: A page for the tests.
---

## Heading two

- List item
  - Nested item

| Head | Other |
|------|-------|
| Cell | Next  |

> Quoted words

![Alt text](pic.png "Picture title")

Paragraph one
continues here.
"""


def test_segment_kinds_and_lines() -> None:
    doc = parse_page(SMALL, Path("small.md"))
    assert list(doc.segments) == [
        Segment("Small Page", "title", 2),
        Segment("A page for the tests.", "description", 3),
        Segment("Heading two", "h2", 6),
        Segment("List item", "list item", 8),
        Segment("Nested item", "list item", 9),
        Segment("Head", "table header cell", 11),
        Segment("Other", "table header cell", 11),
        Segment("Cell", "table cell", 13),
        Segment("Next", "table cell", 13),
        Segment("Quoted words", "blockquote", 15),
        Segment("Alt text", "image alt", 17),
        Segment("Picture title", "image title", 17),
        Segment("Paragraph one continues here.", "paragraph", 19),
    ]
    assert doc.title == "Small Page"
    assert doc.description == "A page for the tests."


def test_crlf_and_bom_page_parse_like_lf(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_bytes(b"\xef\xbb\xbf" + SMALL.replace("\n", "\r\n").encode("utf-8"))
    assert read_page(page).segments == parse_page(SMALL, page).segments


def test_html_comment_is_not_a_segment() -> None:
    doc = parse_page("---\ntitle: T\n---\n\n<!-- note -->\n\nText\n", Path("c.md"))
    assert [s.text for s in doc.segments] == ["T", "Text"]


def test_inline_raw_html_is_rejected_with_line() -> None:
    with pytest.raises(SourceError) as err:
        parse_page("---\ntitle: T\n---\n\nok\n\nsome <b>bold</b>\n", Path("h.md"))
    assert err.value.line == 7


def test_identity_lookup_image_alt_with_markup() -> None:
    body = "![a *b* \\* c](x.png)\n"
    doc = parse_page("---\ntitle: T\n---\n" + body, Path("i.md"))
    assert render_body(doc, identity).html == REFERENCE.render(body)


@pytest.mark.parametrize("hidden", ["\x07", "\x1b[8m", "\x08\x08", "\x85"])
def test_a_page_with_a_control_character_is_refused_before_any_catalog(
        tmp_path: Path, hidden: str) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    root = tmp_path / "site"
    shutil.copytree(Path(__file__).resolve().parents[2] / "source", root / "source")
    (root / "pyproject.toml").write_text('[tool.pipeline]\nlanguages = ["es"]\n', "utf-8")
    page = root / "source" / "pages" / "paraspinal-sarcoma-treatment.md"
    text = page.read_text("utf-8")
    body = text.index("---", 4)
    page.write_text(text[:body] + text[body:].replace("tumors", f"tu{hidden}mors", 1), "utf-8")
    line = (text[:body] + text[body:].split("tumors", 1)[0]).count("\n") + 1
    result = CliRunner().invoke(cli, ["--root", str(root), "extract"])
    assert result.exit_code == 2
    assert f"paraspinal-sarcoma-treatment.md:{line}: control character" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (root / "locale").exists() or not list((root / "locale").glob("*.pot"))
