"""The fix engine: the minimal edits that rewrite each violation to its canonical form (SPEC §4).

`plan_fixes` turns the findings of one analysed document into `Fix` values (one per
violation that has a fix); `fix_all` applies every automatic fix to a text, one at a time
and re-analysing in between, so fixes of several violations compose. Every fix passes a
safety gate before it is offered: the fixed text parses whenever the original did, and a
re-check no longer reports the violation. Pure functions of text and registry: the CLI,
the language server and the tests share them.
"""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

from .bindings import Analysis, ImportedName, ImportStatement, Reference, StringImport
from .config import Config
from .edits import OverlappingEdits, apply_edits, indentation, insert, span_text
from .engine import Checked, Finding, analyze, registry_for
from .imports import (
    ImportSpec, merge_target, append_name_edit, module_references, module_rewrite_missing,
    parse_import_specs, plan_imports, remove_name_edits, rewritten_module,
)
from .model import FIX_AUTO, FIX_MANUAL, Edit, Fix, Span, Violation
from .registry import Registry
from .source import dominant_newline, normalize_newlines
from .templates import Argument, render

log = logging.getLogger("ssot_lsp.fixer")

MAX_ROUNDS = 200  # fix_all applies one fix per round; a file rarely has more violations


class NoFix(Exception):
    """This violation cannot be fixed automatically here; the message says why."""


@dataclass
class FixAllResult:
    """The text after every automatic fix, and what happened to each violation."""

    text: str
    applied: list[Violation] = field(default_factory=list)
    manual: list[Violation] = field(default_factory=list)
    skipped: list[tuple[Violation, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied)


# -- public API -------------------------------------------------------------------------
def plan_fixes(text: str, checked: Checked, registry: Registry, *, snippets: bool = False) -> list[Fix]:
    """One gated `Fix` per finding that has one (automatic or manual)."""
    fixes = []
    for finding in checked.findings:
        if finding.violation.fix is None:
            continue
        fix, reason = plan_fix(text, checked, registry, finding, snippets=snippets)
        if fix is None:
            log.info("no fix for %s at %s: %s", finding.violation.code, _where(finding.violation), reason)
        else:
            fixes.append(fix)
    return fixes


def plan_fix(text: str, checked: Checked, registry: Registry, finding: Finding, *,
             snippets: bool = False) -> tuple[Optional[Fix], str]:
    """The gated fix of one finding, or None and the reason there is none."""
    try:
        fix = _Planner(text, checked, registry).fix(finding, snippets=False)
    except NoFix as exc:
        return None, str(exc)
    reason = safety_problem(text, checked, registry, fix)
    if reason:
        return None, reason
    if snippets and fix.manual:
        fix = _Planner(text, checked, registry).fix(finding, snippets=True)
    return fix, ""


def fix_all(text: str, path: Optional[Union[str, Path]], config_or_registry: Union[Config, Registry], *,
            only: Optional[Callable[[Violation], bool]] = None, unsafe_fixes: bool = False) -> FixAllResult:
    """Apply every automatic fix (of the violations `only` accepts), re-analysing after each.

    Unsafe fixes (SPEC §12) are applied only with `unsafe_fixes`.
    """
    registry = config_or_registry if isinstance(config_or_registry, Registry) else registry_for(config_or_registry)
    result = FixAllResult(text)
    reasons: dict[tuple[str, int, int], str] = {}
    for _ in range(MAX_ROUNDS):
        checked = analyze(result.text, path, registry)
        if checked.analysis is None or not _apply_first(result, checked, registry, reasons, only):
            break
    checked = analyze(result.text, path, registry)
    for finding in checked.findings:
        violation = finding.violation
        if only is not None and not only(violation):
            continue
        if violation.fix == FIX_MANUAL:
            result.manual.append(violation)
        elif violation.fix == FIX_AUTO:
            reason = reasons.get(_key(violation), "no automatic fix applied")
            result.skipped.append((violation, reason))
    return result


def _apply_first(result: FixAllResult, checked: Checked, registry: Registry, reasons: dict,
                 only: Optional[Callable[[Violation], bool]]) -> bool:
    """Apply the first automatic fix that passes the gate; False when there is none."""
    for finding in checked.findings:
        if finding.violation.fix != FIX_AUTO or (only is not None and not only(finding.violation)):
            continue
        fix, reason = plan_fix(result.text, checked, registry, finding)
        if fix is None or fix.manual:
            reasons[_key(finding.violation)] = reason or "needs manual arguments"
            continue
        result.text = apply_edits(result.text, fix.edits)
        result.applied.append(finding.violation)
        return True
    return False


def _key(violation: Violation) -> tuple[str, int, int]:
    return violation.code, violation.span.start_line, violation.span.start_col


def _where(violation: Violation) -> str:
    return f"{violation.span.start_line + 1}:{violation.span.start_col + 1}"


# -- the safety gate --------------------------------------------------------------------
def safety_problem(text: str, checked: Checked, registry: Registry, fix: Fix) -> str:
    """Why the fix must not be offered ('' when it is safe)."""
    try:
        fixed = apply_edits(text, fix.edits)
    except OverlappingEdits as exc:
        return f"conflicting edits ({exc})"
    if checked.analysis is not None and not checked.analysis.broken_lines and not _parses(fixed):
        return "the fixed text would not parse"
    rechecked = analyze(fixed, checked.path, registry)
    code = fix.violation.code
    before = sum(1 for v in checked.violations if v.code == code)
    after = sum(1 for v in rechecked.violations if v.code == code)
    if after >= before:
        return "a re-check still reports the violation"
    return ""


def _parses(text: str) -> bool:
    source = normalize_newlines(text)
    try:
        ast.parse(source[1:] if source.startswith("\ufeff") else source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


# -- planning ---------------------------------------------------------------------------
class _Planner:
    """Plans the fix of one finding over one analysed text."""

    def __init__(self, text: str, checked: Checked, registry: Registry):
        if checked.analysis is None:
            raise NoFix("the document could not be analysed")
        self.text = text
        self.analysis: Analysis = checked.analysis
        self.lines = checked.analysis.lines
        self.registry = registry
        self.workspace = registry.workspace
        self.newline = dominant_newline(text)
        self._identifiers: Optional[set[str]] = None
        self._bindings: Optional[dict[str, int]] = None

    def fix(self, finding: Finding, *, snippets: bool) -> Fix:
        violation, rule, subject = finding.violation, finding.rule, finding.subject
        if violation.kind == "canonical" and finding.canonical and isinstance(subject, ImportedName):
            symbol = finding.canonical
            edits = self.move_name(subject, symbol.module, symbol.name, rename=True)
            return Fix(violation, f"Import '{subject.name}' from '{symbol.module}'", tuple(edits))
        if rule is None:
            raise NoFix("no rule")
        if rule.kind == "module" and rule.replace:
            return Fix(violation, f"Import from '{rule.replace}' instead", tuple(self.module_fix(subject, rule.name, rule.replace)))
        if rule.kind == "symbol" and rule.replace and "." in rule.replace:
            module, name = rule.replace.rsplit(".", 1)
            return Fix(violation, f"Use '{rule.replace}'", tuple(self.symbol_fix(subject, violation, module, name)))
        if rule.kind == "call" and finding.choice is not None and isinstance(subject, Reference):
            return self.call_fix(finding, snippets)
        raise NoFix("the rule names no replacement")

    # -- module rules -------------------------------------------------------------------
    def module_fix(self, subject: object, old: str, new: str) -> list[Edit]:
        missing = module_rewrite_missing(self.workspace, self.analysis, subject, old, new)
        if missing:
            raise NoFix(f"'{new}' does not provide {', '.join(missing)}")
        if isinstance(subject, ImportStatement):
            if subject.module_span is None or subject.resolved is None or subject.star:
                raise NoFix("cannot rewrite this import")
            return [Edit(subject.module_span, rewritten_module(subject.resolved, old, new))]
        if isinstance(subject, StringImport):
            literal = span_text(self.lines, subject.span)
            if subject.module not in literal:
                raise NoFix("the string is not written plainly")
            return [Edit(subject.span, literal.replace(subject.module, rewritten_module(subject.module, old, new), 1))]
        if isinstance(subject, ImportedName) and subject.statement.kind == "import":
            return self.plain_import_fix(subject, old, new)
        if isinstance(subject, ImportedName) and subject.statement.resolved:
            qualname = rewritten_module(f"{subject.statement.resolved}.{subject.name}", old, new)
            parent, _, last = qualname.rpartition(".")
            if not parent:
                raise NoFix("the replacement is a top-level module")
            return self.move_name(subject, parent, last, rename=False)
        raise NoFix("cannot rewrite this import")

    def plain_import_fix(self, imported: ImportedName, old: str, new: str) -> list[Edit]:
        """`import a.old [as x]`: rewrite the path; without an alias also `a.old.x` uses."""
        module = rewritten_module(imported.name, old, new)
        edits = [Edit(imported.span, module)]
        if imported.asname is None:
            depth = len(imported.name.split(".")) - 1
            for reference in module_references(self.analysis, imported):
                edits.append(Edit(reference.spans[depth], module))
        return edits

    # -- symbol and canonical rules -------------------------------------------------------
    def symbol_fix(self, subject: object, violation: Violation, module: str, name: str) -> list[Edit]:
        if isinstance(subject, ImportedName) and subject.statement.kind == "from":
            return self.move_name(subject, module, name, rename=True)
        if isinstance(subject, Reference):
            depth = subject.spans.index(violation.span)
            return self.reference_fix(subject, depth, module, name)
        raise NoFix("cannot rewrite this use")

    def move_name(self, imported: ImportedName, module: str, name: str, *, rename: bool) -> list[Edit]:
        """Import `name` from `module` in place of `imported`, keeping what it binds."""
        alias, renames = self.new_binding(imported, name, rename)
        edits = [Edit(reference.spans[0], name) for reference in renames]
        statement = imported.statement
        bound = alias or name
        target = merge_target(self.analysis, module, statement.scope, {id(statement)})
        if target is not None:
            if not any(other.bound == bound and other.name == name for other in target.names):
                edits.append(append_name_edit(self.lines, target, ImportSpec(module, name, alias).item))
            return edits + remove_name_edits(self.analysis, imported)
        if len(statement.names) == 1:
            return edits + self.rewrite_single(imported, module, name, alias)
        return edits + remove_name_edits(self.analysis, imported) + [
            self.statement_after(statement, f"from {module} import {ImportSpec(module, name, alias).item}")
        ]

    def new_binding(self, imported: ImportedName, name: str, rename: bool) -> tuple[Optional[str], list[Reference]]:
        """The alias the new import needs, and the references to rename (SPEC §11 collisions)."""
        if imported.asname:
            return (None if imported.asname == name else imported.asname), []
        if imported.name == name:
            return None, []
        old = imported.bound
        safe = rename and name not in self.identifiers() and self.binding_count(old) == 1 \
            and old not in self.analysis.dunder_all
        if safe:
            return None, list(imported.references)
        return old, []

    def rewrite_single(self, imported: ImportedName, module: str, name: str, alias: Optional[str]) -> list[Edit]:
        """The statement imports only this name: rewrite it in place, keeping its layout."""
        statement = imported.statement
        if statement.module_span is None:
            raise NoFix("cannot locate the module path")
        edits = [Edit(statement.module_span, module)]
        if imported.alias_span is not None and alias is None:
            edits.append(Edit(Span(imported.span.start_line, imported.span.start_col,
                                   imported.alias_span.end_line, imported.alias_span.end_col), name))
        elif imported.alias_span is None and alias is not None:
            edits.append(Edit(imported.span, f"{name} as {alias}"))
        elif imported.name != name:
            edits.append(Edit(imported.span, name))
        return edits

    def statement_after(self, statement: ImportStatement, text: str) -> Edit:
        """A new statement on the line after `statement`, at its indentation."""
        indent = indentation(self.lines, statement.span.start_line)
        end = statement.span.end_line
        if end + 1 < len(self.lines):
            return insert(end + 1, 0, indent + text + self.newline)
        return insert(end, len(self.lines.line(end)), self.newline + indent + text)

    def reference_fix(self, reference: Reference, depth: int, module: str, name: str) -> list[Edit]:
        """`mod.old` through a module object: use the replacement name, imported directly."""
        spec = ImportSpec(module, name)
        existing = self.bound_to(spec.target)
        if existing is not None:
            edits = [Edit(reference.spans[depth], existing)]
        elif name in self.identifiers():
            raise NoFix(f"'{name}' already names something else in this file")
        else:
            edits = [Edit(reference.spans[depth], name)]
            edits += plan_imports(self.text, self.analysis, [spec], workspace=self.workspace)
        return edits + self.drop_if_unused(reference.binding, reference)

    # -- call rules ---------------------------------------------------------------------
    def call_fix(self, finding: Finding, snippets: bool) -> Fix:
        reference: Reference = finding.subject  # type: ignore[assignment]
        choice = finding.choice
        rule = finding.rule
        assert choice is not None and rule is not None and reference.call is not None
        call = reference.call
        plain = render(choice, self.argument_text, self.args_text(call.node))
        try:
            used = {n.id for n in ast.walk(ast.parse(plain.strip(), mode="eval")) if isinstance(n, ast.Name)}
        except SyntaxError:
            raise NoFix("the template does not render to an expression") from None
        needed = self.template_imports(rule.imports, used, call.scope)
        removed = self.drop_if_unused(reference.binding, reference)
        removing = [reference.binding.statement] if removed else []
        edits = [Edit(call.span, self.snippet(choice, call.node) if snippets and choice.missing else plain)]
        edits += plan_imports(self.text, self.analysis, needed, workspace=self.workspace, exclude=removing)
        edits += removed
        callee = choice.template.split("(", 1)[0].strip()
        title = f"Replace with {callee}(...)" + (f" (fill in {', '.join(choice.missing)})" if choice.missing else "")
        return Fix(finding.violation, title, tuple(edits), manual=bool(choice.missing), missing=choice.missing)

    def template_imports(self, statements, used: set[str], scope) -> list[ImportSpec]:
        """The rule's imports whose names the replacement uses and the call site lacks."""
        needed = []
        for statement in statements:
            for spec in parse_import_specs(statement):
                if spec.bound not in used:
                    continue
                found, binding = scope.lookup(spec.bound)
                if found and binding is not None and self.same(binding.target, spec.target):
                    continue
                if found or (spec.bound in self.identifiers() and self.bound_to(spec.target) is None):
                    raise NoFix(f"'{spec.bound}' already means something else here")
                needed.append(spec)
        return needed

    def argument_text(self, argument: Argument) -> str:
        return span_text(self.lines, self.node_span(argument.node))

    def args_text(self, call: ast.Call) -> str:
        """The call's argument list as written, between its parentheses."""
        func_end = self.node_span(call.func)
        whole = self.node_span(call)
        text = span_text(self.lines, Span(func_end.end_line, func_end.end_col, whole.end_line, whole.end_col))
        opening, closing = text.find("("), text.rfind(")")
        return text[opening + 1:closing] if 0 <= opening < closing else ""

    def snippet(self, choice, call: ast.Call) -> str:
        """The replacement with missing context names as snippet tab stops (`${1:user_id}`)."""
        marks: dict[str, str] = {}

        def mark(name: str, number: int) -> str:
            token = f"\x00{number}\x00"
            marks[token] = f"${{{number}:{name}}}"
            return token

        text = render(choice, self.argument_text, self.args_text(call), mark)
        text = text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")
        for token, stop in marks.items():
            text = text.replace(token, stop)
        return text

    def node_span(self, node: ast.AST) -> Span:
        lines = self.lines
        start_line = node.lineno - 1  # type: ignore[attr-defined]
        end_line = (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
        return Span(start_line, lines.utf8_to_col(start_line, node.col_offset),  # type: ignore[attr-defined]
                    end_line, lines.utf8_to_col(end_line, node.end_col_offset or 0))  # type: ignore[attr-defined]

    # -- shared helpers -----------------------------------------------------------------
    def drop_if_unused(self, binding: ImportedName, leaving: Reference) -> list[Edit]:
        """Remove the import of `binding` when `leaving` was its last use."""
        if binding.bound in self.analysis.dunder_all:
            return []
        if binding.statement.kind == "import" and binding.asname is None:
            uses = [r for r in self.analysis.references
                    if r.binding.statement.kind == "import" and r.binding.bound == binding.bound]
        else:
            uses = binding.references
        if any(use is not leaving for use in uses):
            return []
        return remove_name_edits(self.analysis, binding)

    def bound_to(self, target: str) -> Optional[str]:
        """A module-level name already bound to `target` (re-exports followed)."""
        for name, binding in self.analysis.module_scope.table.items():
            if binding is not None and self.same(binding.target, target) and binding.statement.kind == "from":
                return name
        return None

    def same(self, first: str, second: str) -> bool:
        return first == second or self.workspace.canonicalize(first) == self.workspace.canonicalize(second)

    def identifiers(self) -> set[str]:
        """Every name the file binds or reads (a new name must avoid all of them)."""
        if self._identifiers is None:
            self._identifiers = set(self.bindings()) | {
                node.id for node in ast.walk(self.analysis.tree) if isinstance(node, ast.Name)
            }
        return self._identifiers

    def binding_count(self, name: str) -> int:
        return self.bindings().get(name, 0)

    def bindings(self) -> dict[str, int]:
        """How often each name is bound anywhere in the file."""
        if self._bindings is None:
            counts: dict[str, int] = {}
            for node in ast.walk(self.analysis.tree):
                for bound in _bound_names(node):
                    counts[bound] = counts.get(bound, 0) + 1
            self._bindings = counts
        return self._bindings


def _bound_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        return [node.id]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [alias.asname or alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    if isinstance(node, ast.ExceptHandler) and node.name:
        return [node.name]
    return []
