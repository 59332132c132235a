"""What every command shares: the run's state, the one conversion of library errors into one
line and an exit code, the reusable options and the small printing helpers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from pipeline.config import Config, Language, load_config, parse_language
from pipeline.errors import PipelineError


@dataclass(slots=True)
class State:
    root: Path | None
    verbose: int
    quiet: bool
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.root)
        return self._config

    def say(self, message: str) -> None:
        if not self.quiet:
            click.echo(message)

    def note(self, message: str) -> None:
        """Progress and details: to stderr, silent with -q."""
        if not self.quiet:
            click.echo(message, err=True)


class PipelineGroup(click.Group):
    """Turns :class:`PipelineError` into one line on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PipelineError as exc:
            state = ctx.find_object(State)
            root = state._config.root if state is not None and state._config else (
                state.root if state is not None else None)
            click.echo(f"error: {exc.shown(root)}", err=True)
            if state is not None and state.verbose and exc.__cause__ is not None:
                click.echo(f"  caused by: {exc.__cause__!r}", err=True)
            ctx.exit(exc.exit_code)


def chosen_languages(state: State, codes: Sequence[str], *,
                     all_if_empty: bool = True) -> list[Language]:
    if codes:
        seen: dict[str, Language] = {}
        for code in codes:
            lang = parse_language(code)
            seen.setdefault(lang.gettext, lang)
        return list(seen.values())
    if not all_if_empty:
        return []
    langs = list(state.config.languages)
    if not langs:
        raise PipelineError("no languages configured; pass --lang or set [tool.pipeline] languages")
    return langs


lang_option = click.option(
    "--lang", "-l", "langs", multiple=True, metavar="LANG",
    help="Language code (es, pt-BR, zh-Hans); repeatable. Default: every configured language.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
pass_state = click.make_pass_decorator(State)


def progress_bar(percent: float, width: int = 4) -> str:
    full = round(percent / 100 * width)
    return "█" * full + "·" * (width - full)


def relative_paths(state: State, text: str) -> str:
    """A library message with the project folder's paths made relative to it (as every
    other message names them)."""
    root = state.config.root
    for base in dict.fromkeys((str(root), str(root.resolve()))):
        text = text.replace(base.rstrip("/") + "/", "")
    return text


def shown_path(state: State, path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(state.config.root))
    except ValueError:
        return str(path)
