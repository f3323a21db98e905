"""The compiled registry: rules ready to match, and the canonical symbols (SPEC §2).

Rule names of symbol and call rules are compared after following workspace re-exports,
in the direction SPEC §3 gives: a rule that deprecates an object matches every path to
it; a rule that deprecates only a path (its replacement is the same object, the usual
`from new import x as old_x` shim) matches that path and the paths re-exporting through
it, never the object's origin or the replacement. The canonical registry is learned by
reading the canonical modules: every public name they bind (their `__all__` when they
define one) is a canonical symbol, and where they import it from is its origin.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from .canonical import CanonicalSymbol, canonical_symbols
from .config import Config
from .model import ConfigError, Rule
from .modules import Workspace


class Registry:
    """Rules compiled for matching, plus the canonical symbols of `canonical-modules`."""

    def __init__(self, config: Config, workspace: Optional[Workspace] = None):
        self.config = config
        self.workspace = workspace or Workspace(config.src)
        self._canonical: Optional[dict[str, CanonicalSymbol]] = None
        self.problems: list[ConfigError] = []
        self._exempt_folders: Optional[tuple[Path, ...]] = None
        # Set by batch runs to the pre-filter's trigger names: a superset of the last
        # component of every name that can reach a rule (see prefilter.py).
        self.relevant: Optional[frozenset[str]] = None
        self.relevant_bytes: Optional[frozenset[bytes]] = None
        self.inference = None  # rules inferred from the workspace's deprecations (SPEC §13)
        if config.infer:
            from .infer import Inference

            self.inference = Inference(config, self.workspace, canonical=lambda: self.canonical)
        self._use_rules()

    # -- rules -----------------------------------------------------------------------
    def _use_rules(self) -> None:
        """The written rules, then the inferred ones in force (a written rule's name wins)."""
        inferred = self.inference.active(self.config.rules) if self.inference is not None else ()
        self.all_rules: tuple[Rule, ...] = self.config.rules + inferred
        self.rules = {rule.id: rule for rule in self.all_rules}
        self.module_rules = sorted(
            (r for r in self.all_rules if r.kind == "module"), key=lambda r: -len(r.name)
        )
        self._named = [r for r in self.all_rules if r.kind in ("symbol", "call")]
        self._by_identity: Optional[dict[str, list[Rule]]] = None
        self._by_path: dict[str, list[Rule]] = {}

    def module_rule(self, module: str) -> Optional[Rule]:
        """The module rule governing `module` (the most specific one)."""
        for rule in self.module_rules:
            if module == rule.name or module.startswith(rule.name + "."):
                return rule
        return None

    def named_rules(self, qualname: str, kind: str) -> Optional[Rule]:
        """The symbol or call rule for the object `qualname` names, re-exports followed."""
        if self.relevant is not None and qualname.rpartition(".")[2] not in self.relevant:
            return None  # cannot reach a rule: skip following re-exports
        if self._by_identity is None:
            table: dict[str, list[Rule]] = {}
            paths: dict[str, list[Rule]] = {}
            for rule in self._named:
                if self.deprecates_path_only(rule):
                    paths.setdefault(rule.name, []).append(rule)
                    continue
                table.setdefault(self.workspace.canonicalize(rule.name), []).append(rule)
                table.setdefault(rule.name, []).append(rule)
            self._by_identity, self._by_path = table, paths
        for key in (qualname, self.workspace.canonicalize(qualname)):
            for rule in self._by_identity.get(key, ()):
                if rule.kind == kind:
                    return rule
        if self._by_path:
            for step in self.workspace.chain(qualname):
                for rule in self._by_path.get(step, ()):
                    if rule.kind == kind:
                        return rule
        return None

    def deprecates_path_only(self, rule: Rule) -> bool:
        """A symbol rule whose replacement is the very object its name reaches (SPEC §3)."""
        if rule.kind != "symbol" or not rule.replace or rule.replace == rule.name:
            return False
        return self.workspace.canonicalize(rule.name) == self.workspace.canonicalize(rule.replace)

    def allowed(self, rule: Rule, path: Optional[Path]) -> bool:
        """Whether the rule is switched off for this file by its `allow` globs."""
        return path is not None and bool(rule.allow) and self.config.matches(rule.allow, path)

    # -- canonical registry ----------------------------------------------------------
    @property
    def canonical(self) -> dict[str, CanonicalSymbol]:
        """Canonical symbols by identity (the defining qualified name)."""
        if self._canonical is None:
            self._canonical = self._learn_canonical()
        return self._canonical

    def _learn_canonical(self) -> dict[str, CanonicalSymbol]:
        symbols, problems = canonical_symbols(self.config, self.workspace)
        self.problems.extend(problems)
        return symbols

    def canonical_modules_paths(self) -> list[Path]:
        return [p for p in (self.workspace.module_path(m) for m in self.config.canonical_modules) if p]

    def canon_exempt(self, path: Optional[Path]) -> bool:
        """Files of a canonical module's own package, and `canonical-allow`, are exempt."""
        if path is None:
            return False
        if self._exempt_folders is None:
            self._exempt_folders = tuple(p.parent for p in self.canonical_modules_paths())
        absolute = Path(os.path.abspath(path))
        if any(folder == absolute.parent or folder in absolute.parents for folder in self._exempt_folders):
            return True
        return self.config.matches(self.config.canonical_allow, path)

    def limit_to(self, relevant: Optional[frozenset[str]]) -> None:
        """Promise that only names ending in `relevant` can reach a rule (None: no promise)."""
        self.relevant = relevant
        self.relevant_bytes = frozenset(n.encode("utf-8", "surrogatepass") for n in relevant) if relevant else None

    def in_scope(self, module: str) -> bool:
        return any(module == prefix or module.startswith(prefix + ".") for prefix in self.config.scope)

    def invalidate(self, path: Optional[Path] = None, content_only: bool = False) -> None:
        """Forget what depends on workspace files (after `path` changed)."""
        workspace_changed = self.workspace.invalidate(path, content_only)
        if self.inference is not None and self.inference.refresh(path):
            self._use_rules()  # a deprecation appeared, changed or went away
        elif not workspace_changed:
            return
        self._by_identity = None
        self._canonical = None
        self.limit_to(None)  # renames may have changed
        self._exempt_folders = None
        self.problems = []
