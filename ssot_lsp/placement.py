"""Where statements sit and which names each scope binds and reads: the facts behind fix safety (SPEC §12).

The fixer must keep an edit inside the block of the statement it changes, bind a new name
before its first use, and never shadow a name some other code reads. Those questions are
about the syntax tree, not about imports, so they are answered here from one walk of the
module: the block (body list) holding every statement, whether that block runs only under a
condition (`try`, `if`, loops, `with`), the top-level statement around a line, and for each
function, class and the module the names it binds and the names it reads.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPOUND = tuple(getattr(ast, name) for name in ("If", "For", "AsyncFor", "While", "Try", "TryStar", "With",
                                                  "AsyncWith", "Match", "ExceptHandler") if hasattr(ast, name))


@dataclass
class NameScope:
    """One namespace of the file (the module, a class or a function): what it binds and reads."""

    node: ast.AST
    kind: str  # module | class | function
    parent: Optional[NameScope]
    bound: set[str] = field(default_factory=set)
    read: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)


@dataclass
class _Slot:
    block: Sequence[ast.AST]  # the body list holding the statement
    owner: ast.AST  # the node whose field that list is
    conditional: bool  # the block runs only under a condition (try, if, loop, with, match)


class Placement:
    """Block and scope facts of one module's syntax tree.

    Blocks and the scopes of `def`/`class` statements come from a walk over statements
    only (cheap); what each scope binds and reads needs a walk over every expression, done
    on first use and shared by every question (`names`, `counts`).
    """

    def __init__(self, tree: ast.Module):
        self.tree = tree
        self._slots: dict[int, _Slot] = {}
        self.module_scope = NameScope(tree, "module", None)
        self.scopes: list[NameScope] = [self.module_scope]  # module, then every def/class statement
        self._by_node: dict[int, NameScope] = {}
        self._walk_blocks(tree, False, self.module_scope)
        self._top_starts = [self._first_line(node) for node in tree.body]
        self._named = False
        self._lambdas: list[NameScope] = []
        self.bound_counts: dict[str, int] = {}
        self.read_counts: dict[str, int] = {}

    # -- blocks ----------------------------------------------------------------------
    def _walk_blocks(self, owner: ast.AST, conditional: bool, scope: NameScope) -> None:
        for name in _BLOCK_FIELDS:
            block = getattr(owner, name, None)
            if not isinstance(block, list):
                continue
            inner = conditional or not isinstance(owner, (ast.Module, *_SCOPES))
            for child in block:
                if isinstance(child, ast.stmt):
                    self._slots[id(child)] = _Slot(block, owner, inner)
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    kind = "class" if isinstance(child, ast.ClassDef) else "function"
                    defined = self._by_node[id(child)] = NameScope(child, kind, scope)
                    self.scopes.append(defined)
                    self._walk_blocks(child, False, defined)
                elif isinstance(child, _COMPOUND):  # simple statements hold no blocks
                    self._walk_blocks(child, inner, scope)
        for case in getattr(owner, "cases", ()) or ():  # match statements
            for child in case.body:
                self._slots[id(child)] = _Slot(case.body, case, True)
                self._walk_blocks(child, True, scope)

    def same_block(self, first: ast.stmt, second: ast.stmt) -> bool:
        a, b = self._slots.get(id(first)), self._slots.get(id(second))
        return a is not None and b is not None and a.block is b.block

    def only_imports_between(self, first: ast.stmt, second: ast.stmt) -> bool:
        """Whether every statement strictly between two of one block is an import."""
        slot = self._slots.get(id(first))
        if slot is None or not self.same_block(first, second):
            return False
        positions = [index for index, node in enumerate(slot.block) if node is first or node is second]
        if len(positions) != 2:
            return False
        return all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in slot.block[positions[0] + 1:positions[1]])

    def conditional(self, statement: ast.stmt) -> bool:
        """Whether the statement runs only under a condition within its scope."""
        slot = self._slots.get(id(statement))
        return slot is None or slot.conditional

    def top_index(self, line: int) -> int:
        """Index in the module body of the top-level statement containing a 0-based line."""
        index = -1
        for position, start in enumerate(self._top_starts):
            if start > line:
                break
            index = position
        return max(index, 0)

    @staticmethod
    def _first_line(node: ast.stmt) -> int:
        decorators: list[ast.expr] = getattr(node, "decorator_list", [])
        return min([node.lineno, *(d.lineno for d in decorators)]) - 1

    def scope_at(self, line: int, col: int = 0) -> NameScope:
        """The innermost `def` or `class` scope whose body contains the position."""
        best = self.module_scope
        for scope in self.scopes[1:]:
            node = scope.node
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue  # only def and class statements follow the module here
            first = node.body[0]
            start = (first.lineno - 1, 0)
            end = ((node.end_lineno or node.lineno) - 1, node.end_col_offset or 0)
            if start <= (line, col) <= end and _inside(scope, best):
                best = scope
        return best

    # -- names -----------------------------------------------------------------------
    def names(self) -> Placement:
        """Fill in what every scope binds and reads (one walk over the whole tree, on first use)."""
        if not self._named:
            self._named = True
            tally = _Tally(self.bound_counts, self.read_counts)
            self._walk_names(tally, self.module_scope, None)
        return self

    def counts(self, name: str, lines: Optional[Sequence[int]]) -> tuple[int, int]:
        """How many times the file binds and reads `name`: (bindings, reads).

        `lines`: the sorted 1-based lines on which `name` is written as a word, when known.
        Every binding or read of a name is written on a line of its statement (a
        definition's lines start at its first decorator), so only the statements on those
        lines are walked, not the whole tree; the answer is the same.
        """
        if lines is None or self._named:
            self.names()
            return self.bound_counts.get(name, 0), self.read_counts.get(name, 0)
        if not lines:
            return 0, 0
        tally = _Tally({}, {})
        self._walk_names(tally, NameScope(self.tree, "module", None), lines)
        return tally.bound_counts.get(name, 0), tally.read_counts.get(name, 0)

    def _walk_names(self, tally: _Tally, module: NameScope, lines: Optional[Sequence[int]]) -> None:
        """Record bindings and reads per scope (iteratively: deep expressions are valid Python).

        With `lines`, only statements that reach one of those lines are walked, into scopes of
        their own (the placement's scopes describe the whole file).
        """
        shared = lines is None

        def walked(nodes: Iterable[ast.AST]) -> Iterable[ast.AST]:
            return nodes if lines is None else (node for node in nodes if _on_lines(node, lines))

        stack = [(child, module) for child in walked(ast.iter_child_nodes(self.tree))]
        while stack:
            node, current = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stack.extend((outer, current) for outer in _evaluated_outside(node))
                if not isinstance(node, ast.Lambda):
                    tally.bind(current, node.name)
                inner = self._by_node.get(id(node)) if shared else None
                if inner is None:
                    inner = NameScope(node, "class" if isinstance(node, ast.ClassDef) else "function", current)
                    if shared:
                        self._lambdas.append(inner)
                if not isinstance(node, ast.ClassDef):
                    for arg in _arguments(node.args):
                        tally.bind(inner, arg)
                body = node.body if isinstance(node.body, list) else [node.body]
                stack.extend((statement, inner) for statement in walked(body))
                continue
            tally.note(node, current)
            stack.extend((child, current) for child in walked(ast.iter_child_nodes(node)))

    def module_name_free(self, name: str, site: NameScope) -> bool:
        """Whether a new module-level binding of `name` changes nothing but the site's lookup.

        The module must not bind `name` itself, no scope may read it as a global or builtin
        (it would now see the import), and no function between the site and the module may
        bind it (it would hide the import from the site).
        """
        self.names()
        if name in self.module_scope.bound or name in self.module_scope.read:
            return False
        for scope in self._all_scopes():
            if name in scope.read and not _binds_locally(scope, name):
                return False
            if name in scope.declared_global:
                return False
        enclosing: Optional[NameScope] = site
        while enclosing is not None and enclosing is not self.module_scope:
            if enclosing.kind == "function" and name in enclosing.bound:
                return False
            enclosing = enclosing.parent
        return True

    def _all_scopes(self) -> list[NameScope]:
        """Every scope but the module's, lambdas included."""
        return self.scopes[1:] + self._lambdas


class _Tally:
    """Where a walk records the names each scope binds and reads, and how often the file does."""

    def __init__(self, bound_counts: dict[str, int], read_counts: dict[str, int]):
        self.bound_counts = bound_counts
        self.read_counts = read_counts

    def bind(self, scope: NameScope, name: str) -> None:
        scope.bound.add(name)
        self.bound_counts[name] = self.bound_counts.get(name, 0) + 1

    def note(self, node: ast.AST, scope: NameScope) -> None:
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                scope.read.add(node.id)
                self.read_counts[node.id] = self.read_counts.get(node.id, 0) + 1
            else:
                self.bind(scope, node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    self.bind(scope, alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self.bind(scope, node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            scope.declared_global.update(node.names)
            for name in node.names:
                self.bound_counts[name] = self.bound_counts.get(name, 0) + 1
        elif type(node).__name__ in ("MatchAs", "MatchStar", "MatchMapping"):  # not in Python 3.9's ast
            captured: Optional[str] = getattr(node, "rest" if type(node).__name__ == "MatchMapping" else "name", None)
            if captured:
                self.bind(scope, captured)


def word_lines(text: str, starts: Sequence[int], name: str) -> list[int]:
    """The sorted 1-based lines of `text` (lines starting at offsets `starts`) that write `name` as a word:
    what `Placement.counts` walks."""
    pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")
    return sorted({bisect_right(starts, match.start()) for match in pattern.finditer(text)})


def _on_lines(node: ast.AST, lines: Sequence[int]) -> bool:
    """Whether a statement spans one of `lines` (sorted, 1-based); other nodes always do."""
    if not isinstance(node, ast.stmt):
        return True
    index = bisect_left(lines, Placement._first_line(node) + 1)
    return index < len(lines) and lines[index] <= (node.end_lineno or node.lineno)


def _binds_locally(scope: Optional[NameScope], name: str) -> bool:
    """Whether a read of `name` in `scope` finds a function-local binding (its own or an enclosing one)."""
    while scope is not None and scope.kind != "module":
        if name in scope.declared_global:
            return False
        if name in scope.bound and scope.kind == "function":
            return True
        if name in scope.bound and scope.kind == "class":
            return True  # class bodies read their own names first
        scope = scope.parent
        while scope is not None and scope.kind == "class":
            scope = scope.parent  # methods do not see class-level names
    return False


def _evaluated_outside(node: ast.AST) -> list[ast.AST]:
    """The parts of a definition evaluated in the enclosing scope: decorators, bases, defaults, annotations."""
    parts: list[ast.AST] = list(getattr(node, "decorator_list", ()))
    parts += list(getattr(node, "bases", ())) + [k.value for k in getattr(node, "keywords", ())]
    args = getattr(node, "args", None)
    if isinstance(args, ast.arguments):
        parts += list(args.defaults) + [d for d in args.kw_defaults if d is not None]
        parts += [a.annotation for a in (*getattr(args, "posonlyargs", ()), *args.args, *args.kwonlyargs,
                                          args.vararg, args.kwarg) if a is not None and a.annotation is not None]
    returns = getattr(node, "returns", None)
    if returns is not None:
        parts.append(returns)
    return parts


def _inside(inner: NameScope, outer: NameScope) -> bool:
    scope: Optional[NameScope] = inner.parent
    while scope is not None:
        if scope is outer:
            return True
        scope = scope.parent
    return outer.kind == "module"


def _arguments(args: ast.arguments) -> list[str]:
    return [arg.arg for arg in (*getattr(args, "posonlyargs", ()), *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
            if arg is not None]
