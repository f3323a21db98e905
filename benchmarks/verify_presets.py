#!/usr/bin/env python3
"""Check the built-in presets against the libraries they describe (SPEC §8).

    python3 benchmarks/verify_presets.py [--preset django-4] [--offline] [--cache DIR]

Downloads the Django release wheels 1.10 … 4.0 and the `six` and `mock` wheels with
`pip download --no-deps` into benchmarks/.work/verify_presets/ (git-ignored; nothing
downloaded is committed), reads them statically with `ast` (nothing is imported or run)
and checks every rule of the presets, loaded through ssot-lsp's own config loader:

- django-4: the rule's old path was bound (or, for a module rule, the module existed) in
  at least one release before 4.0, and its replacement is bound in 4.0 (a standard-library
  replacement in the running Python). A module rule with a replacement must also keep
  every name and submodule the old module offered, unless a more specific rule covers it.
- py3-stdlib: each `six.moves` rule agrees with what six maps the name to on Python 3,
  `mock` names exist in the running Python's `unittest.mock`, and every replacement
  resolves in the running Python's standard library. Every six.moves entry with a
  standard-library home has a rule.

Prints a Markdown table per preset and a summary; exit code 0 when every rule holds, 1 when
one does not, 2 when a download fails.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import re
import subprocess
import sys
import sysconfig
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".work" / "verify_presets"
DJANGO_RELEASES = ("1.10", "1.11", "2.0", "2.1", "2.2", "3.0", "3.1", "3.2", "4.0")
TARGET = "4.0"
PRESETS = ("django-4", "py3-stdlib")

OK, WARN, FAIL = "ok", "warn", "FAIL"
WINDOWS_ONLY = {"winreg", "msvcrt", "winsound", "_winapi", "nt"}  # stdlib modules Python 3.9 cannot list elsewhere


# -- downloads ---------------------------------------------------------------------------
def wheel(cache: Path, project: str, version: Optional[str], offline: bool) -> Path:
    """The cached wheel of `project` (newest patch of `version`), downloaded when missing."""
    release = re.escape(version) + r"(\.\d+)*" if version else r"[^-]+"
    pattern = re.compile(rf"^{re.escape(project)}-{release}-.*\.whl$", re.IGNORECASE)
    found = sorted((p for p in cache.glob("*.whl") if pattern.match(p.name)), key=_version_key)
    if found:
        return found[-1]
    if offline:
        raise SystemExit(f"error: no cached wheel of {project} {version or ''} in {cache} (--offline)")
    cache.mkdir(parents=True, exist_ok=True)
    requirement = f"{project}=={version}.*" if version else project
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet",
               "--dest", str(cache), requirement]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(f"error: could not download {requirement}:\n{result.stderr.strip()}", file=sys.stderr)
        raise SystemExit(2)
    return wheel(cache, project, version, offline=True)


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.name.split("-")[1]))


def wheel_version(path: Path) -> str:
    return path.name.split("-")[1]


# -- reading modules statically ------------------------------------------------------------
@dataclass
class ModuleInfo:
    """What a module binds at module level, read from its source."""

    bindings: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    all_steps: list[tuple[str, ast.expr]] = field(default_factory=list)  # ("=" | "+", value) for __all__
    stars: list[str] = field(default_factory=list)
    getattr_hook: bool = False

    def bind(self, name: str, how: tuple[str, ...]) -> None:
        self.bindings.setdefault(name, []).append(how)


def read_module(source: str, module: str, is_package: bool) -> ModuleInfo:
    """Module-level bindings in every branch (if/try/with/for), imports resolved to absolute names."""
    info = ModuleInfo()
    package = module if is_package else module.rpartition(".")[0]
    with warnings.catch_warnings():  # old releases' invalid escapes are not this run's business
        warnings.simplefilter("ignore")
        tree = ast.parse(source)
    _read_block(tree.body, info, package)
    return info


def _read_block(statements: Iterable[ast.stmt], info: ModuleInfo, package: str) -> None:
    blocks = (ast.If, ast.Try, ast.With, ast.For, ast.While) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())
    for node in statements:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            info.bind(node.name, ("def",))
            info.getattr_hook |= node.name == "__getattr__"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    info.bind(alias.asname, ("module", alias.name))
                else:
                    top = alias.name.split(".")[0]
                    info.bind(top, ("module", top))
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            for alias in node.names:
                if alias.name == "*":
                    info.stars.append(base)
                else:
                    info.bind(alias.asname or alias.name, ("from", base, alias.name))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                _bind_target(target, node.value, info)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == "__all__":
            info.all_steps.append(("+", node.value))
        elif isinstance(node, ast.Expr) and _is_all_extend(node.value):
            info.all_steps.append(("+", node.value.args[0]))  # type: ignore[attr-defined]
        elif isinstance(node, blocks):
            if isinstance(node, ast.For):
                _bind_target(node.target, None, info)
            for attribute in ("body", "orelse", "finalbody"):
                _read_block(getattr(node, attribute, ()), info, package)
            for handler in getattr(node, "handlers", ()):
                _read_block(handler.body, info, package)


def _bind_target(target: ast.expr, value: Optional[ast.expr], info: ModuleInfo) -> None:
    if isinstance(target, ast.Name):
        if target.id == "__all__" and value is not None:
            info.all_steps.append(("=", value))
        elif isinstance(value, ast.Name):
            info.bind(target.id, ("alias", value.id))
        else:
            info.bind(target.id, ("def",))
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            _bind_target(element, None, info)


def _is_all_extend(value: ast.expr) -> bool:
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name) and value.func.value.id == "__all__"
            and value.func.attr in ("extend", "__iadd__") and len(value.args) == 1)


def _absolute(module: Optional[str], level: int, package: str) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    base = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join(base + ([module] if module else []))


# -- where modules come from ---------------------------------------------------------------
class WheelTree:
    """The Python modules inside one wheel, by dotted name."""

    def __init__(self, path: Path):
        self.label = path.name
        self.archive = zipfile.ZipFile(path)
        self.modules: dict[str, tuple[str, bool]] = {}
        for member in self.archive.namelist():
            if not member.endswith(".py") or ".dist-info/" in member or ".data/" in member:
                continue
            dotted = member[:-3].replace("/", ".")
            if dotted.endswith(".__init__"):
                self.modules[dotted[: -len(".__init__")]] = (member, True)
            else:
                self.modules.setdefault(dotted, (member, False))
        self.tops = {name.split(".")[0] for name in self.modules}

    def owns(self, dotted: str) -> bool:
        return dotted.split(".")[0] in self.tops

    def is_module(self, dotted: str) -> bool:
        return dotted in self.modules

    def source(self, dotted: str) -> Optional[tuple[str, bool]]:
        entry = self.modules.get(dotted)
        if entry is None:
            return None
        return self.archive.read(entry[0]).decode("utf-8", "replace"), entry[1]

    def submodules(self, dotted: str) -> list[str]:
        return sorted(name for name in self.modules if name.startswith(dotted + "."))


class StdlibTree:
    """The running Python's standard library: sources read statically, C modules asked directly."""

    label = f"Python {sys.version.split()[0]}"

    def owns(self, dotted: str) -> bool:
        return is_stdlib(dotted)

    def spec(self, dotted: str):
        try:
            return importlib.util.find_spec(dotted)
        except (ImportError, ValueError):
            return None

    def is_module(self, dotted: str) -> bool:
        return self.spec(dotted) is not None

    def source(self, dotted: str) -> Optional[tuple[str, bool]]:
        spec = self.spec(dotted)
        if spec is None or not (spec.origin or "").endswith(".py"):
            return None
        return Path(spec.origin).read_text(encoding="utf-8"), spec.submodule_search_locations is not None

    def runtime_attribute(self, dotted: str, name: str) -> bool:
        """For modules without Python source (builtins, extensions): ask the module itself."""
        try:
            with warnings.catch_warnings():  # the deprecated aliases being checked warn when touched
                warnings.simplefilter("ignore")
                return hasattr(importlib.import_module(dotted), name)
        except ImportError:
            return False

    def submodules(self, dotted: str) -> list[str]:
        return []


def is_stdlib(dotted: str) -> bool:
    top = dotted.split(".")[0]
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return top in names
    if top in sys.builtin_module_names or top in WINDOWS_ONLY:  # Python 3.9: locate the module instead
        return True
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    stdlib = sysconfig.get_paths()["stdlib"]
    return bool(spec and spec.origin and spec.origin.startswith(stdlib) and "site-packages" not in spec.origin)


@dataclass(frozen=True)
class Target:
    """What a dotted path resolves to: a module, an object (its defining path), or outside."""

    kind: str  # "module" | "object" | "external"
    origin: str


class Library:
    """Resolves dotted paths the way `import` would, from the trees' sources only."""

    def __init__(self, label: str, *trees):
        self.label = label
        self.trees = trees
        self._infos: dict[str, Optional[ModuleInfo]] = {}

    def tree(self, dotted: str):
        return next((tree for tree in self.trees if tree.owns(dotted)), None)

    def is_module(self, dotted: str) -> bool:
        tree = self.tree(dotted)
        return tree is not None and tree.is_module(dotted)

    def info(self, module: str) -> Optional[ModuleInfo]:
        if module not in self._infos:
            tree = self.tree(module)
            found = tree.source(module) if tree else None
            self._infos[module] = read_module(found[0], module, found[1]) if found else None
        return self._infos[module]

    def resolve(self, dotted: str, seen: frozenset = frozenset()) -> Optional[Target]:
        if dotted in seen or len(seen) > 40:
            return None
        seen = seen | {dotted}
        tree = self.tree(dotted)
        if tree is None:
            return Target("external", dotted)
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            if tree.is_module(".".join(parts[:cut])):
                break
        else:
            return None
        current = Target("module", ".".join(parts[:cut]))
        for name in parts[cut:]:
            found = self.attribute(current, name, seen)
            if found is None:
                return None
            current = found
        return current

    def attribute(self, owner: Target, name: str, seen: frozenset) -> Optional[Target]:
        if owner.kind != "module":
            return Target(owner.kind, f"{owner.origin}.{name}")  # an attribute of an object: not followed
        module = owner.origin
        if self.is_module(f"{module}.{name}"):
            return Target("module", f"{module}.{name}")
        info = self.info(module)
        if info is None or (info.getattr_hook and not info.bindings.get(name) and not info.stars):
            # No source (a C module), or a PEP 562 `__getattr__` that may answer: only the
            # running standard library can be asked; a wheel's hook is not run.
            tree = self.tree(module)
            if isinstance(tree, StdlibTree) and tree.runtime_attribute(module, name):
                return Target("object", f"{module}.{name}")
            if info is None:
                return None
        for how in info.bindings.get(name, ()):
            found = self._follow(module, name, how, seen)
            if found is not None:
                return found
        for star in info.stars:
            exported = self.exports(star)
            if exported is None or name in exported:
                found = self.resolve(f"{star}.{name}", seen)
                if found is not None:
                    return found
        return None

    def _follow(self, module: str, name: str, how: tuple[str, ...], seen: frozenset) -> Optional[Target]:
        if how[0] == "def":
            return Target("object", f"{module}.{name}")
        if how[0] == "alias":
            return self.resolve(f"{module}.{how[1]}", seen) or Target("object", f"{module}.{name}")
        if how[0] == "module":
            return self.resolve(how[1], seen)
        return self.resolve(f"{how[1]}.{how[2]}", seen)

    def exports(self, module: str) -> Optional[set[str]]:
        """The names `from module import *` binds: its `__all__`, else every public name."""
        return self._offered(module, own_only=False)

    def api(self, module: str) -> set[str]:
        """The names a module offers as its own: its `__all__`, else what it defines or star-imports.

        Unlike `exports`, names a module merely imports for its own use (`import x`, or
        `from x import y` without `__all__`) are left out: nobody imports `six` from a
        database backend.
        """
        return self._offered(module, own_only=True) or set()

    def _offered(self, module: str, own_only: bool) -> Optional[set[str]]:
        info = self.info(module)
        if info is None:
            return None
        declared = self._declared_all(info)
        if declared is not None:
            return declared
        kinds = ("def", "alias") if own_only else ("def", "alias", "module", "from")
        names = {name for name, hows in info.bindings.items()
                 if not name.startswith("_") and any(how[0] in kinds for how in hows)}
        for star in info.stars:
            names |= self._offered(star, own_only) or set()
        return names

    def _declared_all(self, info: ModuleInfo) -> Optional[set[str]]:
        names: Optional[set[str]] = None
        for step, value in info.all_steps:
            values = self._strings(info, value)
            if values is None:
                return None
            names = values if step == "=" or names is None else names | values
        return names

    def _strings(self, info: ModuleInfo, value: ast.expr) -> Optional[set[str]]:
        if isinstance(value, (ast.List, ast.Tuple)):
            items = [element.value for element in value.elts if isinstance(element, ast.Constant)]
            return set(items) if len(items) == len(value.elts) else None
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            left, right = self._strings(info, value.left), self._strings(info, value.right)
            return left | right if left is not None and right is not None else None
        if isinstance(value, ast.Name):  # `from m import __all__ as m_all`
            for how in info.bindings.get(value.id, ()):
                if how[0] == "from" and how[2] == "__all__":
                    other = self.info(how[1])
                    return self._declared_all(other) if other else None
        if isinstance(value, ast.Attribute) and value.attr == "__all__" and isinstance(value.value, ast.Name):
            for how in info.bindings.get(value.value.id, ()):  # `import m as _m; _m.__all__`
                if how[0] == "module":
                    other = self.info(how[1])
                    return self._declared_all(other) if other else None
        return None

    def submodules(self, dotted: str) -> list[str]:
        tree = self.tree(dotted)
        return tree.submodules(dotted) if tree else []


# -- results -------------------------------------------------------------------------------
@dataclass
class Row:
    """One rule's verdict."""

    rule_id: str
    kind: str
    old: str
    new: str
    found_in: str = ""
    result: str = OK
    notes: list[str] = field(default_factory=list)

    def fail(self, note: str) -> None:
        self.result = FAIL
        self.notes.append(note)

    def warn(self, note: str) -> None:
        if self.result == OK:
            self.result = WARN
        self.notes.append(note)


def row_for(rule) -> Row:
    new = rule.replace or (", ".join(rule.templates) if rule.templates else "flag only")
    return Row(rule.id, rule.kind, rule.name, new)


def new_paths(rule) -> list[str]:
    """What a rule's fix makes the code import: its replacement, or the callees a call rule imports."""
    if rule.kind != "call":
        return [rule.replace] if rule.replace else []
    paths = []
    for statement in rule.imports:
        for node in ast.parse(statement).body:
            if isinstance(node, ast.ImportFrom):
                paths += [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                paths += [alias.name for alias in node.names]
    return paths


def covered_by_other(path: str, rules, rule) -> bool:
    """Whether another, more specific rule owns `path` (its own replacement or message)."""
    return any(other is not rule and (other.name == path or (other.kind == "module" and path.startswith(other.name + ".")))
               and len(other.name) > len(rule.name) for other in rules)


def bound(library: Library, path: str, kind: str) -> bool:
    if kind == "module":
        return library.is_module(path)
    return library.resolve(path) is not None


def versions_text(found: list[str], among: list[str]) -> str:
    """`1.10–3.2` for a contiguous run of releases, else a comma list."""
    if not found:
        return "none"
    first, last = among.index(found[0]), among.index(found[-1])
    if last - first + 1 == len(found) and len(found) > 1:
        return f"{found[0]}–{found[-1]}"
    return ", ".join(found)


# -- django-4 ------------------------------------------------------------------------------
def check_django(rules, releases: dict[str, Library]) -> list[Row]:
    target = releases[TARGET]
    older = [version for version in releases if version != TARGET]
    rows = []
    for rule in rules:
        row = row_for(rule)
        seen = [version for version in older if bound(releases[version], rule.name, rule.kind)]
        row.found_in = versions_text(seen, older)
        if not seen:
            row.fail(f"{rule.name} is bound in no release before {TARGET}")
        elif bound(target, rule.name, rule.kind):
            row.warn(f"{rule.name} is still bound in {TARGET}")
        for path in new_paths(rule):
            resolved = target.resolve(path)
            if resolved is None:
                row.fail(f"{path} is not bound in {TARGET}")
            elif rule.kind == "module" and resolved.kind == "object":
                row.fail(f"{path} is not a module in {TARGET}")
            elif resolved.kind == "external":
                row.warn(f"{path} is outside Django and the standard library: not checked")
        if rule.kind == "module" and rule.replace and seen:
            gaps = module_gaps([releases[version] for version in seen], rule, target, rules)
            if gaps:
                row.fail(f"{rule.replace} in {TARGET} lacks what {rule.name} offered: {', '.join(gaps)}")
        if rule.kind == "symbol" and rule.replace and seen:
            same = [version for version in seen if _same_object(releases[version], rule.name, rule.replace)]
            if same:
                row.notes.append(f"same object in {versions_text(same, older)}")
        rows.append(row)
    return rows


def module_gaps(old_libraries: list[Library], rule, target: Library, rules) -> list[str]:
    """Names and submodules the old module offered that the rewritten import would not find."""
    gaps: set[str] = set()
    for library in old_libraries:
        for module in [rule.name] + library.submodules(rule.name):
            counterpart = rule.replace + module[len(rule.name):]
            if covered_by_other(module, rules, rule):
                continue
            if not target.is_module(counterpart):
                gaps.add(module)
                continue
            for name in sorted(library.api(module)):
                path = f"{module}.{name}"
                if not covered_by_other(path, rules, rule) and target.resolve(f"{counterpart}.{name}") is None:
                    gaps.add(path)
    return sorted(gaps)


def _same_object(library: Library, old: str, new: str) -> bool:
    old_target, new_target = library.resolve(old), library.resolve(new)
    return old_target is not None and old_target == new_target


# -- py3-stdlib ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SixMove:
    """What six exposes under six.moves and where it points on Python 3."""

    path: str
    kind: str  # "module" | "symbol" (an attribute of six.moves or of one of its lazy modules)
    target: str  # the Python 3 module, or module.attribute; "" when the attributes of a lazy module disagree
    platform: str = ""


def read_six(source: str) -> dict[str, SixMove]:
    """six.moves, read from six.py: the MovedModule/MovedAttribute tables and the lazy modules."""
    tree = ast.parse(source)
    tables: dict[str, list[tuple[ast.Call, str]]] = {}
    table_of_class: dict[str, str] = {}
    lazy_paths: dict[str, list[str]] = {}
    for node, platform in _top_statements(tree.body):
        if isinstance(node, (ast.Assign, ast.AugAssign)) and isinstance(node.value, ast.List):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, ast.Name) and target.id.endswith("_moved_attributes"):
                calls = [(call, platform) for call in node.value.elts if isinstance(call, ast.Call)]
                tables.setdefault(target.id, []).extend(calls)
        elif (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute)
              and node.targets[0].attr == "_moved_attributes" and isinstance(node.value, ast.Name)
              and isinstance(node.targets[0].value, ast.Name)):
            table_of_class[node.targets[0].value.id] = node.value.id
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and _call_name(node.value) == "_add_module":
            module, *names = node.value.args
            if isinstance(module, ast.Call) and isinstance(module.func, ast.Name):
                lazy_paths[module.func.id] = ["six." + _six_value(name) for name in names]
    moves: dict[str, SixMove] = {}
    for call, platform in tables.get("_moved_attributes", ()):
        move = _six_move("six.moves", call, platform)
        moves[move.path] = move
    for class_name, paths in lazy_paths.items():
        entries = [_six_move("", call, platform) for call, platform in tables.get(table_of_class.get(class_name, ""), ())]
        if not entries:
            continue
        homes = sorted({entry.target.rpartition(".")[0] for entry in entries})
        for path in paths:
            moves[path] = SixMove(path, "module", homes[0] if len(homes) == 1 else "")
            for entry in entries:
                moves[f"{path}{entry.path}"] = SixMove(f"{path}{entry.path}", "symbol", entry.target, entry.platform)
    return moves


def _top_statements(body, platform: str = ""):
    for node in body:
        if isinstance(node, ast.If):
            yield from _top_statements(node.body, ast.unparse(node.test))
        else:
            yield node, platform


def _call_name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def _six_move(prefix: str, call: ast.Call, platform: str) -> SixMove:
    args = [_six_value(arg) for arg in call.args] + [None] * 5
    name = args[0]
    if _call_name(call) == "MovedModule":
        return SixMove(f"{prefix}.{name}", "module", args[2] or name, platform)
    module, attribute = args[2] or name, args[4] or args[3] or name
    return SixMove(f"{prefix}.{name}", "symbol", f"{module}.{attribute}", platform)


def _six_value(node: ast.expr):
    """The value of one MovedModule/MovedAttribute argument on the running Python 3."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _six_value(node.left) + _six_value(node.right)
    if isinstance(node, ast.Name):
        return {"__name__": "six", "PY3": True, "PY34": True, "PY2": False}[node.id]
    if isinstance(node, ast.IfExp):
        return _six_value(node.body) if _six_value(node.test) else _six_value(node.orelse)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        left, right = _six_value(node.left), _six_value(node.comparators[0])
        operators = {ast.Lt: "__lt__", ast.LtE: "__le__", ast.Gt: "__gt__", ast.GtE: "__ge__", ast.Eq: "__eq__"}
        return getattr(left, operators[type(node.ops[0])])(right)
    if isinstance(node, ast.Attribute) and ast.unparse(node) in ("sys.version_info", "sys.platform"):
        return tuple(sys.version_info) if node.attr == "version_info" else sys.platform
    if isinstance(node, ast.Tuple):
        return tuple(_six_value(element) for element in node.elts)
    raise ValueError(f"unexpected expression in six.py: {ast.dump(node)}")


def check_stdlib(rules, six: dict[str, SixMove], six_label: str, mock: Library, stdlib: Library) -> list[Row]:
    python = f"Python {sys.version_info[0]}.{sys.version_info[1]}"
    rows = []
    for rule in rules:
        row = row_for(rule)
        if rule.name.startswith("six.moves."):
            _check_six_rule(row, rule, six.get(rule.name), six_label)
        elif rule.name == "mock" or rule.name.startswith("mock."):
            _check_mock_rule(row, rule, mock, stdlib, python)
        elif rule.name.startswith("collections."):
            _check_collections_rule(row, rule, stdlib)
        else:
            row.found_in = "not checked"
            row.warn("no reference for the old path")
        for path in new_paths(rule):
            resolved = stdlib.resolve(path)
            if resolved is None or resolved.kind == "external":
                top = path.split(".")[0]
                if is_stdlib(top) and not stdlib.is_module(top):
                    row.warn(f"{path}: {top} is not available in this {python} build")
                else:
                    row.fail(f"{path} does not resolve in {python}")
        rows.append(row)
    names = {rule.name for rule in rules}
    for move in sorted(six.values(), key=lambda move: move.path):
        home = move.target.split(".")[0]
        lazy_attribute = move.kind == "symbol" and move.path.rpartition(".")[0] in six
        if move.target and home not in ("six", "builtins") and not lazy_attribute and not _has_rule(move.path, names):
            row = Row("—", move.kind, move.path, move.target, six_label)
            row.fail(f"six maps it to {move.target} on Python 3 and no rule covers it")
            rows.append(row)
    return rows


def _has_rule(path: str, names: set[str]) -> bool:
    parts = path.split(".")
    return any(".".join(parts[:cut]) in names for cut in range(len(parts), 2, -1))


def _check_six_rule(row: Row, rule, move: Optional[SixMove], six_label: str) -> None:
    if move is None:
        row.found_in = "none"
        row.fail(f"{six_label} has no {rule.name}")
        return
    row.found_in = six_label + (f" (only if {move.platform})" if move.platform else "")
    if rule.replace is None:
        row.notes.append(f"six maps it to {move.target or 'several modules'} on Python 3")
        return
    if rule.kind != move.kind:
        row.fail(f"a {rule.kind} rule, but six exposes a {move.kind}")
    if rule.replace != move.target:
        row.fail(f"six maps it to {move.target or 'several modules'} on Python 3, not {rule.replace}")


def _check_mock_rule(row: Row, rule, mock: Library, stdlib: Library, python: str) -> None:
    label = mock.label
    if not bound(mock, rule.name, rule.kind):
        row.found_in = "none"
        row.fail(f"{label} has no {rule.name}")
        return
    row.found_in = label
    if rule.kind == "module" and rule.replace:
        missing = sorted(name for name in mock.exports(rule.name) or ()
                         if stdlib.resolve(f"{rule.replace}{rule.name[len('mock'):]}.{name}") is None)
        if missing:
            row.warn(f"{rule.replace} of {python} lacks {', '.join(missing)} (newer mock features: "
                     "the fix would write an import that fails here)")


def _check_collections_rule(row: Row, rule, stdlib: Library) -> None:
    if sys.version_info < (3, 10):
        row.found_in = "this Python" if stdlib.resolve(rule.name) else "none"
        if row.found_in == "none":
            row.fail(f"{rule.name} does not resolve in this Python")
    else:
        row.found_in = "Python ≤ 3.9 (removed in 3.10)"


# -- main ----------------------------------------------------------------------------------
def load_preset(name: str):
    """The preset's rules, read by ssot-lsp's own config loader."""
    sys.path.insert(0, str(REPO))
    from ssot_lsp.config import load_config

    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "ssot.toml"
        config.write_text(f'presets = ["{name}"]\n', encoding="utf-8")
        return load_config(config).rules


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n## {title}\n")
    print("| Id | Kind | Old | New | Old path found in | Result | Notes |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        notes = "; ".join(row.notes).replace("|", "\\|")
        print(f"| {row.rule_id} | {row.kind} | `{row.old}` | {row.new} | {row.found_in} | {row.result} | {notes} |")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", action="append", choices=PRESETS, help="check only this preset (repeatable)")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"wheel cache (default {CACHE.relative_to(REPO)})")
    parser.add_argument("--offline", action="store_true", help="use cached wheels only")
    args = parser.parse_args(argv)
    stdlib = Library(StdlibTree.label, StdlibTree())
    results: dict[str, list[Row]] = {}
    for preset in args.preset or PRESETS:
        rules = load_preset(preset)
        if preset == "django-4":
            wheels = {version: wheel(args.cache, "Django", version, args.offline) for version in DJANGO_RELEASES}
            releases = {version: Library(f"Django {wheel_version(path)}", WheelTree(path), StdlibTree())
                        for version, path in wheels.items()}
            title = "django-4 against Django " + ", ".join(wheel_version(path) for path in wheels.values())
            results[title] = check_django(rules, releases)
        else:
            six_wheel, mock_wheel = (wheel(args.cache, project, None, args.offline) for project in ("six", "mock"))
            six_source = zipfile.ZipFile(six_wheel).read("six.py").decode("utf-8")
            mock = Library(f"mock {wheel_version(mock_wheel)}", WheelTree(mock_wheel), StdlibTree())
            title = (f"py3-stdlib against {StdlibTree.label}, six {wheel_version(six_wheel)}, "
                     f"mock {wheel_version(mock_wheel)}")
            results[title] = check_stdlib(rules, read_six(six_source), f"six {wheel_version(six_wheel)}", mock, stdlib)
    failed = 0
    for title, rows in results.items():
        print_table(title, rows)
    print("\n## Summary\n")
    for title, rows in results.items():
        counts = {result: sum(row.result == result for row in rows) for result in (OK, WARN, FAIL)}
        fixable = sum(row.new != "flag only" for row in rows if row.rule_id != "—")
        print(f"- {title}: {len(rows)} rows ({fixable} with a replacement): "
              f"{counts[OK]} ok, {counts[WARN]} warn, {counts[FAIL]} FAIL")
        failed += counts[FAIL]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
