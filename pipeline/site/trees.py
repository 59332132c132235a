"""Which folders ``publish`` may write, and which files in them are its own.

The public tree holds exactly what publish wrote: a tree's ``.manifest.json`` lists every
file publish put there, and publish removes only files it lists and overwrites none it
does not. A folder that holds files but no manifest of ours (an existing site, a folder
given by mistake) is refused, never cleaned; so is a preview folder that overlaps the
public tree. Each check runs before anything is written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import CatalogError, ConfigError, PublishError
from pipeline.fs import atomic_write, sweep
from pipeline.site.manifest import MANIFEST, Hashes, Manifest
from pipeline.site.plan import Plan

__all__ = ["check_preview_dir", "check_tree", "check_trees", "copy_assets", "files_in",
           "list_pending", "write_file"]

# What ``fs.atomic_write`` leaves behind when its process is killed (``sweep`` removes it).
_LEFTOVER = re.compile(r"\..+\.\d+\.[A-Za-z0-9_]+\.tmp")


def check_preview_dir(config: Config, preview_dir: Path) -> None:
    """Refuse a preview folder that overlaps the public tree (is it, lies inside it or
    holds it), except the default ``output/drafts/``, which the public tree leaves out."""
    public, previews = config.output_dir.resolve(), preview_dir.resolve()
    if previews == config.preview_dir.resolve():
        return
    if previews.is_relative_to(public) or public.is_relative_to(previews):
        raise ConfigError(
            f"--preview-dir {preview_dir} overlaps the public site ({config.output_dir}), "
            "which is deployed as it is; use the default (output/drafts/) or a folder "
            "outside output/")


def files_in(root: Path, *, skip: Sequence[Path] = ()) -> list[str]:
    """Files under ``root`` (relative, sorted), not descending into ``skip`` (a nested
    tree) and leaving out the temporary files of a killed run."""
    skipped = {os.path.realpath(p) for p in skip}
    found = []
    for top, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if os.path.realpath(os.path.join(top, d)) not in skipped)
        rel = os.path.relpath(top, root)
        found += [name if rel == "." else f"{Path(rel).as_posix()}/{name}"
                  for name in names if not _LEFTOVER.fullmatch(name)]
    return sorted(found)


def check_tree(root: Path, manifest: Manifest, *, writes: Iterable[str],
               skip: Sequence[Path] = ()) -> None:
    """Refuse to write the tree at ``root`` when it holds files but no manifest of ours,
    or when one of ``writes`` (paths relative to ``root``) is there and not ours."""
    if root.exists() and not root.is_dir():
        raise PublishError("is not a folder; publish writes a folder here: move the file away",
                           path=root)
    if not manifest.ours:
        found = files_in(root, skip=skip) if root.is_dir() else []
        if found:
            raise PublishError(
                f"holds {len(found)} file(s) publish did not write (e.g. {found[0]}) and no "
                f"{MANIFEST} of its own; publish never cleans such a folder: publish into an "
                "empty or new folder, or move these files away", path=root)
        return
    for name in writes:
        if name in manifest.outputs or (manifest.legacy and name.startswith("assets/")):
            continue
        if os.path.lexists(root / name):
            raise PublishError(
                f"was not written by publish ({MANIFEST} does not list it) and would be "
                "overwritten; move it away, then publish again", path=root / name)


def check_trees(plan: Plan, manifests: Mapping[Path, Manifest], *, public: Path) -> None:
    """:func:`check_tree` for every tree of ``plan`` (the files it keeps are those it may
    write), and for the ``public`` folder around a preview tree inside it (deployed with
    it), then the partial files of a killed run swept from them."""
    roots = [tree.root for tree in plan.trees]
    for tree in plan.trees:
        nested = [root for root in roots if root != tree.root]
        check_tree(tree.root, manifests[tree.root], writes=sorted(tree.keep), skip=nested)
    if public not in roots and any(r.resolve().is_relative_to(public.resolve()) for r in roots):
        check_tree(public, Manifest.load(public / MANIFEST), writes=(), skip=roots)
    for tree in plan.trees:
        sweep(tree.root, recursive=True)


def list_pending(plan: Plan, manifests: Mapping[Path, Manifest]) -> None:
    """Before the first write, list in each tree's manifest the files the run may add
    (without a digest: not current), so that a run killed midway leaves no file the next
    run would take for someone else's and refuse to touch."""
    for tree in plan.trees:
        manifest = manifests[tree.root]
        new = sorted(tree.keep - set(manifest.outputs))
        if new:
            manifest.outputs.update(dict.fromkeys(new, ""))
            write_file(tree.root / MANIFEST, manifest.encode())


def copy_assets(plan: Plan, manifests: Mapping[Path, Manifest], assets: Mapping[str, Path],
                hashes: Hashes) -> None:
    """The stylesheets and images pages use, into each tree's ``assets/`` (rewritten only
    when their bytes change), each listed in the tree's manifest."""
    for tree in plan.trees:
        outputs = manifests[tree.root].outputs
        for name, path in assets.items():
            write_file(tree.root / "assets" / name, path.read_bytes())
            outputs[f"assets/{name}"] = hashes(path)


def write_file(target: Path, data: bytes) -> None:
    """``data`` to ``target`` atomically; a failure is one :class:`PublishError`."""
    try:
        atomic_write(target, data)
    except CatalogError as exc:
        raise PublishError(f"cannot write: {exc.message}", path=target) from None
