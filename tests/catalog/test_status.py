"""``status``: reviewed / machine / untranslated / obsolete counts and percentages."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from pipeline.catalog.paths import CatalogInfo
from pipeline.catalog.status import Stats, catalog_stats, language_total, status
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


def test_catalog_stats_counts(counted: Path) -> None:
    config = load_config(counted)
    s = catalog_stats(CatalogInfo(DOMAIN, parse_language("es"), config.locale_dir), config.review)
    assert (s.reviewed, s.machine, s.untranslated, s.obsolete) == (33, 22, 11, 2)
    assert s.total == 66 and not s.missing
    assert s.reviewed_percent == pytest.approx(50.0)
    assert s.percent(s.machine) == pytest.approx(100 * 22 / 66)


def test_status_json(counted: Path, run) -> None:
    result = run("status", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_domain = {row["domain"]: row for row in data}
    assert set(by_domain) == {DOMAIN, "site"}
    page = by_domain[DOMAIN]
    assert page.pop("tier") == "standard" and page.pop("reading_level")["lang"] == "es"
    assert page.pop("waits_for").startswith("33 of 66 strings wait for a reviser")
    assert page == {
        "lang": "es",
        "domain": DOMAIN,
        "reviewed": 33,
        "machine": 22,
        "untranslated": 11,
        "obsolete": 2,
        "missing": False,
        "total": 66,
        "reviewed_percent": 50.0,
        "machine_percent": 33.3,
        "untranslated_percent": 16.7,
    }
    site = by_domain["site"]
    assert site["untranslated"] == site["total"] > 0 and site["reviewed_percent"] == 0.0


def test_status_table(counted: Path, run) -> None:
    result = run("status")
    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line.split() for line in result.stdout.splitlines()[1:]}
    page = rows[DOMAIN]
    assert page[0] == "es"
    assert page[2:4] == ["33", "50.0%"]
    assert page[-3:] == ["22", "11", "2"]
    total = rows["(all)"]
    site_total = int(rows["site"][-2])
    assert total[2] == "33" and total[-3:] == ["22", str(11 + site_total), "2"]


def test_status_missing_po_counts_template(counted: Path, run) -> None:
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
    assert total.total == sum(s.total for s in stats)


def test_stats_addition_and_empty() -> None:
    a = Stats("es", "a", reviewed=1, machine=2, untranslated=3, obsolete=4)
    b = Stats("es", "b", reviewed=10, missing=True)
    c = a + b
    assert (c.reviewed, c.machine, c.untranslated, c.obsolete, c.missing) == (11, 2, 3, 4, True)
    assert c.as_dict()["total"] == 16
    assert Stats("es", "x").reviewed_percent == 100.0  # nothing to translate: nothing missing


def test_status_before_extract_is_an_error_not_100_percent(project: Path, run) -> None:
    result = run("status")
    assert result.exit_code == 2
    assert "extract" in result.stderr and "100" not in result.stdout
