"""``publish --shard K/N`` and ``--check-union``: the union of the shards' folders is the
unsharded site byte for byte (manifest included), a combined folder is checked before
deploy, and a later incremental run on it renders nothing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import cli
from pipeline.config import load_config
from pipeline.site.digests import Digests
from pipeline.site.publish import Hashes, Request, Workers, _plan
from pipeline.site.shard import Shard, parse_shard, partition, render_cost, restrict

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
CONFIG = """\
[project]
name = "shard-test"
version = "0"

[tool.pipeline]
languages = ["es", "ca"]
preview_only = ["ca"]
formats = ["html", "pdf"]
base_url = "https://example.org/"
"""


def make_project(root: Path) -> Path:
    """The seed page (reviewed in Spanish, machine drafts in Catalan: a private preview),
    visiting-hours (no template: English only) and the repository's layout; a sitemap."""
    (root / "source" / "pages").mkdir(parents=True)
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    for name in ("templates", "assets"):
        shutil.copytree(REPO / "source" / name, root / "source" / name)
    shutil.copy(REPO / "source" / "pages" / "paraspinal-sarcoma-treatment.md",
                root / "source" / "pages")
    shutil.copy(DATA / "pages" / "visiting-hours.md", root / "source" / "pages")
    (root / "locale").mkdir()
    for name in ("paraspinal-sarcoma-treatment.pot", "site.pot", "glossary.csv"):
        shutil.copy(REPO / "locale" / name, root / "locale")
    for lang in ("es", "ca"):
        shutil.copytree(REPO / "locale" / lang, root / "locale" / lang)
    return root


def invoke(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), "publish", "--all", *args],
                              catch_exceptions=False)


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def combine(folders: list[Path], into: Path) -> dict[str, str]:
    """What a CI combine job does: copy every shard's folder into one; a file two shards
    both hold must have the same bytes in each."""
    union: dict[str, str] = {}
    for folder in folders:
        for name, sha in tree(folder).items():
            assert union.setdefault(name, sha) == sha, f"shards disagree on {name}"
        shutil.copytree(folder, into, dirs_exist_ok=True)
    return union


@pytest.fixture(scope="module")
def unsharded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = make_project(tmp_path_factory.mktemp("full") / "site")
    result = invoke(root)
    assert result.exit_code == 0, result.output
    return tree(root / "output")


@pytest.mark.parametrize("count", [2, 3])
def test_union_of_shards_is_the_unsharded_site(tmp_path: Path, unsharded: dict[str, str],
                                               count: int) -> None:
    folders, written = [], []
    for k in range(1, count + 1):
        root = make_project(tmp_path / f"shard{k}")
        result = invoke(root, "--shard", f"{k}/{count}")
        assert result.exit_code == 0, result.output
        written.append({line.split()[1] for line in result.output.splitlines()
                        if line.startswith("wrote")})
        folders.append(root / "output")
    pages = {name for name in unsharded if name.endswith((".pdf", ".html"))
             and "index.html" not in name}
    # each page file rendered by exactly one shard; every shard has every index and sitemap
    assert sorted(n for w in written for n in w) == sorted(f"output/{n}" for n in pages)
    assert all(written), "a shard rendered nothing: the partition is unbalanced"
    for folder in folders:
        for name in ("index.html", "es/index.html", "sitemap.xml", "drafts/ca/index.html",
                     ".manifest.json", "drafts/.manifest.json"):
            assert (folder / name).read_bytes() == (
                folders[0] / name).read_bytes(), f"{name} differs between shards"
    combined = make_project(tmp_path / "combined")
    union = combine(folders, combined / "output")
    assert union == unsharded

    # the combined folder is complete, and an incremental run on it renders nothing
    check = invoke(combined, "--check-union", str(combined / "output"))
    assert check.exit_code == 0, check.output
    assert "complete:" in check.output
    again = invoke(combined)
    assert again.exit_code == 0, again.output
    assert "wrote" not in again.output
    assert tree(combined / "output") == unsharded


def test_check_union_names_missing_outdated_and_extra(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    one = invoke(root, "--shard", "1/2")
    assert one.exit_code == 0, one.output
    out = root / "output"
    result = invoke(root, "--check-union", str(out))
    assert result.exit_code == 1
    missing = [line.split(": ", 1)[1] for line in result.output.splitlines()
               if line.startswith("missing: ")]
    assert missing and all(name.endswith((".html", ".pdf")) for name in missing)
    assert "not a complete site" in result.output and "missing" in result.output
    # the other half makes it complete
    other = make_project(tmp_path / "other")
    assert invoke(other, "--shard", "2/2").exit_code == 0
    shutil.copytree(other / "output", out, dirs_exist_ok=True)
    assert invoke(root, "--check-union", str(out)).exit_code == 0
    # an extra file (a leftover of an earlier deploy) and an edited source page
    (out / "es" / "old-page.html").write_text("stale", encoding="utf-8")
    page = root / "source" / "pages" / "visiting-hours.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = invoke(root, "--check-union", str(out))
    assert result.exit_code == 1
    assert "extra: es/old-page.html" in result.output
    assert "outdated: en/visiting-hours.pdf" in result.output
    assert "outdated: drafts/ca/visiting-hours.html" in result.output


def test_shard_option_is_checked(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    for bad in ("3/2", "0/2", "two", "1/0"):
        result = CliRunner().invoke(cli, ["--root", str(root), "publish", "--all",
                                          "--shard", bad])
        assert result.exit_code == 2, (bad, result.output)
        assert "--shard" in result.output and "K/N" in result.output or "between" in (
            result.output), result.output
    both = CliRunner().invoke(cli, ["--root", str(root), "publish", "--all", "--shard", "1/2",
                                    "--check-union", str(root)])
    assert both.exit_code == 2 and "not both" in both.output
    assert not (root / "output").exists()


def test_partition_is_balanced_and_deterministic(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    pages = root / "source" / "pages"
    seed = (pages / "paraspinal-sarcoma-treatment.md").read_text(encoding="utf-8")
    for i in range(9):  # pages of different sizes, English only (no template)
        (pages / f"page-{i}.md").write_text(seed[: 800 * (i + 1)], encoding="utf-8")
    config = load_config(root)
    digests = Digests(config, formats=config.formats, hashes=Hashes())
    request = Request(tuple(config.languages), True, False, config.formats, config.preview_dir)
    plan, _ = _plan(digests, request, Workers(1))
    shares = partition(plan, 3)
    assert shares == partition(plan, 3)
    every = [key for share in shares for key in share]
    assert len(every) == len(set(every)) == sum(len(o.digests) for t in plan.trees
                                                for o in t.pages)

    def cost(share: frozenset[tuple[bool, str]]) -> int:
        total = 0
        for _, name in share:
            page = pages / (name.split("/")[-1].rsplit(".", 1)[0] + ".md")
            total += render_cost(page.stat().st_size, name.rsplit(".", 1)[1])
        return total

    loads = sorted(cost(s) for s in shares)
    biggest = max(render_cost(p.stat().st_size, "pdf") for p in pages.iterdir())
    assert loads[-1] - loads[0] <= biggest  # greedy: within one render of each other
    # each shard renders only its share; PDFs are spread, not piled on one shard
    for k in (1, 2, 3):
        restricted, share = restrict(plan, Shard(k, 3))
        todo = {(t.preview, f"{o.lang.gettext}/{o.page.stem}.{f}")
                for t in restricted.trees for o in t.pages for f in o.todo}
        assert todo == share
        assert any(name.endswith(".pdf") for _, name in share)


def test_parse_shard() -> None:
    assert parse_shard(" 1 / 4 ") == Shard(1, 4)
    assert str(parse_shard("4/4")) == "4/4"
