"""The publish command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pipeline.cli import (
    State,
    chosen_languages,
    cli,
    lang_option,
    pass_state,
    shown_path,
)


@cli.command()
@lang_option
@click.option("--all", "all_langs", is_flag=True,
              help="Every configured language: those that pass their review gate are "
              "published, preview_only ones previewed (exit 1 if one expected public is not "
              "ready).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["html", "pdf"]),
              help="Only this format (repeatable). Default: [tool.pipeline] formats.")
@click.option("--draft", is_flag=True,
              help="A private preview with machine drafts, marked, noindex, under "
              "output/drafts/ (never the public site).")
@click.option("--preview-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Where previews go (default: output/drafts).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Render in N processes (default: one per core; 1 = no pool).")
@pass_state
def publish(state: State, langs: tuple[str, ...], all_langs: bool, formats: tuple[str, ...],
            draft: bool, preview_dir: Path | None, jobs: int | None) -> None:
    """Write the public site (reviewed text only) or private draft previews."""
    from pipeline.errors import NotReadyError
    from pipeline.site.publish import publish as run

    if not langs and not all_langs:
        raise click.UsageError("name a language (--lang es) or use --all")
    if all_langs and langs:
        raise click.UsageError("use either --lang or --all, not both")
    languages = chosen_languages(state, langs, all_if_empty=False)

    def show(item: Any) -> None:
        for warning in item.warnings:
            click.echo(f"warning: {warning}", err=True)
        if state.quiet:
            return
        where = shown_path(state, item.path)
        if not item.written:
            state.say(f"up to date {where}")
            return
        extra = []
        if item.machine:
            extra.append(f"{item.machine} machine drafts marked")
        if item.fallback:
            extra.append(f"{item.fallback} blocks in English")
        state.say(f"wrote      {where}" + (f" ({', '.join(extra)})" if extra else ""))

    report = run(state.config, languages, every=all_langs, formats=formats or None,
                 draft=draft, preview_dir=preview_dir, progress=show, jobs=jobs)
    for path in report.removed:
        state.say(f"removed    {shown_path(state, path)}")
    for decision in report.withdrawn:
        click.echo(f"withdrawn: {decision.problem}", err=True)
    for decision in report.decisions:
        if decision.left_out:
            click.echo(f"left out: {decision.lang.bcp47}: {', '.join(decision.left_out)} "
                       "(these pages do not pass their own review gate)", err=True)
    refused = report.not_ready
    if len(refused) == 1 and not all_langs:
        raise NotReadyError(refused[0].problem + (
            f" ({refused[0].lang.bcp47} is withdrawn from the public site until then)"
            if refused[0].was_public else ""))
    for decision in refused:
        click.echo(f"skipped: {decision.problem}", err=True)
    if refused:
        names = ", ".join(d.lang.bcp47 for d in refused)
        raise NotReadyError(f"not ready, not published: {names}; review them, publish a "
                            "preview with --draft, or list them in preview_only")
