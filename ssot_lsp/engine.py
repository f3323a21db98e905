"""The detection engine: text + config in, violations out (SPEC §3, §11).

`check()` is a pure function of a document's text, its path and the registry; the CLI,
the language server and the tests all call it. `analyze()` returns the same violations
together with what the fixer needs to rewrite each one (the matched import, reference or
call), so a fix never has to search for its violation again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from .bindings import Analysis, ImportedName, ImportStatement, Reference, StringImport, analyze_tree
from .config import Config
from .imports import module_rewrite_missing
from .model import CANON_CODE, FIX_AUTO, FIX_MANUAL, Fix, FixKey, Rule, Span, Violation
from .canonical import CanonicalSymbol
from .registry import Registry
from .source import Parsed, parse
from .sparse import parse_sparse
from .suppress import Suppressions
from .templates import TemplateChoice, choose_template

Subject = Union[ImportStatement, ImportedName, Reference, StringImport]


@dataclass(frozen=True)
class Finding:
    """A violation and what it was found on (for the fixer and the report)."""

    violation: Violation
    rule: Optional[Rule]
    subject: Subject
    choice: Optional[TemplateChoice] = None
    canonical: Optional[CanonicalSymbol] = None
    note: str = ""  # why a violation with a replacement has no automatic fix here


@dataclass
class Checked:
    """The result of analysing one document."""

    analysis: Optional[Analysis]
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    path: Optional[Path] = None  # the analysed file (the fixer re-checks its fixes against it)
    parsed: Optional[Parsed] = None  # the syntax tree, reusable for the next version's parse
    plans: dict[FixKey, Optional[Fix]] = field(default_factory=dict)  # the planned Fix, or None (classify.py)

    @property
    def violations(self) -> list[Violation]:
        return [finding.violation for finding in self.findings]


def registry_for(config: Config) -> Registry:
    """The compiled registry of `config`, for this call only: a CLI run and a server keep theirs
    in their `ConfigStore`."""
    return Registry(config)


def check(text: str, path: Optional[Union[str, Path]], config: Union[Config, Registry]) -> list[Violation]:
    """Violations in `text` (the contents of `path`) under the given registry."""
    return analyze(text, path, config).violations


def analyze(text: str, path: Optional[Union[str, Path]], config: Union[Config, Registry],
            previous: Optional[Checked] = None, findings_only: bool = False,
            classify_fixes: bool = True) -> Checked:
    """Violations plus the analysis behind them; `previous` (the last version's) speeds up re-parsing.

    `findings_only` (batch checks) allows parsing only the statements that can matter when
    the registry knows its trigger names (sparse.py); the analysis then covers those only,
    and the violations' `fix` fields are the rules' promise, not yet the planner's. A full
    analysis asks the fix planner what it can do for each violation (`classify_fixes`), so
    `fix` says exactly what `ssot-lsp fix` will apply (SPEC §12).
    """
    registry = config if isinstance(config, Registry) else registry_for(config)
    file_path = Path(os.path.abspath(path)) if path is not None else None
    if file_path is not None and registry.config.is_excluded(file_path):
        return Checked(None)
    parsed = None
    if findings_only and previous is None and registry.relevant_bytes is not None:
        parsed = parse_sparse(text, registry.relevant_bytes)
    if parsed is None:
        parsed = parse(text, previous.parsed if previous is not None else None)
    if parsed is None:
        return Checked(None)
    module_name, is_package = registry.workspace.module_name(file_path) if file_path else (None, False)
    analysis = analyze_tree(parsed.tree, parsed.lines, module_name, is_package, parsed.broken,
                            registry.relevant_bytes if findings_only else None)
    matcher = _Matcher(registry, analysis, file_path)
    matcher.run()
    suppressions = Suppressions(parsed.lines)
    checked = Checked(analysis, path=file_path, parsed=parsed)
    for finding in sorted(matcher.findings, key=lambda f: (f.violation.span.start_line, f.violation.span.start_col, f.violation.code)):
        violation = finding.violation
        if suppressions.suppresses(violation.code, violation.span.start_line, violation.statement_line):
            checked.suppressed.append(finding)
        else:
            checked.findings.append(finding)
    if classify_fixes and not findings_only and checked.findings:
        from .classify import classify

        classify(text, checked, registry)
    return checked


class _Matcher:
    def __init__(self, registry: Registry, analysis: Analysis, path: Optional[Path]):
        self.registry = registry
        self.analysis = analysis
        self.path = path
        self.findings: list[Finding] = []
        self._seen: set[tuple[str, Span]] = set()
        self._allowed: dict[str, bool] = {}  # per rule id: glob matching is the costly part
        self._flagged_plain: set[str] = set()  # module rules flagged on `import a.b` (their fix rewrites uses)

    def run(self) -> None:
        for statement in self.analysis.imports:
            self.match_import(statement)
        for reference in self.analysis.references:
            self.match_reference(reference)
        for string_import in self.analysis.string_imports:
            rule = self.module_rule(string_import.module)
            if rule:
                self.add(rule, string_import, string_import.span, string_import.statement_line,
                         _module_message(rule, string_import.module), FIX_AUTO if rule.replace else None)

    # -- helpers ---------------------------------------------------------------------
    def module_rule(self, module: str) -> Optional[Rule]:
        rule = self.registry.module_rule(module)
        return rule if rule and not self.allowed(rule) else None

    def named_rule(self, qualname: str, kind: str) -> Optional[Rule]:
        rule = self.registry.named_rules(qualname, kind)
        return rule if rule and not self.allowed(rule) else None

    def allowed(self, rule: Rule) -> bool:
        allowed = self._allowed.get(rule.id)
        if allowed is None:
            allowed = self._allowed[rule.id] = self.registry.allowed(rule, self.path) or self.shadowed(rule)
        return allowed

    def shadowed(self, rule: Rule) -> bool:
        """A rule about a library whose top-level name is a module of this workspace (a project's
        own `mock.py`): the file's imports mean that module, not the library (SPEC §12).

        A preset's rules are about libraries; a rule of the registry is when its name is one
        top-level module and its replacement lies outside the workspace.
        """
        workspace = self.registry.workspace
        top = rule.name.split(".")[0]
        if workspace.module_path(top) is None:
            return False
        if rule.origin.startswith("preset:"):
            return True
        replacement = rule.replace or ""
        return "." not in rule.name and bool(replacement) and \
            workspace.module_path(replacement.split(".")[0]) is None

    def add(self, rule: Optional[Rule], subject: Subject, span: Span, statement_line: int, message: str,
            fix: Optional[str], *, choice: Optional[TemplateChoice] = None,
            canonical: Optional[CanonicalSymbol] = None, code: Optional[str] = None,
            replacement: Optional[str] = None) -> None:
        code = code or (rule.id if rule else CANON_CODE)
        if (code, span) in self._seen:
            return
        self._seen.add((code, span))
        violation = Violation(
            code=code,
            kind=rule.kind if rule else "canonical",
            span=span,
            message=message,
            severity=rule.severity if rule else "warning",
            replacement=replacement if replacement is not None else (rule.replacement if rule else None),
            fix=fix,
            statement_line=statement_line,
        )
        self.findings.append(Finding(violation, rule, subject, choice, canonical))

    def module_fix(self, rule: Rule, subject: Subject) -> Optional[str]:
        """Auto when the replacement module provides every name the import pulls in."""
        if not rule.replace:
            return None
        missing = module_rewrite_missing(self.registry.workspace, self.analysis, subject, rule.name, rule.replace)
        return None if missing else FIX_AUTO

    # -- imports ---------------------------------------------------------------------
    def match_import(self, statement: ImportStatement) -> None:
        line = statement.span.start_line
        if statement.kind == "import":
            for imported in statement.names:
                rule = self.module_rule(imported.name)
                if rule:
                    self._flagged_plain.add(rule.id)
                    self.add(rule, imported, imported.span, line, _module_message(rule, imported.name),
                             self.module_fix(rule, imported))
            return
        module = statement.resolved
        if module is None:
            return
        rule = self.module_rule(module)
        if rule and statement.module_span is not None:
            fix = self.module_fix(rule, statement) if not statement.star else None
            self.add(rule, statement, statement.module_span, line, _module_message(rule, module), fix)
        for imported in statement.names:
            qualname = f"{module}.{imported.name}"
            # `from pkg import old_module` imports the deprecated module by another road.
            submodule_rule = self.module_rule(qualname) if rule is None else None
            if submodule_rule:
                self.add(submodule_rule, imported, imported.span, line,
                         _module_message(submodule_rule, qualname), self.module_fix(submodule_rule, imported))
                continue
            symbol_rule = self.named_rule(qualname, "symbol")
            if symbol_rule:
                self.add(symbol_rule, imported, imported.span, line, _symbol_message(symbol_rule),
                         FIX_AUTO if symbol_rule.replace else None)
                continue
            if rule is None:  # a module fix rewrites the path; CANON would flag it twice
                self.match_canonical(statement, imported, module, qualname)

    def match_canonical(self, statement: ImportStatement, imported: ImportedName, module: str, qualname: str) -> None:
        registry = self.registry
        if not registry.config.canonical_modules:
            return
        if registry.relevant is not None and imported.name not in registry.relevant:
            return
        symbol = registry.canonical.get(registry.workspace.canonicalize(qualname))
        if symbol is None or module == symbol.module:
            return
        identity_module = symbol.identity.rsplit(".", 1)[0]
        if module not in (symbol.origin, identity_module) and not registry.in_scope(module):
            return
        if registry.canon_exempt(self.path):
            return
        message = f"'{imported.name}' must be imported from the canonical module '{symbol.module}'"
        self.add(None, imported, imported.span, statement.span.start_line, message, FIX_AUTO,
                 canonical=symbol, replacement=f"{symbol.module}.{symbol.name}")

    # -- references ------------------------------------------------------------------
    def match_reference(self, reference: Reference) -> None:
        statement_line = reference.spans[0].start_line
        for depth in range(1, len(reference.parts) + 1):
            rule = self.named_rule(reference.qualname(depth), "symbol")
            if rule:
                self.add(rule, reference, reference.spans[depth], statement_line,
                         _symbol_message(rule), FIX_AUTO if rule.replace else None)
                break
        else:
            self.match_module_path(reference, statement_line)
        if reference.call is None:
            return
        rule = self.named_rule(reference.full_qualname, "call")
        if rule is None:
            return
        choice = None
        if rule.templates:
            choice = choose_template(rule, reference.call.node, reference.call.scope.visible_names())
            fix = FIX_AUTO if choice is not None and choice.automatic else FIX_MANUAL
        else:
            fix = None
        callee = choice.callee if choice else rule.replacement
        self.add(rule, reference, reference.spans[-1], statement_line, _call_message(rule, callee), fix,
                 choice=choice, replacement=callee)

    def match_module_path(self, reference: Reference, statement_line: int) -> None:
        """`six.moves.http_client.OK` through `import six`: a deprecated module reached by attributes."""
        binding = reference.binding
        if not reference.parts or self.module_rule(binding.target) is not None:
            return  # the import itself is flagged (and its fix rewrites this use)
        for depth in range(1, len(reference.parts) + 1):
            qualname = reference.qualname(depth)
            rule = self.module_rule(qualname)
            if rule is None:
                continue
            if binding.statement.kind == "import" and binding.asname is None and rule.id in self._flagged_plain:
                return
            self.add(rule, reference, reference.spans[depth], statement_line, _module_message(rule, qualname),
                     FIX_AUTO if rule.replace else None)
            return


def _with_replacement(message: str, replacement: Optional[str]) -> str:
    if replacement and replacement not in message:
        return f"{message} (use '{replacement}')"
    return message


def _module_message(rule: Rule, module: str) -> str:
    if rule.message:
        return _with_replacement(rule.message, rule.replace)
    text = f"Module '{module}' is deprecated"
    return f"{text}; import from '{rule.replace}' instead" if rule.replace else text


def _symbol_message(rule: Rule) -> str:
    if rule.message:
        return _with_replacement(rule.message, rule.replace)
    text = f"'{rule.name}' is deprecated"
    return f"{text}; use '{rule.replace}' instead" if rule.replace else text


def _call_message(rule: Rule, callee: Optional[str]) -> str:
    if rule.message:
        return _with_replacement(rule.message, callee)
    text = f"Call of deprecated '{rule.name}'"
    return f"{text}; use '{callee}(...)' instead" if callee else text

