"""``init`` and ``update``: bring ``.po`` files in line with the templates, losing nothing.

msgmerge semantics: translations are kept; a changed English string is matched to its
old version, keeps the old translation marked ``fuzzy`` with ``#|`` previous text;
removed strings become obsolete and come back, translation and all, if they return.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polib

from .catalogs import (
    MAX_NPLURALS,
    WRAP,
    Catalog,
    CatalogInfo,
    load_catalog,
    locked,
    new_catalog,
    save_catalog,
)
from .config import Config, Language
from .errors import CatalogError
from .plurals import classic_rule


def now_stamp() -> str:
    """``extract``'s stamp, imported when a header is written: ``translate`` imports this
    module for :func:`weak_match` and needs no Markdown parser."""
    from .extract import now_stamp as stamp

    return stamp()


FUZZY_CUTOFF = 60.0
"""Similarity (0–100, rapidfuzz ``ratio``) an old string needs to become a fuzzy draft of a
long new one; shorter strings need more (:func:`cutoff`), as msgmerge's do."""
STRONG_MATCH = 80.0
"""Below this similarity a fuzzy draft is *weak*: ``translate`` may offer MT instead."""
# Clause and sentence punctuation a trivial edit may add or drop; not between digits
# ("1,500" vs "1.500" is a different dose) and no other symbol ("-20", "<", "**not**").
_TRIVIAL_PUNCT = re.compile(r"(?<!\d)[.,;:!?…](?!\d)|[.,;:!?…](?=\s|$)")
_QUOTES = str.maketrans({c: "'" for c in "\"“”„‘’‚«»‹›`´"})


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


def plural_forms(lang: Language) -> str:
    """The Plural-Forms a new catalog gets: gettext's classic rule (see `plurals`)."""
    return classic_rule(lang)


def po_header(lang: Language, domain: str, pot_date: str) -> dict[str, str]:
    from babel import Locale

    name = Locale.parse(lang.gettext).get_display_name("en") or lang.gettext
    return {
        "Project-Id-Version": f"l10n-pipeline {domain}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": pot_date,
        "PO-Revision-Date": now_stamp(),
        "Last-Translator": "",
        "Language-Team": f"{name}",
        "Language": lang.gettext,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(lang),
    }


def trivial_key(text: str) -> str:
    """Text with case, spacing, quote style and clause punctuation folded away: equal keys
    mean a trivial edit, which keeps a review. Numbers, signs and markup stay significant.

    >>> trivial_key("Call us, now!") == trivial_key("call  us now")
    True
    >>> trivial_key("1,500 mg") == trivial_key("1.500 mg")
    False
    >>> trivial_key("10⁶ cells") == trivial_key("106 cells")
    False
    """
    folded = "".join(map(_fold_char, text)).casefold().translate(_QUOTES)
    return " ".join(_TRIVIAL_PUNCT.sub(" ", folded).split())


def _fold_char(c: str) -> str:
    """Letters and spaces fold to their compatibility form (a full-width "Ａ" is an "A");
    numbers, signs and symbols stay as written: "10⁶" is not "106", "½" not "1⁄2", "µ" not
    "μ" only where it is a letter."""
    if c.isascii() or unicodedata.category(c)[0] in "NSP":
        return c
    folded = unicodedata.normalize("NFKC", c)
    # A letter whose compatibility form holds a digit or sign ("㎎" → "mg" is fine, "⒈"
    # → "1." is not) keeps its own form.
    if any(unicodedata.category(f)[0] in "NS" for f in folded):
        return c
    return folded


def _any_text(e: polib.POEntry) -> bool:
    """Some translation to keep: a partly translated plural counts (it is never dropped), and
    so does one of only spaces (some languages leave a word out on purpose)."""
    return bool(e.msgstr != "") or any(v != "" for v in e.msgstr_plural.values())


def cutoff(text: str) -> float:
    """The similarity a fuzzy match for ``text`` needs: 60 from 30 characters on, rising to
    90 for a single short word, so "Frequency" is not drafted from "French".

    >>> cutoff("Frequency") > 80 > cutoff("A sentence of some length, with clauses.")
    True
    """
    return FUZZY_CUTOFF + 30.0 * max(0.0, (30 - len(text)) / 30)


def similarity(a: str, b: str) -> float:
    """0–100: how alike two strings are (rapidfuzz's normalised InDel ratio)."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(a, b))


def weak_match(entry: polib.POEntry) -> bool:
    """A fuzzy entry whose draft is an old translation of a rather different English."""
    return (
        "fuzzy" in entry.flags
        and entry.previous_msgid is not None
        and similarity(entry.previous_msgid, entry.msgid) < STRONG_MATCH
    )


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.casefold()) if not w.isdigit()}


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
    if "fuzzy" not in e.flags:
        e.flags.insert(0, "fuzzy")
    was_draft = "fuzzy" in old.flags and old.previous_msgid
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
        flags=[f for f in t.flags if f != "fuzzy"],
    )
    if t.msgid_plural:
        e.msgid_plural = t.msgid_plural
        e.msgstr_plural = dict.fromkeys(range(max(2, len(t.msgstr_plural))), "")
    return e


def _copy(e: polib.POEntry) -> polib.POEntry:
    """A detached copy of the fields a merge reads from an old entry."""
    c = polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr, flags=list(e.flags))
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


class Matcher:
    """Finds the most similar old string for a new one (rapidfuzz, C speed)."""

    def __init__(self, candidates: Sequence[polib.POEntry]):
        self.entries = list(candidates)
        self.texts = [e.msgid for e in self.entries]
        self.trivial = {(e.msgctxt, trivial_key(e.msgid), bool(e.msgid_plural)): e
                        for e in self.entries}

    def best(self, text: str, context: str | None = None,
             plural: bool = False) -> tuple[polib.POEntry, bool] | None:
        """(old entry, is the change trivial) or None when nothing is similar enough.

        A trivial edit needs the same msgctxt and the same shape (singular or plural): a
        string split into two contexts is two meanings, each to be reviewed. A short string
        needs a closer match (:func:`cutoff`) and, under five words, a word in common.
        """
        if not self.entries:
            return None
        same = self.trivial.get((context, trivial_key(text), plural))
        if same is not None:
            return same, True
        from rapidfuzz import fuzz, process

        words = _words(text)
        for _, score, index in process.extract(
            text, self.texts, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff(text),
            limit=5,
        ):
            old = self.entries[index]
            if len(words) >= 5 or words & _words(old.msgid) or score >= 95:
                return old, False
        return None


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
        e.tcomment = old.tcomment
        if trivial and not reshaped and "fuzzy" not in old.flags:
            counts["trivial"] += 1
            continue
        _mark_changed(e, old)
        counts["fuzzy"] += 1
    for e in live.values():
        if _any_text(e):
            e.obsolete = True
            e.occurrences = []
            e.previous_msgid = None
            e.previous_msgctxt = None
            counts["obsolete"] += 1
    obsolete = [e for e in cat.po if e.obsolete and _key(e) not in {_key(r) for r in result}]
    cat.po[:] = result + obsolete
    return counts


def _template(path: polib.POFile | None, info: CatalogInfo) -> polib.POFile:
    if path is not None:
        return path
    if not info.pot_path.exists():
        raise CatalogError("template not found; run 'pipeline extract' first", path=info.pot_path)
    return load_catalog(info.pot_path).po  # other read errors: one line, not a traceback


def update_one(info: CatalogInfo, pot: polib.POFile | None = None) -> UpdateItem:
    """Create or merge one catalog, atomically, under its lock."""
    template = _template(pot, info)
    pot_date = str(template.metadata.get("POT-Creation-Date", now_stamp()))
    path = info.po_path
    with locked(path):
        created = not path.exists()
        if created:
            cat = new_catalog(path)
            cat.po.metadata = po_header(info.lang, info.domain, pot_date)
            cat.po.header = (
                f"{info.lang.gettext} translation of l10n-pipeline '{info.domain}'.\n"
                "Edit msgstr lines; remove the 'fuzzy' flag once a translation is reviewed."
            )
        else:
            cat = load_catalog(path)
            if cat.po.metadata.get("POT-Creation-Date") != pot_date:
                cat.po.metadata["POT-Creation-Date"] = pot_date
        counts = merge(cat, template)
        cat.po.wrapwidth = WRAP
        changed = save_catalog(cat, path)
    return UpdateItem(info.domain, info.lang.gettext, str(path), created, changed, **counts)


def update(
    config: Config,
    languages: Sequence[Language],
    *,
    domains: Sequence[str] | None = None,
    progress: Callable[[UpdateItem], None] | None = None,
) -> list[UpdateItem]:
    """Merge every template into every language's catalogs (creating missing ones)."""
    from .catalogs import domains as all_domains

    names = list(domains) if domains is not None else all_domains(config)
    if not names:
        raise CatalogError(
            "no templates in locale/; run 'pipeline extract' first", path=config.locale_dir
        )
    templates = {}
    for name in names:
        info = CatalogInfo(name, languages[0], config.locale_dir) if languages else None
        if info is None:
            break
        templates[name] = _template(None, info)
    # Read every existing catalog before writing any: one broken file leaves all untouched.
    for lang in languages:
        for name in names:
            path = CatalogInfo(name, lang, config.locale_dir).po_path
            if path.exists():
                load_catalog(path)
    items = []
    for lang in languages:
        for name in names:
            item = update_one(CatalogInfo(name, lang, config.locale_dir), templates[name])
            if progress:
                progress(item)
            items.append(item)
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
    from .catalogs import domains as all_domains

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
