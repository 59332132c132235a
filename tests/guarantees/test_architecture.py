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
    # mt -> qa is allowed on purpose: translate reports the checks' findings on its new
    # drafts (an engine answer that lost a negation is named at once); qa never imports mt.
    ("mt", "site"), ("mt", "review"),
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


_MUTATORS = {"append", "insert", "remove", "extend", "clear", "pop", "__setitem__",
             "__delitem__", "sort", "reverse"}
STATE_FIELDS = ("flags", "tcomment")
"""An entry's flags (``fuzzy``) and translator comments (provenance, ``reviewed-by`` and
``translated-by`` lines, notes): only ``catalog/entry.py`` writes them."""


def state_writes(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for every write of an entry's flags or translator comments: assignment
    (``e.flags = …``, ``e.tcomment += …``), a mutating call (``e.flags.insert(…)``; adding
    a named format flag such as ``"python-format"`` is extraction's), a keyword
    (``POEntry(flags=…)``), a deletion or an item assignment (``e.flags[0] = …``)."""
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = list(node.targets)
        for t in targets:
            for part in ast.walk(t):
                if isinstance(part, ast.Attribute) and part.attr in STATE_FIELDS and isinstance(
                        part.ctx, ast.Store | ast.Del) or (
                        isinstance(part, ast.Subscript) and isinstance(part.value, ast.Attribute)
                        and part.value.attr in STATE_FIELDS):
                    found.append((node.lineno, ast.unparse(t)))
        if isinstance(node, ast.Call):
            func = node.func
            constant = all(isinstance(a, ast.Constant) and a.value != "fuzzy"
                           and isinstance(a.value, str) for a in node.args)
            if (isinstance(func, ast.Attribute) and func.attr in _MUTATORS
                    and isinstance(func.value, ast.Attribute)
                    and func.value.attr in STATE_FIELDS
                    and not (func.value.attr == "flags" and node.args and constant)):
                found.append((node.lineno, ast.unparse(func)))
            found += [(node.lineno, f"{k.arg}=") for k in node.keywords
                      if k.arg in STATE_FIELDS]
    return found


def test_only_the_entry_module_writes_flags_and_review_lines() -> None:
    """The fuzzy flag, provenance, sign-off and translated-by lines are written by
    ``catalog/entry.py`` alone (``mark_draft``, ``sign``, ``set_provenance``, ``copy_state``,
    ``add_note`` …); anything else would be a second definition of review state. Text
    building a review line (``"reviewed-by: "``) appears nowhere else either."""
    found = []
    for name, path in modules().items():
        if name == "pipeline.catalog.entry":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        found += [f"{name}:{line}: {what}" for line, what in state_writes(tree)]
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef
                                    | ast.AsyncFunctionDef)
                      and n.body and isinstance(n.body[0], ast.Expr)
                      and isinstance(n.body[0].value, ast.Constant)}
        found += [f"{name}:{n.lineno}: {n.value[:40]!r}" for n in ast.walk(tree)
                  if isinstance(n, ast.Constant) and isinstance(n.value, str)
                  and id(n) not in docstrings
                  and re.search(r"(reviewed|translated)-by:", n.value)]
    assert found == []


def test_the_architecture_test_sees_each_kind_of_write() -> None:
    """The rule above would catch the two writes it missed before (a merge's list without
    ``fuzzy``, a run copying a draft's flags) and the other forms."""
    samples = {
        "e = polib.POEntry(msgid='a', flags=[f for f in t.flags if f != FUZZY])": 1,
        "entry.flags = list(mine.flags)": 1,
        "entry.tcomment = mine.tcomment": 1,
        "e.tcomment += 'reviewed-by: x'": 1,
        "e.flags.insert(0, 'fuzzy')": 1,
        "e.flags[0] = 'fuzzy'": 1,
        "del e.flags[0]": 1,
        "x = e.flags + ['fuzzy']": 0,
        "e.flags.append('python-format')": 0,
        "e.flags.append('fuzzy')": 1,
        "print(e.tcomment)": 0,
    }
    for source, expected in samples.items():
        assert len(state_writes(ast.parse(source))) == expected, source
