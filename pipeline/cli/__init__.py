"""The ``pipeline`` command: parse options, call one library function, print its result.

The group is defined here and every command is registered on it explicitly, from the
modules that hold them by audience (:mod:`pipeline.cli.catalog`, :mod:`pipeline.cli.review`,
:mod:`pipeline.cli.site`); those import only :mod:`pipeline.cli.common`, never this module.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from pipeline import __version__
from pipeline.cli import catalog, review, site
from pipeline.cli.common import PipelineGroup, State


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
    Translator:  pipeline extract   (after any English change: the templates)
                 pipeline update --lang es   (then edit locale/es/LC_MESSAGES/*.po)
                 pipeline translate --lang es   (machine drafts, marked fuzzy)
                 pipeline review --lang es   (accept or edit drafts one by one)
                 pipeline status --html reports/status.html
    Publisher:   pipeline publish --lang es   (reviewed strings only)
    """
    ctx.obj = State(root, verbose, quiet)


for _command in (*catalog.COMMANDS, *review.COMMANDS, *site.COMMANDS):
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else sys.argv[1:], prog_name="pipeline")
