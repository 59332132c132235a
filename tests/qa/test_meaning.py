"""Meaning checks: word lists per language, each check on its own, false alarms on the
reviewed catalogs and recall on the planted-error corpus (``bench/meaning.py``)."""

from __future__ import annotations

import importlib.util
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import polib
import pytest

from pipeline.catalog.glossary import Glossary
from pipeline.config import load_config, parse_language
from pipeline.qa.checks import check_entry
from pipeline.qa.findings import Context
from pipeline.qa.lexicon import count, lexicon, number_values, sentences, unspelled

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = [lang.gettext for lang in load_config(REPO).languages]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_meaning", REPO / "bench" / "meaning.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_meaning"] = module
    spec.loader.exec_module(module)
    return module


BENCH = _bench()


def findings(lang: str, english: str, translation: str) -> set[str]:
    ctx = Context(parse_language(lang), Glossary())
    return {f.check for f in check_entry(polib.POEntry(msgid=english, msgstr=translation), ctx)}


# ---- word lists, per configured language ----------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_configured_language_has_every_list(lang: str) -> None:
    lex = lexicon(parse_language(lang).base)
    assert lex is not None, f"no word lists for {lang}"
    for name in ("negation", "before", "after", "possible", "necessary", "cannot"):
        assert getattr(lex, name), f"{lang}: empty {name} list"
    values = set(lex.numbers.values())
    assert {2, 3, 10} <= values or lex.code == "zh"


NUMBERS = [
    ("en", "three", 3), ("en", "twenty-one", 21), ("en", "a second surgery", 2),
    ("es", "tres", 3), ("es", "veinticuatro", 24), ("es", "una segunda cirugía", 2),
    ("es", "treinta y dos", 32), ("fr", "vingt et un", 21), ("fr", "une deuxième opération", 2),
    ("fr", "quatre-vingt-dix", 90), ("ca", "vint-i-un", 21), ("ca", "una segona cirurgia", 2),
    ("gl", "vinte e un", 21), ("gl", "dúas", 2), ("gl", "unha segunda cirurxía", 2),
    ("ar", "ثلاثة", 3), ("ar", "ثلاث جرعات", 3), ("ar", "واحد وعشرون", 21),
    ("ar", "جراحة ثانية", 2), ("ar", "مرتين", 2),
    ("zh", "二十四", 24), ("zh", "第二次手术", 2), ("zh", "两次", 2), ("zh", "一万二千", 12000),
]


@pytest.mark.parametrize(("lang", "text", "value"), NUMBERS)
def test_numbers_in_words_have_their_value(lang: str, text: str, value: int) -> None:
    lex = lexicon(lang)
    assert lex is not None
    assert value in number_values(text, lex)[1]


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "one of the doctors"), ("es", "un médico y una enfermera"),
    ("zh", "脊柱两侧十分重要"), ("zh", "一些患者"), ("fr", "un bâtiment neuf"),
])
def test_articles_and_idioms_are_not_numbers(lang: str, text: str) -> None:
    lex = lexicon(lang)
    assert lex is not None
    assert number_values(text, lex)[1] == set()


NEGATIVE = [
    ("en", "Do not give aspirin."), ("en", "It doesn't hurt."), ("en", "without pain"),
    ("es", "No le dé aspirina."), ("es", "sin dolor"), ("fr", "Ne donnez pas d’aspirine."),
    ("fr", "N’arrêtez jamais."), ("ca", "No doneu aspirina."), ("gl", "Non lle deas aspirina."),
    ("ar", "لا تعطِ طفلك الأسبرين."), ("ar", "ولا يؤثر"), ("ar", "دون ألم"),
    ("zh", "不要服用阿司匹林。"), ("zh", "目前没有试验。"), ("zh", "切勿停药。"),
]
POSITIVE = [
    ("es", "Sin embargo, funciona."), ("fr", "non seulement utile"),
    ("ar", "الحبل الشوكي وغيره من البُنى"), ("zh", "处于不同阶段"), ("zh", "特别重要"),
    ("zh", "未来的治疗"), ("en", "toll-free number"),
]


@pytest.mark.parametrize(("lang", "text"), NEGATIVE)
def test_negation_words_are_found(lang: str, text: str) -> None:
    lex = lexicon(lang)
    assert lex is not None
    assert count(text, lex.negation, lex, lex.negation_except) >= 1


@pytest.mark.parametrize(("lang", "text"), POSITIVE)
def test_lookalikes_are_not_negations(lang: str, text: str) -> None:
    lex = lexicon(lang)
    assert lex is not None
    assert count(text, lex.negation, lex, lex.negation_except) == 0


def test_sentences_do_not_end_at_abbreviations() -> None:
    assert len(sentences("Care at St. Jude is free. Call us.")) == 2
    assert len(sentences("肉瘤是肿瘤。椎旁肉瘤起源于脊柱两侧。")) == 2


def test_a_digit_agrees_with_a_number_in_words() -> None:
    assert unspelled(["3"], "La visita dura tres horas.", "es") == []
    assert findings("es", "The visit takes three hours.", "La visita dura 3 horas.") == set()
    assert "number-words" in findings("es", "The visit takes three hours.",
                                      "La visita dura 4 horas.")


# ---- each check on its own ------------------------------------------------------------

@pytest.mark.parametrize(("lang", "english", "translation", "check"), [
    ("es", "Do not give aspirin.", "Dar aspirina.", "negation"),
    ("fr", "Take it with food.", "Ne le prenez pas avec de la nourriture.", "negation"),
    ("es", "Never stop without asking.", "Deje de tomarlo sin preguntar.", "negation"),
    ("es", "A second surgery may be needed.", "Puede ser necesaria una tercera cirugía.",
     "number-words"),
    ("ar", "Eat before the scan.", "كُل بعد الفحص.", "sequence"),
    ("zh", "Eat after the scan.", "检查前进食。", "sequence"),
    ("fr", "You may call us.", "Vous devez nous appeler.", "modality"),
    ("gl", "Paraspinal sarcoma may not have symptoms at first.",
     "O sarcoma paraespiñal non pode ter síntomas ao principio.", "modality"),
    ("es", "Wash your hands. Wear a mask. Stay home if you are sick today.",
     "Lávese las manos.", "omission"),
])
def test_each_check_sees_its_error(lang: str, english: str, translation: str,
                                   check: str) -> None:
    assert check in findings(lang, english, translation)


def test_omission_is_an_error_and_a_split_sentence_is_not_flagged() -> None:
    english = "Wash your hands. Wear a mask."
    assert "omission" not in findings("es", english, "Lávese las manos y use una mascarilla "
                                                     "en todo momento, por favor.")


def test_a_language_without_word_lists_is_skipped() -> None:
    assert findings("de", "Do not give aspirin.", "Geben Sie Aspirin.") & {"negation"} == set()


# ---- the measurements -------------------------------------------------------------------

def test_false_alarms_on_reviewed_catalogs_are_at_most_two() -> None:
    alarms = BENCH.false_alarms()
    print(f"\nfalse alarms on reviewed es, fr, ar, zh_Hans: {len(alarms)}")
    assert len(alarms) <= 2, "\n".join(map(str, alarms))


def test_good_hand_written_translations_raise_nothing() -> None:
    _, alarms = BENCH.pairs()
    assert alarms == []


def test_recall_on_planted_errors_per_kind() -> None:
    results = BENCH.recall()
    sentences_, _ = BENCH.pairs()
    print("\nplanted in the committed catalogs:\n" + BENCH.table(results))
    print("hand-written sentence pairs:\n" + BENCH.table(sentences_))
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for r in [*results, *sentences_]:
        by_kind[r.plant.kind].append(r.caught)
    for kind, caught in by_kind.items():
        assert sum(caught) / len(caught) >= 0.8, f"{kind}: {sum(caught)}/{len(caught)}"
    everything = [c for cs in by_kind.values() for c in cs]
    assert sum(everything) / len(everything) >= 0.8
    assert {r.plant.lang for r in results} == set(LANGUAGES)


def test_every_plant_applies_to_its_entry() -> None:
    for plant in BENCH.plants():
        BENCH.run_plant(plant)  # raises when the entry or the text to replace is gone
