"""The review gate: which catalog entries a page may show, and whether a language may be public.

Four states of a live entry, from what the catalog already holds: *reviewed* (translated,
not fuzzy); *outdated* (fuzzy with the previous English as ``#| msgid`` and no sign of
being a machine draft: a reviewed translation whose English changed, as ``update`` leaves
it); *machine* (any other fuzzy draft); *untranslated*. ``min_reviewed`` is about content
never reviewed; outdated entries are the ``outdated`` policy's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.catalog import entry as entry_state
from pipeline.catalog.entry import is_outdated
from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.pofile import load_catalog
from pipeline.config import Config, Language, ReviewPolicy

__all__ = ["Counts", "Verdict", "count_catalog", "judge"]

@dataclass(frozen=True, slots=True)
class Counts:
    """Live entries of one catalog (or a sum) by state; the four are disjoint."""

    reviewed: int = 0
    machine: int = 0
    outdated: int = 0
    untranslated: int = 0

    @property
    def total(self) -> int:
        return self.reviewed + self.machine + self.outdated + self.untranslated

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.reviewed + other.reviewed, self.machine + other.machine,
                      self.outdated + other.outdated, self.untranslated + other.untranslated)


def count_catalog(info: CatalogInfo, policy: ReviewPolicy) -> Counts:
    """Count one catalog; a missing file counts every template entry as untranslated;
    ``policy`` says what counts as reviewed."""
    if not info.po_path.exists():
        return Counts(untranslated=len(load_catalog(info.pot_path).po))
    reviewed = machine = outdated = untranslated = 0
    for e in load_catalog(info.po_path).po:
        if e.obsolete:
            continue
        if entry_state.is_reviewed(e, policy):
            reviewed += 1
        elif is_outdated(e):
            outdated += 1
        elif entry_state.is_draft(e, policy):
            machine += 1
        else:
            untranslated += 1
    return Counts(reviewed, machine, outdated, untranslated)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The gate's answer for one language (or one page of it): ``problem`` is one line
    naming the counts and the ways forward, empty when it passes."""

    counts: Counts
    problem: str = ""

    @property
    def passes(self) -> bool:
        return not self.problem


def judge(config: Config, lang: Language, counts: Counts, *, what: str = "") -> Verdict:
    """Apply ``min_reviewed`` and the ``outdated`` policy to ``counts`` (``what``: a page
    name, for the message)."""
    name = f"{lang.bcp47}{f' ({what})' if what else ''}"
    withdraw = config.outdated == "withdraw"
    if withdraw and counts.outdated:
        return Verdict(counts, (
            f"{name}: {counts.outdated} reviewed translations are outdated (their English "
            f"changed) and outdated = \"withdraw\"; review them (pipeline review --lang "
            f"{lang.bcp47}) or set outdated = \"english\" to show the new English meanwhile"))
    # an outdated entry was reviewed: the page shows its current English, marked
    eligible = counts.total - counts.outdated
    share = 100.0 * counts.reviewed / eligible if eligible else 0.0
    if eligible and share + 1e-9 >= config.min_reviewed:
        return Verdict(counts)
    outdated = f", {counts.outdated} outdated" if counts.outdated else ""
    return Verdict(counts, (
        f"{name}: {counts.reviewed} of {eligible} strings reviewed ({share:.1f}%), "
        f"{counts.machine} machine drafts, {counts.untranslated} untranslated{outdated}; "
        f"min_reviewed is {config.min_reviewed:g}%. Review them (pipeline status --lang "
        f"{lang.bcp47}) or publish a marked draft with --draft"))
