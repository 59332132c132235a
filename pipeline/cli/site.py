"""The publish command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pipeline.cli.common import (
    State,
    chosen_languages,
    lang_option,
    pass_state,
    relative_paths,
    shown_path,
)
from pipeline.config import Language
from pipeline.errors import PipelineError


@click.command()
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
              metavar="DIR", help="Where previews go (default: output/drafts); outside output/, "
              "and empty or written by publish before.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Render in N processes (default: one per core; 1 = no pool).")
@click.option("--shard", "shard_spec", metavar="K/N", default=None,
              help="Render only share K of N (a CI matrix job); every shard writes the "
              "indexes, sitemap and manifest. Combine the N output folders, then check "
              "them with --check-union.")
@click.option("--check-union", "union", type=click.Path(file_okay=False, path_type=Path),
              default=None, metavar="DIR",
              help="Write nothing: check that DIR (the shards' folders combined) holds every "
              "file this publish would, current, and nothing else (exit 1 if not).")
@pass_state
def publish(state: State, langs: tuple[str, ...], all_langs: bool, formats: tuple[str, ...],
            draft: bool, preview_dir: Path | None, jobs: int | None, shard_spec: str | None,
            union: Path | None) -> None:
    """Write the public site (reviewed text only) or private draft previews."""
    from pipeline.errors import NotReadyError
    from pipeline.site.publish import publish as run

    if not langs and not all_langs:
        raise click.UsageError("name a language (--lang es) or use --all")
    if all_langs and langs:
        raise click.UsageError("use either --lang or --all, not both")
    if union is not None and shard_spec is not None:
        raise click.UsageError("use either --shard or --check-union, not both")
    languages = chosen_languages(state, langs, all_if_empty=False)
    if union is not None:
        check_union_folder(state, languages, union, every=all_langs, formats=formats, draft=draft,
                     preview_dir=preview_dir)
        return
    from pipeline.site.shard import parse_shard

    shard = parse_shard(shard_spec) if shard_spec is not None else None

    def show(item: Any) -> None:
        for warning in item.warnings:
            click.echo(f"warning: {relative_paths(state, warning)}", err=True)
        if state.quiet:
            return
        where = shown_path(state, item.path)
        if not item.written:
            state.say(f"{'other shard' if item.elsewhere else 'up to date'} {where}")
            return
        extra = []
        if item.machine:
            extra.append(f"{item.machine} machine drafts marked")
        if item.fallback:
            extra.append(f"{item.fallback} blocks in English")
        state.say(f"wrote      {where}" + (f" ({', '.join(extra)})" if extra else ""))

    report = run(state.config, languages, every=all_langs, formats=formats or None,
                 draft=draft, preview_dir=preview_dir, progress=show, jobs=jobs, shard=shard)
    for path in report.removed:
        state.say(f"removed    {shown_path(state, path)}")
    for decision in report.withdrawn:
        click.echo(f"withdrawn: {decision.problem}", err=True)
    for decision in report.decisions:
        for verdict in decision.stubs:
            click.echo(f"short page: {verdict.problem}", err=True)
        if decision.left_out:
            click.echo(f"left out: {decision.lang.bcp47}: {', '.join(decision.left_out)} "
                       "(not ready for their first publication)", err=True)
            from pipeline.catalog.tiers import page_waits

            for page in decision.left_out:  # what each still waits for
                waits = page_waits(state.config, decision.lang, page).describe()
                click.echo(f"  {page} waits for: {waits}", err=True)
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


def check_union_folder(state: State, languages: list[Language], folder: Path, *,
                       every: bool, formats: tuple[str, ...], draft: bool,
                       preview_dir: Path | None) -> None:
    from pipeline.errors import NotReadyError
    from pipeline.site.publish import check_union

    if not folder.is_dir():
        raise PipelineError("no such folder; combine the shards' output folders there first",
                            path=folder)
    report = check_union(state.config, languages, folder, every=every, formats=formats or None,
                         draft=draft, preview_dir=preview_dir)
    problems = [("missing", report.missing), ("outdated", report.outdated),
                ("extra", report.extra)]
    for word, names in problems:
        for name in names[:20]:
            click.echo(f"{word}: {name}", err=True)
        if len(names) > 20:
            click.echo(f"{word}: … and {len(names) - 20} more", err=True)
    if not report.complete:
        counts = ", ".join(f"{len(names)} {word}" for word, names in problems if names)
        raise NotReadyError(f"{shown_path(state, folder)} is not a complete site ({counts} of "
                            f"{report.expected} files expected); rerun the shards that wrote "
                            "them (or remove the extra files) before deploying", path=None)
    state.say(f"complete: {shown_path(state, folder)} holds all {report.expected} files, "
              "each current, nothing extra")


@click.command()
@click.option("--reviewer", required=True, metavar="NAME",
              help="The person who attests that the current reviews were made before "
              "sign-off was required.")
@lang_option
@pass_state
def adopt(state: State, reviewer: str, langs: tuple[str, ...]) -> None:
    """Adopt require_signoff: sign today's reviewed, unsigned entries as *adopted* (an
    attested earlier review, never shown as a fresh one)."""
    from pipeline.catalog.adopt import adopt as run

    items = run(state.config, chosen_languages(state, langs), reviewer)
    for item in items:
        if item.adopted:
            state.say(f"adopted   {shown_path(state, item.path)}: {item.adopted} reviewed "
                      f"entries signed as adopted by {reviewer}")
    total = sum(item.adopted for item in items)
    state.note(f"{total} entries adopted" + ("" if state.config.require_signoff else
               "; require_signoff is off: turn it on in [tool.pipeline] to require sign-off"))


COMMANDS = (publish, adopt)
"""The commands this module adds to ``pipeline`` (registered in :mod:`pipeline.cli`)."""
