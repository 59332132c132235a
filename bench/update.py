"""Update benchmark: ``pipeline update`` merge vs GNU ``msgmerge --previous`` on a big catalog.

A 5,000-entry catalog built from the seed page's sentences; the new template edits 250
strings, adds 250 and removes 250. Prints times and how the fuzzy matches compare.
Run: .venv/bin/python bench/update.py [--entries N]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.catalog.merge import merge  # noqa: E402
from pipeline.catalog.pofile import load_catalog, parse_catalog, save_catalog  # noqa: E402

HEADER = {"Content-Type": "text/plain; charset=UTF-8", "Language": "es",
          "Plural-Forms": "nplurals=2; plural=(n != 1);"}


def sentences() -> list[str]:
    pot = polib.pofile(str(REPO / "locale" / "paraspinal-sarcoma-treatment.pot"))
    return [e.msgid for e in pot]


def build(n: int, rng: random.Random, changes: int = 250) -> tuple[polib.POFile, polib.POFile]:
    """An ``n``-entry catalog and a template that edits ``changes`` of its strings, adds
    ``changes`` new ones and drops ``changes``."""
    base = sentences()
    words = sorted({w for s in base for w in s.split()})
    old = polib.POFile()
    old.metadata = dict(HEADER)
    for i in range(n):
        s = f"{rng.choice(base)} {' '.join(rng.choices(words, k=4))} ({i})"
        old.append(polib.POEntry(msgid=s, msgstr=f"ES {s}", occurrences=[("p.md", str(i))]))
    new = polib.POFile()
    new.metadata = dict(HEADER)
    ids = list(range(n))
    removed = set(rng.sample(ids, changes))
    edited = set(rng.sample([i for i in ids if i not in removed], changes))
    for i, e in enumerate(old):
        if i in removed:
            continue
        msgid = e.msgid
        if i in edited:
            w = msgid.split()
            w[rng.randrange(len(w))] = rng.choice(words)
            msgid = " ".join(w)
        new.append(polib.POEntry(msgid=msgid, msgstr="", occurrences=e.occurrences))
    for j in range(changes):
        s = " ".join(rng.choices(words, k=12)) + f" [{j}]"
        new.append(polib.POEntry(msgid=s, msgstr="", occurrences=[("p.md", str(n + j))]))
    return old, new


def fuzzy_pairs(po: polib.POFile) -> dict[str, str]:
    return {e.msgid: e.previous_msgid or "" for e in po if "fuzzy" in e.flags}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=5000)
    args = parser.parse_args(argv)
    rng = random.Random(7)
    old, new = build(args.entries, rng)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        old.save(str(d / "old.po"))
        new.save(str(d / "new.pot"))
        start = time.perf_counter()
        subprocess.run(["msgmerge", "--quiet", "--previous", "-o", str(d / "gnu.po"),
                        str(d / "old.po"), str(d / "new.pot")], check=True)
        gnu_s = time.perf_counter() - start
        start = time.perf_counter()
        cat = load_catalog(d / "old.po")
        pot = parse_catalog((d / "new.pot").read_bytes(), d / "new.pot").po
        counts = merge(cat, pot)
        save_catalog(cat, d / "ours.po")
        ours_s = time.perf_counter() - start
        gnu = fuzzy_pairs(polib.pofile(str(d / "gnu.po")))
        ours = fuzzy_pairs(polib.pofile(str(d / "ours.po")))
    agree = sum(1 for k, v in ours.items() if gnu.get(k) == v)
    print(f"catalog: {args.entries} entries; template: 250 edited, 250 new, 250 removed")
    print(f"{'tool':28} {'seconds':>8} {'fuzzy':>6}")
    print(f"{'GNU msgmerge --previous':28} {gnu_s:8.2f} {len(gnu):6}")
    print(f"{'pipeline update (merge)':28} {ours_s:8.2f} {len(ours):6}")
    print(f"ratio pipeline/msgmerge: {ours_s / gnu_s:.2f} (goal ≤ 1.0)")
    print(f"fuzzy pairs agreeing with msgmerge: {agree} of {len(ours)}; counts {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
