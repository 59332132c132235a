"""Where a catalog lives: the domain, language and folder of each ``.po``, ``.mo`` and ``.pot``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config, Language
from pipeline.errors import CatalogError


@dataclass(frozen=True, slots=True)
class CatalogInfo:
    """Where one domain's catalog for one language lives."""

    domain: str
    lang: Language
    locale_dir: Path

    @property
    def po_path(self) -> Path:
        return self.locale_dir / self.lang.gettext / "LC_MESSAGES" / f"{self.domain}.po"

    @property
    def mo_path(self) -> Path:
        return self.po_path.with_suffix(".mo")

    @property
    def pot_path(self) -> Path:
        return self.locale_dir / f"{self.domain}.pot"


def domains(config: Config) -> list[str]:
    """The catalog domains: one per ``.pot`` in ``locale/`` (pages and ``site``), sorted."""
    return sorted(p.stem for p in config.locale_dir.glob("*.pot"))


def select_domains(config: Config, pages: Sequence[str] | None = None) -> list[str]:
    """The catalog domains, or those of ``pages``; an unknown page name is an error."""
    names = domains(config)
    unknown = sorted(set(pages or ()) - set(names))
    if unknown:
        raise CatalogError(f"no catalog named '{unknown[0]}'; choose from {', '.join(names)}")
    return [n for n in names if not pages or n in pages]
