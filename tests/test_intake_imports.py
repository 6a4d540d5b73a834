"""lib/intake imports one way: a walk over every module's imports (at the top and inside
functions, read with ast) finds no circle, and the shared types sit at the bottom."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lib" / "intake"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The lib.intake modules a file imports, wherever the import statement stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # "from lib.intake import workbook_spec": the module itself
                sub = f"{node.module}.{alias.name}"
                if sub in modules:
                    found.add(sub)
                elif node.module in modules:
                    found.add(node.module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_lib_intake_has_no_import_circle():
    graph = _graph()
    assert "lib.intake.pipeline" in graph and "lib.intake.types" in graph
    circle = _circle(graph)
    assert circle is None, " → ".join(circle)


def test_the_walk_finds_a_circle_when_there_is_one():
    """The check can fail: the dataset reader importing the pipeline back, as it once did."""
    graph = _graph()
    graph["lib.intake.workbook"] = graph["lib.intake.workbook"] | {"lib.intake.pipeline"}
    circle = _circle(graph)  # where the walk enters the circle depends on the modules before it
    assert circle[0] == circle[-1] and set(circle) == {"lib.intake.pipeline", "lib.intake.workbook"}


def test_the_shared_types_are_at_the_bottom():
    """Finding, CellError and the conversions import nothing of lib/intake but the dataset format."""
    graph = _graph()
    assert graph["lib.intake.types"] == {"lib.intake.workbook_spec"}
    assert graph["lib.intake.workbook_spec"] == set()
    assert graph["lib.intake.form_layout"] == set()
    # every reader of a file reaches the file through the one opening step
    assert "lib.intake.files" in graph["lib.intake.classify"]
    assert {"lib.intake.forms", "lib.intake.workbook", "lib.intake.classify"} <= graph["lib.intake.pipeline"]
