"""Completion: canonical symbols first with auto-import, jedi next, deprecated names last (SPEC §5).

The registry's candidates come from the server's own tables at once. jedi runs in a
helper process (`worker.py`; on a thread when no process can be started), so its parse of
a long document never holds the interpreter lock the document's checks need. Completion
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
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Hashable, Optional

from lsprotocol import types

from .. import completion
from ..completion import Candidate, Context
from ..model import Edit, Span
from ..source import LineIndex
from . import convert, jedi_jobs
from .diagnostics import current_result
from .documents import Result
from .server import position_guard
from .worker import Worker, WorkerUnavailable

if TYPE_CHECKING:
    from .server import SsotServer

log = logging.getLogger("ssot_lsp")
JEDI_NICE = 3  # below the server (edits first), above the workspace scan
CACHED_ANSWERS = 8
# jedi's candidates; None when the request was replaced before it ran.
JediAnswer = Future[Optional[list[Candidate]]]
# (key, text, path, line, column) of one jedi request.
JediQuestion = tuple[Hashable, str, Optional[str], int, int]


class _AskedAnswer(JediAnswer):
    """An answer that knows when its question was first asked: the completion budget counts from then."""

    def __init__(self) -> None:
        super().__init__()
        self.asked_at = time.monotonic()

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


async def text_document_completion(ls: "SsotServer", params: types.CompletionParams
                                  ) -> Optional[types.CompletionList]:
    uri = params.text_document.uri
    document = ls.open_document(uri)
    if document is None:
        return None
    text = document.source
    lines = LineIndex(text)
    line, column = convert.engine_position(lines, params.position, ls.encoding)
    context = completion.context_at(lines.line(line)[:column])
    word = Span(line, column - len(context.typed), line, column)
    jedi_answer: Optional[JediAnswer] = None
    if ls.settings.jediCompletion:
        path = ls.path_of(uri)
        jedi_answer = JEDI.request(*jedi_question(text, lines, word, str(path) if path else None))
    result = await current_result(ls, uri)
    canonical: list[Candidate] = []
    deprecated: list[Candidate] = []
    if result is not None and result.registry is not None:
        canonical, deprecated = completion.registry_candidates(result.registry, context)
    budget = JEDI.budget_left(jedi_answer, ls.settings.completionBudgetMs / 1000) if jedi_answer else 0
    from_jedi, complete = await _await_jedi(jedi_answer, budget)
    from_jedi = [c for c in from_jedi if c.label.lower().startswith(context.typed.lower())]
    ranked = completion.rank(canonical, from_jedi, deprecated)
    items = [_item(ls, result, lines, word, context, candidate) for candidate in ranked]
    return types.CompletionList(is_incomplete=not complete, items=items)


def jedi_question(text: str, lines: LineIndex, word: Span, path: Optional[str]) -> JediQuestion:
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


async def _await_jedi(answer: Optional[JediAnswer], budget: float) -> tuple[list[Candidate], bool]:
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


class JediCompleter:
    """jedi requests, one at a time: the newest waiting request replaces an older one.

    `request` returns a future of jedi's candidates (None when the request was replaced
    before it ran); finished answers are kept by question, so a repeated question is
    answered at once.
    """

    def __init__(self) -> None:
        self.worker = Worker("jedi", nice=JEDI_NICE)
        self._thread: Optional[ThreadPoolExecutor] = None  # when no helper process can run
        self._lock = threading.RLock()  # an answer that is there at once settles while a request holds it
        self._answers: "OrderedDict[Hashable, list[Candidate]]" = OrderedDict()
        self._running: Optional[tuple[Optional[Hashable], JediAnswer]] = None
        self._queued: Optional[tuple[Optional[Hashable], tuple[str, tuple[Any, ...]], JediAnswer]] = None

    def request(self, key: Hashable, text: str, path: Optional[str], line: int, column: int) -> JediAnswer:
        return self._ask(key, "jedi.complete", (text, path, line, column))

    def budget_left(self, answer: JediAnswer, budget: float) -> float:
        """How long a request may still wait for `answer`: the budget holds per question, from
        when it was first asked (a repeated question does not wait again), and nothing for a
        question queued behind another job (jedi is busy; its answer is kept for the next request)."""
        with self._lock:
            if self._queued is not None and self._queued[-1] is answer:
                return 0.0
        asked_at = answer.asked_at if isinstance(answer, _AskedAnswer) else time.monotonic()
        return max(0.0, budget - (time.monotonic() - asked_at))

    def prime(self, text: str, path: Optional[str]) -> JediAnswer:
        """Parse a document ahead of its first completion (nothing is kept but jedi's caches)."""
        return self._ask(None, "jedi.prime", (text, path))

    def close(self) -> None:
        self.worker.close()

    def _ask(self, key: Optional[Hashable], job: str, args: tuple[Any, ...]) -> JediAnswer:
        with self._lock:
            if key is not None and key in self._answers:
                self._answers.move_to_end(key)
                return _done(self._answers[key])
            for pending in (self._running, self._queued):
                if key is not None and pending is not None and pending[0] == key:
                    return pending[-1]
            answer = _AskedAnswer()
            if self._running is None:
                self._start(key, job, args, answer)
            else:
                if self._queued is not None:
                    _settle(self._queued[-1], None)
                self._queued = (key, (job, args), answer)
            return answer

    def _start(self, key: Optional[Hashable], job: str, args: tuple[Any, ...], answer: JediAnswer) -> None:
        """Send one request (the lock is held)."""
        self._running = (key, answer)
        if self._thread is None:
            call = self.worker.call(job, *args)
        else:
            call = self._thread.submit(_in_thread, job, args)
        call.add_done_callback(lambda done: self._finished(key, job, args, answer, done))

    def _finished(self, key: Optional[Hashable], job: str, args: tuple[Any, ...], answer: JediAnswer,
                  done: Future[Any]) -> None:
        error = done.exception()
        if isinstance(error, WorkerUnavailable) and self._thread is None:
            log.warning("ssot: jedi runs in the server (%s)", error)
            with self._lock:
                self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ssot-jedi")
                self._start(key, job, args, answer)
            return
        candidates: Optional[list[Candidate]] = None
        if error is not None:
            log.warning("jedi completion failed: %s", error)
            candidates = []  # jedi's own failures must not fail completion
        elif job == "jedi.complete":
            candidates = [Candidate(name, kind, completion.JEDI, detail=kind) for name, kind in done.result()]
        with self._lock:
            if key is not None and candidates is not None and error is None:
                self._answers[key] = candidates
                while len(self._answers) > CACHED_ANSWERS:
                    self._answers.popitem(last=False)
            self._running = None
            queued, self._queued = self._queued, None
            if queued is not None:
                self._start(queued[0], queued[1][0], queued[1][1], queued[2])
        _settle(answer, candidates)


def _in_thread(job: str, args: tuple[Any, ...]) -> Any:
    return (jedi_jobs.complete if job == "jedi.complete" else jedi_jobs.prime)(*args)


def _done(value: list[Candidate]) -> JediAnswer:
    future: JediAnswer = Future()
    future.set_result(value)
    return future


def _settle(future: JediAnswer, value: Optional[list[Candidate]]) -> None:
    if not future.done():
        future.set_result(value)


JEDI = JediCompleter()


async def warm_up(ls: "SsotServer") -> None:
    """Start jedi's helper process and parse the open documents, once their first diagnostics are out."""
    from .workspace import after_first_diagnostics

    await after_first_diagnostics(ls)
    if not ls.settings.jediCompletion:
        return
    documents = list(ls.workspace.text_documents.items())
    for uri, document in documents:
        path = ls.path_of(uri)
        JEDI.prime(document.source, str(path) if path else None)
    if not documents:
        JEDI.prime("import os\nos.pa", None)


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
        from ..imports import add_import_edits

        edits = add_import_edits(result.text, result.checked.analysis, candidate.module, candidate.label)
    except Exception as exc:
        log.warning("auto-import of %s failed: %s", candidate.label, exc)
        return []
    return [convert.text_edit(result.lines, edit, ls.encoding) for edit in edits]
