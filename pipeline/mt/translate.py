"""``translate``: fill empty entries from translation memory, then an MT engine, as fuzzy drafts.

Reviewed and fuzzy entries are never touched. The catalog is saved atomically after each
batch, so an interrupted run keeps every finished entry.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import polib

from pipeline.catalog.entry import has_text
from pipeline.catalog.glossary import load_glossary
from pipeline.catalog.match import weak_match
from pipeline.catalog.paths import CatalogInfo, select_domains
from pipeline.catalog.pofile import Catalog, load_catalog
from pipeline.config import Config, Language, parse_language
from pipeline.errors import CatalogError, ConfigError, EngineError, PipelineError
from pipeline.fs import locked
from pipeline.mt.cache import Cache
from pipeline.mt.engines import ENGINES, Engine, get_engine
from pipeline.mt.memory import project_memory
from pipeline.mt.run import Progress, Run, TranslateReport
from pipeline.qa.findings import Finding

BATCH_ENV = "PIPELINE_MT_BATCH"
"""Environment variable fixing the batch size (entries per engine call and per save)."""


def choose_engine(config: Config, lang: Language, name: str | None) -> Engine | None:
    """The engine asked for (``--engine``), configured for the language, or Apertium where
    its pair is installed; None for memory only.

    Nothing leaves the machine unasked: an online engine is used only when named here or in
    ``[tool.pipeline.engines]``; with neither and no offline pair, memory alone drafts."""
    source = parse_language(config.source_language)
    chosen = name or config.engine_for(lang)
    if chosen == "memory":
        return None
    if chosen is None:
        apertium = get_engine("apertium", config)
        return apertium if apertium.supports(source, lang) else None
    engine = get_engine(chosen, config)
    if not engine.supports(source, lang):
        raise EngineError(f"engine '{chosen}' does not translate {source}→{lang}; "
                          + _alternatives(config, source, lang, chosen))
    return engine


def _alternatives(config: Config, source: Language, lang: Language, chosen: str) -> str:
    """Which engines would serve the pair, and how to get Apertium's."""
    from pipeline.mt.engines.apertium import debian_package

    serving = []
    for other in ENGINES:
        if other == chosen:
            continue
        try:
            if get_engine(other, config).supports(source, lang):
                serving.append(other)
        except PipelineError:
            continue  # needs a key or URL: not usable as configured
    hint = f"use --engine {' or --engine '.join(serving)}" if serving else "no engine here does"
    if "apertium" not in serving:
        hint += f"; for Apertium install {debian_package(source, lang)} if Debian has the pair"
    return hint + "; --engine memory uses translation memory only"


def _batch_size(explicit: int | None) -> int | None:
    """A fixed batch size from the caller or ``PIPELINE_MT_BATCH``; None = adaptive."""
    if explicit is not None:
        return max(1, explicit)
    raw = os.environ.get(BATCH_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{BATCH_ENV}={raw!r}: use a whole number of entries, at least 1")
    return int(raw)


def translate(
    config: Config,
    lang: Language,
    *,
    engine_name: str | None = None,
    pages: Sequence[str] | None = None,
    dry_run: bool = False,
    today: date | None = None,
    cache: Cache | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
    batch: int | None = None,
) -> TranslateReport:
    """Fill every empty entry of ``lang``'s catalogs (or of ``pages``).

    ``progress(done, total)`` counts entries over the whole run. ``batch`` fixes how many
    entries go to the engine per call (and per save); by default calls grow to about
    ``BATCH_SECONDS`` each, so a slow engine saves often and Apertium starts few processes.
    """
    source = parse_language(config.source_language)
    if engine is None:
        engine = choose_engine(config, lang, engine_name)
    fixed = _batch_size(batch)
    names = select_domains(config, pages)
    infos = [CatalogInfo(n, lang, config.locale_dir) for n in names]
    missing = [i for i in infos if not i.po_path.exists()]
    if missing or not infos:
        raise CatalogError(
            f"no catalog yet; run 'pipeline update --lang {lang.bcp47}' first",
            path=missing[0].po_path if missing else config.locale_dir,
        )
    report = TranslateReport(lang.gettext, engine.name if engine else "memory", dry_run=dry_run,
                             no_engine=engine is None and not (engine_name
                                                               or config.engine_for(lang)))
    own_cache = cache is None
    try:
        # Every catalog of a language lives in one folder, and the lock is on the folder.
        with locked(infos[0].po_path):
            cats = [(info, load_catalog(info.po_path)) for info in infos]
            if cache is None:
                # Opened only once the catalogs are known good, and never for memory only:
                # a refused run leaves no .cache behind.
                path = None if engine is None else config.cache_dir / "mt.sqlite"
                cache = Cache(path, readonly=dry_run and path is not None)
            terms = load_glossary(config.glossary_path).for_language(lang.gettext)
            if getattr(engine, "glossary_in_prompt", False):
                # The engine gets the approved terms in its request and inflects them; only
                # names (never translated) still travel as placeholders.
                terms = [t for t in terms if t.translation is None]
            run = Run(
                engine=engine, source=source, lang=lang, cache=cache, report=report,
                terms=terms,
                day=(today or date.today()).isoformat(), dry_run=dry_run, fixed=fixed,
                progress=progress, threshold=config.memory_threshold,
            )
            # Reviewed entries of every page, then imported TMX pairs.
            memory = project_memory(config, lang, {info.domain: cat for info, cat in cats})
            todo = {info.domain: _todo(cat, report) for info, cat in cats}
            run.total = sum(len(t) for t in todo.values())
            for info, cat in cats:
                run.fill(cat, info, todo[info.domain], memory)
            report.findings = draft_findings(config, lang, run.drafted, dry_run)
    finally:
        if own_cache and cache is not None:
            cache.close()
    return report


def draft_findings(config: Config, lang: Language,
                   drafted: Sequence[tuple[CatalogInfo, polib.POEntry]],
                   dry_run: bool = False) -> list[Finding]:
    """The QA checks' findings on this run's new drafts, so a draft that lost a negation or a
    number is named now, not at review (``mt`` → ``qa``: see ARCHITECTURE.md)."""
    from pipeline.qa.checks import check_entry
    from pipeline.qa.findings import Context

    ctx = Context(lang, load_glossary(config.glossary_path), signoff=config.require_signoff)
    found: list[Finding] = []
    by_path: dict[Path, list[polib.POEntry]] = {}
    for info, entry in drafted:
        by_path.setdefault(info.po_path, []).append(entry)
    for path, entries in by_path.items():
        where = path.relative_to(config.root).as_posix() \
            if path.is_relative_to(config.root) else str(path)
        # Read back as saved, so each finding names the draft's line in the file.
        keys = {(e.msgctxt, e.msgid) for e in entries}
        saved = [e for e in load_catalog(path).entries() if (e.msgctxt, e.msgid) in keys] \
            if path.exists() and not dry_run else entries
        for entry in saved:
            found += check_entry(entry, ctx, where)
    return found


def _todo(cat: Catalog, report: TranslateReport) -> list[polib.POEntry]:
    """Empty entries, and drafts that are only a weak fuzzy match (see :func:`_weak_draft`)."""
    entries = cat.entries()
    kept = {(e.msgctxt, e.msgid): e for e in cat.obsolete()}
    todo = [e for e in entries if not has_text(e) or _weak_draft(e, kept)]
    report.skipped += len(entries) - len(todo)
    return todo


def _weak_draft(entry: polib.POEntry, obsolete: Mapping[tuple[str | None, str],
                                                       polib.POEntry]) -> bool:
    """``update`` drafted ``entry`` from the translation of a rather different English
    (``Frequency`` from ``French``), nobody has touched the draft since, and the old
    translation is kept as an obsolete entry: MT may replace the draft, losing nothing."""
    if not weak_match(entry):
        return False
    old = obsolete.get((entry.previous_msgctxt or entry.msgctxt, entry.previous_msgid or ""))
    if old is None:
        return False
    if entry.msgid_plural:
        return bool(old.msgid_plural) and dict(old.msgstr_plural) == dict(entry.msgstr_plural)
    return not old.msgid_plural and old.msgstr == entry.msgstr


