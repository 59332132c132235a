"""``status --html``: the page's numbers are ``status --json``'s, its QA errors are
``check --json``'s, everything is escaped, nothing runs, and a rerun rewrites nothing."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO
from lxml import html as lxml_html

from pipeline.catalog.pofile import load_catalog, save_catalog

DOMAIN = "paraspinal-sarcoma-treatment"


@pytest.fixture
def site(project: Path) -> Path:
    """es: the reviewed catalogs with 3 machine drafts, 2 missing and one QA error;
    fr: the page catalog only (site.po missing)."""
    shutil.copytree(REPO / "locale", project / "locale")
    shutil.rmtree(project / "locale" / "fr")
    (project / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(REPO / "locale" / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po",
                project / "locale" / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po")
    path = project / "locale" / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"
    cat = load_catalog(path)
    live = cat.entries()
    for i in (1, 2, 3):
        live[i].flags.append("fuzzy")
    live[4].msgstr = live[5].msgstr = ""
    live[6].msgstr += " 99"  # a numbers error, reviewed
    save_catalog(cat)
    (project / "pyproject.toml").write_text(
        '[tool.pipeline]\nlanguages = ["es", "fr"]\n'
        'site_name = "<script>alert(1)</script> & Co"\n', "utf-8")
    return project


def page(path: Path):  # type: ignore[no-untyped-def]
    return lxml_html.fromstring(path.read_bytes())


def test_numbers_match_status_json(site: Path, run) -> None:
    out = site / "output" / "status.html"
    result = run("status", "--html", str(out))
    assert result.exit_code == 0, result.output
    rows = json.loads(run("status", "--json").stdout)
    doc = page(out)
    shown = {(tr.getparent().getparent().getparent().get("data-lang"), tr.get("data-domain")): tr
             for tr in doc.xpath("//tr[@data-domain]")}
    assert {k for k in shown if k[1] != "(all)"} == {(r["lang"], r["domain"]) for r in rows}
    for r in rows:
        tr = shown[(r["lang"], r["domain"])]
        cells = [int(td.text_content()) for td in tr.xpath("td[@class='n']")]
        assert cells == [r["reviewed"], r["machine"], r["untranslated"], r["total"]]
        widths = {span.get("class"): float(re.search(r"width: ([\d.]+)%", span.get("style"))[1])
                  for span in tr.xpath(".//div[@class='bar']/span")}
        assert widths.get("reviewed", 0) == pytest.approx(r["reviewed_percent"], abs=0.05)
        assert widths.get("machine", 0) == pytest.approx(r["machine_percent"], abs=0.05)
        assert widths.get("missing", 0) == pytest.approx(r["untranslated_percent"], abs=0.05)
    es = {r["domain"]: r for r in rows if r["lang"] == "es"}
    assert (es[DOMAIN]["machine"], es[DOMAIN]["untranslated"]) == (3, 2)
    total = shown[("es", "(all)")]
    pages = [r for r in es.values() if r["domain"] != "site"]  # the total sums what gates
    assert [int(td.text_content()) for td in total.xpath("td[@class='n']")] == [
        sum(r[k] for r in pages) for k in ("reviewed", "machine", "untranslated", "total")]
    assert "(no .po yet)" in shown[("fr", "site")].text_content()


def test_qa_errors_match_check_json(site: Path, run) -> None:
    out = site / "status.html"
    run("status", "--html", str(out))
    doc = page(out)
    for lang in ("es", "fr"):
        found = json.loads(run("check", "--lang", lang, "--json").stdout)
        errors = [f for f in found if f["severity"] == "error"]
        items = doc.xpath(f"//section[@data-lang='{lang}']//ul[contains(@class,'errors')]/li")
        assert [li.xpath("code")[0].text for li in items] == [
            f"{f['path']}:{f['line']}" for f in errors]
        warnings = doc.xpath(f"//section[@data-lang='{lang}']//ul[contains(@class,'warnings')]/li")
        assert len(warnings) == len(found) - len(errors)
    es_items = doc.xpath("//section[@data-lang='es']//ul[contains(@class,'errors')]/li")
    assert any("numbers differ" in li.text_content() for li in es_items)


def test_everything_is_escaped_and_nothing_runs(site: Path, run) -> None:
    out = site / "status.html"
    run("status", "--html", str(out))
    raw = out.read_text("utf-8")
    assert "<script" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in raw
    doc = page(out)
    assert doc.xpath("//h1")[0].text_content().endswith("<script>alert(1)</script> & Co")
    assert not doc.xpath("//script | //link | //img | //*[@src] | //*[@onload]")


def test_rerun_rewrites_nothing(site: Path, run) -> None:
    out = site / "status.html"
    assert "wrote" in run("status", "--html", str(out)).stderr
    before = out.stat().st_mtime_ns, out.read_bytes()
    result = run("status", "--html", str(out))
    assert "unchanged" in result.stderr
    assert (out.stat().st_mtime_ns, out.read_bytes()) == before
