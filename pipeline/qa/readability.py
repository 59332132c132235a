"""Reading level: English blocks above ``max_grade`` and translations harder than their English.

Plain-language guidance for patient material asks for about a US 6th–8th grade level. The
English is measured block by block with **Flesch-Kincaid grade** (a US school grade). A
translated page is measured as a whole with a formula made and validated for its language,
where one exists (textstat implements them; syllables from the CMU dictionary for English,
Pyphen's hyphenation patterns otherwise):

==========  =========================================================================
language    formula (scale)
==========  =========================================================================
``es``      Szigriszt-Pazos perspicuity (INFLESZ scale, 0–100, higher is easier)
``fr``      Kandel & Moles (Flesch for French, 0–100)
``de``      Amstad (Flesch for German, 0–100)
``it``      Flesch–Vacca (0–100)
``nl``      Flesch–Douma (0–100)
``ar``      OSMAN (0–100; its own scale, not compared with the English)
others      none validated here (``zh_Hans``, ``ca``, ``gl``, …): no level is claimed
==========  =========================================================================

The Flesch adaptations were each calibrated to read like Flesch Reading Ease's 0–100 scale,
so a translation scoring :data:`HARDER_BY` points (two bands of the Flesch table) below its
English's Flesch Reading Ease is reported as markedly harder; the scales are close, not
equal, hence the wide margin. The English compared is that of the very
entries that have a translation. These are estimates from sentence and word length; they
say nothing about meaning, and a formula's number is a prompt to look, not a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

from pipeline.catalog.entry import has_text, is_stale
from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.pofile import load_catalog
from pipeline.config import Config, Language
from pipeline.qa.findings import WARNING, Finding

CHECK = "readability"
HARDER_BY = 20.0
"""Points of reading ease (two bands of the Flesch table, e.g. "fairly easy" to "fairly
difficult") that make a translation markedly harder than its English. Set by hand, not
fitted: on the shipped page the reviewed Spanish scores 7.7 points *above* its English and
the French 16.6; a faithful plain Spanish rendering of a 4-sentence plain English text
(English above 100) scores 17.6 below once both are capped at 100, a long-winded one 100+
below (``tests/qa/test_readability.py``)."""
MIN_WORDS = 12
"""Blocks shorter than this (headings, short list items) are not graded: a formula's
number on a dozen words is noise."""
GRADED_KINDS = ("paragraph", "list item", "description", "blockquote")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARK = re.compile(r"\*\*|__|[*_`~]")
_END = re.compile(r"[.!?。！？؟:;]\s*$")


@dataclass(frozen=True, slots=True)
class Formula:
    """A readability formula for one language: its name, and whether its scale is Flesch
    Reading Ease's (so it can be compared with the English)."""

    name: str
    comparable: bool
    score: Callable[[str], float]


def _flesch(lang: str) -> Callable[[str], float]:
    def score(text: str) -> float:
        from textstat.backend import metrics

        return float(metrics.flesch_reading_ease(text, lang))
    return score


def _szigriszt(text: str) -> float:
    from textstat.backend import metrics

    return float(metrics.szigriszt_pazos(text, "es"))


def _osman(text: str) -> float:
    from textstat.backend import metrics

    return float(metrics.osman(text))


FORMULAS: dict[str, Formula] = {
    "en": Formula("Flesch Reading Ease", True, _flesch("en")),
    "es": Formula("Szigriszt-Pazos (INFLESZ)", True, _szigriszt),
    "fr": Formula("Kandel-Moles", True, _flesch("fr")),
    "de": Formula("Amstad", True, _flesch("de")),
    "it": Formula("Flesch-Vacca", True, _flesch("it")),
    "nl": Formula("Flesch-Douma", True, _flesch("nl")),
    "ar": Formula("OSMAN", False, _osman),
}
"""Validated formulas by base language; a language not here gets no level."""


def plain(markdown: str) -> str:
    """The words of inline Markdown: link texts kept, targets and markup dropped.

    >>> plain("**Surgery:** see [our page](https://example.org/x).")
    'Surgery: see our page.'
    """
    return " ".join(_MARK.sub("", _LINK.sub(r"\1", markdown)).split())


def prose(texts: Iterable[str]) -> str:
    """Blocks joined as sentences (a heading or list item without a full stop ends one)."""
    parts = [plain(t) for t in texts]
    return " ".join(p if _END.search(p) else p + "." for p in parts if p)


def grade(text: str) -> float:
    """Flesch-Kincaid grade of English text (a US school grade)."""
    from textstat.backend import metrics

    return float(metrics.flesch_kincaid_grade(text, "en"))


@dataclass(frozen=True, slots=True)
class Level:
    """One translated page's reading level beside its English's (same entries)."""

    lang: str
    page: str
    formula: str  # "" when no validated formula exists for the language
    score: float | None
    english_grade: float
    english_ease: float
    entries: int
    harder: bool

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def formula_for(lang: Language) -> Formula | None:
    return FORMULAS.get(lang.gettext) or FORMULAS.get(lang.base)


def page_level(config: Config, lang: Language, page: str) -> Level | None:
    """The level of ``page``'s translation in ``lang`` (every entry with text, drafts too:
    what a reader may get), or None without a catalog or any translated entry."""
    path = CatalogInfo(page, lang, config.locale_dir).po_path
    if not path.exists():
        return None
    pairs = [(e.msgid, e.msgstr) for e in load_catalog(path).entries()
             if has_text(e) and not e.msgid_plural and not is_stale(e)]
    if not pairs:
        return None
    english = prose(en for en, _ in pairs)
    ease = round(FORMULAS["en"].score(english), 1)
    formula = formula_for(lang)
    score = round(formula.score(prose(tr for _, tr in pairs)), 1) if formula else None
    # above 100 both scales only say "very easy": compare within 0..100
    harder = bool(formula and formula.comparable and score is not None
                  and min(score, 100.0) < min(ease, 100.0) - HARDER_BY)
    return Level(lang.gettext, page, formula.name if formula else "", score,
                 round(grade(english), 1), ease, len(pairs), harder)


def english_findings(config: Config, pages: Sequence[str]) -> list[Finding]:
    """English blocks (paragraphs, list items, descriptions of :data:`MIN_WORDS` words or
    more) whose Flesch-Kincaid grade is above ``max_grade``: warnings at the source line."""
    from pipeline.source import read_page

    out = []
    for page in pages:
        path = config.pages_dir / f"{page}.md"
        if not path.is_file():
            continue
        shown = str(path.relative_to(config.root))
        for seg in read_page(path).segments:
            text = plain(seg.text)
            if seg.kind not in GRADED_KINDS or len(text.split()) < MIN_WORDS:
                continue
            level = grade(text)
            if level > config.max_grade:
                out.append(Finding(shown, seg.line, WARNING, CHECK, (
                    f"English reads at US grade {level:.1f} (Flesch-Kincaid), above max_grade "
                    f"{config.max_grade:g}; shorter sentences and everyday words help every "
                    "language"), seg.text))
    return out


def translation_findings(config: Config, languages: Sequence[Language],
                         pages: Sequence[str]) -> list[Finding]:
    """A warning per translated page that reads markedly harder than its English."""
    out = []
    for lang in languages:
        for page in pages:
            level = page_level(config, lang, page)
            if level is None or not level.harder:
                continue
            info = CatalogInfo(page, lang, config.locale_dir)
            out.append(Finding(str(info.po_path.relative_to(config.root)), 1, WARNING, CHECK, (
                f"the translation reads markedly harder than its English: {level.formula} "
                f"{level.score:g} against Flesch Reading Ease {level.english_ease:g} (more "
                f"than {HARDER_BY:g} points lower); shorten sentences, prefer everyday "
                "words")))
    return out


def readability_findings(config: Config, languages: Sequence[Language],
                         domains: Sequence[str]) -> list[Finding]:
    """``pipeline check``'s readability warnings: the English pages, then each language."""
    pages = [d for d in domains if (config.pages_dir / f"{d}.md").is_file()]
    return english_findings(config, pages) + translation_findings(config, languages, pages)


def levels(config: Config, languages: Sequence[Language],
           domains: Sequence[str]) -> list[Level]:
    """Every translated page's :class:`Level` (for ``status --json`` and ``record``)."""
    pages = [d for d in domains if (config.pages_dir / f"{d}.md").is_file()]
    return [level for lang in languages for page in pages
            if (level := page_level(config, lang, page)) is not None]


def page_notes(config: Config, languages: Sequence[Language], *, levels: bool = True
               ) -> dict[tuple[str, str], dict[str, object]]:
    """For ``status``: per (language, page) what the page still waits for (its risk tier,
    :mod:`pipeline.catalog.tiers`) and, with ``levels``, its :class:`Level` (None without a
    formula's text; the formulas load a pronunciation dictionary, a second of start-up)."""
    from pipeline.catalog.paths import domains
    from pipeline.catalog.tiers import page_waits

    pages = [d for d in domains(config) if (config.pages_dir / f"{d}.md").is_file()]
    out: dict[tuple[str, str], dict[str, object]] = {}
    for lang in languages:
        for page in pages:
            waits = page_waits(config, lang, page)
            level = page_level(config, lang, page) if levels else None
            out[(lang.gettext, page)] = {
                "tier": waits.tier, "waits_for": waits.describe(),
                "reading_level": level.as_dict() if level else None}
    return out
