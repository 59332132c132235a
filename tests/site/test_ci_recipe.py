"""The CI recipes in ``docs/ci/`` pass on a fresh clone as written.

Each job starts from its own copy of what a clone of this repository holds (tracked files,
plus new ones not ignored: what the next commit holds). The ``run:``/``script:`` lines of
the YAML run verbatim in bash; only what needs a CI service is stood in: checkout (the
copy), ``scripts/setup.sh`` (a ``.venv/bin/pipeline`` that runs the copy's own code with
this interpreter), and the artifact and Pages actions (folders copied as the real ones
would: ``upload-artifact`` leaves out hidden files unless ``include-hidden-files``). The
deployed folder must then be the unsharded public site, byte for byte, with no draft.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CI = REPO / "docs" / "ci"
SETUP = "scripts/setup.sh"
pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(),
                                reason="needs a git checkout to clone from")


def clone(dest: Path) -> Path:
    """What ``git clone`` of the next commit gives: tracked and new, not ignored, files."""
    names = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, names):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def setup(checkout: Path) -> None:
    """Stands in for ``scripts/setup.sh``: the venv's ``pipeline`` runs the checkout's code."""
    assert os.access(checkout / SETUP, os.X_OK)
    script = checkout / ".venv" / "bin" / "pipeline"
    script.parent.mkdir(parents=True)
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c '
                      '"from pipeline.cli import main; main()" "$@"\n', "utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def shell(script: str, cwd: Path, env: Mapping[str, str]) -> None:
    proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd,
                          env={**os.environ, "PYTHONPATH": "", **env}, capture_output=True,
                          text=True)
    assert proc.returncode == 0, f"{script}\n{proc.stdout}\n{proc.stderr}"


def copy_tree(source: Path, dest: Path, *, hidden: bool = True) -> None:
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.is_file() and (hidden or not any(p.startswith(".") for p in rel.parts)):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest / rel)


def unsharded(tmp_path: Path) -> dict[str, bytes]:
    """The public site of one plain ``publish --all`` in a fresh clone."""
    root = clone(tmp_path / "plain")
    setup(root)
    shell(".venv/bin/pipeline publish --all", root, {})
    return files(root / "output", skip="drafts")


def files(folder: Path, *, skip: str = "") -> dict[str, bytes]:
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not (skip and rel.startswith(f"{skip}/")):
            found[rel] = path.read_bytes()
    return found


# --- GitHub Actions ----------------------------------------------------------------------------

EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def expand(text: str, context: Mapping[str, str]) -> str:
    def value(m: re.Match[str]) -> str:
        assert m.group(1) in context, f"the test does not know ${{{{ {m.group(1)} }}}}"
        return context[m.group(1)]

    return EXPRESSION.sub(value, text)


def run_github_job(job: Mapping[str, Any], workdir: Path, artifacts: Path,
                   env: Mapping[str, str], context: Mapping[str, str]) -> None:
    for step in job["steps"]:
        if "run" in step:
            script = expand(step["run"], context)
            if script.strip() == SETUP:
                setup(workdir)
            else:
                shell(script, workdir, {**env, **step.get("env", {})})
            continue
        action, given = step["uses"].split("@")[0], step.get("with", {})
        options = {k: expand(str(v), context) for k, v in given.items()}
        if action == "actions/checkout":
            clone(workdir)
        elif action == "actions/upload-artifact":
            source = workdir / options["path"]
            if options.get("if-no-files-found") == "error":
                assert source.is_dir() and any(source.iterdir()), options
            if source.is_dir():
                copy_tree(source, artifacts / options["name"],
                          hidden=options.get("include-hidden-files") == "True")
        elif action == "actions/download-artifact":
            assert options.get("merge-multiple") == "True"  # else one folder per artifact
            for found in sorted(artifacts.iterdir()):
                if fnmatch.fnmatch(found.name, options["pattern"]):
                    copy_tree(found, workdir / options["path"])
        elif action == "actions/upload-pages-artifact":
            copy_tree(workdir / options["path"], artifacts / "github-pages")
        elif action == "actions/deploy-pages":
            assert (artifacts / "github-pages").is_dir()
        else:
            raise AssertionError(f"no stand-in for {action}")


def test_the_github_actions_recipe_deploys_the_whole_site_and_no_draft(tmp_path: Path) -> None:
    workflow = yaml.safe_load((CI / "github-actions.yml").read_text("utf-8"))
    env = {k: str(v) for k, v in workflow.get("env", {}).items()}
    render, combine = workflow["jobs"]["render"], workflow["jobs"]["combine"]
    shards = [str(k) for k in render["strategy"]["matrix"]["shard"]]
    assert shards == [str(k) for k in range(1, int(env["SHARDS"]) + 1)]
    assert combine["needs"] == "render"
    artifacts = tmp_path / "artifacts"
    for shard in shards:
        run_github_job(render, tmp_path / f"render-{shard}", artifacts, env,
                       {"matrix.shard": shard, "env.SHARDS": env["SHARDS"]})
    run_github_job(combine, tmp_path / "combine", artifacts, env, {"env.SHARDS": env["SHARDS"]})
    deployed = files(artifacts / "github-pages")
    assert deployed == unsharded(tmp_path)
    assert ".manifest.json" in deployed and not any(n.startswith("drafts/") for n in deployed)
    previews = files(artifacts / "previews")
    assert "drafts/ca/paraspinal-sarcoma-treatment.html" in previews


# --- GitLab CI ---------------------------------------------------------------------------------


def run_gitlab_job(job: Mapping[str, Any], workdir: Path, env: Mapping[str, str],
                   needs: Sequence[Path] = ()) -> Path:
    clone(workdir)  # every job starts from a checkout of the commit
    for artifact in needs:  # artifacts of the jobs it needs unpack into the checkout
        copy_tree(artifact, workdir)
    lines = list(job["script"])
    assert lines[0] == SETUP
    setup(workdir)
    shell("\n".join(lines[1:]), workdir, env)
    saved = workdir.parent / f"{workdir.name}.artifacts"
    for pattern in job["artifacts"]["paths"]:  # GitLab keeps hidden files
        copy_tree(workdir / pattern, saved / pattern)
    return saved


def test_the_gitlab_recipe_deploys_the_whole_site_and_no_draft(tmp_path: Path) -> None:
    pipeline = yaml.safe_load((CI / "gitlab-ci.yml").read_text("utf-8"))
    render, pages = pipeline["render"], pipeline["pages"]
    total = int(render["parallel"])
    assert pages["needs"] == ["render"]
    saved = [run_gitlab_job(render, tmp_path / f"render-{k}",
                            {"CI_NODE_INDEX": str(k), "CI_NODE_TOTAL": str(total)})
             for k in range(1, total + 1)]
    done = run_gitlab_job(pages, tmp_path / "pages", {"CI_NODE_INDEX": "", "CI_NODE_TOTAL": ""},
                          saved)
    deployed = files(done / "public")
    assert deployed == unsharded(tmp_path)
    assert not any(n.startswith("drafts/") for n in deployed)
    assert "drafts/ca/paraspinal-sarcoma-treatment.html" in files(done / "previews")
