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
        return self.shown(None)

    def shown(self, root: Path | None) -> str:
        """The one line, its file named relative to the project folder ``root`` when it lies
        inside it (as every other message names project files), else as given.

        >>> CatalogError("syntax error", path=Path("/p/locale/x.po"), line=3).shown(Path("/p"))
        'locale/x.po:3: syntax error'
        """
        where = ""
        if self.path is not None:
            path = _relative(Path(self.path), root)
            where = f"{path}:{self.line}: " if self.line else f"{path}: "
        return f"{where}{self.message}"


def _relative(path: Path, root: Path | None) -> str:
    if root is None or not path.is_absolute():
        return str(path)
    for base in (root, root.resolve()):
        for candidate in (path, path.resolve()):
            if candidate.is_relative_to(base):
                return candidate.relative_to(base).as_posix()
    return str(path)


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
