""""About this translation": the section every translated public page (and its PDF) ends
with, saying what actually happened to the text the reader gets.

Everything comes from the catalogs and the roster, never from the clock: the date of the
English version translated (its ``updated`` front matter), how the text was made (an
engine's draft, a person's translation, revision, clinical review — only what the
provenance lines and the sign-offs over the *shown* entries record), the roles and
qualifications (from ``team.toml``) of the people who signed, their names only with
``statement_names = true``, the date of the last review, the English page and where to
report a problem. The template (``page.html``) holds its fixed strings, so they are
translated and reviewed like every other site string; what it attests is what people
recorded, not verified credentials.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.catalog import entry as entry_state
from pipeline.config import Config, Language
from pipeline.site.translations import Translations
from pipeline.source import Document
from pipeline.team import TRANSLATOR, Team, same_person

ROLE_ORDER = (TRANSLATOR, entry_state.REVISER, entry_state.CLINICAL)

# The template's sentences that carry dates (msgids of site.pot): the dates are written in
# the reader's language only where the sentence itself is translated.
FROM_LINE = "This page was translated from the English version of %(source_date)s."
REVIEWED_LINE = "Last reviewed: %(review_date)s"
# the template's other sentences, for the record's English rendering (a test keeps them
# equal to site.pot's msgids)
MACHINE_LINE = "Machine translation made a first draft."
TRANSLATED_LINE = "A translator wrote or corrected the translation."
SIGNED_LINE = ("A reviser checked every part of the translation against the English and "
               "signed it off.")
REVISED_LINE = "A person reviewed every part of the translation before publication."
CLINICAL_LINE = "A clinician checked the translation for medical accuracy."
ROLE_NAMES = {TRANSLATOR: "Translator", entry_state.REVISER: "Reviser",
              entry_state.CLINICAL: "Clinical reviewer"}


@dataclass(frozen=True, slots=True)
class Signer:
    """One person in one role over the page's shown text (``name`` empty unless the
    project publishes names)."""

    role: str
    name: str
    qualifications: str


@dataclass(frozen=True, slots=True)
class About:
    """What the section says; the template turns each field into a sentence."""

    source_date: str  # empty when the page has no ``updated`` date
    review_date: str
    machine: bool  # an engine drafted some of the shown text
    translated: bool  # a person is recorded as having typed some of it
    revised: bool  # every shown string was reviewed (always, on a public page)
    signed: bool  # and a reviser signed every one of them over its current text
    clinical: bool  # a clinician signed every shown string over its current text
    people: tuple[Signer, ...]
    english_href: str  # empty in a PDF without base_url
    report_href: str


def signers(tr: Translations, team: Team, *, names: bool) -> tuple[Signer, ...]:
    """The people recorded over the shown entries, one per (person, role), in role order;
    qualifications from the roster (empty for someone it does not list)."""
    seen: list[tuple[str, str]] = []
    for key in sorted(tr.shown & set(tr.history)):
        for mark in tr.history[key].marks:
            role = TRANSLATOR if mark.kind == entry_state.TRANSLATOR else mark.role
            if not any(r == role and same_person(n, mark.name) for r, n in seen):
                seen.append((role, mark.name))
    out = []
    for role, name in seen:
        person = team.find(name)
        out.append(Signer(role, (person.name if person else name) if names else "",
                          person.qualifications if person else ""))
    return tuple(sorted(out, key=lambda s: (ROLE_ORDER.index(s.role), s.name,
                                            s.qualifications)))


def about_translation(config: Config, team: Team, doc: Document, lang: Language,
                      source: Language, tr: Translations, *,
                      for_pdf: bool = False) -> About | None:
    """The section for ``doc`` in ``lang`` once its body was rendered through ``tr`` (which
    then knows the strings shown translated); None when it shows no reviewed string of the
    page (nothing of the page is a translation)."""
    from babel.dates import format_date

    shown = [tr.history[k] for k in sorted(tr.shown & set(tr.history))]
    dates = [m.date for h in shown for m in h.marks if m.kind == entry_state.SIGNOFF]
    review = max(dates, default=None) or tr.review_date()

    def when(day: dt.date, msgid: str) -> str:
        locale = lang if tr.gettext(msgid) != msgid else source
        return format_date(day, "long", locale=locale.gettext)

    def every(role: str) -> bool:
        return bool(shown) and all(any(m.kind == entry_state.SIGNOFF and m.role == role
                                       for m in h.marks) for h in shown)

    if not shown:
        return None
    page = f"{doc.name}.html"
    base = config.base_url
    return About(
        source_date=when(doc.updated, FROM_LINE) if doc.updated else "",
        review_date=when(dt.date.fromisoformat(review), REVIEWED_LINE) if review else "",
        machine=any(h.machine for h in shown),
        translated=any(m.kind == entry_state.TRANSLATOR for h in shown for m in h.marks),
        revised=bool(shown),
        signed=every(entry_state.REVISER),
        clinical=every(entry_state.CLINICAL),
        people=signers(tr, team, names=config.statement_names),
        # a PDF links only to absolute addresses (a relative one would point into the
        # reader's file system): without base_url it names no English page
        english_href=f"{base}{source.gettext}/{page}" if base else
        "" if for_pdf else f"../{source.gettext}/{page}",
        report_href=config.report_address,
    )


def in_english(about: About) -> list[str]:
    """What the section says, in English (for the record), sentence by sentence."""
    lines = [FROM_LINE % {"source_date": about.source_date}] if about.source_date else []
    lines += [line for flag, line in ((about.machine, MACHINE_LINE),
                                      (about.translated, TRANSLATED_LINE),
                                      (about.signed, SIGNED_LINE),
                                      (about.revised and not about.signed, REVISED_LINE),
                                      (about.clinical, CLINICAL_LINE)) if flag]
    lines += [(f"{p.name} — " if p.name else "") + ROLE_NAMES[p.role]
              + (f": {p.qualifications}" if p.qualifications else "") for p in about.people]
    if about.review_date:
        lines.append(REVIEWED_LINE % {"review_date": about.review_date})
    return lines
