"""What each published file depends on, hashed: the page's source, its catalogs, what every
page shares (the tool's output code, settings, templates, assets, the roster) and the
languages it is offered in. :mod:`pipeline.site.plan` compares these digests with the
manifest's to decide what to render; nothing here renders.
"""

from __future__ import annotations

import ast
import functools
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline import __version__
from pipeline.catalog.extract import SITE_DOMAIN
from pipeline.config import Config, Language, parse_language
from pipeline.site.manifest import Hashes, digest
from pipeline.team import team_path

PACKAGE = Path(__file__).resolve().parent.parent
# Where a run starts: every module it imports, at the top of a file or inside a function,
# decides the bytes of a published file or whether it is rewritten.
ENTRY = "pipeline.site.publish"


@functools.cache
def output_modules(package: Path = PACKAGE, entry: str = ENTRY) -> tuple[Path, ...]:
    """``entry`` and every module of ``package`` it imports, directly or through another,
    read with :mod:`ast` (nothing is imported): the files whose code makes the output.
    A module added to the render path is covered as soon as something on it imports it."""
    top = package.name
    found: dict[str, Path] = {}
    todo = [entry]
    while todo:
        name = todo.pop()
        path = _module_file(package, name)
        if name in found or path is None:
            continue
        found[name] = path
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]  # its packages run too
        here = parts if path.name == "__init__.py" else parts[:-1]
        for node in ast.walk(ast.parse(path.read_bytes(), os.fspath(path))):
            if isinstance(node, ast.Import):
                todo += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*here[:len(here) - node.level + 1], *filter(None, [base])])
                todo += [base, *(f"{base}.{alias.name}" for alias in node.names)]
        todo = [x for x in todo if x == top or x.startswith(f"{top}.")]
    return tuple(sorted(found.values()))


def _module_file(package: Path, name: str) -> Path | None:
    rest = name.split(".")[1:]
    for path in (package.joinpath(*rest).with_suffix(".py") if rest else None,
                 package.joinpath(*rest, "__init__.py")):
        if path is not None and path.is_file():
            return path
    return None


def output_code(hashes: Hashes) -> str:
    """The tool version plus the source of every module of :func:`output_modules` (each
    file read once per run through ``hashes``): part of every published file's inputs
    digest, so a fix in any of them re-renders pages that were "up to date"."""
    parts = [__version__]
    for path in output_modules(PACKAGE):
        parts += [path.relative_to(PACKAGE).as_posix(), hashes(path)]
    return digest(*parts)[:16]


def find_assets(config: Config) -> dict[str, Path]:
    """Files the pages may reference, by their name under ``<tree>/assets/``.

    Every file under the templates and assets folders must be inside the project: a
    symbolic link to anything else (``/etc/passwd``) is refused, not published."""
    from pipeline.source import inside_project

    found: dict[str, Path] = {}
    for folder, pattern in ((config.templates_dir, "*.css"), (config.assets_dir, "*")):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                inside_project(path, config.root)
                if path.is_file() and path.match(pattern):
                    found[path.relative_to(folder).as_posix()] = path
    return found


class Digests:
    """The inputs digests of one ``publish`` run (each input file read once, through
    ``hashes``)."""

    def __init__(self, config: Config, *, formats: Sequence[str], hashes: Hashes | None = None):
        self.config = config
        self.formats = tuple(formats)
        self.hashes = hashes or Hashes()
        self.source_lang = parse_language(config.source_language)
        self.assets = find_assets(config)
        self._shared: str | None = None

    def shared(self) -> str:
        """What every page depends on: the tool's version and output code, settings,
        templates, assets and the roster (the "about this translation" statement)."""
        if self._shared is None:
            root = self.config.root
            parts: list[bytes | str] = [output_code(self.hashes),
                                        repr(replace(self.config, root=Path()))]
            roster = [team_path(root)] if team_path(root).is_file() else []
            for f in [*self.assets.values(), *sorted(self.config.templates_dir.rglob("*")),
                      *roster]:
                # relative: a moved or copied project stays up to date
                parts += [f.relative_to(root).as_posix() if f.is_relative_to(root) else str(f),
                          self.hashes(f)]
            self._shared = digest(*parts)
        return self._shared

    def catalogs(self, lang: Language, *domains: str) -> str:
        """The bytes of ``lang``'s catalogs of ``domains``, hashed."""
        locale = os.fspath(self.config.locale_dir)
        parts: list[bytes | str] = [lang.gettext]
        if lang.gettext != self.source_lang.gettext:
            for domain in domains:
                po = f"{lang.gettext}/LC_MESSAGES/{domain}.po"
                parts += [po, self.hashes(f"{locale}/{po}")]
        return digest(*parts)

    def page(self, page: Path, lang: Language, *, preview: bool,
             languages: Sequence[Language], stub: bool = False) -> dict[str, str]:
        """Per format, the hash of everything ``<tree>/<lang>/<page>.<format>`` is made of."""
        base = digest(self.shared(), str(preview), page.name, self.hashes(page),
                      self.catalogs(lang, page.stem, SITE_DOMAIN),
                      ",".join(x.gettext for x in languages), *(["stub"] if stub else []))
        return {fmt: digest(base, fmt) for fmt in self.formats}
