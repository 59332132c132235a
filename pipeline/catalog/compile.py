"""Compiled catalogs (``.mo``): reviewed entries only, in the catalog's own charset.

Written here rather than by polib: polib encodes every string as UTF-8 whatever the header
declares (an ISO-8859-1 or KOI8-R catalog came out garbled) and sorts keys by their UTF-8
bytes, where gettext's lookup bisects the bytes of the declared charset. The file is what
GNU ``msgfmt`` writes, less its optional hash table (gettext then bisects the sorted keys).
"""

from __future__ import annotations

import struct
from pathlib import Path

import polib

from pipeline.catalog import entry as entry_state
from pipeline.catalog.paths import CatalogInfo, domains
from pipeline.catalog.pofile import Catalog, load_catalog
from pipeline.config import Config, Language, ReviewPolicy
from pipeline.errors import CatalogError
from pipeline.fs import atomic_write

MAGIC = 0x950412DE


def _header(cat: Catalog) -> str:
    """The header entry's msgstr as the file holds it (``Key: value\\n`` lines, spaces and
    all), less ``POT-Creation-Date``, which msgfmt leaves out too (it changes with every
    extraction); rebuilt from the parsed fields for a header this tool wrote or changed."""
    text = None
    if cat.raw_header is not None and cat.raw_header[0] == cat.header_fingerprint():
        lines = cat.raw_header[1].split("\n")
        at = next((i for i, line in enumerate(lines) if line.startswith("msgstr")), None)
        if at is not None:
            quoted = [line[line.index('"') + 1:line.rindex('"')] for line in lines[at:]
                      if line.count('"') >= 2]
            text = polib.unescape("".join(quoted))
    if text is None:
        text = "".join(f"{key}: {value}\n" for key, value in cat.po.metadata.items())
    return "".join(line + "\n" for line in text.split("\n")[:-1]
                   if not line.startswith("POT-Creation-Date:")) + text.split("\n")[-1]


def _pair(e: polib.POEntry) -> tuple[str, str]:
    key = (f"{e.msgctxt}\x04" if e.msgctxt is not None else "") + e.msgid
    if e.msgid_plural:
        return (key + "\0" + e.msgid_plural,
                "\0".join(e.msgstr_plural[k] for k in sorted(e.msgstr_plural)))
    return key, e.msgstr


def mo_bytes(cat: Catalog, policy: ReviewPolicy) -> tuple[bytes, int]:
    """The ``.mo`` file of ``cat``'s reviewed entries and how many there are, every string
    encoded in the charset the header declares (as ``msgfmt`` does)."""
    charset = cat.charset()
    where = cat.path or Path("catalog.po")
    pairs = [_pair(e) for e in cat.po if entry_state.is_reviewed(e, policy)]
    encoded = []
    for key, value in [("", _header(cat)), *pairs]:
        try:
            encoded.append((key.encode(charset), value.encode(charset)))
        except UnicodeEncodeError:
            raise CatalogError(f"'{key[:40]}' holds a character {charset} cannot encode; save "
                               "the catalog as UTF-8", path=where) from None
    encoded.sort()
    n = len(encoded)
    ids_at = 28 + 16 * n
    keys = b"".join(k + b"\0" for k, _ in encoded)
    values_at = ids_at + len(keys)
    table_ids, table_strs = [], []
    offset = ids_at
    for k, _ in encoded:
        table_ids += [len(k), offset]
        offset += len(k) + 1
    offset = values_at
    for _, v in encoded:
        table_strs += [len(v), offset]
        offset += len(v) + 1
    head = struct.pack("<7I", MAGIC, 0, n, 28, 28 + 8 * n, 0, 28 + 16 * n)
    body = struct.pack(f"<{2 * n}I", *table_ids) + struct.pack(f"<{2 * n}I", *table_strs)
    return head + body + keys + b"".join(v + b"\0" for _, v in encoded), len(pairs)


def compile_catalogs(config: Config, languages: list[Language]) -> list[tuple[Path, int]]:
    """Write ``.mo`` beside each ``.po`` (atomically); unreviewed entries are left out."""
    done = []
    for lang in languages:
        for name in domains(config):
            info = CatalogInfo(name, lang, config.locale_dir)
            if not info.po_path.exists():
                continue
            data, count = mo_bytes(load_catalog(info.po_path), config.review)
            atomic_write(info.mo_path, data)
            done.append((info.mo_path, count))
    return done
