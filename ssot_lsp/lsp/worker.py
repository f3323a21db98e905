"""Helper processes of the language server: work that must not hold the server's interpreter lock.

The engine is CPU-bound Python, so a thread of the server doing the workspace scan or
jedi's inference takes the interpreter lock from the check of the document being edited.
A `Worker` runs such jobs in a child process (`python -m ssot_lsp.lsp.worker`) at a lower
scheduling priority instead. Requests and answers are length-prefixed pickles over the
child's stdin and stdout, both private pipes between the two processes: the child never
sees the LSP stream. Jobs run one at a time, in the order they were asked for; the child
keeps its caches between jobs and leaves as soon as its stdin closes (the server exited
or closed it), even in the middle of a job.

The child imports only the job's module (never pygls or lsprotocol); only the jobs in
`JOBS` can be asked for. A job named `module:Class.method` runs on one instance of
`Class`, made by the child on first use and kept for the child's life: what the jobs
keep between calls (a config store, jedi's environments) lives there, not in a module. `SSOT_LSP_HELPERS=0` starts no helper processes: the server then
does the same work on its own threads.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from concurrent.futures import Future
from typing import IO, Any, Callable, Optional, cast

log = logging.getLogger("ssot_lsp")

# name -> "module:function"; the child imports the module on the first call.
JOBS = {
    "scan.discover": "ssot_lsp.lsp.scan:discover_files",
    "scan.check": "ssot_lsp.lsp.scan:ScanJobs.check",
    "jedi.complete": "ssot_lsp.lsp.jedi_jobs:JediJobs.complete",
    "jedi.prime": "ssot_lsp.lsp.jedi_jobs:JediJobs.prime",
    "fix.all": "ssot_lsp.lsp.fix_jobs:FixJobs.fix_text",
    "worker.ping": "ssot_lsp.lsp.worker:ping",
}
_HEADER = struct.Struct(">I")
Request = tuple[int, str, tuple[Any, ...]]  # (id, job, arguments)
Outbox = queue.Queue[Optional[Request]]  # None: close the child's stdin


class WorkerDied(RuntimeError):
    """The helper process ended (or could not start) before answering."""


class WorkerUnavailable(WorkerDied):
    """No helper process could be started at all."""


class JobFailed(RuntimeError):
    """The job raised in the helper process; the message is the child's exception."""


def _write_frame(stream: IO[bytes], value: Any) -> None:
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(body)) + body)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    body = stream.read(size)
    if len(body) < size:
        raise EOFError
    return pickle.loads(body)


class Worker:
    """One helper process, started on the first call and again after it died.

    `call` never blocks on the child: frames are written by a writer thread and answers
    are read by a reader thread, which completes the call's `concurrent.futures.Future`
    (wrap it with `asyncio.wrap_future` on the event loop).
    """

    def __init__(self, name: str, nice: int = 0) -> None:
        self.name = name
        self.nice = nice
        self._lock = threading.Lock()
        self._process: Optional[subprocess.Popen[bytes]] = None
        self._outbox: Optional[Outbox] = None
        self._pending: dict[int, Future[Any]] = {}
        self._ids = itertools.count(1)

    @property
    def busy(self) -> bool:
        """Whether a call is still waiting for its answer."""
        return bool(self._pending)

    @property
    def pid(self) -> Optional[int]:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def call(self, job: str, *args: Any) -> Future[Any]:
        """Ask the child to run `JOBS[job](*args)`; the future gets its value or exception."""
        if job not in JOBS:
            raise KeyError(job)
        future: Future[Any] = Future()
        with self._lock:
            try:
                outbox = self._ensure_started()
            except OSError as exc:
                future.set_exception(WorkerUnavailable(f"{self.name}: cannot start a helper process: {exc}"))
                return future
            ident = next(self._ids)
            self._pending[ident] = future
            outbox.put((ident, job, args))
        return future

    def close(self) -> None:
        """Stop the child (its current job is abandoned) and fail the calls still waiting."""
        with self._lock:
            process, outbox = self._process, self._outbox
            self._process = self._outbox = None
            pending, self._pending = self._pending, {}
        if outbox is not None:
            outbox.put(None)
        if process is not None and process.poll() is None:
            process.kill()
        for future in pending.values():
            if not future.done():
                future.set_exception(WorkerDied(f"{self.name}: closed"))

    # -- plumbing ----------------------------------------------------------------------
    def _ensure_started(self) -> Outbox:
        if self._process is not None and self._process.poll() is None and self._outbox is not None:
            return self._outbox
        if os.environ.get("SSOT_LSP_HELPERS", "1") == "0":
            raise OSError("helper processes are turned off (SSOT_LSP_HELPERS=0)")
        if not sys.executable:
            raise OSError("no Python executable to start")
        command = [sys.executable, "-m", "ssot_lsp.lsp.worker", "--nice", str(self.nice)]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
                                   close_fds=True)
        outbox: Outbox = queue.Queue()
        self._process, self._outbox = process, outbox
        threading.Thread(target=self._write, args=(process, outbox), name=f"ssot-{self.name}-writer",
                         daemon=True).start()
        threading.Thread(target=self._read, args=(process,), name=f"ssot-{self.name}-reader",
                         daemon=True).start()
        return outbox

    def _write(self, process: subprocess.Popen[bytes], outbox: Outbox) -> None:
        stdin = process.stdin
        assert stdin is not None  # started with stdin=PIPE
        while True:
            item = outbox.get()
            if item is None:
                break
            try:
                _write_frame(stdin, item)
            except (OSError, ValueError):
                break  # the child is gone: the reader fails the pending calls
        try:
            stdin.close()
        except (OSError, ValueError):
            pass

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        stdout = process.stdout
        assert stdout is not None  # started with stdout=PIPE
        while True:
            try:
                ident, ok, value = _read_frame(stdout)
            except Exception:  # EOF, a broken pipe or a damaged frame: the child is done for
                break
            with self._lock:
                future = self._pending.pop(ident, None)
            if future is None or future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(JobFailed(value))
        process.wait()
        with self._lock:
            if self._process is process:
                self._process, outbox = None, self._outbox
                self._outbox = None
                pending, self._pending = self._pending, {}
            else:
                outbox, pending = None, {}
        if outbox is not None:
            outbox.put(None)
        for future in pending.values():
            if not future.done():
                future.set_exception(WorkerDied(f"{self.name}: the helper process exited ({process.returncode})"))


# -- the child -------------------------------------------------------------------------
def ping(value: Any = None) -> Any:
    """Echo (tests and start-up checks)."""
    return value


def _resolve(job: str, owners: dict[str, Any]) -> Callable[..., Any]:
    """The function of `job`; for `Class.method`, bound to the child's one instance of `Class` (kept in `owners`)."""
    module_name, _, name = JOBS[job].partition(":")
    module = importlib.import_module(module_name)
    owner_name, _, method = name.rpartition(".")
    if not owner_name:
        return cast(Callable[..., Any], getattr(module, name))
    key = f"{module_name}:{owner_name}"
    if key not in owners:
        owners[key] = getattr(module, owner_name)()
    return cast(Callable[..., Any], getattr(owners[key], method))


def child_main(nice: int = 0) -> int:
    """Serve jobs from stdin; answers go to the original stdout only. Ends when stdin closes."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    requests = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    # Nothing a job prints may corrupt the answers: stdout and stdin now lead nowhere.
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, sys.stdout.fileno())
    os.dup2(devnull, sys.stdin.fileno())
    os.close(devnull)
    if nice and hasattr(os, "nice"):
        try:
            os.nice(nice)
        except OSError:
            pass
    inbox: queue.Queue[Request] = queue.Queue()
    owners: dict[str, Any] = {}  # the jobs' instances (see the module docstring)
    threading.Thread(target=_receive, args=(requests, inbox), name="ssot-requests", daemon=True).start()
    while True:
        ident, job, args = inbox.get()
        try:
            answer = (ident, True, _resolve(job, owners)(*args))
        except Exception as exc:  # the job failed; the child goes on serving
            answer = (ident, False, f"{type(exc).__name__}: {exc}")
        try:
            _write_frame(answers, answer)
        except (OSError, ValueError):
            return 0
        except Exception as exc:  # an answer that does not pickle
            _write_frame(answers, (ident, False, f"unpicklable answer: {exc}"))


def _receive(requests: IO[bytes], inbox: queue.Queue[Request]) -> None:
    """Read requests as they come; when stdin closes the server is gone (or done with us): leave at once,
    even in the middle of a job."""
    while True:
        try:
            inbox.put(_read_frame(requests))
        except Exception:
            os._exit(0)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    level = int(arguments[arguments.index("--nice") + 1]) if "--nice" in arguments else 0
    sys.exit(child_main(level))
