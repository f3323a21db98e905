"""From a deprecation to a rule: the replacement and how sure we are of it (SPEC §13).

- high: a function whose body, after the warning, is one `return callee(...)` passing its
  own parameters (or constants) becomes a call rule: `params` in the signature's order,
  one template per combination of omitted defaulted parameters (the default is written
  out, so no call loses or gains an argument), the callee as its canonical dotted path
  and the import it needs. A decorator's explicit target, an `Old = New` alias, a
  `__getattr__` map entry, a subclass that only warns, and a module that only re-exports
  one workspace module are explicit too.
- medium: the deprecation message names a dotted path that resolves in the workspace (or
  the standard library): a symbol or module rule.
- low: nothing says what replaces it: a flag-only rule.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from dataclasses import dataclass
from itertools import combinations
from typing import Callable, Optional, Tuple, Union

from ..exports import resolve_relative
from ..model import Rule
from ..templates import template_problem
from .reader import Found, ModuleReader, without_docstring

MAX_OMITTABLE = 4  # defaulted parameters whose every omission combination gets a template

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
# What one kind of evidence says: (kind, confidence, basis, replace, templates, params, imports).
Evidence = Tuple[str, str, str, Optional[str], Tuple[str, ...], Tuple[str, ...], Tuple[str, ...]]
# A call rule's (params, templates, imports).
CallRule = Tuple[Tuple[str, ...], Tuple[str, ...], Tuple[str, ...]]
# One argument of a delegating call: (keyword, parameter, literal text).
Piece = Tuple[Optional[str], Optional[str], str]



def _stdlib_names() -> frozenset[str]:
    """Top-level standard-library module names (listed from its folder before Python 3.10)."""
    if hasattr(sys, "stdlib_module_names"):
        return frozenset(sys.stdlib_module_names)
    import sysconfig

    folder = sysconfig.get_paths()["stdlib"]
    try:
        names = {name.rsplit(".", 1)[0] for name in os.listdir(folder) if name.endswith(".py") or
                 os.path.isfile(os.path.join(folder, name, "__init__.py"))}
    except OSError:
        names = set()
    return frozenset(names | set(sys.builtin_module_names))


_STDLIB = _stdlib_names()
_CANDIDATES = re.compile(
    r"`([A-Za-z_][\w.]*)(?:\(\))?`"
    r"|\b([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)"
    r"|['\"]([A-Za-z_]\w*)(?:\(\))?['\"]"
    r"|\b(?:[Uu]se|[Ii]nstead(?: of)?|[Rr]eplaced by|in favou?r of)\s+([A-Za-z_]\w*)(?![\w.])"
)


@dataclass(frozen=True)
class Inferred:
    """A proposed rule, the evidence for it and the confidence in its replacement."""

    rule: Rule
    confidence: str  # "high", "medium" or "low"
    evidence: str  # file:line
    message: Optional[str]  # the deprecation's own words
    basis: str  # how the replacement was found
    lines: tuple[int, int] = (0, 0)  # 1-based first and last line of the deprecated definition


class Deriver:
    """Turns the evidence of one module into rules."""

    def __init__(self, reader: ModuleReader, where: str, canonical: Callable[[str], str],
                 function_def: Callable[[str], Optional[ast.FunctionDef]] = lambda name: None):
        self.reader = reader
        self.where = where  # the module's file, relative to the config
        self.canonical = canonical
        self.function_def = function_def  # a workspace callee's definition: its defaults

    def derive(self, found: Found) -> Inferred:
        method: Callable[[Found], Evidence] = getattr(self, f"_{found.what}")
        kind, confidence, basis, replace, templates, params, imports = method(found)
        rule = Rule(
            id=f"INF-{found.qualname}", kind=kind, name=found.qualname, replace=replace,
            templates=templates, message=found.warning.message, params=params, imports=imports,
            allow=(self.where,),
            origin=f"the deprecation at {self.where}:{found.warning.line} (inferred, {confidence} confidence)",
        )
        return Inferred(rule, confidence, f"{self.where}:{found.warning.line}", found.warning.message, basis,
                        _lines(found))

    # -- each kind of evidence: (kind, confidence, basis, replace, templates, params, imports)
    def _alias(self, found: Found) -> Evidence:
        target = self.canonical(found.target or "")
        return "symbol", "high", f"alias of {target}", target, (), (), ()

    def _getattr(self, found: Found) -> Evidence:
        target = self.canonical(found.target or "")
        return "symbol", "high", "module __getattr__ map", target, (), (), ()

    def _module(self, found: Found) -> Evidence:
        target = self.reexported_module()
        if target is not None:
            return "module", "high", f"re-exports {target}", target, (), (), ()
        named = self.message_path(found, want_module=True)
        if named is not None:
            return "module", "medium", "named in the message", named, (), (), ()
        return "module", "low", "flag only", None, (), (), ()

    def _function(self, found: Found, owner: Optional[ast.ClassDef] = None) -> Evidence:
        function = found.node
        assert isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        target = self.reader.target_name(found.warning.target)
        call = forwarding_call(function, owner) if target else self.delegated_call(function, owner)
        callee = target or (self.reader.qualify(call.func, owner) if call is not None and not
                            _shadowed(call.func, function) else None)
        rule = None
        if call is not None and callee is not None:
            rule = call_rule(function, call, callee, self.reader, owner, self.canonical, self.function_def(callee))
        if rule is not None:
            params, templates, imports = rule
            basis = "decorator target" if found.warning.target is not None else "delegating body"
            return "call", "high", basis, None, templates, params, imports
        return self.fallback(found, "call", owner)

    def _method(self, found: Found) -> Evidence:
        method = found.node
        assert isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef))
        decorators = {d.id for d in method.decorator_list if isinstance(d, ast.Name)}
        if decorators & {"staticmethod", "classmethod"}:
            return self._function(found, found.owner)
        properties = decorators & {"property", "cached_property"} or any(
            isinstance(d, ast.Attribute) and d.attr in ("setter", "getter") for d in method.decorator_list)
        return self.fallback(found, "symbol" if properties else "call", found.owner)

    def _class(self, found: Found) -> Evidence:
        node = found.node
        assert isinstance(node, ast.ClassDef)
        target = self.reader.target_name(found.warning.target)
        if target is not None:
            return "symbol", "high", "decorator target", self.canonical(target), (), (), ()
        base = self.warning_only_subclass(node)
        if base is not None:
            return "symbol", "high", f"subclass of {base} that only warns", self.canonical(base), (), (), ()
        return self.fallback(found, "symbol", None)

    def fallback(self, found: Found, flag_kind: str, owner: Optional[ast.ClassDef]) -> Evidence:
        named = self.message_path(found, want_module=False, owner=owner)
        if named is not None:
            return "symbol", "medium", "named in the message", named, (), (), ()
        return flag_kind, "low", "flag only", None, (), (), ()

    # -- replacements ------------------------------------------------------------------
    def delegated_call(self, function: FunctionNode, owner: Optional[ast.ClassDef]) -> Optional[ast.Call]:
        """The call of `return callee(...)` when that is all the body does after warning."""
        body = without_docstring(function.body)
        if body and self.reader.deprecation_warning(body[0]) is not None:
            body = body[1:]
        if len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Call):
            return body[0].value
        return None

    def warning_only_subclass(self, node: ast.ClassDef) -> Optional[str]:
        """The base of `class Old(New)` whose only code is an `__init__` that warns and forwards."""
        if len(node.bases) != 1 or node.keywords:
            return None
        base = self.reader.qualify(node.bases[0])
        members = [m for m in without_docstring(node.body) if not isinstance(m, ast.Pass)]
        if base is None or len(members) != 1 or not isinstance(members[0], ast.FunctionDef):
            return None
        init = members[0]
        body = without_docstring(init.body)
        if init.name != "__init__" or len(body) != 2 or self.reader.deprecation_warning(body[0]) is None:
            return None
        call = body[1].value if isinstance(body[1], ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "__init__"
                and isinstance(call.func.value, ast.Call) and isinstance(call.func.value.func, ast.Name)
                and call.func.value.func.id == "super"):
            return None
        return base if Signature(init, node).forwarded_by(call) else None

    def reexported_module(self) -> Optional[str]:
        """The one workspace module a warning-only module re-exports (star or same names)."""
        reader = self.reader
        sources: set[str] = set()
        for node in reader.tree.body:
            if isinstance(node, ast.ImportFrom):
                if node.module in ("warnings", "__future__"):
                    continue
                if any(alias.asname and alias.asname != alias.name for alias in node.names):
                    return None  # renamed on the way: a module rewrite would break names
                sources.add(_absolute(node, reader))
            elif isinstance(node, ast.Import):
                if any(alias.name != "warnings" for alias in node.names):
                    return None
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                return None
            elif isinstance(node, ast.Assign) and not _dunder_assignment(node):
                return None
        if len(sources) != 1:
            return None
        (source,) = sources
        if not source or reader.workspace.module_path(source) is None or source == reader.module:
            return None
        return source

    def message_path(self, found: Found, want_module: bool, owner: Optional[ast.ClassDef] = None) -> Optional[str]:
        """The first dotted path the message names that resolves (not the deprecated name)."""
        message = found.warning.message or ""
        own_name = found.qualname.rsplit(".", 1)[-1]
        reader = self.reader
        package = reader.module if reader.is_package else reader.module.rpartition(".")[0]
        for match in _CANDIDATES.finditer(message):
            candidate = next(group for group in match.groups() if group).rstrip(".")
            if candidate in (own_name, found.qualname) or candidate.endswith("." + own_name) and (
                    found.qualname.endswith(candidate)):
                continue
            bases = ["", reader.module + "."]
            if owner is not None:
                bases.append(f"{reader.module}.{owner.name}.")
            if package and package != reader.module:
                bases.append(package + ".")
            for base in bases:
                path = base + candidate
                kind = self.resolves(path, owner)
                if kind is not None and (kind == "module") == want_module and path != found.qualname:
                    return self.canonical(path) if kind == "symbol" else path
        return None

    def resolves(self, path: str, owner: Optional[ast.ClassDef]) -> Optional[str]:
        """"module" or "symbol" when `path` names something that exists, else None."""
        workspace = self.reader.workspace
        if workspace.module_path(path) is not None:
            return "module"
        module, _, name = path.rpartition(".")
        exports = workspace.exports(module) if module else None
        if exports is not None and (name in exports.names or any(
                name in (workspace.exports(star) or exports).names for star in exports.stars)):
            return "symbol"
        if owner is not None and module == f"{self.reader.module}.{owner.name}":
            members = {m.name for m in owner.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
            return "symbol" if name in members else None
        if module and path.split(".")[0] in _STDLIB and workspace.module_path(path.split(".")[0]) is None:
            return "symbol"
        return None


class Signature:
    """A function's parameters as a call rule sees them (`self`/`cls` left out)."""

    def __init__(self, function: FunctionNode, owner: Optional[ast.ClassDef]):
        arguments = function.args
        positional = [a.arg for a in [*arguments.posonlyargs, *arguments.args]]
        decorators = {d.id for d in function.decorator_list if isinstance(d, ast.Name)}
        if owner is not None and "staticmethod" not in decorators and positional:
            positional = positional[1:]
        self.positional = positional
        self.keyword_only = [a.arg for a in arguments.kwonlyargs]
        self.vararg = arguments.vararg.arg if arguments.vararg else None
        self.kwarg = arguments.kwarg.arg if arguments.kwarg else None
        names = [*arguments.posonlyargs, *arguments.args]
        self.defaults: dict[str, ast.expr] = {
            a.arg: d for a, d in zip(names[len(names) - len(arguments.defaults):], arguments.defaults)}
        self.defaults.update({a.arg: d for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None})

    @property
    def params(self) -> tuple[str, ...]:
        return (*self.positional, *self.keyword_only)

    def forwarded_by(self, call: ast.Call) -> bool:
        """`call` passes every parameter on exactly as it came: positionals, `k=k`, `*a`, `**kw`."""
        args = [_name(a) for a in call.args]
        expected = list(self.positional) + ([f"*{self.vararg}"] if self.vararg else [])
        keywords = [(k.arg, _name(k.value)) for k in call.keywords]
        expected_keywords = [(p, p) for p in self.keyword_only] + ([(None, self.kwarg)] if self.kwarg else [])
        starred = [f"*{a.value.id}" if isinstance(a, ast.Starred) and isinstance(a.value, ast.Name) else n
                   for a, n in zip(call.args, args)]
        return starred == expected and keywords == expected_keywords


def forwarding_call(function: FunctionNode, owner: Optional[ast.ClassDef]) -> ast.Call:
    """A call passing the function's parameters on as they came (for a decorator's explicit target)."""
    signature = Signature(function, owner)
    call = ast.Call(func=ast.Name("target"), args=[ast.Name(p) for p in signature.positional], keywords=[
        ast.keyword(arg=p, value=ast.Name(p)) for p in signature.keyword_only])
    if signature.vararg:
        call.args.append(ast.Starred(ast.Name(signature.vararg)))
    if signature.kwarg:
        call.keywords.append(ast.keyword(arg=None, value=ast.Name(signature.kwarg)))
    return call


def call_rule(function: FunctionNode, call: ast.Call, callee: str, reader: ModuleReader,
              owner: Optional[ast.ClassDef], canonical: Callable[[str], str],
              callee_def: Optional[ast.FunctionDef] = None) -> Optional[CallRule]:
    """(params, templates, imports) of a call rule rewriting calls of `function` into `callee(...)`.

    An omitted defaulted parameter is written out as its default, unless the callee (read from
    the workspace) has the same default in that place: then the argument is left out too.
    """
    path = canonical(callee)
    imports = (f"import {reader.module_of(path)}",)
    signature = Signature(function, owner)
    if signature.vararg or signature.kwarg:
        if signature.params or not signature.forwarded_by(call):
            return None
        return (), (f"{path}({{args}})",), imports
    pieces = _pieces(call, set(signature.params))
    if pieces is None:
        return None
    used = [name for _, name, _ in pieces if name is not None]
    omittable = [name for name in used if _literal(signature.defaults.get(name))]
    subsets = [s for size in range(len(omittable) + 1) for s in combinations(omittable, size)]
    if len(omittable) > MAX_OMITTABLE:
        subsets = [(), tuple(omittable)]
    same_default = _same_defaults(pieces, signature, Signature(callee_def, None) if callee_def else None)
    templates = []
    for omitted in subsets:
        texts: list[tuple[Optional[str], str, bool]] = []  # (keyword, text, may be left out)
        for keyword, name, literal in pieces:
            if name is None:
                texts.append((keyword, literal, False))
            elif name in omitted:
                texts.append((keyword, _escaped(ast.unparse(signature.defaults[name])), name in same_default))
            else:
                texts.append((keyword, "{" + name + "}", False))
        while texts and texts[-1][0] is None and texts[-1][2]:  # trailing positionals only
            texts.pop()
        kept = [f"{k}={t}" if k else t for k, t, droppable in texts if not (k and droppable)]
        template = f"{path}({', '.join(kept)})"
        if template_problem(template) is None:
            templates.append(template)
    return (signature.params, tuple(templates), imports) if templates else None


def _same_defaults(pieces: list[Piece], signature: Signature, callee: Optional[Signature]) -> set[str]:
    """Parameters whose default the callee repeats where the delegating call passes them."""
    if callee is None:
        return set()
    same = set()
    for index, (keyword, name, _) in enumerate(pieces):
        if name is None or name not in signature.defaults:
            continue
        slot = keyword if keyword else (callee.positional[index] if index < len(callee.positional) else None)
        theirs = callee.defaults.get(slot) if slot else None
        if theirs is not None and ast.unparse(theirs) == ast.unparse(signature.defaults[name]):
            same.add(name)
    return same


def _pieces(call: ast.Call, params: set[str]) -> Optional[list[Piece]]:
    """(keyword, parameter, literal text) per argument; None unless each is a parameter or a literal."""
    pieces: list[Piece] = []
    if any(k.arg is None for k in call.keywords):
        return None  # `**x`
    arguments = [(None, arg) for arg in call.args] + [(k.arg, k.value) for k in call.keywords]
    for keyword, value in arguments:
        if isinstance(value, ast.Starred):
            return None
        if isinstance(value, ast.Name) and value.id in params:
            pieces.append((keyword, value.id, ""))
        elif _literal(value):
            pieces.append((keyword, None, _escaped(ast.unparse(value))))
        else:
            return None
    names = [name for _, name, _ in pieces if name]
    return pieces if len(names) == len(set(names)) else None  # a parameter used twice would run twice


def _lines(found: Found) -> tuple[int, int]:
    node = found.node
    if found.what == "module" or node is None or not hasattr(node, "lineno"):
        return found.warning.line, found.warning.line
    decorators = [d.lineno for d in getattr(node, "decorator_list", [])]
    return min([node.lineno, *decorators]), getattr(node, "end_lineno", None) or node.lineno


def _shadowed(node: ast.expr, function: FunctionNode) -> bool:
    """Whether the callee's root name is one of the function's own parameters."""
    while isinstance(node, ast.Attribute):
        node = node.value
    arguments = function.args
    names = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                             *(a for a in (arguments.vararg, arguments.kwarg) if a is not None)]}
    return isinstance(node, ast.Name) and node.id in names and node.id != "cls"


def _literal(node: Optional[ast.expr]) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant)


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _name(node: ast.expr) -> Optional[str]:
    return node.id if isinstance(node, ast.Name) else None


def _absolute(node: ast.ImportFrom, reader: ModuleReader) -> str:
    return resolve_relative(node.module, node.level or 0, reader.module, reader.is_package) or ""


def _dunder_assignment(node: ast.Assign) -> bool:
    return all(isinstance(t, ast.Name) and t.id.startswith("__") for t in node.targets)
