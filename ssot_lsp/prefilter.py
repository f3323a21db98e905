"""Text pre-filter for batch runs: skip files that cannot violate the registry (SPEC §3, §6).

Every violation is found on a name the file itself writes, so a file that mentions none of
the registry's *trigger names* cannot violate it and need not be parsed. The trigger set
is derived so that this holds:

- symbol and call rules: the last component of the rule's name and of the name it resolves
  to through workspace re-exports (the defining module's name), because every import or
  reference that reaches the object writes that name, unless it was renamed on the way;
- renames: every name a workspace file binds with `<trigger> as <name>` becomes a trigger
  too (closed transitively), covering `from .factory import create as make` re-exports,
  whichever module they live in;
- module rules: the last component of the module path (`import a.old`, `from a import
  old`, `from .old import x`, `import_module("a.old")` all write it); relative imports
  written *inside* the governed package (`from . import x`) need not write it, so files
  whose own module lies in a governed package are always checked;
- the canonical registry: each canonical symbol's name and defining name, renames closed
  as above.

Only ASCII files without a coding cookie are skipped: Python normalises identifiers with
NFKC, so a non-ASCII file may spell a trigger differently, and a file whose encoding needs
a cookie is decoded (and its decoding errors reported) as before.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Optional

from .registry import Registry
from .source import DecodeError, decode

_SKIP_FOLDERS = {"__pycache__", "node_modules", "venv", ".venv", ".git", ".tox", ".nox", ".eggs"}


class Prefilter:
    """Trigger names of one registry and the packages whose files are always checked."""

    def __init__(self, triggers: Iterable[str], governed_packages: Iterable[str]):
        self.triggers = tuple(sorted(set(triggers)))
        self.encoded = tuple(name.encode("ascii") for name in self.triggers)
        self.governed = tuple(governed_packages)
        self.enabled = all(name.isascii() for name in self.triggers)
        words = b"|".join(re.escape(name) for name in self.encoded) or b"(?!)"
        self._pattern = re.compile(rb"(?<![A-Za-z0-9_])(?:" + words + rb")(?![A-Za-z0-9_])")

    def mentions(self, data: bytes) -> bool:
        """Whether `data` contains a trigger as a whole word (a cheap substring test first)."""
        if not any(name in data for name in self.encoded):
            return False
        return self._pattern.search(data) is not None

    def may_violate(self, data: bytes, module_name: Optional[str]) -> bool:
        """False only when the file provably cannot violate the registry."""
        if not self.enabled:
            return True
        if module_name and any(module_name == p or module_name.startswith(p + ".") for p in self.governed):
            return True
        if not data.isascii() or b"coding" in data[:400]:
            try:
                text = decode(data).text
            except DecodeError:
                return True  # the normal path reports it
            # Python reads identifiers NFKC-normalised: search the text as Python sees the names.
            data = unicodedata.normalize("NFKC", text).encode("utf-8", "surrogatepass")
        return self.mentions(data)


def build_prefilter(registry: Registry, workspace_files: Optional[Iterable[Path]] = None) -> Prefilter:
    """Derive the trigger set of `registry`, closing it over renames in the workspace files."""
    workspace = registry.workspace
    triggers: set[str] = set()
    governed: list[str] = []
    for rule in registry.config.rules:
        if rule.kind == "module":
            triggers.add(rule.name.rsplit(".", 1)[-1])
            governed.append(rule.name)
        else:
            triggers.add(rule.name.rsplit(".", 1)[-1])
            triggers.add(workspace.canonicalize(rule.name).rsplit(".", 1)[-1])
    if registry.config.canonical_modules:
        for identity, symbol in registry.canonical.items():
            triggers.add(symbol.name)
            triggers.add(identity.rsplit(".", 1)[-1])
    files = workspace_files if workspace_files is not None else _workspace_files(workspace.src)
    triggers |= _renames(triggers, files)
    return Prefilter(triggers, governed)


# `<trigger> as <name>` inside an import statement: after `import`, only names, dots, commas,
# parentheses, `as` aliases, whitespace, line continuations and comments can come before it.
# The scan is bounded and a comment always runs to its line's end, so matching stays linear.
_RENAME = (rb"\bimport\b(?:[\s\\(,.A-Za-z0-9_]|#[^\n]*(?![^\n])){0,2000}?(?<![A-Za-z0-9_])(?:%s)"
           rb"(?:\s|\\|#[^\n]*(?![^\n]))*\bas(?:\s|\\)+([^\s,()#;\\]+)")


def _renames(triggers: set[str], files: Iterable[Path]) -> set[str]:
    """Names bound by `<trigger> as <name>` anywhere in `files`, closed transitively."""
    texts = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if not data.isascii() or b"coding" in data[:400]:
            try:  # search names as Python reads them (decoded, NFKC-normalised)
                data = unicodedata.normalize("NFKC", decode(data).text).encode("utf-8", "surrogatepass")
            except DecodeError:
                continue  # cannot be imported either
        if b" as" in data or b"\tas" in data or b"\nas" in data:
            texts.append(data)
    found: set[str] = set()
    frontier = {name for name in triggers if name.isascii()}
    while frontier:
        pattern = re.compile(_RENAME % b"|".join(re.escape(n.encode()) for n in sorted(frontier)))
        encoded = [n.encode() for n in frontier]
        new: set[str] = set()
        for data in texts:
            if any(name in data for name in encoded):
                for match in pattern.finditer(data):
                    # A non-ASCII alias disables the pre-filter (see Prefilter.enabled).
                    new.add(unicodedata.normalize("NFKC", match.group(1).decode("utf-8", "replace")))
        frontier = new - found - triggers
        found |= new
    return found


def _workspace_files(roots: Iterable[Path]) -> Iterable[Path]:
    seen: set[Path] = set()
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIP_FOLDERS]
            for name in files:
                if name.endswith((".py", ".pyi")):
                    path = Path(folder, name)
                    if path not in seen:
                        seen.add(path)
                        yield path


_CACHE: dict[int, tuple[Registry, Prefilter]] = {}


def prefilter_for(registry: Registry) -> Prefilter:
    """One prefilter per compiled registry (built in the parent, inherited by forked workers)."""
    cached = _CACHE.get(id(registry))
    if cached is None or cached[0] is not registry:
        cached = (registry, build_prefilter(registry))
        _CACHE[id(registry)] = cached
    return cached[1]
