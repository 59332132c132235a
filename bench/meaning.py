"""Meaning checks: false alarms on the reviewed catalogs, recall on planted errors.

    python bench/meaning.py            # the two tables
    python bench/meaning.py --misses   # and every plant no check caught

A plant (``tests/data/meaning/planted.csv``) is one meaning error put into one entry of the
committed catalogs: ``find`` → ``replace`` in the translation of the entry whose English
starts with ``english``. It is *caught* when the checks report something on the planted entry
that they did not report on the entry as committed; *caught as error* when that is an error.
A false alarm is any meaning-check finding on a reviewed (non-fuzzy) entry of the committed
es, fr, ar and zh_Hans catalogs.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import polib  # noqa: E402

from pipeline.catalog.entry import is_reviewed  # noqa: E402
from pipeline.catalog.glossary import load_glossary, load_phrases  # noqa: E402
from pipeline.catalog.pofile import load_catalog  # noqa: E402
from pipeline.config import ReviewPolicy, parse_language  # noqa: E402
from pipeline.qa.checks import check_entry  # noqa: E402
from pipeline.qa.findings import ERROR, Context, Finding  # noqa: E402

PLANTS = REPO / "tests" / "data" / "meaning" / "planted.csv"
PAIRS = REPO / "tests" / "data" / "meaning" / "pairs.csv"
DEV = REPO / "tests" / "data" / "meaning" / "dev2.csv"
BASES = REPO / "tests" / "data" / "meaning" / "heldout_bases.csv"
REVIEWED = ("es", "fr", "ar", "zh_Hans")
MEANING = ("negation", "number-words", "sequence", "modality", "omission", "list-items",
           "anatomy", "polarity", "quantity", "quantity-dropped", "hedges", "units", "glossary",
           "safety")
PAGE = "paraspinal-sarcoma-treatment"


@dataclass(frozen=True, slots=True)
class Plant:
    lang: str
    kind: str
    english: str
    find: str
    replace: str


@dataclass(frozen=True, slots=True)
class Result:
    plant: Plant
    new: tuple[Finding, ...]

    @property
    def caught(self) -> bool:
        return bool(self.new)

    @property
    def as_error(self) -> bool:
        return any(f.severity == ERROR for f in self.new)


def plants() -> list[Plant]:
    with PLANTS.open(encoding="utf-8", newline="") as f:
        return [Plant(**row) for row in csv.DictReader(f)]


def _context(lang: str) -> Context:
    return Context(parse_language(lang), load_glossary(REPO / "locale" / "glossary.csv"),
                   phrases=load_phrases(REPO / "locale" / "phrases.csv"))


def _catalog(lang: str, domain: str = PAGE) -> Path:
    return REPO / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"


def run_plant(plant: Plant) -> Result:
    """The findings the plant adds to its entry."""
    entries = [e for e in load_catalog(_catalog(plant.lang)).entries()
               if e.msgid.startswith(plant.english)]
    if len(entries) != 1:
        raise ValueError(f"{plant}: {len(entries)} entries start with {plant.english!r}")
    entry = entries[0]
    if plant.find not in entry.msgstr:
        raise ValueError(f"{plant}: {plant.find!r} is not in {entry.msgstr!r}")
    ctx = _context(plant.lang)
    before = {(f.check, f.message) for f in check_entry(entry, ctx)}
    entry.msgstr = entry.msgstr.replace(plant.find, plant.replace, 1).strip()
    after = check_entry(entry, ctx)
    return Result(plant, tuple(f for f in after if (f.check, f.message) not in before))


def recall() -> list[Result]:
    return [run_plant(p) for p in plants()]


def pairs() -> tuple[list[Result], list[Finding]]:
    """Hand-written sentences: (the bad translations' findings, the good ones' findings)."""
    caught, alarms = [], []
    with PAIRS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        ctx = _context(row["lang"])
        good = check_entry(polib.POEntry(msgid=row["english"], msgstr=row["good"]), ctx,
                           f"pairs.csv {row['lang']}")
        bad = check_entry(polib.POEntry(msgid=row["english"], msgstr=row["bad"]), ctx)
        alarms += good
        plant = Plant(row["lang"], row["kind"], row["english"], row["good"], row["bad"])
        known = {(f.check, f.message) for f in good}
        caught.append(Result(plant, tuple(f for f in bad if (f.check, f.message) not in known)))
    return caught, alarms


def false_alarms(languages: tuple[str, ...] = REVIEWED) -> list[Finding]:
    """Meaning-check findings on the reviewed entries of the committed catalogs."""
    found: list[Finding] = []
    for lang in languages:
        ctx = _context(lang)
        for po in sorted((REPO / "locale" / lang / "LC_MESSAGES").glob("*.po")):
            shown = str(po.relative_to(REPO))
            for entry in load_catalog(po).entries():
                if is_reviewed(entry, ReviewPolicy(signoff_required=False)):
                    found += [f for f in check_entry(entry, ctx, shown) if f.check in MEANING]
    return found


def dev(path: Path = DEV) -> tuple[list[Result], list[Result]]:
    """The development corpus (tuned on): (plants, controls), each with its new findings.

    A row plants ``find`` → ``replace`` in the reviewed translation of the entry whose
    English starts with ``english`` (ca and gl: the corrected text of heldout_bases.csv);
    kind ``good`` is a meaning-preserving rephrasing that should raise nothing."""
    with BASES.open(encoding="utf-8", newline="") as f:
        bases = [(r["lang"], r["english"], r["translation"]) for r in csv.DictReader(f)]
    plants_, controls = [], []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            lang = row["lang"]
            entries = [e for e in load_catalog(_catalog(lang)).entries()
                       if e.msgid.startswith(row["english"])]
            if len(entries) != 1:
                raise ValueError(f"{row}: {len(entries)} entries")
            entry = entries[0]
            if lang in ("ca", "gl"):
                found = [t for code, en, t in bases if code == lang and entry.msgid.startswith(en)]
                entry.msgstr = found[0]
            if entry.msgstr.count(row["find"]) != 1:
                raise ValueError(f"{row}: find is not once in {entry.msgstr!r}")
            ctx = _context(lang)
            before = {(f.check, f.message) for f in check_entry(entry, ctx)}
            entry.msgstr = entry.msgstr.replace(row["find"], row["replace"]).strip()
            new = tuple(f for f in check_entry(entry, ctx) if (f.check, f.message) not in before)
            result = Result(Plant(lang, row["kind"], row["english"], row["find"], row["replace"]),
                            new)
            (controls if row["kind"] == "good" else plants_).append(result)
    return plants_, controls


def table(results: list[Result]) -> str:
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_kind[r.plant.kind].append(r)
    rows = [f"{'kind':<18} {'plants':>6} {'caught':>7} {'as error':>9}"]
    for kind, rs in [*sorted(by_kind.items()), ("all", results)]:
        caught, err = sum(r.caught for r in rs), sum(r.as_error for r in rs)
        rows.append(f"{kind:<18} {len(rs):>6} {caught / len(rs):>7.0%} {err / len(rs):>9.0%}")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the plants not caught")
    parser.add_argument("--dev", action="store_true",
                        help="only the development corpus (tests/data/meaning/dev2.csv)")
    args = parser.parse_args()
    if args.dev:
        planted, controls = dev()
        print("development corpus (tuned on):")
        print(table(planted))
        langs: dict[str, list[Result]] = defaultdict(list)
        for r in planted:
            langs[r.plant.lang].append(r)
        print("per language: " + ", ".join(
            f"{lang} {sum(r.caught for r in rs)}/{len(rs)}" for lang, rs in langs.items()))
        alarms = [r for r in controls if r.caught]
        print(f"false alarms on controls: {len(alarms)}/{len(controls)}")
        for r in alarms:
            print(f"  {r.plant.lang} {r.plant.replace[:60]!r}: "
                  f"{[(f.check, f.message) for f in r.new]}")
        for r in planted if args.misses else []:
            if not r.caught:
                print(f"  missed {r.plant.lang} {r.plant.kind}: {r.plant.find!r} → "
                      f"{r.plant.replace!r}")
        return
    alarms = false_alarms()
    print(f"false alarms on reviewed {', '.join(REVIEWED)}: {len(alarms)}")
    for f in alarms:
        print(f"  {f}")
    results = recall()
    print("planted in the committed catalogs:")
    print(table(results))
    sentences, wrong = pairs()
    print(f"hand-written sentence pairs: {len(wrong)} false alarms on the good translations")
    for f in wrong:
        print(f"  {f}")
    print(table(sentences))
    results += sentences
    by_lang: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_lang[r.plant.lang].append(r)
    print("per language: " + ", ".join(
        f"{lang} {sum(r.caught for r in rs)}/{len(rs)}" for lang, rs in by_lang.items()))
    if args.misses:
        for r in results:
            if not r.caught:
                print(f"  missed {r.plant.lang} {r.plant.kind}: {r.plant.find!r} → "
                      f"{r.plant.replace!r}")


if __name__ == "__main__":
    main()
