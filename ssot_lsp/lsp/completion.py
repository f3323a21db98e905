"""Completion: canonical symbols first with auto-import, jedi next, deprecated names last (SPEC §5).

The registry's candidates are ready at once; jedi runs on its own thread and gets a time
budget (`ssot.completionBudgetMs`), so a slow jedi never delays the canonical items — the
list is then marked incomplete and the client asks again as the user types.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from lsprotocol import types

from .. import completion
from ..completion import Candidate, Context
from ..model import Edit, Span
from ..source import LineIndex
from . import convert
from .diagnostics import current_result
from .server import position_guard

if TYPE_CHECKING:
    from .server import SsotServer

log = logging.getLogger("ssot_lsp")
_JEDI = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ssot-jedi")

KINDS = {
    "module": types.CompletionItemKind.Module,
    "class": types.CompletionItemKind.Class,
    "function": types.CompletionItemKind.Function,
    "instance": types.CompletionItemKind.Variable,
    "statement": types.CompletionItemKind.Variable,
    "param": types.CompletionItemKind.Variable,
    "property": types.CompletionItemKind.Property,
    "keyword": types.CompletionItemKind.Keyword,
    "path": types.CompletionItemKind.File,
}


def register(server: "SsotServer") -> None:
    options = types.CompletionOptions(trigger_characters=[".", " "], resolve_provider=False)
    server.feature(types.TEXT_DOCUMENT_COMPLETION, options)(position_guard(text_document_completion))


async def text_document_completion(ls: "SsotServer", params: types.CompletionParams):
    uri = params.text_document.uri
    document = ls.open_document(uri)
    if document is None:
        return None
    text = document.source
    lines = LineIndex(text)
    line, column = convert.engine_position(lines, params.position, ls.encoding)
    context = completion.context_at(lines.line(line)[:column])
    jedi_future = None
    if ls.settings.jediCompletion:
        jedi_future = _JEDI.submit(jedi_candidates, text, ls.path_of(uri), line, column)
    result = await current_result(ls, uri)
    canonical: list[Candidate] = []
    deprecated: list[Candidate] = []
    if result is not None and result.registry is not None:
        canonical, deprecated = completion.registry_candidates(result.registry, context)
    from_jedi, complete = await _await_jedi(jedi_future, ls.settings.completionBudgetMs / 1000)
    ranked = completion.rank(canonical, from_jedi, deprecated)
    word = Span(line, column - len(context.typed), line, column)
    items = [_item(ls, result, lines, word, context, candidate) for candidate in ranked]
    return types.CompletionList(is_incomplete=not complete, items=items)


async def _await_jedi(future, budget: float) -> tuple[list[Candidate], bool]:
    if future is None:
        return [], True
    try:
        return await asyncio.wait_for(asyncio.wrap_future(future), timeout=budget), True
    except asyncio.TimeoutError:
        return [], False
    except Exception as exc:  # jedi's own failures must not fail completion
        log.warning("jedi completion failed: %s", exc)
        return [], True


def jedi_candidates(text: str, path: Optional[Path], line: int, column: int) -> list[Candidate]:
    """jedi's completions at a position, in jedi's order (runs on the jedi thread)."""
    import jedi

    # In-process inference; jedi's default refuses to load the project's compiled extensions.
    project = jedi.Project(path.parent if path else Path.cwd(), load_unsafe_extensions=False)
    script = jedi.Script(code=text, path=str(path) if path else None, project=project,
                         environment=jedi.InterpreterEnvironment())
    return [Candidate(c.name, c.type, completion.JEDI, detail=c.type)
            for c in script.complete(line + 1, column)]


def warm_up() -> None:
    """Import and prime jedi in the background so the first completion fits in the budget."""
    _JEDI.submit(jedi_candidates, "import os\nos.pa", None, 1, 5)


def _item(ls: "SsotServer", result, lines: LineIndex, word: Span, context: Context,
          candidate: Candidate) -> types.CompletionItem:
    item = types.CompletionItem(
        label=candidate.label,
        kind=KINDS.get(candidate.kind, types.CompletionItemKind.Text),
        detail=candidate.detail or None,
        sort_text=candidate.sort_text,
        filter_text=candidate.label,
        text_edit=convert.text_edit(lines, Edit(word, candidate.label), ls.encoding),
    )
    if candidate.bucket == completion.CANONICAL:
        item.preselect = candidate.preselect or None
        if candidate.module and context.kind == "expression":
            item.additional_text_edits = _auto_import(ls, result, candidate) or None
            item.documentation = types.MarkupContent(
                kind=types.MarkupKind.Markdown,
                value=f"Canonical: `from {candidate.module} import {candidate.label}`")
    elif candidate.deprecated:
        if _supports_tag(ls):
            item.tags = [types.CompletionItemTag.Deprecated]
        if ls.supports("text_document.completion.completion_item.deprecated_support", False):
            item.deprecated = True
        if candidate.replacement:
            item.documentation = types.MarkupContent(
                kind=types.MarkupKind.Markdown, value=f"Deprecated: use `{candidate.replacement}` instead.")
    return item


def _supports_tag(ls: "SsotServer") -> bool:
    tags = ls.supports("text_document.completion.completion_item.tag_support.value_set", []) or []
    return types.CompletionItemTag.Deprecated in tags


def _auto_import(ls: "SsotServer", result, candidate: Candidate) -> list[types.TextEdit]:
    """The edits that import the canonical symbol, unless the file already binds it."""
    if result is None or result.checked.analysis is None:
        return []
    try:
        from ..imports import add_import_edits

        edits = add_import_edits(result.text, result.checked.analysis, candidate.module, candidate.label)
    except Exception as exc:
        log.warning("auto-import of %s failed: %s", candidate.label, exc)
        return []
    return [convert.text_edit(result.lines, edit, ls.encoding) for edit in edits]
