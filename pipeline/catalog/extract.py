"""Extraction: pages and templates → ``locale/<page>.pot`` and ``locale/site.pot``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.catalog.header import now_stamp, pot_header
from pipeline.catalog.pofile import WRAP
from pipeline.config import Config
from pipeline.errors import SourceError
from pipeline.fs import atomic_write
from pipeline.source import Document, list_pages, read_page

SITE_DOMAIN = "site"
_DATE_LINE = re.compile(r'^"POT-Creation-Date: [^"]*\\n"\n', re.M)


@dataclass(frozen=True, slots=True)
class ExtractItem:
    """One template written (or left alone because nothing changed)."""

    domain: str
    path: Path
    messages: int
    changed: bool
    removed: bool = False  # the template of a page that no longer exists


def page_template(docs: Iterable[Document], root: Path) -> polib.POFile:
    """A POT for pages: identical strings merge with all references and kinds."""
    pot = polib.POFile(wrapwidth=WRAP)
    by_key: dict[tuple[str | None, str], tuple[polib.POEntry, list[str]]] = {}
    for doc in docs:
        rel = _reference(doc.path, root)
        for seg in doc.segments:
            key = (seg.context, seg.text)
            if key not in by_key:
                entry = polib.POEntry(msgctxt=seg.context, msgid=seg.text, msgstr="")
                pot.append(entry)
                by_key[key] = (entry, [])
            entry, kinds = by_key[key]
            ref = (rel, str(seg.line))
            if ref not in entry.occurrences:
                entry.occurrences.append(ref)
            if seg.kind not in kinds:
                kinds.append(seg.kind)
            entry.comment = ", ".join(kinds)
    return pot


def _reference(path: Path, root: Path) -> str:
    """``path`` relative to the project root (a symlinked page keeps its name in the tree)."""
    for candidate in (path.absolute(), path.resolve()):
        if candidate.is_relative_to(root):
            return candidate.relative_to(root).as_posix()
    return path.as_posix()


def _check_template(path: Path, rel: str) -> None:
    """Babel's Jinja2 extractor skips what it cannot parse, and a silently shorter site.pot
    would make the next update obsolete good translations: parse each template first."""
    import jinja2

    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise SourceError("template is not UTF-8; save it as UTF-8", path=rel) from None
    try:
        jinja2.Environment(extensions=["jinja2.ext.i18n"]).parse(text)
    except jinja2.TemplateSyntaxError as exc:
        raise SourceError(f"template syntax error: {exc.message}; fix the template",
                          path=rel, line=exc.lineno) from None


def site_template(templates_dir: Path) -> polib.POFile:
    """A POT for the layout's ``{% trans %}`` strings (Babel's Jinja2 extractor)."""
    from babel.messages.extract import extract_from_file

    pot = polib.POFile(wrapwidth=WRAP)
    index: dict[tuple[str, str | None], polib.POEntry] = {}
    root = templates_dir.parent.parent
    for path in sorted(templates_dir.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        _check_template(path, rel)
        found = extract_from_file(
            "jinja2.ext:babel_extract",
            str(path),
            options={"trimmed": "true", "extensions": "jinja2.ext.i18n"},
            comment_tags=("Translators:",),
            strip_comment_tags=True,
        )
        for lineno, message, comments, context in found:
            if isinstance(message, tuple):
                msgid, plural = str(message[0]), str(message[1])
            else:
                msgid, plural = str(message), ""
            key = (msgid, context)
            entry = index.get(key)
            if entry is None:
                entry = polib.POEntry(msgctxt=context, msgid=msgid, msgstr="")
                if plural:
                    entry.msgid_plural = plural
                    entry.msgstr_plural = {0: "", 1: ""}
                if "%(" in msgid:
                    entry.flags.append("python-format")
                index[key] = entry
                pot.append(entry)
            entry.occurrences.append((rel, str(lineno)))
            if comments:
                entry.comment = "\n".join(comments)
    return pot


def write_template(pot: polib.POFile, path: Path, domain: str, *, stamp: str | None = None) -> bool:
    """Write a POT unless only its creation date would change (quiet diffs).

    ``stamp`` fixes the POT-Creation-Date of a changed template (default: now).
    """
    old_stamp = None
    try:
        old = path.read_text("utf-8")
        m = re.search(r'"POT-Creation-Date: ([^"]*?)\\n"', old)
        old_stamp = m.group(1) if m else None
    except (OSError, UnicodeDecodeError):
        old = None
    text = render_template(pot, domain, old_stamp or stamp or now_stamp())
    if old is not None and _DATE_LINE.sub("", old) == _DATE_LINE.sub("", text):
        return False
    if old is not None:
        text = render_template(pot, domain, stamp or now_stamp())
    return atomic_write(path, text.encode("utf-8"))


def render_template(pot: polib.POFile, domain: str, stamp: str) -> str:
    """The POT file text for ``pot`` with its header for ``domain`` dated ``stamp``."""
    pot.metadata = pot_header(domain, stamp)
    pot.header = (
        "Translations template for l10n-pipeline.\nThis file is generated by 'pipeline extract'; "
        "do not edit it."
    )
    return str(pot.__unicode__())


def extract(config: Config, *, progress: Callable[[str], None] | None = None) -> list[ExtractItem]:
    """Parse every page (all before writing anything), write the templates, and remove
    those of pages that no longer exist (their catalogs stay on disk, orphaned)."""
    pages = list_pages(config.pages_dir)
    if not pages:
        raise SourceError("no pages (*.md) to extract; add one", path=config.pages_dir)
    docs = [read_page(p) for p in pages]
    planned: list[tuple[str, polib.POFile]] = [
        (doc.name, page_template([doc], config.root)) for doc in docs
    ]
    if config.templates_dir.is_dir():
        planned.append((SITE_DOMAIN, site_template(config.templates_dir)))
    names = [d for d, _ in planned]
    if names.count(SITE_DOMAIN) > 1:
        raise SourceError("a page may not be named 'site.md' (reserved for templates)")
    items = []
    for domain, pot in planned:
        path = config.locale_dir / f"{domain}.pot"
        changed = write_template(pot, path, domain)
        if progress:
            progress(domain)
        items.append(ExtractItem(domain, path, len(pot), changed))
    for path in sorted(config.locale_dir.glob("*.pot")):
        # its page was deleted: the catalogs stay (nothing reviewed is lost), gating nothing
        if path.stem not in names and path.stem != SITE_DOMAIN:
            path.unlink()
            items.append(ExtractItem(path.stem, path, 0, True, removed=True))
    return items
