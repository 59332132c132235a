"""The map stays true: ARCHITECTURE.md names every module of the package and only modules
that exist, draws exactly the import arrows ``test_architecture.py`` allows, and no doc or
docstring names a module (or a module's attribute) that does not exist."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from test_architecture import FORBIDDEN, LAYERS, modules

REPO = Path(__file__).resolve().parents[2]
MAP = (REPO / "ARCHITECTURE.md").read_text("utf-8")
TOP = sorted({name.split(".")[1] for name in modules() if name.count(".") >= 1})
# `catalog.entry`, `site.page_renderer.PageRenderer`, `pipeline.qa.meaning`: a dotted name whose
# first part is one of the package's own modules or subpackages
_FILE_ENDS = r"(?<!\.po)(?<!\.py)(?<!\.md)(?<!\.mo)(?<!\.pot)(?<!\.csv)(?<!\.toml)(?<!\.html)"
_DOTTED = re.compile(r"\b(?:pipeline\.)?((?:" + "|".join(TOP) + r")(?:\.[A-Za-z_]\w*)+)\b"
                     r"(?!\.?/)" + _FILE_ENDS)
_IN_CODE = re.compile(r"(?<![\w.])pipeline\.([a-z_][a-z0-9_.]*[a-z0-9_])")
_PATH = re.compile(r"\bpipeline/([a-z_/]+\.(?:py|toml))\b")
_ARROW = re.compile(r"^- `(\w+)` → (.+)$", re.M)


def resolves(dotted: str) -> bool:
    """``catalog.entry.sign`` → a module, or an attribute of the longest module prefix."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        name = "pipeline." + ".".join(parts[:cut])
        if name in modules():
            obj: object = importlib.import_module(name)
            for attr in parts[cut:]:
                if not hasattr(obj, attr):
                    return False
                obj = getattr(obj, attr)
            return True
    return False


def test_every_module_is_on_the_map() -> None:
    named = set(re.findall(r"`([a-z_.]+)`", MAP))
    missing = [name for name in modules()
               if name != "pipeline" and not name.endswith("__main__")
               and name.removeprefix("pipeline.") not in named]
    assert missing == [], "ARCHITECTURE.md does not name: " + ", ".join(missing)


def test_the_map_names_only_what_exists() -> None:
    wrong = sorted({m.group(1) for m in _DOTTED.finditer(MAP) if not resolves(m.group(1))})
    wrong += [p for p in _PATH.findall(MAP) if not (REPO / "pipeline" / p).exists()]
    assert wrong == []


def test_the_map_draws_exactly_the_allowed_arrows() -> None:
    drawn = {(src, dst.strip("` ")) for src, rest in _ARROW.findall(MAP)
             for dst in rest.split(",")}
    everything = ("core", *LAYERS)
    allowed = {(a, b) for a in everything for b in everything
               if a != b and (a, b) not in FORBIDDEN}
    assert drawn == allowed


DOCS = sorted([REPO / "README.md", REPO / "ARCHITECTURE.md", *(REPO / "docs").rglob("*.md"),
               *(REPO / "bench").glob("*.md"), *(REPO / "pipeline").rglob("*.py")])


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_no_doc_names_a_module_that_does_not_exist(doc: Path) -> None:
    text = doc.read_text("utf-8")
    if doc.suffix == ".py":  # docstrings and comments: anything but the code's own imports
        text = "\n".join(line for line in text.splitlines()
                         if not line.lstrip().startswith(("from ", "import ")))
        found = {m.group(1) for m in _IN_CODE.finditer(text)}
    else:
        found = {m.group(1) for m in _DOTTED.finditer(text) if "pipeline." in m.group(0)
                 or "`" + m.group(1) in text}
    paths = [p for p in _PATH.findall(text) if not (REPO / "pipeline" / p).exists()]
    wrong = sorted(name for name in found if not resolves(name)) + paths
    assert wrong == []
