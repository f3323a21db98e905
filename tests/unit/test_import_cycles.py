"""No import cycle inside the `ssot_lsp` package, function-level imports included.

Every module is parsed with `ast` and every `import` / `from ... import` anywhere in it
(module level, in functions, in `try` blocks) is an edge of the module graph: relative
imports are resolved against the module's package, and `from package import name` is an
edge to the submodule `package.name` when there is one, else to the package. Importing a
submodule is an edge to that submodule only, not to the packages above it (Python
initialises those first, whatever imports what). Imports under `if TYPE_CHECKING:` are
left out: they never run. The strongly-connected components of the graph must all be
single modules that do not import themselves.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Optional

PACKAGE = Path(__file__).resolve().parents[2] / "ssot_lsp"


def module_names(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package at `root`."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> Iterator[ast.stmt]:
    """Every import statement of `tree`, except those under `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _imports_in(child)
            continue
        yield from _imports_in(node)


def _imports_in(node: ast.AST) -> Iterator[ast.stmt]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    yield from _imports(node)


def edges(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the package that module `name` (at `path`) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for statement in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(statement, ast.Import):
            found.update(alias.name for alias in statement.names)
            continue
        assert isinstance(statement, ast.ImportFrom)
        base = _absolute(package, statement.module, statement.level)
        if base is None:
            continue
        for alias in statement.names:
            submodule = f"{base}.{alias.name}"
            found.add(submodule if submodule in modules else base)
    return {target for target in found if target in modules}


def _absolute(package: str, module: Optional[str], level: int) -> Optional[str]:
    if level == 0:
        return module
    parts = package.split(".")
    if level - 1 > len(parts) - 1:
        return None
    base = ".".join(parts[:len(parts) - (level - 1)])
    return f"{base}.{module}" if module else base


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = module_names(root)
    return {name: edges(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly-connected components with more than one module, or one importing itself (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_cycle():
    graph = import_graph(PACKAGE)
    assert len(graph) > 50 and "ssot_lsp.lsp.handlers.declare" in graph["ssot_lsp.lsp.handlers.documents"]
    assert cycles(graph) == []


def test_function_level_relative_and_submodule_imports_are_edges(tmp_path: Path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from .sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from .. import c\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n"
                                  "try:\n    import pkg.a\nexcept ImportError:\n    pass\n")
    graph = import_graph(package)
    assert graph["pkg.a"] == {"pkg.sub.b"} and graph["pkg.sub.b"] == {"pkg.c"} and graph["pkg.c"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.c", "pkg.sub.b"]]
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n")
    assert cycles(import_graph(package)) == []  # an import that only type checkers read is no cycle
