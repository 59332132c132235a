"""Commands for reviewers: review, record, export/import (XLIFF), tm, glossary, serve."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from pipeline.cli.common import (
    State,
    chosen_languages,
    lang_option,
    pass_state,
    shown_path,
)
from pipeline.config import parse_language
from pipeline.errors import ConfigError


@dataclass(slots=True)
class ClickConsole:
    """The review loop's terminal: prompts that need Enter, so any terminal (and CliRunner)
    works; end of input or Ctrl-C becomes EOFError, which stops the session cleanly."""

    inline: bool

    def show(self, text: str) -> None:
        click.echo(text)

    def choose(self, prompt: str, keys: str) -> str:
        try:
            answer: str = click.prompt(prompt, type=click.Choice(list(keys), case_sensitive=False),
                                       show_choices=False, prompt_suffix=" ")
        except click.Abort:
            raise EOFError from None
        return answer.lower()

    def confirm(self, question: str) -> bool:
        try:
            return click.confirm(question, default=False)
        except click.Abort:
            raise EOFError from None

    def edit(self, text: str, notes: str) -> str | None:
        from pipeline.review.terminal import from_editor

        if not self.inline:
            return from_editor(click.edit(notes + text + "\n", require_save=True))
        if sys.stdin.isatty():
            return _prefilled("New text: ", text)
        try:
            answer: str = click.prompt("New text (Enter = keep)", default="", show_default=False)
        except click.Abort:
            raise EOFError from None
        return answer or None


def private(state: State, output: Path | None) -> Path | None:
    """``output`` unless it lies in the public tree: a plain deploy of ``output/`` would
    publish what a record or an export holds (reviewers' names, machine drafts)."""
    if output is not None and output.resolve().is_relative_to(state.config.output_dir.resolve()):
        raise ConfigError("is inside output/, which holds only what 'pipeline publish' writes and "
                          "is deployed as it is; write it under reports/ (the default) or "
                          "elsewhere", path=output)
    return output


def _prefilled(prompt: str, text: str) -> str | None:
    """A line typed at a terminal, starting from ``text`` (readline), Ctrl-C/D = EOFError."""
    import readline

    readline.set_startup_hook(lambda: readline.insert_text(text))
    try:
        return input(prompt)
    except KeyboardInterrupt:
        raise EOFError from None
    finally:
        readline.set_startup_hook()


@click.command()
@click.option("--lang", "-l", "lang", required=True, metavar="LANG", help="Target language.")
@click.option("--page", "pages", multiple=True, metavar="NAME", help="Only this page (repeatable).")
@click.option("--reviewer", envvar="PIPELINE_REVIEWER", metavar="NAME",
              help="Name recorded on accepted entries (default: $PIPELINE_REVIEWER, else $USER).")
@click.option("--role", type=click.Choice(["reviser", "clinical"]), default="reviser",
              show_default=True,
              help="The role you sign in: reviser (revises drafts) or clinical (confirms "
                   "revised text of pages marked review: clinical); team.toml must give it.")
@click.option("--inline", is_flag=True,
              help="Edit at a prompt instead of $EDITOR (the default when $EDITOR is unset).")
@pass_state
@click.pass_context
def review(ctx: click.Context, state: State, lang: str, pages: tuple[str, ...],
           reviewer: str | None, role: str, inline: bool) -> None:
    """Review machine drafts one by one: accept, edit, skip, back, quit; each decision saved."""
    from pipeline.review.session import Review
    from pipeline.review.terminal import run_review

    session = Review.start(state.config, parse_language(lang), pages=pages or None,
                           reviewer=reviewer or os.environ.get("USER", ""), role=role)
    if not session.items:
        waits = "clinical review" if role == "clinical" else "review"
        state.say(f"{parse_language(lang).gettext}: nothing waiting for {waits}")
        return
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    summary = run_review(session, ClickConsole(inline=inline or not editor))
    click.echo(str(summary))
    if summary.interrupted:
        ctx.exit(1)


@click.command()
@click.option("--lang", "-l", "lang", required=True, metavar="LANG", help="Target language.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.json and FILE.html to write (default: reports/record/LANG, "
                   "outside the public tree: it names people).")
@pass_state
def record(state: State, lang: str, output: Path | None) -> None:
    """Write the translation record: per string its English, origin, translator, sign-offs by
    role, QA; per page its tier, reading level and statement (holds names: private)."""
    from pipeline.review.record import build_record, write_record

    target = parse_language(lang)
    done = build_record(state.config, target)
    paths = write_record(done, private(state, output) or
                         state.config.reports_dir / "record" / target.gettext)
    state.say(f"wrote {' and '.join(shown_path(state, p) for p in paths)}: "
              f"{done.summary['reviewed']} of {done.summary['strings']} strings reviewed")


@click.command()
@click.option("--lang", "-l", "lang", required=True, metavar="LANG", help="Target language.")
@click.option("--format", "fmt", type=click.Choice(["xliff"]), default="xliff", show_default=True,
              help="Exchange format (XLIFF 1.2).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: reports/xliff/LANG.xlf).")
@click.option("--page", "pages", multiple=True, metavar="NAME", help="Only this page (repeatable).")
@pass_state
def export(state: State, lang: str, fmt: str, output: Path | None,
           pages: tuple[str, ...]) -> None:
    """Export a language's catalogs as XLIFF 1.2 for CAT tools (states and notes kept)."""
    from pipeline.review.xliff import export_xliff

    target = parse_language(lang)
    path = private(state, output) or state.config.reports_dir / "xliff" / f"{target.gettext}.xlf"
    done = export_xliff(state.config, target, path, pages or None)
    state.say(f"wrote {shown_path(state, done.path)}: {done.catalogs} catalogs, {done.reviewed} "
              f"reviewed, {done.fuzzy} fuzzy, {done.untranslated} untranslated")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "-l", "lang", metavar="LANG",
              help="Target language (default: the file's target-language).")
@click.option("--translator", metavar="NAME",
              help="Who translated the file's new text (default: its <phase contact-name>).")
@pass_state
def import_(state: State, file: Path, lang: str | None, translator: str | None) -> None:
    """Merge an XLIFF file's translations into the .po files (by msgctxt and msgid)."""
    from pipeline.review.xliff import import_xliff

    items = import_xliff(state.config, file, parse_language(lang) if lang else None,
                         translator=translator)
    for item in items:
        detail = ", ".join(
            f"{n} {k}" for k, n in (
                ("translated", item.translated), ("drafted (fuzzy)", item.drafted),
                ("approved", item.approved), ("reopened for review", item.reopened),
                ("unchanged", item.unchanged), ("without target", item.empty),
                ("in conflict (catalog kept)", len(item.conflicts)),
                ("refused (control character)", len(item.refused)),
            ) if n
        )
        verb = "updated" if item.changed else "unchanged"
        state.say(f"{verb:9} {shown_path(state, item.path)}: {detail or 'no units'}")
        for msgid in item.kept:
            click.echo(f"warning: {shown_path(state, item.path)}: kept the reviewed translation of "
                       f"{msgid[:60]!r}: the file changed it without approving it", err=True)
        for msgid in item.refused:
            click.echo(f"warning: {shown_path(state, item.path)}: refused the text for "
                       f"{msgid[:60]!r}: it holds a control character that can hide text "
                       "from a reviewer; fix it in the CAT tool and export again", err=True)
        for msgid in item.conflicts:
            click.echo(f"warning: {shown_path(state, item.path)}: conflict: kept the catalog's "
                       f"translation of {msgid[:60]!r}: it changed since this file was exported "
                       "(or the file has no base); merge the file's text by hand", err=True)
    dropped = sum(len(item.kept) + len(item.conflicts) for item in items)
    if dropped:  # an edit made in the CAT tool did not arrive: not done
        click.echo(f"error: {dropped} edit(s) in {file.name} were not applied (listed above); "
                   "apply them by hand or approve them in the CAT tool and import again",
                   err=True)
        click.get_current_context().exit(1)


@click.group()
def tm() -> None:
    """Translation memory in TMX 1.4b: export reviewed pairs, import other tools' memories."""


@tm.command("export")
@click.option("--lang", "-l", "lang", required=True, metavar="LANG", help="Target language.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: reports/tmx/LANG.tmx).")
@click.option("--page", "pages", multiple=True, metavar="NAME", help="Only this page (repeatable).")
@pass_state
def tm_export(state: State, lang: str, output: Path | None, pages: tuple[str, ...]) -> None:
    """Write the language's reviewed translations as TMX 1.4b."""
    from pipeline.mt.tm import export_tmx

    target = parse_language(lang)
    path = private(state, output) or state.config.reports_dir / "tmx" / f"{target.gettext}.tmx"
    done = export_tmx(state.config, target, path, pages or None)
    state.say(f"wrote {shown_path(state, done.path)}: {done.units} reviewed pairs from "
              f"{done.catalogs} catalogs")
    if done.plurals:
        state.note(f"left out {done.plurals} reviewed plural entr"
                   f"{'y' if done.plurals == 1 else 'ies'}: TMX has no plural forms")


@tm.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "-l", "lang", metavar="LANG",
              help="Only this language (default: every configured language in the file).")
@pass_state
def tm_import(state: State, file: Path, lang: str | None) -> None:
    """Keep a TMX file's pairs in locale/LANG/memory.tmx; translate drafts from them."""
    from pipeline.mt.tm import import_tmx

    result = import_tmx(state.config, file, parse_language(lang) if lang else None)
    for item in result.items:
        detail = ", ".join(f"{n} {k}" for k, n in (
            ("added", item.added), ("replaced", item.replaced), ("unchanged", item.unchanged),
            ("without a pair in this language", item.skipped),
            ("refused (a control character)", item.refused)) if n)
        verb = "updated" if item.changed else "unchanged"
        state.say(f"{verb:9} {shown_path(state, item.path)}: {detail or 'no units'}")
    if result.ignored_languages:
        state.note(f"ignored languages not configured: {', '.join(result.ignored_languages)}")


@click.group()
def glossary() -> None:
    """The glossary (locale/glossary.csv) in TBX for terminology tools."""


@glossary.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: reports/glossary.tbx).")
@pass_state
def glossary_export(state: State, output: Path | None) -> None:
    """Write the glossary as TBX."""
    from pipeline.review.tbx import export_tbx

    target = private(state, output) or state.config.reports_dir / "glossary.tbx"
    done = export_tbx(state.config, target)
    state.say(f"wrote {shown_path(state, done.path)}: {done.entries} entries, {done.terms} rows")


@glossary.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def glossary_import(state: State, file: Path) -> None:
    """Add a TBX file's terms to the glossary; existing rows are kept, conflicts reported."""
    from pipeline.review.tbx import import_tbx

    result = import_tbx(state.config, file)
    verb = "updated" if result.changed else "unchanged"
    state.say(f"{verb:9} {shown_path(state, result.path)}: {len(result.added)} added, "
              f"{result.unchanged} unchanged, {len(result.conflicts)} in conflict (kept)"
              + (f", {result.refused} refused (a control character)" if result.refused else ""))
    for row, ours in result.conflicts:
        click.echo(f"warning: {shown_path(state, result.path)}: conflict: '{row.term}' "
                   f"({row.lang}) "
                   f"is '{ours}' here and '{row.translation}' in {file.name}; kept ours, "
                   "edit the CSV to change it", err=True)
    if result.ignored_languages:
        state.note(f"ignored languages not configured: {', '.join(result.ignored_languages)}")


@click.command()
@lang_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback needs --allow-remote.")
@click.option("--allow-remote", is_flag=True,
              help="Listen off loopback: others can connect; the session starts from a "
                   "one-time address printed here.")
@click.option("--reviewer", envvar="PIPELINE_REVIEWER", metavar="NAME",
              help="Name recorded on accepted entries (default: $PIPELINE_REVIEWER, else $USER).")
@pass_state
def serve(state: State, langs: tuple[str, ...], port: int, host: str, allow_remote: bool,
          reviewer: str | None) -> None:
    """Serve the site and draft previews with live reload and in-context review."""
    from pipeline.errors import ConfigError
    from pipeline.review.serve.server import listen, missing_dependencies, run

    missing = missing_dependencies()
    if missing:
        raise ConfigError(f"pipeline serve needs {', '.join(missing)}; run scripts/setup.sh "
                          "(it installs them from requirements/runtime.txt)")
    name = " ".join((reviewer or os.environ.get("USER", "")).split())
    if not name:
        raise ConfigError("name the reviewer: --reviewer NAME or $PIPELINE_REVIEWER")
    languages = chosen_languages(state, langs)
    listening = listen(host, port, allow_remote=allow_remote)
    if listening.warning:
        click.echo(f"warning: {listening.warning}", err=True)
    click.echo(f"serving on {listening.url} (drafts: {listening.url}drafts/; reviewer: "
               f"{name}; Ctrl-C stops)", err=True)
    if listening.start != listening.url:
        click.echo(f"open once to start the session: {listening.start}", err=True)
    run(state.config, languages, reviewer=name, listening=listening,
        on_error=lambda line: click.echo(f"error: {line}", err=True),
        log_level="info" if state.verbose else "warning")


COMMANDS = (review, record, export, import_, tm, glossary, serve)
"""The commands this module adds to ``pipeline`` (registered in :mod:`pipeline.cli`)."""
