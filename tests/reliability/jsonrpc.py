"""A raw JSON-RPC client for `python -m ssot_lsp` over a subprocess pipe.

pytest-lsp's typed client can only send well-formed messages; the abuse and load suites
need to send anything at all (broken JSON, wrong Content-Length, wrong param types) and
to read every frame the server writes, with timeouts, so a hung server fails a test
instead of hanging it.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

from tests.conftest import DEMO
from tests.reliability.frames import encode, read_message

TIMEOUT = 20.0
PROBE_PATH = DEMO / "netra_backend" / "app" / "routes" / "reliability_probe.py"
PROBE_TEXT = (
    "from netra_backend.app.websocket_core import get_websocket_manager\n"
    "import netra_backend.app.websocket_core.factory as old\n"
    "\n"
    "def handler(user_id, connection_id, user_context):\n"
    "    return get_websocket_manager()\n"
)
PROBE_CODES = ["SSOT001", "SSOT003"]
# Settings that keep runs deterministic: no background scan, no debounce wait.
QUIET = {"scanOnStartup": False, "debounceMs": 0, "jediCompletion": False}


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


class ServerDied(AssertionError):
    """The server process exited when it should still be serving."""


class RawServer:
    """One `python -m ssot_lsp` process, spoken to in raw frames."""

    def __init__(self, cwd: Path = DEMO, env: Optional[dict] = None, settings: Optional[dict] = None,
                 python_args: tuple[str, ...] = ()) -> None:
        self.settings = {**QUIET, **(settings or {})}
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, *python_args, "-m", "ssot_lsp"], cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.stderr, env={**os.environ, **(env or {})})
        self.ids = itertools.count(1)
        self.received: list[dict] = []
        self.batches: list[list] = []  # replies that are JSON arrays
        self.closed = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read_frames, daemon=True)
        self._reader.start()

    # -- reading ---------------------------------------------------------------------
    def _read_frames(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            while True:
                message = read_message(stream)
                if message is None:
                    return
                if isinstance(message, list):  # a batch reply: kept apart, its elements have no method
                    with self._changed:
                        self.batches.append(message)
                        self._changed.notify_all()
                    continue
                self._answer_server_request(message)
                with self._changed:
                    self.received.append(message)
                    self._changed.notify_all()
        finally:
            with self._changed:
                self.closed = True
                self._changed.notify_all()

    def _answer_server_request(self, message: dict) -> None:
        """Answer what the server asks the client (configuration, registrations)."""
        if "method" not in message or "id" not in message:
            return
        result: Any = None
        if message["method"] == "workspace/configuration":
            result = [self.settings for _ in message.get("params", {}).get("items", [])]
        try:
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
        except ServerDied:
            pass

    def wait_for(self, predicate: Callable[[dict], bool], timeout: float = TIMEOUT, start: int = 0) -> dict:
        """The first message (from index `start`) that satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for message in self.received[start:]:
                    if predicate(message):
                        return message
                if self.closed:
                    raise ServerDied(f"server exited ({self.process.poll()}): {self.stderr_text()[-2000:]}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no matching message within {timeout}s")
                self._changed.wait(remaining)

    def stderr_text(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    # -- writing ---------------------------------------------------------------------
    def send_bytes(self, data: bytes) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError) as exc:
            raise ServerDied(f"cannot write to the server: {exc}") from exc

    def send(self, message: dict) -> None:
        self.send_bytes(encode(message))

    def notify(self, method: str, params: Any = None) -> None:
        message: dict = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def send_request(self, method: str, params: Any = None) -> int:
        request_id = next(self.ids)
        message: dict = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return request_id

    def response(self, request_id: Any, timeout: float = TIMEOUT) -> dict:
        """The response to the request with this id."""
        return self.wait_for(lambda m: m.get("id") == request_id and "method" not in m, timeout)

    def request(self, method: str, params: Any = None, timeout: float = TIMEOUT) -> dict:
        """Send a request and return its whole response (with `result` or `error`)."""
        return self.response(self.send_request(method, params), timeout)

    # -- conversations -----------------------------------------------------------------
    def initialize(self, root: Path = DEMO, capabilities: Optional[dict] = None) -> dict:
        caps = capabilities if capabilities is not None else {
            "textDocument": {"publishDiagnostics": {"versionSupport": True, "tagSupport": {"valueSet": [1, 2]}}},
            "workspace": {"configuration": True},
        }
        answer = self.request("initialize", {
            "processId": os.getpid(), "rootUri": uri_of(root), "capabilities": caps,
            "workspaceFolders": [{"uri": uri_of(root), "name": root.name}],
            "initializationOptions": self.settings,
        })
        assert "result" in answer, answer
        self.notify("initialized", {})
        return answer["result"]

    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = uri_of(path)
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": version, "text": text}})
        return uri

    def change(self, uri: str, version: int, changes: list[dict]) -> None:
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": changes})

    def pulled_codes(self, uri: str, timeout: float = TIMEOUT) -> list[str]:
        answer = self.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout)
        assert "result" in answer, answer
        return sorted(item["code"] for item in answer["result"]["items"])

    def published(self, uri: str, version: int, timeout: float = TIMEOUT, start: int = 0) -> dict:
        """The first publishDiagnostics for `uri` at `version` (from message index `start`)."""
        return self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                             and m["params"]["uri"] == uri and m["params"].get("version") == version,
                             timeout, start)["params"]

    def open_probe(self) -> str:
        return self.open(PROBE_PATH, PROBE_TEXT)

    def assert_healthy(self, probe_uri: str, timeout: float = TIMEOUT) -> None:
        """The server still answers a normal request, and answers it correctly."""
        assert self.pulled_codes(probe_uri, timeout) == sorted(PROBE_CODES)

    def shutdown_and_exit(self, timeout: float = TIMEOUT) -> int:
        answer = self.request("shutdown")
        assert "error" not in answer, answer
        self.notify("exit")
        return self.process.wait(timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(TIMEOUT)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        self.stderr.close()

    def rss_kib(self) -> int:
        """Resident memory of the server process, from /proc."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0
