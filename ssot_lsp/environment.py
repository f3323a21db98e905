"""Does an import resolve outside the workspace? Static lookups in the Python environment (SPEC §12).

A fix that writes `from new.module import name` must not produce an import that fails. For
workspace modules the workspace answers; for everything else the environment does: the
`sys.path` of the interpreter ssot-lsp runs in (the CLI), or of the project's interpreter the
editor names (`SSOT_LSP_JEDI_PYTHON`, when the extension runs its bundled server). The
lookup is static — files are found on the path and read with the same export reader as the
workspace's modules; nothing is imported or executed.

The answer has three values. An environment that has neither the old import's top-level
package nor the new one's is not the project's environment (ssot-lsp installed on its own,
say): it cannot judge, so the fix is trusted, as SPEC §12 allows ("when it knows it").
"""

from __future__ import annotations

import importlib.machinery
import json
import logging
import os
import subprocess
import sys
import sysconfig
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

from .exports import Exports
from .modules import _read_exports
from .source import DecodeError, decode

_SOURCE_SUFFIXES = tuple(importlib.machinery.SOURCE_SUFFIXES) + (".pyi",)
_BINARY_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES) + tuple(importlib.machinery.BYTECODE_SUFFIXES)

log = logging.getLogger(__name__)
UNKNOWN = "unknown"
_STDLIB = os.path.join(sysconfig.get_paths()["stdlib"], "")
_DYNAMIC_MARKERS = ("globals()", "__getattr__", "sys.modules[", "vars()", "setattr(")


class Environment:
    """Module lookups over a list of path entries (default: this interpreter's `sys.path`)."""

    def __init__(self, path: Optional[Sequence[str]] = None):
        # '' is the current folder of `python -m`: the workspace's business, and a moving target
        # in a long-lived process, so it is left out.
        entries = [entry for entry in (sys.path if path is None else path) if entry]
        self.path = tuple(os.path.abspath(entry) for entry in entries)

    def locate(self, module: str) -> Optional[Path]:
        """The file defining `module` (a package's `__init__`), or None when it is not installed."""
        return _locate(self.path, module)

    def has(self, module: str) -> bool:
        top = module.split(".")[0]
        return top in sys.builtin_module_names or self.locate(module) is not None

    def provides(self, module: str, name: Optional[str]) -> object:
        """True, False or UNKNOWN: whether `import module` (and `from module import name`) works here."""
        top = module.split(".")[0]
        if top in sys.builtin_module_names and "." not in module:
            return True if name is None else UNKNOWN
        path = self.locate(module)
        if path is None:
            parent, _, last = module.rpartition(".")
            if parent and self.provides(parent, last) is not False:
                return UNKNOWN  # bound by its package (`os.path`), not a file of its own
            return False
        if name is None:
            return True
        if self.locate(f"{module}.{name}") is not None:
            return True
        if _in_standard_library(path):
            return _standard_module_has(module, name)
        exports = _exports(path, module)
        if exports is None or exports.dynamic:
            return UNKNOWN  # compiled, unreadable, or it fills its namespace at run time
        if name in exports.names:
            return True
        for star in exports.stars:  # (a module `__getattr__` made it `dynamic` above)
            inner_path = self.locate(star)
            inner = _exports(inner_path, star) if inner_path else None
            if inner is None:
                return UNKNOWN
            if name in inner.names:
                return True
        return False


@lru_cache(maxsize=4096)
def _locate(path: tuple[str, ...], module: str) -> Optional[Path]:
    parts = module.split(".")
    for entry in path:
        base = Path(entry, *parts[:-1])
        last = parts[-1]
        package = base / last
        for suffix in _SOURCE_SUFFIXES:
            init = package / f"__init__{suffix}"
            if init.is_file():
                return init
        for suffix in _SOURCE_SUFFIXES + _BINARY_SUFFIXES:
            candidate = base / f"{last}{suffix}"
            if candidate.is_file():
                return candidate
        if package.is_dir() and any(c.suffix in _SOURCE_SUFFIXES or c.is_dir() for c in _children(package)):
            return package  # a namespace package (PEP 420): a folder without __init__
    return None


def _children(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())[:64]
    except OSError:
        return []


def _in_standard_library(path: Path) -> bool:
    text = str(path)
    return text.startswith(_STDLIB) and "site-packages" not in text and "dist-packages" not in text


def _standard_module_has(module: str, name: str) -> object:
    """The standard library is safe to import: ask it (its modules fill namespaces dynamically)."""
    try:
        loaded = importlib.import_module(module)
    except Exception:  # noqa: BLE001 - a module this platform lacks
        return UNKNOWN
    return hasattr(loaded, name)


@lru_cache(maxsize=1024)
def _exports(path: Optional[Path], module: str) -> Optional[Exports]:
    if path is None or path.is_dir() or not str(path).endswith(_SOURCE_SUFFIXES):
        return None
    try:
        text = decode(path.read_bytes()).text
    except (OSError, DecodeError):
        return None
    try:
        exports = _read_exports(text, module, path.name.startswith("__init__."))
    except (SyntaxError, ValueError, RecursionError):
        return None
    exports.dynamic = any(marker in text for marker in _DYNAMIC_MARKERS)
    return exports


PROJECT_PYTHON = "SSOT_LSP_JEDI_PYTHON"  # the project's interpreter, when ssot-lsp runs on another one
_PROJECT: dict[str, Optional[Environment]] = {}  # per project interpreter: asked once


def default_environment() -> Environment:
    """The project's environment: the interpreter `SSOT_LSP_JEDI_PYTHON` names (the editor's
    bundled server), else the running one as its `sys.path` is now (the CLI, installed in the
    project's environment; lookups are cached per path, so following `sys.path` costs little)."""
    executable = os.environ.get(PROJECT_PYTHON, "")
    if executable:
        if executable not in _PROJECT:
            _PROJECT[executable] = _project_environment()
        project = _PROJECT[executable]
        if project is not None:
            return project
    return _current(tuple(sys.path))


@lru_cache(maxsize=8)
def _current(path: tuple[str, ...]) -> Environment:
    return Environment(path)


def _project_environment() -> Optional[Environment]:
    executable = os.environ.get(PROJECT_PYTHON, "")
    if not executable:
        return None
    try:
        answer = subprocess.run([executable, "-c", "import json, sys; print(json.dumps(sys.path))"],
                                capture_output=True, text=True, timeout=20, env=project_env_vars())
        return Environment(json.loads(answer.stdout))
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        log.warning("ssot: fixes check imports against the server's Python: cannot ask %s (%s)", executable, exc)
        return None


def project_env_vars() -> dict[str, str]:
    """The environment for the project's Python: PYTHONPATH without the folder ssot-lsp's own
    libraries were loaded from, so the project does not see them as its own packages."""
    own = Path(__file__).resolve().parents[1]
    env = dict(os.environ)
    kept = [entry for entry in env.get("PYTHONPATH", "").split(os.pathsep)
            if entry and Path(entry).resolve() != own]
    if kept:
        env["PYTHONPATH"] = os.pathsep.join(kept)
    else:
        env.pop("PYTHONPATH", None)
    env.pop(PROJECT_PYTHON, None)
    return env
