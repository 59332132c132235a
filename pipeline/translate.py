"""``translate``: fill empty entries from translation memory, then an MT engine, as fuzzy drafts.

Reviewed and fuzzy entries are never touched. The catalog is saved atomically after each
batch, so an interrupted run keeps every finished entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import polib

from .cache import Cache
from .catalogs import Catalog, CatalogInfo, domains, has_text, load_catalog, locked, save_catalog
from .config import Config, Language, parse_language
from .engines import Engine, Failure, get_engine
from .errors import CatalogError, EngineError
from .memory import Memory
from .protect import Protected, RestoreError, load_glossary, protect, restore

BATCH = 64


@dataclass(frozen=True, slots=True)
class Failed:
    domain: str
    msgid: str
    reason: str


@dataclass(slots=True)
class TranslateReport:
    """What one ``translate`` run did."""

    lang: str
    engine: str
    from_memory: int = 0
    from_engine: int = 0
    from_cache: int = 0
    skipped: int = 0
    failed: list[Failed] = field(default_factory=list)
    dry_run: bool = False


Progress = Callable[[int, int], None]


def choose_engine(config: Config, lang: Language, name: str | None) -> Engine | None:
    """The engine asked for, configured, or the default; None for memory only."""
    source = parse_language(config.source_language)
    chosen = name or config.engine_for(lang)
    if chosen == "memory":
        return None
    if chosen is None:
        apertium = get_engine("apertium", config)
        chosen = "apertium" if apertium.supports(source, lang) else "google"
        if chosen == "apertium":
            return apertium
    engine = get_engine(chosen, config)
    if not engine.supports(source, lang):
        from .engines.apertium import Apertium

        offline = Apertium()
        hint = (
            "use --engine apertium" if offline.supports(source, lang)
            else f"use --engine google (online) or --engine memory; for Apertium install the "
            f"Debian pair for {source.gettext}→{lang.gettext} if one exists"
        )
        raise EngineError(f"engine '{chosen}' does not serve {source}→{lang}; {hint}")
    return engine


def _provenance(entry: polib.POEntry, note: str) -> None:
    lines = [line for line in (entry.tcomment or "").split("\n") if line]
    lines.append(note)
    entry.tcomment = "\n".join(lines)


def _draft(entry: polib.POEntry, text: str, note: str) -> None:
    entry.msgstr = text
    if "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    _provenance(entry, note)


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
) -> TranslateReport:
    """Fill every empty entry of ``lang``'s catalogs (or of ``pages``)."""
    source = parse_language(config.source_language)
    if engine is None:
        engine = choose_engine(config, lang, engine_name)
    names = domains(config)
    if pages:
        unknown = sorted(set(pages) - set(names))
        if unknown:
            raise CatalogError(f"no catalog for page '{unknown[0]}'; known: {', '.join(names)}")
        names = [n for n in names if n in pages]
    infos = [CatalogInfo(n, lang, config.locale_dir) for n in names]
    missing = [i for i in infos if not i.po_path.exists()]
    if missing:
        raise CatalogError(
            f"no catalog yet; run 'pipeline update --lang {lang.bcp47}' first",
            path=missing[0].po_path,
        )
    memory = Memory.from_catalogs(CatalogInfo(n, lang, config.locale_dir) for n in domains(config))
    terms = load_glossary(config.glossary_path).for_language(lang.gettext)
    if cache is None:
        cache = Cache(None if dry_run else config.cache_dir / "mt.sqlite")
    day = (today or date.today()).isoformat()
    report = TranslateReport(lang.gettext, engine.name if engine else "memory", dry_run=dry_run)
    for info in infos:
        with locked(info.po_path):
            cat = load_catalog(info.po_path)
            _fill(cat, info, engine, source, lang, memory, terms, cache, report, day, dry_run,
                  progress)
    return report


def _fill(
    cat: Catalog,
    info: CatalogInfo,
    engine: Engine | None,
    source: Language,
    lang: Language,
    memory: Memory,
    terms: Sequence[object],
    cache: Cache,
    report: TranslateReport,
    day: str,
    dry_run: bool,
    progress: Progress | None,
) -> None:
    entries = cat.entries()
    todo = [e for e in entries if not has_text(e) and not e.msgid_plural]
    report.skipped += len(entries) - len(todo)
    remaining = []
    for e in todo:
        hit = memory.lookup(e.msgid)
        if hit is not None:
            _draft(e, hit[0], f"translation memory: {hit[1]}")
            report.from_memory += 1
        else:
            remaining.append(e)
    if not dry_run and report.from_memory:
        save_catalog(cat)
    if engine is None:
        report.failed.extend(Failed(info.domain, e.msgid, "no match in memory") for e in remaining)
        return
    note = f"machine translation: {engine.name} {source.bcp47}→{lang.bcp47}, {day}"
    done = 0
    for start in range(0, len(remaining), BATCH):
        batch = remaining[start : start + BATCH]
        prots: list[Protected] = [protect(e.msgid, terms) for e in batch]  # type: ignore[arg-type]
        texts = [p.text for p in prots]
        cached = cache.get_many(engine.name, engine.version, source.gettext, lang.gettext, texts)
        misses = [t for t in dict.fromkeys(texts) if t not in cached]
        results: dict[str, str | Failure] = dict(cached)
        if misses:
            fresh = engine.translate_batch(misses, source, lang)
            results.update(zip(misses, fresh, strict=True))
            good = {t: r for t, r in zip(misses, fresh, strict=True) if isinstance(r, str)}
            if good and not dry_run:
                cache.put_many(engine.name, engine.version, source.gettext, lang.gettext, good)
        report.from_cache += sum(1 for t in texts if t in cached)
        for e, prot in zip(batch, prots, strict=True):
            raw = results.get(prot.text) or Failure("engine returned nothing")
            try:
                if isinstance(raw, Failure):
                    raise RestoreError(raw.reason)
                text = restore(raw, prot)
            except RestoreError as exc:
                report.failed.append(Failed(info.domain, e.msgid, str(exc)))
                continue
            _draft(e, text, note)
            report.from_engine += 1
        if not dry_run:
            save_catalog(cat)
        done += len(batch)
        if progress:
            progress(done, len(remaining))
