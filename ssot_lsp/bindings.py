"""Name binding analysis of one module: imports, what they bind, and every use (SPEC §3).

Resolution follows Python's scoping rules closely enough to never confuse an import with
a local of the same name: statements run in order within a scope (a later binding ends
the tracking of an import in that scope), function bodies are analysed after the scope
that defines them (they see its final state, as they would when called), class bodies
do not enclose their methods, and branches (`if`, `try`, loops) merge so that a name
imported in any branch stays tracked. Only references rooted in an import are recorded:
that is all the rules can match, and it keeps the analysis cheap.

The walker here owns scopes and bindings; the rest lives beside it: where each part of an
import statement is written (import_layout.py), what the module exports and its `__all__`
(exports.py, read on first use), and which function bodies a batch run may skip
(body_filter.py).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterator, Optional, Union

from .body_filter import BodyFilter
from .exports import Exports, read_exports, resolve_relative
from .import_layout import import_layout
from .model import Span
from .source import LineIndex, Located

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
Table = dict[str, Optional["ImportedName"]]  # what each name of a scope is bound to right now


@dataclass(eq=False)
class Scope:
    """A namespace: what each name is bound to right now (an import, or None for other)."""

    kind: str  # module | function | class | lambda | comprehension
    parent: Optional[Scope]
    table: Table = field(default_factory=dict)
    names: set[str] = field(default_factory=set)  # every name ever bound here

    def lookup(self, name: str) -> tuple[bool, Optional[ImportedName]]:
        scope: Optional[Scope] = self
        while scope is not None:
            if name in scope.table:
                return True, scope.table[name]
            scope = scope.parent
        return False, None

    def chain(self) -> Iterator[Scope]:
        scope: Optional[Scope] = self
        while scope is not None:
            yield scope
            scope = scope.parent

    def visible_names(self) -> set[str]:
        """Names a call here could see: this scope and its lexical parents."""
        names: set[str] = set()
        for scope in self.chain():
            names |= scope.names
        return names


@dataclass(eq=False)
class ImportedName:
    """One name of an import statement and what it binds."""

    statement: ImportStatement
    name: str  # as written: "a.b.c" in `import a.b.c`, "c" in `from a.b import c`
    asname: Optional[str]
    bound: str  # the name bound in the scope
    target: str  # the qualified name the bound name refers to
    span: Span  # the (dotted) name as written
    alias_span: Optional[Span]  # the alias after `as`
    item_span: Span  # `name as alias`, what removing this name removes
    references: list[Reference] = field(default_factory=list)

    @property
    def module(self) -> Optional[str]:
        """For `import a.b.c`, the module imported (even though `a` is what is bound)."""
        return self.name if self.statement.kind == "import" else None


@dataclass(eq=False)
class ImportStatement:
    """An `import` or `from ... import` statement with the layout the fixer needs."""

    kind: str  # "import" | "from"
    level: int
    module: Optional[str]  # as written, without leading dots
    resolved: Optional[str]  # absolute module of a from-import (None if unresolvable)
    module_span: Optional[Span]  # the module path as written, leading dots included
    names: list[ImportedName]
    star: bool
    span: Span  # the whole statement
    scope: Scope
    node: Union[ast.Import, ast.ImportFrom]
    parenthesized: bool = False
    top_level: bool = False


@dataclass(eq=False)
class CallSite:
    """A call whose callee is a reference rooted in an import."""

    node: ast.Call
    span: Span
    scope: Scope


@dataclass(eq=False)
class Reference:
    """A use of an imported name, possibly through attributes: `b`, `b.c`, `a.b.c.d`."""

    binding: ImportedName
    parts: tuple[str, ...]  # attributes after the bound name
    spans: tuple[Span, ...]  # span of the bound name, then of each longer prefix
    call: Optional[CallSite] = None
    node: Optional[ast.expr] = None

    def qualname(self, depth: int) -> str:
        """Qualified name of the prefix with `depth` attributes (0: the bound name)."""
        return ".".join((self.binding.target, *self.parts[:depth]))

    @property
    def full_qualname(self) -> str:
        return self.qualname(len(self.parts))


@dataclass(frozen=True)
class StringImport:
    """`importlib.import_module("a.b")` or `__import__("a.b")` with a literal string."""

    module: str
    span: Span  # the string literal, quotes included
    statement_line: int


@dataclass
class Analysis:
    """Everything one module's binding analysis found."""

    lines: LineIndex
    tree: ast.Module
    module_name: Optional[str]
    imports: list[ImportStatement]
    references: list[Reference]
    string_imports: list[StringImport]
    module_scope: Scope
    is_package: bool = False
    broken_lines: tuple[int, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)  # what the fix planner derived from the tree, kept with it

    @cached_property
    def exports(self) -> Exports:
        """What the module binds at top level and its `__all__` (read from the tree on first use)."""
        return read_exports(self.tree.body, self.module_name, self.is_package)

    @cached_property
    def dunder_all(self) -> frozenset[str]:
        """The names the module's `__all__` lists (empty without one)."""
        return frozenset(self.exports.dunder_all or ())

    def imported_as(self, bound: str) -> list[ImportedName]:
        """Every import name of the file (any scope) that binds `bound`."""
        return self._imports_by_bound.get(bound, [])

    @cached_property
    def _imports_by_bound(self) -> dict[str, list[ImportedName]]:
        index: dict[str, list[ImportedName]] = {}
        for statement in self.imports:
            for imported in statement.names:
                index.setdefault(imported.bound, []).append(imported)
        return index


def node_span(lines: LineIndex, node: Located) -> Span:
    """The span of a syntax node, in code-point columns."""
    start_line = node.lineno - 1
    end_line = (node.end_lineno or node.lineno) - 1
    return Span(
        start_line,
        lines.utf8_to_col(start_line, node.col_offset),
        end_line,
        lines.utf8_to_col(end_line, node.end_col_offset or 0),
    )


def string_import(call: ast.Call, lines: LineIndex, statement_line: int) -> Optional[StringImport]:
    """The module a call of `importlib.import_module` or `__import__` names with a literal string."""
    literal = call.args[0] if call.args else None
    if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
        name = literal.value
        if name and not name.startswith("."):
            return StringImport(name, node_span(lines, literal), statement_line)
    return None


_VISITORS: dict[type, Callable[["_Walker", Any], None]] = {}  # node class -> the walker's method for it


class _Walker(ast.NodeVisitor):
    """Scopes and bindings: one walk recording imports and the references rooted in them."""

    def __init__(self, lines: LineIndex, module_name: Optional[str], is_package: bool,
                 relevant: Optional[frozenset[bytes]] = None):
        self.lines = lines
        self.module_name = module_name
        self.is_package = is_package
        self.module_scope = Scope("module", None)
        self.scope = self.module_scope
        self.imports: list[ImportStatement] = []
        self.references: list[Reference] = []
        self.string_imports: list[StringImport] = []
        self.deferred: list[tuple[FunctionNode, Scope]] = []
        self.statement_line = 0
        self.body_filter = BodyFilter(lines, relevant)

    # -- positions -------------------------------------------------------------------
    def span(self, node: Located) -> Span:
        return node_span(self.lines, node)

    def span_between(self, start: Located, end: Located) -> Span:
        first, last = self.span(start), self.span(end)
        return Span(first.start_line, first.start_col, last.end_line, last.end_col)

    # -- driving ---------------------------------------------------------------------
    def visit(self, node: ast.AST) -> None:
        """`ast.NodeVisitor.visit` with the method of each node class looked up once."""
        method = _VISITORS.get(type(node))
        if method is None:
            method = _VISITORS[type(node)] = getattr(_Walker, "visit_" + type(node).__name__, _Walker.generic_visit)
        method(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def visit_Constant(self, node: ast.Constant) -> None:
        """Nothing to record (NodeVisitor's own looks for the deprecated `visit_Str` and friends)."""

    def run(self, tree: ast.Module) -> None:
        self.visit_body(tree.body)
        while self.deferred:
            node, scope = self.deferred.pop(0)
            self.run_function(node, scope)

    def visit_body(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self.statement_line = statement.lineno - 1
            self.visit(statement)

    def run_function(self, node: FunctionNode, scope: Scope) -> None:
        if not isinstance(node, ast.Lambda) and self.body_filter.cannot_matter(node):
            return
        outer = self.scope
        self.scope = scope
        self.bind_arguments(node.args)
        if isinstance(node, ast.Lambda):
            self.visit(node.body)
        else:
            self.visit_body(node.body)
        self.scope = outer

    def bind(self, name: str, value: Optional[ImportedName] = None) -> None:
        self.scope.table[name] = value
        self.scope.names.add(name)

    def bind_arguments(self, args: ast.arguments) -> None:
        for arg in (*getattr(args, "posonlyargs", ()), *args.args, *args.kwonlyargs):
            self.bind(arg.arg)
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                self.bind(arg.arg)

    def lexical_parent(self) -> Scope:
        scope = self.scope
        while scope.kind == "class" and scope.parent is not None:
            scope = scope.parent
        return scope

    # -- branches --------------------------------------------------------------------
    def run_branches(self, *bodies: list[ast.stmt], start: Optional[Table] = None) -> None:
        base = dict(self.scope.table) if start is None else start
        results = []
        for body in bodies:
            self.scope.table = dict(base)
            self.visit_body(body)
            results.append(self.scope.table)
        self.scope.table = _merge(results)

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        self.run_branches(node.body, node.orelse)

    def visit_For(self, node: Union[ast.For, ast.AsyncFor]) -> None:
        self.visit(node.iter)
        before = dict(self.scope.table)
        self.visit(node.target)
        self.visit_body(node.body)
        self.scope.table = _merge([self.scope.table, before])
        self.visit_body(node.orelse)

    visit_AsyncFor = visit_For

    def visit_While(self, node: ast.While) -> None:
        self.visit(node.test)
        before = dict(self.scope.table)
        self.visit_body(node.body)
        self.scope.table = _merge([self.scope.table, before])
        self.visit_body(node.orelse)

    def visit_Try(self, node: ast.Try) -> None:
        self.visit_body(node.body)
        after_body = dict(self.scope.table)
        results = []
        for handler in node.handlers:
            self.scope.table = dict(after_body)
            if handler.type is not None:
                self.visit(handler.type)
            if handler.name:
                self.bind(handler.name)
            self.visit_body(handler.body)
            results.append(self.scope.table)
        self.scope.table = dict(after_body)
        self.visit_body(node.orelse)
        self.scope.table = _merge([self.scope.table, *results])
        self.visit_body(node.finalbody)

    visit_TryStar = visit_Try

    # -- definitions -----------------------------------------------------------------
    def visit_FunctionDef(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.visit_arguments_outside(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        self.bind(node.name)
        self.deferred.append((node, Scope("function", self.lexical_parent())))

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_arguments_outside(self, args: ast.arguments) -> None:
        for default in (*args.defaults, *(d for d in args.kw_defaults if d is not None)):
            self.visit(default)
        for arg in (*getattr(args, "posonlyargs", ()), *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None and arg.annotation is not None:
                self.visit(arg.annotation)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit_arguments_outside(node.args)
        self.run_function(node, Scope("lambda", self.lexical_parent()))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        for base in node.bases:
            self.visit(base)
        for keyword in node.keywords:
            self.visit(keyword.value)
        outer = self.scope
        self.scope = Scope("class", outer)
        self.visit_body(node.body)
        self.scope = outer
        self.bind(node.name)

    def visit_comprehension_node(self, node: Union[ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp],
                                 elements: list[ast.expr]) -> None:
        generators = node.generators
        self.visit(generators[0].iter)  # evaluated in the enclosing scope
        outer = self.scope
        self.scope = Scope("comprehension", outer)
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for element in elements:
            self.visit(element)
        self.scope = outer

    def visit_ListComp(self, node: Union[ast.ListComp, ast.SetComp, ast.GeneratorExp]) -> None:
        self.visit_comprehension_node(node, [node.elt])

    visit_SetComp = visit_ListComp
    visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self.visit_comprehension_node(node, [node.key, node.value])

    # -- bindings --------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        if isinstance(node.target, ast.Name):
            self.load_name(node.target)
            self.bind(node.target.id)
        else:
            self.visit(node.target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.annotation)
        if node.value is not None or not isinstance(node.target, ast.Name):
            self.visit(node.target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.bind(node.target.id)

    def visit_With(self, node: Union[ast.With, ast.AsyncWith]) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self.visit(item.optional_vars)
        self.visit_body(node.body)

    visit_AsyncWith = visit_With

    def visit_Global(self, node: Union[ast.Global, ast.Nonlocal]) -> None:
        pass

    visit_Nonlocal = visit_Global

    def visit_MatchAs(self, node: ast.AST) -> None:
        self.generic_visit(node)
        name = getattr(node, "name", None)
        if name:
            self.bind(name)

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.AST) -> None:
        self.generic_visit(node)
        rest = getattr(node, "rest", None)
        if rest:
            self.bind(rest)

    # -- imports ---------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        layout = import_layout(node, self.lines, self.span(node))
        statement = ImportStatement(
            kind="import", level=0, module=None, resolved=None, module_span=None, names=[],
            star=False, span=self.span(node), scope=self.scope, node=node,
            top_level=self.scope is self.module_scope,
        )
        for alias, item in zip(node.names, layout.items):
            bound = alias.asname or alias.name.split(".")[0]
            target = alias.name if alias.asname else bound
            imported = ImportedName(statement, alias.name, alias.asname, bound, target, *item)
            statement.names.append(imported)
            self.bind(bound, imported)
            self.body_filter.track_import(bound, alias.asname)
        self.imports.append(statement)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        span = self.span(node)
        layout = import_layout(node, self.lines, span)
        resolved = resolve_relative(node.module, node.level or 0, self.module_name, self.is_package)
        star = any(alias.name == "*" for alias in node.names)
        statement = ImportStatement(
            kind="from", level=node.level or 0, module=node.module, resolved=resolved,
            module_span=layout.module_span, names=[], star=star, span=span, scope=self.scope,
            node=node, parenthesized=layout.parenthesized, top_level=self.scope is self.module_scope,
        )
        if not star:
            for alias, item in zip(node.names, layout.items):
                bound = alias.asname or alias.name
                target = f"{resolved}.{alias.name}" if resolved else f"?.{alias.name}"
                imported = ImportedName(statement, alias.name, alias.asname, bound, target, *item)
                statement.names.append(imported)
                self.bind(bound, imported if resolved else None)
                self.body_filter.track_import(bound, alias.asname)
        self.imports.append(statement)

    # -- uses ------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.load_name(node)
        elif isinstance(node.ctx, ast.Del):
            self.scope.table.pop(node.id, None)
        else:
            self.bind(node.id)

    def load_name(self, node: ast.Name, call: Optional[ast.Call] = None) -> Optional[Reference]:
        found, binding = self.scope.lookup(node.id)
        if binding is None:
            if not found and call is not None and node.id == "__import__":
                self.record_string_import(call)
            return None
        reference = Reference(binding, (), (self.span(node),), node=node)
        self.add_reference(reference, call)
        return reference

    def add_reference(self, reference: Reference, call: Optional[ast.Call]) -> None:
        if call is not None:
            reference.call = CallSite(call, self.span(call), self.scope)
            if reference.full_qualname == "importlib.import_module":
                self.record_string_import(call)
        reference.binding.references.append(reference)
        self.references.append(reference)

    def visit_Attribute(self, node: ast.Attribute, call: Optional[ast.Call] = None) -> None:
        chain: list[ast.Attribute] = []
        base: ast.expr = node
        while isinstance(base, ast.Attribute):
            chain.append(base)
            base = base.value
        if not isinstance(base, ast.Name) or not isinstance(node.ctx, ast.Load):
            self.generic_visit(node)
            return
        found, binding = self.scope.lookup(base.id)
        if binding is None:
            return
        chain.reverse()
        base_span = self.span(base)
        spans = [base_span] + [self.span_between(base, attribute) for attribute in chain]
        reference = Reference(binding, tuple(a.attr for a in chain), tuple(spans), node=node)
        self.add_reference(reference, call)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            self.load_name(func, call=node)
        elif isinstance(func, ast.Attribute):
            self.visit_Attribute(func, call=node)
        else:
            self.visit(func)
        for argument in node.args:
            self.visit(argument)
        for keyword in node.keywords:
            self.visit(keyword.value)

    def record_string_import(self, call: ast.Call) -> None:
        found = string_import(call, self.lines, self.statement_line)
        if found is not None:
            self.string_imports.append(found)


def _merge(tables: list[Table]) -> Table:
    """Union of branch outcomes; a name an import binds in any branch stays that import."""
    merged: Table = {}
    for table in tables:
        for name, value in table.items():
            if name not in merged or (merged[name] is None and value is not None):
                merged[name] = value
    return merged


def analyze_tree(
    tree: ast.Module, lines: LineIndex, module_name: Optional[str], is_package: bool = False,
    broken_lines: tuple[int, ...] = (), relevant: Optional[frozenset[bytes]] = None,
) -> Analysis:
    """Run the binding analysis over a parsed module (`relevant`: the registry's trigger names)."""
    walker = _Walker(lines, module_name, is_package, relevant)
    walker.run(tree)
    return Analysis(
        lines=lines, tree=tree, module_name=module_name, imports=walker.imports,
        references=walker.references, string_imports=walker.string_imports,
        module_scope=walker.module_scope, is_package=is_package, broken_lines=broken_lines,
    )
