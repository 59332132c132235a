"""QA checks on translations: plain functions, each registered with a name and a severity."""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import polib

from pipeline import patterns
from pipeline.catalogs import load_catalog
from pipeline.config import Config, Language
from pipeline.entry import DRAFT_SOURCES, has_text, is_fuzzy, unsigned
from pipeline.meaning import (
    ENGLISH,
    check_list_items,
    check_modality,
    check_negation,
    check_number_words,
    check_omission,
    check_sequence,
    unspelled,
)
from pipeline.paths import CatalogInfo, select_domains
from pipeline.plurals import check_plural_header
from pipeline.protect import Glossary, load_glossary
from pipeline.visible import refusal

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one entry, reported compiler style."""

    path: str
    line: int
    severity: str
    check: str
    message: str
    msgid: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.check}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Context:
    """What a check may look at besides the entry."""

    lang: Language
    glossary: Glossary
    signoff: bool = False  # [tool.pipeline] require_signoff


EntryCheck = Callable[[polib.POEntry, Context], Iterator[str]]

# Every pattern here runs on untrusted text: linear on any input (see ``patterns``).
_LINK = re.compile(r"\]\(([^)\s]*)")
_URL = patterns.URL_RE
_EMAIL = patterns.EMAIL_RE
_PHONE = patterns.PHONE_RE
_NUMBER = patterns.NUMBER_RE
_MARKUP = re.compile(r"\*\*|__|~~|`+|!\[|\[|\]\(")
_HTML = re.compile(r"<\s*+/?\s*+[a-zA-Z][^<>]*>|<!--")
_NOT_PLAIN = re.compile(r"[^\x20-\x7e\t\n]")
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ/ZWJ: needed inside Persian and Indic words
# Characters that render as nothing without being format characters (Unicode's
# Default_Ignorable_Code_Point, minus category Cf, which is decided by category).
_BLANK = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164"
                    "\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]")
# Letters a reader takes for digits when they sit among digits ("9O1-595-33OO").
_LOOKALIKE = str.maketrans({c: "0" for c in "OoΟοОоՕ"} | {c: "1" for c in "lIΙІӀ|ǀ"})
_ALNUM_RUN = re.compile(r"[^\W_]+")
_HANDLER = re.compile(r"\bon[a-z]+\s*=", re.I)
_DOUBLED = re.compile(r"\b(\w{2,})\s+\1\b", re.I | re.U)
_END_PUNCT = re.compile(r"[.:;!?。：！？؟]$")
_FORMAT = re.compile(r"%\(\w+\)[sdifr]|%[sdif]")
_RATIO_WORD = re.compile(r"(\d)\s?比\s?(\d)")  # Chinese writes the ratio 1:3 as 1比3


def hidden(text: str) -> set[str]:
    """What ``text`` holds that a reader cannot see, by Unicode category: bidirectional
    controls, other format characters (zero-width, U+2063…; a joiner inside a word is
    writing, not hiding), control characters, private-use, unassigned and blank ones."""
    found: set[str] = set()
    for m in _NOT_PLAIN.finditer(text):
        c = m.group(0)
        category = unicodedata.category(c)
        if category == "Cf":
            if unicodedata.bidirectional(c) != "BN":
                found.add("a bidirectional control character")
            elif not (c in _JOINERS and _between_letters(text, m.start())):
                found.add(f"an invisible character (U+{ord(c):04X})")
        elif category in ("Cc", "Co", "Cn", "Cs") or _BLANK.match(c):
            found.add(f"an invisible or control character (U+{ord(c):04X})")
    return found


def _between_letters(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()


_NUMERIC_REF = re.compile(r"&#(?:[xX]([0-9A-Fa-f]{1,8})|([0-9]{1,10}));")


def decoded(text: str) -> str:
    """The text as a reader gets it: character references (``&rlm;``, ``&#48;``) decoded,
    as the Markdown renderer and the browser decode them. A numeric reference becomes its
    code point even where HTML would drop or replace it (``&#x7F;``), so it is judged."""
    if "&" not in text:
        return text

    def number(m: re.Match[str]) -> str:
        n = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        return chr(n) if n <= 0x10FFFF else "\ufffd"

    return html.unescape(_NUMERIC_REF.sub(number, text))


def _ascii_digits(text: str) -> str:
    """Any script's digits as ASCII ("٩٠١" → "901"): the same number for a reader."""
    return "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c
                   for c in text)


def _lookalike_numbers(text: str) -> set[str]:
    """Numbers written partly with letters that look like digits ("9O1", "33OO")."""
    found = set()
    for m in _ALNUM_RUN.finditer(text):
        run = m.group(0)
        if any(c.isdigit() for c in run) and not run.isdigit():
            skeleton = run.translate(_LOOKALIKE)
            if skeleton.isdigit():
                found.add(run)
    return found


def deceptive(source: str, translation: str) -> str | None:
    """Why ``translation`` could mislead a reader where the English would not, or None.

    Decided on the text as rendered (character references decoded). Bidi controls can
    reverse a phone number's digits; invisible characters can hide inside one; letters can
    pose as digits; a phone number, URL or e-mail address the English lacks may be someone
    else's.
    """
    source, translation = decoded(source), decoded(translation)
    extra_hidden = hidden(translation) - hidden(source)
    if extra_hidden:
        return f"translation holds {sorted(extra_hidden)[0]}"
    posing = _lookalike_numbers(translation) - _lookalike_numbers(source)
    if posing:
        return f"translation writes the number {sorted(posing)[0]!r} with look-alike letters"
    for pattern, what in ((_PHONE, "phone number"), (_URL, "URL"), (_EMAIL, "e-mail address")):
        extra = (set(map(_ascii_digits, pattern.findall(translation)))
                 - set(map(_ascii_digits, pattern.findall(source))))
        if extra:
            return f"translation adds the {what} {sorted(extra)[0]!r}"
    # A run of 3+ digits the English lacks: "(888) 226-9999" as a link's text, a dose.
    extra_digits = {d for d in _digit_runs(translation) - _digit_runs(source) if len(d) >= 3}
    if extra_digits:
        return f"translation has the number {sorted(extra_digits)[0]} the English lacks"
    return None


def _digit_runs(text: str) -> set[str]:
    """Runs of digits, any script's digits read as ASCII ("٤٣" → "43")."""
    runs = set()
    for m in re.finditer(r"\d+", text):
        runs.add("".join(str(unicodedata.digit(c)) for c in m.group(0)))
    return runs


def _differs(pattern: re.Pattern[str], entry: polib.POEntry,
             decode: bool = False) -> tuple[list[str], list[str]]:
    """What ``pattern`` finds in the English but not the translation, and the reverse
    (``decode``: in the text as read, "&#48;" being a "0", "٢٤" a "24", "1比3" a "1:3")."""
    def read(text: str) -> str:
        return _RATIO_WORD.sub(r"\1:\2", _ascii_digits(decoded(text))) if decode else text
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
    posing = _lookalike_numbers(decoded(entry.msgstr)) - _lookalike_numbers(
        decoded(entry.msgid))
    if posing:
        yield f"the number {sorted(posing)[0]!r} is written with look-alike letters; use digits"


def check_dnt(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A do-not-translate glossary term was changed."""
    for term in ctx.glossary.do_not_translate:
        if term in entry.msgid and entry.msgid.count(term) > entry.msgstr.count(term):
            yield f"'{term}' must stay as it is (glossary: do not translate)"


def check_glossary(entry: polib.POEntry, ctx: Context) -> Iterator[str]:
    """A glossary term's preferred translation is missing."""
    text, out = entry.msgid.casefold(), entry.msgstr.casefold()
    seen: list[str] = []
    for term in sorted(ctx.glossary.for_language(ctx.lang.gettext), key=lambda t: -len(t.term)):
        if term.translation is None or any(term.term.casefold() in s for s in seen):
            continue
        if re.search(rf"(?<!\w){re.escape(term.term.casefold())}(?!\w)", text):
            seen.append(term.term.casefold())
            if term.translation.casefold() not in out:
                yield f"'{term.term}' is usually '{term.translation}'"


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
    if src >= 2 and dst < src:
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
                  root: Path | None = None, *, signoff: bool = False) -> list[Finding]:
    """Every finding in one catalog, in file order."""
    cat = load_catalog(path)
    shown = str(path.relative_to(root)) if root else str(path)
    ctx = Context(lang, glossary, signoff)
    findings = [Finding(shown, 1, severity, "header", msg)
                for severity, msg in check_header(cat.po, lang)]
    for entry in cat.entries():
        findings += check_entry(entry, ctx, shown)
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
    names = select_domains(config, pages)
    findings: list[Finding] = []
    for lang in languages:
        for name in names:
            info = CatalogInfo(name, lang, config.locale_dir)
            if info.po_path.exists():
                findings += check_catalog(info.po_path, lang, glossary, config.root,
                                          signoff=config.require_signoff)
    return findings
