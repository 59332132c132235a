"""The Jinja2 layout around a rendered body: one page in one language as HTML (and PDF),
with the localized title, alternates, language switcher, dates and draft marks.

Template strings and the page title are translations too, and as untrusted as the body.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import traceback
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import polib
from markupsafe import Markup, escape

from . import entry as entry_state
from . import manifest
from .catalogs import CatalogInfo, atomic_write, load_catalog
from .checks import deceptive
from .config import Config, Language, parse_language
from .errors import PublishError
from .extract import SITE_DOMAIN
from .manifest import Hashes, digest
from .render import Choice, render_body
from .source import Document, fold

_NAMED = re.compile(r"%\((\w+)\)s")

def placeholders_match(msgid: str, msgstr: str) -> bool:
    """True when ``msgstr`` can stand in for ``msgid`` in Jinja's ``%`` formatting.

    >>> placeholders_match("Last updated: %(date)s", "Actualizado: %(date)s")
    True
    >>> placeholders_match("Draft", "100% borrador")
    False
    """
    def spec(text: str) -> tuple[set[str], bool]:
        stray = "%" in _NAMED.sub("", text).replace("%%", "")
        return set(_NAMED.findall(text)), stray

    names, stray = spec(msgstr)
    return not stray and names == spec(msgid)[0]


@dataclass(slots=True)
class Translations:
    """Lookup over one language's page and site catalogs.

    ``lookup`` serves the body, which checks each translation itself (see
    :func:`~pipeline.render.render_body`); ``gettext`` and ``template_gettext`` serve the
    title, description and template strings, and check them here: a translation that
    :func:`~pipeline.checks.deceptive` refuses shows the English, with one warning.
    """

    entries: dict[str, tuple[str, bool]] = field(default_factory=dict)
    draft: bool = False
    signoff: bool = False  # require_signoff: reviewed = signed over this very text
    warnings: list[str] = field(default_factory=list)
    origin: dict[str, str] = field(default_factory=dict)
    # msgids the body looked up: it reports their problems itself, with the page's line
    looked_up: set[str] = field(default_factory=set)

    def add(self, po: polib.POFile, path: str = "") -> None:
        for e in po:
            # Pages and templates look strings up without a context: an entry with a msgctxt
            # (a "shadow" of a reviewed one, added by hand) must not answer for it.
            if e.obsolete or e.msgid_plural or e.msgctxt is not None:
                continue
            key = fold(e.msgid)
            if entry_state.is_reviewed(e, signoff_required=self.signoff):
                self.entries[key] = (e.msgstr, False)
            elif (self.draft and entry_state.is_draft(e, signoff_required=self.signoff)
                  and key not in self.entries):
                self.entries[key] = (e.msgstr, True)
            else:
                continue
            self.origin[key] = f"{path}:{e.linenum}" if path and e.linenum else path

    @property
    def machine(self) -> int:
        """How many unreviewed machine strings this lookup may show."""
        return sum(1 for _, is_draft in self.entries.values() if is_draft)

    def lookup(self, msgid: str) -> Choice | None:
        hit = self.entries.get(msgid)
        if not hit:
            return None
        self.looked_up.add(msgid)
        return Choice(hit[0], hit[1])

    def gettext(self, msgid: str) -> str:
        """The translation of ``msgid``, or ``msgid`` when there is none or it is deceptive."""
        return self._checked(msgid, template=False)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def template_gettext(self, msgid: str) -> Markup:
        """``gettext`` for Jinja templates, which trust what it returns (``Markup``) and
        ``%``-format it: the translation is escaped here, and one whose placeholders do
        not match the msgid's shows the msgid (with a warning) instead of crashing."""
        return escape(self._checked(msgid, template=True))

    def _checked(self, msgid: str, *, template: bool) -> str:
        key = fold(msgid)
        hit = self.entries.get(key)
        if not hit:
            return msgid
        if template and not placeholders_match(msgid, hit[0]):
            problem = (f"the translation of {msgid!r} has other %(name)s placeholders or "
                       "'%' signs than the English")
        else:
            why = deceptive(msgid, hit[0])
            if why is None:
                return hit[0]
            problem = f"{why} (translation of {msgid!r})"
        if key not in self.looked_up:  # else the body reported it, with the page's line
            text = f"{self.origin.get(key) or 'template string'}: {problem}; showing English"
            if text not in self.warnings:
                self.warnings.append(text)
        return msgid

    def template_ngettext(self, singular: str, plural: str, n: int) -> Markup:
        return escape(self.ngettext(singular, plural, n))


@functools.cache
def native_name(lang: Language) -> str:
    from babel import Locale

    name = Locale.parse(lang.gettext).get_display_name(lang.gettext) or lang.bcp47
    return name[:1].upper() + name[1:]


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
            what = ("template missing; publish needs page.html and index.html in this folder: "
                    "restore it (from version control or a fresh copy of the project)")
        else:
            what = f"template {str(exc.name)!r} not found in {folder}; add it or correct the name"
    elif isinstance(exc, jinja2.UndefinedError):
        known = f" ({', '.join(sorted(provides))})" if provides else ""
        what = f"{message}; use only the variables publish provides{known}"
    else:
        what = f"template error: {message}; correct the template"
    return PublishError(what, path=path or folder, line=line)


@dataclass(frozen=True, slots=True)
class RenderTask:
    """One page in one language, in the formats that are out of date."""

    lang: Language
    doc: Document
    formats: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RenderedFile:
    """The bytes of one output file and what went into them."""

    format: str
    data: bytes
    machine: int
    fallback: int
    warnings: tuple[str, ...]


class Publisher:
    """Renders pages for languages; one instance per ``publish`` call (and per worker).
    ``languages``: every published language, for the alternates and the switcher."""

    def __init__(self, config: Config, *, draft: bool, formats: Sequence[str],
                 hashes: Hashes | None = None, languages: Sequence[Language] = ()):
        self.config = config
        self.draft = draft
        self.formats = tuple(formats)
        self.languages = tuple(languages)
        self.env = environment(config)
        self.source_lang = parse_language(config.source_language)
        self.hashes = hashes or Hashes()
        self.assets = self._assets()
        self._shared: str | None = None
        # parsed catalogs; the site catalog of the language being rendered stays in
        self._catalogs: OrderedDict[Path, polib.POFile] = OrderedDict()

    def _assets(self) -> dict[str, Path]:
        """Files the pages may reference, by their name under ``output/assets/``.

        Every file under the templates and assets folders must be inside the project: a
        symbolic link to anything else (``/etc/passwd``) is refused, not published."""
        from .source import inside_project

        found: dict[str, Path] = {}
        for folder, pattern in ((self.config.templates_dir, "*.css"),
                                (self.config.assets_dir, "*")):
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    inside_project(path, self.config.root)
                    if path.is_file() and path.match(pattern):
                        found[path.relative_to(folder).as_posix()] = path
        return found

    def copy_assets(self) -> None:
        target = self.config.output_dir / "assets"
        for name, path in self.assets.items():
            atomic_write(target / name, path.read_bytes())

    def target(self, lang: Language, page: str, fmt: str) -> Path:
        return self.config.output_dir / lang.gettext / f"{page}.{fmt}"

    def _catalog(self, path: Path) -> polib.POFile:
        po = self._catalogs.get(path)
        if po is None:
            po = self._catalogs[path] = load_catalog(path).po
            if len(self._catalogs) > 8:
                self._catalogs.popitem(last=False)
        else:
            self._catalogs.move_to_end(path)
        return po

    def translations(self, lang: Language, page: str) -> Translations:
        t = Translations(draft=self.draft, signoff=self.config.require_signoff)
        if lang.gettext == self.source_lang.gettext:
            return t
        for domain in (page, SITE_DOMAIN):
            info = CatalogInfo(domain, lang, self.config.locale_dir)
            if info.po_path.exists():
                t.add(self._catalog(info.po_path), str(info.po_path))
        return t

    def shared_digest(self) -> str:
        """What every page depends on: the tool's version and output code, settings,
        templates and assets."""
        if self._shared is None:
            root = self.config.root
            parts: list[bytes | str] = [manifest.output_code(self.hashes),
                                        repr(replace(self.config, root=Path())),
                                        ",".join(x.gettext for x in self.languages)]
            for f in [*self.assets.values(), *sorted(self.config.templates_dir.rglob("*"))]:
                # relative: a moved or copied project stays up to date
                parts += [f.relative_to(root).as_posix() if f.is_relative_to(root) else str(f),
                          self.hashes(f)]
            self._shared = digest(*parts)
        return self._shared

    def digests(self, page: Path, lang: Language) -> dict[str, str]:
        """Per format, the hash of everything ``output/<lang>/<page>.<format>`` is made of."""
        translating = lang.gettext != self.source_lang.gettext
        locale = os.fspath(self.config.locale_dir)
        parts: list[bytes | str] = [self.shared_digest(), lang.gettext,
                                    str(self.draft and translating), page.name, self.hashes(page)]
        for domain in (page.stem, SITE_DOMAIN):
            po = f"{lang.gettext}/LC_MESSAGES/{domain}.po"
            parts += [po, self.hashes(f"{locale}/{po}")]
        base = digest(*parts)
        return {fmt: digest(base, fmt) for fmt in self.formats}

    def render_html(self, doc: Document, lang: Language, languages: Sequence[Language],
                    for_pdf: bool = False) -> tuple[str, Any]:
        from babel.dates import format_date

        tr = self.translations(lang, doc.name)
        translating = lang.gettext != self.source_lang.gettext
        body = render_body(
            doc,
            tr.lookup if translating else None,
            machine_title=tr.gettext("Machine translation, not reviewed"),
            fallback_lang=self.source_lang.bcp47,
            drop_comments=True,
            rtl=lang.direction == "rtl",
        )
        env = self.env
        env.install_gettext_callables(tr.template_gettext, tr.template_ngettext, newstyle=True)
        page_file = f"{doc.name}.html"
        alternates = [
            {"hreflang": other.bcp47, "href": f"../{other.gettext}/{page_file}"}
            for other in languages
        ]
        alternates.append({"hreflang": "x-default",
                           "href": f"../{self.source_lang.gettext}/{page_file}"})
        switcher = [
            {"hreflang": other.bcp47, "href": f"../{other.gettext}/{page_file}",
             "name": native_name(other), "current": other == lang}
            for other in languages
        ]
        updated = doc.updated
        context = {
            "lang": lang,
            "title": tr.gettext(doc.title),
            "description": tr.gettext(doc.description),
            "site_name": self.config.site_name,
            "alternates": alternates,
            "switcher": switcher,
            "assets": "../assets",
            # the title, banner or footer may be machine strings too, not only the body
            "draft": self.draft and translating and (body.machine > 0 or tr.machine > 0),
            "body": Markup(body.html),
            "updated": format_date(updated, "long", locale=lang.gettext) if updated else "",
            "fallback": translating and body.fallback > 0,
            "for_pdf": for_pdf,
            "page_size": self.config.page_size,
            "page_of": Markup(css_string(tr.gettext("Page"))),
            "draft_word_text": tr.gettext("Draft"),
        }
        with template_errors(self.config.templates_dir, provides=list(context)):
            page = env.get_template("page.html").render(context)
        body.warnings.extend(tr.warnings)
        return page, body

    def check_templates(self) -> None:
        """Compile the layout: a missing template or a syntax error stops the run before
        anything is written."""
        # newstyle before the first compile: it decides how {% trans %} is compiled
        none = Translations()
        self.env.install_gettext_callables(none.template_gettext, none.template_ngettext,
                                           newstyle=True)
        with template_errors(self.config.templates_dir):
            for name in ("page.html", "index.html"):
                self.env.get_template(name)

    def warm(self) -> None:
        """Load once what every page needs (before worker processes are forked)."""
        from babel.dates import format_date

        self.check_templates()
        for lang in self.languages:
            native_name(lang)
            format_date(date(2000, 1, 1), "long", locale=lang.gettext)

    def render(self, task: RenderTask) -> tuple[RenderedFile, ...]:
        """The files of one page in one language; a warning is reported once per page."""
        seen: set[str] = set()  # the HTML and the PDF of a page find the same problems
        out = []
        for fmt in task.formats:
            html, body = self.render_html(task.doc, task.lang, self.languages,
                                          for_pdf=fmt == "pdf")
            if fmt == "html":
                data = html.encode("utf-8")
            else:
                from .pdf import make_fetcher, write_pdf

                target = self.target(task.lang, task.doc.name, fmt)
                mapping = {str((self.config.output_dir / "assets" / n).resolve()): p
                           for n, p in self.assets.items()}
                fetcher = make_fetcher(self.config.root / "source", mapping)
                data = write_pdf(html, target.resolve().as_uri(), fetcher, target)
                body.warnings.extend(f"{target.name}: refused to fetch {url}"
                                     for url in fetcher.refused)
            warnings = tuple(w for w in body.warnings if w not in seen)
            seen.update(warnings)
            out.append(RenderedFile(fmt, data, body.machine, body.fallback, warnings))
        return tuple(out)
