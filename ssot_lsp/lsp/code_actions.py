"""Code actions: a quick fix per diagnostic, fix-all, and "Ignore RULE on this line" (SPEC §5).

The fix rides on the diagnostic: its `data` holds the rule id, the span and the document
version, so the action finds its violation without searching. A quick fix plans and gates
only the violation asked about, on the engine thread (the event loop keeps answering hover
and completion), once per document version. Unsafe fixes (SPEC §12) are offered but never
preferred, and fix-all leaves them out. Fix-all is computed in `codeAction/resolve` when the
client can resolve edits lazily. Every quick fix and ignore action carries the diagnostics
it addresses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Optional, Sequence

from lsprotocol import types

from ..model import Edit, Fix, Span, Violation
from ..source import LineIndex
from ..suppress import ignore_comment_edit
from . import convert
from .diagnostics import current_result
from .documents import Result
from .server import position_guard

if TYPE_CHECKING:
    from .server import SsotServer

FIX_ALL_KIND = "source.fixAll.ssot"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL_KIND, "refactor.ssot.addRule"]


def register(server: "SsotServer") -> None:
    options = types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=True)
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)(position_guard(text_document_code_action))
    server.feature(types.CODE_ACTION_RESOLVE)(code_action_resolve)


async def text_document_code_action(ls: "SsotServer", params: types.CodeActionParams
                                   ) -> Optional[list[types.CodeAction]]:
    uri = params.text_document.uri
    result = await current_result(ls, uri)
    if result is None or result.registry is None:
        return None
    requested = convert.engine_span(result.lines, params.range, ls.encoding)
    actions: list[types.CodeAction] = []
    if _wanted(params.context.only, types.CodeActionKind.QuickFix):
        pairs = _addressed(ls, result, params, requested)
        if pairs:
            actions.extend(await ls.run_engine(_quick_fix_actions, ls, uri, result, pairs))
    if _wanted(params.context.only, FIX_ALL_KIND) and any(v.fix == "auto" for v in result.violations):
        actions.append(_fix_all_action(ls, uri, result))
    if _wanted(params.context.only, "refactor.ssot.addRule") and ls.path_of(uri) is not None:
        from .infer_actions import add_rule_actions  # on a deprecated definition (SPEC §13)

        actions.extend(await ls.run_engine(add_rule_actions, ls, ls.path_of(uri), result, requested.start_line))
    return actions


async def code_action_resolve(ls: "SsotServer", action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    if data.get("fixAll") and action.edit is None:
        result = await current_result(ls, data.get("uri", ""))
        if result is not None and result.registry is not None:
            action.edit = await _fix_all_edit(ls, data["uri"], result)
    return action


# -- which violations a request is about -----------------------------------------------
def _wanted(only: Optional[Sequence[str]], kind: str) -> bool:
    return not only or any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def _addressed(ls: "SsotServer", result: Result, params: types.CodeActionParams,
               requested: Span) -> list[tuple[Violation, types.Diagnostic]]:
    """Violations with the diagnostic to attach: the client's own when it sent them."""
    pairs: list[tuple[Violation, types.Diagnostic]] = []
    seen: set[int] = set()
    for diagnostic in params.context.diagnostics:
        violation = _violation_for(result, diagnostic)
        if violation is not None and id(violation) not in seen:
            seen.add(id(violation))
            pairs.append((violation, diagnostic))
    if not params.context.diagnostics:
        for violation in result.violations:
            if _touches(violation.span, requested):
                pairs.append((violation, convert.diagnostic(violation, result.lines, ls.encoding, result.version)))
    return pairs


def _violation_for(result: Result, diagnostic: types.Diagnostic) -> Optional[Violation]:
    data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
    span = convert.span_from_data(data.get("span"))
    if span is not None and data.get("version") == result.version:
        for violation in result.violations:
            if violation.span == span and violation.code == data.get("code"):
                return violation
    # Some clients echo columns in other units (Neovim 0.7: bytes): match rule and line.
    for violation in result.violations:
        if violation.code == diagnostic.code and violation.span.start_line == diagnostic.range.start.line:
            return violation
    return None


def _touches(span: Span, requested: Span) -> bool:
    return span.overlaps(requested) or span.contains(requested.start_line, requested.start_col)


# -- quick fixes -----------------------------------------------------------------------
def _quick_fix_actions(ls: "SsotServer", uri: str, result: Result,
                       pairs: list[tuple[Violation, types.Diagnostic]]) -> list[types.CodeAction]:
    """The quick fixes of the violations asked about (runs on the engine thread)."""
    return [action for violation, diagnostic in pairs
            for action in _quick_fixes(ls, uri, result, violation, diagnostic)]


def _quick_fixes(ls: "SsotServer", uri: str, result: Result, violation: Violation,
                 diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    actions = []
    fix = _fix_for(ls, result, violation)
    if fix is not None:
        snippets = _snippet_mode(ls) if fix.manual else ""
        suffix = " (fill in the arguments)" if fix.manual else ""
        actions.append(types.CodeAction(
            title=fix.title + suffix,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            is_preferred=fix.automatic and not fix.unsafe,
            edit=_edit(ls, uri, result, fix.edits, snippets),
        ))
    ignore = ignore_comment_edit(result.lines, violation.code, violation.statement_line, violation.span.start_line)
    if ignore is not None:
        line, start, end, text = ignore
        actions.append(types.CodeAction(
            title=f"Ignore {violation.code} on this line",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            edit=_edit(ls, uri, result, [Edit(Span(line, start, line, end), text)]),
        ))
    return actions


def _fix_for(ls: "SsotServer", result: Result, violation: Violation) -> Optional[Fix]:
    """The gated fix of one violation, planned once per document version and snippet mode."""
    snippets = violation.fix == "manual" and bool(_snippet_mode(ls))
    if result.fixes is None:
        result.fixes = {}
    cache = result.fixes
    key = (violation.code, violation.span, snippets)
    if key not in cache:
        from ..fixer import plan_fix

        finding = next((f for f in result.checked.findings if f.violation is violation), None)
        cache[key] = None if finding is None or result.registry is None else \
            plan_fix(result.text, result.checked, result.registry, finding, snippets=snippets)[0]
    return cache[key]


def _snippet_mode(ls: "SsotServer") -> str:
    if ls.supports("workspace.workspace_edit.snippet_edit_support", False):
        return "lsp"
    experimental = ls.supports("experimental")
    if isinstance(experimental, dict) and experimental.get("snippetTextEdit"):
        return "experimental"
    return ""


def _edit(ls: "SsotServer", uri: str, result: Result, edits: Iterable[Edit], snippets: str = "") -> types.WorkspaceEdit:
    return convert.workspace_edit(
        uri, result.version, result.lines, edits, ls.encoding,
        document_changes=bool(ls.supports("workspace.workspace_edit.document_changes", False)),
        snippets=snippets)


# -- fix all ---------------------------------------------------------------------------
def _fix_all_action(ls: "SsotServer", uri: str, result: Result) -> types.CodeAction:
    action = types.CodeAction(title="Fix all ssot violations", kind=FIX_ALL_KIND,
                              data={"fixAll": True, "uri": uri, "version": result.version})
    properties = ls.supports("text_document.code_action.resolve_support.properties", []) or []
    if "edit" not in properties:
        action.edit = _fix_all_edit_now(ls, uri, result)
    return action


async def _fix_all_edit(ls: "SsotServer", uri: str, result: Result) -> types.WorkspaceEdit:
    """Fix-all in the helper process (the event loop keeps answering), else on the engine thread."""
    path = ls.path_of(uri)
    fixed = await ls.fix_helper.fix(path, result.text, dict(ls.configs.overlays)) if path is not None else None
    if fixed is None:
        return await ls.run_engine(_fix_all_edit_now, ls, uri, result)
    return _edit(ls, uri, result, [whole_text_edit(result.lines, fixed)] if fixed != result.text else [])


def _fix_all_edit_now(ls: "SsotServer", uri: str, result: Result) -> types.WorkspaceEdit:
    from ..fixer import fix_all

    assert result.registry is not None  # fix-all is offered only for a document under a registry
    fixed = fix_all(result.text, ls.path_of(uri), result.registry)
    return _edit(ls, uri, result, [whole_text_edit(result.lines, fixed.text)] if fixed.text != result.text else [])


def whole_text_edit(lines: LineIndex, new_text: str) -> Edit:
    """One edit turning `lines.text` into `new_text`, trimmed to the part that differs."""
    old = lines.text
    start = 0
    limit = min(len(old), len(new_text))
    while start < limit and old[start] == new_text[start]:
        start += 1
    end_old, end_new = len(old), len(new_text)
    while end_old > start and end_new > start and old[end_old - 1] == new_text[end_new - 1]:
        end_old -= 1
        end_new -= 1
    # Keep "\r\n" pairs whole so a range never ends between the two characters.
    while start > 0 and old[start - 1] == "\r":
        start -= 1
    while end_old < len(old) and old[end_old] == "\n" and end_old > 0 and old[end_old - 1] == "\r":
        end_old += 1
        end_new += 1
    first, last = lines.position(start), lines.position(end_old)
    return Edit(Span(first[0], first[1], last[0], last[1]), new_text[start:end_new])
