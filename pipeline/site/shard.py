"""``publish --shard K/N``: one deterministic share of a run's renders, for a CI matrix.

Every shard decides the same plan (the gate is cheap and reads only the checkout), then
renders only its share of the (tree, language, page, format) files, balanced by expected
cost (a PDF costs far more than its HTML; a long page more than a short one). Every shard
writes all site-level files (indexes, sitemap, assets) and the same manifest: the inputs
digest of *every* file of the plan, not only of its share. So the union of the N folders
equals an unsharded run byte for byte, manifest included, and a later incremental run on
the combined folder renders nothing that has not changed.

A shard never leaves a stale file of another share in its folder (it would overwrite the
fresh one in the union, under a manifest that calls it current): out-of-date files outside
its share are removed, up-to-date ones (identical bytes to what their shard writes) stay.
:func:`compare` checks a combined folder against the plan before it is deployed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from pipeline.errors import ConfigError
from pipeline.site.manifest import MANIFEST, Manifest
from pipeline.site.plan import PageOutput, Plan

__all__ = ["Shard", "UnionReport", "balance", "claim", "compare", "parse_shard", "partition",
           "render_cost", "restrict"]

# Expected CPU milliseconds of one render: (base, per KB of Markdown), as bench/scale.py
# measured them (HTML ~6 ms; PDF ~70 ms + ~23 ms per KB, 3.4 printed pages for 4.5 KB).
# Only the ratios matter: they balance the shares, they do not decide what is rendered.
COSTS = {"html": (6, 1), "pdf": (70, 23)}
_SPEC = re.compile(r"\s*([0-9]+)\s*/\s*([0-9]+)\s*")
MAX_SHARDS = 256
"""More shares than this are refused: GitHub Actions runs at most 256 jobs of a matrix,
GitLab's ``parallel:`` at most 200."""


@dataclass(frozen=True, slots=True)
class Shard:
    """Share ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``"2/3"`` → ``Shard(2, 3)``; anything else is a usage error naming the form.

    >>> parse_shard("2/3")
    Shard(index=2, count=3)
    """
    found = _SPEC.fullmatch(text)
    if not found:
        raise ConfigError(f"--shard {text!r}: write K/N, e.g. --shard 1/4 (share K of N)")
    # digits compared as text first: int() of thousands of digits is refused by Python itself
    k, n = found.group(1).lstrip("0") or "0", found.group(2).lstrip("0") or "0"
    if len(n) > 3 or int(n) > MAX_SHARDS:
        raise ConfigError(f"--shard {text.strip()[:20]}: N is at most {MAX_SHARDS} (a CI "
                          "matrix runs no more jobs); use fewer shares")
    count = int(n)
    if len(k) > 3 or not 1 <= int(k) <= count:
        raise ConfigError(f"--shard {text.strip()[:20]}: K must be between 1 and N (here 1 "
                          f"to {count})")
    index = int(k)
    return Shard(index, count)


def render_cost(size: int, fmt: str) -> int:
    """The expected cost of rendering a page of ``size`` bytes of Markdown as ``fmt``.

    >>> render_cost(6000, "pdf") > 10 * render_cost(6000, "html")
    True
    """
    base, per_kb = COSTS.get(fmt, COSTS["html"])
    return base + per_kb * size // 1024


Key = tuple[bool, str]  # (preview tree?, "lang/page.fmt")


def _name(out: PageOutput, fmt: str) -> str:
    return f"{out.lang.gettext}/{out.page.stem}.{fmt}"


def _renders(plan: Plan) -> list[tuple[int, Key]]:
    """Every file the plan holds (rendered now or not), with its expected cost."""
    sizes: dict[Path, int] = {}
    found = []
    for tree in plan.trees:
        for out in tree.pages:
            if out.page not in sizes:
                try:
                    sizes[out.page] = out.page.stat().st_size
                except OSError:
                    sizes[out.page] = 0
            for fmt, _ in out.digests:
                found.append((render_cost(sizes[out.page], fmt), (tree.preview, _name(out, fmt))))
    return found


def partition(plan: Plan, count: int) -> list[frozenset[Key]]:
    """The plan's files in ``count`` shares of near-equal expected cost (:func:`balance`).

    It depends only on the plan's files and the pages' sizes, never on what is out of date
    in one shard's folder, so every shard computes the same partition."""
    return [frozenset(share) for share in balance(_renders(plan), count)]


K = TypeVar("K", bound=tuple[Any, ...] | str)


def balance(items: Iterable[tuple[int, K]], count: int) -> list[list[K]]:
    """``(cost, key)`` items in ``count`` shares: the largest first, each to the least loaded
    share (the lowest-numbered on a tie); keys break ties between equal costs, so the result
    depends on nothing but the items. Each share ends within one item of the others.

    >>> balance([(5, "a"), (3, "b"), (3, "c"), (1, "d")], 2)
    [['a', 'd'], ['b', 'c']]
    """
    loads = [0] * count
    shares: list[list[K]] = [[] for _ in range(count)]
    for cost, key in sorted(items, key=lambda r: (-r[0], r[1])):
        least = min(range(count), key=lambda i: (loads[i], i))
        loads[least] += cost
        shares[least].append(key)
    return shares


def restrict(plan: Plan, shard: Shard) -> tuple[Plan, frozenset[Key]]:
    """``plan`` with only this shard's share left to render (and the share); out-of-date
    files of other shares found in the folder are to be removed with the rest."""
    share = partition(plan, shard.count)[shard.index - 1]
    trees = []
    for tree in plan.trees:
        pages, stale = [], []
        for out in tree.pages:
            mine = tuple(f for f in out.todo if (tree.preview, _name(out, f)) in share)
            stale += [_name(out, f) for f in out.todo
                      if f not in mine and os.path.exists(tree.root / _name(out, f))]
            pages.append(replace(out, todo=mine))
        trees.append(replace(tree, pages=tuple(pages),
                             remove=tuple(sorted({*tree.remove, *stale}))))
    return Plan(plan.decisions, tuple(trees)), share


def claim(plan: Plan, manifests: Mapping[Path, Manifest]) -> None:
    """Record in each tree's manifest the inputs digest of every file of the plan, as an
    unsharded run would: the shards' manifests are then identical. A file of another share
    missing here is still rendered by a later run on this folder (it checks the disk)."""
    for tree in plan.trees:
        outputs = manifests[tree.root].outputs
        for out in tree.pages:
            for fmt, inputs in out.digests:
                outputs[_name(out, fmt)] = inputs


@dataclass(frozen=True, slots=True)
class UnionReport:
    """A combined folder against the plan: files expected, and those missing, out of date
    (the manifest names other inputs than the checkout's) or extra (the plan has no such
    file), as paths relative to the folder."""

    expected: int
    missing: tuple[str, ...]
    outdated: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not (self.missing or self.outdated or self.extra)


def compare(plan: Plan, manifests: Mapping[Path, Manifest], *, folder: Path,
            indexes: Mapping[Path, Iterable[tuple[str, str]]],
            assets: Mapping[str, Path]) -> UnionReport:
    """Every file each tree of ``plan`` must hold (pages, ``indexes``: name and digest per
    tree, ``assets``, the manifest) present and current, and nothing else in the trees."""
    missing, outdated, extra = [], [], []
    expected = 0
    roots = [tree.root for tree in plan.trees]
    for tree in plan.trees:
        outputs = manifests[tree.root].outputs
        at = _prefix(tree.root, folder)
        wanted = [(_name(out, fmt), digest) for out in tree.pages for fmt, digest in out.digests]
        wanted += list(indexes.get(tree.root, ()))
        for name, digest in wanted:
            expected += 1
            if not (tree.root / name).is_file():
                missing.append(at + name)
            elif outputs.get(name) != digest:
                outdated.append(at + name)
        for name, path in assets.items():
            expected += 1
            there = tree.root / "assets" / name
            if not there.is_file():
                missing.append(f"{at}assets/{name}")
            elif there.read_bytes() != path.read_bytes():
                outdated.append(f"{at}assets/{name}")
        expected += 1
        if not (tree.root / MANIFEST).is_file():
            missing.append(at + MANIFEST)
        allowed = set(tree.keep) | {f"assets/{n}" for n in assets} | {MANIFEST}
        extra += [at + name for name in _files(tree.root, skip=[r for r in roots
                                                                 if r != tree.root])
                  if name not in allowed]
    return UnionReport(expected, tuple(missing), tuple(outdated), tuple(sorted(extra)))


def _prefix(root: Path, folder: Path) -> str:
    try:
        rel = root.relative_to(folder).as_posix()
    except ValueError:
        return f"{root}/"
    return "" if rel == "." else f"{rel}/"


def _files(root: Path, *, skip: Sequence[Path]) -> list[str]:
    """Files under ``root`` (relative), not descending into ``skip`` (a nested tree)."""
    skipped = {os.path.realpath(p) for p in skip}
    found = []
    for top, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if os.path.realpath(os.path.join(top, d)) not in skipped)
        rel = os.path.relpath(top, root)
        found += [name if rel == "." else f"{Path(rel).as_posix()}/{name}" for name in names]
    return sorted(found)
