"""Text pre-filter for batch runs: skip files that cannot violate the registry (SPEC §3, §6).

Every finding sits on a dotted *path* the file itself writes: an import (`import a.b`,
`from a.b import c as d`), a reference rooted in one (`a.b.c.X` after `import a`,
`d.X`), or a literal string import (`import_module("a.b")`). The file writes every part
of that path as a word, in the import or in the reference, with one exception: a relative
import (`from ..b import c`) leaves out the packages above the file, which are parts of
the file's own module name. So a file can violate the registry only if, for some *rule
path*, it writes every part of it (counting its own module's parts when it has a relative
import). The rule paths:

- module rules: the rule's name (an import of the module or of anything below it, and an
  attribute chain reaching it, write all of its parts);
- symbol and call rules: the rule's name, every path it leads to through workspace
  re-exports, and every path leading to one of those (`from a.b import X as Y` in
  workspace module `m` makes `m.Y` a path to `a.b.X`; `from a import b` makes `m.b.X`
  one; `from a.b import *` makes `m.X` one);
- the canonical registry: each canonical symbol's defining name and every path to it.

Re-exports are read from every workspace module's import statements with a scanner that
over-approximates what `modules.Workspace` follows (imports at any depth, and text in
strings and comments that looks like one, count too; a module the scanner is unsure about
is read the way the workspace reads it), so no path the engine can follow is missed.

The last part of every rule path is a *trigger name*: batch runs limit the registry to
them (`Registry.limit_to`), so sparse parsing keeps only statements that write one.

Only ASCII trigger names are used: Python normalises identifiers with NFKC, so files are
compared after the same normalisation (a file whose encoding needs a cookie is decoded
first), and a registry with a non-ASCII trigger name skips nothing.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Union

from .exports import resolve_relative
from .modules import _read_exports
from .registry import Registry
from .source import DecodeError, SkippedFile, decode, read_source, words

_SEARCH_LIMIT = 25  # paths searched for one file; beyond it the file is checked


class Prefilter:
    """The rule paths of one registry and the workspace's re-exports, tested against a file."""

    def __init__(self, seeds: Iterable[str], reexports: Optional["ReExports"] = None,
                 modules: Iterable[str] = ()):
        self.reexports = reexports if reexports is not None else ReExports()
        self._seeds = tuple(sorted({tuple(path.split(".")) for path in seeds}))
        self._modules = tuple(sorted({tuple(path.split(".")) for path in modules}))
        lasts = self.reexports.renamed({parts[-1] for parts in self._seeds + self._modules})
        # The word test sees ASCII names only; an unread module may hide a re-export.
        self.enabled = self.reexports.complete and all(name.isascii() for name in lasts)
        self.triggers = tuple(sorted(lasts))
        self._lasts = frozenset(name.encode("ascii", "replace") for name in lasts)
        # Parts the word test cannot see count as written: fewer conditions, still sound.
        self._unseen = {part for parts in self._seeds + self._modules for part in parts if not part.isascii()}
        self._unseen.update(self.reexports.unseen())

    def may_violate(self, data: bytes, module_name: Optional[str], is_package: Optional[bool] = None) -> bool:
        """False only when the file provably cannot violate the registry (`is_package` None: unknown)."""
        if not self.enabled:
            return True
        text = as_python_reads(data)
        if text is None:
            return True  # undecodable: the normal path reports it
        written = words(text)
        if module_name and _RELATIVE_IMPORT.search(text):  # the packages a relative import leaves out
            written = written.union(part.encode("utf-8", "surrogatepass") for part in module_name.split("."))
        if self._lasts.isdisjoint(written):
            return False  # every rule path ends in a trigger name
        known = {word.decode("utf-8", "surrogatepass") for word in written} | self._unseen
        roots = import_roots(text, module_name, is_package)
        everything = self._seeds + self._modules
        if roots is None:  # unsure of the imports: every part written is enough
            return self.reexports.reaches(everything, known, known.issuperset)
        bound, named = roots
        if self.reexports.reaches(self._seeds, known, _Starts(bound, known).match):
            return True
        modules = _Starts(named, known, below=True)
        if self.reexports.reaches(self._modules, known, modules.match):
            return True
        # A string import (`import_module("a.b")`, `__import__("a.b")`) names a module rule's path.
        strings = "__import__" in known or self.reexports.reaches(_IMPORT_MODULE, known, _Starts(bound, known).match)
        return strings and any(known.issuperset(parts) for parts in self._modules)


_IMPORT_MODULE = (("importlib", "import_module"),)


class _Starts:
    """Whether a path starts with an import root of the file and the file writes the rest."""

    def __init__(self, roots: set[tuple[str, ...]], written: set[str], below: bool = False):
        self.roots = roots
        self.written = written
        # `below`: a path above a root matches too (a module rule covers what lies below it).
        self.above = {root[:cut] for root in roots for cut in range(1, len(root))} if below else set()

    def match(self, parts: tuple[str, ...]) -> bool:
        if parts in self.roots or parts in self.above:
            return True
        for cut in range(len(parts) - 1, 0, -1):
            if parts[cut] not in self.written:
                return False
            if parts[:cut] in self.roots:
                return True
        return False


_RELATIVE_IMPORT = re.compile(rb"\bfrom(?:[ \t\f]|\\(?:\r\n|\r|\n))*\.")


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


# -- re-exports -------------------------------------------------------------------------


@dataclass
class ReExports:
    """What workspace modules' imports bind: `module.name -> target path`, and star imports."""

    modules: set[str] = field(default_factory=set)
    targets: dict[str, set[str]] = field(default_factory=dict)  # `module.name` -> target paths
    sources: dict[str, set[str]] = field(default_factory=dict)  # target path -> `module.name`s
    stars_of: dict[str, set[str]] = field(default_factory=dict)  # module -> modules it star-imports
    starred_by: dict[str, set[str]] = field(default_factory=dict)  # module -> modules star-importing it
    complete: bool = True  # False: a module could not be read, so re-exports may be missing
    _index: Optional["_Index"] = field(default=None, repr=False)

    def add(self, source: str, target: str) -> None:
        if source != target:
            self.targets.setdefault(source, set()).add(target)
            self.sources.setdefault(target, set()).add(source)
            self._index = None

    def add_star(self, module: str, target: str) -> None:
        if module != target:
            self.stars_of.setdefault(module, set()).add(target)
            self.starred_by.setdefault(target, set()).add(module)
            self._index = None

    def update(self, other: "ReExports") -> None:
        """Add what `other` holds (another file's re-exports)."""
        self.complete = self.complete and other.complete
        self.modules |= other.modules
        for source, targets in other.targets.items():
            for target in targets:
                self.add(source, target)
        for module, stars in other.stars_of.items():
            for star in stars:
                self.add_star(module, star)

    @property
    def index(self) -> "_Index":
        if self._index is None:
            self._index = _Index(self)
        return self._index

    def unseen(self) -> set[str]:
        """The non-ASCII parts of re-exported paths."""
        paths = [*self.targets, *self.sources, *self.stars_of, *self.starred_by]
        return {part for path in paths if not path.isascii() for part in path.split(".") if not part.isascii()}

    def renamed(self, names: set[str]) -> set[str]:
        """`names` plus every last part a rule path can end in through re-exports.

        A re-export keeps a path's last part unless it binds the whole path under a new
        name (`from m import X as Y`, `import a.b as c`): closed over every such rename.
        """
        renames: dict[str, set[str]] = {}
        for source, targets in self.targets.items():
            for target in targets:
                renames.setdefault(target.rpartition(".")[2], set()).add(source.rpartition(".")[2])
        found = set(names)
        frontier = list(found)
        while frontier:
            for alias in renames.get(frontier.pop(), ()):
                if alias not in found:
                    found.add(alias)
                    frontier.append(alias)
        return found

    def reaches(self, seeds: Iterable[tuple[str, ...]], written: set[str],
                matches: Callable[[tuple[str, ...]], bool]) -> bool:
        """Whether some path leading to a seed through re-exports `matches` (the file writes it).

        `written`: the words of the file; every path that matches writes all its parts.

        A search backwards from the seeds (`modules.Workspace.chain` in reverse). A step
        replaces a prefix of a path by a path that re-exports it and keeps the rest, so a
        path whose rest after every possible cut holds a word the file does not write
        leads nowhere useful and is not followed. Past `_SEARCH_LIMIT` paths: True.
        """
        index = self.index
        seen: set[tuple[str, ...]] = set(seeds)
        stack = list(seen)
        limit = len(seen) + _SEARCH_LIMIT
        while stack:
            parts = stack.pop()
            if matches(parts):
                return True
            for cut in range(len(parts), 0, -1):
                if cut < len(parts) and parts[cut] not in written:
                    break  # every shorter cut keeps this part
                prefix, rest = parts[:cut], parts[cut:]
                steps = index.named.get(prefix, [])
                if rest:
                    steps = steps + index.starred.get(prefix, [])
                for head, owner in steps:
                    new = head + rest
                    if new not in seen and index.viable(new, written) and index.owner(new) == owner:
                        seen.add(new)
                        stack.append(new)
                if len(seen) > limit:
                    return True
        return False


class _Index:
    """`ReExports` keyed by tuples of parts, for the per-file search."""

    def __init__(self, reexports: ReExports):
        def split(path: str) -> tuple[str, ...]:
            return tuple(path.split("."))

        # target -> (path replacing it, parts of the module the replacement is looked up in)
        self.named = {split(target): [(split(source), source.count(".")) for source in sources]
                      for target, sources in reexports.sources.items()}
        self.starred = {split(target): [(split(module), module.count(".") + 1) for module in modules]
                        for target, modules in reexports.starred_by.items()}
        self.modules = {split(module) for module in reexports.modules}
        self._owners: dict[tuple[str, ...], int] = {}

    def owner(self, parts: tuple[str, ...]) -> int:
        """How many leading parts name the module a path is looked up in (0: none).

        As `modules.Workspace` does: the longest prefix that is a workspace module, short
        of the whole path.
        """
        found = self._owners.get(parts)
        if found is None:
            found = next((cut for cut in range(len(parts) - 1, 0, -1) if parts[:cut] in self.modules), 0)
            if len(self._owners) < 200_000:
                self._owners[parts] = found
        return found

    def viable(self, parts: tuple[str, ...], written: set[str]) -> bool:
        """Whether the file writes every part of `parts`, or a re-export can replace those it does not."""
        unwritten = -1
        for index in range(len(parts) - 1, -1, -1):
            if parts[index] not in written:
                unwritten = index
                break
        if unwritten < 0:
            return True
        for cut in range(unwritten + 1, len(parts) + 1):
            prefix = parts[:cut]
            if prefix in self.named or (cut < len(parts) and prefix in self.starred):
                return True
        return False


# An import statement: `from <dots and names> import <names>` or `import <names>`, where
# the names are a parenthesised list (names, commas, `as`, comments) or run to the end of
# the logical line. Text in strings and comments may match too: it only adds edges.
_BREAK = rb"(?:\r\n|\r|\n)"
_STATEMENT = re.compile(
    rb"\b(?:from\b(?P<module>(?:[ \t\f.\w]|\\" + _BREAK + rb")*?)\bimport|import)\b"
    rb"(?P<names>(?:[ \t\f]|\\" + _BREAK + rb")*\((?:[\s\w,\\]|#[^\r\n]*)*\)"
    rb"|(?:[^\r\n;#\\]|\\" + _BREAK + rb"?)*)"
)
_CONTINUATION = re.compile(rb"\\" + _BREAK)
_SPACE = re.compile(rb"[\s\\]+")
_FROM_MODULE = re.compile(rb"(\.*)(\w+(?:\.\w+)*)?")
_ITEM = re.compile(rb"(\w+(?:\.\w+)*)(?:\s+as\s+(\w+))?|\*")


Items = list[tuple[str, Optional[str]]]  # (name, alias) of an import list; `*` for a star


def import_statements(text: bytes, module: Optional[str], is_package: bool) -> Optional[list[tuple[Optional[str], Items]]]:
    """`(module imported from, or None for a plain import, items)` of each import-like text.

    A relative `from` that does not resolve is left out. None when unsure: a non-ASCII
    name in or just before an import statement (the byte patterns see ASCII names only).
    """
    found: list[tuple[Optional[str], Items]] = []
    ascii_only = text.isascii()
    position = 0
    while True:
        match = _STATEMENT.search(text, position)
        if match is None:
            return found
        # The next search starts inside this list: an `import` it swallowed (after a comment
        # ending in a backslash, say) is read on its own as well.
        position = match.start("names")
        if not ascii_only and not _ascii_around(text, match):
            return None
        origin = match.group("module")
        items = _items(match.group("names"))
        if origin is None:
            found.append((None, items))
            continue
        spelled = _SPACE.sub(b"", origin)
        parsed = _FROM_MODULE.fullmatch(spelled)
        if not spelled or parsed is None:
            continue  # not an import statement (prose in a docstring or comment)
        base = resolve_relative((parsed.group(2) or b"").decode() or None, len(parsed.group(1)), module, is_package)
        if base is not None:
            found.append((base, [(name, alias) for name, alias in items if "." not in name]))
        if _CONTINUATION.search(origin):
            # `# ... from x \` ends a comment: the `import` on the next line may stand alone.
            found.append((None, items))


def read_reexports(data: bytes, module: str, is_package: bool, into: ReExports) -> None:
    """Add what the imports of workspace module `module` (its source `data`) bind to `into`."""
    text = as_python_reads(data)
    if text is None:
        return  # undecodable: the workspace reads no exports from it either
    if b"import" not in text:
        return
    statements = import_statements(text, module, is_package)
    if statements is None:
        _read_like_the_workspace(data, module, is_package, into)
        return
    for base, items in statements:
        for name, alias in items:
            if base is None:
                if name != "*":  # `import a.b as c` binds `c` to `a.b`; `import a.b` binds `a`
                    top = name.split(".")[0]
                    into.add(f"{module}.{alias or top}", name if alias else top)
            elif name == "*":
                into.add_star(module, base)
            else:
                into.add(f"{module}.{alias or name}", f"{base}.{name}")


Roots = tuple[set[tuple[str, ...]], set[tuple[str, ...]]]


def import_roots(text: bytes, module: Optional[str], is_package: Optional[bool]) -> Optional[Roots]:
    """What a file's imports bind, and every path they name (None: unsure).

    A reference is matched on what a name is bound to plus attributes (`a` of
    `import a.b.c`, `a.b` of `import a.b as c`, `a.b.c` of `from a.b import c`); an
    import statement on the paths it names (`a.b.c` of `import a.b.c`, `a.b` and `a.b.c`
    of `from a.b import c`). `is_package` None: relative imports are resolved both ways.
    """
    bound: set[tuple[str, ...]] = set()
    named: set[tuple[str, ...]] = set()
    for package in ((False, True) if is_package is None else (is_package,)):
        statements = import_statements(text, module, package)
        if statements is None:
            return None
        for base, items in statements:
            if base is not None:
                named.add(tuple(base.split(".")))
            for name, alias in items:
                if name == "*":
                    continue
                path = tuple((f"{base}.{name}" if base is not None else name).split("."))
                named.add(path)
                bound.add(path if base is not None or alias else path[:1])
    return bound, named | bound


def _ascii_around(text: bytes, match: re.Match[bytes]) -> bool:
    """Whether a match in a non-ASCII file is ASCII and follows no non-ASCII word (a name cut short)."""
    if not match.group().isascii():
        return False
    before = match.start() - 1
    while before >= 0 and text[before] in b" \t\f\\\r\n":
        before -= 1
    return before < 0 or text[before] < 0x80


def _items(names: bytes) -> Items:
    """`(name, alias)` of each item of an import list (`*` for a star); what is no item is left out."""
    inside = _CONTINUATION.sub(b" ", names)
    inside = re.sub(rb"#[^\r\n]*", b"", inside).strip().strip(b"()")
    items = []
    for raw in inside.split(b","):
        item = re.sub(rb"\s*\.\s*", b".", raw.strip())
        match = _ITEM.fullmatch(item)
        if match is not None:
            name = match.group(1)
            alias = match.group(2)
            items.append((name.decode() if name else "*", alias.decode() if alias else None))
    return items


def _read_like_the_workspace(data: bytes, module: str, is_package: bool, into: ReExports) -> None:
    try:
        text = decode(data).text
    except DecodeError:
        return
    exports = _read_exports(text, module, is_package)
    for name, target in exports.names.items():
        if target is not None:
            into.add(f"{module}.{name}", target)
    for star in exports.stars:
        into.add_star(module, star)


# Runs `function(context, item)` over items, in order (`runner.parallel_map` in batch runs).
FileMapper = Callable[[Callable[[Any, Any], Any], Any, list[Any]], list[Any]]


def workspace_reexports(registry: Registry, files: Optional[Iterable[Union[str, Path]]] = None,
                        overlays: Optional[Mapping[Path, str]] = None,
                        map_files: Optional[FileMapper] = None) -> ReExports:
    """The re-exports of every module under the registry's `src` roots (or of `files`), with the
    unsaved text of `overlays` instead of those files (and unsaved new modules included).

    `map_files`: how to run the per-file reading (in worker processes, for a batch run);
    the files are read one after the other by default.
    """
    roots = tuple(registry.workspace.src)
    overlays = dict(overlays or {})
    listed = [str(path) for path in (files if files is not None else _workspace_files(roots))]
    unsaved = [str(path) for path in overlays if not path.is_file()]  # new modules, not on disk yet
    mapper = map_files or _one_by_one
    found = ReExports()
    for read in mapper(_file_reexports, (roots, overlays), listed + unsaved):
        if read is not None:
            found.update(read)
    return found


def _one_by_one(function: Callable[[Any, Any], Any], context: Any, items: list[Any]) -> list[Any]:
    return [function(context, item) for item in items]


def _file_reexports(context: tuple[tuple[Path, ...], Mapping[Path, str]], path: str) -> Optional[ReExports]:
    """What one workspace file re-exports (None: no module, or one the workspace cannot read either)."""
    roots, overlays = context
    names = list(_module_names(path, roots))
    if not names:
        return None
    overlay = overlays.get(Path(os.path.abspath(path)))
    try:
        data = read_source(path) if overlay is None else overlay.encode("utf-8", "surrogatepass")
    except SkippedFile:
        if os.path.isfile(path):  # too large to read here; the workspace would read it
            return ReExports(complete=False)
        return None  # a FIFO, device or socket is no module the workspace reads
    except OSError:
        return None
    found = ReExports()
    for module, is_package in names:
        found.modules.add(module)
        read_reexports(data, module, is_package, found)
    return found


def _module_names(path: str, roots: Iterable[Path]) -> Iterator[tuple[str, bool]]:
    """Every module name `path` has under some root (a nested root gives it two)."""
    absolute = os.path.abspath(path)
    for root in roots:
        prefix = os.path.join(str(root), "")
        if not absolute.startswith(prefix):
            continue
        parts = absolute[len(prefix):].split(os.sep)
        stem, dot, suffix = parts[-1].rpartition(".")
        if not dot or suffix not in ("py", "pyi"):
            continue
        parts[-1] = stem
        is_package = stem == "__init__"
        if is_package:
            parts.pop()
        if parts and all(part.isidentifier() for part in parts):
            yield ".".join(parts), is_package


def _workspace_files(roots: Iterable[Path]) -> Iterator[str]:
    seen: set[str] = set()
    for root in roots:
        for folder, dirs, files in os.walk(root):
            # A folder whose name is no identifier holds no module the workspace can name.
            dirs[:] = [d for d in dirs if d.isidentifier() and d != "__pycache__"]
            for name in files:
                if name.endswith((".py", ".pyi")):
                    path = os.path.join(folder, name)
                    if path not in seen:
                        seen.add(path)
                        yield path


# -- building ---------------------------------------------------------------------------


def rule_seeds(registry: Registry) -> set[str]:
    """The paths a file can reach a symbol, call or canonical rule by, re-exports not followed back.

    A symbol or call rule's name and every step of the chain of
    re-exports it leads through (the engine matches a name by where it leads, too); each
    canonical symbol's defining name.
    """
    seeds: set[str] = set()
    for rule in registry.all_rules:
        if rule.kind != "module":
            seeds.update(registry.workspace.chain(rule.name))
    if registry.config.canonical_modules:
        seeds.update(registry.canonical)
    return seeds


def build_prefilter(registry: Registry, workspace_files: Optional[Iterable[Union[str, Path]]] = None,
                    overlays: Optional[Mapping[Path, str]] = None, map_files: Optional[FileMapper] = None) -> Prefilter:
    """The pre-filter of `registry`, following re-exports in its workspace (or in `workspace_files`;
    `overlays`: unsaved text read instead of those files; `map_files`: see `workspace_reexports`)."""
    modules = [rule.name for rule in registry.all_rules if rule.kind == "module"]
    reexports = workspace_reexports(registry, workspace_files, overlays, map_files)
    return Prefilter(rule_seeds(registry), reexports, modules)


def batch_filter(registry: Registry, overlays: Optional[Mapping[Path, str]] = None,
                 map_files: Optional[FileMapper] = None) -> Prefilter:
    """The registry's pre-filter for a batch run, with the registry limited to its trigger names.

    `overlays`: unsaved text of workspace modules (absolute paths), read instead of their
    files. The caller keeps the result for the registry's life (`configs.ConfigStore`).
    """
    prefilter = build_prefilter(registry, overlays=overlays, map_files=map_files)
    # A disabled pre-filter skips nothing, so it cannot limit the registry either.
    registry.limit_to(frozenset(prefilter.triggers) if prefilter.enabled else None)
    return prefilter


def import_texts(data: bytes) -> Optional[list[bytes]]:
    """The import-like statements of a module's source as written (None: undecodable), to tell
    whether an edit can have changed what the module re-exports."""
    text = as_python_reads(data)
    return None if text is None else [match.group(0) for match in _STATEMENT.finditer(text)]
