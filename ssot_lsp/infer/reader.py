"""The deprecation evidence of one module, read from its syntax tree (SPEC §13).

Nothing is imported or executed: names are resolved through the module's own top-level
imports and definitions, the way the rest of ssot-lsp resolves them. What counts as
evidence:

- a decorator that resolves to `warnings.deprecated`, `typing_extensions.deprecated`,
  the `deprecated` or `deprecation` package's decorator, or one named in
  `infer-decorators` (a same-named decorator from anywhere else is not evidence);
- a function or method whose first statement (after the docstring) is `warnings.warn(...)`
  with a deprecation category (a warning behind an `if` depends on the call: not evidence);
  a class whose `__init__` or `__new__` does so;
- an unconditional top-level deprecation warning (the module warns at import time), with
  the module's `Old = New` aliases;
- a module `__getattr__` that warns with a deprecation category and reads a dict literal
  mapping old names to new ones.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Union

from ..exports import read_exports
from ..modules import Workspace

BUILTIN_CATEGORIES = frozenset({"DeprecationWarning", "PendingDeprecationWarning", "FutureWarning"})
PEP702_DECORATORS = frozenset({"warnings.deprecated", "typing_extensions.deprecated"})
LIBRARY_DECORATORS = frozenset({
    "deprecated.deprecated", "deprecated.classic.deprecated", "deprecated.sphinx.deprecated",
    "deprecation.deprecated",
})
# Keyword arguments through which a decorator names the replacement explicitly.
TARGET_KEYWORDS = ("replacement", "replaced_by", "use", "use_instead", "instead", "alternative", "new")
MESSAGE_KEYWORDS = ("reason", "details", "message", "msg")

Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]


@dataclass(frozen=True)
class Deprecation:
    """A deprecation seen in the code: where, and what it says."""

    line: int  # 1-based
    message: Optional[str]
    target: Optional[ast.expr] = None  # a decorator's explicit replacement


@dataclass(frozen=True)
class Found:
    """One deprecated thing of a module, before its replacement is derived."""

    what: str  # "function", "method", "class", "module", "alias", "getattr"
    qualname: str
    warning: Deprecation
    node: Optional[ast.AST] = None  # the def/class, or the alias's value
    owner: Optional[ast.ClassDef] = None  # a method's class
    target: Optional[str] = None  # alias and __getattr__ entries: the new name, resolved


class ModuleReader:
    """Name resolution and evidence finding over one module's syntax tree."""

    def __init__(self, tree: ast.Module, module: str, is_package: bool, workspace: Workspace,
                 decorators: tuple[str, ...], is_category: Callable[[str], bool]):
        self.tree = tree
        self.module = module
        self.is_package = is_package
        self.workspace = workspace
        self.decorators = frozenset(decorators)
        self.is_category = is_category
        self.exports = read_exports(tree.body, module, is_package)

    # -- names -------------------------------------------------------------------------
    def qualify(self, node: ast.expr, owner: Optional[ast.ClassDef] = None) -> Optional[str]:
        """The dotted name an expression refers to, through this module's bindings."""
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value, owner)
            return f"{base}.{node.attr}" if base else None
        if not isinstance(node, ast.Name):
            return None
        if owner is not None and node.id == "cls":
            return f"{self.module}.{owner.name}"
        if node.id not in self.exports.names:
            return None  # a builtin, or bound only inside a function
        target = self.exports.names[node.id]
        return target if target is not None else f"{self.module}.{node.id}"

    def target_name(self, node: Optional[ast.expr]) -> Optional[str]:
        """A decorator's explicit target: a name or attribute, or a string with a dotted path."""
        text = text_of(node) if isinstance(node, ast.Constant) else None
        if text is not None:
            return (text if "." in text else f"{self.module}.{text}") if _dotted(text) else None
        return self.qualify(node, None) if node is not None else None

    def module_of(self, qualname: str) -> str:
        """The module part of a resolved dotted name (the longest workspace module prefix)."""
        parts = qualname.split(".")
        for end in range(len(parts) - 1, 0, -1):
            if self.workspace.module_path(".".join(parts[:end])) is not None:
                return ".".join(parts[:end])
        return qualname.rsplit(".", 1)[0]

    def library(self, qualname: Optional[str], names: frozenset[str]) -> bool:
        """`qualname` is one of `names`, and not a workspace module shadowing the library."""
        if qualname not in names:
            return False
        return qualname in self.decorators or self.workspace.module_path(qualname.split(".")[0]) is None

    def is_builtin(self, node: ast.expr, names: frozenset[str]) -> bool:
        return isinstance(node, ast.Name) and node.id in names and node.id not in self.exports.names

    # -- warnings ----------------------------------------------------------------------
    def deprecation_warning(self, statement: ast.stmt) -> Optional[Deprecation]:
        """`warnings.warn(message, <deprecation category>)` as a statement, or None."""
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
            return None
        call = statement.value
        if not self.library(self.qualify(call.func), frozenset({"warnings.warn"})):
            return None
        message: Optional[ast.expr] = call.args[0] if call.args else _keyword(call, "message")
        category = call.args[1] if len(call.args) > 1 else _keyword(call, "category")
        if category is None and isinstance(message, ast.Call):  # warn(DeprecationWarning("..."))
            category, message = message.func, (message.args[0] if message.args else None)
        if category is None or not self.deprecation_category(category):
            return None  # no category means UserWarning
        return Deprecation(statement.lineno, text_of(message))

    def deprecation_category(self, node: ast.expr) -> bool:
        if self.is_builtin(node, BUILTIN_CATEGORIES):
            return True
        qualname = self.qualify(node)
        return qualname is not None and self.is_category(qualname)

    def decorator_warning(self, node: Union[Function, ast.ClassDef]) -> Optional[Deprecation]:
        """A deprecation decorator on `node`, with its message and explicit target."""
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            name = self.qualify(call.func if call is not None else decorator)
            known = PEP702_DECORATORS | LIBRARY_DECORATORS | self.decorators
            if not self.library(name, known):
                continue
            if call is None:
                return Deprecation(decorator.lineno, None)
            message = next((text_of(arg) for arg in call.args if text_of(arg) is not None), None)
            for keyword in MESSAGE_KEYWORDS:
                message = message or text_of(_keyword(call, keyword))
            target = next((_keyword(call, keyword) for keyword in TARGET_KEYWORDS if _keyword(call, keyword)), None)
            return Deprecation(decorator.lineno, message, target)
        return None

    # -- evidence ----------------------------------------------------------------------
    def evidence(self) -> Iterator[Found]:
        body = self.tree.body
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.name == "__getattr__":
                    yield from self.getattr_map(node)
                    continue
                if node.name.startswith("_"):
                    continue  # private: a helper, not an API callers were given
                warning = self.function_warning(node)
                if warning is not None:
                    yield Found("function", f"{self.module}.{node.name}", warning, node)
            elif isinstance(node, ast.ClassDef):
                yield from self.class_evidence(node)
        at_import = next(filter(None, map(self.deprecation_warning, body)), None)
        if at_import is not None:
            yield Found("module", self.module, at_import, self.tree)
            yield from self.aliases(body, at_import)

    def function_warning(self, node: Function) -> Optional[Deprecation]:
        decorated = self.decorator_warning(node)
        body = without_docstring(node.body)
        warned = self.deprecation_warning(body[0]) if body else None
        if warned is not None and _mentions_parameters(body[0], node):
            warned = None  # the warning depends on the call: a helper that warns for others
        if decorated is not None and warned is not None and decorated.message is None:
            return Deprecation(decorated.line, warned.message, decorated.target)
        return decorated or warned

    def class_evidence(self, node: ast.ClassDef) -> Iterator[Found]:
        warning = self.decorator_warning(node)
        for member in node.body:
            if not isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            member_warning = self.function_warning(member)
            if member_warning is None:
                continue
            if member.name in ("__init__", "__new__"):
                warning = warning or member_warning
            elif not member.name.startswith("_"):
                yield Found("method", f"{self.module}.{node.name}.{member.name}", member_warning, member, node)
        if warning is not None:
            yield Found("class", f"{self.module}.{node.name}", warning, node)

    def aliases(self, body: list[ast.stmt], warning: Deprecation) -> Iterator[Found]:
        """`Old = New` at the top of a module that warns at import time."""
        for node in body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                continue
            name = node.targets[0].id
            target = self.qualify(node.value)
            if target is None or name.startswith("__") or target == f"{self.module}.{name}":
                continue
            yield Found("alias", f"{self.module}.{name}", Deprecation(node.lineno, warning.message), node.value,
                        target=target)

    def getattr_map(self, function: Function) -> Iterator[Found]:
        """A module `__getattr__` that warns and maps old names through a dict literal."""
        warnings = [self.deprecation_warning(s) for s in ast.walk(function) if isinstance(s, ast.Expr)]
        warning = next(filter(None, warnings), None)
        if warning is None:
            return  # lazy loading, not a deprecation
        used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
        literals = [n for n in ast.walk(function) if isinstance(n, ast.Dict)]
        for node in self.tree.body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Dict):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id in used for t in targets):
                    literals.append(node.value)
        for literal in literals:
            for key, value in zip(literal.keys, literal.values):
                old = text_of(key) if isinstance(key, ast.Constant) else None
                new = self.mapped_name(value) if old and old.isidentifier() else None
                if key is not None and old is not None and new is not None:
                    message = warning.message.replace("{...}", old) if warning.message else None
                    yield Found("getattr", f"{self.module}.{old}", Deprecation(key.lineno, message),
                                value, target=new)

    def mapped_name(self, value: ast.expr) -> Optional[str]:
        if isinstance(value, ast.Tuple) and len(value.elts) == 2:
            parts = [part for part in (text_of(element) for element in value.elts) if part]
            return ".".join(parts) if len(parts) == 2 and _dotted(".".join(parts)) else None
        text = text_of(value) if isinstance(value, ast.Constant) else None
        if text is not None:
            if not _dotted(text):
                return None
            return text if "." in text else f"{self.module}.{text}"
        return self.qualify(value)


def without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return body[1:]
    return body


def text_of(node: Optional[ast.expr]) -> Optional[str]:
    """A string literal's text; an f-string's with `{...}` for its fields; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(text_of(value) or "{...}" for value in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        left = text_of(node.left)
        return left + (text_of(node.right) or "") if isinstance(node.op, ast.Add) and left else left
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return text_of(node.func.value)
    return None


def _mentions_parameters(statement: ast.stmt, function: Function) -> bool:
    """Whether the warning's message is one of the function's parameters (a helper that warns for others)."""
    arguments = function.args
    names = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
    names |= {a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None}
    call = statement.value if isinstance(statement, ast.Expr) else None
    message = call.args[0] if isinstance(call, ast.Call) and call.args else None
    return isinstance(message, ast.Name) and message.id in names


def _keyword(call: ast.Call, name: str) -> Optional[ast.expr]:
    return next((keyword.value for keyword in call.keywords if keyword.arg == name), None)


def _dotted(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))
