"""The compliance report: how much of the governed import surface is canonical (SPEC §7).

Counting, per file, over every name of every import statement:
- a name is *governed* when the module it is imported from (`from M import n`: M;
  `import a.b`: a.b) is under `scope`; without `scope`, when a rule or the canonical
  registry speaks about it (it carries a violation, comes from a canonical module, is a
  canonical symbol, or a module rule names its module);
- a governed name is *violating* when a diagnostic sits on it (on the name, or on the
  module path of its `from` statement: each name of `from old import a, b` violates), and
  *canonical* when it is imported from a canonical module without a violation; with no
  `canonical-modules` (a project on presets only), an import of a rule's replacement is
  canonical instead (`from django.utils.encoding import force_str` for the rule on
  `force_text`), and such imports are governed;
- the files of a canonical module's own package implement the single source of truth and
  may import each other (SPEC §11), so their names count only when they violate a rule.

score = canonical / governed, in percent. *violations* counts every diagnostic: call rules
and references through a module object are not import names, so they appear in the
breakdowns, not in the score (and `violating` can exceed `violations` when one flagged
module path carries several names). `report_for_paths` returns the same JSON
object the CLI prints with `--format json`; the language server answers
`ssot/complianceReport` with it.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional

from .batch import FileResult
from .config import Config
from .configs import ConfigStore, registry_problems
from .model import FIX_AUTO, FIX_MANUAL, FIX_UNSAFE, ConfigurationError, Rule, Span, Violation
from .registry import Registry
from .runner import Discovery, discover

if TYPE_CHECKING:
    from .bindings import ImportedName, ImportStatement
    from .phases import Counted, Phase

TOP_FILES = 10


@dataclass
class Report:
    """The aggregate over many files; `as_json()` is the report's public shape."""

    files: list[FileResult] = field(default_factory=list)
    scope: tuple[str, ...] = ()
    phases: list[Phase] = field(default_factory=list)  # declared by the configs (SPEC §14)
    phase_counts: list[Counted] = field(default_factory=list)  # one per file

    @property
    def governed(self) -> int:
        return sum(f.governed for f in self.files)

    @property
    def canonical(self) -> int:
        return sum(f.canonical for f in self.files)

    @property
    def score(self) -> float:
        total = self.governed
        return 100.0 if total == 0 else round(100.0 * self.canonical / total, 1)

    def as_json(self) -> dict[str, Any]:
        violations = [(f, v) for f in self.files for v in f.violations]
        return {
            "score": self.score,
            "canonical": self.canonical,
            "total": self.governed,
            "violating": sum(f.violating for f in self.files),
            "violations": len(violations),
            "files": len(self.files),
            "scope": list(self.scope),
            "by_rule": _by_rule([v for _, v in violations]),
            "by_folder": self._by_folder(),
            "top_files": _top_files(self.files, self.display),
            "fixes": {
                "auto": sum(1 for _, v in violations if v.fix == FIX_AUTO),
                "unsafe": sum(1 for _, v in violations if v.fix == FIX_UNSAFE),
                "manual": sum(1 for _, v in violations if v.fix == FIX_MANUAL),
                "none": sum(1 for _, v in violations if v.fix is None),
            },
            "errors": [f"{self.display(f.path)}: {f.error}" for f in self.files if f.error],
            "by_phase": _by_phase(self.phases, self.phase_counts),
        }

    def display(self, path: str) -> str:
        from .runner import display_path

        return display_path(Path(path))

    def _by_folder(self) -> dict[str, dict[str, int]]:
        # Folders directly below the deepest folder holding every file: for one package
        # tree, its subpackages rather than a single entry for the whole tree.
        root = _common_folder([f.path for f in self.files])
        folders: dict[str, dict[str, int]] = defaultdict(
            lambda: {"files": 0, "total": 0, "canonical": 0, "violations": 0})
        for tally in self.files:
            counts = folders[self.display(_top_folder(tally.path, root))]
            counts["files"] += 1
            counts["total"] += tally.governed
            counts["canonical"] += tally.canonical
            counts["violations"] += len(tally.violations)
        return dict(sorted(folders.items(), key=lambda item: (-item[1]["violations"], item[0])))


def _by_phase(phases: list[Phase], counted: list[Counted]) -> list[dict[str, Any]]:
    from .phases import by_phase

    return by_phase(phases, counted)


def _by_rule(violations: list[Violation]) -> list[dict[str, Any]]:
    counts = Counter(v.code for v in violations)
    first: dict[str, Violation] = {}
    for violation in violations:
        first.setdefault(violation.code, violation)
    rows = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        of_rule = [v for v in violations if v.code == code]
        rows.append({
            "code": code,
            "kind": first[code].kind,
            "severity": first[code].severity,
            "count": count,
            "share": round(100.0 * count / len(violations), 1),
            "auto": sum(1 for v in of_rule if v.fix == FIX_AUTO),
            "manual": sum(1 for v in of_rule if v.fix == FIX_MANUAL),
        })
    return rows


def _top_files(files: list[FileResult], display: Callable[[str], str]) -> list[dict[str, Any]]:
    ranked = sorted((f for f in files if f.violations), key=lambda f: (-len(f.violations), display(f.path)))
    return [
        {
            "file": display(f.path),
            "violations": len(f.violations),
            "auto": sum(1 for v in f.violations if v.fix == FIX_AUTO),
            "manual": sum(1 for v in f.violations if v.fix == FIX_MANUAL),
        }
        for f in ranked[:TOP_FILES]
    ]


def _common_folder(paths: list[str]) -> str:
    if not paths:
        return os.getcwd()
    folders = [os.path.dirname(p) for p in paths]
    return os.path.commonpath(folders)


def _top_folder(path: str, root: str) -> str:
    """The folder directly below `root` that holds `path` (`root` itself for its own files)."""
    relative = os.path.relpath(path, root)
    parts = Path(relative).parts
    if len(parts) <= 1 or parts[0] == "..":
        return root
    return os.path.join(root, parts[0])


# -- counting one file ------------------------------------------------------------------
def tally(text: str, path: Path, registry: Registry) -> tuple[tuple[int, int, int], list[Violation]]:
    """The (governed, canonical, violating) counts of one document's import names, and its violations."""
    from .engine import analyze

    checked = analyze(text, path, registry)
    violations = checked.violations
    if checked.analysis is None:
        return (0, 0, 0), violations
    flagged: set[Span] = {v.span for v in violations}
    internal = _in_canonical_package(registry, path)
    governed = canonical = violating = 0
    for statement in checked.analysis.imports:
        for module, span in _names(statement):
            is_violating = span in flagged or (
                statement.kind == "from" and statement.module_span in flagged)
            if internal and not is_violating:
                continue
            if not _governed(registry, statement, module, span) and (
                    registry.config.scope or not is_violating):
                continue
            governed += 1
            if is_violating:
                violating += 1
            elif module in registry.config.canonical_modules or (
                    not registry.config.canonical_modules and _is_replacement(registry, statement, module, span)):
                canonical += 1
    return (governed, canonical, violating), violations


def _is_replacement(registry: Registry, statement: ImportStatement, module: Optional[str], span: Optional[Span]) -> bool:
    """Whether an import name brings in what a rule says to use instead (module, symbol or callee)."""
    if module is None:
        return False
    modules, names = replacement_targets(registry.config.rules)
    if any(module == target or module.startswith(target + ".") for target in modules):
        return True
    imported = _imported(statement, span)
    return imported is not None and f"{module}.{imported.name}" in names


@lru_cache(maxsize=32)
def replacement_targets(rules: tuple[Rule, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(modules, dotted names) the rules point to: module rules' replacements, symbol rules'
    replacements, and what call rules' `imports` bind (or a dotted callee)."""
    import ast

    modules: set[str] = set()
    names: set[str] = set()
    for rule in rules:
        if rule.kind == "module" and rule.replace:
            modules.add(rule.replace)
        elif rule.kind == "symbol" and rule.replace:
            names.add(rule.replace)
        elif rule.kind == "call":
            if rule.replacement and "." in rule.replacement:
                names.add(rule.replacement)
            for statement in rule.imports:
                node = ast.parse(statement).body[0]
                if isinstance(node, ast.ImportFrom) and node.module:
                    names.update(f"{node.module}.{alias.name}" for alias in node.names)
                elif isinstance(node, ast.Import):
                    modules.update(alias.name for alias in node.names)
    return frozenset(modules), frozenset(names)


def _names(statement: ImportStatement) -> Iterable[tuple[Optional[str], Optional[Span]]]:
    """(module imported from, span of the name) for each name; a `*` counts as one name."""
    if statement.kind == "import":
        for imported in statement.names:
            yield imported.name, imported.span
    elif statement.star:
        yield statement.resolved, None
    else:
        for imported in statement.names:
            yield statement.resolved, imported.span


def _governed(registry: Registry, statement: ImportStatement, module: Optional[str], span: Optional[Span]) -> bool:
    if module is None:
        return False
    imported = _imported(statement, span)
    if registry.config.scope:
        # `from pkg import mod` targets `pkg.mod` when that is the module in scope.
        return registry.in_scope(module) or (
            imported is not None and registry.in_scope(f"{module}.{imported.name}"))
    if module in registry.config.canonical_modules or registry.module_rule(module):
        return True
    if not registry.config.canonical_modules and _is_replacement(registry, statement, module, span):
        return True
    if imported is None:
        return False
    qualname = f"{module}.{imported.name}"
    identity = registry.workspace.canonicalize(qualname)
    return identity in registry.canonical or bool(
        registry.module_rule(qualname)
        or registry.named_rules(qualname, "symbol") or registry.named_rules(qualname, "call"))


def _imported(statement: ImportStatement, span: Optional[Span]) -> Optional[ImportedName]:
    """The name of a `from` statement with this span (None for `import` and `*`)."""
    if statement.kind != "from" or span is None:
        return None
    return next((imported for imported in statement.names if imported.span == span), None)


def _in_canonical_package(registry: Registry, path: Path) -> bool:
    absolute = Path(os.path.abspath(path))
    return any(folder == absolute.parent or folder in absolute.parents
               for folder in (p.parent for p in registry.canonical_modules_paths()))


# -- entry points ---------------------------------------------------------------------
def discover_governed(paths: Iterable[str], store: ConfigStore,
                      discovery: Optional[Discovery] = None) -> tuple[Discovery, dict[Path, Config]]:
    """The files under `paths` (unless `discovery` has them) and their configurations, each
    registry checked; raises ConfigurationError."""
    discovery = discovery or discover(list(paths), store)
    if discovery.errors:
        raise ConfigurationError(discovery.errors)
    configs = {cfg.path: cfg for _, cfg in discovery.files}
    problems = [problem for cfg in configs.values() for problem in registry_problems(discovery.store.registry(cfg))]
    if problems:
        raise ConfigurationError(problems)
    return discovery, configs


def build_report(paths: Iterable[str], *, jobs: Optional[int] = 1, overlays: Optional[dict[Path, str]] = None,
                 progress: Optional[Callable[[int, int], None]] = None, discovery: Optional[Discovery] = None,
                 store: Optional[ConfigStore] = None) -> Report:
    """Discover the files under `paths` (unless `discovery` has) and count them; raises ConfigurationError.

    `store`: the configurations to use (a run's, whose `discovery` found the files, or the
    server's, which holds its open documents' text), else a new one for this report, with
    `overlays`: unsaved editor text that replaces files' contents (for the files themselves
    and for what their modules re-export).
    """
    from . import phases
    from .batch import check_file, run_checks

    if discovery is not None:
        store = discovery.store
    elif store is None:
        store = ConfigStore()
        store.overlays.update({Path(os.path.abspath(p)): text for p, text in (overlays or {}).items()})
    discovery, configs = discover_governed(paths, store, discovery)
    if store.overlays:
        tallies = [check_file(store, path, count=tally, text=store.overlays.get(path))
                   for path, _ in discovery.files]
    else:
        tallies = run_checks(store, [path for path, _ in discovery.files], jobs, count=tally, progress=progress)
    scope = tuple(dict.fromkeys(s for cfg in configs.values() for s in cfg.scope))
    counted = [phases.count_file(cfg, path, t.governed, t.canonical, t.violations)
               for t, (path, cfg) in zip(tallies, discovery.files)]
    return Report(tallies, scope, phases.declared(configs.values()), counted)


def report_for_paths(paths: list[Path], overlays: Optional[dict[Path, str]] = None) -> dict[str, Any]:
    """The compliance report of the files under `paths` as JSON-ready data.

    `overlays` maps paths to unsaved editor text that replaces the file's contents.
    Raises `ConfigurationError` when a configuration is invalid.
    """
    return build_report([str(p) for p in paths], overlays=overlays, jobs=1).as_json()
