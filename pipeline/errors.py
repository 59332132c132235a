"""The one exception tree: user errors carry an exit code and a one-line message."""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """A problem the user can fix. ``exit_code`` 2 = bad input or usage, 1 = content not ready."""

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class ConfigError(PipelineError):
    """``[tool.pipeline]`` or a command-line value is wrong."""


class SourceError(PipelineError):
    """A source page cannot be read or parsed."""


class CatalogError(PipelineError):
    """A ``.po``/``.pot`` file cannot be read or written."""


class EngineError(PipelineError):
    """A machine-translation engine is unavailable or failed as a whole."""


class LockedError(PipelineError):
    """Another pipeline process is writing the same catalog."""


class NotReadyError(PipelineError):
    """The content is not ready: QA errors, review gate, partial MT failure."""

    exit_code = 1


class PublishError(PipelineError):
    """Rendering or writing a published page failed."""
