"""Catalog headers in one place: a template's (``.pot``) and a new language's (``.po``, with
its team name and gettext's classic Plural-Forms rule)."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.catalog.plurals import classic_rule
from pipeline.config import Language


def now_stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")


def _common(domain: str, pot_date: str) -> dict[str, str]:
    return {
        "Project-Id-Version": f"l10n-pipeline {domain}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": pot_date,
    }


_ENCODING = {
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}


def pot_header(domain: str, stamp: str) -> dict[str, str]:
    """A template's header: gettext's placeholders where a translation fills in its own."""
    return {
        **_common(domain, stamp),
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        **_ENCODING,
    }


def po_header(lang: Language, domain: str, pot_date: str) -> dict[str, str]:
    """A new language's header (``init``, ``update`` creating a catalog)."""
    from babel import Locale

    name = Locale.parse(lang.gettext).get_display_name("en") or lang.gettext
    return {
        **_common(domain, pot_date),
        "PO-Revision-Date": now_stamp(),
        "Last-Translator": "",
        "Language-Team": f"{name}",
        "Language": lang.gettext,
        **_ENCODING,
        "Plural-Forms": classic_rule(lang),
    }
