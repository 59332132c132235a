"""One gate, one number: over generated catalog states, ``status`` (text and JSON), the
library call the workbench uses (``continuity.verdicts``), ``record`` and what ``publish``
actually writes never disagree on a page's reviewed share or its fate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import load_config, parse_language
from pipeline.site.continuity import verdicts

REPO = Path(__file__).resolve().parents[2]
PAGE = "paraspinal-sarcoma-treatment"
STATES = ("machine", "outdated", "untranslated", "gone")


def run(root: Path, *args: str) -> Result:
    from pipeline.cli import cli

    return CliRunner().invoke(cli, ["--root", str(root), *args])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gate") / "site"
    (root / "locale" / "es" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copytree(REPO / "source", root / "source", ignore=shutil.ignore_patterns("__py*"))
    for name in (f"{PAGE}.pot", "site.pot", f"es/LC_MESSAGES/{PAGE}.po",
                 "es/LC_MESSAGES/site.po"):
        shutil.copy(REPO / "locale" / name, root / "locale" / name)
    return root


def write_state(root: Path, changes: dict[int, str], *, was_public: bool,
                extra: str) -> None:
    (root / "pyproject.toml").write_text(
        f'[tool.pipeline]\nlanguages = ["es"]\nformats = ["html"]\n{extra}', "utf-8")
    po = polib.pofile(str(REPO / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"))
    live = [e for e in po if not e.obsolete]
    for index, state in sorted(changes.items(), reverse=True):
        e = live[index % len(live)]
        if state == "gone":  # the English changed and the catalog was never updated
            po.remove(e)
        elif state == "untranslated":
            e.msgstr = ""
        else:
            e.flags.append("fuzzy")
            if state == "outdated":
                e.previous_msgid = "Older English."
            else:
                e.tcomment = "machine translation: apertium en→es, 2026-11-29"
    po.save(str(root / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"))
    published = root / "locale" / "published.toml"
    published.unlink(missing_ok=True)
    shutil.rmtree(root / "output", ignore_errors=True)
    if was_public:
        published.write_text(f'[published]\nes = ["{PAGE}"]\n', "utf-8")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.integers(0, 65), st.sampled_from(STATES), max_size=24),
       was_public=st.booleans(), min_reviewed=st.sampled_from([100, 90]),
       keep=st.sampled_from([75, 95]), withdraw=st.booleans())
def test_status_workbench_record_and_publish_agree(base: Path, changes: dict[int, str],
                                                   was_public: bool, min_reviewed: int,
                                                   keep: int, withdraw: bool) -> None:
    extra = (f"min_reviewed = {min_reviewed}\nkeep_public_above = {keep}\n"
             + ('outdated = "withdraw"\n' if withdraw else ""))
    write_state(base, changes, was_public=was_public, extra=extra)
    config = load_config(base)
    library = verdicts(config, [parse_language("es")])["es"][PAGE]

    rows = json.loads(run(base, "status", "--lang", "es", "--json").stdout)
    status = next(r for r in rows if r["domain"] == PAGE)
    assert (status["verdict"], status["reviewed_percent"]) == (
        library.fate, round(library.share, 1))
    table = run(base, "status", "--lang", "es").stdout
    line = next(x for x in table.splitlines() if x.split()[1] == PAGE)
    assert f"{library.share:5.1f}%" in line and line.rstrip().endswith(
        library.fate + (" (first)" if library.fate == "public" and not was_public else ""))

    record = base / "record.json"
    assert run(base, "record", "--lang", "es", "--output", str(record)).exit_code == 0
    gate = json.loads(record.read_text("utf-8"))["summary"]["gate"][PAGE]
    assert (gate["verdict"], gate["reviewed_percent"]) == (library.fate,
                                                           round(library.share, 1))

    result = run(base, "publish", "--lang", "es")
    page = base / "output" / "es" / f"{PAGE}.html"
    if library.fate == "not ready":
        assert result.exit_code == 1 and not page.exists()
        assert f"({library.share:.1f}%)" in result.output
    else:
        assert result.exit_code == 0, result.output
        stub = 'name="robots" content="noindex"' in page.read_text("utf-8")
        assert stub == (library.fate == "stub")
        if stub:
            assert f"({library.share:.1f}%)" in result.stderr
