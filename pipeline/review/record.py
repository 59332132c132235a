"""``record``: the translation record of one language — what each published string translates,
where it came from, who translated and who approved it — as JSON and as an HTML page.

Everything is read from the catalogs and the English pages as they are now: provenance
comments (``machine translation: …``, ``translation memory: …``, ``XLIFF import: …``),
``translated-by`` and ``reviewed-by`` lines (:mod:`pipeline.catalog.entry`),
``qa-at-signoff`` and the English page's ``updated`` date and bytes. A sign-off whose hash
no longer matches is reported as such, never as a review.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polib

from pipeline.catalog import entry as entry_state
from pipeline.catalog.glossary import load_glossary
from pipeline.catalog.paths import CatalogInfo, select_domains
from pipeline.catalog.pofile import load_catalog
from pipeline.config import Config, Language, ReviewPolicy
from pipeline.fs import atomic_write
from pipeline.qa.checks import check_entry
from pipeline.qa.findings import Context
from pipeline.site.translations import PUBLIC_LINE, translated_from
from pipeline.source import read_page


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """One string: its English, its history, its state now."""

    where: str
    msgctxt: str | None
    english: str
    english_sha256: str
    state: str  # reviewed | changed since sign-off | not signed off | draft | untranslated
    origin: tuple[str, ...]
    translator: str | None
    translator_known_from: str | None
    reviewer: str | None
    reviewed_on: str | None
    qa_at_signoff: str | None
    qa_now: tuple[str, ...]
    adopted: bool = False  # the sign-off attests a review made before sign-off (adopt)


@dataclass(frozen=True, slots=True)
class PageRecord:
    """One catalog (a page, or the site's shared strings)."""

    domain: str
    source: str | None
    english_updated: str | None
    english_sha256: str | None
    translated_from: str | None
    reviewed_on: str | None
    counts: dict[str, int]
    entries: tuple[EntryRecord, ...]


@dataclass(frozen=True, slots=True)
class Record:
    lang: str
    generated: str
    settings: dict[str, object]
    pages: tuple[PageRecord, ...]
    summary: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _english_hash(e: polib.POEntry) -> str:
    data = [e.msgctxt, e.msgid, e.msgid_plural or None]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


def _state(e: polib.POEntry) -> str:
    if not entry_state.has_text(e):
        return "untranslated"
    if entry_state.is_fuzzy(e):
        return "draft"
    why = entry_state.unsigned(e)
    if why is None:
        return "reviewed"
    return "not signed off" if why == "not signed off" else "changed since sign-off"


def _entry(e: polib.POEntry, where: str, last_translator: str, ctx: Context,
           policy: ReviewPolicy) -> EntryRecord:
    origin = tuple(entry_state.provenance(e))
    typed = entry_state.translator(e, last_translator)
    mark = entry_state.signoff(e)
    signed = mark is not None and entry_state.is_signed(e)
    state = _state(e)
    if state == "not signed off" and entry_state.is_reviewed(e, policy):
        state = "reviewed"  # gettext meaning: translated and not fuzzy
    return EntryRecord(
        where=where, msgctxt=e.msgctxt, english=e.msgid, english_sha256=_english_hash(e),
        state=state, origin=origin,
        translator=typed[0] if typed else None,
        translator_known_from=typed[1] if typed else None,
        reviewer=mark.name if signed and mark else None,
        reviewed_on=mark.date if signed and mark else None,
        qa_at_signoff=entry_state.qa_at_signoff(e) if signed else None,
        qa_now=tuple(f"{f.severity} {f.check}: {f.message}" for f in check_entry(e, ctx)),
        adopted=bool(signed and mark and mark.adopted),
    )


def _page(config: Config, lang: Language, domain: str, ctx: Context) -> PageRecord:
    info = CatalogInfo(domain, lang, config.locale_dir)
    source_path = config.pages_dir / f"{domain}.md"
    updated = sha = None
    if source_path.exists():
        day = translated_from(read_page(source_path))
        updated = day.isoformat() if day else None
        sha = hashlib.sha256(source_path.read_bytes()).hexdigest()
    entries: list[EntryRecord] = []
    if info.po_path.exists():
        cat = load_catalog(info.po_path)
        shown = str(info.po_path.relative_to(config.root))
        last = cat.po.metadata.get("Last-Translator", "")
        entries = [_entry(e, f"{shown}:{e.linenum}", last, ctx, config.review)
                   for e in cat.entries()]
    counts = {state: sum(r.state == state for r in entries)
              for state in ("reviewed", "changed since sign-off", "not signed off", "draft",
                            "untranslated")}
    dates = [r.reviewed_on for r in entries if r.reviewed_on and r.state == "reviewed"]
    return PageRecord(
        domain=domain,
        source=str(source_path.relative_to(config.root)) if sha else None,
        english_updated=updated, english_sha256=sha,
        translated_from=updated, reviewed_on=max(dates) if dates else None,
        counts=counts, entries=tuple(entries))


def build_record(config: Config, lang: Language, *, today: str | None = None) -> Record:
    """The record of ``lang``'s catalogs as they are now."""
    ctx = Context(lang, load_glossary(config.glossary_path), config.require_signoff)
    pages = tuple(_page(config, lang, d, ctx) for d in select_domains(config))
    settings: dict[str, object] = {"require_signoff": config.require_signoff,
                                   "four_eyes": config.four_eyes,
                                   "min_reviewed": config.min_reviewed}
    record = Record(lang.bcp47, today or dt.date.today().isoformat(), settings, pages)
    summary = _summary(record, lang)
    summary["gate"] = _gate(config, lang)
    return Record(record.lang, record.generated, settings, pages, summary)


def _gate(config: Config, lang: Language) -> dict[str, dict[str, object]]:
    """Per page, what publish decides (the one gate): its verdict and reviewed share."""
    from pipeline.site.continuity import verdicts

    found = verdicts(config, [lang]).get(lang.gettext, {})
    return {page: {"verdict": v.fate, "reviewed_percent": round(v.share, 1),
                   "reviewed": v.counts.reviewed, "strings": v.counts.total}
            for page, v in found.items()}


def _summary(record: Record, lang: Language) -> dict[str, object]:
    from babel import Locale

    entries = [e for p in record.pages for e in p.entries]
    reviewed = [e for e in entries if e.state == "reviewed"]
    reviewers = sorted({e.reviewer for e in reviewed if e.reviewer})
    adopted = [e for e in reviewed if e.adopted]
    translators = sorted({e.translator for e in entries if e.translator})
    engines = sorted({o.split(",")[0] for e in entries for o in e.origin
                      if o.startswith("machine translation:")})
    open_errors = sum(1 for e in entries for q in e.qa_now if q.startswith("error"))
    independent = sum(1 for e in reviewed if e.reviewer and e.translator
                      and entry_state.person(e.reviewer) != entry_state.person(e.translator))
    name = Locale.parse(lang.gettext).get_display_name("en") or lang.gettext
    text = (
        f"{name} ({lang.bcp47}) translation of {len(record.pages)} catalog(s): "
        f"{len(reviewed)} of {len(entries)} strings reviewed"
        + (f" and signed off by named reviewers ({', '.join(reviewers)})" if reviewers else "")
        + (f"; {len(adopted)} of these sign-offs are adopted: reviews made before sign-off "
           f"was required, attested by {', '.join(sorted({e.reviewer or '' for e in adopted}))}"
           ", not fresh reviews" if adopted else "")
        + ". "
        + (f"Drafts came from {', '.join(engines)}" if engines
           else "No machine-translation provenance is recorded")
        + "; no unreviewed draft is published: a string without a valid review shows the "
          "English. "
        + ("Each sign-off is pinned to a sha256 of the English and the translation; a change "
           "after sign-off makes the string unreviewed. " if record.settings["require_signoff"]
           else "Reviewed means a person removed the draft flag (sign-off not enforced). ")
        + (f"Independent revision (four eyes) is enforced; {independent} reviewed strings "
           "have a recorded translator other than their reviewer. "
           if record.settings["four_eyes"] else "Independent revision is not enforced. ")
        + f"Open QA errors: {open_errors}."
    )
    return {"strings": len(entries), "reviewed": len(reviewed), "adopted": len(adopted),
            "reviewers": reviewers,
            "translators": translators, "engines": engines, "open_qa_errors": open_errors,
            "independently_reviewed": independent, "text": text}


def public_line(page: PageRecord, lang: Language) -> str | None:
    """The page's one line for readers, English dates in the reader's locale left to the
    template: "Translated from the English version of 25 November 2026; reviewed 29 November
    2026" (no personal names)."""
    if not page.translated_from or not page.reviewed_on:
        return None
    from babel.dates import format_date

    source = format_date(dt.date.fromisoformat(page.translated_from), "long", locale="en")
    reviewed = format_date(dt.date.fromisoformat(page.reviewed_on), "long", locale="en")
    return PUBLIC_LINE % {"source_date": source, "review_date": reviewed}


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Translation record: {{ r.lang }}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}.bad{color:#a00}
td.en{max-width:28em}</style></head><body>
<h1>Translation record: {{ r.lang }}</h1>
<p>Generated {{ r.generated }}. Settings: {% for k, v in r.settings.items() %}{{ k }} = {{ v }}
{%- if not loop.last %}, {% endif %}{% endfor %}.</p>
<h2>Summary</h2><p>{{ r.summary.text }}</p>
{% for p in r.pages %}
<h2>{{ p.domain }}</h2>
<p>English: {{ p.source or "(site templates)" }}{% if p.english_updated %}, version of
{{ p.english_updated }}{% endif %}{% if p.english_sha256 %}, sha256 {{ p.english_sha256 }}
{% endif %}. {% for k, v in p.counts.items() if v %}{{ v }} {{ k }}{% if not loop.last %},
{% endif %}{% endfor %}.</p>
<table><tr><th>where</th><th>English</th><th>state</th><th>origin</th><th>translator</th>
<th>reviewer</th><th>QA at sign-off</th><th>QA now</th></tr>
{% for e in p.entries %}<tr><td>{{ e.where }}</td><td class="en">{{ e.english }}
<br><small>sha256 {{ e.english_sha256[:16] }}…</small></td>
<td{% if e.state != "reviewed" %} class="bad"{% endif %}>{{ e.state }}</td>
<td>{{ e.origin | join("; ") or "typed by a person" }}</td>
<td>{{ e.translator or "unknown" }}{% if e.translator_known_from %}<br><small>
{{ e.translator_known_from }}</small>{% endif %}</td>
<td>{{ e.reviewer or "—" }}{% if e.reviewed_on %}, {{ e.reviewed_on }}{% endif %}
{%- if e.adopted %} (adopted: an earlier review attested){% endif %}</td>
<td>{{ e.qa_at_signoff or "—" }}</td><td>{{ e.qa_now | join("; ") or "none" }}</td></tr>
{% endfor %}</table>
{% endfor %}
</body></html>
"""


def record_html(record: Record) -> str:
    from jinja2 import Environment

    env = Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(_HTML).render(r=record)


def write_record(record: Record, output: Path) -> tuple[Path, Path]:
    """Write ``output`` as ``.json`` and ``.html`` (same stem); the two paths."""
    stem = output.with_suffix("") if output.suffix in (".json", ".html") else output
    json_path, html_path = stem.with_suffix(".json"), stem.with_suffix(".html")
    data = json.dumps(record.as_dict(), ensure_ascii=False, indent=2) + "\n"
    atomic_write(json_path, data.encode("utf-8"))
    atomic_write(html_path, record_html(record).encode("utf-8"))
    return json_path, html_path
