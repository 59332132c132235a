"""chrF (Popović 2015) as sacreBLEU 2.x computes it by default: character n-grams 1–6,
whitespace removed, β = 2, statistics summed over the corpus, precision and recall averaged
over the orders that occur ("effective order"). No dependency: ``tests/scripts/test_chrf.py``
holds figures sacreBLEU 2.6.0 gave for the same texts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

ORDER = 6
BETA = 2.0


def _ngrams(text: str) -> list[Counter[str]]:
    line = "".join(text.split())
    return [Counter(line[i:i + n] for i in range(len(line) - n + 1))
            for n in range(1, ORDER + 1)]


def statistics(hypothesis: str, reference: str) -> list[int]:
    """[hyp, ref, match] counts for each order, flattened (sacreBLEU's layout)."""
    out: list[int] = []
    for hyp, ref in zip(_ngrams(hypothesis), _ngrams(reference), strict=True):
        match = sum(min(c, ref[g]) for g, c in hyp.items() if g in ref)
        out += [sum(hyp.values()) if ref else 0, sum(ref.values()), match]
    return out


def score(stats: Sequence[int]) -> float:
    """chrF from summed statistics, 0–100."""
    factor = BETA ** 2
    prec_sum = rec_sum = 0.0
    effective = 0
    for i in range(ORDER):
        n_hyp, n_ref, n_match = stats[3 * i: 3 * i + 3]
        if n_hyp > 0 and n_ref > 0:
            prec_sum += n_match / n_hyp
            rec_sum += n_match / n_ref
            effective += 1
    if not effective:
        return 0.0
    prec, rec = prec_sum / effective, rec_sum / effective
    if not prec + rec:
        return 0.0
    return 100 * (1 + factor) * prec * rec / (factor * prec + rec)


def corpus_chrf(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Corpus chrF: statistics of every pair summed, then scored once."""
    total = [0] * (3 * ORDER)
    for hyp, ref in zip(hypotheses, references, strict=True):
        total = [a + b for a, b in zip(total, statistics(hyp, ref), strict=True)]
    return score(total)


def sentence_chrf(hypothesis: str, reference: str) -> float:
    return score(statistics(hypothesis, reference))
