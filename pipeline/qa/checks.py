"""QA checks on translations: plain functions, each registered with a name and a severity."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import polib

from pipeline import patterns
from pipeline.catalog.entry import DRAFT_SOURCES, has_text, is_draft, is_fuzzy, unsigned
from pipeline.catalog.glossary import Glossary, SafetyPhrase, load_glossary, load_phrases
from pipeline.catalog.paths import CatalogInfo, select_domains
from pipeline.catalog.plurals import check_plural_header
from pipeline.catalog.pofile import load_catalog
from pipeline.config import Config, Language, ReviewPolicy
from pipeline.qa.deception import ascii_digits, decoded, hidden, lookalike_numbers
from pipeline.qa.findings import ERROR, WARNING, Context, EntryCheck, Finding
from pipeline.qa.kinds import (
    check_anatomy,
    check_hedges,
    check_polarity,
    check_quantity,
    check_quantity_dropped,
)
from pipeline.qa.lexicon import ENGLISH, lexicon, unspelled
from pipeline.qa.meaning import (
    check_list_items,
    check_modality,
    check_negation,
    check_number_words,
    check_omission,
    check_sequence,
)
from pipeline.qa.readability import readability_findings
from pipeline.qa.terms import check_glossary, check_safety
from pipeline.qa.units import check_units
from pipeline.visible import refusal

# Every pattern here runs on untrusted text: linear on any input (see ``patterns``).
_LINK = re.compile(r"\]\(([^)\s]*)")
_URL = patterns.URL_RE
_EMAIL = patterns.EMAIL_RE
_PHONE = patterns.PHONE_RE
_NUMBER = patterns.NUMBER_RE
_MARKUP = re.compile(r"\*\*|__|~~|`+|!\[|\[|\]\(")
_HTML = re.compile(r"<\s*+/?\s*+[a-zA-Z][^<>]*>|<!--")
_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.I)
_DOUBLED = re.compile(r"\b(\w{2,})\s+\1\b", re.I | re.U)
_END_PUNCT = re.compile(r"[.:;!?。：！？؟]$")
_FORMAT = re.compile(r"%\(\w+\)[sdifr]|%[sdif]")
_RATIO_WORD = re.compile(r"(\d)\s?比\s?(\d)")  # Chinese writes the ratio 1:3 as 1比3


def _differs(pattern: re.Pattern[str], entry: polib.POEntry,
             decode: bool = False) -> tuple[list[str], list[str]]:
    """What ``pattern`` finds in the English but not the translation, and the reverse
    (``decode``: in the text as read, "&#48;" being a "0", "٢٤" a "24", "1比3" a "1:3")."""
    def read(text: str) -> str:
        return _RATIO_WORD.sub(r"\1:\2", ascii_digits(decoded(text))) if decode else text
    src = Counter(pattern.findall(read(entry.msgid)))
    dst = Counter(pattern.findall(read(entry.msgstr)))
    return sorted((src - dst).elements()), sorted((dst - src).elements())


def check_markup(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """Inline Markdown markup (emphasis, links, code) differs from the English."""
    missing, extra = _differs(_MARKUP, entry)
    if missing or extra:
        yield f"markup differs: missing {missing or '-'}, extra {extra or '-'}"


def check_links(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """Link targets, URLs or e-mail addresses differ from the English."""
    for pattern in (_LINK, _URL, _EMAIL):
        missing, extra = _differs(pattern, entry)
        if missing or extra:
            yield f"link targets differ: missing {missing or '-'}, extra {extra or '-'}"
            return


def check_numbers(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """Numbers, phone numbers, doses or ratios differ from the English."""
    missing, extra = _differs(_PHONE, entry, decode=True)
    if missing or extra:
        yield f"phone numbers differ: missing {missing or '-'}, extra {extra or '-'}"
        return
    missing, extra = _differs(_NUMBER, entry, decode=True)
    # "three" ↔ "3": a number written in words on the other side agrees by value.
    missing = unspelled(missing, entry.msgstr, ctx.lang.base)
    extra = unspelled(extra, entry.msgid, ENGLISH)
    # A ratio written out ("1:3" ↔ "每3名患者配备1名护士") keeps its parts as numbers.
    for ratio in [m for m in missing if ":" in m]:
        parts = ratio.split(":")
        if all(p in extra for p in parts):
            missing.remove(ratio)
            for p in parts:
                extra.remove(p)
    if missing or extra:
        yield f"numbers differ: missing {missing or '-'}, extra {extra or '-'}"


def check_format(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """Python format placeholders (%(name)s) differ from the English."""
    missing, extra = _differs(_FORMAT, entry)
    if missing or extra:
        yield f"placeholders differ: missing {missing or '-'}, extra {extra or '-'}"


def check_unsafe(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """Raw HTML, bidi overrides or invisible characters a reader cannot see."""
    if "<!--" in entry.msgstr:  # translations are rendered without HTML: readers see it
        yield "an HTML comment in the translation is shown to readers as text; remove it"
    elif _HTML.search(entry.msgstr) and not _HTML.search(entry.msgid):
        yield "raw HTML in the translation (it is shown as text, never run); remove it"
    if _HANDLER.search(entry.msgstr) and not _HANDLER.search(entry.msgid):
        yield "looks like an HTML event handler (onmouseover=…); remove it"
    extra = hidden(decoded(entry.msgstr)) - hidden(decoded(entry.msgid))
    if "a bidirectional control character" in extra:
        yield "bidirectional control character (can reorder digits of a phone number); remove it"
    if any(what != "a bidirectional control character" for what in extra):
        yield "invisible zero-width character; remove it"
    posing = lookalike_numbers(decoded(entry.msgstr)) - lookalike_numbers(
        decoded(entry.msgid))
    if posing:
        yield f"the number {sorted(posing)[0]!r} is written with look-alike letters; use digits"


def check_dnt(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A do-not-translate glossary term was changed."""
    for term in ctx.glossary.do_not_translate:
        if term in entry.msgid and entry.msgid.count(term) > entry.msgstr.count(term):
            yield f"'{term}' must stay as it is (glossary: do not translate)"


def check_untranslated(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """The translation is identical to the English."""
    if entry.msgstr != entry.msgid:
        return
    words = re.sub(r"\[|\]\([^()]*\)|\*\*|[\d\W_]+", " ", entry.msgid)
    for term in ctx.glossary.do_not_translate:
        words = words.replace(term, " ")
    if len(words.split()) >= 2:
        yield "same as the English"


def check_spacing(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """Leading/trailing whitespace or end punctuation differs."""
    src, dst = entry.msgid, entry.msgstr
    if (src[:1].isspace(), src[-1:].isspace()) != (dst[:1].isspace(), dst[-1:].isspace()):
        yield "leading or trailing whitespace differs"
    if bool(_END_PUNCT.search(src.rstrip())) != bool(_END_PUNCT.search(dst.rstrip())):
        yield "end punctuation differs"


def check_doubled(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A word is doubled ("the the")."""
    for m in _DOUBLED.finditer(entry.msgstr):
        if not _DOUBLED.search(entry.msgid):
            yield f"doubled word '{m.group(0)}'"
            return


def check_length(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """Length far outside the usual ratio to the English."""
    if len(entry.msgid) < 20:
        return
    ratio = len(entry.msgstr) / len(entry.msgid)
    low, high = (0.15, 1.2) if ctx.lang.base in ("zh", "ja", "ko") else (0.5, 2.2)
    if not low <= ratio <= high:
        yield f"length is {ratio:.1f}× the English (usual {low}–{high}×); is something missing?"


"""Comment prefixes naming where a fuzzy draft came from (``translate``, ``import``)."""


# A full stop ends a sentence before a space or the end ("St." and "U.S." do not);
# CJK full stops need no space after them.
_SENTENCE_END = re.compile(
    r"(?<![A-Z]\.)(?<!\b[A-Z][a-z]\.)[.!?؟](?=\s++\S|$)|[。！？]"
)


def check_sentences(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """Fewer sentences than the English: one may have been left out."""
    src = len(_SENTENCE_END.findall(entry.msgid.strip()))
    dst = len(_SENTENCE_END.findall(entry.msgstr.strip()))
    lex = lexicon(ctx.lang.base)
    usual = (lex.ratio if lex else 1.0) * len(entry.msgid)
    # Sentences merged in translation keep their length: only a short text lost one.
    if src >= 2 and dst < src and len(entry.msgstr) < 0.95 * usual:
        yield f"{dst} sentences where the English has {src}; is one missing?"


def check_control(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A control character (backspace, escape, NUL …) that can hide text from a reviewer."""
    problem = refusal(entry.msgstr)
    if problem:
        yield f"{problem}; remove it"


def check_signoff(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """With require_signoff: a translated entry nobody signed off, or changed since."""
    why = unsigned(entry) if ctx.signoff else None
    if why:
        yield f"{why}: it is not published; sign it with 'pipeline review --reviewer NAME'"


def check_previous(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A fuzzy entry from an English change lacks its previous text (#| msgid)."""
    comment = entry.tcomment or ""
    drafted = any(source in comment for source in DRAFT_SOURCES)
    if is_fuzzy(entry) and not entry.previous_msgid and not drafted:
        yield "fuzzy without the previous English (#| msgid); compare with the source"


CHECKS: dict[str, tuple[str, EntryCheck]] = {
    "markup": (ERROR, check_markup),
    "links": (ERROR, check_links),
    "numbers": (ERROR, check_numbers),
    "format": (ERROR, check_format),
    "unsafe": (ERROR, check_unsafe),
    "do-not-translate": (ERROR, check_dnt),
    "glossary": (WARNING, check_glossary),
    "untranslated": (WARNING, check_untranslated),
    "spacing": (WARNING, check_spacing),
    "doubled": (WARNING, check_doubled),
    "length": (WARNING, check_length),
    "sentences": (WARNING, check_sentences),
    "previous": (WARNING, check_previous),
    "control": (ERROR, check_control),
    "signoff": (ERROR, check_signoff),
    "negation": (ERROR, check_negation),
    "number-words": (ERROR, check_number_words),
    "sequence": (ERROR, check_sequence),
    "modality": (WARNING, check_modality),
    "omission": (ERROR, check_omission),
    "list-items": (WARNING, check_list_items),
    "anatomy": (ERROR, check_anatomy),
    "polarity": (ERROR, check_polarity),
    "quantity": (ERROR, check_quantity),
    "quantity-dropped": (WARNING, check_quantity_dropped),
    "hedges": (WARNING, check_hedges),
    "units": (ERROR, check_units),
    "safety": (ERROR, check_safety),
}
"""Every entry check by name: (severity, function). Titles are the docstrings."""


def check_header(po: polib.POFile, lang: Language) -> Iterator[tuple[str, str]]:
    """Header fields: Language, a usable Plural-Forms and the charset; (severity, message).

    Plural-Forms is compared by value, not text: a rule equivalent to gettext's or CLDR's is
    right, a different valid rule is a warning, a malformed or inconsistent one an error.
    """
    meta = po.metadata
    if meta.get("Language", "").replace("-", "_") != lang.gettext:
        yield ERROR, f"header Language is '{meta.get('Language', '')}', expected '{lang.gettext}'"
    counts = [len(e.msgstr_plural) for e in po if e.msgid_plural and not e.obsolete]
    for finding in check_plural_header(meta.get("Plural-Forms", ""), lang, counts):
        yield (ERROR if finding.error else WARNING), finding.message
    if "charset=utf-8" not in meta.get("Content-Type", "").lower():
        yield ERROR, "header charset should be UTF-8"


def check_catalog(path: Path, lang: Language, glossary: Glossary,
                  root: Path | None = None, *, signoff: bool = False,
                  phrases: tuple[SafetyPhrase, ...] = ()) -> list[Finding]:
    """Every finding in one catalog, in file order."""
    cat = load_catalog(path)
    shown = str(path.relative_to(root)) if root else str(path)
    ctx = Context(lang, glossary, signoff, phrases)
    findings = [Finding(shown, 1, severity, "header", msg, lang=lang.gettext)
                for severity, msg in check_header(cat.po, lang)]
    policy = ReviewPolicy(signoff_required=signoff)
    for entry in cat.entries():
        findings += [replace(f, lang=lang.gettext, draft=is_draft(entry, policy))
                     for f in check_entry(entry, ctx, shown)]
    return findings


def check_entry(entry: polib.POEntry, ctx: Context, path: str = "") -> list[Finding]:
    """Every finding for one entry (none for an entry without text or with plurals)."""
    if not has_text(entry) or entry.msgid_plural:
        return []
    return [
        Finding(path, entry.linenum or 1, severity, name, message, entry.msgid)
        for name, (severity, check) in CHECKS.items()
        for message in check(entry, ctx)
    ]


def run_checks(config: Config, languages: Sequence[Language],
               pages: Sequence[str] | None = None) -> list[Finding]:
    """Findings for every existing catalog of the languages (header checks included)."""
    glossary = load_glossary(config.glossary_path)
    phrases = load_phrases(config.phrases_path)
    names = select_domains(config, pages)
    findings: list[Finding] = []
    for lang in languages:
        for name in names:
            info = CatalogInfo(name, lang, config.locale_dir)
            if info.po_path.exists():
                findings += check_catalog(info.po_path, lang, glossary, config.root,
                                          signoff=config.require_signoff, phrases=phrases)
    return findings + readability_findings(config, languages, names)
