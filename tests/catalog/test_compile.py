"""``compile`` writes what GNU msgfmt writes, in the catalog's own charset: real ISO-8859-1
and KOI8-R catalogs (GNU Wget's), and generated ones whose keys sort differently in their
charset than in UTF-8."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import polib
import pytest
from conftest import DATA, GETTEXT, REPO, RunCli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.catalog.compile import mo_bytes
from pipeline.catalog.pofile import parse_catalog

REAL = sorted((DATA / "real").glob("*.po"))  # Wget ISO-8859-1 and KOI8-R, Django, Window Maker…


def mo_pairs(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (key, value) byte strings of a little-endian .mo file, in file order."""
    magic, _, n, ids, strs = struct.unpack("<5I", data[:20])
    assert magic == 0x950412DE
    out = []
    for i in range(n):
        klen, koff = struct.unpack("<2I", data[ids + 8 * i: ids + 8 * i + 8])
        vlen, voff = struct.unpack("<2I", data[strs + 8 * i: strs + 8 * i + 8])
        out.append((data[koff:koff + klen], data[voff:voff + vlen]))
    return out


def msgfmt(po: Path, tmp_path: Path) -> bytes:
    out = tmp_path / (po.stem + ".msgfmt.mo")
    subprocess.run(["msgfmt", "-o", str(out), str(po)], check=True, capture_output=True)
    return out.read_bytes()


def charset_of(pairs: list[tuple[bytes, bytes]]) -> str:
    found = re.search(rb"charset=([\w-]+)", pairs[0][1]) if pairs and pairs[0][0] == b"" else None
    return found.group(1).decode("ascii") if found else "UTF-8"


def decoded(pairs: list[tuple[bytes, bytes]]) -> tuple[dict[str, str], str]:
    """The messages as text, decoded by the file's own header, and the header with its
    charset left out; the keys must be sorted by their bytes (gettext bisects them)."""
    keys = [k for k, _ in pairs]
    assert keys == sorted(keys)
    charset = charset_of(pairs)
    text = {k.decode(charset): v.decode(charset) for k, v in pairs}
    header = re.sub(r"charset=[\w-]+", "charset=", text.pop("", ""))
    return text, header


def same_as_msgfmt(po: Path, tmp_path: Path) -> None:
    """Our .mo says what GNU msgfmt's says. msgfmt of gettext 0.21 (Debian 12) keeps the
    catalog's charset, and then the files are equal byte for byte; newer msgfmt (Debian 13)
    converts to UTF-8, and then every message must decode to the same text."""
    ours = mo_pairs(mo_bytes(parse_catalog(po.read_bytes(), po), GETTEXT)[0])
    theirs = mo_pairs(msgfmt(po, tmp_path))
    assert decoded(ours) == decoded(theirs)
    if charset_of(theirs).lower() == charset_of(ours).lower():
        assert [k for k, _ in ours] == [k for k, _ in theirs]  # same keys, same order
        assert ours == theirs  # every message byte for byte, the header too


@pytest.mark.parametrize("po", REAL, ids=lambda p: p.name)
def test_real_non_utf8_catalogs_compile_as_msgfmt_compiles_them(po: Path,
                                                                 tmp_path: Path) -> None:
    same_as_msgfmt(po, tmp_path)
    cat = parse_catalog(po.read_bytes(), po)
    charset = cat.charset()
    got = {k.decode(charset): v.decode(charset)
           for k, v in mo_pairs(mo_bytes(cat, GETTEXT)[0])[1:]}
    wanted = {}
    for e in cat.entries():
        forms = [e.msgstr_plural[k] for k in sorted(e.msgstr_plural)] if e.msgid_plural \
            else [e.msgstr]
        if all(forms) and "fuzzy" not in e.flags:
            key = (f"{e.msgctxt}\x04" if e.msgctxt is not None else "") + e.msgid
            wanted[key + (f"\0{e.msgid_plural}" if e.msgid_plural else "")] = "\0".join(forms)
    assert got == wanted  # read back as the text the catalog holds, drafts left out
    assert any("fuzzy" in e.flags for e in cat.entries()) or charset != "koi8-r"


def test_compile_command_on_a_latin1_catalog(project: Path, run: RunCli,
                                             tmp_path: Path) -> None:
    shutil.copytree(REPO / "locale", project / "locale")
    site = project / "locale" / "es" / "LC_MESSAGES" / "site.po"
    text = site.read_text("utf-8").replace("charset=UTF-8", "charset=ISO-8859-1")
    site.write_bytes(text.encode("iso-8859-1"))
    result = run("compile", "--lang", "es")
    assert result.exit_code == 0, result.output
    ours = mo_pairs(site.with_suffix(".mo").read_bytes())
    theirs = mo_pairs(msgfmt(site, tmp_path))
    assert decoded(ours)[0] == decoded(theirs)[0]
    assert any(b"\xf3" in v for _, v in ours)  # "ó" as one Latin-1 byte, not UTF-8's two


WORDS = st.text(alphabet="abcdeéñüçжзийкАБВ ", min_size=1, max_size=12).map(str.strip).filter(bool)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(charset=st.sampled_from(["ISO-8859-5", "KOI8-R", "UTF-8"]),
       pairs=st.dictionaries(WORDS, WORDS, min_size=1, max_size=8),
       ctx=st.booleans())
def test_generated_catalogs_compile_as_msgfmt(tmp_path: Path, charset: str,
                                              pairs: dict[str, str], ctx: bool) -> None:
    """Keys sort by the bytes of the declared charset (KOI8-R's Cyrillic order is not
    Unicode's): gettext finds a message by bisecting them."""
    pairs = {k: v for k, v in pairs.items() if not any(c in "éñüç" for c in k + v)} \
        if charset != "UTF-8" else pairs
    if not pairs:
        return
    po = polib.POFile()
    po.metadata = {"MIME-Version": "1.0", "Content-Type": f"text/plain; charset={charset}",
                   "Content-Transfer-Encoding": "8bit"}
    for i, (k, v) in enumerate(pairs.items()):
        po.append(polib.POEntry(msgid=k, msgstr=v, msgctxt="ctx" if ctx and i % 2 else None))
    path = tmp_path / f"gen-{charset}.po"
    path.write_bytes(str(po).encode(charset))
    same_as_msgfmt(path, tmp_path)
