#!/usr/bin/env python3
"""Fuzzy translation memory: index and lookup time on 50,000+ units, and the figures behind
the default ``memory_threshold``.

    python bench/memory.py                  # 50,000 units, 1,000 queries
    python bench/memory.py --units 200000   # larger
    python bench/memory.py --tiny           # toy size (what CI runs)

Units are made from the seed page's reviewed English (``locale/es/…/<seed>.po``): each is a
seed sentence with one to three of its words replaced by other words of the page and a page
tag (" (p123)"), so the memory is full of near-duplicates, the hard case for a fuzzy index
(every query has hundreds of candidates within reach of the threshold). Queries are seed
sentences with one word changed. Times are wall seconds of the library calls in this
process (``Memory.add`` for all units, the first ``best`` call that builds the index, then
``best(limit=3)`` per query), on whatever else the machine is doing: read them as orders of
magnitude.

Threshold figures, on the seed page's own reviewed entries: the best score any entry gets
against a *different* entry of the page (what a false match would score), and the score of
each entry with one word changed (what a near-repeat scores).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.mt.memory import MIN_WORDS, Memory  # noqa: E402

SEED = REPO / "locale" / "es" / "LC_MESSAGES" / "paraspinal-sarcoma-treatment.po"


def seed() -> list[tuple[str, str]]:
    return [(e.msgid, e.msgstr) for e in polib.pofile(str(SEED))
            if e.msgid and e.msgstr and not e.fuzzy]


def one_word_changed(text: str, vocab: list[str], rng: random.Random, k: int = 1) -> str:
    words = text.split()
    for _ in range(k):
        i = rng.randrange(len(words))
        words[i] = rng.choice(vocab)
    return " ".join(words)


def threshold_figures(pairs: list[tuple[str, str]], rng: random.Random) -> None:
    english = [e for e, _ in pairs]
    vocab = sorted({w for e in english for w in e.split() if w.isalpha()})
    worst_false = []
    for i, text in enumerate(english):
        if len(text.split()) < MIN_WORDS:
            continue  # exact matches only
        memory = Memory()
        for j, other in enumerate(english):
            if j != i:
                memory.add(other, "x", "page")
        found = memory.best(text, 1, 1)
        worst_false.append((found[0].percent if found else 0, text))
    worst_false.sort(reverse=True)
    memory = Memory()
    for text in english:
        memory.add(text, "x", "page")
    near = []
    for text in english:
        if len(text.split()) < MIN_WORDS:
            continue
        found = memory.best(one_word_changed(text, vocab, rng), 1, 1)
        near.append((found[0].percent if found else 0, len(text.split())))
    print(f"Threshold (seed page, {len(english)} reviewed entries):")
    print(f"  best score of an entry of {MIN_WORDS}+ words against a different entry: "
          f"max {worst_false[0][0]}%, then {', '.join(str(p) for p, _ in worst_false[1:6])}")
    print(f"    ({worst_false[0][1][:60]!r})")
    for lo, hi in ((5, 5), (6, 10), (11, 20), (21, 999)):
        scores = [p for p, n in near if lo <= n <= hi]
        if scores:
            print(f"  one word changed, {lo}-{hi if hi < 999 else '…'} words: "
                  f"{len(scores)} entries, min {min(scores)}%, median "
                  f"{statistics.median(scores):.0f}%, "
                  f"{sum(s >= 75 for s in scores)} at or above 75%")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--tiny", action="store_true")
    args = parser.parse_args(argv)
    units, queries = (2_000, 50) if args.tiny else (args.units, args.queries)
    rng = random.Random(7)
    pairs = seed()
    vocab = sorted({w for e, _ in pairs for w in e.split() if w.isalpha()})
    threshold_figures(pairs, rng)

    memory = Memory()
    began = time.perf_counter()
    for n in range(units):
        english, spanish = pairs[n % len(pairs)]
        memory.add(one_word_changed(english, vocab, rng, 1 + n % 3) + f" (p{n})",
                   spanish, f"p{n}")
    added = time.perf_counter() - began
    asked = [one_word_changed(pairs[rng.randrange(len(pairs))][0], vocab, rng)
             for _ in range(queries)]
    began = time.perf_counter()
    memory.best(asked[0], 3, 75)
    built = time.perf_counter() - began
    times, hits = [], 0
    for q in asked:
        began = time.perf_counter()
        found = memory.best(q, 3, 75)
        times.append(time.perf_counter() - began)
        hits += bool(found)
    times.sort()
    print(f"Fuzzy index: {len(memory):,} units, {queries:,} queries (threshold 75, limit 3)")
    print(f"  add all units      {added:8.2f} s")
    print(f"  build the index    {built:8.2f} s (first query included)")
    print(f"  per query          median {statistics.median(times) * 1000:7.2f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1] * 1000:7.2f} ms, "
          f"max {times[-1] * 1000:7.2f} ms; {hits} of {queries} found a match")


if __name__ == "__main__":
    main()
