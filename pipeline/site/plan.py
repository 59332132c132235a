"""What one ``publish`` run will do, decided before anything is written: the gate once per
page and language (:mod:`pipeline.site.gate`), then per tree (the public site, the private
previews) which languages and pages it holds, which files to render (from content hashes)
and which to remove.

The public tree holds the pages that pass their first publication and every page that did
before (``locale/published.toml``): in full, or as a short page pointing to the English when
too out of date. Previews live in their own tree and are linked from no public page. A run
that publishes (not ``--draft``) brings the whole public tree in line; a language leaves it
only when it is no longer configured.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.catalog.extract import SITE_DOMAIN
from pipeline.config import Config, Language, parse_language
from pipeline.errors import ConfigError, PipelineError
from pipeline.site.digests import Digests
from pipeline.site.gate import NOT_READY, STUB, Counts, PageVerdict, judge, page_verdicts
from pipeline.site.manifest import Manifest

PUBLIC, PREVIEW, REFUSED, WITHDRAWN, REMOVED = (
    "public", "preview", "refused", "withdrawn", "removed")


@dataclass(frozen=True, slots=True)
class Request:
    """What the command asked for: languages (``every``: all configured), drafts or not,
    formats, and where previews go."""

    languages: tuple[Language, ...]
    every: bool
    draft: bool
    formats: tuple[str, ...]
    preview_dir: Path


@dataclass(frozen=True, slots=True)
class Decision:
    """One language's fate in this run.

    ``fate``: ``public`` (in the public tree), ``preview`` (in the preview tree),
    ``refused`` (asked to be public, no page ready: exit 1), ``withdrawn`` (held by the
    public tree, but none of its pages ever passed its gate), ``removed`` (no longer
    configured, or now ``preview_only``). ``problem`` says why, in one line; ``pages``: the
    gate's verdict on each page (a public language only).
    """

    lang: Language
    fate: str
    problem: str = ""
    asked: bool = False
    was_public: bool = False
    pages: tuple[PageVerdict, ...] = ()

    @property
    def left_out(self) -> tuple[str, ...]:
        """Pages not ready for their first publication."""
        return tuple(v.page for v in self.pages if v.fate == NOT_READY)

    @property
    def stubs(self) -> tuple[PageVerdict, ...]:
        """Pages replaced by a short page pointing to the English."""
        return tuple(v for v in self.pages if v.fate == STUB)


@dataclass(frozen=True, slots=True)
class PageOutput:
    """One page in one language in one tree: the languages it exists in there, the inputs
    digest per format, and the formats to render (out of date or missing); ``stub``: the
    short page pointing to the English stands at the page's address."""

    lang: Language
    page: Path
    languages: tuple[Language, ...]
    digests: tuple[tuple[str, str], ...]
    todo: tuple[str, ...]
    stub: bool = False


@dataclass(frozen=True, slots=True)
class TreePlan:
    """One tree after the run: its languages, its page outputs, the files it keeps and
    the files to remove (paths relative to ``root``, sorted)."""

    root: Path
    preview: bool
    languages: tuple[Language, ...]
    pages: tuple[PageOutput, ...]
    keep: frozenset[str]
    remove: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    decisions: tuple[Decision, ...]
    trees: tuple[TreePlan, ...]


def check_request(config: Config, request: Request) -> None:
    """Only configured languages; a ``preview_only`` one is previewed, never published."""
    configured = {x.gettext for x in config.languages} | {config.source_language}
    for lang in request.languages:
        if lang.gettext not in configured:
            known = ", ".join(x.bcp47 for x in config.languages) or "none"
            raise ConfigError(
                f"{lang.bcp47} is not in [tool.pipeline] languages ({known}); add it there "
                f"and run 'pipeline init --lang {lang.bcp47}', or publish a configured language")
        if not request.draft and lang in config.preview_only:
            raise ConfigError(
                f"{lang.bcp47} is preview_only in [tool.pipeline]: publish it with --draft "
                "(a private preview), or remove it from preview_only to make it public")


def held_languages(root: Path, manifest: Manifest, *, skip: Sequence[Path] = ()) -> list[str]:
    """Languages a tree holds: those its manifest lists and, for a tree written by an
    older version, folders named like a language that hold pages."""
    found = dict.fromkeys(manifest.languages)
    if root.is_dir():
        skipped = {p.resolve() for p in skip}
        for folder in sorted(root.iterdir()):
            if (folder.is_dir() and folder.name != "assets" and folder.resolve() not in skipped
                    and any(folder.glob("*.html"))):
                try:
                    found.setdefault(parse_language(folder.name).gettext)
                except PipelineError:
                    continue  # a stray folder is not a language
    return list(found)


def decide(config: Config, request: Request, counts: Mapping[Language, Mapping[str, Counts]],
           *, public_before: Sequence[str], previews_before: Sequence[str],
           published: Mapping[str, Iterable[str]]) -> tuple[Decision, ...]:
    """The gate, once per page of each language that the run publishes, previews, keeps or
    removes (``published``: the pages of each language that passed their first
    publication)."""
    source = parse_language(config.source_language)
    configured = {x.gettext: x for x in config.languages}
    decisions: dict[str, Decision] = {}
    if not request.draft:
        asked = list(request.languages) or ([x for x in config.languages
                                             if x not in config.preview_only]
                                            if request.every else [])
        for lang in [*asked, *(_lang(code) for code in public_before)]:
            if lang.gettext in decisions or lang == source:
                continue
            was = lang.gettext in public_before
            if lang.gettext not in configured or lang in config.preview_only:
                why = ("no longer in [tool.pipeline] languages" if lang.gettext not in configured
                       else "now preview_only in [tool.pipeline]")
                decisions[lang.gettext] = Decision(lang, REMOVED, f"{lang.bcp47}: {why}",
                                                   was_public=was)
                continue
            verdicts = page_verdicts(config, lang, counts[lang],
                                     published.get(lang.gettext, ()))
            verdict = judge(config, lang, verdicts)
            if verdict.passes:
                decisions[lang.gettext] = Decision(lang, PUBLIC, asked=lang in asked,
                                                   was_public=was,
                                                   pages=tuple(verdicts.values()))
            else:
                fate = REFUSED if lang in asked else WITHDRAWN
                decisions[lang.gettext] = Decision(lang, fate, verdict.problem,
                                                   asked=lang in asked, was_public=was)
    previews = list(request.languages) if request.draft else []
    if request.every:
        previews += [x for x in config.languages if request.draft or x in config.preview_only]
    for lang in [*previews, *(_lang(code) for code in previews_before)]:
        key = f"preview:{lang.gettext}"
        if key in decisions or lang == source:
            continue
        if lang.gettext in configured:
            decisions[key] = Decision(lang, PREVIEW, asked=lang in previews)
        else:
            decisions[key] = Decision(lang, REMOVED, f"{lang.bcp47} preview: no longer in "
                                      "[tool.pipeline] languages")
    return tuple(decisions.values())


def _lang(code: str) -> Language:
    return parse_language(code)


def plan_tree(config: Config, digests: Digests, request: Request, manifest: Manifest, *,
              root: Path, preview: bool, languages: Sequence[Language],
              pages_of: Mapping[Language, Sequence[Path]],
              stubs: Mapping[Language, Collection[str]] | None = None) -> TreePlan:
    """The files of one tree: each page in each of ``languages`` (``pages_of``; ``stubs``:
    those standing as a short page), which of them to render, and which files listed by
    ``manifest`` to remove (publish removes no file it did not write). A stub is in no
    other page's alternates."""
    stubs = stubs or {}
    outputs = []
    kept_formats = tuple(dict.fromkeys([*config.formats, *request.formats]))
    keep = {"index.html"} | ({"sitemap.xml"} if config.base_url and not preview else set())
    keep.update(f"assets/{name}" for name in digests.assets)
    out = os.fspath(root)
    # each page's languages, found once per page: sets, one pass per language
    full = {x: {p.stem for p in pages_of[x]} - set(stubs.get(x, ())) for x in languages}
    offered: dict[str, tuple[Language, ...]] = {}
    for lang in languages:
        keep.add(f"{lang.gettext}/index.html")
        shown = stubs.get(lang, ())
        for page in pages_of[lang]:
            stub = page.stem in shown
            where = offered.get(page.stem)
            if where is None:
                where = offered[page.stem] = tuple(x for x in languages
                                                   if page.stem in full[x])
            inputs = digests.page(page, lang, preview=preview, languages=where, stub=stub)
            name = f"{lang.gettext}/{page.stem}"
            keep.update(f"{name}.{fmt}" for fmt in kept_formats)
            todo = tuple(fmt for fmt in request.formats
                         if manifest.outputs.get(f"{name}.{fmt}") != inputs[fmt]
                         or not os.path.exists(f"{out}/{name}.{fmt}"))
            outputs.append(PageOutput(lang, page, where,
                                      tuple((f, inputs[f]) for f in request.formats), todo,
                                      stub))
    remove = tuple(sorted(name for name in set(manifest.outputs) - keep
                          if os.path.exists(f"{out}/{name}")))
    return TreePlan(root, preview, tuple(languages), tuple(outputs), frozenset(keep), remove)


def tree_languages(config: Config, decisions: Sequence[Decision], *,
                   preview: bool) -> list[Language]:
    """The languages a tree holds after the run, the source first (public tree only),
    then in the order of ``languages`` in the configuration."""
    fate = PREVIEW if preview else PUBLIC
    chosen = {d.lang.gettext for d in decisions if d.fate == fate}
    langs = [x for x in config.languages if x.gettext in chosen]
    return langs if preview else [parse_language(config.source_language), *langs]


def stubs_for(decisions: Sequence[Decision]) -> dict[Language, set[str]]:
    """Each public language's pages that stand as a short page pointing to the English."""
    return {d.lang: {v.page for v in d.stubs} for d in decisions if d.fate == PUBLIC}


def pages_for(decisions: Sequence[Decision], languages: Sequence[Language],
              pages: Sequence[Path]) -> dict[Language, list[Path]]:
    """Each language's pages in the tree: all, less those not ready for their first
    publication."""
    left = {d.lang.gettext: set(d.left_out) for d in decisions if d.fate == PUBLIC}
    return {lang: [p for p in pages if p.stem not in left.get(lang.gettext, set())]
            for lang in languages}


__all__ = [
    "PREVIEW", "PUBLIC", "REFUSED", "REMOVED", "WITHDRAWN", "Decision", "PageOutput", "Plan",
    "Request", "SITE_DOMAIN", "TreePlan", "check_request", "decide", "held_languages",
    "pages_for", "plan_tree", "stubs_for", "tree_languages",
]
