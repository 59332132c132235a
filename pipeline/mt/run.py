"""One engine run over a language's catalogs: batches sized to the engine's speed, placeholders
restored and checked, drafts written with their provenance, progress saved as it goes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline.catalog.entry import MACHINE, MEMORY, copy_state, has_text
from pipeline.catalog.glossary import GlossaryTerm
from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.pofile import Catalog, parse_catalog, save_catalog
from pipeline.config import Language
from pipeline.errors import EngineError
from pipeline.mt.cache import Cache
from pipeline.mt.drafts import bounded, draft, keep_edges, nplurals_in
from pipeline.mt.engines.base import Engine, Failure, Result
from pipeline.mt.memory import Memory, draft_note
from pipeline.mt.protect import (
    Protected,
    RestoreError,
    bent_stand_ins,
    protect,
    restore,
)
from pipeline.qa.findings import Finding
from pipeline.visible import refusal

BATCH = 64
"""Entries in the first engine call; later calls are sized to take about ``BATCH_SECONDS``."""
BATCH_SECONDS = 4.0


MAX_BATCH = 5000


@dataclass(frozen=True, slots=True)
class Failed:
    """An entry left empty, and why."""

    domain: str
    msgid: str
    reason: str


@dataclass(slots=True)
class TranslateReport:
    """What one ``translate`` run did."""

    lang: str
    engine: str
    from_memory: int = 0
    from_fuzzy: int = 0  # of from_memory: drafted from a fuzzy (not exact) match
    flagged: list[Failed] = field(default_factory=list)  # memory drafts whose English differs
    from_engine: int = 0
    from_cache: int = 0
    skipped: int = 0
    unmatched: int = 0
    unmatched_by: dict[str, int] = field(default_factory=dict)  # page → entries left empty
    failed: list[Failed] = field(default_factory=list)
    dry_run: bool = False
    no_engine: bool = False  # no engine configured for the language: nothing was sent out
    findings: list[Finding] = field(default_factory=list)  # QA checks on this run's drafts


Progress = Callable[[int, int], None]


@dataclass(slots=True)
class Job:
    entry: polib.POEntry
    sources: tuple[str, ...]  # msgid, and msgid_plural for plural entries
    prots: list[Protected] = field(default_factory=list)
    bent: set[str] = field(default_factory=set)  # stand-ins the engine bent in this entry
    plain: list[Protected] = field(default_factory=list)  # the fallback sent alongside


@dataclass(slots=True)
class Run:
    """One run's engine, cache and counters, shared by every catalog."""

    engine: Engine | None
    source: Language
    lang: Language
    cache: Cache
    report: TranslateReport
    terms: Sequence[GlossaryTerm]
    day: str
    dry_run: bool
    fixed: int | None
    progress: Progress | None
    threshold: float = 75.0  # percent a fuzzy memory match needs
    total: int = 0
    done: int = 0
    renderings: dict[str, str] | None = None  # stand-in → engine's rendering, once learnt
    timings: list[tuple[int, float]] = field(default_factory=list)  # (entries, seconds)
    edited_outside: set[Path] = field(default_factory=set)  # catalogs a person changed
    # Drafts the checks look at when the run ends: fuzzy memory drafts and the answers of
    # engines that do not opt out (Apertium does: rule-based, checked by `pipeline check`).
    drafted: list[tuple[CatalogInfo, polib.POEntry]] = field(default_factory=list)
    saved: bool = False  # the catalog being filled was saved since its memory drafts

    def call(self, texts: Iterable[str]) -> tuple[dict[str, Result], set[str]]:
        """Results for ``texts`` from the cache, else the engine (one call); and the cached."""
        assert self.engine is not None
        eng, src, tgt = self.engine, self.source.gettext, self.lang.gettext
        wanted = list(dict.fromkeys(texts))
        cached = self.cache.get_many(eng.name, eng.version, src, tgt, wanted)
        results: dict[str, Result] = dict(cached)
        misses = [t for t in wanted if t not in cached]
        if misses:
            fresh = eng.translate_batch(misses, self.source, self.lang)
            if len(fresh) != len(misses):
                raise EngineError(f"{eng.name} returned {len(fresh)} results for "
                                  f"{len(misses)} texts")
            fresh = [bounded(t, r) for t, r in zip(misses, fresh, strict=True)]
            results.update(zip(misses, fresh, strict=True))
            if not self.dry_run:
                good = {t: r for t, r in zip(misses, fresh, strict=True)
                        if isinstance(r, str) and r.strip()}
                self.cache.put_many(eng.name, eng.version, src, tgt, good)
        return results, set(cached)

    def candidates(self) -> dict[str, GlossaryTerm]:
        """Every glossary stand-in the engine might render usably, by its lower-case word."""
        return {t.candidate.casefold(): t for t in self.terms if t.candidate}

    def learn(self, results: Mapping[str, Result]) -> dict[str, str]:
        """How the engine renders each glossary stand-in, from its answers to the bare
        words (sent with the first batch, then cached).

        Every candidate of the glossary is learnt, not only those a run needs, so whether
        a stand-in is usable never depends on which entries happen to be empty.
        """
        words = self.candidates()
        renders: dict[str, str] = {}
        for word, term in words.items():
            out = results.get(word)
            if not isinstance(out, str) or not out.strip() or protect(out).values:
                continue
            out = " ".join(out.split()).strip(" .")
            if term.stand_in is None and out.casefold() != (term.translation or "").casefold():
                continue  # the engine says it differently: the term travels as a placeholder
            renders[word] = out
        # Two stand-ins rendered alike could not be told apart afterwards.
        seen: dict[str, int] = {}
        for out in renders.values():
            seen[out.casefold()] = seen.get(out.casefold(), 0) + 1
        return {w: o for w, o in renders.items() if seen[o.casefold()] == 1}

    def fill(self, cat: Catalog, info: CatalogInfo, todo: list[polib.POEntry],
             memory: Memory) -> None:
        report = self.report
        nplurals = nplurals_in(cat)
        set_page = getattr(self.engine, "set_page", None)
        if callable(set_page):  # an engine that reads context (openai) learns the page title
            set_page(next((e.msgid for e in cat.entries() if "title" in (e.comment or "")), ""))
        jobs: list[Job] = []
        from_memory = 0
        for e in todo:
            if self._from_memory(e, memory, info, nplurals):
                from_memory += 1
            else:
                jobs.append(Job(e, (e.msgid, e.msgid_plural) if e.msgid_plural else (e.msgid,)))
        report.from_memory += from_memory
        if self.engine is None or not jobs:
            # Memory only: no match is expected, not a failure; the entries stay empty.
            if self.engine is None and jobs:
                report.unmatched += len(jobs)
                report.unmatched_by[info.domain] = len(jobs)
            if from_memory:
                self._save(cat)
            self._advance(from_memory + (len(jobs) if self.engine is None else 0))
            return
        unsaved = from_memory  # memory's drafts go to disk with the first batch's
        try:
            self._fill_from_engine(cat, info, jobs, nplurals, unsaved)
        except Exception:
            if unsaved and not self.saved:
                self._save(cat)  # the engine failed: memory's drafts are kept all the same
            raise

    def _from_memory(self, e: polib.POEntry, memory: Memory, info: CatalogInfo,
                     nplurals: int) -> bool:
        """Draft ``e`` from an exact memory match, else from the best fuzzy one above the
        threshold (its percentage, the English it came from and any meaning difference in
        the provenance line); False when memory has nothing."""
        if e.msgid_plural:
            return False
        hit = memory.lookup(e.msgid)
        if hit is not None and not refusal(hit[0]):  # a control character is not reused
            draft(e, [keep_edges(e.msgid, hit[0])], f"{MEMORY} {hit[1]}", nplurals)
            return True
        near = memory.best(e.msgid, 1, self.threshold)
        if not near or near[0].percent >= 100 or refusal(near[0].translation):
            return False
        m = near[0]
        if m.differences:
            self.report.flagged.append(Failed(info.domain, e.msgid, "; ".join(m.differences)))
        draft(e, [keep_edges(e.msgid, m.translation)], draft_note(m), nplurals)
        self.report.from_fuzzy += 1
        self.drafted.append((info, e))
        return True

    def _fill_from_engine(self, cat: Catalog, info: CatalogInfo, jobs: list[Job],
                          nplurals: int, unsaved: int) -> None:
        assert self.engine is not None
        note = (f"{MACHINE} {getattr(self.engine, 'label', self.engine.name)} "
                f"{self.source.bcp47}→{self.lang.bcp47}, {self.day}")
        retry: list[Job] = []
        start = 0
        self.saved = False
        if self.renderings is None:
            self._recall()
        while start < len(jobs):
            size = self._next_size()
            if len(jobs) - start <= size * 3 // 2:
                size = len(jobs) - start  # no small call for a short tail
            batch = jobs[start : start + size]
            start += len(batch)
            # Before the stand-ins are learnt, every candidate travels as a stand-in and the
            # bare words go in the same call: an entry whose stand-in turns out unusable is
            # retried below with plain placeholders, as one the engine bent.
            usable = list(self.candidates() if self.renderings is None else self.renderings)
            for job in batch:
                job.prots = [protect(s, self.terms, usable) for s in job.sources]
            began = time.perf_counter()
            bent = self._translate(batch, info, note, nplurals)
            self._learn_speed(len(batch), time.perf_counter() - began)
            finished = len(batch) - len(bent)
            retry += bent
            if retry and (len(retry) >= size or start >= len(jobs)):
                # The engine bent a stand-in (inflected, dropped or merged it): those entries
                # go again, together to spare a process start, with the bent stand-ins as
                # placeholders and the others still words; what bends again goes with plain
                # placeholders only.
                for job in retry:
                    keep = [w for w in (self.renderings or {}) if w not in job.bent]
                    job.prots = [protect(s, self.terms, keep) for s in job.sources]
                again = self._translate(retry, info, note, nplurals)
                for job in again:
                    job.prots = [protect(s, self.terms) for s in job.sources]
                if again:
                    self._translate(again, info, note, nplurals)
                finished, retry = finished + len(retry), []
            self._save(cat)
            self.saved = True
            self._advance(finished + unsaved)
            unsaved = 0

    def _recall(self) -> None:
        """The stand-ins' renderings from the cache, when it holds every word: then the
        first batch needs neither the words nor a retry for an unusable stand-in."""
        assert self.engine is not None
        words = list(self.candidates())
        eng = self.engine
        known = self.cache.get_many(eng.name, eng.version, self.source.gettext,
                                    self.lang.gettext, words) if words else {}
        if len(known) == len(words):
            self.renderings = self.learn(known)

    def _translate(self, batch: list[Job], info: CatalogInfo, note: str,
                   nplurals: int) -> list[Job]:
        """Translate and fill ``batch``; the jobs whose stand-ins did not survive. The
        run's first call also carries the glossary's candidate words (see :meth:`learn`)."""
        words = list(self.candidates()) if self.renderings is None else []
        if getattr(self.engine, "cheap_fallback", False):
            # An offline engine's start-up costs more than a little more text: each entry with
            # a stand-in also goes with plain placeholders in the same call, so one it bends
            # needs no second call.
            for job in batch:
                if any(p.subs for p in job.prots):
                    job.plain = [protect(s, self.terms) for s in job.sources]
            self._prefer_cached(batch)
        results, cached = self.call([*words, *(p.text for j in batch for p in j.prots),
                                     *(p.text for j in batch for p in j.plain)])
        if self.renderings is None:
            self.renderings = self.learn(results) if words else {}
        bent: list[Job] = []
        for job in batch:
            outcome = self._restore(job, results)
            if not isinstance(outcome, list) and job.plain:
                job.prots, job.plain = job.plain, []
                outcome = self._restore(job, results)
            if isinstance(outcome, list):
                self._done(job, outcome, note, nplurals, cached)
                if getattr(self.engine, "checks_drafts", True):
                    self.drafted.append((info, job.entry))
            elif any(p.subs for p in job.prots) and not any(
                isinstance(results.get(p.text), Failure) for p in job.prots
            ):
                for prot in job.prots:
                    raw = results.get(prot.text)
                    if isinstance(raw, str):
                        job.bent |= bent_stand_ins(raw, prot, self.renderings or {})
                bent.append(job)
            else:
                self._fail(info, job, outcome)
        return bent

    def _prefer_cached(self, batch: list[Job]) -> None:
        """A job whose stand-in text is not cached but whose plain fallback is goes plain:
        an earlier run drafted it that way (its stand-ins then were not all known yet), and a
        rerun must cost no engine call and give the same draft."""
        assert self.engine is not None
        eng = self.engine
        texts = [p.text for j in batch if j.plain for p in (*j.prots, *j.plain)]
        known = self.cache.get_many(eng.name, eng.version, self.source.gettext,
                                    self.lang.gettext, texts) if texts else {}
        for job in batch:
            if job.plain and not all(p.text in known for p in job.prots) and all(
                    p.text in known for p in job.plain):
                job.prots, job.plain = job.plain, []

    def _restore(self, job: Job, results: Mapping[str, Result]) -> list[str] | str:
        """The finished texts, or why not."""
        texts = []
        for source, prot in zip(job.sources, job.prots, strict=True):
            raw = results.get(prot.text)
            if isinstance(raw, Failure):
                return raw.reason
            if not raw or not raw.strip():
                return "engine returned nothing"
            try:
                texts.append(keep_edges(source, restore(raw, prot, self.renderings)))
            except RestoreError as exc:
                return str(exc)
            if problem := refusal(texts[-1]):
                return f"engine output refused: {problem}"
        return texts

    def _done(self, job: Job, texts: list[str], note: str, nplurals: int,
              cached: set[str]) -> None:
        draft(job.entry, texts, note, nplurals)
        self.report.from_engine += 1
        if all(p.text in cached for p in job.prots):
            self.report.from_cache += 1

    def _fail(self, info: CatalogInfo, job: Job, reason: str) -> None:
        self.report.failed.append(Failed(info.domain, job.entry.msgid, reason))

    def _next_size(self) -> int:
        if self.fixed is not None:
            return self.fixed
        if not self.timings:
            # An engine may know it is fast (Apertium: thousands of entries in BATCH_SECONDS)
            return max(1, getattr(self.engine, "first_batch", BATCH))
        (n1, t1), (n2, t2) = self.timings[-2:] if len(self.timings) > 1 else (
            (0, 0.0), self.timings[-1])
        # Time per entry at the margin, so a process start-up does not shrink the next call.
        per_entry = (t2 - t1) / (n2 - n1) if n2 > n1 and t2 > t1 else t2 / n2
        return max(BATCH, min(MAX_BATCH, int(BATCH_SECONDS / max(per_entry, 1e-6))))

    def _learn_speed(self, entries: int, seconds: float) -> None:
        if entries:
            self.timings.append((entries, seconds))
            self.timings.sort()

    def _save(self, cat: Catalog) -> None:
        """Save the drafts; never over what a person typed into the file meanwhile.

        Pipeline commands take the lock, an editor (Poedit, vi) does not: when the file on
        disk is no longer what this run read, the drafts go onto the disk's version, and
        only into entries that are still empty there.
        """
        if self.dry_run or cat.path is None:
            return
        path = cat.path
        try:
            disk = path.read_bytes()
        except OSError:
            disk = None
        if path not in self.edited_outside and (disk is None or disk == cat.original):
            save_catalog(cat)
            return
        self.edited_outside.add(path)
        fresh = parse_catalog(disk, path) if disk is not None else cat
        drafts = {(e.msgctxt, e.msgid): e for e in cat.entries() if has_text(e)}
        for entry in fresh.entries():
            mine = drafts.get((entry.msgctxt, entry.msgid))
            if mine is not None and not has_text(entry):
                entry.msgstr = mine.msgstr
                entry.msgstr_plural = dict(mine.msgstr_plural)
                copy_state(entry, mine)
        save_catalog(fresh)

    def _advance(self, entries: int) -> None:
        self.done += entries
        if self.progress is not None and entries:
            self.progress(self.done, self.total)
