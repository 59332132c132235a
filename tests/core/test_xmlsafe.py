"""One XML reader for XLIFF, TMX and TBX: declarations refused in every encoding, one size and
depth limit, through each import command, with nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DATA, REPO, RunCli, tree_digest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import xmlsafe
from pipeline.errors import CatalogError

EX = DATA / "exchange"
TMX = EX / "okapi-rainbow.tmx"
TBX = EX / "tbx-basic-2008.tbx"

DECLARATIONS = [
    '<!DOCTYPE {root} [<!ENTITY boom "boom">]>',
    '<!DOCTYPE {root} [<!ENTITY % p "x"> ]>',
    '<!DOCTYPE {root} [<!ATTLIST tu tuid CDATA "injected">]>',
    '<!DOCTYPE {root} [<!ELEMENT {root} ANY>]>',
    '<!DOCTYPE {root} SYSTEM "file:///etc/passwd" [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
]
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]


def encoded(text: str, encoding: str) -> bytes:
    """``text`` in ``encoding``, its XML declaration naming it (a BOM where one is needed)."""
    name = encoding.upper().removesuffix("-LE").removesuffix("-BE")
    decl = f'<?xml version="1.0" encoding="{name}"?>'
    body = decl + "\n" + text.split("?>", 1)[1].lstrip() if text.startswith("<?xml") else \
        decl + "\n" + text
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    return bom + body.encode(encoding)


def with_declaration(src: Path, root: str, decl: str) -> str:
    text = src.read_text(encoding="utf-8")
    text = "\n".join(line for line in text.split("\n") if not line.startswith("<!DOCTYPE"))
    at = text.index(f"<{root}")
    return text[:at] + decl.format(root=root) + "\n" + text[at:]


@pytest.fixture
def site(project: Path) -> Path:
    shutil.copytree(REPO / "locale", project / "locale")
    return project


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["tmx", "tbx"]), decl=st.sampled_from(DECLARATIONS),
       encoding=st.sampled_from(ENCODINGS))
def test_tmx_and_tbx_declarations_refused_in_any_encoding(site: Path, run: RunCli,
                                                          tmp_path: Path, kind: str, decl: str,
                                                          encoding: str) -> None:
    src, root, command = ((TMX, "tmx", ("tm", "import")) if kind == "tmx"
                          else (TBX, "martif", ("glossary", "import")))
    bad = tmp_path / f"bad.{kind}"
    bad.write_bytes(encoded(with_declaration(src, root, decl), encoding))
    before = tree_digest(site)
    result = run(*command, str(bad), root=site)
    assert result.exit_code == 2, result.output
    assert "DOCTYPE or entity declarations" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert tree_digest(site) == before


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_bare_dtd_name_is_read_in_any_encoding(site: Path, run: RunCli, tmp_path: Path,
                                                 encoding: str) -> None:
    """What every CAT tool writes (``<!DOCTYPE tmx SYSTEM "tmx14.dtd">``) is no declaration."""
    good = tmp_path / "good.tmx"
    good.write_bytes(encoded(with_declaration(TMX, "tmx", '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'),
                             encoding))
    result = run("tm", "import", str(good), root=site)
    assert result.exit_code == 0, result.output


def test_xliff_takes_no_doctype_at_all(tmp_path: Path) -> None:
    path = tmp_path / "x.xlf"
    data = b'<!DOCTYPE xliff SYSTEM "xliff.dtd"><xliff/>'
    with pytest.raises(CatalogError, match="DOCTYPE"):
        xmlsafe.parse_bytes(data, path, "XLIFF")
    assert xmlsafe.parse_bytes(data, path, "TMX", doctype=True).tag == "xliff"


@pytest.mark.parametrize("kind", ["tmx", "tbx"])
def test_tmx_and_tbx_have_the_size_limit(site: Path, run: RunCli, tmp_path: Path,
                                         kind: str) -> None:
    src, command = (TMX, ("tm", "import")) if kind == "tmx" else (TBX, ("glossary", "import"))
    text = src.read_text(encoding="utf-8")
    big = tmp_path / f"big.{kind}"
    pad = "<!--" + "x" * (xmlsafe.MAX_XML_BYTES + 10) + "-->"
    big.write_text(text.replace("?>", "?>" + pad, 1), encoding="utf-8")
    before = tree_digest(site)
    result = run(*command, str(big), root=site)
    assert result.exit_code == 2, result.output
    assert f"limit {xmlsafe.MAX_XML_BYTES:,}" in result.stderr
    assert tree_digest(site) == before


@pytest.mark.parametrize("kind", ["tmx", "tbx"])
def test_tmx_and_tbx_have_the_depth_limit(site: Path, run: RunCli, tmp_path: Path,
                                          kind: str) -> None:
    src, command, inner = ((TMX, ("tm", "import"), "</body>") if kind == "tmx"
                           else (TBX, ("glossary", "import"), "</body>"))
    deep = "<hi>" * 5000 + "</hi>" * 5000
    bad = tmp_path / f"deep.{kind}"
    bad.write_text(src.read_text(encoding="utf-8").replace(inner, deep + inner, 1), "utf-8")
    before = tree_digest(site)
    result = run(*command, str(bad), root=site)
    assert result.exit_code == 2, result.output
    assert f"(limit {xmlsafe.MAX_XML_DEPTH})" in result.stderr
    assert tree_digest(site) == before


def test_a_billion_laughs_is_refused_before_expansion(tmp_path: Path) -> None:
    lol = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa">'
           + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                     for i in range(8)) + ']><tmx>&i;</tmx>')
    with pytest.raises(CatalogError, match="entity declaration"):
        xmlsafe.parse_bytes(lol.encode("utf-16"), tmp_path / "lol.tmx", "TMX", doctype=True)


def test_the_writer_refuses_what_the_reader_would(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    with pytest.raises(CatalogError, match="control character"):
        xmlsafe.clean("a\x01b", "x.po:3")
    root = ET.Element("tmx")
    ET.SubElement(root, "body").text = "x" * (xmlsafe.MAX_XML_BYTES + 1)
    target = tmp_path / "out.tmx"
    with pytest.raises(CatalogError, match="nothing was written"):
        xmlsafe.write(target, root, "TMX")
    assert not target.exists()


@pytest.mark.parametrize("char", ["&#13;", "&#133;", "&#x7F;", "&#x9B;"])
def test_the_control_character_rule_holds_for_tmx_and_tbx(site: Path, run: RunCli,
                                                          tmp_path: Path, char: str) -> None:
    """What XLIFF import refuses (a character that can hide text from a reviewer) TMX and
    TBX import refuse too: counted, never stored."""
    tmx = tmp_path / "c.tmx"
    tmx.write_text('<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en">'
                   f'<seg>Hello</seg></tuv><tuv xml:lang="es"><seg>Ho{char}la</seg></tuv></tu>'
                   "</body></tmx>", "utf-8")
    result = run("tm", "import", str(tmx), root=site)
    assert result.exit_code == 0 and "1 refused (a control character)" in result.output
    assert not (site / "locale" / "es" / "memory.tmx").exists()
    if char in ("&#13;", "&#133;"):
        return  # TBX import folds whitespace in a term (these two become a space)
    tbx = tmp_path / "c.tbx"
    tbx.write_text('<martif type="TBX" xml:lang="en"><text><body><termEntry><langSet '
                   'xml:lang="en"><tig><term>osteoma</term></tig></langSet><langSet '
                   f'xml:lang="es"><tig><term>oste{char}oma</term></tig></langSet></termEntry>'
                   "</body></text></martif>", "utf-8")
    before = tree_digest(site)
    result = run("glossary", "import", str(tbx), root=site)
    assert result.exit_code == 0 and "1 refused (a control character)" in result.output
    assert tree_digest(site) == before
