#!/usr/bin/env python3
"""Spanish draft quality on the seed page: chrF of the pipeline's Apertium draft and of raw
Apertium against the reviewed Spanish, before and after, in one run, with per-entry wins and
losses.

    python bench/quality.py                       # this checkout against raw Apertium
    python bench/quality.py --before /work/main   # and another checkout (before/after)
    python bench/quality.py --entries             # every entry that moved, with both drafts

The reference is every reviewed (non-fuzzy, translated) entry of the committed
``locale/es/LC_MESSAGES/paraspinal-sarcoma-treatment.po``. Each draft is made as a user would
(``pipeline translate --lang es`` in a fresh process, a fresh catalog of the page's msgids and
a fresh MT cache) with the checkout's own code and glossary and **no memory of the page**: the
catalog starts empty, so nothing reviewed on the page reaches its draft. Raw Apertium is one
``apertium -u eng-spa`` call over the same msgids, blank-line separated. chrF is
``bench/chrf.py`` (sacreBLEU's default chrF2, checked against sacreBLEU in
``tests/mt/test_chrf.py``); "corpus" sums the statistics of every entry.

This is the page the glossary was written for: a figure here is a figure on tuning data.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from chrf import corpus_chrf, sentence_chrf  # noqa: E402

PAGE = "paraspinal-sarcoma-treatment"
REFERENCE = REPO / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"
PYPROJECT = ('[project]\nname = "bench"\nversion = "0"\n\n[tool.pipeline]\nlanguages = ["es"]\n'
             '\n[tool.pipeline.engines]\nes = "apertium"\n')


def reference() -> dict[str, str]:
    """English → reviewed Spanish, reviewed entries only."""
    return {e.msgid: e.msgstr for e in polib.pofile(str(REFERENCE))
            if e.msgid and e.msgstr and not e.fuzzy and not e.obsolete}


def tmx_reference(path: Path, limit: int) -> dict[str, str]:
    """English → Spanish of the first ``limit`` units of a TMX file (an independent text)."""
    import xml.etree.ElementTree as ET

    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    out: dict[str, str] = {}
    for tu in ET.parse(path).getroot().iter("tu"):
        segs = {}
        for tuv in tu.iter("tuv"):
            seg = tuv.find("seg")
            if seg is not None:
                segs[(tuv.get(lang) or "").split("-")[0]] = "".join(seg.itertext())
        if segs.get("en") and segs.get("es") and len(segs["en"].split()) >= 4:
            out.setdefault(" ".join(segs["en"].split()), " ".join(segs["es"].split()))
        if len(out) >= limit:
            break
    return out


def raw_apertium(msgids: list[str]) -> dict[str, str]:
    text = "\n\n".join(" ".join(m.split()) for m in msgids)
    out = subprocess.run(["apertium", "-u", "eng-spa"], input=text, capture_output=True,
                         text=True, encoding="utf-8", check=True).stdout
    parts = re.split(r"\n[ \t]*\n", out.strip())
    if len(parts) != len(msgids):
        sys.exit(f"raw apertium returned {len(parts)} parts for {len(msgids)}")
    return {m: " ".join(p.split()) for m, p in zip(msgids, parts, strict=True)}


def pipeline_draft(msgids: list[str], checkout: Path, work: Path) -> dict[str, str]:
    """``pipeline translate --lang es`` of ``checkout`` on a fresh catalog of ``msgids``."""
    root = work / f"site-{checkout.name}"
    (root / "locale" / "es" / "LC_MESSAGES").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    shutil.copy(checkout / "locale" / "glossary.csv", root / "locale")
    if (checkout / "locale" / "phrases.csv").exists():
        shutil.copy(checkout / "locale" / "phrases.csv", root / "locale")
    pot = polib.POFile(wrapwidth=79)
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8", "MIME-Version": "1.0",
                    "Content-Transfer-Encoding": "8bit"}
    for m in msgids:
        pot.append(polib.POEntry(msgid=m, msgstr=""))
    pot.save(str(root / "locale" / f"{PAGE}.pot"))
    pot.metadata.update({"Language": "es", "Plural-Forms": "nplurals=2; plural=(n != 1);"})
    pot.save(str(root / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "--root", str(root), "-q",
                           "translate", "--lang", "es"], capture_output=True, text=True,
                          cwd=checkout, env=env, check=False)
    if proc.returncode not in (0, 1):
        sys.exit(f"translate ({checkout}) failed:\n{proc.stderr}")
    po = polib.pofile(str(root / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"))
    return {e.msgid: e.msgstr for e in po if e.msgid}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, help="another checkout to measure too")
    parser.add_argument("--entries", action="store_true", help="list every entry that moved")
    parser.add_argument("--tmx", type=Path, help="measure on a TMX's en/es units instead")
    parser.add_argument("--limit", type=int, default=500, help="units of --tmx (first N)")
    args = parser.parse_args(argv)
    ref = tmx_reference(args.tmx, args.limit) if args.tmx else reference()
    msgids = list(ref)
    refs = [ref[m] for m in msgids]
    raw = raw_apertium(msgids)
    rows = [("raw apertium -u eng-spa", raw)]
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as tmp:
        if args.before is not None:
            rows.append((f"pipeline draft, before ({args.before})",
                         pipeline_draft(msgids, args.before.resolve(), Path(tmp))))
        rows.append(("pipeline draft, this checkout", pipeline_draft(msgids, REPO, Path(tmp))))
    where = f"{args.tmx.name}, first {len(msgids)} units" if args.tmx else \
        f"seed page: {len(msgids)} reviewed entries"
    print(f"Spanish, {where} "
          f"({sum(len(m.split()) for m in msgids)} English words); chrF2 against the "
          "reviewed Spanish")
    base = corpus_chrf([raw[m] for m in msgids], refs)
    for label, drafts in rows:
        value = corpus_chrf([drafts.get(m, "") for m in msgids], refs)
        empty = sum(not drafts.get(m) for m in msgids)
        print(f"  {label:48} chrF {value:5.1f}  ({value - base:+5.1f} vs raw; {empty} empty)")
    after = rows[-1][1]
    for label, other in [("raw apertium", raw), *(
            [("before", rows[1][1])] if args.before is not None else [])]:
        moves = [(sentence_chrf(after.get(m, ""), ref[m]) - sentence_chrf(other.get(m, ""),
                                                                          ref[m]), m)
                 for m in msgids]
        wins = sorted((d, m) for d, m in moves if d > 0.05)
        losses = sorted((d, m) for d, m in moves if d < -0.05)
        print(f"  this checkout vs {label}: {len(wins)} entries better, {len(losses)} worse, "
              f"{len(msgids) - len(wins) - len(losses)} the same")
        shown = sorted(moves) if args.entries else losses[:5] + wins[-5:]
        for d, m in shown:
            if abs(d) <= 0.05:
                continue
            print(f"    {d:+6.1f}  {m[:70]!r}")
            if args.entries:
                print(f"           {label}: {other.get(m, '')[:110]!r}")
                print(f"           this:  {after.get(m, '')[:110]!r}")
                print(f"           ref:   {ref[m][:110]!r}")


if __name__ == "__main__":
    main()
