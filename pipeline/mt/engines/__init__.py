"""Machine-translation engines behind one small interface, found by name in one table."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.config import Config
from pipeline.errors import EngineError
from pipeline.mt.engines.base import Engine, Failure, Progress, Result

__all__ = ["ENGINES", "Engine", "Failure", "Progress", "Result", "get_engine"]


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
