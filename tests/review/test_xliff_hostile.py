"""XLIFF files from CAT tools or attackers: nesting, split files, encodings, declarations,
dropped edits, and an export that must never overwrite a project file."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import tree_digest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_xliff import DOMAIN, NS, Q, catalogs, export, page_po, site  # noqa: F401

from pipeline.catalog.pofile import load_catalog
from pipeline.review.xliff_read import MAX_XLIFF_DEPTH


def one_line_refusal(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


def nest(src: Path, dst: Path, depth: int, text: str) -> None:
    """Wrap the page file's units in ``depth`` CAT-tool groups; change the first target."""
    ET.register_namespace("", NS)
    tree = ET.parse(src)
    body = next(f for f in tree.getroot().iter(f"{Q}file")
                if f.get("original") == DOMAIN).find(f"{Q}body")
    assert body is not None
    units = list(body)
    for u in units:
        body.remove(u)
    holder = body
    for i in range(depth):
        holder = ET.SubElement(holder, f"{Q}group", id=f"g{i}")
    holder.extend(units)
    target = units[1].find(f"{Q}target")
    assert target is not None
    target.text, target.attrib["state"] = text, "translated"
    units[1].set("approved", "yes")
    tree.write(dst, encoding="utf-8", xml_declaration=True)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(min_value=0, max_value=MAX_XLIFF_DEPTH - 8))
def test_units_inside_nested_groups_are_found(site: Path, run, tmp_path: Path,  # noqa: F811
                                              depth: int) -> None:
    xlf = tmp_path / "es.xlf"
    export(run, site, xlf)  # afresh: the examples share one site
    nest(xlf, tmp_path / f"n{depth}.xlf", depth, f"Cambiado {depth}.")
    result = run("import", str(tmp_path / f"n{depth}.xlf"), root=site)
    assert result.exit_code == 0, result.output
    assert load_catalog(page_po(site)).entries()[1].msgstr == f"Cambiado {depth}."


@pytest.mark.parametrize("depth", [MAX_XLIFF_DEPTH + 1, 50_000])
def test_groups_nested_too_deep_are_refused_in_one_line(site: Path, run, tmp_path: Path,  # noqa: F811
                                                       depth: int) -> None:
    xlf = tmp_path / "es.xlf"
    export(run, site, xlf)
    text = xlf.read_text(encoding="utf-8")
    open_, close = "<group>" * depth, "</group>" * depth
    text = text.replace("<body>", "<body>" + open_, 1).replace("</body>", close + "</body>", 1)
    xlf.write_text(text, encoding="utf-8")
    before = tree_digest(site)
    one_line_refusal(run("import", str(xlf), root=site), "nested")
    assert tree_digest(site) == before


def test_two_file_elements_for_one_catalog_lose_no_unit(site: Path, run,  # noqa: F811
                                                       tmp_path: Path) -> None:
    xlf = tmp_path / "es.xlf"
    export(run, site, xlf)
    ET.register_namespace("", NS)
    tree = ET.parse(xlf)
    root = tree.getroot()
    page = next(f for f in root.iter(f"{Q}file") if f.get("original") == DOMAIN)
    body = page.find(f"{Q}body")
    assert body is not None
    units = list(body)
    second = ET.SubElement(root, f"{Q}file", dict(page.attrib))
    second_body = ET.SubElement(second, f"{Q}body")
    for u in units[len(units) // 2:]:
        body.remove(u)
        second_body.append(u)
    for unit, text in ((units[1], "Primera mitad."), (units[-2], "Segunda mitad.")):
        unit.set("approved", "yes")
        target = unit.find(f"{Q}target")
        assert target is not None
        target.text, target.attrib["state"] = text, "translated"
    tree.write(xlf, encoding="utf-8", xml_declaration=True)
    result = run("import", str(xlf), root=site)
    assert result.exit_code == 0, result.output
    texts = [e.msgstr for e in load_catalog(page_po(site)).entries()]
    assert "Primera mitad." in texts and "Segunda mitad." in texts


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8", "utf-32"])
def test_a_doctype_is_refused_in_any_encoding(site: Path, run, tmp_path: Path,  # noqa: F811
                                              encoding: str) -> None:
    xlf = tmp_path / "es.xlf"
    export(run, site, xlf)
    text = xlf.read_text(encoding="utf-8").replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml version="1.0" encoding="{encoding.upper()[:6]}"?>\n'
        '<!DOCTYPE xliff [<!ENTITY boom "boom">]>', 1)
    bom = b"\xff\xfe" if encoding == "utf-16-le" else b"\xfe\xff" if encoding == "utf-16-be" \
        else b""
    xlf.write_bytes(bom + text.encode(encoding))
    before = tree_digest(site)
    one_line_refusal(run("import", str(xlf), root=site), "DOCTYPE")
    assert tree_digest(site) == before


def test_a_utf16_file_without_declarations_imports(site: Path, run,  # noqa: F811
                                                  tmp_path: Path) -> None:
    xlf = tmp_path / "es.xlf"
    export(run, site, xlf)
    text = xlf.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    xlf.write_bytes(text.encode("utf-16"))
    result = run("import", str(xlf), root=site)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("target", ["locale/es/LC_MESSAGES/site.po", "locale/site.pot",
                                    "pyproject.toml", "source/pages/new.xlf"])
def test_export_never_overwrites_a_project_file(site: Path, run, target: str) -> None:  # noqa: F811
    before = tree_digest(site)
    result = run("export", "--lang", "es", "--output", str(site / target), root=site)
    one_line_refusal(result)
    assert tree_digest(site) == before


def test_export_refuses_an_existing_file_that_is_not_xliff(site: Path, run,  # noqa: F811
                                                         tmp_path: Path) -> None:
    notes = tmp_path / "notes.xlf"
    notes.write_text("my notes\n", encoding="utf-8")
    one_line_refusal(run("export", "--lang", "es", "--output", str(notes), root=site),
                     "not an XLIFF file")
    assert notes.read_text(encoding="utf-8") == "my notes\n"
    export(run, site, tmp_path / "es.xlf")
    export(run, site, tmp_path / "es.xlf")  # replacing its own export is fine


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x1b", "\ufffe"])
def test_a_control_character_in_a_reference_is_refused_not_written(
        site: Path, run, tmp_path: Path, char: str) -> None:  # noqa: F811
    po = page_po(site)
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("#: source/pages/", f"#: source/pa{char}ges/", 1),
                  encoding="utf-8")
    out = tmp_path / "es.xlf"
    one_line_refusal(run("export", "--lang", "es", "--output", str(out), root=site),
                     "control character")
    assert not out.exists()
