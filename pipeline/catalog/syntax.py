"""What the loader refuses before polib can misread it: string syntax, unknown escapes and
charsets, oversized catalogs and strings, duplicate entries."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import polib

from pipeline.errors import CatalogError

MAX_CATALOG_BYTES = 16 * 1024 * 1024
"""A catalog file larger than this is refused (our largest real one is 0.02 MB; Django's
biggest is 0.3 MB): parsing costs about 200 times the file's size in memory."""


MAX_FIELD_CHARS = 100_000
"""A msgid, msgstr or plural form longer than this is refused (pages cap a paragraph at
10,000 characters; a translation may be longer, not ten times longer)."""


MAX_NPLURALS = 6
"""No language has more plural forms (Arabic, Welsh: 6); a header claiming more is refused."""



# The charsets GNU gettext accepts in a PO header (po-charset.c), all ASCII-compatible.
_GETTEXT_CHARSETS = (
    "ascii", "iso-8859-1", "iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5",
    "iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-9", "iso-8859-13", "iso-8859-14",
    "iso-8859-15", "koi8-r", "koi8-u", "koi8-t", "cp850", "cp866", "cp874", "cp932", "cp949",
    "cp950", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "gb2312", "euc-jp", "euc-kr", "big5", "big5hkscs", "gbk", "gb18030",
    "shift_jis", "johab", "tis-620", "utf-8",
)


def known_charset(name: str) -> bool:
    """A charset gettext knows (so msgfmt reads the file as we do), by Python's own name."""
    import codecs

    try:
        wanted = codecs.lookup(name).name
    except LookupError:
        return False
    return wanted in {codecs.lookup(c).name for c in _GETTEXT_CHARSETS}


STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'  # a quoted string (unrolled: no backtracking per character)


_KEYWORD_LINE = re.compile(
    r"(msgctxt|msgid|msgid_plural|msgstr|msgstr\[(\d+)\])\s+(" + STRING + ")"
)


_STRING_LINE = re.compile(STRING)


# The escapes polib reads back as characters; any other (\a, octal, \x..) it would keep as
# a literal backslash and write back doubled, silently changing the string.
_BAD_ESCAPE = re.compile(r'\\([^\\ntrvbf"])')
_ESCAPE = re.compile(r"\\.")
_UNESCAPE = re.compile(r'\\(\\|n|t|r|v|b|f|")')
_UNESCAPED = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "\\": "\\",
              '"': '"'}


def unescape(text: str) -> str:
    """The text of a quoted string's inside, as polib's ``unescape`` reads it.

    >>> unescape(r'say \\"hi\\"\\n')
    'say "hi"\\n'
    """
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(lambda m: _UNESCAPED[m.group(1)], text)


# Comment lines that belong to the entry after them: at the end of a file, the entry is gone.
# A lone flag line ("#, fuzzy") there is not refused: msgfmt accepts it, and real files end so
# (but it starts the entry a truncated file lost, when other comment lines follow it).
_ENTRY_COMMENT = ("#:", "#.", "#|")
_FLAGS = "#,"


_SYNTAX = "syntax error ({}); fix the entry (msgfmt -c shows details)"


def check_syntax(text: str, path: Path) -> None:
    """Reject what polib would quietly misread (an unterminated or unquoted string, a
    msgid without msgstr, a misplaced plural form, an escape it does not know, a file
    cut off inside an entry): such a file could otherwise lose a translation on save.

    Live (``msgid``), obsolete (``#~ msgid``) and previous (``#| msgid``) lines are held
    to the same string syntax; live and obsolete entries to the same order of keywords.
    """

    def fail(reason: str, line: int) -> CatalogError:
        return CatalogError(_SYNTAX.format(reason), path=path, line=line)

    state = "start"  # start | ctxt | id | plural | str | strN
    state_line = 0  # where the current entry's msgctxt/msgid began
    plural_index = -1
    in_string = False  # the previous line may be continued by a "..." line
    dangling: int | None = None  # first entry comment after the last keyword line
    truncated = False  # a comment after it that only an entry's start can have (not a flag)
    last_previous: str | None = None  # the last "#| keyword" since the last keyword line
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        previous = False
        if stripped.startswith("#~"):
            stripped = stripped[2:].strip()
            if stripped.startswith("|"):
                previous, stripped = True, stripped[1:].strip()
        elif stripped.startswith("#|"):
            previous, stripped = True, stripped[2:].strip()
        if not stripped:  # msgfmt reads on across a blank line, even inside a string
            continue
        if stripped.startswith("#"):  # a comment (also "#~ #: ref")
            in_string = False
            if stripped.startswith((*_ENTRY_COMMENT, _FLAGS)) and dangling is None:
                dangling = number
            truncated = truncated or stripped.startswith(_ENTRY_COMMENT)
            continue
        m = _KEYWORD_LINE.fullmatch(stripped)
        if m is None:
            if in_string and _STRING_LINE.fullmatch(stripped):
                _check_escapes(stripped, number, fail)
                continue
            raise fail("expected a keyword and a quoted string", number)
        _check_escapes(m.group(3), number, fail)
        in_string = True
        if previous:  # "#| msgid": belongs to the entry after it, like a comment
            if m.group(1) not in ("msgctxt", "msgid", "msgid_plural"):
                raise fail(f"'#| {m.group(1)}' is not a previous-string keyword", number)
            if m.group(1) == "msgid_plural" and last_previous != "msgid":
                raise fail("'#| msgid_plural' without '#| msgid' before it", number)
            last_previous = m.group(1)
            if dangling is None:
                dangling = number
            truncated = True
            continue
        dangling = last_previous = None
        truncated = False
        keyword, index = m.group(1), m.group(2)
        if keyword in ("msgctxt", "msgid"):
            if state in ("id", "plural"):
                raise CatalogError(
                    "syntax error (msgid without msgstr); add the msgstr line",
                    path=path,
                    line=state_line,
                )
            if state == "ctxt" and keyword == "msgctxt":
                raise fail("msgctxt without msgid", state_line)
            if state != "ctxt":
                state_line = number
            state = "ctxt" if keyword == "msgctxt" else "id"
        elif keyword == "msgid_plural":
            if state != "id":
                raise fail("msgid_plural without msgid", number)
            state = "plural"
        elif index is None:  # msgstr
            if state == "plural":
                raise fail("a plural entry needs msgstr[0], msgstr[1]…, not msgstr", number)
            if state != "id":
                raise fail("msgstr without msgid", number)
            state = "str"
        else:  # msgstr[N]
            if state == "id":
                raise fail(f"msgstr[{index}] without msgid_plural", number)
            expected = 0 if state == "plural" else plural_index + 1
            if state not in ("plural", "strN") or int(index) != expected:
                raise fail(f"msgstr[{index}] out of order; expected msgstr[{expected}]", number)
            plural_index = int(index)
            state = "strN"
    if state in ("id", "plural"):
        raise CatalogError(
            "syntax error (msgid without msgstr); add the msgstr line", path=path, line=state_line
        )
    if state == "ctxt":
        raise fail("msgctxt without msgid", state_line)
    if dangling is not None and truncated:
        raise CatalogError(
            "the file ends inside an entry (comments but no msgid after them): truncated? "
            "restore it from a backup or version control",
            path=path,
            line=dangling,
        )


def _check_escapes(quoted: str, number: int, fail: Callable[[str, int], CatalogError]) -> None:
    if "\\" not in quoted:
        return
    for m in _ESCAPE.finditer(quoted[1:-1]):
        if _BAD_ESCAPE.fullmatch(m.group(0)):
            raise fail(f"unsupported escape '{m.group(0)}'; write the character itself", number)


_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def refuse_oversize(po: polib.POFile, path: Path) -> None:
    """Bounds on what a catalog may hold (see ``MAX_*``), each refused in one line."""
    m = _NPLURALS.search(str(po.metadata.get("Plural-Forms", "")))
    if m and not 0 < int(m.group(1)) <= MAX_NPLURALS:
        raise CatalogError(
            f"Plural-Forms says nplurals={int(m.group(1)):,} (no language has more than "
            f"{MAX_NPLURALS}); fix the header (pipeline check shows the right one)",
            path=path,
        )
    for entry in po:
        texts = [entry.msgid, entry.msgid_plural, entry.msgstr, *entry.msgstr_plural.values()]
        longest = max(len(t or "") for t in texts)
        if longest > MAX_FIELD_CHARS:
            raise CatalogError(
                f"a string of {longest:,} characters (limit {MAX_FIELD_CHARS:,}); shorten it",
                path=path,
                line=entry.linenum,
            )
        if len(entry.msgstr_plural) > MAX_NPLURALS:
            raise CatalogError(
                f"{len(entry.msgstr_plural)} plural forms (limit {MAX_NPLURALS}); remove the "
                "extra msgstr[N] lines",
                path=path,
                line=entry.linenum,
            )


def refuse_duplicates(po: polib.POFile, path: Path, lines: list[str]) -> None:
    seen: set[tuple[bool, str | None, str]] = set()
    for entry in po:
        key = (bool(entry.obsolete), entry.msgctxt, entry.msgid)
        if key in seen:
            # polib's linenum is where the entry's comments start; name the msgid line.
            line = next((i + 1 for i in range(max(entry.linenum - 1, 0), len(lines))
                         if lines[i].lstrip("#~ ").startswith("msgid ")), entry.linenum)
            raise CatalogError(
                f'Entry "{entry.msgid[:60]}" already exists; merge the duplicate entries',
                path=path,
                line=line,
            )
        seen.add(key)
