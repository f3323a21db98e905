"""What a module binds at top level and what it exports: the one reader of both (SPEC §3, §11, §12).

Three questions need it: which object a name imported from a workspace module is (its
re-exports, modules.py), which names a canonical module offers (its `__all__`, or its
public names), and whether an import of the file being fixed is exported (an import in
`__all__` is never renamed nor removed, planner.py). All read the same statements the same
way: top-level imports, `def`/`class` and assignments, also inside `if`, `try`, `with`
and loop blocks at top level (function and class bodies bind nothing in the module).

`__all__` is read from literal lists and tuples of strings: `__all__ = [...]` (annotated
or not) replaces it, `__all__ += [...]` extends it. A name exported in any branch of an
`if`/`try` counts as exported. Anything else (`__all__.append(...)`, a computed value)
leaves it as it was.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from typing import Optional, Union

DUNDER_ALL = "__all__"


@dataclass
class Exports:
    """Top-level names of a module: a qualified target for imports, None for local definitions."""

    names: dict[str, Optional[str]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)
    dunder_all: Optional[list[str]] = None
    dynamic: bool = False  # the module fills its namespace at run time (read outside the workspace)

    def public(self) -> list[str]:
        if self.dunder_all is not None:
            return list(self.dunder_all)
        return [name for name in self.names if not name.startswith("_")]


def resolve_relative(module: Optional[str], level: int, current: Optional[str], is_package: bool) -> Optional[str]:
    """Absolute module of `from <dots><module> import ...` written in module `current`."""
    if level == 0:
        return module
    if current is None:
        return None
    parts = current.split(".")
    package = parts if is_package else parts[:-1]
    drop = level - 1
    if drop >= len(package):
        return None
    base = package[: len(package) - drop]
    return ".".join(base + [module]) if module else ".".join(base)


def read_exports(body: list[ast.stmt], module: Optional[str], is_package: bool) -> Exports:
    """What the statements of a module's body bind at top level, and its `__all__`."""
    reader = _Reader(module, is_package)
    reader.block(body)
    return reader.exports

# `try` statements; `try ... except*` (Python 3.11+) has the same fields.
if sys.version_info >= (3, 11):
    _TRY_STATEMENTS: tuple[type[Union[ast.Try, ast.TryStar]], ...] = (ast.Try, ast.TryStar)
else:
    _TRY_STATEMENTS = (ast.Try,)


class _Reader:
    def __init__(self, module: Optional[str], is_package: bool):
        self.module = module
        self.is_package = is_package
        self.exports = Exports()

    def block(self, body: list[ast.stmt]) -> None:
        for node in body:
            self.statement(node)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.ImportFrom):
            self.import_from(node)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                self.exports.names[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.exports.names[node.name] = None
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self.assignment(node)
        elif isinstance(node, ast.If):
            self.branches(node.body, node.orelse)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            self.branches(node.body + node.orelse, node.orelse)  # the body may not run at all
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self.block(node.body)
        elif isinstance(node, _TRY_STATEMENTS):
            self.branches(node.body + node.orelse, *(handler.body for handler in node.handlers))
            self.block(node.finalbody)

    def import_from(self, node: ast.ImportFrom) -> None:
        base = resolve_relative(node.module, node.level or 0, self.module, self.is_package)
        if base is None:
            return
        for alias in node.names:
            if alias.name == "*":
                self.exports.stars.append(base)
            else:
                self.exports.names[alias.asname or alias.name] = f"{base}.{alias.name}"

    def assignment(self, node: Union[ast.Assign, ast.AnnAssign, ast.AugAssign]) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name) and not isinstance(name.ctx, ast.Load):
                    self.exports.names[name.id] = None
        if not any(isinstance(target, ast.Name) and target.id == DUNDER_ALL for target in targets):
            return
        listed = _literal_names(node.value)
        if listed is None:
            return
        current = self.exports.dunder_all
        if isinstance(node, ast.AugAssign) and current is not None:
            self.exports.dunder_all = current + [name for name in listed if name not in current]
        else:
            self.exports.dunder_all = listed

    def branches(self, *bodies: list[ast.stmt]) -> None:
        """Blocks of which one runs: names bound in any of them count, `__all__` is their union."""
        before = self.exports.dunder_all
        outcomes: list[Optional[list[str]]] = []
        for body in bodies:
            self.exports.dunder_all = None if before is None else list(before)
            self.block(body)
            outcomes.append(self.exports.dunder_all)
        merged: Optional[list[str]] = None
        for outcome in outcomes:
            if outcome is not None:
                merged = list(dict.fromkeys((merged or []) + outcome))
        self.exports.dunder_all = merged


def _literal_names(value: Optional[ast.expr]) -> Optional[list[str]]:
    """The strings of a literal list or tuple (other elements skipped), or None for any other value."""
    if not isinstance(value, (ast.List, ast.Tuple)):
        return None
    return [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
