"""Completion: canonical symbols first with auto-import, jedi next, deprecated names last (SPEC §5).

The registry's candidates come from the server's own tables at once. jedi runs in a
helper process (the session's `JediCompleter`, `jedi_completer.py`), so its parse of a
long document never holds the interpreter lock the document's checks need. Completion
waits for jedi at most `ssot.completionBudgetMs` per question (not at all when jedi is
still busy with an earlier one); a list answered without jedi is marked incomplete, and
jedi's answer, arriving later, is kept for the client's next request.

jedi is asked about the text with the word being typed left out, at the word's start, so
one answer serves every further keystroke in that word (filtered by what was typed, as
jedi itself filters): typing a name costs one jedi request, not one per character.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Hashable, Optional

from lsprotocol import types

from ... import completion
from ...completion import Candidate, Context
from ...model import Edit, Span
from ...source import LineIndex
from .. import convert
from ..diagnostics import current_result
from ..documents import Result
from ..jedi_completer import Answer
from .declare import on_loop

if TYPE_CHECKING:
    from ..server import SsotServer

log = logging.getLogger("ssot_lsp")

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


@on_loop(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", " "], resolve_provider=False),
         positions=True)
async def text_document_completion(ls: "SsotServer", params: types.CompletionParams) -> Optional[types.CompletionList]:
    uri = params.text_document.uri
    document = ls.open_document(uri)
    if document is None:
        return None
    text = document.source
    lines = LineIndex(text)
    line, column = convert.engine_position(lines, params.position, ls.encoding)
    context = completion.context_at(lines.line(line)[:column])
    word = Span(line, column - len(context.typed), line, column)
    settings, jedi = ls.session.settings, ls.session.jedi
    jedi_answer: Optional[Answer] = None
    if settings.jediCompletion:
        path = ls.path_of(uri)
        jedi_answer = jedi.request(*jedi_question(text, lines, word, str(path) if path else None))
    result = await current_result(ls, uri)
    canonical: list[Candidate] = []
    deprecated: list[Candidate] = []
    if result is not None and result.registry is not None:
        canonical, deprecated = completion.registry_candidates(result.registry, context)
    budget = jedi.budget_left(jedi_answer, settings.completionBudgetMs / 1000) if jedi_answer else 0
    from_jedi, complete = await _await_jedi(jedi_answer, budget)
    from_jedi = [c for c in from_jedi if c.label.lower().startswith(context.typed.lower())]
    ranked = completion.rank(canonical, from_jedi, deprecated)
    items = [_item(ls, result, lines, word, context, candidate) for candidate in ranked]
    return types.CompletionList(is_incomplete=not complete, items=items)


def jedi_question(text: str, lines: LineIndex, word: Span, path: Optional[str]
                  ) -> tuple[Hashable, str, Optional[str], int, int]:
    """(key, text, path, line, column) of the jedi request for completing `word`.

    At the end of a word, jedi gets the text without the word and is asked at its start,
    so the answer (every name there) holds for the whole word; inside a word it gets the
    text as it is.
    """
    start = lines.offset(word.start_line, word.start_col)
    end = lines.offset(word.end_line, word.end_col)
    if end < len(text) and (text[end].isalnum() or text[end] == "_"):
        return (path, text, word.end_line, word.end_col), text, path, word.end_line, word.end_col
    question = text[:start] + text[end:]
    return (path, question), question, path, word.start_line, word.start_col


async def _await_jedi(answer: Optional[Answer], budget: float) -> tuple[list[Candidate], bool]:
    """jedi's candidates if they arrive within `budget` seconds, and whether they did."""
    if answer is None:
        return [], True
    if not answer.done():
        waiting = asyncio.wrap_future(answer)
        await asyncio.wait({waiting}, timeout=budget)  # a timeout leaves the request running
        if not answer.done():
            return [], False
    value = answer.result()
    return (value, True) if value is not None else ([], False)


def _item(ls: "SsotServer", result: Optional[Result], lines: LineIndex, word: Span, context: Context,
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


def _auto_import(ls: "SsotServer", result: Optional[Result], candidate: Candidate) -> list[types.TextEdit]:
    """The edits that import the canonical symbol, unless the file already binds it."""
    if result is None or result.checked.analysis is None or candidate.module is None:
        return []
    try:
        from ...imports import add_import_edits

        edits = add_import_edits(result.text, result.checked.analysis, candidate.module, candidate.label)
    except Exception as exc:
        log.warning("auto-import of %s failed: %s", candidate.label, exc)
        return []
    return [convert.text_edit(result.lines, edit, ls.encoding) for edit in edits]
