"""jedi's completions for the server: one request at a time, answers kept per question (SPEC §5).

jedi runs in a helper process (`worker.py`, jobs in `jedi_jobs.py`), or on a thread of its
own when no process can be started, so its parse of a long document never holds the
interpreter lock the document's checks need. Each server's session has one `JediCompleter`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Hashable, Optional

from .. import completion
from ..completion import Candidate
from .jedi_jobs import JediJobs
from .worker import Worker, WorkerUnavailable

log = logging.getLogger("ssot_lsp")
Answer = Future[Optional[list[Candidate]]]  # jedi's candidates; None: replaced by a newer request
JEDI_NICE = 3  # below the server (edits first), above the workspace scan
CACHED_ANSWERS = 8


class _AskedAnswer(Answer):
    """An answer that knows when its question was first asked: the completion budget counts from then."""

    def __init__(self) -> None:
        super().__init__()
        self.asked_at = time.monotonic()


class JediCompleter:
    """jedi requests, one at a time: the newest waiting request replaces an older one.

    `request` returns a future of jedi's candidates (None when the request was replaced
    before it ran); finished answers are kept by question, so a repeated question is
    answered at once.
    """

    def __init__(self) -> None:
        self.worker = Worker("jedi", nice=JEDI_NICE)
        self._thread: Optional[ThreadPoolExecutor] = None  # when no helper process can run
        self._jobs: Optional[JediJobs] = None  # jedi's state on that thread
        self._lock = threading.RLock()  # an answer that is there at once settles while a request holds it
        self._answers: "OrderedDict[Hashable, list[Candidate]]" = OrderedDict()
        self._running: Optional[tuple[Optional[Hashable], Answer]] = None
        self._queued: Optional[tuple[Optional[Hashable], tuple[str, tuple[Any, ...]], Answer]] = None

    def request(self, key: Hashable, text: str, path: Optional[str], line: int, column: int) -> Answer:
        return self._ask(key, "jedi.complete", (text, path, line, column))

    def budget_left(self, answer: Answer, budget: float) -> float:
        """How long a request may still wait for `answer`: the budget holds per question, from
        when it was first asked (a repeated question does not wait again), and nothing for a
        question queued behind another job (jedi is busy; its answer is kept for the next request)."""
        with self._lock:
            if self._queued is not None and self._queued[-1] is answer:
                return 0.0
        asked_at = answer.asked_at if isinstance(answer, _AskedAnswer) else time.monotonic()
        return max(0.0, budget - (time.monotonic() - asked_at))

    def prime(self, text: str, path: Optional[str]) -> Answer:
        """Parse a document ahead of its first completion (nothing is kept but jedi's caches)."""
        return self._ask(None, "jedi.prime", (text, path))

    def close(self) -> None:
        self.worker.close()

    def _ask(self, key: Optional[Hashable], job: str, args: tuple[Any, ...]) -> Answer:
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

    def _start(self, key: Optional[Hashable], job: str, args: tuple[Any, ...], answer: Answer) -> None:
        """Send one request (the lock is held)."""
        self._running = (key, answer)
        if self._thread is None:
            call = self.worker.call(job, *args)
        else:
            call = self._thread.submit(self._in_thread, job, args)
        call.add_done_callback(lambda done: self._finished(key, job, args, answer, done))

    def _finished(self, key: Optional[Hashable], job: str, args: tuple[Any, ...], answer: Answer,
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

    def _in_thread(self, job: str, args: tuple[Any, ...]) -> Any:
        if self._jobs is None:
            self._jobs = JediJobs()
        return (self._jobs.complete if job == "jedi.complete" else self._jobs.prime)(*args)


def _done(value: list[Candidate]) -> Answer:
    future: Answer = Future()
    future.set_result(value)
    return future


def _settle(future: Answer, value: Optional[list[Candidate]]) -> None:
    if not future.done():
        future.set_result(value)
