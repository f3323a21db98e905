"""Rules inferred from the deprecations a workspace declares in its own code (SPEC §13).

`Inference` reads the workspace's files under `src` statically (see `reader.py` for the
evidence, `derive.py` for the replacement and confidence), caches what each file yields,
and reads a file again when it changes: the language server's registry asks it after every
edit, so a teammate's new `@deprecated` shows at the call sites at once. Files that
cannot hold evidence (no `warnings`, `deprecat` or a configured decorator's name in their
bytes) are never parsed; a file that stops parsing while being edited keeps its last rules.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional

from ..config import CONFIDENCES, DEFAULT_EXCLUDE, Config
from ..model import Rule
from ..modules import Workspace
from ..source import DecodeError, decode
from .derive import Deriver, Inferred
from .reader import ModuleReader

if TYPE_CHECKING:
    from ..canonical import CanonicalSymbol

__all__ = ["CONFIDENCES", "Inference", "Inferred", "at_least"]

_SUFFIXES = (".py", ".pyi")
_MAX_CATEGORY_DEPTH = 8


def at_least(confidence: str, threshold: str) -> bool:
    return CONFIDENCES.index(confidence) >= CONFIDENCES.index(threshold)


def python_files(root: Path, config: Config) -> Iterator[Path]:
    """The Python files under `root` (in a stable order) that `config` does not exclude."""
    excluded = config.excluder()
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in DEFAULT_EXCLUDE)
        for name in sorted(names):
            path = Path(folder, name)
            relative = config.relative(path)
            if name.endswith(_SUFFIXES) and not (relative and excluded(relative)):
                yield path


class Inference:
    """The inferred rules of one configuration's workspace, kept up to date file by file."""

    def __init__(self, config: Config, workspace: Optional[Workspace] = None,
                 canonical: Optional[Callable[[], dict[str, CanonicalSymbol]]] = None, files: Optional[Iterable[Path]] = None):
        self.config = config
        self.workspace = workspace or Workspace(config.src)
        self._canonical = canonical
        self._files = list(files) if files is not None else None
        self._found: Optional[dict[Path, tuple[object, tuple[Inferred, ...]]]] = None
        self._categories: dict[str, bool] = {}
        self._trees: dict[str, Optional[tuple[ast.Module, bool]]] = {}
        self._markers = (b"warnings", b"eprecat", *{name.rsplit(".", 1)[-1].encode() for name in config.infer_decorators})
        self.last_change: Optional[Path] = None  # the file whose last refresh changed the rules
        self.failures: dict[Path, str] = {}  # files that could not be read or parsed, and why

    # -- results -----------------------------------------------------------------------
    def inferred(self) -> list[Inferred]:
        """Every inferred rule, in file order; one per name (the first, most confident wins)."""
        if self._found is None:
            self._found = {}
            for path in self._files if self._files is not None else self.workspace_files():
                self._found[path] = self._read(path) or (None, ())
        best: dict[str, Inferred] = {}
        for path in sorted(self._found):
            for item in self._found[path][1]:
                kept = best.get(item.rule.name)
                if kept is None or CONFIDENCES.index(item.confidence) > CONFIDENCES.index(kept.confidence):
                    best[item.rule.name] = item
        return list(best.values())

    def active(self, written: Iterable[Rule]) -> tuple[Rule, ...]:
        """The rules `infer = true` turns on: confident enough, and not named by a written rule."""
        names = {rule.name for rule in written}
        return tuple(item.rule for item in self.inferred()
                     if item.rule.name not in names and at_least(item.confidence, self.config.infer_confidence))

    def holds_evidence(self, path: Path) -> bool:
        """Whether `path` yields inferred rules, or its last change altered them."""
        absolute = Path(os.path.abspath(path))
        entry = (self._found or {}).get(absolute)
        return bool(entry and entry[1]) or absolute == self.last_change

    def refresh(self, path: Optional[Path]) -> bool:
        """Read `path` again (None: everything); whether the inferred rules changed."""
        if self._found is None:
            return False
        self._categories.clear()
        self._trees.clear()
        if path is None:
            before = self.inferred()
            self._found = None
            return self.inferred() != before
        absolute = Path(os.path.abspath(path))
        if not absolute.name.endswith(_SUFFIXES) or self.workspace.module_name(absolute)[0] is None:
            return False
        if self._files is None and self.config.is_excluded(absolute):
            return False
        before_entry = self._found.get(absolute)
        read = self._read(absolute) if os.path.exists(absolute) or absolute in self.workspace.overlays else (None, ())
        if read is None:  # does not parse (being typed): keep what it said before
            return False
        self._found[absolute] = read
        changed = (before_entry[1] if before_entry else ()) != read[1]
        self.last_change = absolute if changed else None
        return changed

    # -- reading -----------------------------------------------------------------------
    def workspace_files(self) -> Iterator[Path]:
        seen: set[Path] = set()
        for root in self.workspace.src:
            for path in python_files(root, self.config):
                if path not in seen:
                    seen.add(path)
                    yield path

    def _read(self, path: Path) -> Optional[tuple[object, tuple[Inferred, ...]]]:
        """(stamp, rules) of one file; None when it does not parse."""
        self.failures.pop(path, None)
        text = self._text(path)
        if text is None:
            return (None, ())
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:
            self.failures[path] = f"does not parse (line {exc.lineno}): its deprecations were not read"
            return None
        except (ValueError, RecursionError, MemoryError) as exc:
            self.failures[path] = f"cannot be read ({type(exc).__name__}): its deprecations were not read"
            return None
        module, is_package = self.workspace.module_name(path)
        if module is None:
            return (hash(text), ())
        reader = ModuleReader(tree, module, is_package, self.workspace, self.config.infer_decorators,
                              self.is_category)
        deriver = Deriver(reader, self.config.relative(path) or str(path), self.canonical_path, self.function_def)
        try:
            return (hash(text), tuple(deriver.derive(found) for found in reader.evidence()))
        except RecursionError:
            self.failures[path] = "too deeply nested to read"
            return (hash(text), ())
        except Exception as exc:  # a construct the reader does not expect: say so, keep going
            self.failures[path] = f"its deprecations could not be read ({type(exc).__name__}: {exc})"
            return (hash(text), ())

    def _text(self, path: Path) -> Optional[str]:
        overlay = self.workspace.overlays.get(path)
        if overlay is not None:
            data = overlay.encode("utf-8", "surrogatepass")
            return overlay if any(marker in data for marker in self._markers) else None
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.failures[path] = exc.strerror or str(exc)
            return None
        if not any(marker in data for marker in self._markers):
            return None
        try:
            return decode(data).text
        except DecodeError as exc:
            self.failures[path] = str(exc)
            return None

    # -- what resolution needs -------------------------------------------------------------
    def canonical_path(self, qualname: str) -> str:
        """`qualname` as the canonical module offers it, when one does."""
        if not self.config.canonical_modules:
            return qualname
        if self._canonical is None:
            from ..canonical import canonical_symbols

            symbols = canonical_symbols(self.config, self.workspace)[0]
            self._canonical = lambda: symbols
        symbol = self._canonical().get(self.workspace.canonicalize(qualname))
        return f"{symbol.module}.{symbol.name}" if symbol is not None else qualname

    def module_tree(self, module: str) -> Optional[tuple[ast.Module, bool]]:
        """The syntax tree of a workspace module (the editor's text when open), and whether it is a package."""
        if module in self._trees:
            return self._trees[module]
        path = self.workspace.module_path(module) if module else None
        found = None
        if path is not None:
            try:
                text = self.workspace.overlays.get(path) or decode(path.read_bytes()).text
                found = (ast.parse(text), path.name.startswith("__init__."))
            except (OSError, DecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
                found = None
        self._trees[module] = found
        return found

    def function_def(self, qualname: str) -> Optional[ast.FunctionDef]:
        """The top-level `def` a dotted name leads to in the workspace, if any."""
        module, _, name = self.workspace.canonicalize(qualname).rpartition(".")
        found = self.module_tree(module) if module else None
        definitions = [n for n in found[0].body if isinstance(n, ast.FunctionDef) and n.name == name] if found else []
        return definitions[-1] if definitions else None

    def is_category(self, qualname: str, depth: int = 0) -> bool:
        """Whether a workspace class is a deprecation warning category (by its bases)."""
        cached = self._categories.get(qualname)
        if cached is None and depth < _MAX_CATEGORY_DEPTH:
            self._categories[qualname] = False  # cycles end here
            cached = self._categories[qualname] = self._derives_from_category(qualname, depth)
        return bool(cached)

    def _derives_from_category(self, qualname: str, depth: int) -> bool:
        module, _, name = self.workspace.canonicalize(qualname).rpartition(".")
        found = self.module_tree(module)
        if found is None:
            return False
        tree, is_package = found
        reader = ModuleReader(tree, module, is_package, self.workspace, (), lambda q: self.is_category(q, depth + 1))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                return any(reader.deprecation_category(base) for base in node.bases)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                return reader.deprecation_category(node.value)
        return False

