"""Planning one fix: the edits that rewrite a violation without changing what the program does (SPEC §4, §12).

A `Planner` works over one full analysis of a document and plans each finding on demand.
Every plan obeys the safety rules of SPEC §12 or raises `NoFix` with the reason:
edits stay in the block of the statement they change; a name a fix introduces is bound
before its first use and collides with nothing any scope reads; every name the file bound
and still uses stays bound to the same object; module rules keep the local name the old
import bound; the modules a fix imports exist (workspace or environment). A call template
that reorders or duplicates argument expressions with possible side effects is planned but
marked unsafe. The gate in fixer.py re-checks each plan before it is applied.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, AbstractSet, Iterable, Optional

from .bindings import Analysis, ImportedName, ImportStatement, Reference, StringImport, node_span
from .edits import indentation, insert, joined, span_text
from .environment import Environment, default_environment
from .imports import (
    ImportSpec, append_name_edit, merge_target, module_references, module_rewrite_missing,
    new_statements_edit, parse_import_specs, provides, remove_name_edits, remove_statement_edits,
    rewritten_module, statements_for, wraps_imports,
)
from .model import Edit, Fix, Span, Violation
from .placement import Placement, word_lines
from .registry import Registry
from .source import Located, dominant_newline
from .templates import Argument, TemplateChoice, render, reorders_effects, template_names

if TYPE_CHECKING:
    from .engine import Checked, Finding


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class NoFix(Exception):
    """This violation cannot be fixed automatically here; the message says why."""


class Planner:
    """Plans the fix of any finding over one analysed text."""

    def __init__(self, text: str, checked: Checked, registry: Registry, environment: Optional[Environment] = None):
        if checked.analysis is None:
            raise NoFix("the document could not be analysed")
        self.text = text
        self.analysis: Analysis = checked.analysis
        self.lines = checked.analysis.lines
        self.registry = registry
        self.workspace = registry.workspace
        self.environment = environment or default_environment()
        self.newline = dominant_newline(text)
        self.facts = checked.analysis.facts  # per analysis: every planner of this text shares them
        self._binds: list[str] = []

    @property
    def placement(self) -> Placement:
        placement = self.facts.get("placement")
        if placement is None:
            placement = self.facts["placement"] = Placement(self.analysis.tree)
        return placement

    def plan(self, finding: Finding, *, snippets: bool = False) -> Fix:
        """The fix of one finding (raises NoFix with the reason when there is none)."""
        self._binds = []
        fix = self._plan(finding, snippets)
        return replace(fix, edits=joined(fix.edits), binds=tuple(dict.fromkeys(self._binds)))

    def _plan(self, finding: Finding, snippets: bool) -> Fix:
        if self.analysis.broken_lines:
            raise NoFix(f"the file does not parse (syntax error at line {self.analysis.broken_lines[0] + 1})")
        violation, rule, subject = finding.violation, finding.rule, finding.subject
        if violation.kind == "canonical" and finding.canonical and isinstance(subject, ImportedName):
            symbol = finding.canonical
            self.ensure_importable(symbol.module, symbol.name)
            edits = self.move_name(subject, symbol.module, symbol.name, rename=True)
            return Fix(violation, f"Import '{subject.name}' from '{symbol.module}'", tuple(edits))
        if rule is None:
            raise NoFix("no rule")
        if rule.kind == "module" and rule.replace:
            edits = self.module_fix(subject, violation, rule.name, rule.replace)
            return Fix(violation, f"Import from '{rule.replace}' instead", tuple(edits))
        if rule.kind == "symbol" and rule.replace and "." in rule.replace:
            module, name = rule.replace.rsplit(".", 1)
            self.ensure_importable(module, name, rule.name)
            return Fix(violation, f"Use '{rule.replace}'", tuple(self.symbol_fix(subject, violation, module, name)))
        if rule.kind == "call" and finding.choice is not None and isinstance(subject, Reference):
            return self.call_fix(finding, snippets)
        raise NoFix("the rule names no replacement")

    # -- does the new import work? ------------------------------------------------------
    def ensure_importable(self, module: str, name: Optional[str], old: Optional[str] = None) -> None:
        """Refuse a fix whose import would fail: the module (and name) must exist."""
        workspace = self.workspace
        exports = workspace.exports(module)
        if exports is not None:
            if name is not None and not provides(workspace, module, exports, name):
                raise NoFix(f"'{module}' does not provide '{name}'")
            return
        top = module.split(".")[0]
        if workspace.module_path(top) is not None:
            raise NoFix(f"'{module}' is not a module of this workspace")
        verdict = self.environment.provides(module, name)
        if verdict is False and self.environment_knows(top, old):
            what = f"'{module}.{name}'" if name else f"module '{module}'"
            raise NoFix(f"{what} does not exist in this Python environment")

    def environment_knows(self, top: str, old: Optional[str]) -> bool:
        """Whether this environment can judge imports of the project (SPEC §12).

        It can when it has the replacement's package, or the old import's package; an old
        import of a workspace module is known to work, so its replacement must be found too.
        An environment with neither (ssot-lsp installed on its own) cannot tell, and the fix
        is trusted.
        """
        if self.environment.has(top):
            return True
        if old is None:
            return False
        old_top = old.split(".")[0]
        return self.environment.has(old_top) or self.workspace.module_path(old_top) is not None

    # -- module rules -------------------------------------------------------------------
    def module_fix(self, subject: object, violation: Violation, old: str, new: str) -> list[Edit]:
        missing = module_rewrite_missing(self.workspace, self.analysis, subject, old, new)
        if missing:
            raise NoFix(f"'{new}' does not provide {', '.join(missing)}")
        if isinstance(subject, ImportStatement):
            if subject.module_span is None or subject.resolved is None or subject.star:
                raise NoFix("cannot rewrite this import")
            module = rewritten_module(subject.resolved, old, new)
            for imported in subject.names:
                if self.registry.named_rules(f"{subject.resolved}.{imported.name}", "symbol") is not None:
                    raise NoFix(f"'{imported.name}' has a rule of its own; fix that first")
                self.ensure_importable(module, imported.name, old)
                self._binds.append(imported.bound)
            return [Edit(subject.module_span, module)]
        if isinstance(subject, StringImport):
            literal = span_text(self.lines, subject.span)
            if subject.module not in literal:
                raise NoFix("the string is not written plainly")
            module = rewritten_module(subject.module, old, new)
            self.ensure_importable(module, None, old)
            return [Edit(subject.span, literal.replace(subject.module, module, 1))]
        if isinstance(subject, ImportedName) and subject.statement.kind == "import":
            return self.plain_import_fix(subject, old, new)
        if isinstance(subject, ImportedName) and subject.statement.resolved:
            qualname = rewritten_module(f"{subject.statement.resolved}.{subject.name}", old, new)
            parent, _, last = qualname.rpartition(".")
            if not parent:
                self.ensure_importable(last, None, old)
                item = last if last == subject.bound else f"{last} as {subject.bound}"
                return self.replace_name(subject, f"import {item}")
            self.ensure_importable(parent, last, old)
            return self.move_name(subject, parent, last, rename=False)
        if isinstance(subject, Reference):
            return self.module_reference_fix(subject, violation, old, new)
        raise NoFix("cannot rewrite this import")

    def plain_import_fix(self, imported: ImportedName, old: str, new: str) -> list[Edit]:
        """`import old[.x] [as y]`: keep the name the import bound (SPEC §12)."""
        module = rewritten_module(imported.name, old, new)
        self._binds.append(imported.bound)
        if imported.asname:
            self.ensure_importable(module, None, old)
            return [Edit(imported.span, module)]
        if "." not in imported.name:
            # `import mock` -> `from unittest import mock`; `import cPickle` -> `import pickle as cPickle`.
            parent, _, last = module.rpartition(".")
            if not parent:
                self.ensure_importable(module, None, old)
                return [Edit(imported.item_span, f"{module} as {imported.bound}")]
            self.ensure_importable(parent, last, old)
            item = last if last == imported.bound else f"{last} as {imported.bound}"
            return self.replace_name(imported, f"from {parent} import {item}")
        return self.dotted_import_fix(imported, module, old)

    def dotted_import_fix(self, imported: ImportedName, module: str, old: str) -> list[Edit]:
        """`import a.old.mod` binds `a`: rewrite it and its `a.old.mod.x` uses, keeping `a` bound."""
        self.ensure_importable(module, None, old)
        old_top, new_top = imported.bound, module.split(".")[0]
        depth = len(imported.name.split(".")) - 1
        through = list(module_references(self.analysis, imported))
        edits = []
        written, bound = module, new_top
        if new_top != old_top:
            edits += self.keep_parent_bound(imported, through)
            if self.top_name_taken(new_top):
                # `pkg` means something else here: bind the module under a fresh name instead.
                written = bound = self.fresh_name(module.rsplit(".", 1)[-1])
        self._binds.append(bound)
        edits.append(Edit(imported.span, module if written == module else f"{module} as {written}"))
        return edits + [Edit(reference.spans[depth], written) for reference in through]

    def top_name_taken(self, name: str) -> bool:
        """Whether the file binds or reads `name` as something other than the package of that name."""
        if self.word_count(name) == 0:
            return False
        return self.binding_count(name) != self.plain_import_count(name) or (
            self.plain_import_count(name) == 0 and self.is_identifier(name))

    def fresh_name(self, base: str) -> str:
        """`base`, or a variant of it, that no scope of the file binds or reads."""
        for candidate in (base, f"{base}_module", *(f"{base}_{n}" for n in range(2, 100))):
            if not self.is_identifier(candidate):
                return candidate
        raise NoFix(f"no free name for '{base}'")

    def keep_parent_bound(self, imported: ImportedName, through: list[Reference]) -> list[Edit]:
        """`import a.old.mod` also bound `a`: when other code still uses `a`, keep it bound (`import a`)."""
        old_top = imported.bound
        keeps_binding = any(
            other is not imported and other.statement.kind == "import" and other.asname is None
            and not self.placement.conditional(other.statement.node)
            for other in self.analysis.imported_as(old_top)
        )
        own = {id(reference) for reference in through}
        others = [r for other in self.analysis.imported_as(old_top)
                  if other.statement.kind == "import" and other.asname is None
                  for r in other.references if id(r) not in own]
        if keeps_binding or not others and self.load_count(old_top) == len(through):
            return []
        middle = imported.name.split(".")[1]
        if any(reference.parts[:1] == (middle,) for reference in others):
            raise NoFix(f"'{old_top}.{middle}' is still used; the rewritten import would not load it")
        self._binds.append(old_top)
        return [self.statement_after(imported.statement, f"import {old_top}")]

    def module_reference_fix(self, reference: Reference, violation: Violation, old: str, new: str) -> list[Edit]:
        """`six.moves.http_client.OK` through `import six`: import the new module and use its path."""
        depth = reference.spans.index(violation.span)
        module = rewritten_module(reference.qualname(depth), old, new)
        self.ensure_importable(module, None, old)
        return [Edit(reference.spans[depth], module)] + self.import_module_edits(module, reference.spans[0])

    def replace_name(self, imported: ImportedName, statement_text: str) -> list[Edit]:
        """Put `statement_text` in place of one name of an import, in the same block."""
        statement = imported.statement
        self._binds.append(imported.bound)
        if len(statement.names) == 1:
            return [Edit(statement.span, statement_text)]
        return remove_name_edits(self.analysis, imported) + [self.statement_after(statement, statement_text)]

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
        self._binds.append(bound)
        if statement.kind == "from" and statement.resolved == module:
            return edits + self.rewrite_name(imported, name, alias)  # same module: a one-name change
        target = self.block_merge_target(statement, module, imported.bound)
        if target is not None:
            if not any(other.bound == bound and other.name == name for other in target.names):
                edits.append(append_name_edit(self.lines, target, ImportSpec(module, name, alias).item,
                                              wraps_imports(self.analysis)))
            return edits + remove_name_edits(self.analysis, imported)
        if len(statement.names) == 1:
            return edits + self.rewrite_single(imported, module, name, alias)
        return edits + remove_name_edits(self.analysis, imported) + [
            self.statement_after(statement, f"from {module} import {ImportSpec(module, name, alias).item}")
        ]

    def block_merge_target(self, statement: ImportStatement, module: str, bound: str) -> Optional[ImportStatement]:
        """A `from module import ...` of the same block to join (SPEC §12: never across blocks).

        Joining moves the binding to the other statement: harmless only when nothing else binds
        the name anywhere in the file and, for a later statement, only imports lie in between.
        """
        if self.binding_count(bound) != 1:
            return None
        for candidate in self.analysis.imports:
            if candidate.kind != "from" or candidate.resolved != module or candidate.star \
                    or not candidate.names or candidate is statement \
                    or not self.placement.same_block(candidate.node, statement.node):
                continue
            if candidate.span.end_line < statement.span.start_line or \
                    self.placement.only_imports_between(statement.node, candidate.node):
                return candidate
        return None

    def new_binding(self, imported: ImportedName, name: str, rename: bool) -> tuple[Optional[str], list[Reference]]:
        """The alias the new import needs, and the references to rename (SPEC §11 collisions)."""
        if imported.asname:
            return (None if imported.asname == name else imported.asname), []
        if imported.name == name:
            return None, []
        old = imported.bound
        safe = rename and not self.is_identifier(name) and self.binding_count(old) == 1 \
            and old not in self.analysis.dunder_all \
            and self.load_count(old, at_most=len(imported.references)) <= len(imported.references)
        if safe:
            return None, list(imported.references)
        return old, []

    def rewrite_single(self, imported: ImportedName, module: str, name: str, alias: Optional[str]) -> list[Edit]:
        """The statement imports only this name: rewrite it in place, keeping its layout."""
        statement = imported.statement
        if statement.module_span is None:
            raise NoFix("cannot locate the module path")
        return [Edit(statement.module_span, module)] + self.rewrite_name(imported, name, alias)

    def rewrite_name(self, imported: ImportedName, name: str, alias: Optional[str]) -> list[Edit]:
        """`old [as x]` becomes `name [as alias]` where it stands."""
        edits = []
        if imported.alias_span is not None and alias is None:
            edits.append(Edit(Span(imported.span.start_line, imported.span.start_col,
                                   imported.alias_span.end_line, imported.alias_span.end_col), name))
        elif imported.alias_span is None and alias is not None:
            edits.append(Edit(imported.span, f"{name} as {alias}"))
        elif imported.name != name:
            edits.append(Edit(imported.span, name))
        return edits

    def statement_after(self, statement: ImportStatement, text: str) -> Edit:
        """A new statement on the line after `statement`, at its indentation (same block)."""
        indent = indentation(self.lines, statement.span.start_line)
        end = statement.span.end_line
        if self.lines.line(statement.span.end_line)[statement.span.end_col:].strip().startswith(";") \
                or self.lines.line(statement.span.start_line)[:statement.span.start_col].strip():
            raise NoFix("the import shares its line with another statement")
        if end + 1 < len(self.lines):
            return insert(end + 1, 0, indent + text + self.newline)
        return insert(end, len(self.lines.line(end)), self.newline + indent + text)

    def reference_fix(self, reference: Reference, depth: int, module: str, name: str) -> list[Edit]:
        """`mod.old` through a module object: use the replacement name, imported directly."""
        spec = ImportSpec(module, name)
        existing = self.usable_binding(spec, reference.spans[0])
        if existing is not None:
            edits = [Edit(reference.spans[depth], existing)]
        else:
            edits = [Edit(reference.spans[depth], name)] + self.new_import_edits([spec], reference.spans[0])
        return edits + self.drop_if_unused(reference.binding, reference)

    # -- call rules ---------------------------------------------------------------------
    def call_fix(self, finding: Finding, snippets: bool) -> Fix:
        reference = finding.subject
        choice = finding.choice
        rule = finding.rule
        assert isinstance(reference, Reference) and reference.call is not None  # call rules match calls only
        assert choice is not None and rule is not None
        call = reference.call
        plain = render(choice, self.argument_text, self.args_text(call.node))
        try:
            ast.parse(plain.strip(), mode="eval")
        except SyntaxError:
            raise NoFix("the template does not render to an expression") from None
        # Names the replacement itself reads; the arguments' names are bound already.
        used = template_names(choice.template) | set(choice.context)
        needed = []
        for spec in self.template_specs(rule.imports, used):
            self.ensure_importable(spec.module, spec.name)
            if self.usable_binding(spec, call.span) is None:
                needed.append(spec)
        # The replacement may use the very name the old callee came through (`lib.old()` -> `lib.new()`).
        removed = [] if reference.binding.bound in used else self.drop_if_unused(reference.binding, reference)
        edits = [Edit(call.span, self.snippet(choice, call.node) if snippets and choice.missing else plain)]
        edits += self.new_import_edits(needed, call.span, exclude=[reference.binding.statement] if removed else [])
        edits += removed
        callee = choice.callee
        title = f"Replace with {callee}(...)" + (f" (fill in {', '.join(choice.missing)})" if choice.missing else "")
        unsafe = reorders_effects(choice, call.node)
        if unsafe:
            title += " (unsafe: changes the order in which arguments are evaluated)"
        return Fix(finding.violation, title, tuple(edits), manual=bool(choice.missing), missing=choice.missing,
                   unsafe=unsafe)

    @staticmethod
    def template_specs(statements: Iterable[str], used: AbstractSet[str]) -> list[ImportSpec]:
        return [spec for statement in statements for spec in parse_import_specs(statement) if spec.bound in used]

    def argument_text(self, argument: Argument) -> str:
        return span_text(self.lines, self.node_span(argument.node))

    def args_text(self, call: ast.Call) -> str:
        """The call's argument list as written, between its parentheses."""
        func_end = self.node_span(call.func)
        whole = self.node_span(call)
        text = span_text(self.lines, Span(func_end.end_line, func_end.end_col, whole.end_line, whole.end_col))
        opening, closing = text.find("("), text.rfind(")")
        return text[opening + 1:closing] if 0 <= opening < closing else ""

    def snippet(self, choice: TemplateChoice, call: ast.Call) -> str:
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

    def node_span(self, node: Located) -> Span:
        return node_span(self.lines, node)

    # -- names a fix introduces -------------------------------------------------------------
    def usable_binding(self, spec: ImportSpec, site: Span) -> Optional[str]:
        """A name already bound to `spec`'s object wherever `site` runs (SPEC §12: bound before use)."""
        site_scope = self.placement.scope_at(site.start_line, site.start_col)
        site_top = self.placement.top_index(site.start_line)
        for statement in self.analysis.imports:
            if statement.kind != spec_kind(spec) or self.placement.conditional(statement.node):
                continue
            for imported in statement.names:
                if not self.same(imported.target, spec.target) or (spec.name is None and imported.name != spec.module):
                    continue
                if self.binding_count(imported.bound) != self.import_count(imported.bound, imported.target):
                    continue
                if statement.top_level:
                    if self.placement.top_index(statement.span.end_line) < site_top or (
                            site_scope.kind == "module" and statement.span.end_line < site.start_line):
                        return imported.bound
                elif self.placement.scope_at(statement.span.start_line, statement.span.start_col) is site_scope \
                        and statement.span.end_line < site.start_line:
                    return imported.bound
        return None

    def new_import_edits(self, specs: list[ImportSpec], site: Span, exclude: Iterable[ImportStatement] = ()) -> list[Edit]:
        """Module-level imports binding `specs` before the top-level statement that holds `site`."""
        if not specs:
            return []
        site_scope = self.placement.scope_at(site.start_line, site.start_col)
        for spec in specs:
            if self.word_count(spec.bound) != 0 and not self.placement.module_name_free(spec.bound, site_scope):
                raise NoFix(f"'{spec.bound}' already means something else here")
        return self.place_imports(specs, site, exclude)

    def import_module_edits(self, module: str, site: Span) -> list[Edit]:
        """`import a.b` available at `site`: reuse one, or add one if `a` is free or names that package."""
        spec = ImportSpec(module)
        if self.usable_binding(spec, site) is not None:
            return []
        top = module.split(".")[0]
        if self.binding_count(top) != self.plain_import_count(top):
            raise NoFix(f"'{top}' already names something else in this file")
        if self.binding_count(top) == 0:
            site_scope = self.placement.scope_at(site.start_line, site.start_col)
            if not self.placement.module_name_free(top, site_scope):
                raise NoFix(f"'{top}' already means something else here")
        return self.place_imports([spec], site, ())

    def place_imports(self, specs: list[ImportSpec], site: Span, exclude: Iterable[ImportStatement]) -> list[Edit]:
        """Merge into an earlier top-level `from X import` or add statements, all before the site."""
        excluded = {id(statement) for statement in exclude}
        limit = self.placement.top_index(site.start_line)
        body = self.analysis.tree.body
        edits: list[Edit] = []
        fresh: dict[str, list[ImportSpec]] = {}
        for spec in dict.fromkeys(specs):
            self._binds.append(spec.bound)
            target = None
            if spec.name:
                target = merge_target(self.analysis, spec.module, self.analysis.module_scope, excluded,
                                      top_level_before=limit)
            if target is not None and self.binding_count(spec.bound) == 0:
                edits.append(append_name_edit(self.lines, target, spec.item, wraps_imports(self.analysis)))
            else:
                fresh.setdefault(spec.module if spec.name else f"import {spec.module}", []).append(spec)
        for statement in statements_for(fresh):  # each joins its own section
            edits.append(new_statements_edit(self.lines, self.analysis, [statement], self.newline, excluded,
                                             before=body[limit] if body else None, workspace=self.workspace))
        return edits

    def drop_if_unused(self, binding: ImportedName, leaving: Reference) -> list[Edit]:
        """Remove the import of `binding` when `leaving` was its last use and removing it is safe.

        An import in a conditional block (`try`/`except ImportError`, `if`) stays: removing it
        would change which branch runs or empty a block a fallback depends on (SPEC §12).
        """
        if binding.bound in self.analysis.dunder_all or self.placement.conditional(binding.statement.node):
            return []
        if binding.statement.kind == "import" and binding.asname is None:
            uses = [r for other in self.analysis.imported_as(binding.bound) if other.statement.kind == "import"
                    for r in other.references]
        else:
            uses = binding.references
        if any(use is not leaving for use in uses) or self.load_count(binding.bound, at_most=len(uses)) > len(uses):
            return []
        return remove_name_edits(self.analysis, binding)

    def left_unused(self, used_before: set[tuple[str, str]]) -> tuple[list[Edit], bool]:
        """Removals of imports that were used before fixing and no longer are, and whether more may follow.

        Fixes applied together each see the others' uses, so none of them removes an import
        they leave unused together; this pass does, for imports in unconditional blocks only.
        A statement loses all its names at once, or one name per pass (their edits would touch).
        """
        edits: list[Edit] = []
        more = False
        for statement in self.analysis.imports:
            if self.placement.conditional(statement.node):
                continue
            unused = [imported for imported in statement.names
                      if (imported.bound, imported.target) in used_before and not imported.references
                      and self.load_count(imported.bound) == 0 and imported.bound not in self.analysis.dunder_all]
            if unused and len(unused) == len(statement.names):
                edits += remove_statement_edits(self.analysis, statement)
            elif unused:
                edits += remove_name_edits(self.analysis, unused[0])
                more = more or len(unused) > 1
        return edits, more

    # -- facts about the file -------------------------------------------------------------
    def same(self, first: str, second: str) -> bool:
        return first == second or self.workspace.canonicalize(first) == self.workspace.canonicalize(second)

    def is_identifier(self, name: str) -> bool:
        """Whether any scope of the file binds or reads `name` (a renamed name must avoid all of them)."""
        return self.word_count(name) != 0 and sum(self.name_counts(name)) > 0

    def binding_count(self, name: str) -> int:
        if self.word_count(name) == 0:
            return 0
        return self.name_counts(name)[0]

    def load_count(self, name: str, at_most: Optional[int] = None) -> int:
        """How many times the file reads `name` (any scope); exact, or known to be ≤ `at_most`.

        The words of the text bound the reads (each import binding the name accounts for one
        word): when that bound settles the question, the tree is not walked.
        """
        words = self.word_count(name)
        if words is not None:
            upper = words - len(self.analysis.imported_as(name))
            if upper <= 0 or (at_most is not None and upper <= at_most):
                return max(upper, 0)
        return self.name_counts(name)[1]

    def name_counts(self, name: str) -> tuple[int, int]:
        """How many times the file binds and reads `name`, walking only the statements that mention it."""
        known: dict[str, tuple[int, int]] = self.facts.setdefault("name counts", {})
        counts = known.get(name)
        if counts is None:
            counts = known[name] = self.placement.counts(name, self.word_lines(name))
        return counts

    def word_lines(self, name: str) -> Optional[list[int]]:
        """The 1-based lines on which `name` is written as a word; None when the text is not ASCII."""
        if self.word_count(name) is None:
            return None
        return word_lines(self.text, self.lines.starts, name)

    def word_count(self, name: str) -> Optional[int]:
        """How often `name` appears as a word in the text (strings, comments and attributes too).

        An upper bound of its reads and bindings, found without walking the tree; None when
        the text is not ASCII (identifiers are NFKC-normalised, so words may hide there).
        """
        if "words" not in self.facts:
            self.facts["words"] = Counter(_WORD.findall(self.text)) if self.text.isascii() else None
        words = self.facts["words"]
        return None if words is None else words.get(name, 0)

    def import_count(self, bound: str, target: str) -> int:
        return sum(1 for imported in self.analysis.imported_as(bound) if self.same(imported.target, target))

    def plain_import_count(self, bound: str) -> int:
        return sum(1 for imported in self.analysis.imported_as(bound)
                   if imported.statement.kind == "import" and imported.asname is None)



def spec_kind(spec: ImportSpec) -> str:
    return "from" if spec.name else "import"
