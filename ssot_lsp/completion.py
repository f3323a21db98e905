"""Completion candidates from the registry, and their ranking (SPEC §5).

Pure functions of the registry and the text before the cursor; the language server adds
jedi's completions and converts the result. Ranking is by sortText bucket: canonical
symbols (and, after `import`/`from`, canonical modules) first, then jedi's completions in
jedi's own order, then deprecated names (still listed so users see what became of them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Optional

from .registry import Registry

CANONICAL, JEDI, DEPRECATED = 0, 1, 2
MAX_REGISTRY_ITEMS = 100

_IMPORT = re.compile(r"^\s*import\s+(?:[\w.]+\s*(?:as\s+\w+\s*)?,\s*)*(?P<typed>[\w.]*)$")
_FROM = re.compile(r"^\s*from\s+(?P<typed>[\w.]*)$")
_FROM_NAMES = re.compile(r"^\s*from\s+(?P<module>[\w.]+)\s+import\s+(?:\(?\s*)(?:[\w]+\s*(?:as\s+\w+\s*)?,\s*)*(?P<typed>\w*)$")
_FROM_IMPORT = re.compile(r"^\s*from\s+(?P<module>\w[\w.]*)\s+import\s+\(?\s*(?P<names>\w+(?:\s*,\s*\w+)*)\s*,?\s*\)?\s*$")
_WORD = re.compile(r"(?P<dot>\.?)(?P<typed>\w*)$")


@dataclass(frozen=True)
class Context:
    """Where the cursor is: `kind` is "module" (after import/from), "names" (from M import |),
    "attribute" (after a dot) or "expression"; `typed` is the partial word before the cursor."""

    kind: str
    typed: str
    module: Optional[str] = None


@dataclass(frozen=True)
class Candidate:
    """One completion, independent of the protocol."""

    label: str
    kind: str  # "module", "class", "function", "variable", or jedi's type name
    bucket: int
    detail: str = ""
    module: Optional[str] = None  # canonical module to import the label from (auto-import)
    replacement: Optional[str] = None  # for deprecated names: what replaces them
    sort_text: str = ""
    preselect: bool = False

    @property
    def deprecated(self) -> bool:
        return self.bucket == DEPRECATED


def context_at(line_before_cursor: str) -> Context:
    """Classify the cursor position from the text of its line up to the cursor."""
    for pattern, kind in ((_FROM_NAMES, "names"), (_FROM, "module"), (_IMPORT, "module")):
        match = pattern.match(line_before_cursor)
        if match:
            module = match.groupdict().get("module")
            return Context(kind, match.group("typed"), module)
    match = _WORD.search(line_before_cursor)
    typed = match.group("typed") if match else ""
    if match and match.group("dot"):
        return Context("attribute", typed)
    return Context("expression", typed)


def matches(label: str, typed: str) -> bool:
    """Case-insensitive subsequence match, as fuzzy-matching editors filter."""
    if not typed:
        return True
    remaining = iter(label.lower())
    return all(char in remaining for char in typed.lower())


def _symbol_kind(name: str) -> str:
    return "class" if name[:1].isupper() else "function"


def canonical_symbols(registry: Registry, module: Optional[str] = None) -> list[Candidate]:
    """The canonical symbols and the rules' replacement names (from one module, when given), by name."""
    offered = [(symbol.name, symbol.module) for symbol in registry.canonical.values()]
    offered += replacement_names(registry)
    found = {
        (name, origin): Candidate(name, _symbol_kind(name), CANONICAL, detail=origin, module=origin)
        for name, origin in offered
        if module is None or origin == module
    }
    return sorted(found.values(), key=lambda c: (c.label.lower(), c.label, c.module or ""))


def replacement_names(registry: Registry) -> list[tuple[str, str]]:
    """(name, module) of every `from MODULE import NAME` among the rules' `imports`.

    These are what the registry tells users to write instead of a deprecated name, so
    completion offers them like canonical symbols, with the same import added, even
    when no `canonical-modules` are declared. Aliased and relative imports are left out.
    """
    found: list[tuple[str, str]] = []
    for rule in registry.all_rules:
        for statement in rule.imports:
            match = _FROM_IMPORT.match(statement)
            if match:
                found.extend((name.strip(), match.group("module")) for name in match.group("names").split(","))
    return found


def canonical_modules(registry: Registry) -> list[Candidate]:
    return [Candidate(name, "module", CANONICAL, detail="canonical module") for name in registry.config.canonical_modules]


def deprecated_names(registry: Registry, module: Optional[str] = None) -> list[Candidate]:
    """Names of symbol and call rules (under `module` when given), each naming its replacement."""
    found: dict[str, Candidate] = {}
    for rule in registry.all_rules:
        if rule.kind not in ("symbol", "call"):
            continue
        parent, _, name = rule.name.rpartition(".")
        if module is not None and parent != module:
            continue
        detail = f"deprecated: use {rule.replacement}" if rule.replacement else "deprecated"
        found.setdefault(name, Candidate(name, _symbol_kind(name), DEPRECATED, detail=detail,
                                         replacement=rule.replacement))
    return sorted(found.values(), key=lambda c: c.label.lower())


def deprecated_modules(registry: Registry) -> list[Candidate]:
    return [Candidate(rule.name, "module", DEPRECATED,
                      detail=f"deprecated: use {rule.replace}" if rule.replace else "deprecated",
                      replacement=rule.replace)
            for rule in registry.all_rules if rule.kind == "module"]


def registry_candidates(registry: Registry, context: Context) -> tuple[list[Candidate], list[Candidate]]:
    """(canonical, deprecated) candidates for a context, filtered by what was typed."""
    if context.kind == "attribute":
        return [], []
    if context.kind == "module":
        canonical, deprecated = canonical_modules(registry), deprecated_modules(registry)
    elif context.kind == "names":
        canonical = canonical_symbols(registry, context.module)
        deprecated = deprecated_names(registry, context.module)
    else:
        canonical, deprecated = canonical_symbols(registry), deprecated_names(registry)
    keep = sorted((c for c in canonical if matches(c.label, context.typed)), key=lambda c: closeness(c.label, context.typed))
    old = sorted((c for c in deprecated if matches(c.label, context.typed)), key=lambda c: closeness(c.label, context.typed))
    return keep[:MAX_REGISTRY_ITEMS], old[:MAX_REGISTRY_ITEMS]


def closeness(label: str, typed: str) -> int:
    """0 for a prefix as typed, 1 for a prefix ignoring case, 2 for any other fuzzy match."""
    if label.startswith(typed):
        return 0
    return 1 if label.lower().startswith(typed.lower()) else 2


def rank(canonical: Iterable[Candidate], jedi: Iterable[Candidate], deprecated: Iterable[Candidate]) -> list[Candidate]:
    """All candidates with sortText buckets; jedi's duplicates of registry names are dropped."""
    canonical, deprecated = list(canonical), list(deprecated)
    taken = {c.label for c in canonical} | {c.label for c in deprecated}
    jedi = [c for c in jedi if c.label not in taken]
    ranked: list[Candidate] = []
    for bucket, items in ((CANONICAL, canonical), (JEDI, jedi), (DEPRECATED, deprecated)):
        for index, candidate in enumerate(items):
            ranked.append(replace(candidate, bucket=bucket, sort_text=f"{bucket}{index:05d}",
                                  preselect=bucket == CANONICAL and index == 0))
    return ranked
