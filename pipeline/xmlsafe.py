"""The one XML reader and writer for exchange files (XLIFF, TMX, TBX): one set of defences.

Reading refuses, in whatever encoding the file is written (expat decodes UTF-16 and UTF-32
as the parser will; a byte search is blind there):

- an entity declaration, an external entity reference, and any DOCTYPE with an internal
  subset (``<!DOCTYPE x [ … ]>``: besides entities it can declare attribute *defaults*, so an
  ``<!ATTLIST trans-unit approved CDATA "yes">`` would approve every unit unseen);
- a DOCTYPE at all where the format needs none (XLIFF); TMX and TBX files from every CAT tool
  name their DTD (``<!DOCTYPE tmx SYSTEM "tmx14.dtd">``), which expat never fetches, so that
  bare form is allowed there;
- a file over :data:`MAX_XML_BYTES`, elements nested deeper than :data:`MAX_XML_DEPTH`.

Writing refuses a control character XML 1.0 cannot carry (:func:`clean`); what is written is
UTF-8 with an XML declaration (:func:`to_bytes`).

Why not ``defusedxml``: its ``forbid_dtd`` is all or nothing (it would refuse every TMX and
TBX file a tool writes), and with ``forbid_dtd=False`` it lets an internal subset's attribute
defaults through; the rule needed here (a DOCTYPE only as a bare DTD name) is the expat
handler below, and the standard library's expat already bounds entity expansion.
"""

from __future__ import annotations

import contextlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from pipeline.errors import CatalogError

MAX_XML_BYTES = 16 * 1024 * 1024
"""An exchange file (XLIFF, TMX, TBX; also the TMX memory store) larger than this is refused:
the memory store is read by every ``translate``, and parsing costs about 20 times the size."""

MAX_XML_DEPTH = 32
"""Elements nested deeper than this are refused (XLIFF units are 6 deep, TMX 4, TBX 7; a CAT
tool's groups and inline markup add a few)."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Declared(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _refuse_declarations(data: bytes, doctype: bool) -> None:
    """Raise :class:`_Declared` for what :mod:`pipeline.xmlsafe` refuses; errors of form are
    left to the parser, which reports them with a line."""
    from xml.parsers import expat

    def on_doctype(_name: str, _sysid: str | None, _pubid: str | None,
                   internal: int) -> None:
        if internal:
            raise _Declared("a DOCTYPE with declarations inside it")
        if not doctype:
            raise _Declared("a DOCTYPE")

    def on_entity(*_: object) -> None:
        raise _Declared("an entity declaration")

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = on_doctype
    parser.EntityDeclHandler = on_entity
    parser.UnparsedEntityDeclHandler = on_entity
    parser.ExternalEntityRefHandler = on_entity  # type: ignore[assignment]
    with contextlib.suppress(expat.ExpatError):
        parser.Parse(data, True)


_UTF32 = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
           (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"))
_DECLARED_ENCODING = re.compile(r"^(<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2")


def _as_expat_reads(data: bytes) -> bytes:
    """UTF-32 (which expat cannot read) decoded and given to the parser as UTF-8, so the
    same rules see the same text; every other encoding expat decodes itself."""
    for mark, codec in _UTF32:
        if data.startswith(mark):
            try:
                text = data.decode(codec).lstrip("\ufeff")
            except UnicodeDecodeError:
                return data  # the parser reports it
            return _DECLARED_ENCODING.sub(r"\1\2UTF-8\2", text, count=1).encode("utf-8")
    return data


def depth(root: ET.Element, limit: int = MAX_XML_DEPTH) -> int:
    """How deep elements nest, counted to ``limit + 1`` at most (without recursion: a
    hostile file may nest thousands)."""
    deepest = 0
    stack = [(root, 1)]
    while stack:
        el, level = stack.pop()
        deepest = max(deepest, level)
        if level <= limit:
            stack.extend((child, level + 1) for child in el)
    return deepest


def parse_bytes(data: bytes, path: Path, what: str, *, doctype: bool = False) -> ET.Element:
    """The document's root element, or one :class:`CatalogError` line naming ``path``.

    ``what`` names the format in messages (``"XLIFF"``); ``doctype`` allows a bare DOCTYPE
    naming a DTD (TMX, TBX)."""
    if len(data) > MAX_XML_BYTES:
        raise CatalogError(f"{len(data):,} bytes (limit {MAX_XML_BYTES:,} for a {what} file); "
                           "split it into smaller files", path=path)
    data = _as_expat_reads(data)
    try:
        _refuse_declarations(data, doctype)
        root = ET.fromstring(data)
    except _Declared as exc:
        raise CatalogError(f"has a DOCTYPE or entity declarations ({exc.what}); a {what} "
                           "file needs none: export it again without", path=path) from None
    except ET.ParseError as exc:
        raise CatalogError(f"not well-formed XML ({exc}); export it again or repair it",
                           path=path, line=exc.position[0]) from None
    except (LookupError, ValueError) as exc:  # encoding="bogus" / a multi-byte encoding
        raise CatalogError(f"its XML declaration names an encoding Python's XML parser cannot "
                           f"read ({exc}); save it as UTF-8", path=path) from None
    found = depth(root)
    if found > MAX_XML_DEPTH:
        raise CatalogError(f"elements nested {found} deep (limit {MAX_XML_DEPTH}); export it "
                           "again from your tool", path=path)
    return root


def parse_file(path: Path, what: str, *, doctype: bool = False) -> ET.Element:
    """:func:`parse_bytes` of a file; an oversize file is refused before it is read."""
    try:
        size = path.stat().st_size
        if size > MAX_XML_BYTES:
            raise CatalogError(f"{size:,} bytes (limit {MAX_XML_BYTES:,} for a {what} file); "
                               "split it into smaller files", path=path)
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path=path) from None
    return parse_bytes(data, path, what, doctype=doctype)


def clean(value: str, where: str) -> str:
    """``value``, or an error naming ``where``: XML 1.0 cannot carry control characters
    (nor U+FFFE/U+FFFF), so nothing holding one is written."""
    if _NOT_XML.search(value):
        raise CatalogError(f"{where}: a control character XML cannot carry; remove it")
    return value


def to_bytes(root: ET.Element, doctype: str = "") -> bytes:
    """The document as indented UTF-8 with an XML declaration (and ``doctype`` after it)."""
    ET.indent(root, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + doctype
            + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")


def write(path: Path, root: ET.Element, what: str, doctype: str = "",
          advice: str = "write fewer pages or languages per file") -> bool:
    """Write the document atomically, refusing (nothing written) what :func:`parse_file`
    would refuse to read back: what the pipeline writes, it can read."""
    from pipeline.fs import atomic_write

    data = to_bytes(root, doctype)
    if len(data) > MAX_XML_BYTES:
        raise CatalogError(f"would be {len(data):,} bytes (limit {MAX_XML_BYTES:,} for a "
                           f"{what} file); {advice}; nothing was written", path=path)
    found = depth(root)
    if found > MAX_XML_DEPTH:  # never for what we build; kept so the rule has one home
        raise CatalogError(f"would nest {found} deep (limit {MAX_XML_DEPTH}); nothing was "
                           "written", path=path)
    return atomic_write(path, data)
