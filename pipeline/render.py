"""Render a parsed page to an HTML body, substituting translations block by block.

Translations are untrusted: they are parsed with raw HTML disabled, and a block whose
translation adds, drops or changes a link target or image falls back to English.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdown_it.token import Token

from .source import SOURCE_MD, Document, fold, image_only, make_markdown

SAFE_MD = make_markdown(html=False)
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel", ""})


@dataclass(frozen=True, slots=True)
class Choice:
    """The text to show for one segment and whether it is an unreviewed machine draft."""

    text: str
    machine: bool = False


Lookup = Callable[[str], Choice | None]


@dataclass(slots=True)
class Rendered:
    """An HTML body and what went into it."""

    html: str
    translated: int = 0
    machine: int = 0
    fallback: int = 0
    warnings: list[str] = field(default_factory=list)


def targets(children: list[Token] | None) -> set[tuple[str, str]]:
    """Link targets and image sources in inline tokens."""
    found: set[tuple[str, str]] = set()
    for tok in children or ():
        if tok.type == "link_open":
            found.add(("link", str(tok.attrGet("href") or "")))
        elif tok.type == "image":
            found.add(("image", str(tok.attrGet("src") or "")))
    return found


def unsafe_target(found: set[tuple[str, str]]) -> str | None:
    for _, url in found:
        if urlsplit(url).scheme.lower() not in ALLOWED_SCHEMES:
            return url
    return None


def parse_translation(text: str, env: dict[str, object]) -> list[Token]:
    """Inline Markdown of a translation, raw HTML disabled."""
    tokens = SAFE_MD.parseInline(text, copy.copy(env))
    return list(tokens[0].children or []) if tokens else []


def _container(stack: list[Token]) -> Token | None:
    """The element a block's text visibly sits in (a tight list's <p> is hidden)."""
    for tok in reversed(stack):
        if not tok.hidden:
            return tok
    return None


def _mark(children: list[Token], title: str) -> list[Token]:
    open_tok = Token("html_inline", "", 0)
    open_tok.content = f'<mark class="machine" title="{html.escape(title, quote=True)}">'
    close_tok = Token("html_inline", "", 0)
    close_tok.content = "</mark>"
    return [open_tok, *children, close_tok]


def render_body(
    doc: Document,
    lookup: Lookup | None = None,
    *,
    machine_title: str = "Machine translation, not reviewed",
    fallback_lang: str = "en",
) -> Rendered:
    """HTML for ``doc``'s body. ``lookup`` maps a msgid to a :class:`Choice` (None: English).

    With ``lookup=None`` the result is exactly markdown-it's rendering of the source.
    """
    tokens = list(doc.tokens) if lookup is None else copy.deepcopy(list(doc.tokens))
    out = Rendered("")
    stack: list[Token] = []
    for tok in tokens:
        if tok.nesting == 1:
            stack.append(tok)
        elif tok.nesting == -1:
            stack.pop()
        if tok.type != "inline" or lookup is None:
            continue
        line = (tok.map[0] + 1 + doc.body_offset) if tok.map else doc.body_offset + 1
        image = image_only(tok)
        if image is not None:
            _image(image, lookup, out, fallback_lang)
            continue
        source_text = fold(tok.content)
        if not source_text:
            continue
        choice = lookup(source_text)
        problem = None
        if choice is not None:
            children = parse_translation(choice.text, doc.env)
            found, expected = targets(children), targets(tok.children)
            bad = unsafe_target(found)
            if bad is not None:
                problem = f"link target '{bad}' is not allowed"
            elif found != expected:
                problem = "translation changes link targets or images"
        if choice is None or problem is not None:
            if problem:
                out.warnings.append(f"{doc.path}:{line}: {problem}; showing English")
            out.fallback += 1
            container = _container(stack)
            if container is not None:
                container.attrSet("lang", fallback_lang)
            continue
        out.translated += 1
        if choice.machine:
            out.machine += 1
            children = _mark(children, machine_title)
        tok.children = children
    out.html = SOURCE_MD.renderer.render(tokens, SOURCE_MD.options, doc.env)
    return out


def _image(image: Token, lookup: Lookup, out: Rendered, fallback_lang: str) -> None:
    alt = fold(image.content)
    if alt:
        choice = lookup(alt)
        if choice is None:
            out.fallback += 1
            image.attrSet("lang", fallback_lang)
        else:
            out.translated += 1
            out.machine += choice.machine
            text = Token("text", "", 0)
            text.content = choice.text
            image.children = [text]
            image.content = choice.text
    title = image.attrGet("title")
    if title:
        choice = lookup(fold(str(title)))
        if choice is not None:
            image.attrSet("title", choice.text)
