"""Writing a draft into an entry, and the shape an engine's answer must have to be one."""

from __future__ import annotations

from collections.abc import Sequence

import polib

from pipeline.catalog.entry import has_text, mark_draft, set_provenance
from pipeline.catalog.merge import nplurals_of
from pipeline.catalog.pofile import Catalog
from pipeline.catalog.syntax import MAX_FIELD_CHARS
from pipeline.mt.engines.base import Failure, Result
from pipeline.visible import refusal


def draft(entry: polib.POEntry, texts: Sequence[str], note: str, nplurals: int) -> None:
    # An entry with text here is a weak fuzzy match being replaced: nothing of it is typed.
    replacing = has_text(entry)
    if entry.msgid_plural:
        singular, plural = texts
        typed = {} if replacing else entry.msgstr_plural or {}
        # Forms a person already typed stay; only empty forms get the draft.
        entry.msgstr_plural = {
            i: typed.get(i) or (singular if i == 0 and nplurals > 1 else plural)
            for i in range(nplurals)
        }
    else:
        entry.msgstr = texts[0]
    mark_draft(entry)
    set_provenance(entry, note)

def bounded(text: str, result: Result) -> Result:
    """An answer far longer than its text (a server's error page, a runaway engine) or
    holding a control character or a lone surrogate is a failure: it would make a catalog
    the loader refuses (``MAX_FIELD_CHARS``, NUL) or one that cannot be written."""
    if isinstance(result, str) and len(result) > min(MAX_FIELD_CHARS, 10 * len(text) + 1000):
        return Failure(f"the engine answered {len(result):,} characters for {len(text):,}; "
                       "refused")
    if isinstance(result, str) and (problem := refusal(result)) and not refusal(text):
        return Failure(f"engine output refused: {problem}")
    return result

def keep_edges(source: str, text: str) -> str:
    """The translation with the source's leading and trailing whitespace (engines trim it)."""
    core = source.strip()
    if not core:
        return text
    lead = source[: len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()):]
    return lead + text.strip() + trail

def nplurals_in(cat: Catalog) -> int:
    return nplurals_of(cat.po)  # bounded: the loader refuses a header above MAX_NPLURALS
