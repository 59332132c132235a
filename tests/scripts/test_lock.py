"""The hash-pinned locks agree with pyproject.toml: every requirement pinned inside its range."""

from __future__ import annotations

import re
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
