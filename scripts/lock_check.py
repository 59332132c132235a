"""Does each hash-pinned lock still match ``pyproject.toml``? Decided offline, from the files.

``scripts/lock.sh --check`` runs this; it needs no network and no resolver. For each lock
(``requirements/{runtime,test,bench}.txt``) and each supported Python (3.11–3.13):

* every requirement of ``pyproject.toml`` (with the lock's extras) and of
  ``requirements/build.in`` is pinned, inside its range;
* every pin the lock says it holds for the project (``# via l10n-pipeline``) is still one
  of those requirements (a dependency removed from ``pyproject.toml`` leaves a stale pin);
* every other pin is wanted by a pinned package (``# via NAME``), so the lock holds no
  orphan, and every pin carries hashes.

A new dependency of a dependency cannot be seen without the packages' metadata; that only
changes when a pin changes, which ``scripts/lock.sh`` does (``--check-online`` re-resolves
with the resolver, for maintainers).

Usage: ``python scripts/lock_check.py [ROOT]``; exit 1 with one line per problem.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

LOCKS = {"runtime": (), "test": ("test",), "bench": ("test", "bench")}
PYTHONS = ("3.11", "3.12", "3.13")
PROJECT_VIA = "l10n-pipeline (pyproject.toml)"
BUILD_VIA = "-r requirements/build.in"
_HEAD = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)(?: ; ([^\\]+?))?\s*\\?$")


@dataclass
class Pin:
    name: str
    version: Version
    marker: str | None
    hashes: int = 0
    via: list[str] = field(default_factory=list)


def environment(python: str) -> dict[str, str]:
    return {"python_version": python, "python_full_version": f"{python}.0",
            "sys_platform": "linux", "platform_system": "Linux",
            "platform_python_implementation": "CPython", "implementation_name": "cpython",
            "platform_machine": "x86_64", "os_name": "posix", "extra": ""}


def read_lock(text: str) -> list[Pin]:
    """The pins of a ``uv pip compile`` lock with their hash counts and ``via`` lines."""
    pins: list[Pin] = []
    in_via = False
    for line in text.splitlines():
        head = _HEAD.match(line)
        if head:
            pins.append(Pin(canonicalize_name(head[1]), Version(head[2]), head[3]))
            in_via = False
        elif pins and "--hash=sha256:" in line:
            pins[-1].hashes += 1
        elif pins and line.strip().startswith("# via"):
            rest = line.strip()[len("# via"):].strip()
            in_via = not rest
            if rest:
                pins[-1].via.append(rest)
        elif pins and in_via and line.strip().startswith("#   "):
            pins[-1].via.append(line.strip()[1:].strip())
    return pins


def wanted(project: dict[str, object], extras: tuple[str, ...], build: str) -> list[Requirement]:
    deps = project["dependencies"]
    optional = project["optional-dependencies"]
    assert isinstance(deps, list) and isinstance(optional, dict)
    reqs = [Requirement(r) for r in deps]
    for extra in extras:
        reqs += [Requirement(r) for r in optional[extra]]
    reqs += [Requirement(line.split("#")[0].strip()) for line in build.splitlines()
             if line.split("#")[0].strip()]
    return reqs


def problems(root: Path) -> list[str]:
    project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]
    build = (root / "requirements" / "build.in").read_text("utf-8")
    found: list[str] = []
    for lock, extras in LOCKS.items():
        shown = f"requirements/{lock}.txt"
        pins = read_lock((root / "requirements" / f"{lock}.txt").read_text("utf-8"))
        reqs = wanted(project, extras, build)
        direct = {canonicalize_name(r.name) for r in reqs}
        names = {p.name for p in pins}
        for python in PYTHONS:
            env = environment(python)
            live = {p.name: p for p in pins if not p.marker or Marker(p.marker).evaluate(env)}
            for req in reqs:
                if req.marker and not req.marker.evaluate(env):
                    continue
                name = canonicalize_name(req.name)
                if name not in live:
                    found.append(f"{shown}: {req.name} ({req.specifier or 'any'}) is not "
                                 f"pinned for Python {python}")
                elif not req.specifier.contains(live[name].version, prereleases=True):
                    found.append(f"{shown}: {name}=={live[name].version} is outside "
                                 f"'{req.specifier}' (Python {python})")
        for pin in pins:
            if not pin.hashes:
                found.append(f"{shown}: {pin.name} has no hashes")
            for via in pin.via:
                if via in (PROJECT_VIA, BUILD_VIA):
                    if pin.name not in direct:
                        found.append(f"{shown}: {pin.name} is pinned for the project, which "
                                     "no longer asks for it")
                elif canonicalize_name(via.split(" ")[0]) not in names:
                    found.append(f"{shown}: {pin.name} is wanted by {via}, which is not "
                                 "pinned")
            if not pin.via:
                found.append(f"{shown}: {pin.name} says nothing wants it")
    return sorted(dict.fromkeys(found))


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    found = problems(root)
    for line in found:
        print(f"lock: {line} (run scripts/lock.sh)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
