"""``init`` and ``update``: bring ``.po`` files in line with the templates, losing nothing.

msgmerge semantics: translations are kept; a changed English string is matched to its
old version, keeps the old translation marked ``fuzzy`` with ``#|`` previous text;
removed strings become obsolete and come back, translation and all, if they return.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.catalog.entry import (
    copy_state,
    is_fuzzy,
    keep_comments,
    mark_draft,
    template_flags,
)
from pipeline.catalog.header import now_stamp, po_header
from pipeline.catalog.match import Matcher
from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.pofile import (
    Catalog,
    encode_catalog,
    load_catalog,
    new_catalog,
    parse_catalog,
    read_catalog_bytes,
)
from pipeline.catalog.poformat import WRAP
from pipeline.catalog.reads import Memo, Templates, digest
from pipeline.catalog.syntax import MAX_NPLURALS
from pipeline.config import Config, Language
from pipeline.errors import CatalogError
from pipeline.fs import atomic_write, locked


@dataclass(frozen=True, slots=True)
class UpdateItem:
    """What ``update`` did to one catalog."""

    domain: str
    lang: str
    path: str
    created: bool
    changed: bool
    kept: int
    trivial: int
    fuzzy: int
    new: int
    obsolete: int
    revived: int


def _any_text(e: polib.POEntry) -> bool:
    """Some translation to keep: a partly translated plural counts (it is never dropped), and
    so does one of only spaces (some languages leave a word out on purpose)."""
    return bool(e.msgstr != "") or any(v != "" for v in e.msgstr_plural.values())


def nplurals_of(po: polib.POFile) -> int:
    """The catalog's number of plural forms (2 when the header does not say)."""
    m = re.search(r"nplurals\s*=\s*(\d+)", str(po.metadata.get("Plural-Forms", "")))
    return int(m.group(1)) if m and 0 < int(m.group(1)) <= MAX_NPLURALS else 2


def _take_translation(e: polib.POEntry, old: polib.POEntry, nplurals: int) -> bool:
    """Copy ``old``'s translation into ``e`` in ``e``'s shape, as msgmerge does: a singular
    becomes every plural form, a plural's first form becomes the singular. True when the
    shape changed (the result then needs review whatever the texts)."""
    if e.msgid_plural and old.msgid_plural:
        e.msgstr_plural = dict(old.msgstr_plural)
        e.msgstr = ""
        return bool(e.msgid_plural != old.msgid_plural)
    if e.msgid_plural:
        e.msgstr_plural = dict.fromkeys(range(nplurals), old.msgstr)
        e.msgstr = ""
        return True
    if old.msgid_plural:
        e.msgstr = old.msgstr_plural.get(0, "")
        e.msgstr_plural = {}
        return True
    e.msgstr = old.msgstr
    return False


def _mark_changed(e: polib.POEntry, old: polib.POEntry) -> None:
    """``e`` holds a translation of ``old``'s English: a draft showing the old English."""
    mark_draft(e)
    was_draft = is_fuzzy(old) and old.previous_msgid
    e.previous_msgctxt = old.msgctxt if old.msgctxt != e.msgctxt else None
    e.previous_msgid = old.previous_msgid if was_draft else old.msgid
    e.previous_msgid_plural = (
        (old.previous_msgid_plural if was_draft else old.msgid_plural) or None
    )


def _key(e: polib.POEntry) -> tuple[str | None, str]:
    return (e.msgctxt, e.msgid)


def _fresh(t: polib.POEntry) -> polib.POEntry:
    e = polib.POEntry(
        msgctxt=t.msgctxt,
        msgid=t.msgid,
        msgstr="",
        occurrences=list(t.occurrences),
        comment=t.comment,
    )
    template_flags(e, t)
    if t.msgid_plural:
        e.msgid_plural = t.msgid_plural
        e.msgstr_plural = dict.fromkeys(range(max(2, len(t.msgstr_plural))), "")
    return e


def _copy(e: polib.POEntry) -> polib.POEntry:
    """A detached copy of the fields a merge reads from an old entry."""
    c = polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr)
    copy_state(c, e)
    c.msgid_plural = e.msgid_plural
    c.msgstr_plural = dict(e.msgstr_plural)
    c.previous_msgid = e.previous_msgid
    c.previous_msgid_plural = e.previous_msgid_plural
    return c


def _refresh(e: polib.POEntry, t: polib.POEntry) -> None:
    """Take references and extracted comments from the template; keep everything else."""
    if list(e.occurrences) != list(t.occurrences):
        e.occurrences = list(t.occurrences)
    if e.comment != t.comment:
        e.comment = t.comment


def merge(cat: Catalog, pot: polib.POFile) -> dict[str, int]:
    """Merge template ``pot`` into ``cat`` in place; returns counts."""
    live = {_key(e): e for e in cat.po if not e.obsolete}
    dead = {_key(e): e for e in cat.po if e.obsolete}
    counts = dict(kept=0, trivial=0, fuzzy=0, new=0, obsolete=0, revived=0)
    result: list[polib.POEntry] = []
    pending: list[polib.POEntry] = []
    nplurals = nplurals_of(cat.po)
    for t in pot:
        k = _key(t)
        if k in live or k in dead:
            e = live.pop(k) if k in live else dead.pop(k)
            outcome = "revived" if e.obsolete else "kept"
            e.obsolete = False
            if (e.msgid_plural or None) != (t.msgid_plural or None):
                # The English gained, lost or changed its plural: same msgid, new meaning.
                old = _copy(e)
                e.msgid_plural = t.msgid_plural or ""
                if _any_text(old):
                    _take_translation(e, old, nplurals)
                    _mark_changed(e, old)
                    outcome = "fuzzy"
                else:
                    e.msgstr, e.msgstr_plural = "", _fresh(t).msgstr_plural
            counts[outcome] += 1
        else:
            e = _fresh(t)
            pending.append(e)
        _refresh(e, t)
        result.append(e)
    leftovers = [e for e in (*live.values(), *dead.values()) if _any_text(e)]
    matcher = Matcher(leftovers)
    for e in pending:
        found = matcher.best(e.msgid, e.msgctxt, bool(e.msgid_plural))
        if found is None:
            counts["new"] += 1
            continue
        old, trivial = found
        reshaped = _take_translation(e, old, nplurals)
        keep_comments(e, old)
        if trivial and not reshaped and not is_fuzzy(old):
            counts["trivial"] += 1
            continue
        _mark_changed(e, old)
        counts["fuzzy"] += 1
    for e in live.values():
        if _any_text(e):
            e.obsolete = True
            e.occurrences = []
            if not e.previous_msgid:  # msgmerge keeps "#~| msgid" (and its plural, context);
                # a previous plural or context alone is a syntax error for msgfmt
                e.previous_msgid_plural = e.previous_msgctxt = None
            counts["obsolete"] += 1
    merged = {_key(r) for r in result}  # once, not per obsolete entry
    obsolete = [e for e in cat.po if e.obsolete and _key(e) not in merged]
    cat.po[:] = result + obsolete
    return counts


def _template(path: polib.POFile | None, info: CatalogInfo) -> polib.POFile:
    if path is not None:
        return path
    if not info.pot_path.exists():
        raise CatalogError("template not found; run 'pipeline extract' first", path=info.pot_path)
    return load_catalog(info.pot_path).po  # other read errors: one line, not a traceback


def _merged(info: CatalogInfo, template: polib.POFile, data: bytes | None,
            ) -> tuple[bytes, dict[str, int]]:
    """Merge ``template`` into the catalog whose bytes are ``data`` (None: a new catalog);
    returns the bytes to write (``data`` itself when nothing changed) and the counts."""
    pot_date = str(template.metadata.get("POT-Creation-Date", now_stamp()))
    if data is None:
        cat = new_catalog(info.po_path)
        cat.po.metadata = po_header(info.lang, info.domain, pot_date)
        cat.po.header = (
            f"{info.lang.gettext} translation of l10n-pipeline '{info.domain}'.\n"
            "Edit msgstr lines; remove the 'fuzzy' flag once a translation is reviewed."
        )
    else:
        cat = parse_catalog(data, info.po_path)
        if cat.po.metadata.get("POT-Creation-Date") != pot_date:
            cat.po.metadata["POT-Creation-Date"] = pot_date
    counts = merge(cat, template)
    cat.po.wrapwidth = WRAP
    return encode_catalog(cat)[0], counts


def _read(path: Path) -> bytes | None:
    return read_catalog_bytes(path) if path.exists() else None


def update_one(info: CatalogInfo, pot: polib.POFile | None = None) -> UpdateItem:
    """Create or merge one catalog, atomically, under its lock."""
    template = _template(pot, info)
    with locked(info.po_path):
        old = _read(info.po_path)
        new, counts = _merged(info, template, old)
        changed = atomic_write(info.po_path, new)
    return UpdateItem(info.domain, info.lang.gettext, str(info.po_path), old is None, changed,
                      **counts)


# Bytes of changed catalogs held between reading all and writing any; past it, a catalog is
# merged again when it is written (a huge first update must not hold every file in memory).
HOLD_BYTES = 256 * 1024 * 1024


@dataclass(slots=True)
class _Step:
    """One catalog of an update, read and merged, not yet written."""

    info: CatalogInfo
    pot: str  # digest of the template's bytes
    read: str | None  # digest of the catalog's bytes as read (None: it did not exist)
    write: bytes | None  # what to write (None: nothing, or merge again when writing)
    again: bool  # changed, but its bytes were not held: merged again when written
    counts: dict[str, int]


def _step(info: CatalogInfo, templates: Templates, memo: Memo) -> _Step:
    """Read and merge one catalog (or find its result in the memo); write nothing."""
    pot = templates.digest(info.domain)
    data = _read(info.po_path)
    read = None if data is None else digest(data)
    known = None if read is None else memo.counts(info.domain, pot, read)
    if known is not None:
        return _Step(info, pot, read, None, False, known)
    new, counts = _merged(info, templates.po(info.domain), data)
    return _Step(info, pot, read, None if new == data else new, False, counts)


def _finish(step: _Step, templates: Templates, memo: Memo) -> UpdateItem:
    """Write ``step``'s catalog (under its language's lock, held by the caller) and note in
    the memo what a rerun may skip. A catalog someone saved since it was read is merged
    again from what is on disk now: their edit is not overwritten."""
    info, changed = step.info, False
    if step.write is not None or step.again:
        now = _read(info.po_path)
        if step.again or (None if now is None else digest(now)) != step.read:
            step.write, step.counts = _merged(info, templates.po(info.domain), now)
            step.read = None if now is None else digest(now)
        assert step.write is not None
        changed = atomic_write(info.po_path, step.write)
        step.write = None
    if step.read is None or changed:
        memo.forget(info.domain)
    elif info.domain not in templates.parsed or _dated(templates.po(info.domain)):
        memo.record(info.domain, step.pot, step.read, step.counts)
    return UpdateItem(info.domain, info.lang.gettext, str(info.po_path), step.read is None,
                      changed, **step.counts)


def _dated(template: polib.POFile) -> bool:
    """A template without a date makes a merge stamp the time: not the same result twice."""
    return "POT-Creation-Date" in template.metadata


def update(
    config: Config,
    languages: Sequence[Language],
    *,
    domains: Sequence[str] | None = None,
    progress: Callable[[UpdateItem], None] | None = None,
) -> list[UpdateItem]:
    """Merge every template into every language's catalogs (creating missing ones).

    The languages' catalog folders are locked for the whole run. Each file is read once, and
    every catalog is read and merged before any is written: one broken file leaves all
    untouched. A catalog whose bytes and template's bytes are ones an earlier update found
    already merged is not parsed again (:mod:`pipeline.catalog.reads`)."""
    from pipeline.catalog.paths import domains as all_domains

    names = list(domains) if domains is not None else all_domains(config)
    if not names:
        raise CatalogError(
            "no templates in locale/; run 'pipeline extract' first", path=config.locale_dir
        )
    if not languages:
        return []
    templates = Templates(config.locale_dir)
    for name in names:  # a missing or unreadable template: nothing is read further
        templates.digest(name)
    items = []
    with contextlib.ExitStack() as locks:
        for lang in dict.fromkeys(languages):  # one lock per folder, taken once
            locks.enter_context(locked(CatalogInfo(names[0], lang, config.locale_dir).po_path))
        memos = {lang: Memo.load(config.cache_dir, lang.gettext) for lang in languages}
        steps: list[_Step] = []
        held = 0
        for lang in languages:
            for name in names:
                step = _step(CatalogInfo(name, lang, config.locale_dir), templates, memos[lang])
                held += len(step.write or b"")
                if held > HOLD_BYTES and step.write is not None:
                    step.write, step.again = None, True
                steps.append(step)
        for step in steps:
            item = _finish(step, templates, memos[step.info.lang])
            if progress:
                progress(item)
            items.append(item)
        for memo in memos.values():
            memo.save()
    return items


def init(
    config: Config,
    languages: Sequence[Language],
    *,
    progress: Callable[[UpdateItem], None] | None = None,
) -> list[UpdateItem]:
    """Create the missing catalogs of ``languages``; existing ones are left alone (their item
    has ``created`` False). Every template is read before any file is written, so a broken
    template leaves no language half-initialised."""
    from pipeline.catalog.paths import domains as all_domains

    names = all_domains(config)
    if not names:
        raise CatalogError(
            "no templates in locale/; run 'pipeline extract' first", path=config.locale_dir
        )
    templates = {n: _template(None, CatalogInfo(n, languages[0], config.locale_dir))
                 for n in names} if languages else {}
    items = []
    for lang in languages:
        for name in names:
            info = CatalogInfo(name, lang, config.locale_dir)
            if info.po_path.exists():
                item = UpdateItem(name, lang.gettext, str(info.po_path), False, False,
                                  0, 0, 0, 0, 0, 0)
            else:
                item = update_one(info, templates[name])
            if progress:
                progress(item)
            items.append(item)
    return items
