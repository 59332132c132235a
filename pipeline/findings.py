"""What a QA check reports and what it is given: findings, their severity, the context."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import polib

from pipeline.config import Language
from pipeline.protect import Glossary

ERROR, WARNING = "error", "warning"
"""Severities: an error makes ``check`` exit 1; a warning is advice (``--strict`` counts it)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one entry, reported compiler style."""

    path: str
    line: int
    severity: str
    check: str
    message: str
    msgid: str = ""

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


EntryCheck = Callable[[polib.POEntry, Context], Iterator[str]]
