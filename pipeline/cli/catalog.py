"""Commands on catalogs: extract, init, update, status, translate, compile, check."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from pipeline.cli.common import (
    State,
    chosen_languages,
    json_option,
    lang_option,
    pass_state,
    progress_bar,
    shown_path,
)
from pipeline.config import parse_language


@click.command()
@pass_state
def extract(state: State) -> None:
    """Extract English strings from source/ into locale/*.pot."""
    from pipeline.catalog.extract import extract as run

    items = run(state.config)
    for item in items:
        if item.removed:
            state.say(f"removed   {shown_path(state, item.path)} (its page is gone; its "
                      "catalogs are kept and count for nothing)")
            continue
        mark = "wrote" if item.changed else "unchanged"
        state.say(f"{mark:9} {shown_path(state, item.path)} ({item.messages} messages)")


@click.command()
@lang_option
@pass_state
def init(state: State, langs: tuple[str, ...]) -> None:
    """Create .po files for a new language (existing files are left alone)."""
    from pipeline.catalog.merge import init as run

    languages = chosen_languages(state, langs, all_if_empty=False)
    if not languages:
        raise click.UsageError("init needs --lang LANG")

    def show(item: Any) -> None:
        where = shown_path(state, Path(item.path))
        if item.created:
            state.say(f"created   {where} ({item.new} messages)")
        else:
            state.say(f"exists    {where} (use 'pipeline update')")

    run(state.config, languages, progress=show)


@click.command()
@lang_option
@pass_state
def update(state: State, langs: tuple[str, ...]) -> None:
    """Merge locale/*.pot into the .po files: keep translations, mark changed ones fuzzy."""
    from pipeline.catalog.merge import update as run

    def show(item: Any) -> None:
        verb = "created" if item.created else ("updated" if item.changed else "unchanged")
        detail = ", ".join(
            f"{n} {k}"
            for k, n in (
                ("kept", item.kept), ("kept (trivial edit)", item.trivial),
                ("fuzzy", item.fuzzy), ("new", item.new),
                ("obsolete", item.obsolete), ("revived", item.revived),
            )
            if n
        )
        state.say(f"{verb:9} {shown_path(state, Path(item.path))}: {detail or 'empty'}")

    run(state.config, chosen_languages(state, langs), progress=show)


@click.command()
@lang_option
@json_option
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Also write a status page with progress bars and QA errors.")
@pass_state
def status(state: State, langs: tuple[str, ...], as_json: bool, html_path: Path | None) -> None:
    """Per language and page: reviewed / machine / outdated / new / untranslated, and what
    publish will do with the page (the same gate)."""
    from pipeline.site.continuity import status_rows

    languages = chosen_languages(state, langs)
    if html_path is not None:
        from pipeline.qa.report import write_status_html

        changed = write_status_html(state.config, languages, html_path)
        state.note(f"{'wrote' if changed else 'unchanged'} {shown_path(state, html_path)}")
    rows = status_rows(state.config, languages)
    # issue 26: per page what it still waits for (risk tiers) and its reading level
    from pipeline.qa.readability import page_notes

    notes = page_notes(state.config, languages, levels=as_json)  # the table shows none
    if as_json:
        click.echo(json.dumps([{**r.as_dict(), **notes.get((r.stats.lang, r.stats.domain), {})}
                               for r in rows if r.stats.domain != "(all)"],
                              indent=2, ensure_ascii=False))
        return
    signoff = state.config.require_signoff
    click.echo(f"{'lang':8} {'catalog':34} {'reviewed':>14} {'machine':>8} "
               f"{'outdated':>8} {'new':>4} {'untransl.':>9} "
               + (f"{'unsigned':>8} " if signoff else "") + f"{'obsolete':>8}  publish")
    for row in rows:
        s, v = row.stats, row.verdict
        name = s.domain + (" (no .po)" if s.missing else "") + (
            " (orphaned)" if s.orphaned else "")
        verdict = (v.fate + (" (first)" if v.fate == "public" and not v.was_public else "")
                   if v is not None else "counts for nothing" if s.orphaned
                   else "English until reviewed" if s.domain == "site" else "")
        if s.stale:
            verdict += "; template older than page: run pipeline extract"
        click.echo(
            f"{s.lang:8} {name:34} {s.reviewed:>4} {s.reviewed_percent:5.1f}% "
            f"{progress_bar(s.reviewed_percent)} {s.machine:>8} {s.outdated:>8} {s.new:>4} "
            f"{s.untranslated:>9} " + (f"{s.unsigned:>8} " if signoff else "")
            + f"{s.obsolete:>8}  {verdict}".rstrip())
    for (code, page), note in notes.items():
        if note["waits_for"] != "nothing":
            click.echo(f"{code} {page} waits for: {note['waits_for']}", err=True)


@click.command()
@click.option("--lang", "-l", "lang", required=True, metavar="LANG", help="Target language.")
@click.option(
    "--engine", "-e", metavar="NAME",
    help="apertium, openai, google, deepl, libre, mymemory, microsoft, or memory "
    "(default: [tool.pipeline] engines, else apertium where installed, else memory only; "
    "an online engine is used only when named).",
)
@click.option("--page", "pages", multiple=True, metavar="NAME", help="Only this page (repeatable).")
@click.option("--dry-run", is_flag=True, help="Translate but write nothing.")
@pass_state
def translate(
    state: State, lang: str, engine: str | None, pages: tuple[str, ...], dry_run: bool
) -> None:
    """Fill empty entries: translation memory first, then MT; results stay fuzzy for review."""
    from pipeline.errors import NotReadyError
    from pipeline.mt.translate import translate as run

    target = parse_language(lang)
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if state.quiet or not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label="translating", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        report = run(state.config, target, engine_name=engine, pages=pages or None,
                     dry_run=dry_run, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    prefix = "would fill" if dry_run else "filled"
    fuzzy = f" ({report.from_fuzzy} fuzzy)" if report.from_fuzzy else ""
    source = (
        f"{report.unmatched} without a match (left empty)" if report.engine == "memory"
        else f"{report.from_engine} from {report.engine} ({report.from_cache} cached)"
    )
    state.say(
        f"{target.gettext}: {prefix} {report.from_memory} from memory{fuzzy}, {source}; "
        f"{len(report.failed)} failed; {report.skipped} already translated (untouched)"
    )
    if report.no_engine and report.unmatched:
        where = ", ".join(f"{d} {n}" for d, n in sorted(report.unmatched_by.items()))
        click.echo(
            f"{target.gettext}: {report.unmatched} entries stayed empty ({where}): no engine "
            f"is configured for {target.gettext} and nothing was sent out; to draft them, "
            f"name one in [tool.pipeline.engines] ({target.gettext} = \"openai\", "
            "\"deepl\", …) or pass --engine NAME (README: Engines and privacy)", err=True)
    for f in report.flagged[:20]:
        click.echo(f"  check [{f.domain}] {f.msgid[:60]!r}: memory draft from another English: "
                   f"{f.reason}", err=True)
    _show_failures(report.failed)
    if report.findings:
        errors = sum(f.severity == "error" for f in report.findings)
        click.echo(f"{target.gettext}: the checks found {errors} errors and "
                   f"{len(report.findings) - errors} warnings in the new drafts (fix them at "
                   "review; 'pipeline check' lists them again):", err=True)
        for finding in report.findings[:20]:
            click.echo(f"  {finding}", err=True)
        if len(report.findings) > 20:
            click.echo(f"  … and {len(report.findings) - 20} more", err=True)
    if report.failed:
        raise NotReadyError(
            f"{len(report.failed)} entries could not be translated and stay empty; "
            "rerun later or translate them by hand"
        )




def _show_failures(failed: list[Any]) -> None:
    """One line per entry, or one per cause when more than three entries failed alike (a
    server down, no network)."""
    causes: dict[str, list[Any]] = {}
    for f in failed:
        causes.setdefault(f.reason.split(" (not sent: ")[0], []).append(f)
    for cause, group in list(causes.items())[:20]:
        if len(group) <= 3:
            for f in group:
                click.echo(f"  failed [{f.domain}] {f.msgid[:60]!r}: {f.reason}", err=True)
        else:
            pages = ", ".join(sorted({f.domain for f in group}))
            click.echo(f"  failed [{pages}] {len(group)} entries: {cause}", err=True)
    if len(causes) > 20:
        click.echo(f"  … and {len(causes) - 20} more causes", err=True)


@click.command()
@lang_option
@pass_state
def compile(state: State, langs: tuple[str, ...]) -> None:  # noqa: A001 - pybabel's name
    """Compile the .po files to .mo (reviewed entries only, as gettext does)."""
    from pipeline.catalog.compile import compile_catalogs

    for path, count in compile_catalogs(state.config, chosen_languages(state, langs)):
        state.say(f"compiled  {shown_path(state, path)} ({count} messages)")


@click.command()
@lang_option
@click.option("--page", "pages", multiple=True, metavar="NAME", help="Only this page.")
@json_option
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1), and so do findings "
              "on machine drafts of preview_only languages.")
@pass_state
def check(state: State, langs: tuple[str, ...], pages: tuple[str, ...], as_json: bool,
          strict: bool) -> None:
    """QA checks on translations, compiler style: FILE:LINE: error|warning: CHECK: message."""
    from pipeline.errors import NotReadyError
    from pipeline.qa.checks import run_checks
    from pipeline.qa.findings import ERROR, blocking

    findings = run_checks(state.config, chosen_languages(state, langs), pages or None)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        for f in findings:
            click.echo(str(f))
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    if not as_json:
        state.note(f"{errors} errors, {warnings} warnings")
    preview = frozenset(lang.gettext for lang in state.config.preview_only)
    failing = blocking(findings, preview, strict=strict)
    if failing:
        raise NotReadyError(f"{errors} errors, {warnings} warnings; fix them and check again")
    if errors and not as_json:
        state.note(f"the {errors} errors are on machine drafts of preview-only languages; "
                   "they fail only with --strict")


COMMANDS = (extract, init, update, status, translate, compile, check)
"""The commands this module adds to ``pipeline`` (registered in :mod:`pipeline.cli`)."""
