"""The hash-pinned locks agree with pyproject.toml: every requirement pinned inside its range."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
LOCKS = {"runtime": [], "test": ["test"], "bench": ["test", "bench"]}
PYTHONS = ["3.11", "3.12", "3.13"]
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)(?: ; ([^\\]+?))?\s*\\?$", re.M)


def pins(lock: str, python: str) -> dict[str, Version]:
    """Name → pinned version for one Python version (markers evaluated)."""
    env = {"python_version": python, "python_full_version": f"{python}.0",
           "sys_platform": "linux", "platform_system": "Linux",
           "platform_python_implementation": "CPython", "implementation_name": "cpython",
           "platform_machine": "x86_64", "os_name": "posix"}
    found: dict[str, Version] = {}
    for name, version, marker in _PIN.findall((REPO / "requirements" / f"{lock}.txt").read_text()):
        if not marker or Marker(marker).evaluate(env):
            found[canonicalize_name(name)] = Version(version)
    return found


def wanted(extras: list[str]) -> list[Requirement]:
    reqs = [Requirement(r) for r in PROJECT["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in PROJECT["optional-dependencies"][extra]]
    return reqs


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_requirement_is_pinned_within_its_range(lock: str, python: str) -> None:
    locked = pins(lock, python)
    for req in wanted(LOCKS[lock]):
        if req.marker and not req.marker.evaluate({"python_version": python}):
            continue
        name = canonicalize_name(req.name)
        assert name in locked, f"requirements/{lock}.txt lacks {req.name}: run scripts/lock.sh"
        assert req.specifier.contains(locked[name], prereleases=True), (
            f"requirements/{lock}.txt pins {name}=={locked[name]} outside '{req.specifier}'")


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_has_hashes(lock: str) -> None:
    text = (REPO / "requirements" / f"{lock}.txt").read_text()
    entries = [e for e in re.split(r"\n(?=\S)", text) if "==" in e and not e.startswith("#")]
    assert entries and all("--hash=sha256:" in e for e in entries)


def test_the_running_interpreter_is_a_supported_one() -> None:
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in PYTHONS


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "requirements").mkdir(parents=True)
    (root / "scripts").mkdir()
    for name in ("pyproject.toml", "requirements/build.in", "requirements/runtime.txt",
                 "requirements/test.txt", "requirements/bench.txt", "scripts/lock.sh",
                 "scripts/lock_check.py"):
        shutil.copy2(REPO / name, root / name)
    return root


def _check(root: Path, *wrap: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run([*wrap, str(root / "scripts" / "lock.sh"), "--check"],
                          capture_output=True, text=True, env=env, timeout=120)


def test_the_check_passes_on_the_committed_locks(tmp_path: Path) -> None:
    proc = _check(_copy(tmp_path))
    assert proc.returncode == 0, proc.stderr


def test_the_check_needs_no_network(tmp_path: Path) -> None:
    """The README's test command needs the network only to install: run with none at all."""
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot make a network namespace here (unshare -n needs privileges)")
    proc = _check(_copy(tmp_path), "unshare", "-n")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(("old", "new", "said"), [
    ('"click>=8.1,<9",', '"click-extra>=1",\n  "click>=8.1,<9",', "click-extra"),  # added
    ('"pyyaml>=6,<7",', '"pyyaml>=99",', "outside"),                             # range moved
])
def test_a_changed_pyproject_fails_the_check_in_one_line(
        tmp_path: Path, old: str, new: str, said: str) -> None:
    root = _copy(tmp_path)
    text = (root / "pyproject.toml").read_text("utf-8")
    assert old in text
    (root / "pyproject.toml").write_text(text.replace(old, new, 1), "utf-8")
    proc = _check(root)
    assert proc.returncode == 1 and said in proc.stderr and "run scripts/lock.sh" in proc.stderr


def test_a_dependency_removed_from_pyproject_leaves_a_stale_pin(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    text = (root / "pyproject.toml").read_text("utf-8")
    text = re.sub(r'\n\s*"num2words[^"]*",', "", text)
    (root / "pyproject.toml").write_text(text, "utf-8")
    proc = _check(root)
    assert proc.returncode == 1 and "num2words is pinned for the project" in proc.stderr
