"""``scripts/fresh-machine-check.sh``: what it refuses, in one line, before building anything.

Building a Debian root takes minutes and the network; run the script itself for that."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "fresh-machine-check.sh"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def check(tmp_path: Path, *args: str, uid: int = 0) -> subprocess.CompletedProcess[str]:
    """The script with WORKDIR in tmp_path and ``id -u`` answering ``uid``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake_id = bin_dir / "id"
    fake_id.write_text(f'#!/bin/sh\n[ "$1" = -u ] && echo {uid} || exec /usr/bin/id "$@"\n')
    fake_id.chmod(0o755)
    work = tmp_path / "work"
    env = {"PATH": f"{bin_dir}:/usr/sbin:/usr/bin:/sbin:/bin", "WORKDIR": str(work)}
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True,
                          env=env, timeout=60)


def git_repo(path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    (path / "README.md").write_text("x\n")
    for args in (["add", "README.md"], ["-c", "user.name=t", "-c", "user.email=t@t",
                                         "commit", "-qm", "one"]):
        subprocess.run(["git", "-C", str(path), *args], check=True)
    return path


@pytest.mark.parametrize("args", [(), ("sid",), ("bookworm trixie",)])
def test_a_release_other_than_bookworm_or_trixie_is_usage(tmp_path: Path,
                                                          args: tuple[str, ...]) -> None:
    proc = check(tmp_path, *args)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"usage: {SCRIPT} bookworm|trixie [REPO [REF]]"]
    assert not (tmp_path / "work").exists()


@needs_git
def test_an_unknown_commit_is_one_line_and_nothing_is_built(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    proc = check(tmp_path, "trixie", str(repo), "no-such-branch")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"fresh-machine-check: {repo} has no commit 'no-such-branch'"]
    assert not (tmp_path / "work").exists()


@needs_git
def test_not_root_is_one_line_and_nothing_is_built(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "repo")
    proc = check(tmp_path, "bookworm", str(repo), "HEAD", uid=1000)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "fresh-machine-check: run as root (mmdebstrap, chroot and mounts need it)"]
    assert not (tmp_path / "work").exists()
