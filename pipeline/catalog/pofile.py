"""``.po``/``.pot`` I/O: faithful round trips.

An entry nobody changed is written back with the exact bytes it was read with, so
files from msgcat, Poedit or Lokalize keep their wrapping and reviewed entries stay
byte-identical; only entries this tool changes are re-formatted (gettext style).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline.catalog.poformat import WRAP, render_header, wrap_of
from pipeline.catalog.syntax import (
    MAX_CATALOG_BYTES,
    STRING,
    check_syntax,
    known_charset,
    refuse_duplicates,
    refuse_oversize,
)
from pipeline.errors import CatalogError
from pipeline.fs import atomic_write

_CHARSET = re.compile(r"charset=([\w-]+)", re.I)
_HEADER_CHARSET = re.compile(r'^"Content-Type:[^"\n]*?charset=([\w-]+)', re.I | re.M)


def fingerprint(entry: polib.POEntry) -> tuple[object, ...]:
    """Everything that makes an entry what it is; equal fingerprints = untouched."""
    return (
        entry.msgctxt,
        entry.msgid,
        entry.msgid_plural,
        entry.msgstr,
        tuple(sorted(entry.msgstr_plural.items())) if entry.msgstr_plural else (),
        tuple(entry.flags),
        tuple(entry.occurrences),
        entry.comment,
        entry.tcomment,
        entry.previous_msgctxt,
        entry.previous_msgid,
        entry.previous_msgid_plural,
        entry.obsolete,
    )


@dataclass(slots=True)
class Catalog:
    """A parsed catalog plus the raw text of each entry as read, and the blank lines after
    each (an edit moves no blank line outside the entry it changes)."""

    po: polib.POFile
    path: Path | None = None
    raw: dict[int, tuple[tuple[object, ...], str, str | None]] = field(default_factory=dict)
    raw_header: tuple[tuple[object, ...], str, str | None] | None = None
    original: bytes | None = None
    crlf: bool = False  # written back with the line endings it was read with
    wrap: int = WRAP  # a file written without wrapping (Weblate, msgcat --no-wrap) stays so
    snapshot: tuple[object, ...] | None = None  # the state ``original`` holds
    lead: str = ""  # blank lines before the header, as read
    tail: str = "\n"  # what follows the last entry, as read

    def entries(self) -> list[polib.POEntry]:
        """Live (non-obsolete) entries in file order."""
        return [e for e in self.po if not e.obsolete]

    def obsolete(self) -> list[polib.POEntry]:
        return [e for e in self.po if e.obsolete]

    def charset(self) -> str:
        """The charset the header declares (UTF-8 when it declares none)."""
        match = _CHARSET.search(str(self.po.metadata.get("Content-Type", "")))
        return match.group(1) if match and match.group(1).upper() != "CHARSET" else "utf-8"

    def header_fingerprint(self) -> tuple[object, ...]:
        return (self.po.header, tuple(self.po.metadata.items()), bool(self.po.metadata_is_fuzzy))

    def state(self) -> tuple[object, ...]:
        """Header and every entry, in order: equal states mean nothing to write."""
        return (self.header_fingerprint(), tuple(fingerprint(e) for e in self.po))

    def render(self) -> str:
        """The file text: untouched entries verbatim, changed ones freshly formatted, the
        blank lines between them as read (one where there was none to read)."""
        pieces = [(c, g) for c, g in self.render_chunks() if c]
        text = self.lead
        for i, (chunk, gap) in enumerate(pieces):
            last = i == len(pieces) - 1
            text += chunk + (self.tail if last else gap if gap is not None else "\n\n")
        return text if text.endswith("\n") else text + "\n"

    def render_chunks(self) -> list[tuple[str, str | None]]:
        """The header's text, then each entry's, in ``po`` order, each with the text that
        followed it as read (None: new, or the last entry as read)."""
        chunks: list[tuple[str, str | None]] = []
        header = self.header_fingerprint()
        if self.raw_header and self.raw_header[0] == header:
            chunks.append(self.raw_header[1:])
        else:
            gap = self.raw_header[2] if self.raw_header else None
            chunks.append((render_header(self.po, self.wrap), gap))
        for entry in self.po:
            kept = self.raw.get(id(entry))
            fresh = fingerprint(entry)
            if kept and kept[0] == fresh:
                chunks.append(kept[1:])
            elif kept and not entry.obsolete and _text_part(kept[0]) == _text_part(fresh):
                chunks.append((_new_references(entry, kept[1], self.wrap), kept[2]))
            else:
                chunks.append((entry.__unicode__(wrapwidth=self.wrap).rstrip("\n"),
                               kept[2] if kept else None))
        return chunks

    def remember(self, chunks: Sequence[tuple[str, str | None]]) -> None:
        """Take ``chunks`` (header first, then each entry, each with the text after it) as
        the text as read."""
        self.raw = {}
        self.raw_header = None
        if len(chunks) == len(self.po) + 1:
            self.raw_header = (self.header_fingerprint(), *chunks[0])
            for entry, (chunk, gap) in zip(self.po, chunks[1:], strict=True):
                self.raw[id(entry)] = (fingerprint(entry), chunk, gap)


# fingerprint() positions of the parts extraction owns: references and "#." comments
_EXTRACTED = (6, 7)


def _text_part(fp: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(v for i, v in enumerate(fp) if i not in _EXTRACTED)


def _new_references(entry: polib.POEntry, raw: str, wrap: int = WRAP) -> str:
    """``raw`` with fresh ``#.`` and ``#:`` lines: a page edit that only moved an entry
    must not re-wrap the strings as the translator's tool wrote them."""
    fresh = [
        line
        for line in entry.__unicode__(wrapwidth=wrap).split("\n")
        if line.startswith(("#.", "#:"))
    ]
    lines = raw.split("\n")
    at = next(
        (i for i, line in enumerate(lines) if line.startswith(("#.", "#:"))),
        next((i for i, line in enumerate(lines) if not line.startswith("# ") and line != "#"), 0),
    )
    rest = [line for line in lines if not line.startswith(("#.", "#:"))]
    return "\n".join(rest[:at] + fresh + rest[at:])


def _entry_chunks(lines: list[str], po: polib.POFile
                  ) -> tuple[list[tuple[str, str | None]], str, str] | None:
    """Each entry's text as read (header first) with the blank lines after it, cut at the
    line where polib says the entry starts (a missing blank line or a blank line inside a
    string cuts nothing wrong); then the blank lines before the header and after the last
    entry."""
    starts = [e.linenum - 1 for e in po]
    if any(b <= a for a, b in zip(starts, starts[1:], strict=False)) or (
        starts and not 0 <= starts[0] < len(lines)
    ):
        return None
    # a comment line polib does not attach (a bare "#.") belongs to the entry below it
    for i, start in enumerate(starts):
        floor = starts[i - 1] + 1 if i else 1
        while start > floor and lines[start - 1].startswith("#") \
                and not lines[start - 1].startswith("#~"):
            start -= 1
        starts[i] = start
    bounds = [0, *starts, len(lines)]
    pieces = ["\n".join(lines[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    chunks = [p.strip("\n") for p in pieces]
    if any(not c.strip() for c in chunks[1:]):
        return None
    leads = [p[: len(p) - len(p.lstrip("\n"))] for p in pieces]
    trails = [p[len(p.rstrip("\n")):] if p.strip("\n") else "" for p in pieces]
    gaps: list[str | None] = [trails[i] + "\n" + leads[i + 1] for i in range(len(pieces) - 1)]
    return list(zip(chunks, [*gaps, None], strict=True)), leads[0], trails[-1]


# polib splits lines at whitespace and wants "#." or "#:" as a word of their own; gettext
# reads the character after "#" alone ("#.Default: x", "#,fuzzy", "#:file.py:3").
_GLUED_COMMENT = re.compile(r"^(\s*#~?[.:,|]?)(?=[^\s.:,|~])", re.M)


def _for_polib(text: str) -> str:
    return _GLUED_COMMENT.sub(r"\1 ", text)


def parse_catalog(data: bytes, path: Path) -> Catalog:
    """Parse catalog bytes; a syntax or encoding problem raises :class:`CatalogError`."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise CatalogError(
            "starts with a byte-order mark; save it as UTF-8 without BOM", path=path, line=1
        )
    crlf = b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")
    data_lf = data.replace(b"\r\n", b"\n") if crlf else data  # written back as CRLF
    if len(data) > MAX_CATALOG_BYTES:
        raise CatalogError(
            f"{len(data):,} bytes (limit {MAX_CATALOG_BYTES:,}); is it a catalog? split it",
            path=path,
        )
    if not data.strip():
        # Every gettext tool writes at least a header: an empty file is a truncated one.
        raise CatalogError(
            "the file is empty (truncated?); restore it from a backup or version control",
            path=path,
        )
    if b"\0" in data:
        raise CatalogError(
            "contains a NUL byte (UTF-16, or a binary file?); save it as UTF-8 text",
            path=path,
            line=data[: data.index(b"\0")].count(b"\n") + 1,
        )
    # Only the header's Content-Type line declares the charset (a comment may mention one).
    head = data_lf[:8000].decode("ascii", "replace")
    declared = _HEADER_CHARSET.findall(head)
    if len(declared) > 1:
        raise CatalogError("the header has two Content-Type lines; keep one", path=path,
                           line=head[: head.rindex('"Content-Type:')].count("\n") + 1)
    charset = declared[0] if declared and declared[0].upper() != "CHARSET" else "utf-8"
    if not known_charset(charset):
        raise CatalogError(
            f"charset '{charset}' is not a text encoding gettext reads; declare UTF-8 "
            "(text/plain; charset=UTF-8) and save the file as UTF-8",
            path=path,
            line=head[: head.index(charset)].count("\n") + 1,
        )
    try:
        text = data_lf.decode(charset)
    except (UnicodeDecodeError, LookupError) as exc:
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        raise CatalogError(
            f"not valid {charset} text; declare the charset in the header or save as UTF-8",
            path=path,
            line=line,
        ) from None
    check_syntax(text, path)
    try:
        po = _polib_parse(_for_polib(text))
    except ValueError as exc:
        raise CatalogError(f"{exc}; fix the entry", path=path) from None
    except OSError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise CatalogError(
            "syntax error; fix the entry (msgfmt -c shows details)",
            path=path,
            line=int(m.group(1)) if m else None,
        ) from None
    refuse_duplicates(po, path, text.split("\n"))
    refuse_oversize(po, path)
    if po.metadata.get("Content-Type") is None and any(ord(c) > 127 for c in text):
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    lines = text.split("\n")
    cat = Catalog(po=po, path=path, original=data, crlf=crlf, wrap=wrap_of(lines))
    found = _entry_chunks(lines, po)
    if found is not None:
        chunks, cat.lead, cat.tail = found
        for entry, (chunk, _) in zip(po, chunks[1:], strict=True):
            if entry.obsolete and "#~|" in chunk:
                _read_obsolete_previous(entry, chunk)
        cat.remember(chunks)
    cat.snapshot = (cat.header_fingerprint(), tuple(cat.raw[id(e)][0] for e in po)) if len(
        cat.raw) == len(po) else cat.state()  # remember() took the fingerprints: not twice
    return cat


def _read_obsolete_previous(entry: polib.POEntry, chunk: str) -> None:
    """polib skips ``#~| msgid`` lines (the previous English of an obsolete draft, as
    msgmerge keeps it): read them here, so a revived entry still shows what changed."""
    found: dict[str, str] = {}
    name: str | None = None
    for line in chunk.split("\n"):
        m = re.fullmatch(r"#~\|\s*(msgctxt|msgid|msgid_plural)?\s*(" + STRING + r")\s*", line)
        if m is None:
            name = None
            continue
        name = m.group(1) or name
        if name is not None:
            found[name] = found.get(name, "") + polib.unescape(m.group(2)[1:-1])
    entry.previous_msgctxt = found.get("msgctxt", entry.previous_msgctxt)
    entry.previous_msgid = found.get("msgid", entry.previous_msgid)
    entry.previous_msgid_plural = found.get("msgid_plural", entry.previous_msgid_plural)


def _polib_parse(text: str) -> polib.POFile:
    """polib's parser fed lines split at "\\n" only: given a string, polib splits it with
    ``str.splitlines``, which also breaks at U+2028, U+0085 or \\x1c inside a translation,
    so a file with one of them (gettext writes them raw) would not read back."""
    # Duplicates are found afterwards with a set: polib's own check scans the whole catalog
    # for every entry (O(n²): 3 s instead of 0.2 s for 6,600 entries).
    parser = polib._POFileParser(text, encoding="utf-8", check_for_duplicates=False)
    parser.fhandle = text.split("\n")
    po: polib.POFile = parser.parse()
    po.wrapwidth = WRAP
    return po


def load_catalog(path: Path) -> Catalog:
    return parse_catalog(read_catalog_bytes(path), path)


def read_catalog_bytes(path: Path) -> bytes:
    """A catalog file's bytes; a missing, unreadable or oversize one is a one-line error."""
    try:
        if path.stat().st_size > MAX_CATALOG_BYTES:  # before reading it all into memory
            raise CatalogError(
                f"{path.stat().st_size:,} bytes (limit {MAX_CATALOG_BYTES:,}); is it a "
                "catalog? split it",
                path=path,
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(
            "catalog not found; run 'pipeline init' or 'update'", path=path
        ) from None
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path=path) from None


def new_catalog(path: Path | None = None) -> Catalog:
    return Catalog(po=polib.POFile(wrapwidth=WRAP), path=path)


def encode_catalog(cat: Catalog) -> tuple[bytes, str]:
    """The file bytes in the charset the header declares (a Latin-1 file stays Latin-1);
    when a new string does not fit that charset, the catalog becomes UTF-8, header too."""
    charset = cat.charset()
    if cat.original is not None and cat.snapshot is not None and cat.snapshot == cat.state():
        return cat.original, charset  # nothing changed: not one byte moves
    text = cat.render()
    try:
        data = text.encode(charset)
    except (UnicodeEncodeError, LookupError):
        cat.po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        data, charset = cat.render().encode("utf-8"), "utf-8"
    return (data.replace(b"\n", b"\r\n") if cat.crlf else data), charset


def check_writable(cat: Catalog, path: Path | None = None) -> bytes:
    """The bytes :func:`save_catalog` would write, or a :class:`CatalogError` in one line if
    the loader would refuse them (a string over ``MAX_FIELD_CHARS``, too many plural forms,
    a file over ``MAX_CATALOG_BYTES``, a duplicate, anything :func:`parse_catalog` refuses),
    so a writer refuses *before* writing. The browser's save and every writer go through it.
    Entries as read were read by the loader: only the changed ones are read again."""
    target = path or cat.path or Path("catalog.po")
    data, charset = encode_catalog(cat)
    if cat.original is not None and data == cat.original:
        return data
    changed = [e for e in cat.po if (kept := cat.raw.get(id(e))) is None or kept[0] != (
        fingerprint(e))]
    trial = data
    if len(data) <= MAX_CATALOG_BYTES and cat.raw and len(changed) < len(cat.po) // 2:
        part = new_catalog()
        part.po.header, part.po.metadata = cat.po.header, dict(cat.po.metadata)
        part.po.extend(changed)
        trial = part.render().encode(charset, "replace")
        keys = [(bool(e.obsolete), e.msgctxt, e.msgid) for e in cat.po]
        if len(set(keys)) < len(keys):
            trial = data  # a duplicate: the whole file names its line
    try:
        parse_catalog(trial, target)
    except CatalogError as exc:
        where = exc.line if trial is data else None
        raise CatalogError(f"{exc.message} (in what would be written); nothing was written",
                           path=target, line=where) from None
    return data


def save_catalog(cat: Catalog, path: Path | None = None) -> bool:
    """Atomically write the catalog, refused first by :func:`check_writable` if the loader
    could not read it back; returns False when the bytes did not change."""
    target = path or cat.path
    if target is None:
        raise ValueError("catalog has no path")
    data = check_writable(cat, target)
    changed = atomic_write(target, data)
    # The new file is the new baseline: re-snapshot for the next save.
    chunks = cat.render_chunks()
    cat.path = target
    cat.original = data
    cat.remember(chunks)
    cat.snapshot = cat.state()
    return changed


