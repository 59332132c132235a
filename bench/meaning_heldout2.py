"""Held-out meaning corpus of round 2 (``tests/data/meaning/heldout2.csv``): recall on planted
meaning errors, false alarms on controls. Written by another person without sight of the word
lists or the checks' code, measured once before and once after the round's work, never tuned
on (2026-12-05: plants 48.8 % → 87.6 %, controls flagged 45.3 % → 30.5 %).

Usage: python bench/meaning_heldout2.py [REPO_ROOT] [CSV]
For each row of meaning.csv the entry is loaded from REPO_ROOT's committed catalog
(locale/LANG/LC_MESSAGES/paraspinal-sarcoma-treatment.po, else site.po), its msgstr replaced
by the row's msgstr (entry kept reviewed: fuzzy flag and #| lines removed), and check_entry run.
The baseline is the same entry with its original msgstr (also made non-fuzzy), so a finding
counts only if it is new: a plant is caught by a new error/warning; a control is a false alarm
on any new finding.
"""
from __future__ import annotations

import copy
import csv
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else REPO
csv_path = (Path(sys.argv[2]) if len(sys.argv) > 2
            else REPO / "tests" / "data" / "meaning" / "heldout2.csv")
sys.path.insert(0, str(root))

from pipeline.catalog.glossary import load_glossary  # noqa: E402
from pipeline.catalog.pofile import load_catalog  # noqa: E402
from pipeline.config import load_config, parse_language  # noqa: E402
from pipeline.qa.checks import check_entry  # noqa: E402
from pipeline.qa.findings import Context  # noqa: E402

config = load_config(root)
glossary = load_glossary(config.glossary_path)
DOMAINS = ("paraspinal-sarcoma-treatment", "site")
_catalogs: dict[str, dict[str, object]] = {}


def entries_for(lang: str) -> dict[str, object]:
    if lang not in _catalogs:
        found: dict[str, object] = {}
        for dom in DOMAINS:
            path = config.locale_dir / lang / "LC_MESSAGES" / f"{dom}.po"
            if path.exists():
                for e in load_catalog(path).entries():
                    found.setdefault(e.msgid, e)
        _catalogs[lang] = found
    return _catalogs[lang]


def reviewed(entry, msgstr: str | None = None):
    e = copy.deepcopy(entry)
    if msgstr is not None:
        e.msgstr = msgstr
    e.flags = [f for f in e.flags if f != "fuzzy"]
    e.previous_msgid = None
    e.previous_msgctxt = None
    return e


def key(f) -> tuple[str, str, str]:
    return (f.severity, f.check, f.message)


def main() -> int:
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8", newline="")))
    ctxs: dict[str, Context] = {}
    plants = defaultdict(lambda: [0, 0])  # (kind) -> [caught, total]
    plants_lang = defaultdict(lambda: [0, 0])
    controls = defaultdict(lambda: [0, 0])  # lang -> [false alarms, total]
    missing, missed, alarms = [], [], []
    caught_by = defaultdict(int)  # check name -> plants it flagged (new error/warning)
    alarm_by = defaultdict(int)  # check name -> controls it flagged
    for row in rows:
        lang = row["lang"]
        entry = entries_for(lang).get(row["msgid"])
        if entry is None:
            missing.append(row["id"])
            continue
        ctx = ctxs.setdefault(lang, Context(parse_language(lang), glossary, config.require_signoff))
        base = {key(f) for f in check_entry(reviewed(entry), ctx)}
        new = [f for f in check_entry(reviewed(entry, row["msgstr"]), ctx) if key(f) not in base]
        if row["expect"] == "clean":
            hit = bool(new)
            controls[lang][0] += hit
            controls[lang][1] += 1
            if hit:
                alarms.append((row, new))
                for name in {f.check for f in new}:
                    alarm_by[name] += 1
        else:
            hit = any(f.severity in ("error", "warning") for f in new)
            for table, k in ((plants, row["kind"]), (plants_lang, lang)):
                table[k][0] += hit
                table[k][1] += 1
            if not hit:
                missed.append(row)
            for name in {f.check for f in new if f.severity in ("error", "warning")}:
                caught_by[name] += 1

    def pct(a: int, b: int) -> str:
        return f"{a}/{b} = {100 * a / b:.1f}%" if b else "0/0"

    tot = [sum(v[0] for v in plants.values()), sum(v[1] for v in plants.values())]
    print(f"repo: {root}")
    print(f"rows: {len(rows)}  (missing entries: {len(missing)} {missing})")
    print(f"\nRECALL on plants (new error/warning): {pct(*tot)}")
    print("\nper kind:")
    for k in sorted(plants):
        print(f"  {k:16s} {pct(*plants[k])}")
    print("\nper language:")
    for k in sorted(plants_lang):
        print(f"  {k:16s} {pct(*plants_lang[k])}")
    ctot = [sum(v[0] for v in controls.values()), sum(v[1] for v in controls.values())]
    print(f"\nFALSE ALARMS on controls (any new finding): {pct(*ctot)}")
    for k in sorted(controls):
        print(f"  {k:16s} {pct(*controls[k])}")
    print("\nchecks firing on plants (new error/warning):",
          ", ".join(f"{k} {v}" for k, v in sorted(caught_by.items(), key=lambda x: -x[1])))
    print("checks firing on controls (false alarms):",
          ", ".join(f"{k} {v}" for k, v in sorted(alarm_by.items(), key=lambda x: -x[1])))
    if alarms:
        print("\nfalse alarms:")
        for row, new in alarms:
            print(f"  {row['id']} [{row['lang']}] {row['note']}")
            for f in new:
                print(f"      {f.severity}: {f.check}: {f.message}")
    if missed:
        print("\nmissed plants:")
        for row in missed:
            print(f"  {row['id']} [{row['lang']}/{row['kind']}] {row['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
