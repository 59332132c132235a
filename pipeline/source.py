"""Markdown pages: one parse gives the segments to translate and the tokens to render."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pipeline.errors import SourceError
from pipeline.frontmatter import META_KEYS, split_front_matter
from pipeline.visible import is_control
from pipeline.visible import name as char_name

if TYPE_CHECKING:  # markdown-it and PyYAML load when a page is parsed, not at start-up
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MAX_SEGMENT_CHARS = 10_000
"""A page's title or description longer than this is refused."""
MAX_PAGE_BYTES = 512 * 1024
"""A page larger than this is refused (the seed page is 6 KB; a 10 MB one took minutes to
turn into a PDF)."""
_SOFT_BREAK = re.compile(r"(?<!\\)[ \t]*\n[ \t]*")
# A hard break written as two trailing spaces would vanish among folded spaces; keep it
# in its visible form, a backslash before the newline.
_HARD_BREAK = re.compile(r"(?: {2,}|\\)\n[ \t]*")
COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.S)
"""An HTML comment: the one kind of raw HTML a page may hold (notes for its owner)."""
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel", ""})
"""Link schemes a translation may carry (``""``: a page of the site, an anchor)."""


@cache
def markdown(*, html: bool) -> MarkdownIt:
    """CommonMark plus GFM tables and strikethrough; ``html`` only for trusted source (the
    pages themselves). One parser of each kind per process, made on first use."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": html}).enable(["table", "strikethrough"])


def fold(text: str) -> str:
    """Soft line breaks become single spaces: translators see one line of prose. Inside a
    code span a line break is a space too: CommonMark has no hard break there.

    >>> fold("one\\n  two")
    'one two'
    >>> fold("hard  \\nbreak")
    'hard\\\\\\nbreak'
    >>> fold("`a  \\nb` and c")
    '`a b` and c'
    """
    text = text.strip()
    parts: list[str] = []
    pos = 0
    for start, end in _code_spans(text):
        parts.append(_fold_prose(text[pos:start]))
        parts.append(_LINE_END.sub(" ", text[start:end]))
        pos = end
    parts.append(_fold_prose(text[pos:]))
    return "".join(parts)


_LINE_END = re.compile(r"[ \t]*\n[ \t]*")
_BACKTICKS = re.compile(r"(?<!\\)`+")


def _fold_prose(text: str) -> str:
    return _SOFT_BREAK.sub(" ", _HARD_BREAK.sub("\\\\\n", text))


def _code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each code span: a backtick run closed by the next run as long."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)] if "`" in text else []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        start, end = runs[i]
        close = next((k for k in range(i + 1, len(runs))
                      if runs[k][1] - runs[k][0] == end - start), None)
        if close is None:
            i += 1
            continue
        spans.append((start, runs[close][1]))
        i = close + 1
    return spans


def segment_text(tok: Token) -> str:
    """The msgid of an inline token: its text folded, ``<!-- notes -->`` left out. Extraction
    and rendering both call this, so they agree on what a segment's text is."""
    return fold(without_notes(tok))


def without_notes(tok: Token) -> str:
    """An inline token's source text without its ``<!-- notes -->``, spaced as the English
    page shows it: a note with spaces beside it becomes one space, a note glued to the text
    on both sides (``x<!-- note -->.``) becomes nothing."""
    content = tok.content
    pos = 0
    for child in tok.children or ():
        if child.type == "html_inline" and COMMENT.fullmatch(child.content):
            at = content.find(child.content, pos)
            if at < 0:
                continue
            raw_before, raw_after = content[:at], content[at + len(child.content):]
            before, after = raw_before.rstrip(" \t"), raw_after.lstrip(" \t")
            glue = " " if (before != raw_before or after != raw_after) else ""
            content = before + glue + after
            pos = len(before) + len(glue)
    return content


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable unit: its English text (a msgid), block kind and source line."""

    text: str
    kind: str
    line: int
    context: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed page. ``tokens`` are markdown-it's block tokens, reused by the renderer."""

    path: Path
    name: str
    meta: dict[str, Any]
    segments: tuple[Segment, ...]
    tokens: tuple[Token, ...] = field(repr=False)
    env: dict[str, Any] = field(repr=False)
    body_offset: int = 0

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    @property
    def description(self) -> str:
        return str(self.meta.get("description", ""))

    @property
    def updated(self) -> date | None:
        value = self.meta.get("updated")
        return value if isinstance(value, date) else None


def read_page(path: Path) -> Document:
    """Read and parse ``path``; raise :class:`SourceError` with file and line on bad input."""
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise SourceError(
                f"the page has {size:,} bytes (limit {MAX_PAGE_BYTES:,}); split it into pages",
                path=path,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read page: {exc.strerror}", path=path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError("not UTF-8 text; save the page as UTF-8", path=path, line=line) from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise SourceError(
            "contains a NUL byte (UTF-16, or a binary file?); save the page as UTF-8 text",
            path=path,
            line=line,
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A control character would reach every catalog, hidden from the reviewer.
    where = next((i for i, ch in enumerate(text) if is_control(ch)), None)
    if where is not None:
        ch = text[where]
        raise SourceError(f"control character {char_name(ch)} (U+{ord(ch):04X}); remove it from "
                          "the page", path=path, line=text[:where].count("\n") + 1)
    return parse_page(text, path)


def parse_page(text: str, path: Path) -> Document:
    """Parse page text (front matter + Markdown)."""
    if not text.strip():
        raise SourceError("the page is empty; add front matter and content", path=path)
    meta, key_lines, body, offset = split_front_matter(text, path)
    env: dict[str, Any] = {}
    tokens = markdown(html=True).parse(body, env)
    segments = [
        Segment(fold(str(meta[key])), key, key_lines.get(key, 2))
        for key in META_KEYS
        if isinstance(meta.get(key), str) and meta[key].strip()
    ]
    for seg_text, kind, line in _walk(tokens, path, offset):
        if len(seg_text) > MAX_SEGMENT_CHARS:
            raise SourceError(
                f"a {kind} of {len(seg_text):,} characters (limit {MAX_SEGMENT_CHARS:,}); "
                "split it into shorter paragraphs",
                path=path,
                line=line,
            )
        segments.append(Segment(seg_text, kind, line))
    return Document(
        path=path,
        name=path.stem,
        meta=meta,
        segments=tuple(segments),
        tokens=tuple(tokens),
        env=env,
        body_offset=offset,
    )


def image_only(token: Token) -> Token | None:
    """The image token when an inline token holds nothing but one image."""
    children = [c for c in token.children or () if not (c.type == "text" and not c.content.strip())]
    if len(children) == 1 and children[0].type == "image":
        return children[0]
    return None


def block_kind(stack: list[Token]) -> str:
    """Name the kind of block an inline token sits in, from its open ancestors."""
    parent = stack[-1] if stack else None
    if parent is None:
        return "paragraph"
    if parent.type == "heading_open":
        return parent.tag
    if parent.type == "th_open":
        return "table header cell"
    if parent.type == "td_open":
        return "table cell"
    kinds = [t.type for t in stack]
    if "list_item_open" in kinds:
        return "list item"
    if "blockquote_open" in kinds:
        return "blockquote"
    return "paragraph"


def _walk(tokens: list[Token], path: Path, offset: int) -> Iterator[tuple[str, str, int]]:
    stack: list[Token] = []
    for tok in tokens:
        line = (tok.map[0] + 1 + offset) if tok.map else (offset + 1)
        if tok.type in ("html_block",):
            if COMMENT.fullmatch(tok.content):
                continue
            raise SourceError(
                "raw HTML is not allowed in pages; write it as Markdown", path=path, line=line
            )
        if tok.nesting == 1:
            stack.append(tok)
        elif tok.nesting == -1:
            stack.pop()
        if tok.type != "inline":
            continue
        for child in tok.children or ():
            if child.type == "html_inline" and not COMMENT.fullmatch(child.content):
                raise SourceError(
                    f"raw HTML {child.content!r} is not allowed in pages; write it as Markdown",
                    path=path,
                    line=line,
                )
            target = child.attrGet("href" if child.type == "link_open" else "src")
            if child.type in ("link_open", "image") and target is not None:
                scheme = urlsplit(str(target)).scheme.lower()
                if scheme not in ALLOWED_SCHEMES:
                    raise SourceError(
                        f"link to {str(target)[:60]!r}: translations may link only to "
                        "http(s), mailto: and tel: addresses or pages of the site, so this "
                        "paragraph could never be translated; use one of those",
                        path=path,
                        line=line,
                    )
        image = image_only(tok)
        if image is not None:
            alt = fold(image.content)
            if alt:
                yield alt, "image alt", line
            title = image.attrGet("title")
            if title:
                yield fold(str(title)), "image title", line
            continue
        text = segment_text(tok)
        if text:
            yield text, block_kind(stack), line


_PAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
RESERVED_PAGES = {"site": "the template strings' catalog is locale/site.pot", "index":
                  "publish writes each language's index at <lang>/index.html",
                  "sitemap": "publish writes the site map at sitemap.xml"}


def list_pages(pages_dir: Path) -> list[Path]:
    """Every ``*.md`` page, sorted; a missing folder is an error.

    A page's name becomes a catalog's, a URL's and a file's: letters, digits, ``.``, ``_``
    and ``-`` only (a newline in it would break the ``.pot``), none of the pipeline's own
    :data:`RESERVED_PAGES` (in any case). A page linking outside the project is refused.
    """
    if not pages_dir.is_dir():
        raise SourceError(
            "source folder not found; create it or run from the project root (--root)",
            path=pages_dir,
        )
    pages = sorted(pages_dir.glob("*.md"))
    project = pages_dir.resolve().parent.parent
    for page in pages:
        where, why = pages_dir / ascii(page.name).strip("'"), RESERVED_PAGES.get(page.stem.lower())
        if not _PAGE_NAME.fullmatch(page.stem):
            raise SourceError(f"page name {page.stem!r} cannot name a catalog and a URL; rename "
                              "the file with letters, digits, '-', '_' and '.' only", path=where)
        if why is not None:
            raise SourceError(f"page name {page.stem!r} is reserved ({why}); rename the file "
                              f"(e.g. to {page.stem}-page.md), then run 'pipeline extract'",
                              path=where)
        inside_project(page, project)
    return pages


def inside_project(path: Path, project: Path) -> Path:
    """``path`` resolved; a symbolic link leading outside ``project`` is refused (it would
    publish a file from elsewhere on the build machine)."""
    real = path.resolve()
    if not real.is_relative_to(project.resolve()):
        raise SourceError(
            "is a link to a file outside the project; copy the file into the project instead",
            path=path,
        )
    return real
