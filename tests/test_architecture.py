"""Architecture rules for the giza package, checked from its source with ``ast``.

- No import cycles, counting imports inside functions too (they only hide a cycle).
  Imports under ``if TYPE_CHECKING:`` are left out: they never run.
- No function longer than 50 lines (decorators excluded).
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

import giza

PACKAGE_DIR = Path(giza.__file__).resolve().parent
MAX_FUNCTION_LINES = 50


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {_module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement at any depth, except those under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def _resolve_from(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(module: str, path: Path, node: ast.Import | ast.ImportFrom,
             modules: dict[str, Path]) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    target = _resolve_from(module, path.name == "__init__.py", node)
    found = set()
    for alias in node.names:
        submodule = f"{target}.{alias.name}"
        if submodule in modules:
            found.add(submodule)
        elif target in modules:
            found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """``{module: modules it imports}`` inside the package, function-level imports included."""
    modules = package_modules()
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        edges: set[str] = set()
        for node in _import_nodes(tree):
            edges |= _targets(module, path, node, modules)
        edges.discard(module)
        graph[module] = edges
    return graph


def _shortest_cycle(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """The shortest path from ``start`` back to itself (BFS), or None."""
    parents: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node]):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if nxt not in parents:
                parents[nxt] = node
                queue.append(nxt)
    return None


def import_cycles(graph: dict[str, set[str]]) -> list[str]:
    """One cycle per module that is on one (the shortest), each cycle written once."""
    seen: set[frozenset[tuple[str, str]]] = set()
    cycles: list[str] = []
    for module in sorted(graph):
        cycle = _shortest_cycle(graph, module)
        if cycle is None:
            continue
        key = frozenset(zip(cycle, cycle[1:], strict=False))
        if key not in seen:
            seen.add(key)
            cycles.append(" -> ".join(cycle))
    return cycles


def long_functions(limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """``module name (N lines)`` for every function or method longer than ``limit``."""
    found = []
    for module, path in package_modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    found.append(f"{module} {node.name} ({length} lines)")
    return sorted(found)


def test_import_graph_sees_function_level_and_submodule_imports() -> None:
    graph = import_graph()
    # `from giza.commands.project import load_config` inside check(): a function-level edge
    assert "giza.commands.project" in graph["giza.commands.check"]
    # `from giza.post import sitemap, staging`: edges to the submodules, not the package
    assert {"giza.post.sitemap", "giza.post.staging"} <= graph["giza.post"]
    assert all(target in graph for edges in graph.values() for target in edges)


def test_relative_imports_resolve() -> None:
    modules = {"giza.a": Path("a.py"), "giza.a.b": Path("b.py"), "giza.c": Path("c.py")}
    tree = ast.parse("from . import c\nfrom .a import b\nfrom ..a import x\n")
    nodes = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    targets = [_targets("giza.d.e", Path("e.py"), node, modules) for node in nodes]
    assert targets == [set(), set(), {"giza.a"}]
    targets = [_targets("giza.e", Path("e.py"), node, modules) for node in nodes]
    assert targets == [{"giza.c"}, {"giza.a.b"}, set()]


def test_cycle_finder_reports_each_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d"}, "f": {"a"}}
    assert import_cycles(graph) == ["a -> b -> c -> a", "d -> e -> d"]


def test_no_import_cycles() -> None:
    cycles = import_cycles(import_graph())
    assert not cycles, "import cycles in giza/:\n" + "\n".join(cycles)


def test_no_function_over_50_lines() -> None:
    found = long_functions()
    assert not found, f"functions over {MAX_FUNCTION_LINES} lines in giza/:\n" + "\n".join(found)
