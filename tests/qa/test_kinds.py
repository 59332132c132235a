"""Round-2 meaning checks per language: organs, opposites, quantifiers, hedges, units, the
value 1, terminology with inflection and safety phrases; and the data files they read."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from pipeline.catalog.glossary import Glossary, GlossaryTerm, load_phrases
from pipeline.config import parse_language
from pipeline.qa.checks import check_entry
from pipeline.qa.findings import ERROR, Context
from pipeline.qa.kinds import kinds_data
from pipeline.qa.meaning import english_differences
from pipeline.qa.terms import said

REPO = Path(__file__).resolve().parents[2]
PHRASES = load_phrases(REPO / "locale" / "phrases.csv")
LANGS = ("es", "fr", "ar", "zh", "ca", "gl")


def found(lang: str, english: str, translation: str,
          glossary: Glossary | None = None) -> dict[str, str]:
    ctx = Context(parse_language(lang), glossary or Glossary(), phrases=PHRASES)
    return {f.check: f.severity
            for f in check_entry(polib.POEntry(msgid=english, msgstr=translation), ctx)}


@pytest.mark.parametrize("kind", ["anatomy", "quantity", "frequency", "polarity"])
def test_every_concept_has_words_in_every_configured_language(kind: str) -> None:
    for name, concept in kinds_data()[kind].items():
        assert set(LANGS) | {"en"} <= set(concept), f"{kind}.{name} lacks a language"


SPINE = "Tumors can press on the spinal cord."
ANATOMY = {
    "es": ("Los tumores pueden presionar la médula espinal.",
           "Los tumores pueden presionar el cerebro."),
    "fr": ("Les tumeurs peuvent appuyer sur la moelle épinière.",
           "Les tumeurs peuvent appuyer sur le cerveau."),
    "ar": ("قد تضغط الأورام على الحبل الشوكي.", "قد تضغط الأورام على الدماغ."),
    "zh": ("肿瘤可能会压迫脊髓。", "肿瘤可能会压迫大脑。"),
    "ca": ("Els tumors poden pressionar la medul·la espinal.",
           "Els tumors poden pressionar el cervell."),
    "gl": ("Os tumores poden presionar a medula espiñal.", "Os tumores poden presionar o cerebro."),
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_swapped_organ_is_an_error(lang: str) -> None:
    good, bad = ANATOMY[lang]
    assert "anatomy" not in found(lang, SPINE, good)
    assert found(lang, SPINE, bad).get("anatomy") == ERROR


TARGETED = "Radiation therapy is more targeted than chemo."
POLARITY = {
    "es": ("La radioterapia es más dirigida que la quimio.",
           "La radioterapia es menos dirigida que la quimio."),
    "fr": ("La radiothérapie est plus ciblée que la chimio.",
           "La radiothérapie est moins ciblée que la chimio."),
    "ar": ("العلاج الإشعاعي أكثر استهدافًا من العلاج الكيماوي.",
           "العلاج الإشعاعي أقل استهدافًا من العلاج الكيماوي."),
    "zh": ("放射治疗比化疗的针对性更多。", "放射治疗比化疗的针对性更少。"),
    "ca": ("La radioteràpia és més dirigida que la quimio.",
           "La radioteràpia és menys dirigida que la quimio."),
    "gl": ("A radioterapia é máis dirixida ca a quimio.",
           "A radioterapia é menos dirixida ca a quimio."),
}


@pytest.mark.parametrize("lang", LANGS)
def test_an_opposite_is_an_error(lang: str) -> None:
    good, bad = POLARITY[lang]
    assert "polarity" not in found(lang, TARGETED, good)
    assert found(lang, TARGETED, bad).get("polarity") == ERROR


SOME = "Some patients need surgery."
QUANTITY = {
    "es": ("Algunos pacientes necesitan cirugía.", "Todos los pacientes necesitan cirugía."),
    "fr": ("Certains patients ont besoin d’une opération.",
           "Tous les patients ont besoin d’une opération."),
    "ar": ("يحتاج بعض المرضى إلى جراحة.", "يحتاج جميع المرضى إلى جراحة."),
    "zh": ("有些患者需要手术。", "所有患者需要手术。"),
    "ca": ("Alguns pacients necessiten cirurgia.", "Tots els pacients necessiten cirurgia."),
    "gl": ("Algúns pacientes necesitan cirurxía.", "Todos os pacientes necesitan cirurxía."),
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_changed_quantifier_is_an_error(lang: str) -> None:
    good, bad = QUANTITY[lang]
    assert "quantity" not in found(lang, SOME, good)
    assert found(lang, SOME, bad).get("quantity") == ERROR


USUALLY = "It does not usually affect the skin."
HEDGES = {
    "es": ("Por lo general, no afecta la piel.", "No afecta la piel."),
    "fr": ("En général, elle n’atteint pas la peau.", "Elle n’atteint pas la peau."),
    "ar": ("ولا يؤثر عادةً في الجلد.", "ولا يؤثر في الجلد."),
    "zh": ("它通常不会影响皮肤。", "它不会影响皮肤。"),
    "ca": ("Normalment no afecta la pell.", "No afecta la pell."),
    "gl": ("Polo xeral, non afecta a pel.", "Non afecta a pel."),
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_dropped_hedge_is_a_warning(lang: str) -> None:
    good, bad = HEDGES[lang]
    assert "hedges" not in found(lang, USUALLY, good)
    assert found(lang, USUALLY, bad).get("hedges") == "warning"


@pytest.mark.parametrize(("lang", "good", "bad"), [
    ("es", "No es posible que cause síntomas.", "No causa síntomas."),
    ("fr", "Il peut ne provoquer aucun symptôme.", "Il ne provoque aucun symptôme."),
    ("zh", "可能没有症状。", "没有症状。"),
    ("ar", "قد لا تسبب أي أعراض.", "لا تسبب أي أعراض."),
])
def test_may_not_turned_into_does_not_is_flagged(lang: str, good: str, bad: str) -> None:
    english = "It may not cause symptoms."
    assert "hedges" in found(lang, english, bad)
    assert "hedges" not in found(lang, english, good) or lang == "es"


HOURS = "The pager works 24 hours a day."
UNITS = {
    "es": ("El localizador funciona las 24 horas del día.",
           "El localizador funciona las 24 semanas del día."),
    "fr": ("Le bipeur fonctionne 24 heures par jour.", "Le bipeur fonctionne 24 minutes par jour."),
    "ar": ("يعمل جهاز النداء 24 ساعة في اليوم.", "يعمل جهاز النداء 24 دقيقة في اليوم."),
    "zh": ("寻呼机每天 24 小时工作。", "寻呼机每天 24 分钟工作。"),
    "ca": ("El cercapersones funciona les 24 hores del dia.",
           "El cercapersones funciona els 24 minuts del dia."),
    "gl": ("O buscapersoas funciona as 24 horas do día.",
           "O buscapersoas funciona os 24 minutos do día."),
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_changed_unit_is_an_error(lang: str) -> None:
    good, bad = UNITS[lang]
    assert "units" not in found(lang, HOURS, good)
    assert found(lang, HOURS, bad).get("units") == ERROR


def test_a_unit_keeps_its_value_in_words() -> None:
    english = "Wait 2 weeks."
    assert "units" not in found("es", english, "Espere dos semanas.")
    assert found("es", english, "Espere tres semanas.").get("units") == ERROR
    assert "units" not in found("fr", "The pager: 24 hours.", "Bipeur : vingt-quatre heures.")


@pytest.mark.parametrize(("lang", "translation", "flagged"), [
    ("es", "Tome una dosis al día.", False),       # "una" answers "one"
    ("es", "Tome dos dosis al día.", True),
    ("fr", "Prenez une seule dose par jour.", False),
    ("zh", "每天服用两剂。", True),
])
def test_the_value_one(lang: str, translation: str, flagged: bool) -> None:
    assert ("number-words" in found(lang, "Take one dose a day.", translation)) is flagged


@pytest.mark.parametrize(("lang", "translation"), [
    ("es", "La proporción es de aproximadamente un enfermero por cada tres pacientes."),
    ("ca", "La proporció és d'aproximadament una infermera per cada tres pacients."),
    ("zh", "护士与患者的比例约为每3名患者配备1名护士。"),
])
def test_a_ratio_in_words_agrees_with_digits(lang: str, translation: str) -> None:
    assert not {"numbers", "number-words"} & set(
        found(lang, "The nurse-to-patient ratio is about 1:3.", translation))


@pytest.mark.parametrize(("lang", "english", "translation"), [
    ("es", "We lead more trials than any other hospital.",
     "Dirigimos más ensayos que ningún otro hospital."),
    ("fr", "We lead more trials than any other hospital.",
     "Nous menons plus d’essais qu’aucun autre hôpital."),
    ("ar", "Uses drugs to stop them from spreading.", "يستخدم أدوية للحيلولة دون انتشارها."),
    ("es", "Learn more about research.", "No deje de informarse sobre la investigación."),
])
def test_negative_idioms_negate_nothing(lang: str, english: str, translation: str) -> None:
    assert "negation" not in found(lang, english, translation)


def test_merged_sentences_are_not_an_omission() -> None:
    english = "Paraspinal sarcoma may not have symptoms at first. Symptoms can start gradually."
    merged = ("Es posible que el sarcoma paraespinal no cause síntomas al principio, y los "
              "síntomas pueden comenzar de forma gradual.")
    assert not {"sentences", "omission", "modality", "hedges"} & set(found("es", english, merged))


def test_apertiums_reversed_safety_instruction_is_an_error() -> None:
    english = "Do not stop any treatment without talking to your care team."
    assert found("es", english, "No para cualquier tratamiento sin hablar con su equipo de "
                 "atención.").get("safety") == ERROR
    assert "safety" not in found("es", english, "No deje de recibir ningún tratamiento sin "
                                 "hablar con su equipo de atención.")


@pytest.mark.parametrize(("lang", "phrase"), [("es", "right away"), ("fr", "right away"),
                                              ("ar", "emergency"), ("zh_Hans", "your care team")])
def test_every_reviewed_language_has_its_safety_phrases(lang: str, phrase: str) -> None:
    assert any(p.lang == lang and p.phrase == phrase and p.note for p in PHRASES)


@pytest.mark.parametrize(("term", "lang", "text", "matches"), [
    ("sarcoma paraespinal", "es", "los sarcomas paraespinales", True),
    ("ensayo clínico", "es", "ensayos clínicos abiertos", True),
    ("sarcome paravertébral", "fr", "des sarcomes paravertébraux", True),
    ("quimio", "es", "quimioterapia", False),
    ("化疗", "zh", "化疗可用于", True),
])
def test_terms_match_their_inflections(term: str, lang: str, text: str, matches: bool) -> None:
    assert said(text, (term,), lang) is matches


def test_a_glossary_variant_is_accepted() -> None:
    glossary = Glossary((GlossaryTerm("clinical trials", "ca", "assajos clínics",
                                      variants=("assaig clínic",)),))
    english = "There are no open clinical trials."
    assert "glossary" not in found("ca", english, "No hi ha cap assaig clínic obert.", glossary)
    assert "glossary" in found("ca", english, "No hi ha cap estudi obert.", glossary)


def test_english_differences_for_fuzzy_memory() -> None:
    assert english_differences("Give 2 tablets twice a day.", "Give 2 tablets twice a day.") == []
    assert english_differences("Do not stop the treatment.", "Stop the treatment.")
    assert english_differences("Take 5 mg.", "Take 50 mg.")
    assert english_differences("Wait three days.", "Wait 3 weeks.")
    assert english_differences("Wait three days.", "Wait 3 days.") == []


@pytest.mark.parametrize(("text", "negative"), [
    ("كلا الجانبين", False),                 # "both sides": كلا is one word, not ك + لا
    ("علاج", False), ("التبوّل اللاإرادي", False),  # لا inside a word negates nothing
    ("ولا يؤثر", True), ("فلا تتوقف", True),  # و / ف + لا: a negation
    ("يجب ألا تتوقف", True),                 # ألا is أن + لا
])
def test_the_arabic_clitic_rule(text: str, negative: bool) -> None:
    from pipeline.qa.lexicon import count, lexicon

    ar = lexicon("ar")
    assert ar is not None
    assert bool(count(text, ar.negation, ar, ar.negation_except)) is negative


def test_a_megabyte_through_the_concept_checks_is_one_scan() -> None:
    import time

    text = "nervios y columna " * 60_000
    began = time.perf_counter()
    found("es", "nerves", text)
    assert time.perf_counter() - began < 20
