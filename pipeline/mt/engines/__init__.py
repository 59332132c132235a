"""Machine-translation engines behind one small interface, found by name in one table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pipeline.config import Config, Language
from pipeline.errors import EngineError


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


def _apertium(config: Config) -> Engine:
    from pipeline.mt.engines.apertium import Apertium

    return Apertium()


def _openai(config: Config) -> Engine:
    from pipeline.mt.engines.chat import OpenAIEngine

    return OpenAIEngine(config.online, glossary_path=config.glossary_path,
                        phrases_path=config.phrases_path)


def _online(provider: str) -> Callable[[Config], Engine]:
    def make(config: Config) -> Engine:
        from pipeline.mt.engines.online import OnlineEngine

        return OnlineEngine(provider, settings=config.online)

    return make


ENGINES: dict[str, Callable[[Config], Engine]] = {
    "apertium": _apertium,
    "openai": _openai,
    "google": _online("google"),
    "deepl": _online("deepl"),
    "libre": _online("libre"),
    "mymemory": _online("mymemory"),
    "microsoft": _online("microsoft"),
}
"""Every engine by name; ``memory`` (translation memory only) is handled by the caller."""


def get_engine(name: str, config: Config) -> Engine:
    try:
        factory = ENGINES[name]
    except KeyError:
        known = ", ".join(["memory", *ENGINES])
        raise EngineError(f"unknown engine '{name}'; choose one of: {known}") from None
    return factory(config)
