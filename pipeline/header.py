"""The header a new catalog gets: language, team name, Plural-Forms (gettext's classic rule)."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.config import Language
from pipeline.plurals import classic_rule


def now_stamp() -> str:
    """Now, as gettext headers write it (``2026-11-30 02:06+0000``). Here, not in
    ``extract``: ``translate`` and ``update`` need it and no Markdown parser."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")


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
