"""The termbase and the safety phrases: what ``mt`` and ``qa`` both read."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.catalog.glossary import load_glossary, load_phrases, phrases_for
from pipeline.errors import SourceError


def test_variants_column_is_optional_and_pipe_separated(tmp_path: Path) -> None:
    path = tmp_path / "glossary.csv"
    path.write_text("term,lang,translation,note,stand_in,variants\n"
                    "spine,es,columna vertebral,,,columna| raquis \n"
                    "St. Jude,,,name,,\n", encoding="utf-8")
    terms = load_glossary(path).terms
    assert terms[0].variants == ("columna", "raquis") and terms[1].variants == ()


def test_phrases_are_read_per_language(tmp_path: Path) -> None:
    path = tmp_path / "phrases.csv"
    path.write_text("phrase,lang,translation,variants,note\n"
                    "call your care team,es,llame a su equipo de atención,"
                    "llamen a su equipo de atención,\n"
                    "call your care team,fr,appelez votre équipe soignante,,\n",
                    encoding="utf-8")
    found = load_phrases(path)
    es = phrases_for(found, "es")
    assert [p.translation for p in es] == ["llame a su equipo de atención"]
    assert es[0].variants == ("llamen a su equipo de atención",)
    assert load_phrases(tmp_path / "absent.csv") == ()


def test_a_phrase_row_without_translation_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "phrases.csv"
    path.write_text("phrase,lang,translation,variants,note\nright away,es,,,\n",
                    encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_phrases(path)
    assert info.value.line == 2 and "translation" in info.value.message
