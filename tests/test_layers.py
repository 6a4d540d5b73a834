"""Imports in lib/ go down the layers, and no modules import each other in a circle.

The layers (docs/architecture.md): intake (files in) and analysis (rows in, results out) are pure
and know nothing of the store, the outputs, the pages or the users; the store holds what intake
read; outputs write files from the store; ui is the Streamlit glue on top; the command line sits
beside ui over the same functions. Every ``import`` in lib/ is read from the source (ast), those
inside functions too: an import deferred to call time is still a dependency.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "lib"

# part of lib -> the parts it may import (besides itself). A part is lib/<name>/ or lib/<name>.py.
SHARED = {"labels"}  # the words on screen and in files: imports nothing of lib
ALLOWED: dict[str, set[str]] = {
    "labels": set(),
    "web": set(),  # the server's own helpers (base path, heap): stand alone
    "access": SHARED,  # users, roles, scopes: plain types
    "filters": SHARED | {"access"},  # a selection carries the user's scope
    "intake": SHARED,  # bytes in, records and findings out
    "analysis": SHARED | {"filters"},  # rows in, results out
    "store": SHARED | {"access", "filters", "intake", "analysis"},  # intake's records, derived on import
    "outputs": SHARED | {"access", "filters", "intake", "analysis", "store"},
    "ui": SHARED | {"access", "filters", "intake", "analysis", "store", "outputs", "web"},
    "cli": SHARED | {"access", "filters", "intake", "analysis", "store", "outputs"},
}


def lib_modules(root: Path = LIB) -> dict[str, Path]:
    """Dotted module name -> file, for every module of lib/ (a package by its __init__.py)."""
    modules = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module of lib an imported name lives in (``lib.ui.fmt`` -> ``lib.ui`` when fmt is a name
    that lib/ui/__init__.py binds rather than a module of its own); None outside lib."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(root: Path = LIB) -> dict[str, set[str]]:
    """Module -> the modules of lib it imports, ``from x import y`` resolved to the module y when
    y is one, else to x."""
    modules = lib_modules(root)
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [_resolve(alias.name, modules) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from . import x, from ..store import y
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules
                           else _resolve(base, modules) for alias in node.names]
            else:
                continue
            graph[module].update(t for t in targets if t and t != module)
    return graph


def part(module: str) -> str:
    """lib.store.database -> store; lib.cli -> cli."""
    return module.split(".")[1]


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every import from a part of lib that the importing part may not use."""
    return sorted(f"{a} imports {b}" for a, targets in graph.items() for b in targets
                  if part(a) != part(b) and part(b) not in ALLOWED.get(part(a), set()))


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other through imports (strongly connected
    components of two or more), each sorted; Tarjan's algorithm without recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []
    for start in sorted(set(graph) | {t for ts in graph.values() for t in ts}):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            step = next(targets, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph.get(step, ())))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    circles.append(sorted(group))
    return sorted(circles)


def _inside_intake(circle: list[str]) -> bool:
    return all(part(m) == "intake" for m in circle)


def test_the_walk_sees_the_imports_it_must_judge():
    graph = import_graph()
    assert "lib.store.database" in graph["lib.store"]  # the package face re-exports Store
    assert "lib.outputs.fmt" in graph["lib.outputs.brief"]  # formatting below the pages
    assert "lib.outputs.brief" in graph["lib.ui.brief_button"]  # deferred, inside a function
    assert "lib.intake.workbook_spec" in graph["lib.store.base"]
    assert set(ALLOWED) >= {part(m) for m in lib_modules()}  # every part of lib has its rule


def test_the_rules_catch_an_upward_import_and_a_circle(tmp_path):
    """The checks themselves, on a small lib of files written here: they can fail."""
    lib = tmp_path / "lib"
    for name, text in {
        "__init__.py": "",
        "intake/__init__.py": "",
        "intake/reader.py": "from lib.store import Store\n",  # intake reaching up into the store
        "store/__init__.py": "from lib.store.base import Store\n",
        "store/base.py": "def f():\n    from lib.store import helpers\n\nStore = object\n",
        "store/helpers.py": "from . import base\n",
        "outputs/__init__.py": "",
        "outputs/brief.py": "from lib.ui import fmt\n",
        "ui/__init__.py": "from lib.outputs import brief\nfmt = None\n",
    }.items():
        (lib / name).parent.mkdir(parents=True, exist_ok=True)
        (lib / name).write_text(text, encoding="utf-8")
    graph = import_graph(lib)
    assert upward_imports(graph) == ["lib.intake.reader imports lib.store", "lib.outputs.brief imports lib.ui"]
    assert import_circles(graph) == [["lib.outputs.brief", "lib.ui"], ["lib.store.base", "lib.store.helpers"]]


def test_imports_go_down_the_layers():
    assert upward_imports(import_graph()) == []


def test_no_import_circle():
    """Outside lib/intake (its own circle is the next test's)."""
    assert [c for c in import_circles(import_graph()) if not _inside_intake(c)] == []


def test_no_import_circle_inside_intake():
    """The readers of lib/intake (workbook, forms, their checks and values) must not import
    each other in a circle either."""
    assert [c for c in import_circles(import_graph()) if _inside_intake(c)] == []
