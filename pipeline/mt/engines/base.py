"""What every engine shares: the :class:`Engine` interface and its per-entry results.
The engines (:mod:`pipeline.mt.engines.apertium`, ``.online``, ``.chat``) and their callers
import these from here; the registry (:mod:`pipeline.mt.engines`) imports them too, so no
module imports the package face that imports it back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pipeline.config import Language


@dataclass(frozen=True, slots=True)
class Failure:
    """A per-entry failure: the entry stays untranslated and is reported."""

    reason: str


Result = str | Failure
Progress = Callable[[int], None]


class Engine(Protocol):
    """Translate protected plain text. Placeholders (``zx0qz``-style words) must pass through."""

    name: str

    @property
    def version(self) -> str:
        """Part of the cache key: a new engine version re-translates."""
        ...

    def supports(self, source: Language, target: Language) -> bool: ...

    def translate_batch(
        self, texts: Sequence[str], source: Language, target: Language
    ) -> list[Result]:
        """One result per text, in order; never raises for a single bad entry."""
        ...
