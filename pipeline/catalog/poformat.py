"""How GNU gettext lays out a catalog: line wrapping (installed into polib, so entries this
tool writes diff cleanly against files gettext tools wrote), the header, a file's width."""

from __future__ import annotations

import re
from collections.abc import Sequence

import polib

from pipeline.catalog.syntax import unescape

WRAP = 79


_BREAK = re.compile(r"[^ ]* +|[^ ]+$")


def gettext_lines(fieldname: str, text: str, width: int = WRAP) -> list[str]:
    """Split a field the way GNU gettext writes it: after "\\n" and after spaces.

    >>> gettext_lines("msgid", "short")
    ['short']
    """
    escaped = polib.escape(text)
    if "\\n" not in escaped[:-2] and len(fieldname) + len(escaped) + 3 <= width:
        return [escaped]
    lines: list[str] = [""]
    for part in re.split(r"(?<=\\n)", escaped):
        if not part:
            continue
        line = ""
        for word in _BREAK.findall(part):
            if line and len(line) + len(word) + 2 > width:
                lines.append(line)
                line = ""
            line += word
        if line:
            lines.append(line)
    return lines


def _str_field(
    self: polib._BaseEntry,
    fieldname: str,
    delflag: str,
    plural_index: str,
    field: str,
    wrapwidth: int = WRAP,
) -> list[str]:
    lines = gettext_lines(fieldname + plural_index, field, wrapwidth)
    name = fieldname[9:] if fieldname.startswith("previous_") else fieldname
    out = [f'{delflag}{name}{plural_index} "{lines[0]}"']
    out.extend(f'{delflag}"{line}"' for line in lines[1:])
    return out


# polib's own wrapping differs from msgcat's (it starts lines with the space it broke at);
# catalogs written here should diff cleanly against files that gettext tools wrote.
polib._BaseEntry._str_field = _str_field
polib.unescape = unescape  # the same result; polib's compiles a pattern per call


def render_header(po: polib.POFile, wrap: int = WRAP) -> str:
    tmp = polib.POFile(wrapwidth=wrap)
    tmp.header = po.header
    tmp.metadata = po.metadata
    tmp.metadata_is_fuzzy = po.metadata_is_fuzzy
    return str(tmp.__unicode__()).rstrip("\n")


NO_WRAP = 1 << 30


def wrap_of(lines: Sequence[str]) -> int:
    """The width the file was written at: a string line past gettext's width means the
    tool does not wrap (Weblate's "no wrap", ``msgcat --no-wrap``), so neither do we."""
    for line in lines:
        # gettext leaves a line long only when it has no space to break at (a long URL).
        if len(line) > WRAP and line.lstrip("#~| ").startswith(("msg", '"')) and (
            " " in line[line.index('"') + 1 : WRAP - 1]
        ):
            return NO_WRAP
    return WRAP
