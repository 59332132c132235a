#!/usr/bin/env python3
"""A medical term seed for ``locale/glossary.csv`` from TICO-19's translation memory (CC0).

    python bench/term_seed.py TMX LANG            # rows to append, on stdout
    python bench/term_seed.py TMX es --explain    # with every candidate and why it was kept

Source: the Translation Initiative for COVID-19 (TICO-19), https://tico-19.github.io,
repository tico-19/tico-19.github.io at commit d97615f, ``data/TM/all.en-es-419.tmx`` (es) and
``data/TM/all.en-fr.tmx`` (fr): about 3,000 professionally translated sentences of medical
text (CMU medical-domain dialogues, PubMed abstracts, Wikipedia, Wikinews), released under
CC0 1.0 (``locale/glossary-sources/TICO-19-LICENSE.md``). Not this page, not its catalogs.

How a row is made, with no knowledge of the seed page's reviewed translations:

1. ``TERMS`` lists general patient-information words in three groups (anatomy, treatment,
   care roles), written before looking at any draft.
2. For each, the target word (or two-word phrase, leading article removed) that co-occurs
   with it most (Dice coefficient over the sentence pairs) is its translation, kept when the
   English occurs in at least ``MIN_SENTENCES`` sentences and Dice ≥ ``MIN_DICE``.
3. For Spanish, Apertium's analyser must read the translation as a noun (``muscle`` →
   "muscular" is an adjective: dropped), and the row's ``stand_in`` is the term itself when
   Apertium's own rendering of the bare term has the same gender and number as the approved
   word (``body`` → "ente", m sg, like "cuerpo"): then the sentence is translated around
   Apertium's word and the approved one is swapped in, keeping article and agreement.
   Otherwise the term travels as a placeholder.
4. ``EXCLUDED`` names the candidates a person struck out, each with the reason.
5. ``--reviewed PO…``: a row the project's reviewed translations contradict (an entry whose
   English has the term and whose reviewed text lacks the row's translation) is left out:
   the seed never overrides a translator's choice, and ``check`` would warn about it on
   reviewed text. This only removes rows; nothing is taken from the catalogs.
"""

from __future__ import annotations

import argparse
import collections
import csv
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TERMS = {
    "anatomy": ["body", "cells", "blood", "skin", "lungs", "organs", "bones", "muscles",
                "nerves", "brain", "heart", "spine", "tissues"],
    "treatment": ["treatment", "treatments", "drugs", "medicines", "surgery", "diagnosis",
                  "symptoms", "pain", "fever", "infection", "disease", "prognosis",
                  "therapy", "tests"],
    "care roles": ["doctors", "patients", "patient", "nurses", "parents", "children",
                   "family", "team", "hospital", "physician"],
}
EXCLUDED = {
    ("tissues", "pañuelos"): "the TM's sense is paper tissues, not body tissue",
    ("tissue", "pañuelo"): "the TM's sense is a paper tissue, not body tissue",
}
MIN_SENTENCES, MIN_DICE = 5, 0.6
SOURCES = {
    "es": "TICO-19 TM all.en-es-419.tmx (CC0)",
    "fr": "TICO-19 TM all.en-fr.tmx (CC0)",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_ARTICLES = {"es": {"el", "la", "los", "las", "un", "una", "del", "al"},
             "fr": {"le", "la", "les", "l", "un", "une", "des", "du", "de"}}
_STOP_ES = "de la el en y a los las que se del por con para un una su es no al lo o más como"
_STOP_FR = "de la le les et à des du en un une que qui pour par sur au aux est pas ne se il"
_STOP = {"es": {*_STOP_ES.split(" "), "le", "sus", "ha", "si", "son", "pueden", "puede"},
         "fr": {*_STOP_FR.split(" "), "sont", "elle", "l", "d"}}


def pairs(path: Path, lang: str) -> list[tuple[str, str]]:
    found = []
    for tu in ET.parse(path).getroot().iter("tu"):
        segs = {}
        for tuv in tu.iter("tuv"):
            seg = tuv.find("seg")
            segs[tuv.get(_XML_LANG) or ""] = "".join(seg.itertext()) if seg is not None else ""
        en = segs.get("en")
        other = next((v for k, v in segs.items() if k.split("-")[0] == lang), None)
        if en and other:
            found.append((en.casefold(), other.casefold()))
    return found


def grams(text: str) -> set[str]:
    words = _WORD.findall(text)
    return set(words) | {" ".join(words[i:i + 2]) for i in range(len(words) - 1)}


def candidates(units: list[tuple[str, str]], lang: str) -> dict[str, tuple[str, float, int]]:
    """term → (translation, Dice, sentences with the term)."""
    target = [grams(t) for _, t in units]
    freq: collections.Counter[str] = collections.Counter()
    for g in target:
        freq.update(g)
    out = {}
    for term in (t for group in TERMS.values() for t in group):
        rx = re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])")
        hits = [g for (en, _), g in zip(units, target, strict=True) if rx.search(en)]
        co: collections.Counter[str] = collections.Counter()
        for g in hits:
            co.update(g)
        best: tuple[float, str] | None = None
        for gram, count in co.items():
            words = gram.split()
            if words[0] in _ARTICLES[lang] and len(words) > 1:
                continue  # "las células" counts as "células"
            if set(words) <= _STOP[lang]:
                continue
            dice = 2 * count / (len(hits) + freq[gram])
            if best is None or dice > best[0]:
                best = (dice, gram)
        if best is not None:
            out[term] = (best[1], best[0], len(hits))
    return out


def _analyse(word: str) -> str:
    return subprocess.run(
        ["lt-proc", "-w", "/usr/share/apertium/apertium-eng-spa/spa-eng.automorf.bin"],
        input=word, capture_output=True, text=True, check=True).stdout


def _noun_tags(analysis: str) -> set[tuple[str, str]]:
    return set(re.findall(r"<n><(m|f|mf)><(sg|pl|sp)>", analysis))


def spanish_stand_in(term: str, translation: str) -> tuple[bool, str]:
    """(keep the row, stand_in): a noun, and the term itself as stand-in when Apertium's
    rendering agrees with the approved word in gender and number."""
    approved = _noun_tags(_analyse(translation.split()[0]))
    if not approved:
        return False, ""
    rendering = subprocess.run(["apertium", "-u", "eng-spa"], input=term, capture_output=True,
                               text=True, check=True).stdout.strip().casefold()
    if rendering == translation:
        return True, ""  # Apertium already says it: the term stands in for itself anyway
    same = approved & _noun_tags(_analyse(rendering.split()[0])) if rendering else set()
    return True, term if same else ""


def _reviewed(paths: list[Path]) -> list[tuple[str, str]]:
    import polib

    return [(e.msgid, e.msgstr) for p in paths for e in polib.pofile(str(p))
            if e.msgstr and not e.fuzzy and not e.obsolete]


def _contradicted(term: str, translation: str, reviewed: list[tuple[str, str]]) -> str:
    rx = re.compile(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", re.I)
    for english, text in reviewed:
        if rx.search(english) and translation.casefold() not in text.casefold():
            return english
    return ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tmx", type=Path)
    parser.add_argument("lang", choices=sorted(SOURCES))
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--reviewed", type=Path, nargs="*", default=[],
                        help="reviewed catalogs of LANG: rows they contradict are left out")
    args = parser.parse_args(argv)
    units = pairs(args.tmx, args.lang)
    reviewed = _reviewed(args.reviewed)
    rows = []
    for term, (translation, dice, n) in candidates(units, args.lang).items():
        why = ""
        stand_in = ""
        if n < MIN_SENTENCES or dice < MIN_DICE:
            why = "too rare or too loose"
        elif (term, translation) in EXCLUDED:
            why = EXCLUDED[(term, translation)]
        elif contradicted := _contradicted(term, translation, reviewed):
            why = f"the reviewed translation of {contradicted[:40]!r} says it otherwise"
        elif args.lang == "es":
            keep, stand_in = spanish_stand_in(term, translation)
            why = "" if keep else "not a noun in Spanish"
        if args.explain:
            print(f"# {term:12} {translation:24} Dice {dice:.2f} in {n:3} sentences"
                  f"{'  dropped: ' + why if why else ''}", file=sys.stderr)
        if not why:
            note = f"{SOURCES[args.lang]}, Dice {dice:.2f} over {n} sentences"
            rows.append([term, args.lang, translation, note, stand_in, ""])
    csv.writer(sys.stdout, lineterminator="\n").writerows(rows)


if __name__ == "__main__":
    main()
