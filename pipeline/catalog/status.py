"""Translation progress per language and catalog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from pipeline.catalog import entry
from pipeline.catalog.entry import has_text
from pipeline.catalog.paths import CatalogInfo, domains
from pipeline.catalog.pofile import load_catalog
from pipeline.config import Config, Language, ReviewPolicy
from pipeline.errors import CatalogError


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts for one catalog (or a sum of several)."""

    lang: str
    domain: str
    reviewed: int = 0
    machine: int = 0
    untranslated: int = 0
    obsolete: int = 0
    missing: bool = False

    @property
    def total(self) -> int:
        return self.reviewed + self.machine + self.untranslated

    def percent(self, count: int) -> float:
        return 100.0 * count / self.total if self.total else 100.0

    @property
    def reviewed_percent(self) -> float:
        return self.percent(self.reviewed)

    def __add__(self, other: Stats) -> Stats:
        return Stats(
            self.lang,
            "(all)",
            self.reviewed + other.reviewed,
            self.machine + other.machine,
            self.untranslated + other.untranslated,
            self.obsolete + other.obsolete,
            self.missing or other.missing,
        )

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["total"] = self.total
        data["reviewed_percent"] = round(self.reviewed_percent, 1)
        data["machine_percent"] = round(self.percent(self.machine), 1)
        data["untranslated_percent"] = round(self.percent(self.untranslated), 1)
        return data


def catalog_stats(info: CatalogInfo, policy: ReviewPolicy) -> Stats:
    """Count one catalog; a missing file counts every template entry as untranslated.
    ``policy`` says what counts as reviewed (:func:`pipeline.catalog.entry.is_reviewed`)."""
    lang, domain = info.lang.gettext, info.domain
    if not info.po_path.exists():
        pot = load_catalog(info.pot_path)
        return Stats(lang, domain, untranslated=len(pot.entries()), missing=True)
    cat = load_catalog(info.po_path)
    reviewed = machine = untranslated = obsolete = 0
    for e in cat.po:
        if e.obsolete:
            obsolete += has_text(e)
        elif entry.is_reviewed(e, policy):
            reviewed += 1
        elif entry.is_draft(e, policy):
            machine += 1
        else:
            untranslated += 1
    return Stats(lang, domain, reviewed, machine, untranslated, obsolete)


def status(config: Config, languages: Sequence[Language]) -> list[Stats]:
    """Stats for every (language, domain), languages in the order given, domains sorted."""
    names = domains(config)
    if not names:
        # without templates every language would show a vacuous "100 % reviewed"
        raise CatalogError(
            "no templates in locale/; run 'pipeline extract' first", path=config.locale_dir
        )
    return [
        catalog_stats(CatalogInfo(name, lang, config.locale_dir), config.review)
        for lang in languages
        for name in names
    ]


def language_total(stats: Sequence[Stats], lang: str) -> Stats:
    total = Stats(lang, "(all)")
    for s in stats:
        if s.lang == lang:
            total = total + s
    return total
