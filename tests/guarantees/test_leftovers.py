"""Leftovers of killed runs, folder and file permissions, page names, msgctxt shadows and
symbolic links that lead out of the project."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, tree_digest

from pipeline.fs import sweep

PAGE = "paraspinal-sarcoma-treatment"


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def one_line_refusal(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


@pytest.fixture
def site(project: Path) -> Path:
    shutil.copytree(REPO / "locale", project / "locale")
    return project


def test_sweep_removes_only_files_of_dead_writers(tmp_path: Path) -> None:
    dead = tmp_path / f".site.po.{dead_pid()}.ab12cd_3.tmp"
    alive = tmp_path / f".site.po.{os.getpid()}.ab12cd_3.tmp"
    mine = tmp_path / ".notes.tmp"  # not ours: no PID in the name
    for f in (dead, alive, mine):
        f.write_text("partial", encoding="utf-8")
    assert sweep(tmp_path) == 1
    assert not dead.exists() and alive.exists() and mine.exists()


def test_update_cleans_catalog_leftovers_of_a_killed_run(site: Path, run) -> None:
    folder = site / "locale" / "es" / "LC_MESSAGES"
    leftover = folder / f".site.po.{dead_pid()}.x1y2z3w4.tmp"
    leftover.write_text('msgid ""\nmsgstr "half', encoding="utf-8")
    assert run("update", "--lang", "es").exit_code == 0
    assert not leftover.exists()


def test_publish_cleans_partial_pdfs_of_a_killed_run(site: Path, run) -> None:
    out = site / "output" / "es"
    out.mkdir(parents=True)
    partial = out / f".{PAGE}.pdf.{dead_pid()}.k9k9k9k9.tmp"
    partial.write_bytes(b"%PDF-1.7 half a pdf")
    result = run("publish", "--lang", "es", "--format", "html")
    assert result.exit_code == 0, result.output
    assert not partial.exists()
    assert not list((site / "output").rglob(".*.tmp"))


def test_init_into_an_unwritable_locale_is_one_line(project: Path, run) -> None:
    assert run("extract").exit_code == 0
    (project / "locale" / "fr").write_text("not a folder", encoding="utf-8")
    before = tree_digest(project)
    one_line_refusal(run("init", "--lang", "fr"), "locale/fr", "check its permissions")
    assert tree_digest(project) == before


def test_a_glossary_field_over_the_csv_limit_is_one_line(site: Path, run) -> None:
    glossary = site / "locale" / "glossary.csv"
    glossary.write_text("term,lang,translation,note\n" + "x" * 140_000 + ",,,\n",
                        encoding="utf-8")
    before = tree_digest(site)
    one_line_refusal(run("check", "--lang", "es"), "glossary.csv", "field larger than")
    assert tree_digest(site) == before


@pytest.mark.parametrize("name", ["bad\nname.md", "tab\there.md", "site.md", "-dash.md",
                                  "spa ce.md"])
def test_a_page_name_that_cannot_name_a_catalog_is_refused(project: Path, run,
                                                           name: str) -> None:
    (project / "source" / "pages" / name).write_text("---\ntitle: Bad\n---\n\nText.\n",
                                                      encoding="utf-8")
    before = tree_digest(project)
    one_line_refusal(run("extract"), "rename the file")
    assert tree_digest(project) == before


def test_a_msgctxt_shadow_never_replaces_reviewed_text(site: Path, run) -> None:
    po = site / "locale" / "es" / "LC_MESSAGES" / f"{PAGE}.po"
    text = po.read_text(encoding="utf-8")
    title = "Paraspinal Sarcoma Treatment"
    assert f'msgid "{title}"' in text
    po.write_text(text + f'\nmsgctxt "shadow"\nmsgid "{title}"\nmsgstr "Tratamiento FALSO"\n',
                  encoding="utf-8")
    result = run("publish", "--lang", "es", "--format", "html")
    assert result.exit_code == 0, result.output
    html = (site / "output" / "es" / f"{PAGE}.html").read_text(encoding="utf-8")
    assert "Tratamiento FALSO" not in html


@pytest.mark.parametrize("where", ["source/assets/logo.txt", "source/templates/extra.css",
                                   "source/assets/sub"])
def test_a_link_out_of_the_project_is_refused_at_publish(site: Path, run, tmp_path: Path,
                                                         where: str) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.txt").write_text("TOP SECRET", encoding="utf-8")
    link = site / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret if where.endswith("sub") else secret / "key.txt")
    result = run("publish", "--lang", "es", "--format", "html")
    one_line_refusal(result, "outside the project")
    out = site / "output"
    assert not out.exists() or all(b"TOP SECRET" not in f.read_bytes()
                                   for f in out.rglob("*") if f.is_file())


def test_a_page_linked_from_outside_the_project_is_refused(project: Path, run,
                                                          tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\ntitle: Elsewhere\n---\n\nPrivate notes.\n", encoding="utf-8")
    (project / "source" / "pages" / "linked.md").symlink_to(outside)
    before = tree_digest(project)
    one_line_refusal(run("extract"), "linked.md", "outside the project")
    assert tree_digest(project) == before


def test_a_link_inside_the_project_is_fine(site: Path, run) -> None:
    assets = site / "source" / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    (site / "notes.txt").write_text("shared", encoding="utf-8")
    (assets / "notes.txt").symlink_to(site / "notes.txt")
    result = run("publish", "--lang", "es", "--format", "html")
    assert result.exit_code == 0, result.output
    assert (site / "output" / "assets" / "notes.txt").read_text(encoding="utf-8") == "shared"
