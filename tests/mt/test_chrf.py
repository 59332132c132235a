"""bench/chrf.py agrees with sacreBLEU: the figures below are what sacreBLEU 2.6.0 gave
(``corpus_chrf``/``sentence_chrf``, default chrF2) for these texts, in a separate venv."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import REPO

spec = importlib.util.spec_from_file_location("chrf", REPO / "bench" / "chrf.py")
assert spec is not None and spec.loader is not None
chrf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(chrf)

HYPS = ["El sarcoma paraespinal empieza en el área en cualquier lado de la espina.",
        "Los sarcomas son tumores en los tejidos blandos del ente.", "", "Llame a su médico."]
REFS = ["El sarcoma paraespinal comienza en la zona a ambos lados de la columna.",
        "Los sarcomas son tumores en los tejidos blandos del cuerpo.", "Nada",
        "Llame a su médico."]
SACREBLEU_SENTENCE = (44.61750643478511, 86.64087295014279, 0.0, 100.0)
SACREBLEU_CORPUS = 66.60197834669779


def test_corpus_chrf_matches_sacrebleu() -> None:
    assert chrf.corpus_chrf(HYPS, REFS) == pytest.approx(SACREBLEU_CORPUS, abs=1e-9)


@pytest.mark.parametrize("i", range(len(HYPS)))
def test_sentence_chrf_matches_sacrebleu(i: int) -> None:
    assert chrf.sentence_chrf(HYPS[i], REFS[i]) == pytest.approx(SACREBLEU_SENTENCE[i],
                                                                 abs=1e-9)

