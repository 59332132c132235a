"""The Jinja2 environment of the layout, and its errors as one line naming the template file
and line (the layout is the publisher's own input: a mistake in it is not our bug)."""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.errors import PublishError

__all__ = ["css_string", "environment", "template_errors"]


def css_string(text: str) -> str:
    """A CSS string literal; safe inside <style> whatever a translator wrote."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def environment(config: Config) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(config.templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
    )
    return env


@contextlib.contextmanager
def template_errors(folder: Path, provides: Sequence[str] = ()) -> Iterator[None]:
    """Jinja2's errors as one :class:`PublishError` naming the template file and line and
    what to do (``provides``: the variables the template may use); the layout is the
    publisher's own input, and a mistake in it is not a bug of the pipeline."""
    import jinja2

    try:
        yield
    except jinja2.TemplateError as exc:
        raise _template_error(exc, folder, provides) from exc


def _template_error(exc: Exception, folder: Path, provides: Sequence[str]) -> PublishError:
    import jinja2

    path: str | Path | None = None
    line: int | None = None
    inside = os.path.join(os.fspath(folder), "")
    for frame in traceback.extract_tb(exc.__traceback__):  # Jinja maps frames to templates
        if frame.filename.startswith(inside):
            path, line = frame.filename, frame.lineno
    message = " ".join(str(getattr(exc, "message", None) or exc).split()).rstrip(".")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path, line = exc.filename or path, exc.lineno
        what = f"template syntax error: {message}; correct the template"
    elif isinstance(exc, jinja2.TemplateNotFound):
        if path is None:
            path = folder / str(exc.name)
            what = ("template missing; publish needs page.html, index.html and pages.html "
                    "in this folder: restore it (from version control or a fresh copy of the "
                    "project)")
        else:
            what = f"template {str(exc.name)!r} not found in {folder}; add it or correct the name"
    elif isinstance(exc, jinja2.UndefinedError):
        known = f" ({', '.join(sorted(provides))})" if provides else ""
        what = f"{message}; use only the variables publish provides{known}"
    else:
        what = f"template error: {message}; correct the template"
    return PublishError(what, path=path or folder, line=line)
