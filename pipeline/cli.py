"""The ``pipeline`` command: parse options, call one library function, print its result."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from pipeline import __version__
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
            click.echo(f"error: {exc}", err=True)
            if state is not None and state.verbose and exc.__cause__ is not None:
                click.echo(f"  caused by: {exc.__cause__!r}", err=True)
            ctx.exit(exc.exit_code)


def _languages(state: State, codes: Sequence[str], *, all_if_empty: bool = True) -> list[Language]:
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


@click.group(cls=PipelineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path),
    help="Project folder (default: nearest folder upwards with [tool.pipeline]).",
)
@click.option("-v", "--verbose", count=True, help="More detail on errors and progress.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.version_option(__version__, prog_name="pipeline")
@click.pass_context
def cli(ctx: click.Context, root: Path | None, verbose: int, quiet: bool) -> None:
    """Translate and publish patient-information pages.

    \b
    Translator:  pipeline update --lang es   (then edit locale/es/LC_MESSAGES/*.po)
                 pipeline translate --lang es   (machine drafts, marked fuzzy)
                 pipeline review --lang es   (accept or edit drafts one by one)
                 pipeline status --html output/status.html
    Publisher:   pipeline publish --lang es   (reviewed strings only)
    """
    ctx.obj = State(root, verbose, quiet)


@cli.command()
@pass_state
def extract(state: State) -> None:
    """Extract English strings from source/ into locale/*.pot."""
    from pipeline.extract import extract as run

    items = run(state.config)
    for item in items:
        mark = "wrote" if item.changed else "unchanged"
        state.say(f"{mark:9} {_rel(state, item.path)} ({item.messages} messages)")


@cli.command()
@lang_option
@pass_state
def init(state: State, langs: tuple[str, ...]) -> None:
    """Create .po files for a new language (existing files are left alone)."""
    from pipeline.merge import init as run

    languages = _languages(state, langs, all_if_empty=False)
    if not languages:
        raise click.UsageError("init needs --lang LANG")

    def show(item: Any) -> None:
        where = _rel(state, Path(item.path))
        if item.created:
            state.say(f"created   {where} ({item.new} messages)")
        else:
            state.say(f"exists    {where} (use 'pipeline update')")

    run(state.config, languages, progress=show)


@cli.command()
@lang_option
@pass_state
def update(state: State, langs: tuple[str, ...]) -> None:
    """Merge locale/*.pot into the .po files: keep translations, mark changed ones fuzzy."""
    from pipeline.merge import update as run

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
        state.say(f"{verb:9} {_rel(state, Path(item.path))}: {detail or 'empty'}")

    run(state.config, _languages(state, langs), progress=show)


@cli.command()
@lang_option
@json_option
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Also write a status page with progress bars and QA errors.")
@pass_state
def status(state: State, langs: tuple[str, ...], as_json: bool, html_path: Path | None) -> None:
    """Reviewed / machine (fuzzy) / untranslated counts per language and page."""
    from pipeline.status import language_total
    from pipeline.status import status as run

    languages = _languages(state, langs)
    if html_path is not None:
        from pipeline.report import write_status_html

        changed = write_status_html(state.config, languages, html_path)
        state.note(f"{'wrote' if changed else 'unchanged'} {_rel(state, html_path)}")
    stats = run(state.config, languages)
    if as_json:
        click.echo(json.dumps([s.as_dict() for s in stats], indent=2, ensure_ascii=False))
        return
    click.echo(f"{'lang':8} {'catalog':34} {'reviewed':>14} {'machine':>9} {'untransl.':>9} "
               f"{'obsolete':>8}")
    for lang in languages:
        rows = [s for s in stats if s.lang == lang.gettext]
        for s in [*rows, language_total(rows, lang.gettext)]:
            bar = _bar(s.reviewed_percent)
            name = s.domain + (" (no .po)" if s.missing else "")
            click.echo(
                f"{s.lang:8} {name:34} {s.reviewed:>4} {s.reviewed_percent:5.1f}% {bar} "
                f"{s.machine:>9} {s.untranslated:>9} {s.obsolete:>8}"
            )


@cli.command()
@click.option("--lang", "-l", "lang", required=True, metavar="LANG", help="Target language.")
@click.option(
    "--engine", "-e", metavar="NAME",
    help="apertium, google, deepl, libre, mymemory, microsoft, or memory "
    "(default: [tool.pipeline] engines, else apertium where installed).",
)
@click.option("--page", "pages", multiple=True, metavar="NAME", help="Only this page (repeatable).")
@click.option("--dry-run", is_flag=True, help="Translate but write nothing.")
@pass_state
def translate(
    state: State, lang: str, engine: str | None, pages: tuple[str, ...], dry_run: bool
) -> None:
    """Fill empty entries: translation memory first, then MT; results stay fuzzy for review."""
    from pipeline.errors import NotReadyError
    from pipeline.translate import translate as run

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
    source = (
        f"{report.unmatched} without a match (left empty)" if report.engine == "memory"
        else f"{report.from_engine} from {report.engine} ({report.from_cache} cached)"
    )
    state.say(
        f"{target.gettext}: {prefix} {report.from_memory} from memory, {source}; "
        f"{len(report.failed)} failed; {report.skipped} already translated (untouched)"
    )
    for f in report.failed[:20]:
        click.echo(f"  failed [{f.domain}] {f.msgid[:60]!r}: {f.reason}", err=True)
    if len(report.failed) > 20:
        click.echo(f"  … and {len(report.failed) - 20} more", err=True)
    if report.failed:
        raise NotReadyError(
            f"{len(report.failed)} entries could not be translated and stay empty; "
            "rerun later or translate them by hand"
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
    from pipeline.publish import publish as run

    if not langs and not all_langs:
        raise click.UsageError("name a language (--lang es) or use --all")
    if all_langs and langs:
        raise click.UsageError("use either --lang or --all, not both")
    if union is not None and shard_spec is not None:
        raise click.UsageError("use either --shard or --check-union, not both")
    languages = _languages(state, langs, all_if_empty=False)
    if union is not None:
        _check_union(state, languages, union, every=all_langs, formats=formats, draft=draft,
                     preview_dir=preview_dir)
        return
    from pipeline.shard import parse_shard

    shard = parse_shard(shard_spec) if shard_spec is not None else None

    def show(item: Any) -> None:
        for warning in item.warnings:
            click.echo(f"warning: {warning}", err=True)
        if state.quiet:
            return
        where = _rel(state, item.path)
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
        state.say(f"removed    {_rel(state, path)}")
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


def _check_union(state: State, languages: list[Language], folder: Path, *, every: bool,
                 formats: tuple[str, ...], draft: bool, preview_dir: Path | None) -> None:
    from pipeline.errors import NotReadyError
    from pipeline.publish import check_union

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
        raise NotReadyError(f"{_rel(state, folder)} is not a complete site ({counts} of "
                            f"{report.expected} files expected); rerun the shards that wrote "
                            "them (or remove the extra files) before deploying", path=None)
    state.say(f"complete: {_rel(state, folder)} holds all {report.expected} files, "
              "each current, nothing extra")


@cli.command()
@lang_option
@pass_state
def compile(state: State, langs: tuple[str, ...]) -> None:  # noqa: A001 - pybabel's name
    """Compile the .po files to .mo (reviewed entries only, as gettext does)."""
    from pipeline.compile import compile_catalogs

    for path, count in compile_catalogs(state.config, _languages(state, langs)):
        state.say(f"compiled  {_rel(state, path)} ({count} messages)")


@cli.command()
@lang_option
@click.option("--page", "pages", multiple=True, metavar="NAME", help="Only this page.")
@json_option
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@pass_state
def check(state: State, langs: tuple[str, ...], pages: tuple[str, ...], as_json: bool,
          strict: bool) -> None:
    """QA checks on translations, compiler style: FILE:LINE: error|warning: CHECK: message."""
    from pipeline.checks import run_checks
    from pipeline.errors import NotReadyError
    from pipeline.findings import ERROR

    findings = run_checks(state.config, _languages(state, langs), pages or None)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        for f in findings:
            click.echo(str(f))
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    if not as_json:
        state.note(f"{errors} errors, {warnings} warnings")
    if errors or (strict and warnings):
        raise NotReadyError(f"{errors} errors, {warnings} warnings; fix them and check again")


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
        from pipeline.terminal import from_editor

        if not self.inline:
            return from_editor(click.edit(notes + text + "\n", require_save=True))
        if sys.stdin.isatty():
            return _prefilled("New text: ", text)
        try:
            answer: str = click.prompt("New text (Enter = keep)", default="", show_default=False)
        except click.Abort:
            raise EOFError from None
        return answer or None


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


@cli.command()
@click.option("--lang", "-l", "lang", required=True, metavar="LANG", help="Target language.")
@click.option("--page", "pages", multiple=True, metavar="NAME", help="Only this page (repeatable).")
@click.option("--reviewer", envvar="PIPELINE_REVIEWER", metavar="NAME",
              help="Name recorded on accepted entries (default: $PIPELINE_REVIEWER, else $USER).")
@click.option("--inline", is_flag=True,
              help="Edit at a prompt instead of $EDITOR (the default when $EDITOR is unset).")
@pass_state
@click.pass_context
def review(ctx: click.Context, state: State, lang: str, pages: tuple[str, ...],
           reviewer: str | None, inline: bool) -> None:
    """Review machine drafts one by one: accept, edit, skip, back, quit; each decision saved."""
    from pipeline.review import Review
    from pipeline.terminal import run_review

    session = Review.start(state.config, parse_language(lang), pages=pages or None,
                           reviewer=reviewer or os.environ.get("USER", ""))
    if not session.items:
        state.say(f"{parse_language(lang).gettext}: nothing waiting for review")
        return
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    summary = run_review(session, ClickConsole(inline=inline or not editor))
    click.echo(str(summary))
    if summary.interrupted:
        ctx.exit(1)


@cli.command()
@click.option("--lang", "-l", "lang", required=True, metavar="LANG", help="Target language.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.json and FILE.html to write (default: output/record/LANG).")
@pass_state
def record(state: State, lang: str, output: Path | None) -> None:
    """Write the translation record: per string its English, origin, translator, reviewer and
    QA, with a summary for a listing service or a compliance officer (holds names: private)."""
    from pipeline.record import build_record, write_record

    target = parse_language(lang)
    done = build_record(state.config, target)
    paths = write_record(done, output or state.config.output_dir / "record" / target.gettext)
    state.say(f"wrote {' and '.join(_rel(state, p) for p in paths)}: "
              f"{done.summary['reviewed']} of {done.summary['strings']} strings reviewed")


@cli.command()
@click.option("--lang", "-l", "lang", required=True, metavar="LANG", help="Target language.")
@click.option("--format", "fmt", type=click.Choice(["xliff"]), default="xliff", show_default=True,
              help="Exchange format (XLIFF 1.2).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: output/xliff/LANG.xlf).")
@click.option("--page", "pages", multiple=True, metavar="NAME", help="Only this page (repeatable).")
@pass_state
def export(state: State, lang: str, fmt: str, output: Path | None,
           pages: tuple[str, ...]) -> None:
    """Export a language's catalogs as XLIFF 1.2 for CAT tools (states and notes kept)."""
    from pipeline.xliff import export_xliff

    target = parse_language(lang)
    path = output or state.config.output_dir / "xliff" / f"{target.gettext}.xlf"
    done = export_xliff(state.config, target, path, pages or None)
    state.say(f"wrote {_rel(state, done.path)}: {done.catalogs} catalogs, {done.reviewed} "
              f"reviewed, {done.fuzzy} fuzzy, {done.untranslated} untranslated")


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "-l", "lang", metavar="LANG",
              help="Target language (default: the file's target-language).")
@click.option("--translator", metavar="NAME",
              help="Who translated the file's new text (default: its <phase contact-name>).")
@pass_state
def import_(state: State, file: Path, lang: str | None, translator: str | None) -> None:
    """Merge an XLIFF file's translations into the .po files (by msgctxt and msgid)."""
    from pipeline.xliff import import_xliff

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
        state.say(f"{verb:9} {_rel(state, item.path)}: {detail or 'no units'}")
        for msgid in item.kept:
            click.echo(f"warning: {_rel(state, item.path)}: kept the reviewed translation of "
                       f"{msgid[:60]!r}: the file changed it without approving it", err=True)
        for msgid in item.refused:
            click.echo(f"warning: {_rel(state, item.path)}: refused the text for "
                       f"{msgid[:60]!r}: it holds a control character that can hide text "
                       "from a reviewer; fix it in the CAT tool and export again", err=True)
        for msgid in item.conflicts:
            click.echo(f"warning: {_rel(state, item.path)}: conflict: kept the catalog's "
                       f"translation of {msgid[:60]!r}: it changed since this file was exported "
                       "(or the file has no base); merge the file's text by hand", err=True)
    dropped = sum(len(item.kept) + len(item.conflicts) for item in items)
    if dropped:  # an edit made in the CAT tool did not arrive: not done
        click.echo(f"error: {dropped} edit(s) in {file.name} were not applied (listed above); "
                   "apply them by hand or approve them in the CAT tool and import again",
                   err=True)
        click.get_current_context().exit(1)


@cli.group()
def tm() -> None:
    """Translation memory in TMX 1.4b: export reviewed pairs, import other tools' memories."""


@tm.command("export")
@click.option("--lang", "-l", "lang", required=True, metavar="LANG", help="Target language.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: output/tmx/LANG.tmx).")
@click.option("--page", "pages", multiple=True, metavar="NAME", help="Only this page (repeatable).")
@pass_state
def tm_export(state: State, lang: str, output: Path | None, pages: tuple[str, ...]) -> None:
    """Write the language's reviewed translations as TMX 1.4b."""
    from pipeline.tm import export_tmx

    target = parse_language(lang)
    path = output or state.config.output_dir / "tmx" / f"{target.gettext}.tmx"
    done = export_tmx(state.config, target, path, pages or None)
    state.say(f"wrote {_rel(state, done.path)}: {done.units} reviewed pairs from "
              f"{done.catalogs} catalogs")


@tm.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", "-l", "lang", metavar="LANG",
              help="Only this language (default: every configured language in the file).")
@pass_state
def tm_import(state: State, file: Path, lang: str | None) -> None:
    """Keep a TMX file's pairs in locale/LANG/memory.tmx; translate drafts from them."""
    from pipeline.tm import import_tmx

    result = import_tmx(state.config, file, parse_language(lang) if lang else None)
    for item in result.items:
        detail = ", ".join(f"{n} {k}" for k, n in (
            ("added", item.added), ("replaced", item.replaced), ("unchanged", item.unchanged),
            ("without a pair in this language", item.skipped)) if n)
        verb = "updated" if item.changed else "unchanged"
        state.say(f"{verb:9} {_rel(state, item.path)}: {detail or 'no units'}")
    if result.ignored_languages:
        state.note(f"ignored languages not configured: {', '.join(result.ignored_languages)}")


@cli.group()
def glossary() -> None:
    """The glossary (locale/glossary.csv) in TBX for terminology tools."""


@glossary.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: the glossary's path with .tbx).")
@pass_state
def glossary_export(state: State, output: Path | None) -> None:
    """Write the glossary as TBX."""
    from pipeline.tbx import export_tbx

    done = export_tbx(state.config, output or state.config.glossary_path.with_suffix(".tbx"))
    state.say(f"wrote {_rel(state, done.path)}: {done.entries} entries, {done.terms} rows")


@glossary.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def glossary_import(state: State, file: Path) -> None:
    """Add a TBX file's terms to the glossary; existing rows are kept, conflicts reported."""
    from pipeline.tbx import import_tbx

    result = import_tbx(state.config, file)
    verb = "updated" if result.changed else "unchanged"
    state.say(f"{verb:9} {_rel(state, result.path)}: {len(result.added)} added, "
              f"{result.unchanged} unchanged, {len(result.conflicts)} in conflict (kept)")
    for row, ours in result.conflicts:
        click.echo(f"warning: {_rel(state, result.path)}: conflict: '{row.term}' ({row.lang}) "
                   f"is '{ours}' here and '{row.translation}' in {file.name}; kept ours, "
                   "edit the CSV to change it", err=True)
    if result.ignored_languages:
        state.note(f"ignored languages not configured: {', '.join(result.ignored_languages)}")


@cli.command()
@lang_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback is reachable by others.")
@click.option("--reviewer", envvar="PIPELINE_REVIEWER", metavar="NAME",
              help="Name recorded on accepted entries (default: $PIPELINE_REVIEWER, else $USER).")
@pass_state
def serve(state: State, langs: tuple[str, ...], port: int, host: str,
          reviewer: str | None) -> None:
    """Serve the site and draft previews with live reload and in-context review."""
    from pipeline.errors import ConfigError
    from pipeline.server import listen, missing_dependencies, run

    missing = missing_dependencies()
    if missing:
        raise ConfigError(f"pipeline serve needs {', '.join(missing)}; run scripts/setup.sh "
                          "(it installs them from requirements/runtime.txt)")
    name = " ".join((reviewer or os.environ.get("USER", "")).split())
    if not name:
        raise ConfigError("name the reviewer: --reviewer NAME or $PIPELINE_REVIEWER")
    languages = _languages(state, langs)
    listening = listen(host, port)
    if listening.warning:
        click.echo(f"warning: {listening.warning}", err=True)
    click.echo(f"serving on {listening.url} (drafts: {listening.url}drafts/; reviewer: "
               f"{name}; Ctrl-C stops)", err=True)
    run(state.config, languages, reviewer=name, listening=listening,
        log_level="info" if state.verbose else "warning")


def _bar(percent: float, width: int = 4) -> str:
    full = round(percent / 100 * width)
    return "█" * full + "·" * (width - full)


def _rel(state: State, path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(state.config.root))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="pipeline")


if __name__ == "__main__":
    main()
