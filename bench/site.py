"""Synthetic site: N pages × M languages, built from the seed page and its catalogs.

Each page is a seeded random selection of the seed page's blocks, kept in the seed's
order (headings, paragraphs, lists, the image). The title and strings of four or more
words carry a page tag — ``" (p17)"`` in the English and in every translation — so most strings are
unique to their page, as on a real site, while short ones ("Fax: 901-595-4011", most
headings) are shared. Translations come from the seed catalogs (es, fr, ar, zh_Hans, ca,
gl); further languages reuse the Spanish text under their own code. Each entry is
reviewed, a machine draft (fuzzy) or empty in the given shares, and ``drift`` makes the
catalogs lag the pages as after a round of edits (some strings edited, new or removed),
so ``update`` has real merging to do.

Run: .venv/bin/python bench/site.py DIR --pages 200 --langs 5
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polib
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.catalog.extract import extract  # noqa: E402
from pipeline.catalog.header import po_header  # noqa: E402
from pipeline.catalog.plurals import classic_rule  # noqa: E402
from pipeline.catalog.pofile import Catalog, save_catalog  # noqa: E402
from pipeline.config import load_config, parse_language  # noqa: E402
from pipeline.source import Segment, read_page  # noqa: E402

SEED = REPO / "source" / "pages" / "paraspinal-sarcoma-treatment.md"
SEED_LANGS = ("es", "fr", "ar", "zh_Hans", "ca", "gl")
MORE_LANGS = ("de", "it", "pt_BR", "nl", "pl", "sv", "da", "fi", "nb", "cs", "hu", "ro",
              "tr", "vi", "id", "ms", "sw", "uk", "ru", "el", "bg", "hr", "sk", "sl",
              "lt", "lv", "et", "is", "ga", "cy", "eu", "af", "sq", "tl")
TAGGED_WORDS = 4  # strings at least this long are unique to their page
MACHINE_NOTE = "machine translation: apertium (synthetic)"
HEADER = """\
[project]
name = "synthetic-site"
version = "0"

[tool.pipeline]
source_language = "en"
languages = {languages}
min_reviewed = {min_reviewed}
formats = {formats}
page_size = "A4"
site_name = "Synthetic Children's Hospital"
"""


@dataclass(frozen=True, slots=True)
class Site:
    """A generated project and what is in it."""

    root: Path
    pages: int
    languages: tuple[str, ...]
    messages: int  # page-catalog entries per language
    reviewed: int  # … of which reviewed, summed over languages
    fuzzy: int
    empty: int


def languages(count: int) -> tuple[str, ...]:
    """The first ``count`` target languages: the seed's six, then others."""
    pool = SEED_LANGS + MORE_LANGS
    if not 0 <= count <= len(pool):
        raise ValueError(f"between 0 and {len(pool)} languages")
    return pool[:count]


def seed_segments() -> list[Segment]:
    return list(read_page(SEED).segments)


def seed_translations(lang: str) -> dict[str, str]:
    """The seed page's translations into ``lang`` (Spanish for languages the seed lacks)."""
    code = lang if lang in SEED_LANGS else "es"
    po = polib.pofile(str(REPO / "locale" / code / "LC_MESSAGES" / f"{SEED.stem}.po"))
    return {e.msgid: e.msgstr for e in po if e.msgstr and not e.obsolete}


def tag(text: str, page: int, *, always: bool = False) -> str:
    return f"{text} (p{page})" if always or len(text.split()) >= TAGGED_WORDS else text


def untag(text: str, page: int) -> tuple[str, str]:
    """(seed text, the tag to put back)."""
    suffix = f" (p{page})"
    return (text[: -len(suffix)], suffix) if text.endswith(suffix) else (text, "")


def page_markdown(segments: Sequence[Segment], page: int, rng: random.Random) -> str:
    """One page: front matter, the title as h1, then a random share of the seed's blocks."""
    meta = {s.kind: tag(s.text, page, always=True)
            for s in segments if s.kind in ("title", "description")}
    body = [s for s in segments if s.kind not in ("title", "description", "h1")]
    keep = rng.uniform(0.4, 0.9)
    chosen = [s for s in body if rng.random() < keep] or body[:1]
    front = yaml.safe_dump({**meta, "updated": date(2026, 1 + page % 12, 1 + page % 28)},
                           allow_unicode=True, sort_keys=False, width=10_000)
    blocks: list[str] = [f"# {meta['title']}"]
    for seg in chosen:
        text = tag(seg.text, page)
        if seg.kind == "list item":
            line = f"- {text}"
            if blocks and blocks[-1].startswith("- "):
                blocks[-1] += "\n" + line
                continue
            blocks.append(line)
        elif seg.kind.startswith("h") and seg.kind[1:].isdigit():
            blocks.append(f"{'#' * int(seg.kind[1:])} {text}")
        elif seg.kind == "image alt":
            blocks.append(f"![{text}](../assets/children-statue.svg)")
        else:
            blocks.append(text)
    return f"---\n{front}---\n\n" + "\n\n".join(blocks) + "\n"


def _header(lang: str, domain: str, pot_date: str) -> dict[str, str]:
    """The pipeline's own header for a new catalog, with a fixed date and translator so the
    synthetic site is the same bytes on every run."""
    return {**po_header(parse_language(lang), domain, pot_date),
            "PO-Revision-Date": "2026-11-25 08:55+0000", "Last-Translator": "synthetic"}


def _edited(text: str, rng: random.Random, words: Sequence[str]) -> str:
    """An earlier version of ``text``: one word different."""
    parts = text.split(" ")
    i = rng.randrange(len(parts))
    parts[i] = rng.choice(words)
    return " ".join(parts)


def page_catalog(pot: polib.POFile, lang: str, page: int, translations: dict[str, str],
                 rng: random.Random, *, reviewed: float, fuzzy: float, drift: float,
                 words: Sequence[str]) -> tuple[polib.POFile, list[int]]:
    """The ``lang`` catalog of one page from its template; returns it and the counts
    [reviewed, fuzzy, empty] of the live entries written."""
    po = polib.POFile(wrapwidth=79)
    po.metadata = _header(lang, pot.metadata["Project-Id-Version"].split()[-1],
                          pot.metadata["POT-Creation-Date"])
    po.header = f"{lang} translation of a synthetic page."
    counts = [0, 0, 0]
    for t in pot:
        roll = rng.random()
        if roll < drift * 0.3:
            continue  # new since the catalog was last updated
        msgid = t.msgid
        if roll < drift * 0.8 and len(msgid.split()) >= TAGGED_WORDS:
            msgid = _edited(msgid, rng, words)  # edited since: update will fuzzy-match it
        base, suffix = untag(t.msgid, page)
        text = translations.get(base, "")
        e = polib.POEntry(msgid=msgid, msgctxt=t.msgctxt, occurrences=list(t.occurrences),
                          comment=t.comment, msgstr="")
        state = rng.random()
        if text and state < reviewed:
            e.msgstr = text + suffix
            counts[0] += 1
        elif text and state < reviewed + fuzzy:
            e.msgstr = text + suffix
            e.flags.append("fuzzy")
            e.tcomment = MACHINE_NOTE
            counts[1] += 1
        else:
            counts[2] += 1
        po.append(e)
    for k in range(round(len(pot) * drift * 0.2)):  # removed since: update obsoletes them
        base = rng.choice(list(translations))
        po.append(polib.POEntry(msgid=f"{base} (p{page}, removed {k})",
                                msgstr=f"{translations[base]} (p{page}, removed {k})",
                                occurrences=[(f"source/pages/page-{page:05d}.md", "1")]))
    return po, counts


def site_catalog(lang: str, pot_date: str) -> polib.POFile:
    code = lang if lang in SEED_LANGS else "es"
    po = polib.pofile(str(REPO / "locale" / code / "LC_MESSAGES" / "site.po"), wrapwidth=79)
    po.metadata["POT-Creation-Date"] = pot_date
    po.metadata["Language"] = lang
    po.metadata["Plural-Forms"] = classic_rule(parse_language(lang))
    return po


def generate(root: Path, pages: int, langs: int | Sequence[str], *, seed: int = 7,
             reviewed: float = 0.85, fuzzy: float = 0.10, drift: float = 0.0,
             formats: Sequence[str] = ("html", "pdf"), min_reviewed: float = 100) -> Site:
    """Write a project at ``root`` (which must not exist): pyproject.toml with
    ``[tool.pipeline]``, ``source/`` (pages, the repository's templates and assets) and
    ``locale/`` (templates from ``pipeline extract``, catalogs for every language)."""
    codes = languages(langs) if isinstance(langs, int) else tuple(langs)
    rng = random.Random(seed)
    (root / "source" / "pages").mkdir(parents=True)
    shutil.copytree(REPO / "source" / "templates", root / "source" / "templates")
    shutil.copytree(REPO / "source" / "assets", root / "source" / "assets")
    (root / "locale").mkdir()
    shutil.copy(REPO / "locale" / "glossary.csv", root / "locale")
    (root / "pyproject.toml").write_text(HEADER.format(
        languages="[" + ", ".join(f'"{c}"' for c in codes) + "]",
        min_reviewed=f"{min_reviewed:g}",
        formats="[" + ", ".join(f'"{f}"' for f in formats) + "]"), encoding="utf-8")
    segments = seed_segments()
    for i in range(pages):
        path = root / "source" / "pages" / f"page-{i:05d}.md"
        path.write_text(page_markdown(segments, i, rng), encoding="utf-8")
    extract(load_config(root))
    words = sorted({w for s in segments for w in s.text.split() if w.isalpha()})
    totals = [0, 0, 0]
    messages = 0
    for lang in codes:
        folder = root / "locale" / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        translations = seed_translations(lang)
        site_date = polib.pofile(str(root / "locale" / "site.pot")).metadata["POT-Creation-Date"]
        save_catalog(Catalog(site_catalog(lang, site_date)), folder / "site.po")
        for i in range(pages):
            pot = polib.pofile(str(root / "locale" / f"page-{i:05d}.pot"))
            po, counts = page_catalog(pot, lang, i, translations, rng, reviewed=reviewed,
                                      fuzzy=fuzzy, drift=drift, words=words)
            save_catalog(Catalog(po), folder / f"page-{i:05d}.po")
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            if lang == codes[0]:
                messages += len(pot)
    return Site(root, pages, codes, messages, *totals)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path, help="folder to create")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--langs", type=int, default=5)
    parser.add_argument("--reviewed", type=float, default=0.85)
    parser.add_argument("--fuzzy", type=float, default=0.10)
    parser.add_argument("--drift", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    site = generate(args.root, args.pages, args.langs, seed=args.seed, reviewed=args.reviewed,
                    fuzzy=args.fuzzy, drift=args.drift)
    print(f"{site.root}: {site.pages} pages × {len(site.languages)} languages "
          f"({', '.join(site.languages)}); {site.messages} page strings per language; "
          f"{site.reviewed} reviewed, {site.fuzzy} fuzzy, {site.empty} empty")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
