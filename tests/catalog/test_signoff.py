"""Sign-off pinned to the text (``require_signoff``) and four eyes (``four_eyes``), through
the CLI: a changed text is unreviewed for status, check, the gate and publish; nobody signs
what they translated."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from conftest import GETTEXT, REPO, SIGNED, msgfmt_ok, without_site_drafts

from pipeline.catalog.entry import (
    is_reviewed,
    is_signed,
    mark_translated,
    sign,
    signoff,
    text_hash,
    translator,
    unsigned,
)
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.config import load_config
from pipeline.errors import ConfigError

DOMAIN = "paraspinal-sarcoma-treatment"
SETTINGS = """\
[tool.pipeline]
languages = ["es"]
formats = ["html"]
{extra}
"""


def make(project: Path, extra: str = "require_signoff = true") -> Path:
    (project / "pyproject.toml").write_text(SETTINGS.format(extra=extra), "utf-8")
    without_site_drafts(shutil.copytree(
        REPO / "locale", project / "locale",
        ignore=shutil.ignore_patterns("ar", "fr", "zh_Hans", "ca", "gl")))
    return project


def po_path(root: Path) -> Path:
    return root / "locale" / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"


def cli(root: Path, *args: str, keys: str = "") -> Result:
    from pipeline.cli import cli as command

    runner = CliRunner(env={"EDITOR": "", "VISUAL": "", "USER": ""})
    return runner.invoke(command, ["--root", str(root), *args], input=keys)


def reviewed(root: Path) -> tuple[int, int]:
    rows = json.loads(cli(root, "status", "--lang", "es", "--json").output)
    return sum(r["reviewed"] for r in rows), sum(r["machine"] for r in rows)


# ---- the rule ---------------------------------------------------------------------------

def test_the_hash_covers_english_context_plural_and_translation() -> None:
    e = polib.POEntry(msgid="Hello", msgstr="Hola")
    sign(e, "Ana Pérez", "2026-12-01")
    assert is_signed(e) and is_reviewed(e, SIGNED)
    for change in (lambda x: setattr(x, "msgstr", "Hola."),
                   lambda x: setattr(x, "msgid", "Hello!"),
                   lambda x: setattr(x, "msgctxt", "menu")):
        f = polib.POEntry(msgid=e.msgid, msgstr=e.msgstr, tcomment=e.tcomment)
        change(f)
        assert not is_signed(f) and is_reviewed(f, GETTEXT) and not is_reviewed(f, SIGNED)
        assert unsigned(f) == "changed since Ana Pérez signed it off on 2026-12-01"
    plural = polib.POEntry(msgid="a day", msgid_plural="days", msgstr_plural={0: "un día",
                                                                            1: "días"})
    sign(plural, "Ana", "2026-12-01")
    plural.msgstr_plural[1] = "dias"
    assert not is_signed(plural)
    assert unsigned(polib.POEntry(msgid="x", msgstr="y")) == "not signed off"


def test_old_review_line_is_replaced_and_a_wrapped_signoff_still_reads(tmp_path: Path) -> None:
    e = polib.POEntry(msgid="Hello", msgstr="Hola",
                      tcomment="machine translation: x\nreviewed by Someone, 2020-01-01")
    sign(e, "Ana María Pérez de la Fuente Rodríguez", "2026-12-01")
    assert e.tcomment.count("review") == 1
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(e)
    path = tmp_path / "x.po"
    po.save(str(path))
    assert "\n# sha256:" in path.read_text("utf-8")  # wrapped on disk …
    again = polib.pofile(str(path))[0]
    assert is_signed(again)  # … and read whole
    msgfmt_ok(path)


def test_settings_are_booleans(project: Path) -> None:
    make(project, "require_signoff = true\nfour_eyes = true")
    config = load_config(project)
    assert config.require_signoff and config.four_eyes
    (project / "pyproject.toml").write_text(SETTINGS.format(extra='four_eyes = "yes"'), "utf-8")
    with pytest.raises(ConfigError, match="four_eyes has the wrong type"):
        load_config(project)


# ---- through the CLI --------------------------------------------------------------------

def test_unsigned_catalogs_are_not_reviewed_until_signed(project: Path) -> None:
    root = make(project)
    assert reviewed(root) == (0, 0)  # unsigned: reviewed before sign-off, not machine drafts
    result = cli(root, "publish", "--lang", "es", "--format", "html")
    assert result.exit_code == 1 and "66 reviewed translations are unsigned" in result.output
    assert "pipeline adopt --reviewer NAME" in result.output
    check = cli(root, "check", "--lang", "es")
    assert check.exit_code == 1
    first = load_catalog(po_path(root)).entries()[0].linenum
    assert f"locale/es/LC_MESSAGES/{DOMAIN}.po:{first}: error: signoff: not signed off" in (
        check.output)

    signed = cli(root, "review", "--lang", "es", "--reviewer", "Ana Pérez", keys="a\n" * 87)
    assert signed.exit_code == 0, signed.output
    assert "87 accepted" in signed.output and "0 still waiting" in signed.output
    assert "· not signed off" in signed.output
    assert reviewed(root) == (87, 0)
    assert "signoff" not in cli(root, "check", "--lang", "es").output
    assert all(is_signed(e) for e in load_catalog(po_path(root)).entries())
    msgfmt_ok(po_path(root))


def test_text_changed_after_signoff_is_unreviewed_everywhere(project: Path) -> None:
    root = make(project, "require_signoff = true\nmin_reviewed = 90")
    assert cli(root, "review", "--lang", "es", "--reviewer", "Ana",
               keys="a\n" * 87).exit_code == 0
    cat = load_catalog(po_path(root))
    tampered = cat.entries()[4]
    english = tampered.msgid
    tampered.msgstr = "Si el sarcoma paraespinal se ha diseminado, habrá pocos tumores."
    save_catalog(cat)  # an edit in a text editor: no fuzzy flag, the old sign-off kept
    line = load_catalog(po_path(root)).entries()[4].linenum

    assert reviewed(root) == (86, 1)
    check = cli(root, "check", "--lang", "es")
    assert (f"locale/es/LC_MESSAGES/{DOMAIN}.po:{line}: error: signoff: changed since Ana "
            "signed it off on") in check.output
    result = cli(root, "publish", "--lang", "es", "--format", "html")
    assert result.exit_code == 0, result.output
    html = (root / "output" / "es" / f"{DOMAIN}.html").read_text("utf-8")
    assert "habrá pocos tumores" not in html
    assert re.search(r'lang="en"[^>]*>\s*' + re.escape(english[:30]), html)

    # "muchos" → "pocos" is a quantifier error the meaning checks report: accepting asks
    # for a confirmation ("y").
    again = cli(root, "review", "--lang", "es", "--reviewer", "Luis", keys="a\ny\n")
    assert "changed since Ana signed it off on" in again.output
    assert "1 accepted" in again.output and reviewed(root) == (87, 0)
    assert signoff(load_catalog(po_path(root)).entries()[4]).name == "Luis"  # type: ignore[union-attr]


def test_without_require_signoff_a_flag_removal_still_reviews(project: Path) -> None:
    root = make(project, "")
    assert reviewed(root) == (87, 0)
    assert "signoff" not in cli(root, "check", "--lang", "es").output


# ---- four eyes --------------------------------------------------------------------------

def draft(root: Path, index: int = 1) -> str:
    cat = load_catalog(po_path(root))
    entry = cat.entries()[index]
    entry.flags.append("fuzzy")
    save_catalog(cat)
    return str(entry.msgid)


def test_four_eyes_nobody_signs_text_they_typed_in_review(project: Path) -> None:
    root = make(project, "require_signoff = true\nfour_eyes = true")
    for e in (cat := load_catalog(po_path(root))).entries():
        sign(e, "Equipo", "2026-11-25")
    save_catalog(cat)
    draft(root)
    typed = "El sarcoma paraespinal comienza a ambos lados de la columna. Conozca St. Jude."
    result = cli(root, "review", "--lang", "es", "--reviewer", "Ana", "--inline",
                 keys=f"e\n{typed}\na\nq\n")
    assert "four eyes: Ana translated this text (translated-by line of" in result.output
    entry = load_catalog(po_path(root)).entries()[1]
    assert entry.msgstr == typed and "fuzzy" in entry.flags
    assert translator(entry) == (
        "Ana", f"translated-by line of {entry.tcomment.split('translated-by: Ana, ')[1][:10]}")
    result = cli(root, "review", "--lang", "es", "--reviewer", "Luis", keys="a\ny\n")
    assert "1 accepted" in result.output, result.output
    entry = load_catalog(po_path(root)).entries()[1]
    assert is_signed(entry) and "translated-by: Ana" in entry.tcomment


def test_four_eyes_reads_last_translator_for_text_edited_outside(project: Path) -> None:
    root = make(project, "require_signoff = true\nfour_eyes = true")
    cat = load_catalog(po_path(root))
    for e in cat.entries():
        sign(e, "Equipo", "2026-11-25")
    cat.entries()[1].msgstr += " Más información."  # edited in Poedit by Ana…
    cat.po.metadata["Last-Translator"] = "Ana Pérez <ana@example.org>"  # …which says so
    save_catalog(cat)
    result = cli(root, "review", "--lang", "es", "--reviewer", "Ana Pérez", keys="a\nq\n")
    assert "four eyes: Ana Pérez translated this text (the catalog's Last-Translator)" in (
        result.output)
    result = cli(root, "review", "--lang", "es", "--reviewer", "Luis", keys="a\ny\n")
    assert "1 accepted" in result.output
    entry = load_catalog(po_path(root)).entries()[1]
    assert "translated-by: Ana Pérez" in entry.tcomment and is_signed(entry)


def test_import_records_the_translator(project: Path, tmp_path: Path) -> None:
    root = make(project, "require_signoff = true\nfour_eyes = true")
    for e in (cat := load_catalog(po_path(root))).entries():
        sign(e, "Equipo", "2026-11-25")
    save_catalog(cat)
    msgid = draft(root)
    xlf = tmp_path / "es.xlf"
    assert cli(root, "export", "--lang", "es", "--page", DOMAIN, "-o", str(xlf)).exit_code == 0
    text = xlf.read_text("utf-8")
    text = re.sub(r"(<target[^>]*>)El sarcoma paraespinal comienza",
                  r"\1El sarcoma paraespinal empieza", text, count=1)
    xlf.write_text(text, "utf-8")
    result = cli(root, "import", str(xlf), "--translator", "Ana")
    assert result.exit_code == 0, result.output
    entry = next(e for e in load_catalog(po_path(root)).entries() if e.msgid == msgid)
    assert translator(entry) is not None and translator(entry)[0] == "Ana"  # type: ignore[index]
    result = cli(root, "review", "--lang", "es", "--reviewer", "Ana", "--page", DOMAIN,
                 keys="a\nq\n")
    assert "four eyes: Ana translated this text" in result.output


def test_translated_by_is_pinned_to_the_text() -> None:
    e = polib.POEntry(msgid="Hello", msgstr="Hola")
    mark_translated(e, "Ana", "2026-12-01")
    assert translator(e) == ("Ana", "translated-by line of 2026-12-01")
    e.msgstr = "Buenas"
    assert translator(e) is None
    assert translator(e, "FULL NAME <EMAIL@ADDRESS>") is None
    assert translator(e, "Luis <l@x>") == ("Luis", "the catalog's Last-Translator")
    assert text_hash(e) != text_hash(polib.POEntry(msgid="Hello", msgstr="Hola"))


def test_four_eyes_without_signoff_is_refused_at_load(project: Path) -> None:
    root = make(project, "four_eyes = true")
    result = cli(root, "status", "--lang", "es")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "four_eyes = true needs require_signoff = true" in result.stderr
    assert "pyproject.toml" in result.stderr


def test_record_says_exactly_what_four_eyes_checked(project: Path) -> None:
    from pipeline.config import parse_language
    from pipeline.review.record import build_record

    root = make(project, "require_signoff = true\nfour_eyes = true")
    cat = load_catalog(po_path(root))
    entries = cat.entries()
    for e in entries:
        sign(e, "Luis", "2026-11-25")
    mark_translated(entries[0], "Ana", "2026-11-24")  # another person's text: independent
    mark_translated(entries[1], "Luis", "2026-11-24")  # his own text, signed in an editor
    sign(entries[0], "Luis", "2026-11-25")
    sign(entries[1], "Luis", "2026-11-25")
    cat.po.metadata["Last-Translator"] = "FULL NAME <EMAIL@ADDRESS>"
    save_catalog(cat)
    record = build_record(load_config(root), parse_language("es"), today="2026-12-01")
    text = str(record.summary["text"])
    assert "is enforced" not in text
    assert "refuse a sign-off by the person recorded as the text's translator" in text
    assert re.search(r"of the \d+ reviewed strings, 1 have a recorded translator other than "
                     r"their reviewer, \d+ have no recorded translator \(not checked\) and 1 "
                     r"were signed by their own recorded translator", text), text


@pytest.mark.parametrize("name", ["x" * 300, "Ana " * 60, "Dr " + "María-José " * 20])
def test_a_long_name_signs_and_reads_back_after_wrapping(tmp_path: Path, name: str) -> None:
    """polib wraps a long comment (the first line may be "reviewed-by:" alone); the sign-off
    still reads back after a save, whatever the name's length."""
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Yes"\nmsgstr "Sí"\n', encoding="utf-8")
    cat = load_catalog(po)
    sign(cat.entries()[0], name, "2026-12-01")
    save_catalog(cat)
    msgfmt_ok(po)
    entry = load_catalog(po).entries()[0]
    assert is_signed(entry) and is_reviewed(entry, SIGNED)
