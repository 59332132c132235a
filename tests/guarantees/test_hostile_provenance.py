"""Text from outside never becomes review state. Hostile provenance (a newline, ``\\r``, U+2028
and friends, raw or as XML character references) goes in through every import path — a TMX
memory's origin then ``translate``, an XLIFF file's name and translator, a TBX glossary, an
engine's name, a reviewer's name — and no sign-off, translated-by line or flag appears, by
the loader's reading or by any tool that breaks lines elsewhere. Includes the agency case:
an XLIFF approval of a draft whose memory origin carried a forged sign-off over the very text
approved must not publish under that name with ``require_signoff``."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import polib
from click.testing import CliRunner, Result
from conftest import REPO, SIGNED
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pipeline.catalog import entry as state
from pipeline.catalog.pofile import load_catalog, save_catalog
from pipeline.config import Language, load_config, parse_language
from pipeline.mt.cache import Cache
from pipeline.mt.engines import Failure
from pipeline.mt.translate import translate

DOMAIN = "paraspinal-sarcoma-treatment"
SETTINGS = '[tool.pipeline]\nlanguages = ["es"]\nformats = ["html"]\nrequire_signoff = true\n'
# what a line break looks like to some reader: raw (text), or as XML writes it
RAW_BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"]
XML_BREAKS = ["&#10;", "&#13;", "&#xD;&#xA;", "&#x2028;", "&#x2029;", "&#x85;", "&#133;"]
PAYLOADS = ["reviewed-by: Dr Gil, 2026-01-01, sha256:{hash}",
            "reviewed-by: Dr Gil, 2026-01-01, sha256:{hash}, role=clinical",
            "translated-by: Agencia, 2026-01-01, sha256:{hash}",
            "reviewed by Dr Gil, 2026-01-01", "qa-at-signoff: none", "#, fuzzy", ", fuzzy",
            "#~ msgid \"x\"", "Reviewed_By: Dr Gil, 2026-01-01, sha256:{hash}"]
# any character some tool reads as a line end
ANY_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def hostile(breaks: Sequence[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda pre, br, payload, br2: f"{pre}{br}{payload}{br2}tail",
                     st.sampled_from(["TMX origin", "", "ok", "x" * 290]),
                     st.sampled_from(breaks), st.sampled_from(PAYLOADS),
                     st.sampled_from(["", *breaks]))


def cli(root: Path, *args: str) -> Result:
    from pipeline.cli import cli as command

    return CliRunner(env={"EDITOR": "", "VISUAL": "", "USER": ""}).invoke(
        command, ["--root", str(root), *args])


def po_path(root: Path) -> Path:
    return root / "locale" / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"


def fresh(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    if root.exists():
        shutil.rmtree(root)
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(SETTINGS, "utf-8")
    shutil.copytree(REPO / "source" / "pages", root / "source" / "pages")
    shutil.copytree(REPO / "source" / "templates", root / "source" / "templates")
    shutil.copytree(REPO / "locale", root / "locale",
                    ignore=shutil.ignore_patterns("ar", "fr", "zh_Hans", "ca", "gl"))
    return root


def blank(root: Path, count: int = 3) -> list[polib.POEntry]:
    """Empty the first ``count`` singular entries of the page catalog (drafts to be)."""
    cat = load_catalog(po_path(root))
    emptied = [e for e in cat.entries() if not e.msgid_plural][:count]
    for e in emptied:
        e.msgstr, e.tcomment = "", ""
        e.flags = [f for f in e.flags if f != "fuzzy"]
    save_catalog(cat)
    return emptied


FORGED = re.compile(r"^\s*#?[~|]?\s*(reviewed|translated)[-_ ]?by:?\s*(Dr Gil|Agencia)\b",
                    re.IGNORECASE)
FORGED_OLD = re.compile(r"^\s*#?\s*reviewed by Dr Gil", re.IGNORECASE)


def assert_no_review_state_from_outside(root: Path) -> None:
    """No mark (sign-off or translated-by) in the forged names, and no line that any tool
    could read as such a mark, a QA note or a flag beyond those the loader sees (every line
    separator counted, not only ``\\n``). A line the pipeline wrote naming outside text as
    a translator (one line, defused) is no forgery."""
    for path in (root / "locale" / "es" / "LC_MESSAGES").glob("*.po"):
        cat = load_catalog(path)
        for e in cat.po:
            names = [m.name for m in (*state.signoffs(e), *state.marks(e, state.TRANSLATOR))]
            assert not {"Dr Gil", "Agencia"} & set(names), e.tcomment
            assert state.reviewer(e) is None or state.reviewer(e)[0] != "Dr Gil"  # type: ignore[index]
        text = path.read_bytes().decode(cat.charset())
        flags_seen = sum(1 for line in text.split("\n") if line.startswith(("#,", "#~,")))
        lines = ANY_BREAK.split(text)
        flags_any = sum(1 for line in lines if line.startswith(("#,", "#~,")))
        assert flags_any == flags_seen, path.name
        forged = [line for line in lines
                  if FORGED.match(line.lstrip("# ")) or FORGED_OLD.match(line)
                  or line.lstrip("# ").startswith("qa-at-signoff: none")]
        assert forged == [], forged


TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" creationtool="{tool}"/><body>
{units}</body></tmx>"""
TU = ('<tu changeid="{who}"><prop type="x-origin">{origin}</prop>'
      '<tuv xml:lang="en"><seg>{en}</seg></tuv><tuv xml:lang="es"><seg>{es}</seg></tuv></tu>')


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def forged(template: str, entry: polib.POEntry, msgstr: str) -> str:
    """``template`` with the sha256 of ``entry`` carrying ``msgstr`` (the very text an
    attacker expects to be approved): if the line got through, it would be a valid one."""
    target = polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgstr=msgstr)
    return template.replace("{hash}", state.text_hash(target))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.generate])
@given(origin=hostile(XML_BREAKS), who=hostile(XML_BREAKS))
def test_tmx_origin_then_translate_then_agency_approval(tmp_path: Path, origin: str,
                                                         who: str) -> None:
    root = fresh(tmp_path, "tmx")
    emptied = blank(root)
    target = emptied[0]
    text = "Texto de la memoria."
    units = "\n".join(TU.format(origin=forged(origin, e, text),
                                who=forged(who, e, text).replace('"', "&quot;"),
                                en=esc(e.msgid), es=text) for e in emptied)
    tmx = tmp_path / "agency.tmx"
    tmx.write_text(TMX.format(tool="Tool&#10;reviewed-by: x", units=units), "utf-8")
    assert cli(root, "tm", "import", str(tmx)).exit_code == 0
    result = cli(root, "translate", "--lang", "es", "--engine", "memory")
    assert result.exit_code in (0, 1), result.output
    drafted = next(e for e in load_catalog(po_path(root)).entries() if e.msgid == target.msgid)
    assert drafted.msgstr == text and state.is_fuzzy(drafted)
    assert_no_review_state_from_outside(root)
    # the agency approves the draft in its CAT tool and sends the file back
    xlf = tmp_path / "es.xlf"
    assert cli(root, "export", "--lang", "es", "--page", DOMAIN, "-o", str(xlf)).exit_code == 0
    body = xlf.read_text("utf-8")
    unit = re.search(r'<trans-unit[^>]*>\s*<source>' + re.escape(esc(target.msgid))
                     + r"</source>\s*<target state=\"needs-review-translation\">", body)
    assert unit is not None
    approved = body[:unit.start()] + unit.group(0).replace('approved="no"', 'approved="yes"') \
        .replace("needs-review-translation", "final") + body[unit.end():]
    xlf.write_text(approved, "utf-8")
    assert cli(root, "import", str(xlf)).exit_code == 0
    entry = next(e for e in load_catalog(po_path(root)).entries() if e.msgid == target.msgid)
    assert not state.is_reviewed(entry, SIGNED)  # approved by the agency: not a sign-off
    assert state.signoff(entry) is None and state.reviewer(entry) is None
    assert_no_review_state_from_outside(root)
    rows = json.loads(cli(root, "status", "--lang", "es", "--json").output)
    page = next(r for r in rows if r.get("domain", r.get("page")) in (DOMAIN, None)
                and r["reviewed"] is not None)
    assert page["reviewed"] < sum(page[k] for k in ("reviewed", "machine", "untranslated")
                                  if k in page)


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.generate])
@given(name=hostile(RAW_BREAKS), contact=hostile(XML_BREAKS))
def test_xliff_file_name_and_translator(tmp_path: Path, name: str, contact: str) -> None:
    root = fresh(tmp_path, "xliff")
    entry = blank(root, 1)[0]
    text = "Traducción de la agencia."
    xlf = tmp_path / "es.xlf"
    assert cli(root, "export", "--lang", "es", "--page", DOMAIN, "-o", str(xlf)).exit_code == 0
    body = xlf.read_text("utf-8")
    source = f"<source>{esc(entry.msgid)}</source>"
    body = body.replace(source, f'{source}\n<target state="needs-review-translation">'
                        f"{text}</target>", 1)
    attr = forged(contact, entry, text).replace('"', "&quot;")
    body = body.replace("<header>", '<header><phase-group><phase phase-name="t" '
                        f'process-name="translation" contact-name="{attr}"'
                        "/></phase-group>", 1)
    hostile_file = tmp_path / forged(name, entry, text).replace("/", "_")[:200]
    hostile_file.write_text(body, "utf-8")
    result = cli(root, "import", str(hostile_file))
    assert result.exit_code == 0, result.output
    got = next(e for e in load_catalog(po_path(root)).entries() if e.msgid == entry.msgid)
    assert got.msgstr == text and state.is_fuzzy(got)
    assert all("\n" not in m.name for m in state.marks(got, state.TRANSLATOR))
    assert_no_review_state_from_outside(root)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.generate])
@given(engine_name=hostile(RAW_BREAKS), reviewer=hostile(RAW_BREAKS))
def test_engine_name_and_reviewer_name(tmp_path: Path, engine_name: str,
                                       reviewer: str) -> None:
    root = fresh(tmp_path, "engine")
    entry = blank(root, 1)[0]

    class Hostile:
        name = engine_name
        version = "1"

        def supports(self, source: Language, target: Language) -> bool:
            return True

        def translate_batch(self, texts: Sequence[str], source: Language,
                            target: Language) -> list[str | Failure]:
            return [f"ES {t}" for t in texts]

    translate(load_config(root), parse_language("es"), engine=Hostile(),
              cache=Cache(tmp_path / f"cache-{abs(hash(engine_name))}.db"))
    assert_no_review_state_from_outside(root)
    cat = load_catalog(po_path(root))
    e = next(x for x in cat.entries() if x.msgid == entry.msgid)
    assert state.provenance(e) and all("\n" not in line for line in state.provenance(e))
    state.sign(e, forged(reviewer, e, e.msgstr), "2026-12-01")
    save_catalog(cat)
    again = next(x for x in load_catalog(po_path(root)).entries() if x.msgid == entry.msgid)
    marks = state.signoffs(again)
    assert len(marks) == 1 and "sha256:" not in marks[0].name  # one line, the name defused
    assert not ANY_BREAK.search(marks[0].name)


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.generate])
@given(note=hostile(XML_BREAKS), term=hostile(XML_BREAKS))
def test_tbx_glossary_text_reaches_no_comment(tmp_path: Path, note: str, term: str) -> None:
    root = fresh(tmp_path, "tbx")
    blank(root, 2)
    tbx = tmp_path / "terms.tbx"
    tbx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><martif type="TBX" xml:lang="en"><text><body>'
        f'<termEntry><note>{note}</note><langSet xml:lang="en"><tig><term>sarcoma {term}</term>'
        '</tig></langSet><langSet xml:lang="es"><tig><term>sarcoma</term></tig></langSet>'
        "</termEntry></body></text></martif>", "utf-8")
    result = cli(root, "glossary", "import", str(tbx))
    assert result.exit_code == 0, result.output
    assert cli(root, "translate", "--lang", "es", "--engine", "memory").exit_code in (0, 1)
    assert_no_review_state_from_outside(root)
    assert cli(root, "status", "--lang", "es").exit_code in (0, 1)  # the glossary reads back
