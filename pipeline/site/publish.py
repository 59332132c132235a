"""``publish``: reviewed catalogs + parsed pages → the public site under ``output/``, and
machine drafts → private previews under ``output/drafts/`` (or ``preview_dir``).

A run is a short sequence of steps over a :class:`~pipeline.site.plan.Plan` decided before
anything is written (:mod:`pipeline.site.plan`: the gate once per language, the pages of each
tree, what to render and remove from content hashes): parse the pages, check fonts and
layout, remove what the site must no longer show, write the pages (rendered by a pool of
processes, written here in a fixed order), the indexes and sitemap, and last the manifest.
After a failure every file is whole, old or new, and the next run redoes the new ones.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import source
from pipeline.catalog.paths import domains
from pipeline.config import Config, Language
from pipeline.errors import NotReadyError, PublishError
from pipeline.site.continuity import public_before, save_published
from pipeline.site.digests import Digests
from pipeline.site.gate import STUB, Counts, Verdict, judge, page_verdicts, unsigned_problem
from pipeline.site.indexes import index_files, render_index
from pipeline.site.manifest import (
    MANIFEST,
    Hashes,
    Manifest,
    PageFact,
    catalog_facts,
    count_catalogs,
)
from pipeline.site.page_renderer import PageRenderer, RenderTask, make_renderer, native_name
from pipeline.site.plan import (
    PREVIEW,
    PUBLIC,
    REFUSED,
    REMOVED,
    WITHDRAWN,
    Decision,
    Plan,
    Request,
    TreePlan,
    check_request,
    decide,
    held_languages,
    pages_for,
    plan_tree,
    stubs_for,
    tree_languages,
)
from pipeline.site.shard import Shard, UnionReport, claim, compare, restrict
from pipeline.site.translations import Translations
from pipeline.site.trees import check_preview_dir, check_trees, copy_assets, list_pending
from pipeline.site.trees import write_file as _write
from pipeline.site.workers import Workers, job_count, run_job
from pipeline.source import Document, list_pages, read_page

__all__ = [
    "MANIFEST", "PREVIEW", "PUBLIC", "REFUSED", "REMOVED", "WITHDRAWN", "Decision", "Hashes",
    "Manifest", "PageRenderer", "PublishItem", "PublishReport", "RenderTask", "Translations",
    "Shard", "TreePlan", "UnionReport", "Workers", "check_union", "gate", "native_name",
    "publish",
]


@dataclass(frozen=True, slots=True)
class PublishItem:
    """One file written or found up to date."""

    lang: str
    page: str
    format: str
    path: Path
    written: bool
    machine: int = 0
    fallback: int = 0
    warnings: tuple[str, ...] = ()
    preview: bool = False
    elsewhere: bool = False  # not written: another shard's file (``--shard``)


@dataclass(frozen=True, slots=True)
class PublishReport:
    """What a run did: the page files, each language's fate, the files it removed."""

    items: tuple[PublishItem, ...]
    decisions: tuple[Decision, ...]
    removed: tuple[Path, ...]

    @property
    def not_ready(self) -> tuple[Decision, ...]:
        """Languages expected public that are not: the run exits 1 for them."""
        return tuple(d for d in self.decisions if d.fate == REFUSED)

    @property
    def withdrawn(self) -> tuple[Decision, ...]:
        """Languages taken off the public site (or the previews) by this run."""
        return tuple(d for d in self.decisions if d.fate in (WITHDRAWN, REMOVED))


def publish(
    config: Config,
    languages: Sequence[Language],
    *,
    every: bool = False,
    formats: Sequence[str] | None = None,
    draft: bool = False,
    preview_dir: Path | None = None,
    progress: Callable[[PublishItem], None] | None = None,
    jobs: int | None = None,
    shard: Shard | None = None,
) -> PublishReport:
    """Publish ``languages`` (``every``: all configured; ``preview_only`` ones and, with
    ``draft``, all of them as private previews) and bring the public tree in line.

    ``jobs`` processes render (default: one per core; 1: all in this process). The files,
    their bytes and the order of ``progress`` calls are the same whatever ``jobs`` is.
    ``shard``: render only that share of the files (:mod:`pipeline.site.shard`); every site-level
    file and the manifest are written as by an unsharded run.
    """
    request = Request(tuple(dict.fromkeys(languages)), every, draft,
                      tuple(formats or config.formats), preview_dir or config.preview_dir)
    check_request(config, request)
    check_preview_dir(config, request.preview_dir)
    digests = Digests(config, formats=request.formats, hashes=Hashes())
    renderer = PageRenderer(config, formats=request.formats, assets=digests.assets)
    pool = Workers(job_count(jobs), functools.partial(make_renderer, config, request.formats),
                   preload=("weasyprint",) if "pdf" in request.formats else ())
    try:
        plan, manifests = _plan(digests, request, pool)
        share = None
        if shard is not None:
            plan, share = restrict(plan, shard)
        check_trees(plan, manifests, public=config.output_dir)
        docs, titles = _parse_pages(digests, plan, manifests, pool)
        _check_layout(renderer, plan)
        removed: list[Path] = []

        def make_room() -> None:  # once a first page is rendered: a bad layout changes nothing
            list_pending(plan, manifests)
            removed.extend(_remove(plan))
            copy_assets(plan, manifests, digests.assets, digests.hashes)

        items = _write_pages(renderer, plan, manifests, docs, pool, progress, make_room,
                             share)
        if not any(item.written for item in items):
            make_room()
        if shard is not None:
            claim(plan, manifests)
        _write_indexes(renderer, digests, plan, manifests, titles)
        _save_manifests(digests, plan, manifests)
        if not request.draft:
            save_published(config, published_now(plan.decisions))
    finally:
        pool.close()
    return PublishReport(tuple(items), plan.decisions, tuple(removed))


def check_union(config: Config, languages: Sequence[Language], folder: Path, *,
                every: bool = False, formats: Sequence[str] | None = None,
                draft: bool = False, preview_dir: Path | None = None) -> UnionReport:
    """Check, without writing, that ``folder`` (the union of a sharded run's folders, in
    place of ``output/``) holds every file a ``publish`` with these options would, each
    current for this checkout, and nothing else."""
    folder = folder.resolve()
    previews = preview_dir or config.preview_dir
    check_preview_dir(config, previews)
    if previews.resolve().is_relative_to(config.output_dir.resolve()):
        previews = folder / previews.resolve().relative_to(config.output_dir.resolve())
    request = Request(tuple(dict.fromkeys(languages)), every, draft,
                      tuple(formats or config.formats), previews)
    check_request(config, request)
    digests = Digests(config, formats=request.formats, hashes=Hashes())
    pool = Workers(1)
    plan, manifests = _plan(digests, request, pool, public_root=folder)
    _, titles = _parse_pages(digests, plan, manifests, pool)
    indexes = {tree.root: [(f.name, f.digest) for f in index_files(digests, tree, titles)]
               for tree in plan.trees}
    return compare(plan, manifests, folder=folder, indexes=indexes, assets=digests.assets)


def gate(config: Config, lang: Language, *, draft: bool = False) -> Verdict:
    """The review gate of ``lang`` alone (what ``serve`` shows): its verdict, or with
    ``draft`` false a :class:`NotReadyError` naming the counts and the ways forward."""
    if lang.gettext == config.source_language:
        return Verdict(Counts())
    manifest = Manifest.load(config.output_dir / MANIFEST)
    counts = count_catalogs(config, [lang], hashes=Hashes(), known=manifest.catalogs)[lang]
    public = public_before(config, manifest).get(lang.gettext, ())
    verdict = judge(config, lang, page_verdicts(config, lang, counts, public))
    if not draft and not verdict.passes:
        raise NotReadyError(verdict.problem)
    return verdict


def published_now(decisions: Sequence[Decision]) -> dict[str, list[str]]:
    """What ``locale/published.toml`` says after a run: each public language's pages on
    the public site, in full or as a short page (a removed language or page drops out)."""
    return {d.lang.gettext: sorted(v.page for v in d.pages if v.fate in (PUBLIC, STUB))
            for d in decisions if d.fate == PUBLIC}


# --- the plan -------------------------------------------------------------------------------


def _plan(digests: Digests, request: Request, pool: Workers, *,
          public_root: Path | None = None) -> tuple[Plan, dict[Path, Manifest]]:
    """Decide every language's fate once, then the files of each tree this run touches."""
    config = digests.config
    public_root, preview_root = public_root or config.output_dir, request.preview_dir
    manifests = {root: Manifest.load(root / MANIFEST) for root in (public_root, preview_root)}
    touch_public, touch_previews = not request.draft, request.draft or request.every
    published = public_before(config, manifests[public_root]) if touch_public else {}
    held = held_languages(public_root, manifests[public_root], skip=[preview_root]) \
        if touch_public else []
    public_langs = list(dict.fromkeys([*held, *published]))
    previews_before = held_languages(preview_root, manifests[preview_root]) \
        if touch_previews else []
    configured = {x.gettext: x for x in config.languages}
    asked = list(request.languages) if request.languages else (
        [x for x in config.languages if x not in config.preview_only] if request.every else [])
    to_count = list(dict.fromkeys(
        x for x in [*asked, *(configured.get(c) for c in public_langs)]
        if x is not None and x.gettext != config.source_language)) if touch_public else []
    known = {**manifests[preview_root].catalogs, **manifests[public_root].catalogs}
    counts = count_catalogs(config, to_count, hashes=digests.hashes, known=known,
                            workers=pool) if to_count else {}
    if touch_public:
        problem = unsigned_problem(config, {lang: sum(c.unsigned for c in by_page.values())
                                            for lang, by_page in counts.items()})
        if problem:  # turning sign-off on never empties the site
            raise NotReadyError(problem)
    pages = list_pages(config.pages_dir)
    decisions = decide(config, request, counts, public_before=public_langs,
                       previews_before=previews_before, published=published)
    # no preview tree is made for a run that previews nothing and had none before
    touch_previews = touch_previews and (bool(previews_before) or any(
        d.fate == PREVIEW for d in decisions))
    trees = []
    for root, preview, touched in ((public_root, False, touch_public),
                                   (preview_root, True, touch_previews)):
        if not touched:
            continue
        langs = tree_languages(config, decisions, preview=preview)
        trees.append(plan_tree(config, digests, request, manifests[root], root=root,
                               preview=preview, languages=langs,
                               pages_of=pages_for(decisions, langs, pages),
                               stubs=None if preview else stubs_for(decisions)))
    return Plan(decisions, tuple(trees)), manifests


# --- the steps ------------------------------------------------------------------------------


def _parse_pages(digests: Digests, plan: Plan, manifests: Mapping[Path, Manifest],
                 pool: Workers) -> tuple[dict[Path, Document], dict[str, str]]:
    """Parse the pages to render and those whose English title no manifest knows: all
    before anything is written, so a broken page stops the run with nothing changed."""
    pages = list_pages(digests.config.pages_dir)
    code = digests.hashes.code(source)
    keys = {page: f"{code}:{digests.hashes(page)}" for page in pages}
    rendering = {out.page for tree in plan.trees for out in tree.pages if out.todo}
    facts = {page.stem: fact for tree in plan.trees
             for page in pages if (fact := manifests[tree.root].pages.get(page.stem))
             and fact.key == keys[page]}
    to_parse = [page for page in pages if page in rendering or page.stem not in facts]
    docs = dict(zip(to_parse, pool.map(read_page, to_parse, least=8, chunk=4), strict=True))
    for page, doc in docs.items():
        facts[page.stem] = PageFact(keys[page], doc.title)
    for tree in plan.trees:
        manifests[tree.root].pages = {page.stem: facts[page.stem] for page in pages}
    return docs, {name: fact.title for name, fact in facts.items()}


def _check_layout(renderer: PageRenderer, plan: Plan) -> None:
    """Fonts for every PDF to render and a layout that compiles, before any write."""
    todo = [out for tree in plan.trees for out in tree.pages if out.todo]
    if any("pdf" in out.todo for out in todo):
        from pipeline.site.pdf import check_fonts

        for lang in dict.fromkeys(out.lang for out in todo if "pdf" in out.todo):
            check_fonts(lang)
    renderer.check_templates()


def _remove(plan: Plan) -> list[Path]:
    """Take off each tree what it must no longer hold (withdrawn or removed languages,
    deleted pages), before anything new is written: an interrupted run may leave a
    missing page, never a stale one."""
    removed = []
    for tree in plan.trees:
        for name in tree.remove:
            path = tree.root / name
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise PublishError(f"cannot remove: {exc.strerror}; remove it by hand",
                                   path=path) from None
            removed.append(path)
            with contextlib.suppress(OSError):  # only when empty
                path.parent.rmdir()
    return removed


def _write_pages(renderer: PageRenderer, plan: Plan, manifests: Mapping[Path, Manifest],
                 docs: Mapping[Path, Document], pool: Workers,
                 progress: Callable[[PublishItem], None] | None,
                 before_first_write: Callable[[], None],
                 share: frozenset[tuple[bool, str]] | None = None) -> list[PublishItem]:
    outputs = [(tree, out) for tree in plan.trees for out in tree.pages]
    tasks = [RenderTask(out.lang, docs[out.page], out.todo, out.languages, tree.preview,
                        tree.root, out.stub) for tree, out in outputs if out.todo]
    items: list[PublishItem] = []
    first = True
    results = pool.map(run_job, tasks, local=renderer.render)
    with contextlib.closing(results):
        for tree, out in outputs:
            files = {f.format: f for f in next(results)} if out.todo else {}
            for fmt, inputs in out.digests:
                target = renderer.target(tree.root, out.lang, out.page.stem, fmt)
                done = files.get(fmt)
                if done is None:
                    name = f"{out.lang.gettext}/{out.page.stem}.{fmt}"
                    item = PublishItem(out.lang.gettext, out.page.stem, fmt, target, False,
                                       preview=tree.preview, elsewhere=share is not None
                                       and (tree.preview, name) not in share)
                else:
                    if first:
                        before_first_write()
                        first = False
                    _write(target, done.data)
                    manifests[tree.root].outputs[f"{out.lang.gettext}/{out.page.stem}.{fmt}"] = (
                        inputs)
                    item = PublishItem(out.lang.gettext, out.page.stem, fmt, target, True,
                                       done.machine, done.fallback, done.warnings,
                                       tree.preview)
                items.append(item)
                if progress:
                    progress(item)
    return items


def _write_indexes(renderer: PageRenderer, digests: Digests, plan: Plan,
                   manifests: Mapping[Path, Manifest], titles: Mapping[str, str]) -> None:
    for tree in plan.trees:
        outputs = manifests[tree.root].outputs
        for file in index_files(digests, tree, titles):
            if outputs.get(file.name) != file.digest or not (tree.root / file.name).exists():
                _write(tree.root / file.name, render_index(renderer, tree, titles, file))
                outputs[file.name] = file.digest


def _save_manifests(digests: Digests, plan: Plan,
                    manifests: Mapping[Path, Manifest]) -> None:
    config = digests.config
    names = set(domains(config))
    counted = [d.lang for d in plan.decisions if d.fate in (PUBLIC, REFUSED, WITHDRAWN)]
    facts = catalog_facts(config, counted, hashes=digests.hashes)
    for tree in plan.trees:
        manifest = manifests[tree.root]
        # a file listed as pending (no digest) that was never written is not ours
        manifest.outputs = {k: v for k, v in sorted(manifest.outputs.items())
                            if k in tree.keep and (v or (tree.root / k).exists())}
        manifest.languages = [x.gettext for x in tree.languages]
        manifest.catalogs = {k: v for k, v in manifest.catalogs.items()
                             if k.split("/", 1)[-1] in names}
        if not tree.preview:
            manifest.catalogs.update(facts)
        _write(tree.root / MANIFEST, manifest.encode())

