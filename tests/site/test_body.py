"""render: translations substituted block by block, untrusted text kept inert."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import html5lib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline.site.body import Choice, render_body
from pipeline.source import Document, parse_page

PAGE = """\
---
title: T
---

## Care team

<!-- note for editors: check the list below -->

Plain words here.

- Short item
- Item with children
  - Child one
  - Child two

| Head | Other |
|------|-------|
| Cell | Next  |

Call [the desk](tel:+15550100) today.

![A *statue* of children](statue.svg)
"""

SPANISH = {
    "Care team": "Equipo de atención",
    "Plain words here.": "Palabras sencillas.",
    "Short item": "Elemento corto",
    "Item with children": "Elemento con hijos",
    "Child one": "Hijo uno",
    "Child two": "Hijo dos",
    "Head": "Encabezado",
    "Other": "Otro",
    "Cell": "Celda",
    "Next": "Siguiente",
    "Call [the desk](tel:+15550100) today.": "Llame hoy a [la recepción](tel:+15550100).",
    "A *statue* of children": "Una *estatua* de niños",
}


def doc() -> Document:
    return parse_page(PAGE, Path("page.md"))


def parse(html: str) -> etree._Element:
    root: etree._Element = html5lib.parse(html, treebuilder="lxml",
                                          namespaceHTMLElements=False).getroot()
    return root


def text_of(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def spanish_except(*missing: str) -> dict[str, str]:
    return {k: v for k, v in SPANISH.items() if k not in missing}


def lookup_in(table: dict[str, str]) -> Callable[[str], Choice | None]:
    return lambda msgid: Choice(table[msgid]) if msgid in table else None


def test_full_translation_replaces_every_block() -> None:
    out = render_body(doc(), lambda m: Choice(SPANISH[m]) if m in SPANISH else None)
    root = parse(out.html)
    assert out.translated == len(SPANISH) and out.fallback == 0 and out.warnings == []
    assert root.xpath("//*[@lang]") == []
    for english in ("Care team", "Plain words", "Short item", "Child one", "Cell", "the desk"):
        assert english not in text_of(root)
    assert root.find(".//img").get("alt") == "Una estatua de niños"
    assert root.find(".//a").get("href") == "tel:+15550100"


def test_comments_are_dropped_only_when_asked() -> None:
    assert "<!-- note for editors" in render_body(doc()).html
    for lookup in (None, lambda m: Choice(m)):
        html = render_body(doc(), lookup, drop_comments=True).html
        assert "<!--" not in html and "note for editors" not in html
        assert "<h2>" in html and "<ul>" in html


def test_fallback_tags_the_block_that_holds_english() -> None:
    for missing, xpath in [
        ("Plain words here.", "//p[@lang='en']"),
        ("Care team", "//h2[@lang='en']"),
        ("Short item", "//li[@lang='en']"),
        ("Cell", "//td[@lang='en']"),
        ("Head", "//th[@lang='en']"),
    ]:
        out = render_body(doc(), lookup_in(spanish_except(missing)))
        root = parse(out.html)
        tagged = root.xpath("//*[@lang]")
        assert tagged == root.xpath(xpath), missing
        assert len(tagged) == 1 and text_of(tagged[0]) == missing
        assert out.fallback == 1


def test_fallback_in_item_with_nested_list_does_not_tag_the_children() -> None:
    spanish = spanish_except("Item with children")
    out = render_body(doc(), lambda m: Choice(spanish[m]) if m in spanish else None)
    root = parse(out.html)
    tagged = root.xpath("//*[@lang]")
    assert [(el.tag, el.get("lang"), text_of(el)) for el in tagged] == [
        ("span", "en", "Item with children")
    ]
    children = root.xpath("//li/ul/li")
    assert [text_of(li) for li in children] == ["Hijo uno", "Hijo dos"]
    assert all(li.xpath("ancestor-or-self::*[@lang]") == [] for li in children)


def test_machine_strings_are_marked_with_an_escaped_title() -> None:
    out = render_body(
        doc(),
        lambda m: Choice(SPANISH[m], machine=m == "Plain words here."),
        machine_title='Sin revisar "<b>"',
    )
    root = parse(out.html)
    marks = root.xpath("//mark")
    assert len(marks) == 1 and out.machine == 1
    assert marks[0].get("class") == "machine"
    assert marks[0].get("title") == 'Sin revisar "<b>"'
    assert text_of(marks[0]) == "Palabras sencillas."
    assert root.xpath("//b") == []


def test_changed_link_target_falls_back_with_warning() -> None:
    spanish = dict(SPANISH)
    spanish["Call [the desk](tel:+15550100) today."] = "Llame a [la recepción](tel:+15559999)."
    out = render_body(doc(), lambda m: Choice(spanish[m]))
    root = parse(out.html)
    assert [a.get("href") for a in root.iter("a")] == ["tel:+15550100"]
    assert root.xpath("//p[@lang='en']//a")
    assert len(out.warnings) == 1
    assert out.warnings[0].startswith("page.md:")
    assert "changes link targets" in out.warnings[0]


def test_unsafe_scheme_falls_back_with_warning() -> None:
    spanish = dict(SPANISH)
    spanish["Call [the desk](tel:+15550100) today."] = (
        "Llame a [la recepción](tel:+15550100) o [aquí](ftp://example.org/)."
    )
    out = render_body(doc(), lambda m: Choice(spanish[m]))
    assert "ftp:" not in out.html
    assert any("'ftp://example.org/' is not allowed" in w for w in out.warnings)


# --- property: whatever a translator writes, only the source's markup comes out --------------

DANGER = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "![x](file:///etc/passwd)", "<iframe src=//e.org>", "<style>*{}</style>",
    "[y](http://e.org/)", "<https://e.org>", "<a href=x>a</a>", "&lt;", "\\", "`<b>`",
    "**bold**", "*em*", '"', "'", "<!-- c -->", "<svg onload=alert(1)>", "%(date)s",
    "[z][ref]", "[ref]: http://e.org", "\n", "  \n", "> ", "# ", "- ", "<",
])
# html5lib warns (and drops) form feeds and other characters XML cannot hold: leave them out
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8)
TRANSLATION = st.lists(st.one_of(DANGER, TEXT), max_size=8).map("".join)
ALLOWED_TAGS = {"html", "head", "body", "h2", "p", "ul", "li", "table", "thead", "tbody", "tr",
                "th", "td", "a", "img", "em", "strong", "code", "br", "mark"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraph=TRANSLATION, item=TRANSLATION, alt=TRANSLATION, machine=st.booleans())
def test_property_translations_add_no_markup(paragraph: str, item: str, alt: str,
                                             machine: bool) -> None:
    spanish = dict(SPANISH)
    spanish["Plain words here."] = paragraph
    spanish["Short item"] = item
    spanish["A *statue* of children"] = alt
    hostile = {"Plain words here.", "Short item"}
    out = render_body(doc(), lambda m: Choice(spanish[m], machine=machine and m in hostile),
                      drop_comments=True)
    root = parse(out.html)
    tags = {el.tag for el in root.iter() if isinstance(el.tag, str)}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    assert [a.get("href") for a in root.iter("a")] == ["tel:+15550100"]
    assert [img.get("src") for img in root.iter("img")] == ["statue.svg"]
    for el in root.iter():
        if isinstance(el.tag, str):
            assert not any(name.lower().startswith("on") for name in el.attrib)
    assert len(root.xpath("//mark")) <= (2 if machine else 0)
