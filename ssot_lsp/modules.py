"""The workspace's modules: file ↔ module name, and what each module re-exports (SPEC §3).

A rule written against one import path must match the same object reached through a
re-export (`websocket_core/__init__.py` doing `from .factory import create_...`). That is
found statically: a workspace module's top-level imports and definitions are read with
the C parser (nothing is imported or executed), cached per file and invalidated when the
file or its editor overlay changes.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Optional, Union

from .exports import Exports, read_exports
from .source import DecodeError, decode
from .sparse import outline

_SUFFIXES = (".py", ".pyi")
_CACHE_LIMIT = 50_000  # entries per lookup cache; cleared (and rebuilt on demand) when reached
_MAX_DEPTH = 16


class Workspace:
    """Module lookup over `src` roots, with cached export tables and editor overlays."""

    def __init__(self, src: tuple[Path, ...]):
        # Longest root first, so a nested root (`src/`) wins over its parent (`.`).
        self.src = tuple(sorted((Path(os.path.abspath(p)) for p in src), key=lambda p: -len(p.parts)))
        self._src_prefixes = tuple(os.path.join(str(root), "") for root in self.src)  # with a trailing separator
        self.overlays: dict[Path, str] = {}
        self._paths: dict[str, Optional[Path]] = {}
        self._exports: dict[Path, tuple[object, Exports]] = {}
        self._canonical: dict[str, tuple[str, ...]] = {}

    # -- names -----------------------------------------------------------------------
    def module_name(self, path: Union[str, Path]) -> tuple[Optional[str], bool]:
        """Dotted module name of a file under a `src` root, and whether it is a package."""
        absolute = os.path.abspath(path)
        for root in self._src_prefixes:
            if not absolute.startswith(root):
                continue
            parts = absolute[len(root):].split(os.sep)
            if not parts or not parts[-1].endswith(_SUFFIXES):
                return None, False
            parts[-1] = parts[-1].rsplit(".", 1)[0]
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            if not parts or not all(part.isidentifier() for part in parts):
                return None, is_package
            return ".".join(parts), is_package
        return None, False

    def module_path(self, module: str) -> Optional[Path]:
        """The file defining `module` under a `src` root, if the workspace has it."""
        if module in self._paths:
            return self._paths[module]
        found = None
        relative = Path(*module.split("."))
        for root in self.src:
            for candidate in (
                *(root / relative.with_name(relative.name + suffix) for suffix in _SUFFIXES),
                *(root / relative / ("__init__" + suffix) for suffix in _SUFFIXES),
            ):
                if candidate.is_file():
                    found = candidate
                    break
            if found:
                break
        if len(self._paths) >= _CACHE_LIMIT:
            self._paths.clear()  # names typed in an editor come and go: keep the cache bounded
        self._paths[module] = found
        return found

    # -- exports ---------------------------------------------------------------------
    def exports(self, module: str) -> Optional[Exports]:
        """What `module` binds at top level, or None when it is not a workspace module."""
        path = self.module_path(module)
        if path is None:
            return None
        stamp, text = self._read(path)
        cached = self._exports.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        exports = _read_exports(text, module, path.name.startswith("__init__."))
        self._exports[path] = (stamp, exports)
        return exports

    def _read(self, path: Path) -> tuple[object, str]:
        overlay = self.overlays.get(path)
        if overlay is not None:
            return ("overlay", hash(overlay)), overlay
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            cached = self._exports.get(path)
            if cached is not None and cached[0] == stamp:
                return stamp, ""
            return stamp, decode(path.read_bytes()).text
        except (OSError, DecodeError):
            return None, ""

    def canonicalize(self, qualname: str) -> str:
        """Follow workspace re-exports to the module that defines the name."""
        return self.chain(qualname)[-1]

    def chain(self, qualname: str) -> tuple[str, ...]:
        """Every path a name passes through on its way to its definition, itself first."""
        cached = self._canonical.get(qualname)
        if cached is None:
            if len(self._canonical) >= _CACHE_LIMIT:
                self._canonical.clear()
            steps = [qualname]
            while len(steps) <= _MAX_DEPTH:
                following = self._step(steps[-1], len(steps) - 1)
                if following is None:
                    break
                steps.append(following)
            cached = self._canonical[qualname] = tuple(steps)
        return cached

    def _step(self, qualname: str, depth: int) -> Optional[str]:
        """The path one re-export further on, or None at the definition."""
        parts = qualname.split(".")
        for index in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:index])
            exports = self.exports(module)
            if exports is None:
                continue
            name = parts[index]
            target = exports.names.get(name, "")
            if target == "":
                target = self._through_star(exports, name, depth)
            if target and target != f"{module}.{name}":
                return ".".join([target, *parts[index + 1:]])
            break
        return None

    def _through_star(self, exports: Exports, name: str, depth: int) -> Optional[str]:
        for star in exports.stars:
            inner = self.exports(star)
            if inner is not None and name in inner.names and depth < _MAX_DEPTH:
                return f"{star}.{name}"
        return None

    def invalidate(self, path: Optional[Path] = None, content_only: bool = False) -> bool:
        """Forget cached lookups (all of them, or those that may depend on `path`).

        Returns whether anything cached could have depended on `path`: editing a module
        whose exports nobody has read, and that was already known to exist, changes nothing
        here (the common case of typing in an ordinary file). `content_only` says the file
        existed before and still does (an edit, not a creation or deletion).
        """
        if path is None:
            self._canonical.clear()
            self._paths.clear()
            self._exports.clear()
            return True
        absolute = Path(os.path.abspath(path))
        affected = self._exports.pop(absolute, None) is not None
        if not content_only and absolute not in self._paths.values():
            # A new file may answer a lookup that failed before.
            self._paths = {k: v for k, v in self._paths.items() if v is not None}
            affected = True
        if affected:
            self._canonical.clear()
        return affected


def _read_exports(text: str, module: str, is_package: bool) -> Exports:
    if not text:
        return Exports()
    try:  # definitions' bodies bind nothing at top level: parse their outline only
        tree = ast.parse(outline(text) or text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return Exports()
    return read_exports(tree.body, module, is_package)
