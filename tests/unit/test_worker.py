"""Helper processes: jobs answered in order, failures contained, the scan's results equal in-process checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ssot_lsp.batch import FileResult
from ssot_lsp.configs import ConfigStore
from ssot_lsp.lsp.documents import check_text
from ssot_lsp.lsp.scan import check_batch, discover_files
from ssot_lsp.lsp.worker import JobFailed, Worker, WorkerDied, WorkerUnavailable
from ssot_lsp.source import decode

TIMEOUT = 60


@pytest.fixture
def worker():
    helper = Worker("test")
    yield helper
    helper.close()


def test_jobs_are_answered_in_order_and_a_failure_is_contained(worker: Worker):
    first, second = worker.call("worker.ping", 1), worker.call("worker.ping", {"two": [2]})
    assert first.result(TIMEOUT) == 1 and second.result(TIMEOUT) == {"two": [2]}
    failing = worker.call("scan.check", ["not", "paths"], [("overlay", None, None)])  # Path(None) raises
    with pytest.raises(JobFailed, match="TypeError"):
        failing.result(TIMEOUT)
    assert worker.call("worker.ping", "still here").result(TIMEOUT) == "still here"
    with pytest.raises(KeyError):
        worker.call("os.system", "true")


def test_a_dead_helper_fails_its_calls_and_the_next_call_starts_a_new_one(worker: Worker):
    assert worker.call("worker.ping").result(TIMEOUT) is None
    first_pid = worker.pid
    worker._process.kill()
    worker._process.wait()
    answer = worker.call("worker.ping", "again")
    try:
        assert answer.result(TIMEOUT) == "again"
    except WorkerDied:  # the call raced the reader noticing the death: the next one restarts
        assert worker.call("worker.ping", "again").result(TIMEOUT) == "again"
    assert worker.pid not in (None, first_pid)


def test_closing_fails_the_calls_still_waiting(worker: Worker):
    waiting = worker.call("scan.discover", [str(Path(__file__).parent)])
    worker.close()
    with pytest.raises(WorkerDied):
        waiting.result(TIMEOUT)


def test_no_python_to_start_is_reported_as_unavailable(worker: Worker, monkeypatch):
    monkeypatch.setattr(sys, "executable", "")
    with pytest.raises(WorkerUnavailable):
        worker.call("worker.ping").result(TIMEOUT)


def test_scan_results_from_the_helper_equal_in_process_checks(demo_copy: Path, worker: Worker):
    paths = worker.call("scan.discover", [str(demo_copy)]).result(TIMEOUT)
    assert paths == discover_files([str(demo_copy)]) and len(paths) > 10
    edited = demo_copy / "netra_backend/app/websocket_core/__init__.py"
    overlay = edited.read_text() + "\nfrom .factory import create_websocket_manager as make_manager\n"
    _, from_helper = worker.call("scan.check", paths, [("overlay", edited, overlay)]).result(TIMEOUT)
    store = ConfigStore()
    store.set_overlay(edited, overlay)
    _, in_process = check_batch(paths, (), store)
    assert from_helper == in_process
    found = [record for record in from_helper if record.violations]
    assert sum(len(record.violations) for record in found) >= 20
    full = ConfigStore()  # the full engine per file, as open documents are checked
    full.set_overlay(edited, overlay)
    for path, record in zip(paths, from_helper):
        expected = check_text(full, path, decode(path.read_bytes()).text, None)
        assert isinstance(record, FileResult) and list(record.violations) == expected.violations
        for violation in record.violations:  # the lines diagnostics need to convert columns
            assert record.lines.line(violation.span.start_line) == expected.lines.line(violation.span.start_line)


def test_helper_modules_do_not_load_the_protocol_libraries():
    code = ("import sys, ssot_lsp.lsp.worker, ssot_lsp.lsp.scan, ssot_lsp.lsp.jedi_jobs, ssot_lsp.lsp.codecache;"
            "print(sorted(m for m in ('pygls', 'lsprotocol', 'jedi') if m in sys.modules))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_the_scan_helper_does_not_load_process_pools(demo_copy: Path):
    """The scan helper discovers and checks files one by one: multiprocessing is the CLI's, not its."""
    code = ("import sys; from ssot_lsp.lsp.scan import ScanJobs, discover_files;"
            f"paths = discover_files([{str(demo_copy)!r}]); ScanJobs().check(paths);"
            "print(len(paths), sorted(m for m in ('multiprocessing', 'concurrent.futures.process') if m in sys.modules))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    count, loaded = output.strip().split(" ", 1)
    assert int(count) > 10 and loaded == "[]"


def test_jedi_answers_from_a_thread_when_no_helper_process_can_start(monkeypatch):
    from ssot_lsp.lsp.jedi_completer import JediCompleter

    monkeypatch.setattr(sys, "executable", "")
    completer = JediCompleter()
    text = "import os\nos."
    answer = completer.request(("question", text), text, None, 1, 3)
    labels = [candidate.label for candidate in answer.result(TIMEOUT)]
    assert "path" in labels and "getcwd" in labels
    again = completer.request(("question", text), text, None, 1, 3)
    assert again.done() and [c.label for c in again.result()] == labels  # kept for the next request


def test_priming_jedi_hands_the_parse_garbage_back(monkeypatch):
    from ssot_lsp.lsp import jedi_jobs, memory

    released = []
    monkeypatch.setattr(memory, "release", lambda: released.append(True) or True)
    assert jedi_jobs.JediJobs().prime("import os\nos.pa", None) > 0
    assert released == [True]


def test_releasing_memory_does_not_load_asyncio_in_a_helper():
    code = "import sys, ssot_lsp.lsp.memory as m; m.release(); print('asyncio' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"
