#!/usr/bin/env python3
"""Editor latency of the ssot-lsp language server, measured over the real protocol (stdio).

    python benchmarks/editor.py [--json] [--edits 60] [--completions 40]

Speaks JSON-RPC itself (no client library), as an editor would:
- start → first diagnostics: from spawning `python -m ssot_lsp` to the first
  `publishDiagnostics` of the opened 3,000-line file (20 violations), over `--starts`
  separate starts (the package is byte-compiled first, as installing it does);
- didChange → publishDiagnostics: median and p95 over incremental one-character edits,
  with `ssot.debounceMs` = 0, while the workspace scan runs;
- completion: median and p95 of `textDocument/completion` (a) repeated at a half-typed
  name, (b) while typing a name, one didChange and one completion request per keystroke;
- RSS of the server after its background scan of the 3,000-file workspace, and the
  largest RSS of server plus helper processes during the run;
- fixes on a 3,000-line file with 50 violations (`big_fix.py`): the first quick fix after
  an edit, fix-all (code action plus resolve), and a hover and a completion sent while each
  of them is being computed.
Prints "server not available" (and exits 0) when the server cannot be started.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import corpus  # noqa: E402

from tests.reliability.frames import encode, read_message  # noqa: E402

WORKSPACE = HERE / ".work" / "editor-workspace"
SETTINGS = {"debounceMs": 0, "diagnosticScope": "openFiles", "scanOnStartup": True}


class Client:
    """A minimal LSP client over a subprocess's stdio."""

    def __init__(self, command: list[str], cwd: Path, env: Optional[dict] = None, stderr=subprocess.DEVNULL):
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=stderr, env=env)
        self.next_id = 0
        self.responses: dict[int, queue.Queue] = {}
        self.notifications: "queue.Queue[tuple[float, dict]]" = queue.Queue()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, message: dict) -> None:
        with self.lock:
            self.process.stdin.write(encode(message))
            self.process.stdin.flush()

    def _read(self) -> None:
        while True:
            message = read_message(self.process.stdout)
            if message is None:
                return
            now = time.perf_counter()
            if "method" in message and "id" in message:
                self._answer(message)
            elif "method" in message:
                self.notifications.put((now, message))
            elif message.get("id") in self.responses:
                self.responses[message["id"]].put((now, message))

    def _answer(self, request: dict) -> None:
        method = request["method"]
        if method == "workspace/configuration":
            result = [SETTINGS for _ in request["params"].get("items", [])]
        else:  # window/workDoneProgress/create, client/registerCapability, ...
            result = None
        self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def request(self, method: str, params: dict, timeout: float = 60) -> tuple[float, dict]:
        self.next_id += 1
        ident = self.next_id
        box: queue.Queue = queue.Queue()
        self.responses[ident] = box
        start = time.perf_counter()
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        end, message = box.get(timeout=timeout)
        return end - start, message

    def send(self, method: str, params: dict) -> tuple[int, float, queue.Queue]:
        """Send a request without waiting; `finish` collects its answer."""
        self.next_id += 1
        box: queue.Queue = queue.Queue()
        self.responses[self.next_id] = box
        start = time.perf_counter()
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id, start, box

    @staticmethod
    def finish(pending: tuple[int, float, queue.Queue], timeout: float = 120) -> tuple[float, dict]:
        _, start, box = pending
        end, message = box.get(timeout=timeout)
        return end - start, message

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, predicate, timeout: float = 60) -> tuple[float, dict]:
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError
            stamp, message = self.notifications.get(timeout=remaining)
            if predicate(message):
                return stamp, message

    def rss_mib(self) -> float:
        return rss_mib(self.process.pid)

    def helper_pids(self) -> list[int]:
        """The server's child processes (Linux /proc)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def total_rss_mib(self) -> float:
        return sum(self.rss_by_process().values())

    def processes(self) -> dict[str, int]:
        """The server's pid and its helper processes' pids, each helper named after its scheduling priority."""
        found = {"server": self.process.pid}
        for pid in self.helper_pids():
            fields = stat_fields(pid)
            found[HELPER_NAMES.get(int(fields[16]) if len(fields) > 16 else None, f"helper {pid}")] = pid
        return found

    def rss_by_process(self) -> dict[str, float]:
        """RSS (MiB) of the server and of each helper process."""
        return {name: rss_mib(pid) for name, pid in self.processes().items()}

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()


def stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name (field 3 onwards); [] when the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """User plus system time a process has used so far (10 ms ticks); 0 when it is gone."""
    fields = stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# Helper processes by their scheduling priority (lsp/workspace.py, lsp/completion.py, lsp/fix_jobs.py).
HELPER_NAMES = {10: "scan helper", 3: "jedi helper", 0: "fix helper"}


class PeakRss:
    """Samples the server and its helper processes every 0.2 s: the peak of their summed RSS, each one's
    RSS at that peak (`parts`), and the last CPU time seen of each (`cpu`: a helper's is lost when it exits)."""

    def __init__(self, client: Client):
        self.client, self.peak, self.stopped, self.parts = client, 0.0, False, {}
        self.cpu: dict[str, float] = {}
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stopped and self.client.process.poll() is None:
            processes = self.client.processes()
            parts = {name: rss_mib(pid) for name, pid in processes.items()}
            if sum(parts.values()) > self.peak:
                self.peak, self.parts = sum(parts.values()), parts
            for name, pid in processes.items():
                self.cpu[name] = max(self.cpu.get(name, 0.0), cpu_seconds(pid))
            time.sleep(0.2)


def load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return float("nan")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def is_diagnostics(uri: str, version=None):
    def test(message: dict) -> bool:
        if message.get("method") != "textDocument/publishDiagnostics":
            return False
        params = message["params"]
        return params["uri"] == uri and (version is None or params.get("version") == version)
    return test


CAPABILITIES = {
    "textDocument": {"synchronization": {"didSave": True}, "publishDiagnostics": {"versionSupport": True},
                     "completion": {"completionItem": {"snippetSupport": True}},
                     "codeAction": {"resolveSupport": {"properties": ["edit"]},
                                    "codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                                        "quickfix", "source.fixAll"]}}}},
    "workspace": {"configuration": True, "workspaceFolders": True},
    "window": {"workDoneProgress": True},
}


def byte_compile(python: str) -> None:
    """Write the package's bytecode, as installing it does (an editable install has none)."""
    subprocess.run([python, "-c", "import compileall, os, ssot_lsp; "
                    "compileall.compile_dir(os.path.dirname(ssot_lsp.__file__), quiet=1)"],
                   cwd=WORKSPACE, capture_output=True, check=False)  # the package the server will import


def start_server(python: str, uri: str, text: str, command: Optional[list[str]] = None,
                 **popen) -> tuple[Client, float, dict]:
    """A server on the workspace with the big file open, and the time to its first diagnostics.

    `command` replaces `python -m ssot_lsp` (benchmarks/startup.py runs it with time stamps);
    `popen` (env, stderr) goes to the process.
    """
    client = Client(command or [python, "-m", "ssot_lsp"], WORKSPACE, **popen)
    client.request("initialize", {"processId": os.getpid(), "rootUri": WORKSPACE.as_uri(),
                                  "workspaceFolders": [{"uri": WORKSPACE.as_uri(), "name": "ws"}],
                                  "capabilities": CAPABILITIES, "initializationOptions": SETTINGS}, timeout=60)
    client.notify("initialized", {})
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                            "text": text}})
    stamp, first = client.wait_for(is_diagnostics(uri), timeout=60)
    return client, stamp - client.started, first


def stop_server(client: Client) -> None:
    """Stop a server and wait until its helper processes are gone too."""
    helpers = client.helper_pids()
    client.close()
    deadline = time.perf_counter() + 30
    while helpers and time.perf_counter() < deadline:
        helpers = [pid for pid in helpers if Path(f"/proc/{pid}").exists()]
        time.sleep(0.05)


def labels(response: dict) -> list[str]:
    items = response.get("result") or {}
    items = items.get("items", []) if isinstance(items, dict) else items
    return [item["label"] for item in sorted(items, key=lambda item: (item.get("sortText", ""), item["label"]))]


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values) * 1000, "p95": p95(values) * 1000, "n": len(values)}


def measure(python: str, edits: int, completions: int, starts: int) -> dict:
    if not (WORKSPACE / "big.py").exists():
        corpus.generate_editor_workspace(WORKSPACE)
    big = WORKSPACE / "big.py"
    uri = big.as_uri()
    text = big.read_text()
    byte_compile(python)
    result: dict = {"status": "ok", "load_average_start": load_average()}
    start_times = []
    for _ in range(max(0, starts - 1)):  # separate starts, each stopped after its first diagnostics
        client, elapsed, _ = start_server(python, uri, text)
        start_times.append(elapsed)
        stop_server(client)
    client, elapsed, first = start_server(python, uri, text)
    start_times.append(elapsed)
    peak = PeakRss(client)
    try:
        result["start_to_first_diagnostics_s"] = {"median": statistics.median(start_times),
                                                  "runs": [round(t, 3) for t in start_times]}
        result["violations_in_big_file"] = len(first["params"]["diagnostics"])

        lines = text.split("\n")
        edit_line = next(i for i, row in enumerate(lines) if row.startswith("def use_5("))
        latencies = []
        version = 1
        for index in range(edits):
            version += 1
            # Type a character at the end of a comment line, then delete it: one-character edits.
            column = len(lines[edit_line])
            change = ({"range": {"start": {"line": edit_line, "character": column},
                                 "end": {"line": edit_line, "character": column}}, "text": "  # x"}
                      if index % 2 == 0 else
                      {"range": {"start": {"line": edit_line, "character": column},
                                 "end": {"line": edit_line, "character": column + 5}}, "text": ""})
            start = time.perf_counter()
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                     "contentChanges": [change]})
            stamp, _ = client.wait_for(is_diagnostics(uri, version), timeout=30)
            latencies.append(stamp - start)
        result["did_change_to_diagnostics_ms"] = summary(latencies)

        def change(line: int, start: int, end: int, new: str) -> None:
            nonlocal version
            version += 1
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                     "contentChanges": [{"range": {
                                                         "start": {"line": line, "character": start},
                                                         "end": {"line": line, "character": end}}, "text": new}]})

        def complete(line: int, column: int) -> tuple[float, dict]:
            return client.request("textDocument/completion", {
                "textDocument": {"uri": uri}, "position": {"line": line, "character": column}}, timeout=30)

        # (a) Repeated requests at a half-typed name on a new line inside a function body.
        change(edit_line + 1, 0, 0, "    create_iso\n")
        times = []
        for _ in range(completions):
            elapsed, response = complete(edit_line + 1, 14)
            times.append(elapsed)
        result["completion_ms"] = {**summary(times), "items": len(labels(response)), "first": labels(response)[:3]}

        # (b) Typing a name on another new line: one edit and one completion request per keystroke,
        # as editors ask while the user types (the name, then deleting back).
        row = edit_line + 2
        change(row, 0, 0, "    \n")
        name = "create_isolated_manager"
        typed, times, seen = 0, [], {}
        for index in range(completions):
            if index < len(name):
                change(row, 4 + typed, 4 + typed, name[typed])
                typed += 1
            else:
                change(row, 4 + typed - 1, 4 + typed, "")
                typed -= 1
            elapsed, response = complete(row, 4 + typed)
            times.append(elapsed)
            if typed == 10:
                seen = {"items": len(labels(response)), "first": labels(response)[:3]}
        result["completion_typing_ms"] = {**summary(times), **seen}

        try:
            def scan_done(message: dict) -> bool:
                value = message.get("params", {}).get("value", {})
                return ((message.get("method") == "$/progress" and value.get("kind") == "end")
                        or "workspace scan done" in str(message.get("params", {}).get("message", "")))
            scan_stamp, _ = client.wait_for(scan_done, timeout=600)
            result["workspace_scan_s"] = scan_stamp - client.started
        except (TimeoutError, queue.Empty):
            result["workspace_scan_s"] = None
        time.sleep(0.5)  # the scan's helper process exits after the scan
        result["rss_after_scan_mib"] = client.rss_mib()
        result["rss_helpers_after_scan_mib"] = client.total_rss_mib() - result["rss_after_scan_mib"]
        result["rss_peak_with_helpers_mib"] = max(peak.peak, client.total_rss_mib())
        result["workspace_files"] = sum(1 for _ in WORKSPACE.rglob("*.py"))
        result.update(measure_fixes(client))
        result["load_average_end"] = load_average()
        return result
    finally:
        peak.stopped = True
        stop_server(client)


SCAN_TARGETS = {"scan_vs_cli_check": 2.0, "did_change_p95_during_scan_ms": 50.0, "rss_all_processes_peak_mib": 150.0}


def is_progress(kind: str):
    def test(message: dict) -> bool:
        return message.get("method") == "$/progress" and message["params"].get("value", {}).get("kind") == kind
    return test


def either(*tests):
    return lambda message: any(test(message) for test in tests)


def measure_scan(python: str, cli_runs: int = 3) -> dict:
    """The editor's workspace scan against the CLI's `check` of the same tree.

    A fresh server opens `big.py`; from the scan's `$/progress` begin to its end, one-character
    edits of `big.py` go in back to back (each waits for the diagnostics of its version), and
    the RSS of the server plus its helper processes is sampled. Then `python -m ssot_lsp check`
    of the workspace is timed `cli_runs` times, whole process, with no server running.
    """
    if not (WORKSPACE / "big.py").exists():
        corpus.generate_editor_workspace(WORKSPACE)
    big = WORKSPACE / "big.py"
    uri, text = big.as_uri(), big.read_text()
    byte_compile(python)
    result: dict = {"load_average_start": load_average(), "workspace_files": sum(1 for _ in WORKSPACE.rglob("*.py"))}
    client, _, _ = start_server(python, uri, text)
    peak = PeakRss(client)
    try:
        begin, _ = client.wait_for(is_progress("begin"), timeout=60)
        lines = text.split("\n")
        row = next(i for i, line in enumerate(lines) if line.startswith("def use_5("))
        column, version, latencies, ended = len(lines[row]), 1, [], None
        server_cpu = cpu_seconds(client.process.pid)
        while ended is None:
            version += 1
            insert = version % 2 == 0
            change = {"range": {"start": {"line": row, "character": column},
                                "end": {"line": row, "character": column + (0 if insert else 1)}},
                      "text": "#" if insert else ""}
            sent = time.perf_counter()
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                     "contentChanges": [change]})
            awaited = either(is_diagnostics(uri, version), is_progress("end"))
            while True:  # the diagnostics of this version, noting the scan's end if it comes first
                stamp, message = client.wait_for(awaited, timeout=120)
                if message.get("method") == "$/progress":
                    ended = stamp
                    continue
                latencies.append(stamp - sent)
                break
            time.sleep(0.1)  # typing speed: about eight keystrokes a second with the check
        result["scan_s"] = ended - begin
        result["edits_during_scan"] = len(latencies)
        result["did_change_during_scan_ms"] = summary(latencies)
        # The server's CPU per edit (it does little else meanwhile): with the machine's load, what explains the wait.
        result["server_cpu_per_edit_ms"] = (cpu_seconds(client.process.pid) - server_cpu) * 1000 / len(latencies)
        result["rss_all_processes_peak_mib"] = peak.peak
        result["rss_at_peak_mib"] = {name: round(value, 1) for name, value in peak.parts.items()}
        result["rss_server_at_scan_end_mib"] = client.rss_mib()
        result["scan_helper_cpu_s"] = peak.cpu.get("scan helper")
    finally:
        peak.stopped = True
        stop_server(client)
    check_times, check_cpu = [], []
    for _ in range(cli_runs):
        started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([python, "-m", "ssot_lsp", "check", "--format", "json", "."], cwd=WORKSPACE,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        check_times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the CLI and its worker processes
        check_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    result["cli_check_s"] = {"median": statistics.median(check_times), "runs": [round(t, 2) for t in check_times]}
    result["cli_check_cpu_s"] = statistics.median(check_cpu)
    result["scan_vs_cli_check"] = result["scan_s"] / result["cli_check_s"]["median"]
    if result["scan_helper_cpu_s"]:  # the same ratio in CPU time: less sensitive to a shared machine's load
        result["scan_vs_cli_check_cpu"] = result["scan_helper_cpu_s"] / result["cli_check_cpu_s"]
    measured = {"scan_vs_cli_check": result["scan_vs_cli_check"],
                "did_change_p95_during_scan_ms": result["did_change_during_scan_ms"]["p95"],
                "rss_all_processes_peak_mib": result["rss_all_processes_peak_mib"]}
    result["targets"] = {name: {"measured": round(value, 2), "target": SCAN_TARGETS[name],
                                "met": value <= SCAN_TARGETS[name]} for name, value in measured.items()}
    result["load_average_end"] = load_average()
    return result


def measure_fixes(client: Client, rounds: int = 10) -> dict:
    """Quick fix and fix-all on a 3,000-line file with 50 violations, with hover and completion meanwhile."""
    import random

    path = WORKSPACE / "big_fix.py"
    text = corpus.big_editor_file(random.Random(23), violations=50)
    path.write_text(text)
    uri = path.as_uri()
    lines = text.split("\n")
    comment = max(n for n, row in enumerate(lines) if row.startswith("# filler"))
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                            "text": text}})
    _, published = client.wait_for(is_diagnostics(uri, 1), timeout=120)
    version, quick, hovers, completions, preferred = 1, [], [], [], 0

    def document(position: dict) -> dict:
        return {"textDocument": {"uri": uri}, "position": position}

    def alongside(pending) -> tuple[float, dict]:
        """A hover and a completion while `pending` is computed, then its answer."""
        diagnostic = published["params"]["diagnostics"][0]
        hovers.append(client.request("textDocument/hover", document(diagnostic["range"]["start"]))[0])
        completions.append(client.request("textDocument/completion",
                                          document({"line": comment, "character": 0}))[0])
        return client.finish(pending)

    for index in range(rounds):
        version += 1  # an edit first: a new version, nothing planned for it yet
        column = len(lines[comment]) if index % 2 == 0 else len(lines[comment]) + 2
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
            {"range": {"start": {"line": comment, "character": column - (0 if index % 2 == 0 else 2)},
                       "end": {"line": comment, "character": column}}, "text": " x" if index % 2 == 0 else ""}]})
        _, published = client.wait_for(is_diagnostics(uri, version), timeout=120)
        diagnostic = published["params"]["diagnostics"][(index * 7) % len(published["params"]["diagnostics"])]
        elapsed, answer = alongside(client.send("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic], "only": ["quickfix"]}}))
        quick.append(elapsed)
        preferred += any(action.get("isPreferred") for action in answer.get("result") or [])
    fix_all = []
    for _ in range(3):
        started = time.perf_counter()
        _, answer = alongside(client.send("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                    "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]}}))
        action = (answer.get("result") or [{}])[0]
        if action.get("edit") is None and action:
            _, resolved = alongside(client.send("codeAction/resolve", action))
            action = resolved.get("result") or {}
        fix_all.append(time.perf_counter() - started)
        changed = action.get("edit") is not None
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    path.unlink()  # the workspace stays the 3,037 files the scan measures
    return {"fix_file_violations": len(published["params"]["diagnostics"]),
            "quick_fix_ms": {**summary(quick), "preferred": preferred},
            "fix_all_ms": {**summary(fix_all), "edit": changed},
            "hover_during_fixes_ms": summary(hovers), "completion_during_fixes_ms": summary(completions)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--completions", type=int, default=40)
    parser.add_argument("--starts", type=int, default=5, help="server starts timed to the first diagnostics")
    parser.add_argument("--python", default=sys.executable, help="interpreter with ssot-lsp[lsp] installed")
    parser.add_argument("--scan", action="store_true",
                        help="only the workspace scan: its time against `check` of the same tree, edits during it, "
                             "the RSS of all the server's processes")
    args = parser.parse_args()
    probe = subprocess.run([args.python, "-c", "import ssot_lsp.lsp.server"], capture_output=True, text=True)
    if probe.returncode != 0:
        result = {"status": "server not available", "detail": probe.stderr.strip()[-300:]}
    else:
        try:
            if args.scan:
                result = {"status": "ok", **measure_scan(args.python)}
            else:
                result = measure(args.python, args.edits, args.completions, args.starts)
                result["scan"] = measure_scan(args.python)
        except (TimeoutError, queue.Empty, OSError, StopIteration) as exc:
            result = {"status": "server not available", "detail": f"{type(exc).__name__}: {exc}"}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
