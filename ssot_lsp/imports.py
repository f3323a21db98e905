"""The one import planner: add, merge and remove import names with minimal edits (SPEC §4, §11).

Every fix and the editor's auto-import go through here, so imports are placed the same
way everywhere: a name joins an existing `from <module> import ...` of its module (new
names appended, the statement's layout kept), otherwise a new statement goes after the
file's last top-level import (after the docstring when there is none). Removing a name
takes its comma with it; removing the last name removes the statement (its whole line
when it has one to itself, `pass` when it was the only statement of a block).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from typing import AbstractSet, Iterable, Iterator, Optional, Sequence

from .bindings import Analysis, ImportedName, ImportStatement, Reference, Scope
from .edits import delete, indentation, insert, span_text
from .exports import Exports
from .model import Edit, Span
from .modules import Workspace
from .source import LineIndex, dominant_newline


_STANDARD_NAMES = frozenset(getattr(sys, "stdlib_module_names", ()) or (
    "abc", "argparse", "ast", "asyncio", "base64", "collections", "configparser", "contextlib", "copy", "csv",
    "dataclasses", "datetime", "decimal", "email", "enum", "functools", "glob", "hashlib", "html", "http",
    "importlib", "inspect", "io", "itertools", "json", "logging", "math", "operator", "os", "pathlib",
    "pickle", "queue", "random", "re", "secrets", "shutil", "socket", "sqlite3", "string", "struct",
    "subprocess", "sys", "tempfile", "textwrap", "threading", "time", "typing", "unittest", "urllib",
    "uuid", "warnings", "weakref", "xml", "zipfile",
))  # Python 3.9 has no sys.stdlib_module_names: its most used modules


@dataclass(frozen=True)
class ImportSpec:
    """What one import name brings in: `import module [as asname]` or `from module import name`."""

    module: str
    name: Optional[str] = None
    asname: Optional[str] = None

    @property
    def bound(self) -> str:
        """The name the import binds."""
        if self.asname:
            return self.asname
        return self.name if self.name else self.module.split(".")[0]

    @property
    def target(self) -> str:
        """The qualified name the bound name refers to."""
        if self.name:
            return f"{self.module}.{self.name}"
        return self.module if self.asname else self.bound

    @property
    def item(self) -> str:
        text = self.name or self.module
        return f"{text} as {self.asname}" if self.asname and self.asname != text else text


def parse_import_specs(statement: str) -> list[ImportSpec]:
    """The names an import statement (as written in a rule's `imports`) brings in."""
    try:
        tree = ast.parse(statement.strip())
    except SyntaxError:
        return []
    specs = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            specs += [ImportSpec(alias.name, None, alias.asname) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            specs += [ImportSpec(node.module, alias.name, alias.asname) for alias in node.names if alias.name != "*"]
    return specs


def add_import_edits(text: str, analysis: Analysis, module: str, name: Optional[str],
                     asname: Optional[str] = None, *, workspace: Optional[Workspace] = None) -> list[Edit]:
    """Edits that make `name` from `module` (or `module` itself) importable at module level."""
    return plan_imports(text, analysis, [ImportSpec(module, name, asname)], workspace=workspace)


def plan_imports(text: str, analysis: Analysis, specs: Sequence[ImportSpec], *,
                 workspace: Optional[Workspace] = None, exclude: Iterable[ImportStatement] = ()) -> list[Edit]:
    """Edits adding every spec not already imported; `exclude` lists statements being removed."""
    lines = analysis.lines
    excluded = {id(statement) for statement in exclude}
    newline = dominant_newline(text)
    edits: list[Edit] = []
    fresh: dict[str, list[ImportSpec]] = {}
    for spec in dict.fromkeys(specs):
        if already_imported(analysis, spec, workspace):
            continue
        target = merge_target(analysis, spec.module, analysis.module_scope, excluded) if spec.name else None
        if target is not None:
            edits.append(append_name_edit(lines, target, spec.item))
        else:
            fresh.setdefault(spec.module if spec.name else f"import {spec.module}", []).append(spec)
    statements = statements_for(fresh)
    if statements:
        edits.append(new_statements_edit(lines, analysis, statements, newline, excluded))
    return edits


def statements_for(fresh: dict[str, list[ImportSpec]]) -> list[str]:
    """One `from M import a, b` per module, one `import m` per plain import."""
    statements = []
    for group in fresh.values():
        if group[0].name:
            statements.append(f"from {group[0].module} import {', '.join(spec.item for spec in group)}")
        else:
            statements += [f"import {spec.item}" for spec in group]
    return statements


def already_imported(analysis: Analysis, spec: ImportSpec, workspace: Optional[Workspace] = None) -> bool:
    """Whether the module scope already binds `spec.bound` to the same object."""
    binding = analysis.module_scope.table.get(spec.bound)
    if binding is None:
        return False
    if binding.target == spec.target:
        return True
    if spec.name is None or workspace is None:
        return False
    return workspace.canonicalize(binding.target) == workspace.canonicalize(spec.target)


def merge_target(analysis: Analysis, module: str, scope: Scope, excluded: AbstractSet[int] = frozenset(),
                 top_level_before: Optional[int] = None) -> Optional[ImportStatement]:
    """An existing `from module import ...` in `scope` to add a name to (top-level ones first).

    With `top_level_before`, only a statement of the module body itself (not inside `try`,
    `if` or a function) that comes before the body's statement of that index qualifies: a
    name added there is bound, unconditionally, before the code that needs it (SPEC §12).
    """
    candidates = [
        s for s in analysis.imports
        if s.kind == "from" and s.scope is scope and s.resolved == module and not s.star and s.names
        and id(s) not in excluded
    ]
    position = {id(node): index for index, node in enumerate(analysis.tree.body)}
    if top_level_before is not None:
        candidates = [s for s in candidates if position.get(id(s.node), top_level_before) < top_level_before]
    candidates.sort(key=lambda s: id(s.node) not in position)
    return candidates[0] if candidates else None


def line_limit(lines: LineIndex) -> int:
    """The longest line the file already has (at least PEP 8's 79): new imports stay within it."""
    return max(79, lines.longest)


def parenthesized(items: list[str], indent: str, newline: str) -> str:
    """Names in parentheses, one per line with a trailing comma, as formatters wrap them."""
    return "(" + "".join(f"{newline}{indent}    {item}," for item in items) + f"{newline}{indent})"


def wraps_imports(analysis: Analysis) -> bool:
    """Whether the file writes some import over several lines in parentheses (then so do fixes)."""
    return any(s.parenthesized and s.span.end_line > s.span.start_line for s in analysis.imports)


def append_name_edit(lines: LineIndex, statement: ImportStatement, item: str, wrap: bool = False) -> Edit:
    """Append `item` to a statement's names, following its layout (one per line, trailing comma).

    With `wrap` (the file wraps its imports), a one-line statement that would grow past the
    file's longest line is wrapped in parentheses, one name per line, as formatters do.
    """
    last = statement.names[-1].item_span
    first = statement.names[0].item_span
    if wrap and not statement.parenthesized and first.start_line == last.end_line == statement.span.end_line \
            and len(lines.line(last.end_line)) + len(item) + 2 > line_limit(lines):
        indent = indentation(lines, statement.span.start_line)
        newline = lines.line_ending(last.end_line) or "\n"
        items = [span_text(lines, name.item_span) for name in statement.names] + [item]
        return Edit(Span(first.start_line, first.start_col, last.end_line, last.end_col),
                    parenthesized(items, indent, newline))
    newline = lines.line_ending(last.end_line) or "\n"
    multiline = statement.parenthesized and statement.span.end_line > last.end_line
    indent = indentation(lines, last.end_line)
    comma = _trailing_comma(lines, last, statement.span)
    if comma is not None:
        text = f"{newline}{indent}{item}," if multiline else f" {item},"
        return insert(comma[0], comma[1], text)
    text = f",{newline}{indent}{item}" if multiline else f", {item}"
    return insert(last.end_line, last.end_col, text)


def _trailing_comma(lines: LineIndex, last: Span, statement: Span) -> Optional[tuple[int, int]]:
    """Position just after a comma following the last name, if there is one."""
    offset = lines.offset(last.end_line, last.end_col)
    end = lines.offset(statement.end_line, statement.end_col)
    while offset < end and lines.text[offset] in " \t\r\n\\":
        offset += 1
    if offset < end and lines.text[offset] == ",":
        return lines.position(offset + 1)
    return None


def import_group(module: str, workspace: Optional[Workspace]) -> int:
    """isort's sections: 0 `__future__`, 1 standard library, 2 third party, 3 first party."""
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    if top in _STANDARD_NAMES or top in sys.builtin_module_names:
        return 1
    if workspace is not None and workspace.module_path(top) is not None:
        return 3
    return 2


def statement_module(statement: ImportStatement) -> str:
    return statement.resolved or (statement.names[0].name if statement.names else "") or ""


def wrapped(statement: str, limit: int, newline: str) -> str:
    """`from m import a, b` wrapped in parentheses, one name per line, when longer than `limit`."""
    if len(statement) <= limit or not statement.startswith("from ") or " import " not in statement:
        return statement
    head, names = statement.split(" import ", 1)
    return f"{head} import " + parenthesized([name.strip() for name in names.split(",")], "", newline)


def new_statements_edit(lines: LineIndex, analysis: Analysis, statements: list[str], newline: str,
                        excluded: AbstractSet[int] = frozenset(), before: Optional[ast.stmt] = None,
                        workspace: Optional[Workspace] = None) -> Edit:
    """Insert statements after the last top-level import, else after the docstring.

    `before` (a statement of the module body) bounds the search: the new statements go
    after the last top-level import that precedes it, so they run before it does. With a
    `workspace`, they join their section (standard library, third party, first party):
    after the last import of that section, or of an earlier one.
    """
    limit = line_limit(lines) if wraps_imports(analysis) else 1 << 30
    block = newline.join(wrapped(statement, limit, newline) for statement in statements)
    body = analysis.tree.body
    if before is not None and any(node is before for node in body):
        limit = next(index for index, node in enumerate(body) if node is before)
        if not (limit == 0 and _is_docstring(before)):
            body = body[:limit] if limit else [before]
    by_node = {id(s.node): s for s in analysis.imports}
    anchors = [by_node[id(node)] for node in body if id(node) in by_node]
    if anchors and workspace is not None and statements:
        group = import_group(statements[0].split()[1], workspace)
        groups = [import_group(statement_module(a), workspace) for a in anchors]
        if group not in groups and any(g > group for g in groups) and not any(0 < g < group for g in groups):
            later = anchors[next(i for i, g in enumerate(groups) if g > group)]
            if id(later) not in excluded:
                return insert(later.span.start_line, 0, block + newline)
        same_or_earlier = [a for a, g in zip(anchors, groups) if g <= group]
        if same_or_earlier:
            anchors = same_or_earlier
    if anchors:
        last = anchors[-1]
        if id(last) in excluded:
            # The last import is being removed: its replacement takes its place.
            return insert(last.span.start_line, 0, block + newline)
        return _insert_after_line(lines, last.span.end_line, block, newline)
    if body and _is_docstring(body[0]):
        end_line = (body[0].end_lineno or body[0].lineno) - 1
        return _insert_after_line(lines, end_line, newline + block, newline)
    if body:
        first = min([body[0].lineno, *(d.lineno for d in getattr(body[0], "decorator_list", ()))]) - 1
        return insert(first, 0, block + newline + newline)
    last_line = len(lines) - 1
    prefix = newline if lines.line(last_line) else ""
    return insert(last_line, len(lines.line(last_line)), prefix + block + newline)


def _insert_after_line(lines: LineIndex, line: int, block: str, newline: str) -> Edit:
    if line + 1 < len(lines):
        return insert(line + 1, 0, block + newline)
    return insert(line, len(lines.line(line)), newline + block)


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


# -- removal ----------------------------------------------------------------------------
def remove_name_edits(analysis: Analysis, imported: ImportedName) -> list[Edit]:
    """Remove one name from its statement, or the statement when it is the only name."""
    statement = imported.statement
    names = statement.names
    if len(names) == 1:
        return remove_statement_edits(analysis, statement)
    index = names.index(imported)
    item = imported.item_span
    own_lines = _own_lines(analysis.lines, item)
    if own_lines is not None:
        return [delete(own_lines)]
    if index + 1 < len(names):
        following = names[index + 1].item_span
        return [delete(Span(item.start_line, item.start_col, following.start_line, following.start_col))]
    previous = names[index - 1].item_span
    return [delete(Span(previous.end_line, previous.end_col, item.end_line, item.end_col))]


def _own_lines(lines: LineIndex, item: Span) -> Optional[Span]:
    """The whole lines of a name written on lines of its own (`    name,  # comment`)."""
    before = lines.line(item.start_line)[: item.start_col]
    after = lines.line(item.end_line)[item.end_col:].lstrip()
    if before.strip() or not (after == "" or after == "," or after.startswith(("#", ",#", ", #", ",  #"))):
        return None
    if item.end_line + 1 >= len(lines) or not lines.line(item.end_line + 1).strip():
        return None
    return Span(item.start_line, 0, item.end_line + 1, 0)


def remove_statement_edits(analysis: Analysis, statement: ImportStatement) -> list[Edit]:
    """Remove a whole statement, tidily: its lines, its `;`, or `pass` in its place."""
    lines = analysis.lines
    span = statement.span
    before = lines.line(span.start_line)[: span.start_col]
    after = lines.line(span.end_line)[span.end_col:]
    if before.strip():
        # `x = 1; import a`: take the `;` before the statement with it.
        semicolon = before.rstrip().rstrip(";")
        return [delete(Span(span.start_line, len(semicolon.rstrip()), span.end_line, span.end_col))]
    if after.strip().startswith(";"):
        rest = after.strip()[1:].lstrip()
        return [delete(Span(span.start_line, span.start_col, span.end_line, len(lines.line(span.end_line)) - len(rest)))]
    if _only_statement_of_block(analysis.tree, statement.node):
        return [Edit(span, "pass")]
    if span.end_line + 1 < len(lines):
        end = span.end_line + 1
        if _blank(lines, end) and end + 1 < len(lines) and _opens_gap(lines, span.start_line - 1):
            end += 1  # no double blank line, nor a blank first line of a block
        return [delete(Span(span.start_line, 0, end, 0))]
    return [delete(Span(span.start_line, 0, span.end_line, len(lines.line(span.end_line))))]


def _blank(lines: LineIndex, line: int) -> bool:
    return not lines.line(line).strip()


def _opens_gap(lines: LineIndex, line: int) -> bool:
    """Whether the line above a removed statement opens a block."""
    return line >= 0 and lines.line(line).split("#", 1)[0].rstrip().endswith(":")


def _only_statement_of_block(tree: ast.Module, node: ast.stmt) -> bool:
    for parent in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and block and any(child is node for child in block):
                return len(block) == 1 and not isinstance(parent, ast.Module)
    return False


# -- module rewrites -----------------------------------------------------------------------
def provides(workspace: Workspace, module: str, exports: Exports, name: str) -> bool:
    """Whether `from module import name` would work, as far as the workspace can tell."""
    if name in exports.names or workspace.module_path(f"{module}.{name}") is not None:
        return True
    return any(name in inner.names for inner in filter(None, map(workspace.exports, exports.stars)))


def rewritten_module(module: str, old_prefix: str, new_prefix: str) -> str:
    return new_prefix + module[len(old_prefix):]


def module_rewrite_missing(workspace: Workspace, analysis: Analysis, subject: object,
                           old_prefix: str, new_prefix: str) -> list[str]:
    """Names the import uses that the rewritten module would not provide (empty: safe).

    A replacement outside the workspace cannot be read, so it is trusted; a workspace
    replacement must bind every name the old import pulls in.
    """
    if workspace.module_path(new_prefix) is None and workspace.exports(new_prefix) is None:
        return []
    if isinstance(subject, ImportStatement):
        if subject.resolved is None:
            return ["<unresolved>"]
        module = rewritten_module(subject.resolved, old_prefix, new_prefix)
        return _missing(workspace, module, [n.name for n in subject.names])
    if isinstance(subject, ImportedName) and subject.statement.kind == "import":
        module = rewritten_module(subject.name, old_prefix, new_prefix)
        return _missing(workspace, module, list(_attributes_used(analysis, subject)))
    if isinstance(subject, ImportedName) and subject.statement.resolved:
        qualname = rewritten_module(f"{subject.statement.resolved}.{subject.name}", old_prefix, new_prefix)
        parent, _, last = qualname.rpartition(".")
        return _missing(workspace, parent, [last]) if parent else [qualname]
    return []


def _missing(workspace: Workspace, module: str, names: list[str]) -> list[str]:
    exports = workspace.exports(module)
    if exports is None:
        return [module]
    return [name for name in names if not provides(workspace, module, exports, name)]


def _attributes_used(analysis: Analysis, imported: ImportedName) -> Iterable[str]:
    """Attributes read from the module that `import a.b.c [as x]` brings in."""
    if imported.asname:
        for reference in imported.references:
            if reference.parts:
                yield reference.parts[0]
        return
    depth = len(imported.name.split(".")) - 1
    for reference in module_references(analysis, imported):
        if len(reference.parts) > depth:
            yield reference.parts[depth]


def module_references(analysis: Analysis, imported: ImportedName) -> Iterator[Reference]:
    """References through `a.b.c` of an unaliased `import a.b.c` (whichever import bound `a`)."""
    prefix = tuple(imported.name.split(".")[1:])
    for reference in analysis.references:
        binding = reference.binding
        if binding.statement.kind == "import" and binding.asname is None and binding.bound == imported.bound \
                and reference.parts[: len(prefix)] == prefix:
            yield reference


def statement_text(lines: LineIndex, statement: ImportStatement) -> str:
    return span_text(lines, statement.span)
