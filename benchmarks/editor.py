#!/usr/bin/env python3
"""Editor latency of the ssot-lsp language server, measured over the real protocol (stdio).

    python benchmarks/editor.py [--json] [--edits 60] [--completions 40]

Speaks JSON-RPC itself (no client library), as an editor would:
- start → first diagnostics: from spawning `python -m ssot_lsp` to the first
  `publishDiagnostics` of the opened 3,000-line file (20 violations);
- didChange → publishDiagnostics: median and p95 over incremental one-character edits,
  with `ssot.debounceMs` = 0;
- completion: median and p95 of `textDocument/completion` at a half-typed name;
- RSS of the server after its background scan of the 3,000-file workspace.
Prints "server not available" (and exits 0) when the server cannot be started.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

WORKSPACE = HERE / ".work" / "editor-workspace"
SETTINGS = {"debounceMs": 0, "diagnosticScope": "openFiles", "scanOnStartup": True}


class Client:
    """A minimal LSP client over a subprocess's stdio."""

    def __init__(self, command: list[str], cwd: Path):
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.responses: dict[int, queue.Queue] = {}
        self.notifications: "queue.Queue[tuple[float, dict]]" = queue.Queue()
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        with self.lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length is None:
                continue
            message = json.loads(stream.read(length))
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
        with open(f"/proc/{self.process.pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()


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


def measure(python: str, edits: int, completions: int) -> dict:
    if not (WORKSPACE / "big.py").exists():
        corpus.generate_editor_workspace(WORKSPACE)
    big = WORKSPACE / "big.py"
    uri = big.as_uri()
    text = big.read_text()
    client = Client([python, "-m", "ssot_lsp"], WORKSPACE)
    try:
        capabilities = {
            "textDocument": {"synchronization": {"didSave": True}, "publishDiagnostics": {"versionSupport": True},
                             "completion": {"completionItem": {"snippetSupport": True}}},
            "workspace": {"configuration": True, "workspaceFolders": True},
            "window": {"workDoneProgress": True},
        }
        client.request("initialize", {"processId": os.getpid(), "rootUri": WORKSPACE.as_uri(),
                                      "workspaceFolders": [{"uri": WORKSPACE.as_uri(), "name": "ws"}],
                                      "capabilities": capabilities, "initializationOptions": SETTINGS}, timeout=60)
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                "text": text}})
        stamp, first = client.wait_for(is_diagnostics(uri), timeout=60)
        result: dict = {"status": "ok", "start_to_first_diagnostics_s": stamp - client.started,
                        "violations_in_big_file": len(first["params"]["diagnostics"])}

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
        result["did_change_to_diagnostics_ms"] = {"median": statistics.median(latencies) * 1000,
                                                  "p95": p95(latencies) * 1000, "n": len(latencies)}

        # Half-typed name on a new line inside a function body.
        version += 1
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
            {"range": {"start": {"line": edit_line + 1, "character": 0}, "end": {"line": edit_line + 1, "character": 0}},
             "text": "    create_iso\n"}]})
        completion_times = []
        for _ in range(completions):
            elapsed, response = client.request("textDocument/completion", {
                "textDocument": {"uri": uri}, "position": {"line": edit_line + 1, "character": 14}}, timeout=30)
            completion_times.append(elapsed)
        items = response.get("result") or {}
        items = items.get("items", []) if isinstance(items, dict) else items
        result["completion_ms"] = {"median": statistics.median(completion_times) * 1000,
                                   "p95": p95(completion_times) * 1000, "n": len(completion_times),
                                   "items": len(items)}

        try:
            def scan_done(message: dict) -> bool:
                value = message.get("params", {}).get("value", {})
                return ((message.get("method") == "$/progress" and value.get("kind") == "end")
                        or "workspace scan done" in str(message.get("params", {}).get("message", "")))
            scan_stamp, _ = client.wait_for(scan_done, timeout=600)
            result["workspace_scan_s"] = scan_stamp - client.started
        except (TimeoutError, queue.Empty):
            result["workspace_scan_s"] = None
        result["rss_after_scan_mib"] = client.rss_mib()
        result["workspace_files"] = sum(1 for _ in WORKSPACE.rglob("*.py"))
        return result
    finally:
        client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--completions", type=int, default=40)
    parser.add_argument("--python", default=sys.executable, help="interpreter with ssot-lsp[lsp] installed")
    args = parser.parse_args()
    probe = subprocess.run([args.python, "-c", "import ssot_lsp.lsp.server"], capture_output=True, text=True)
    if probe.returncode != 0:
        result = {"status": "server not available", "detail": probe.stderr.strip()[-300:]}
    else:
        try:
            result = measure(args.python, args.edits, args.completions)
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
