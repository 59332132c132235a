"""The public tree holds exactly what publish wrote: private outputs go to ``reports/``,
previews never overlap the public tree, publish removes and overwrites only its own files,
and a page cannot take a generated file's name. Each refusal is one line and writes
nothing (the whole project hashes the same before and after)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import Result
from conftest import tree_digest
from test_publication import PAGE, make_site, ok, run


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """es and fr published (HTML), ca and gl previewed in ``output/drafts/``."""
    root = make_site(tmp_path_factory.mktemp("tree") / "site", 'preview_only = ["ca", "gl"]\n')
    ok(run(root, "publish", "--all"))
    return root


@pytest.fixture
def site(published: Path, tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(published, root, symlinks=True)
    return root


def refused(result: Result, *words: str) -> str:
    """A refusal: exit 2, one line on stderr naming ``words``, no traceback."""
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ") and all(w in lines[0] for w in words), lines[0]
    return lines[0]


def unchanged(*roots: Path) -> dict[str, dict[str, str]]:
    return {str(root): tree_digest(root) for root in roots}


# --- private outputs ---------------------------------------------------------------------


@pytest.mark.parametrize(("args", "written"), [
    (("record", "--lang", "es"), ("record/es.json", "record/es.html")),
    (("export", "--lang", "es"), ("xliff/es.xlf",)),
    (("tm", "export", "--lang", "es"), ("tmx/es.tmx",)),
    (("glossary", "export"), ("glossary.tbx",)),
])
def test_private_outputs_default_to_reports_never_output(site: Path, args: tuple[str, ...],
                                                         written: tuple[str, ...]) -> None:
    before = tree_digest(site / "output")
    ok(run(site, *args))
    for name in written:
        assert (site / "reports" / name).is_file(), name
    assert tree_digest(site / "output") == before  # nothing of theirs in the public tree


@pytest.mark.parametrize("args", [
    ("record", "--lang", "es", "--output", "output/record/es"),
    ("export", "--lang", "es", "--output", "output/es.xlf"),
    ("tm", "export", "--lang", "es", "-o", "output/tmx/es.tmx"),
    ("glossary", "export", "-o", "output/drafts/glossary.tbx"),
])
def test_a_private_output_inside_output_is_refused(site: Path, args: tuple[str, ...],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(site)
    before = tree_digest(site)
    refused(run(site, *args), "is inside output/", "reports/")
    assert tree_digest(site) == before


def test_gitignore_lists_output_and_reports_and_a_clone_has_no_output() -> None:
    repo = Path(__file__).resolve().parents[2]
    ignored = (repo / ".gitignore").read_text("utf-8").split()
    assert "output/" in ignored and "reports/" in ignored
    assert not any(line.startswith("!output") for line in ignored)
    assert not (repo / "output" / "README.md").exists() or not _tracked(repo, "output")


def _tracked(repo: Path, folder: str) -> bool:
    import subprocess

    proc = subprocess.run(["git", "-C", str(repo), "ls-files", folder], capture_output=True,
                          text=True)
    return proc.returncode == 0 and bool(proc.stdout.strip())


# --- previews ------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["output", "output/es", "output/previews", "."])
def test_a_preview_dir_overlapping_the_public_tree_is_refused(site: Path, where: str) -> None:
    before = unchanged(site)
    line = refused(run(site, "publish", "--lang", "ca", "--draft", "--preview-dir",
                       str(site / where)), "--preview-dir", "overlaps the public site")
    assert "output/drafts/" in line  # the way forward
    assert unchanged(site) == before


def test_the_check_of_a_union_refuses_an_overlapping_preview_dir_too(site: Path) -> None:
    refused(run(site, "publish", "--all", "--check-union", str(site / "output"),
                "--preview-dir", str(site / "output" / "es")), "overlaps the public site")


def test_a_preview_dir_through_a_link_into_output_is_refused(site: Path, tmp_path: Path) -> None:
    link = tmp_path / "previews"
    link.symlink_to(site / "output" / "fr")
    before = unchanged(site)
    refused(run(site, "publish", "--lang", "ca", "--draft", "--preview-dir", str(link)),
            "overlaps the public site")
    assert unchanged(site) == before


def test_an_existing_folder_of_other_files_is_not_cleaned(site: Path, tmp_path: Path) -> None:
    mine = tmp_path / "my-previews"
    (mine / "es").mkdir(parents=True)
    (mine / "notes.txt").write_text("my notes\n", "utf-8")
    (mine / "es" / f"{PAGE}.html").write_text("<p>my own page</p>\n", "utf-8")
    before = unchanged(site, mine)
    line = refused(run(site, "publish", "--lang", "ca", "--draft", "--preview-dir", str(mine)),
                   "publish did not write", ".manifest.json")
    assert "2 file(s)" in line
    assert unchanged(site, mine) == before


def test_an_empty_or_new_preview_folder_is_fine(site: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    ok(run(site, "publish", "--lang", "ca", "--draft", "--preview-dir", str(empty)))
    assert (empty / "ca" / f"{PAGE}.html").is_file() and (empty / ".manifest.json").is_file()
    ok(run(site, "publish", "--lang", "ca", "--draft", "--preview-dir", str(empty)))  # ours now


# --- publish touches only its own files ---------------------------------------------------


def test_an_output_that_links_to_an_existing_site_is_refused_not_cleaned(
        site: Path, tmp_path: Path) -> None:
    existing = tmp_path / "www"
    (existing / "es").mkdir(parents=True)
    (existing / "index.html").write_text("<h1>The hospital's own home page</h1>\n", "utf-8")
    (existing / "es" / f"{PAGE}.html").write_text("<p>an older page</p>\n", "utf-8")
    (existing / "about.html").write_text("<p>about us</p>\n", "utf-8")
    shutil.rmtree(site / "output")
    (site / "output").symlink_to(existing)
    before = unchanged(site, existing)
    refused(run(site, "publish", "--all"), "3 file(s) publish did not write",
            "no .manifest.json of its own")
    assert unchanged(site, existing) == before


def test_drafts_never_go_into_an_output_that_links_to_an_existing_site(
        site: Path, tmp_path: Path) -> None:
    existing = tmp_path / "www"
    existing.mkdir()
    (existing / "index.html").write_text("<h1>The hospital's own home page</h1>\n", "utf-8")
    shutil.rmtree(site / "output")
    (site / "output").symlink_to(existing)
    before = unchanged(site, existing)
    refused(run(site, "publish", "--lang", "ca", "--draft"), "publish did not write")
    assert unchanged(site, existing) == before


def test_a_foreign_manifest_does_not_make_a_folder_ours(site: Path) -> None:
    out = site / "output"
    (out / ".manifest.json").write_text('{"deploy": "by hand"}\n', "utf-8")
    before = unchanged(site)
    refused(run(site, "publish", "--all"), "publish did not write")
    assert unchanged(site) == before


def test_publish_removes_only_what_its_manifest_lists(site: Path) -> None:
    out = site / "output"
    mine = {"es/notes.html": b"<p>mine</p>\n", "fr/old.pdf": b"%PDF-1.7 mine\n",
            "downloads/leaflet.pdf": b"%PDF-1.7 leaflet\n", "robots.txt": b"User-agent: *\n"}
    for name, data in mine.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    config = site / "pyproject.toml"  # fr leaves the site: its files go, the ones we wrote
    config.write_text(config.read_text("utf-8").replace('"es", "fr",', '"es",'), "utf-8")
    result = ok(run(site, "publish", "--all"))
    assert not (out / "fr" / f"{PAGE}.html").exists() and not (out / "fr" / "index.html").exists()
    for name, data in mine.items():
        assert (out / name).read_bytes() == data, name
    assert "notes.html" not in result.output


def test_a_file_of_someone_else_where_publish_writes_is_refused(site: Path) -> None:
    out = site / "output"
    manifest = json.loads((out / ".manifest.json").read_text("utf-8"))
    del manifest["outputs"]["fr/index.html"]  # as if someone else had put it there
    (out / ".manifest.json").write_text(json.dumps(manifest), "utf-8")
    (out / "fr" / "index.html").write_text("<p>hand-made index</p>\n", "utf-8")
    before = unchanged(site)
    line = refused(run(site, "publish", "--all"), "fr/index.html", "would be overwritten")
    assert "move it away" in line
    assert unchanged(site) == before


def test_a_hand_edited_manifest_cannot_remove_files_outside_the_tree(site: Path) -> None:
    out = site / "output"
    precious = site / "precious.txt"
    precious.write_text("keep me\n", "utf-8")
    manifest = json.loads((out / ".manifest.json").read_text("utf-8"))
    manifest["outputs"]["../precious.txt"] = "x"
    manifest["outputs"]["es/../../precious.txt"] = "x"
    (out / ".manifest.json").write_text(json.dumps(manifest), "utf-8")
    ok(run(site, "publish", "--all"))
    assert precious.read_text("utf-8") == "keep me\n"


def test_a_tree_of_an_older_version_is_taken_over_without_losing_files(site: Path) -> None:
    """A manifest of format 3 (before assets were listed): its files are ours, rendered
    again; a file it does not list (the README older clones tracked in output/) stays."""
    out = site / "output"
    manifest = json.loads((out / ".manifest.json").read_text("utf-8"))
    manifest["format"] = 3
    manifest["outputs"] = {k: v for k, v in manifest["outputs"].items()
                           if not k.startswith("assets/")}
    (out / ".manifest.json").write_text(json.dumps(manifest), "utf-8")
    (out / "README.md").write_text("Published pages land here.\n", "utf-8")
    result = ok(run(site, "-v", "publish", "--all"))
    assert (out / "README.md").read_text("utf-8") == "Published pages land here.\n"
    listed = json.loads((out / ".manifest.json").read_text("utf-8"))["outputs"]
    assert "assets/screen.css" in listed and "README.md" not in listed
    assert "removed" not in result.output


def test_a_run_killed_after_its_first_page_is_taken_up_again(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """The first run on an empty folder dies after writing a page: the manifest already
    lists the files (without digests), so the next run redoes them instead of refusing."""
    from pipeline.config import load_config, parse_language
    from pipeline.site import publish as publish_module

    root = make_site(tmp_path / "site")
    writes: list[Path] = []
    real = publish_module._write

    def dying(target: Path, data: bytes) -> None:
        real(target, data)
        writes.append(target)
        if target.suffix == ".html" and target.name != "index.html":
            raise KeyboardInterrupt  # the process is stopped here

    monkeypatch.setattr(publish_module, "_write", dying)
    with pytest.raises(KeyboardInterrupt):
        publish_module.publish(load_config(root), [parse_language("es")], jobs=1)
    monkeypatch.undo()
    listed = json.loads((root / "output" / ".manifest.json").read_text("utf-8"))["outputs"]
    assert listed[f"en/{PAGE}.html"] == ""  # written, listed, not claimed current
    ok(run(root, "publish", "--lang", "es"))
    assert (root / "output" / "es" / f"{PAGE}.html").is_file()


# --- page names ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["index", "Index", "sitemap", "site"])
@pytest.mark.parametrize("command", [("extract",), ("publish", "--all")])
def test_a_page_named_like_a_generated_file_is_refused(site: Path, name: str,
                                                       command: tuple[str, ...]) -> None:
    shutil.copy(site / "source" / "pages" / f"{PAGE}.md", site / "source" / "pages" / f"{name}.md")
    before = unchanged(site)
    line = refused(run(site, *command), f"{name}.md", "is reserved", "rename the file",
                   "pipeline extract")
    assert f"{name}-page.md" in line
    assert unchanged(site) == before
