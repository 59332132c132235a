"""Risk tiers: a page whose front matter says ``review: clinical`` needs, besides the usual
review, a clinical reviewer's sign-off on its translation before it is public.

The clinical requirement is **per entry**, in the one sign-off format of
:mod:`pipeline.catalog.entry` (``reviewed-by: …, role=clinical``, pinned to the hash of that
entry's English and translation). Per entry rather than one page-wide sign-off pinned to a
hash of all its translations, because: the clinician attests exactly the text they read;
no second sign-off format is needed; and when one English sentence changes, only that
block loses its clearance (shown in marked English under the continuity rules) while the
rest of the page stays translated — a page-wide hash would withdraw the whole page for one
comma. The cost: a clinician signs each block (``pipeline review --role clinical`` walks
them in order, so it is one pass over the page).

Everything here is pure: it reads an entry list, the policy and the front matter it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.catalog import entry as entry_state
from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.pofile import load_catalog
from pipeline.config import Config, Language, ReviewPolicy
from pipeline.errors import SourceError

STANDARD = "standard"
CLINICAL = "clinical"
TIER_KEY = "review"
"""The front-matter key: ``review: clinical`` marks a page as high risk."""


def tier(meta: Mapping[str, object], path: Path | None = None) -> str:
    """The page's risk tier from its front matter.

    >>> tier({"title": "x", "review": "clinical"}), tier({"title": "x"})
    ('clinical', 'standard')
    """
    value = meta.get(TIER_KEY)
    if value is None:
        return STANDARD
    if isinstance(value, str) and value.strip().casefold() == CLINICAL:
        return CLINICAL
    raise SourceError(f"front matter 'review: {value}': the only tier is 'review: clinical' "
                      "(leave it out for the usual review)", path=path)


def cleared(entry: polib.POEntry, policy: ReviewPolicy, page_tier: str) -> bool:
    """The entry may be shown translated on a public page of this tier: reviewed, and on
    a clinical page also signed by a clinician over this very text."""
    if not entry_state.is_reviewed(entry, policy):
        return False
    return page_tier != CLINICAL or entry_state.is_signed(entry, entry_state.CLINICAL)


@dataclass(frozen=True, slots=True)
class Waits:
    """What a page in one language still waits for: ``revision`` live entries not yet
    reviewed (drafts, untranslated, outdated), ``clinical`` reviewed entries without a
    clinician's sign-off over their current text (always 0 on a standard page)."""

    tier: str
    total: int = 0
    revision: int = 0
    clinical: int = 0

    @property
    def clear(self) -> bool:
        return self.revision == 0 and self.clinical == 0

    def describe(self) -> str:
        """One line, e.g. ``"3 of 40 strings wait for a reviser; 37 wait for a clinical
        reviewer (review: clinical)"``; ``"nothing"`` when clear."""
        parts = []
        if self.revision:
            parts.append(f"{self.revision} of {self.total} strings wait for a reviser")
        if self.clinical:
            parts.append(f"{self.clinical} of {self.total} wait for a clinical reviewer "
                         "(review: clinical)")
        return "; ".join(parts) or "nothing"

    def as_dict(self) -> dict[str, object]:
        return {"tier": self.tier, "revision": self.revision, "clinical": self.clinical,
                "clear": self.clear}


def waits(entries: Iterable[polib.POEntry], policy: ReviewPolicy, page_tier: str) -> Waits:
    """Count what the page's live entries still wait for.

    >>> from pipeline.config import ReviewPolicy
    >>> e = polib.POEntry(msgid="Yes", msgstr="Sí")
    >>> waits([e], ReviewPolicy(False), CLINICAL).describe()
    '1 of 1 wait for a clinical reviewer (review: clinical)'
    >>> entry_state.sign(e, "Dr Gil", "2026-12-02", role="clinical")
    >>> waits([e], ReviewPolicy(False), CLINICAL).clear
    True
    """
    total = revision = clinical = 0
    for e in entries:
        if e.obsolete:
            continue
        total += 1
        if not entry_state.is_reviewed(e, policy):
            revision += 1
        elif not cleared(e, policy, page_tier):
            clinical += 1
    return Waits(page_tier, total, revision, clinical)


def page_waits(config: Config, lang: Language, page: str) -> Waits:
    """:func:`waits` for ``page`` in ``lang`` from the files (front matter and catalog);
    a missing catalog waits for a reviser in every entry of the template."""
    from pipeline.source import read_page

    source = config.pages_dir / f"{page}.md"
    page_tier = tier(read_page(source).meta, source) if source.is_file() else STANDARD
    info = CatalogInfo(page, lang, config.locale_dir)
    if not info.po_path.exists():
        count = len(load_catalog(info.pot_path).entries()) if info.pot_path.exists() else 0
        return Waits(page_tier, count, count, 0)
    return waits(load_catalog(info.po_path).po, config.review, page_tier)


def clinical_problem(config: Config, lang: Language, page: str) -> str:
    """The gate's hook: why a page that passes the usual gate is still not public in
    ``lang`` because of its tier (one line), or ``""``."""
    found = page_waits(config, lang, page)
    if found.tier != CLINICAL or found.clinical == 0:
        return ""
    return (f"{lang.bcp47} ({page}): {found.describe()}; a clinician signs with 'pipeline "
            f"review --lang {lang.bcp47} --page {page} --role clinical'")
