"""What a QA check reports and what it is given: findings, their severity, the context."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import polib

from pipeline.catalog.glossary import Glossary, SafetyPhrase
from pipeline.config import Language

ERROR, WARNING = "error", "warning"
"""Severities: an error makes ``check`` exit 1 (see :func:`blocking`); a warning is advice
(``--strict`` counts it)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one entry, reported compiler style."""

    path: str
    line: int
    severity: str
    check: str
    message: str
    msgid: str = ""
    lang: str = ""
    """The catalog's language (gettext form)."""
    draft: bool = False
    """The entry is a draft awaiting review (fuzzy, or unsigned where sign-off is required)."""

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
    phrases: tuple[SafetyPhrase, ...] = ()  # locale/phrases.csv


def blocking(findings: list[Finding], preview_only: frozenset[str], *,
             strict: bool = False) -> list[Finding]:
    """The findings that make ``check`` fail: errors, except those on drafts of a
    ``preview_only`` language (listed for its reviewers, never public); with ``strict``,
    every finding.

    >>> f = Finding("gl.po", 3, ERROR, "negation", "…", lang="gl", draft=True)
    >>> blocking([f], frozenset({"gl"})), len(blocking([f], frozenset()))
    ([], 1)
    >>> len(blocking([f], frozenset({"gl"}), strict=True))
    1
    """
    if strict:
        return list(findings)
    return [f for f in findings
            if f.severity == ERROR and not (f.draft and f.lang in preview_only)]


EntryCheck = Callable[[polib.POEntry, Context], Iterator[str]]
