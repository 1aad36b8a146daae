"""The shape of the code: no import cycle, no op function called from outside the core's typed API,
no function too long to read. Each test reads the source, so it fails the moment someone breaks it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from bookhelpers import ROOT

PACKAGES = ("bianzhi_app", "ui")
MAX_FUNCTION_LINES = 100


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if "migrations" in parts:
                continue  # Alembic loads migrations by path; they import nothing of ours but models
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _runtime_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import that runs, at module level or inside a function; not those under TYPE_CHECKING."""
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            type_only.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in type_only:
            yield node


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports when it runs (a package's __init__ counts too)."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{anchor}.{base}" if base else anchor
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                owner = _owner(target, modules)
                if owner is not None and owner != name:
                    graph[name].add(owner)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_counting_imports_inside_functions():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = import_graph()
    graph["bianzhi_app.kernel"].add("bianzhi_app.book")  # as if the kernel imported the Book
    assert any({"bianzhi_app.kernel", "bianzhi_app.book"} <= set(c) for c in cycles(graph))


def test_kernel_depends_on_no_op_and_no_book():
    graph = import_graph()
    assert not {m for m in graph["bianzhi_app.kernel"] if m.startswith("bianzhi_app.ops") or m == "bianzhi_app.book"}


def test_safety_knows_no_business_data():
    graph = import_graph()
    business = ("bianzhi_app.ops", "bianzhi_app.kernel", "bianzhi_app.book", "bianzhi_app.areas",
                "bianzhi_app.queries", "bianzhi_app.catalog", "bianzhi_app.db.models")
    leaks = {(m, t) for m, targets in graph.items() if m.startswith("bianzhi_app.safety")
             for t in targets if t.startswith(business)}
    assert leaks == set()


def test_only_the_typed_api_calls_op_functions():
    """Ops are called through book.units / book.staff …: no window, CLI or io module imports an op
    module for its operations (their request types and read helpers may be imported)."""
    allowed_names = {"EnterRequest", "AppointRequest", "UnitRequest", "UnitRefusal", "Quarter", "parse_quarter",
                     "get_snapshot", "previous_snapshot", "list_snapshots", "SnapshotRecord", "find_active_person",
                     "pool_figures", "post_figures", "quota_figures", "PersonRef"}
    offenders = []
    for name, path in _modules().items():
        if name.startswith(("bianzhi_app.ops", "bianzhi_app.areas", "bianzhi_app.recovery")):
            continue
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bianzhi_app.ops"):
                if node.module == "bianzhi_app.ops" or {a.name for a in node.names} - allowed_names:
                    offenders.append(f"{name}: from {node.module} import {', '.join(a.name for a in node.names)}")
            elif isinstance(node, ast.Import) and any(a.name.startswith("bianzhi_app.ops") for a in node.names):
                offenders.append(f"{name}: import {', '.join(a.name for a in node.names)}")
    assert offenders == []


def test_no_function_over_100_lines():
    long = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {length} lines")
    assert long == []
