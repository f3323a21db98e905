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

import re
import unicodedata
from pathlib import Path
from typing import Iterable, Optional, Union

from .config import python_files
from .registry import Registry
from .source import DecodeError, decode, read_source, words


class Prefilter:
    """Trigger names of one registry and the packages whose files are always checked."""

    def __init__(self, triggers: Iterable[str], governed_packages: Iterable[str]):
        self.triggers = tuple(sorted(set(triggers)))
        self.encoded = frozenset(name.encode("ascii", "replace") for name in self.triggers)
        self.governed = tuple(governed_packages)
        self.enabled = all(name.isascii() for name in self.triggers)

    def mentions(self, data: bytes) -> bool:
        """Whether `data` contains a trigger as a whole word."""
        return not self.encoded.isdisjoint(words(data))

    def may_violate(self, data: bytes, module_name: Optional[str]) -> bool:
        """False only when the file provably cannot violate the registry."""
        if not self.enabled:
            return True
        if module_name and any(module_name == p or module_name.startswith(p + ".") for p in self.governed):
            return True
        names = as_python_reads(data)
        return names is None or self.mentions(names)  # undecodable: the normal path reports it


def as_python_reads(data: bytes) -> Optional[bytes]:
    """`data` with identifiers as Python reads them: decoded and NFKC-normalised (None: undecodable).

    Plain ASCII without a coding cookie is returned as it is.
    """
    if data.isascii() and b"coding" not in data[:400]:
        return data
    try:
        text = decode(data).text
    except DecodeError:
        return None
    return unicodedata.normalize("NFKC", text).encode("utf-8", "surrogatepass")


def build_prefilter(registry: Registry, workspace_files: Optional[Iterable[Union[str, Path]]] = None) -> Prefilter:
    """Derive the trigger set of `registry`, closing it over renames in the workspace files."""
    workspace = registry.workspace
    triggers: set[str] = set()
    governed: list[str] = []
    for rule in registry.all_rules:
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
    files = workspace_files if workspace_files is not None else python_files(workspace.src)
    aliases = [pair for path in files for pair in file_aliases(path)]
    return Prefilter(triggers | _renamed(triggers, aliases), governed)


def _renamed(triggers: set[str], aliases: Iterable[tuple[str, str]]) -> set[str]:
    """Every alias reachable from a trigger through `name as alias` pairs."""
    edges: dict[str, set[str]] = {}
    for name, alias in aliases:
        edges.setdefault(name, set()).add(alias)
    found: set[str] = set()
    frontier = [name for name in triggers if name.isascii()]
    while frontier:
        for alias in edges.get(frontier.pop(), ()):
            if alias not in found and alias not in triggers:
                found.add(alias)
                frontier.append(alias)
    return found


# `<name> as <alias>`, kept only inside an import statement: between the last `import`
# before it and the name, only names, dots, commas, parentheses, `as` aliases, whitespace,
# line continuations and comments can stand. `as` is found first (a literal, so cheap), the
# name is read backwards from it, and the backward looks are bounded: matching stays linear.
_AS = re.compile(rb"as(?:\s|\\)+([^\s,()#;\\]+)")
_IMPORT_TAIL = re.compile(rb"(?:[\s\\(,.A-Za-z0-9_]|#[^\n]*(?![^\n]))*")
_LOOK_BACK = 4000
_SPACE = frozenset(b" \t\f\r\n\\")
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def file_aliases(path: Union[str, Path]) -> list[tuple[str, str]]:
    """The `name as alias` pairs of the import statements in the file at `path`."""
    try:
        data = read_source(path)
    except OSError:  # unreadable, not a regular file or too large: discovery reports it
        return []
    if b"import" not in data or b"as" not in data:
        return []
    converted = as_python_reads(data)
    if converted is None:
        return []  # cannot be imported either
    data = converted
    pairs = []
    for match in _AS.finditer(data):
        start = match.start()
        if start and data[start - 1] in _WORD:
            continue  # `class`, `alias`, ...
        name_end = _skip_back(data, start)
        name_start = name_end
        while name_start > 0 and data[name_start - 1] in _WORD:
            name_start -= 1
        if name_start < name_end and _in_import(data, name_start):
            # A non-ASCII alias disables the pre-filter (see Prefilter.enabled).
            alias = unicodedata.normalize("NFKC", match.group(1).decode("utf-8", "replace"))
            pairs.append((data[name_start:name_end].decode("ascii"), alias))
    return pairs


def _skip_back(data: bytes, index: int) -> int:
    """Where the token before `index` ends: whitespace, continuations and comments skipped."""
    low = max(0, index - _LOOK_BACK)
    while index > low and data[index - 1] in _SPACE:
        index -= 1
        if data[index] == 10:  # a comment may end the line above
            line_start = data.rfind(b"\n", low, index) + 1
            comment = data.find(b"#", line_start, index)
            if comment >= 0:
                index = comment
    return index


def _in_import(data: bytes, position: int) -> bool:
    """Whether `position` follows an `import` keyword with only import-statement text between."""
    low = max(0, position - _LOOK_BACK)
    index = position
    while True:
        index = data.rfind(b"import", low, index)
        if index < 0:
            return False
        after = index + 6
        if (index == 0 or data[index - 1] not in _WORD) and (after == len(data) or data[after] not in _WORD):
            break
    # Any earlier `import` would have this one's text between it and the name as well.
    return _IMPORT_TAIL.fullmatch(data, index + 6, position) is not None


_CACHE: dict[int, tuple[Registry, Prefilter]] = {}


def prefilter_for(registry: Registry) -> Prefilter:
    """One prefilter per compiled registry (built in the parent, inherited by forked workers)."""
    cached = _CACHE.get(id(registry))
    if cached is None or cached[0] is not registry:
        cached = (registry, build_prefilter(registry))
        _CACHE[id(registry)] = cached
    return cached[1]
