"""``status``: reviewed / machine / untranslated / obsolete counts and percentages."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.status import Counts, Stats, count_page, language_total, status
from pipeline.config import load_config, parse_language

DOMAIN = "paraspinal-sarcoma-treatment"
PO = f"locale/es/LC_MESSAGES/{DOMAIN}.po"


@pytest.fixture
def counted(project: Path, run) -> Path:
    """es page catalog: 33 reviewed, 22 machine, 11 untranslated (one of them fuzzy but
    empty), 2 obsolete with text and 1 obsolete without."""
    for args in (("extract",), ("update",)):
        assert run(*args).exit_code == 0
    po = polib.pofile(str(project / PO))
    assert len(po) == 66
    for i, e in enumerate(po):
        if i < 33:
            e.msgstr = f"ES {e.msgid}"
        elif i < 55:
            e.msgstr = f"MT {e.msgid}"
            e.flags.append("fuzzy")
        elif i == 55:
            e.flags.append("fuzzy")  # fuzzy but empty: still untranslated
    for msgid, msgstr in (("Old one", "Viejo"), ("Old two", "Viejo dos"), ("Old three", "")):
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, obsolete=True))
    po.save()
    return project


def test_count_page_counts(counted: Path) -> None:
    config = load_config(counted)
    info = CatalogInfo(DOMAIN, parse_language("es"), config.locale_dir)
    c = count_page(info, config.review, config.pages_dir)
    assert (c.reviewed, c.machine, c.untranslated, c.outdated, c.new) == (33, 22, 11, 0, 0)
    assert c.total == 66 and c.share == pytest.approx(50.0)


def test_status_json(counted: Path, run) -> None:
    result = run("status", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_domain = {row["domain"]: row for row in data}
    assert set(by_domain) == {DOMAIN, "site"}
    page = by_domain[DOMAIN]
    assert {k: page[k] for k in ("lang", "reviewed", "machine", "untranslated", "outdated",
                                 "new", "unsigned", "obsolete", "missing", "stale",
                                 "orphaned", "total", "reviewed_percent")} == {
        "lang": "es", "reviewed": 33, "machine": 22, "untranslated": 11, "outdated": 0,
        "new": 0, "unsigned": 0, "obsolete": 2, "missing": False, "stale": False,
        "orphaned": False, "total": 66, "reviewed_percent": 50.0}
    assert page["verdict"] == "not ready" and "min_reviewed is 100%" in page["problem"]
    site = by_domain["site"]
    assert site["untranslated"] == site["total"] > 0 and site["reviewed_percent"] == 0.0
    assert "verdict" not in site  # template strings gate nothing: English until reviewed


def test_status_table(counted: Path, run) -> None:
    result = run("status")
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.splitlines()
    assert header.split()[3:7] == ["machine", "outdated", "new", "untransl."]
    rows = {line.split()[1]: line.split() for line in lines}
    page = rows[DOMAIN]
    assert page[0] == "es"
    assert page[2:4] == ["33", "50.0%"]
    assert page[5:10] == ["22", "0", "0", "11", "2"] and page[10:] == ["not", "ready"]
    total = rows["(all)"]  # the pages' sum, as the gate sums them (site strings apart)
    assert total[2] == "33" and total[5:10] == ["22", "0", "0", "11", "2"]


def test_status_missing_po_counts_the_page(counted: Path, run) -> None:
    result = run("status", "--lang", "fr", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["lang"] for r in rows} == {"fr"}
    page = next(r for r in rows if r["domain"] == DOMAIN)
    assert page["missing"] is True and page["untranslated"] == 66 and page["reviewed"] == 0
    assert "(no .po)" in run("status", "--lang", "fr").stdout
    assert not (counted / "locale" / "fr").exists()  # status writes nothing


def test_status_several_languages_in_order(counted: Path, run) -> None:
    rows = json.loads(run("status", "--lang", "pt-BR", "--lang", "es", "--json").stdout)
    assert [r["lang"] for r in rows] == ["pt_BR", "pt_BR", "es", "es"]


def test_library_status_and_totals(counted: Path) -> None:
    config = load_config(counted)
    stats = status(config, [parse_language("es")])
    assert [s.domain for s in stats] == [DOMAIN, "site"]
    total = language_total(stats, "es")
    assert total.domain == "(all)"
    assert total.reviewed == 33 and total.machine == 22
    assert total.total == stats[0].total  # the site strings gate nothing


def test_stats_addition_and_empty() -> None:
    a = Stats("es", "a", Counts(reviewed=1, machine=2, untranslated=3), obsolete=4)
    b = Stats("es", "b", Counts(reviewed=10), missing=True)
    c = a + b
    assert (c.reviewed, c.machine, c.untranslated, c.obsolete, c.missing) == (11, 2, 3, 4, True)
    assert c.as_dict()["total"] == 16
    assert Stats("es", "x").reviewed_percent == 100.0  # nothing to translate: nothing missing


def test_status_before_extract_counts_the_english_not_100_percent(project: Path, run) -> None:
    result = run("status", "--json")
    assert result.exit_code == 0, result.output
    (page,) = json.loads(result.stdout)
    assert page["reviewed_percent"] == 0.0 and page["untranslated"] == page["total"] > 0


def test_status_sees_the_english_as_it_is_now(counted: Path, run) -> None:
    """Edit the English and skip extract: the changed string is new, the template stale."""
    page = counted / "source/pages" / f"{DOMAIN}.md"
    text = page.read_text("utf-8")
    page.write_text(text.replace("Paraspinal sarcoma may not have symptoms at first.",
                                 "Paraspinal sarcoma often has no symptoms at first."), "utf-8")
    row = next(r for r in json.loads(run("status", "--json").stdout) if r["domain"] == DOMAIN)
    assert row["new"] == 1 and row["stale"] is True and row["total"] == 66
    assert "run pipeline extract" in run("status").stdout


def test_deleted_page_catalogs_are_orphaned(counted: Path, run) -> None:
    (counted / "source/pages/other.md").write_text("---\ntitle: Other\n---\n\nHello.\n",
                                                    "utf-8")
    (counted / "source/pages" / f"{DOMAIN}.md").unlink()
    result = run("extract")
    assert result.exit_code == 0 and f"removed   locale/{DOMAIN}.pot" in result.stdout
    assert (counted / PO).exists()  # nothing reviewed is lost
    rows = {r["domain"]: r for r in json.loads(run("status", "--json").stdout)}
    assert rows[DOMAIN]["orphaned"] is True and rows[DOMAIN]["total"] == 0
    assert "counts for nothing" in run("status").stdout
