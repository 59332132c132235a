"""The review gate: one function, :func:`judge_page`, decides each page in each language, and
``publish``, ``status``, ``serve``, ``record``, the shard plan and the workbench all call it.

Counts come from :func:`pipeline.catalog.status.count_entries` over the page's English as it
is *now* (a template older than its page cannot hide a change). Three fates:

* **public** — the full page: reviewed text, the current English (marked) where a block is
  new or changed, with a notice;
* **stub** — the page was public, but is now too out of date (below ``keep_public_above``,
  or any change at all with ``outdated = "withdraw"``): a short page in the reader's language
  at the same address points to the English;
* **not ready** — never public, and below ``min_reviewed``: not published yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.status import Counts, count_page
from pipeline.config import Config, Language, ReviewPolicy

__all__ = ["NOT_READY", "PUBLIC", "STUB", "Counts", "PageVerdict", "Verdict", "count_catalog",
           "judge", "judge_page", "page_verdicts", "unsigned_problem"]

PUBLIC, STUB, NOT_READY = "public", "stub", "not ready"


def count_catalog(info: CatalogInfo, policy: ReviewPolicy, pages_dir: Path) -> Counts:
    """The counts of ``info``'s language on its page as the page is now."""
    return count_page(info, policy, pages_dir)


@dataclass(frozen=True, slots=True)
class PageVerdict:
    """The gate's answer for one page in one language: its ``fate`` (public, stub, not
    ready), whether it ``was_public`` before, and ``problem``: one line saying why it is not
    a full public page (empty when it is)."""

    lang: Language
    page: str
    counts: Counts
    fate: str
    was_public: bool = False
    problem: str = ""

    @property
    def share(self) -> float:
        return self.counts.share

    @property
    def english(self) -> int:
        """Strings the public page shows in English (not reviewed)."""
        return self.counts.total - self.counts.reviewed


def _parts(config: Config, counts: Counts) -> str:
    """``"3 machine drafts, 1 new"``: the strings not reviewed, by state (only non-zero)."""
    words = (("unsigned", "unsigned (no sign-off)"), ("machine", "machine drafts"),
             ("outdated", "outdated (their English changed)"),
             ("untranslated", "untranslated"), ("new", "new (not in the catalog yet)"))
    found = [f"{getattr(counts, name)} {word}" for name, word in words if getattr(counts, name)]
    return ", ".join(found) or "none missing"


def judge_page(config: Config, lang: Language, page: str, counts: Counts, *,
               was_public: bool) -> PageVerdict:
    """THE decision for ``page`` in ``lang``: ``min_reviewed`` decides its first
    publication; once public it stays at its address, a full page while its reviewed share
    is at least ``keep_public_above`` (with ``outdated = "withdraw"``: while it would still
    pass its first publication), else a stub."""
    name = f"{lang.bcp47} ({page})"
    withdraw = config.outdated == "withdraw"
    share = counts.share
    said = (f"{counts.reviewed} of {counts.total} strings reviewed ({share:.1f}%), "
            f"{_parts(config, counts)}")
    first_ok = (counts.total > 0 and share + 1e-9 >= config.min_reviewed
                and not (withdraw and counts.outdated))
    if not was_public:
        if first_ok:
            return PageVerdict(lang, page, counts, PUBLIC)
        return PageVerdict(lang, page, counts, NOT_READY, problem=(
            f"{name}: {said}; min_reviewed is {config.min_reviewed:g}%. Review them "
            f"(pipeline status --lang {lang.bcp47}) or publish a marked draft with --draft"))
    keep = first_ok if withdraw else share + 1e-9 >= config.keep_public_above
    if keep:
        return PageVerdict(lang, page, counts, PUBLIC, True)
    rule = ('outdated = "withdraw"' if withdraw
            else f"keep_public_above is {config.keep_public_above:g}%")
    return PageVerdict(lang, page, counts, STUB, True, (
        f"{name}: {said}; {rule}: a short page at the same address points to the English "
        f"until they are reviewed (pipeline review --lang {lang.bcp47})"))


def page_verdicts(config: Config, lang: Language, counts: Mapping[str, Counts],
                  public: Iterable[str]) -> dict[str, PageVerdict]:
    """:func:`judge_page` for each page of ``counts`` (``public``: the pages of ``lang``
    that passed their first publication)."""
    before = set(public)
    return {page: judge_page(config, lang, page, c, was_public=page in before)
            for page, c in counts.items()}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The gate's answer for a whole language (a sum of pages): ``problem`` is one line
    naming the counts and the ways forward, empty when it passes."""

    counts: Counts
    problem: str = ""

    @property
    def passes(self) -> bool:
        return not self.problem


def judge(config: Config, lang: Language, pages: Mapping[str, PageVerdict]) -> Verdict:
    """A language passes when at least one of its pages is on the public site (full or
    stub); the problem line sums its pages' counts."""
    total = Counts()
    for v in pages.values():
        total = total + v.counts
    if any(v.fate != NOT_READY for v in pages.values()):
        return Verdict(total)
    share = total.share
    return Verdict(total, (
        f"{lang.bcp47}: {total.reviewed} of {total.total} strings reviewed ({share:.1f}%), "
        f"{_parts(config, total)}; min_reviewed is {config.min_reviewed:g}%. Review them "
        f"(pipeline status --lang {lang.bcp47}) or publish a marked draft with --draft"))


def unsigned_problem(config: Config, unsigned: Mapping[Language, int]) -> str:
    """With ``require_signoff``, the one line a run stops with while reviewed translations
    carry no sign-off (empty when none): the public site is left exactly as it is."""
    found = {lang: n for lang, n in unsigned.items() if n}
    if not config.require_signoff or not found:
        return ""
    names = ", ".join(f"{lang.bcp47} {n}" for lang, n in found.items())
    return (f"require_signoff is on and {sum(found.values())} reviewed translations are "
            f"unsigned ({names}): the public site is left as it is. If they were reviewed "
            "before sign-off was required, run 'pipeline adopt --reviewer NAME' (a named "
            "person attests it); else sign them in 'pipeline review'")
