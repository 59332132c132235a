"""Render a parsed page to an HTML body, substituting translations block by block.

Translations are untrusted: they are parsed with raw HTML disabled, and a block whose
translation adds, drops or changes a link target or image falls back to English.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pipeline.qa.deception import deceptive
from pipeline.source import (
    ALLOWED_SCHEMES,
    COMMENT,
    Document,
    fold,
    image_only,
    markdown,
    segment_text,
    without_notes,
)

if TYPE_CHECKING:  # markdown-it loads with the first page rendered, not at start-up
    from markdown_it.token import Token

# The only raw HTML a source page may hold (source.py rejects the rest): notes to editors.


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
    tokens = markdown(html=False).parseInline(text, copy.copy(env))
    return list(tokens[0].children or []) if tokens else []


def _container(stack: list[Token]) -> Token | None:
    """The element a block's text visibly sits in (a tight list's <p> is hidden)."""
    for tok in reversed(stack):
        if not tok.hidden:
            return tok
    return None


def _wrap(children: list[Token], start: str, end: str) -> list[Token]:
    from markdown_it.token import Token

    open_tok = Token("html_inline", "", 0)
    open_tok.content = start
    close_tok = Token("html_inline", "", 0)
    close_tok.content = end
    return [open_tok, *children, close_tok]


def _mark(children: list[Token], title: str) -> list[Token]:
    return _wrap(children, f'<mark class="machine" title="{html.escape(title, quote=True)}">',
                 "</mark>")


def _tag_english(tokens: list[Token], index: int, stack: list[Token], lang: str) -> None:
    """Put ``lang`` on the element holding the English inline ``tokens[index]``.

    A tight list item's paragraph is hidden, so the item itself is tagged — unless the
    item also holds a nested (translated) list, which would inherit the wrong language:
    then only the text is wrapped in a ``<span lang>``.
    """
    tok = tokens[index]
    parent = stack[-1] if stack else None
    if parent is not None and not parent.hidden:
        parent.attrSet("lang", lang)
        return
    container = _container(stack)
    sole = index + 2 < len(tokens) and tokens[index + 2].type == "list_item_close"
    if container is not None and (container.type != "list_item_open" or sole):
        container.attrSet("lang", lang)
        return
    tok.children = _wrap(list(tok.children or []), f'<span lang="{html.escape(lang)}">',
                         "</span>")


# In right-to-left text, a phone number's digit groups and a Latin name's words are laid
# out right to left unless isolated: "1-888-226-4343" would read "4343-226-888-1".
_LTR_RUN = re.compile(
    r"\+?\d[\d\-. ():/]*\d"
    r"|[A-Za-z][A-Za-z0-9’'.\-]*(?:[ \u00a0]+(?:&[ \u00a0]+)?[A-Za-z0-9][A-Za-z0-9’'.\-]*)*"
)


def isolate_ltr(children: list[Token]) -> list[Token]:
    """Wrap numbers and Latin-script runs of text tokens in ``<bdi dir="ltr">``."""
    out: list[Token] = []
    for tok in children:
        if tok.type != "text" or not _LTR_RUN.search(tok.content):
            out.append(tok)
            continue
        pos = 0
        for m in _LTR_RUN.finditer(tok.content):
            # A sentence's final period belongs to the sentence, not to the name.
            end = m.end() - 1 if m.group(0).endswith(".") else m.end()
            if m.start() > pos:
                out.append(_text(tok.content[pos : m.start()]))
            out.extend(_wrap([_text(tok.content[m.start() : end])], '<bdi dir="ltr">', "</bdi>"))
            pos = end
        if pos < len(tok.content):
            out.append(_text(tok.content[pos:]))
    return out


def _text(content: str) -> Token:
    from markdown_it.token import Token

    tok = Token("text", "", 0)
    tok.content = content
    return tok


def _fresh_tokens(tokens: Sequence[Token]) -> list[Token]:
    """Copies safe to change: rendering sets attributes and replaces children, nothing else,
    so each token and child gets its own attrs dict (a deepcopy costs 20× more)."""
    out = []
    for tok in tokens:
        new = copy.copy(tok)
        new.attrs = dict(tok.attrs)
        if tok.children is not None:
            kids = []
            for child in tok.children:
                kid = copy.copy(child)
                kid.attrs = dict(child.attrs)
                kids.append(kid)
            new.children = kids
        out.append(new)
    return out


def _is_comment(tok: Token) -> bool:
    return tok.type in ("html_block", "html_inline") and bool(COMMENT.fullmatch(tok.content))


def _drop_comments(tokens: list[Token]) -> list[Token]:
    kept = []
    for tok in tokens:
        if _is_comment(tok):
            continue
        if tok.type == "inline" and tok.children:
            tok.content = without_notes(tok)  # so segment_text() still finds the msgid
            tok.children = [c for c in tok.children if not _is_comment(c)]
        kept.append(tok)
    return kept


def render_body(
    doc: Document,
    lookup: Lookup | None = None,
    *,
    machine_title: str = "Machine translation, not reviewed",
    fallback_lang: str = "en",
    drop_comments: bool = False,
    rtl: bool = False,
) -> Rendered:
    """HTML for ``doc``'s body. ``lookup`` maps a msgid to a :class:`Choice` (None: English).

    With ``lookup=None`` (and comments kept) the result is exactly markdown-it's rendering
    of the source. ``drop_comments`` leaves out ``<!-- notes -->`` meant for editors;
    ``rtl`` isolates numbers and Latin names in translated text (right-to-left pages).
    """
    copied = lookup is not None or drop_comments
    tokens = _fresh_tokens(doc.tokens) if copied else list(doc.tokens)
    if drop_comments:
        tokens = _drop_comments(tokens)
    out = Rendered("")
    stack: list[Token] = []
    for index, tok in enumerate(tokens):
        if tok.nesting == 1:
            stack.append(tok)
        elif tok.nesting == -1:
            stack.pop()
        if tok.type != "inline" or lookup is None:
            continue
        line = (tok.map[0] + 1 + doc.body_offset) if tok.map else doc.body_offset + 1
        image = image_only(tok)
        if image is not None:
            _image(image, lookup, out, fallback_lang, doc.env)
            continue
        source_text = segment_text(tok)
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
            else:
                problem = deceptive(source_text, choice.text)
        if choice is None or problem is not None:
            if problem:
                out.warnings.append(f"{doc.path}:{line}: {problem}; showing English")
            out.fallback += 1
            _tag_english(tokens, index, stack, fallback_lang)
            continue
        out.translated += 1
        if rtl:
            children = isolate_ltr(children)
        if choice.machine:
            out.machine += 1
            children = _mark(children, machine_title)
        tok.children = children
    md = markdown(html=True)
    out.html = md.renderer.render(tokens, md.options, doc.env)
    return out


def _image(image: Token, lookup: Lookup, out: Rendered, fallback_lang: str,
           env: dict[str, object]) -> None:
    alt = fold(image.content)
    if alt:
        choice = lookup(alt)
        problem = deceptive(alt, choice.text) if choice is not None else None
        if problem is not None:
            out.warnings.append(f"image alt {alt!r}: {problem}; showing English")
        if choice is None or problem is not None:
            out.fallback += 1
            image.attrSet("lang", fallback_lang)
        else:
            out.translated += 1
            out.machine += choice.machine
            # markdown-it renders alt as the plain text of the parsed label: parse it the
            # same (untrusted) way so "a *b*" becomes "a b", as it does in the source
            image.children = parse_translation(choice.text, env)
            image.content = choice.text
    title = image.attrGet("title")
    if title:
        choice = lookup(fold(str(title)))
        if choice is not None and deceptive(str(title), choice.text) is None:
            image.attrSet("title", choice.text)
