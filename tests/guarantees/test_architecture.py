"""The package keeps its shape: imports point one way, no circles, no module over 400 lines,
and the rule that only catalog/entry.py changes an entry's fuzzy flag."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"
LAYERS = ("catalog", "mt", "qa", "review", "site", "cli")
# (from, to) pairs of subpackages that must never import each other
FORBIDDEN = {
    ("core", "catalog"), ("core", "mt"), ("core", "qa"), ("core", "review"), ("core", "site"),
    ("catalog", "mt"), ("catalog", "qa"), ("catalog", "review"), ("catalog", "site"),
    ("mt", "qa"), ("mt", "site"), ("mt", "review"),
    ("qa", "mt"), ("qa", "site"), ("qa", "review"),
    ("site", "mt"), ("site", "review"),
    # the library never imports the command line (style.md: thin CLI, real library)
    ("core", "cli"), ("catalog", "cli"), ("mt", "cli"), ("qa", "cli"), ("review", "cli"),
    ("site", "cli"),
}
SITE_MAY_USE_FROM_QA = {"pipeline.qa.deception"}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "core"


def imports(path: Path, *, top_level_only: bool) -> set[str]:
    """The pipeline modules ``path`` imports (module level only, or anywhere)."""
    tree = ast.parse(path.read_text("utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    known = modules()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            for alias in node.names:  # `from pipeline.site import manifest` imports a module
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("pipeline")}
    return found


def test_imports_point_one_way() -> None:
    wrong = []
    for name, path in modules().items():
        for target in imports(path, top_level_only=False):
            pair = (layer(name), layer(target))
            if pair in FORBIDDEN or (pair == ("site", "qa")
                                     and target not in SITE_MAY_USE_FROM_QA):
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_no_import_circles_at_module_level() -> None:
    graph = {name: imports(path, top_level_only=True) for name, path in modules().items()}
    circles = []

    def visit(node: str, stack: list[str], done: set[str]) -> None:
        if node in stack:
            circles.append(" -> ".join(stack[stack.index(node):] + [node]))
            return
        if node in done:
            return
        done.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt != "pipeline" and nxt in graph and not node.startswith(nxt + "."):
                visit(nxt, [*stack, node], done)

    seen: set[str] = set()
    for start in sorted(graph):
        visit(start, [], seen)
    assert circles == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_over_400_lines(name: str) -> None:
    lines = modules()[name].read_text("utf-8").count("\n")
    assert lines <= 400, f"{name} has {lines} lines; split it by concern"


def test_only_the_entry_module_changes_the_fuzzy_flag() -> None:
    touching = re.compile(r"""flags\.(append|insert|remove)\(\s*(0,\s*)?["']fuzzy["']"""
                          r"""|["']fuzzy["']\s+(not\s+)?in\s+\w+\.flags""")
    found = [f"{name}: {m.group(0)}" for name, path in modules().items()
             if name != "pipeline.catalog.entry"
             for m in touching.finditer(path.read_text("utf-8"))]
    assert found == []
