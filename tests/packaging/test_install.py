"""What `pip install ssot-lsp` gives (SPEC §9): the language server without extras, and a
command line that still loads none of the server's libraries.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.reliability.frames import encode, read_message

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "netra_demo"
SERVER_LIBRARIES = ("pygls", "lsprotocol", "jedi", "cattrs", "attrs")


def imported_modules(importtime_stderr: str) -> set:
    """Module names in `python -X importtime` output."""
    return set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", importtime_stderr, re.M))


def test_the_command_line_loads_none_of_the_server_libraries():
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ssot_lsp", "check", str(DEMO), "--jobs", "1"],
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert completed.returncode == 1, completed.stderr[-2000:]  # the demo has violations
    loaded = imported_modules(completed.stderr)
    assert "ssot_lsp.runner" in loaded  # the check really ran
    top_level = {name.split(".")[0] for name in loaded}
    assert not top_level & set(SERVER_LIBRARIES), sorted(top_level & set(SERVER_LIBRARIES))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    (built,) = out.glob("ssot_lsp-*.whl")
    return built


def test_the_wheel_requires_the_server_libraries_and_keeps_the_lsp_extra(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(archive.read(n).decode() for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    required = re.findall(r"^Requires-Dist: ([A-Za-z0-9_.-]+)(.*)$", metadata, re.M)
    unconditional = {name.lower() for name, rest in required if "extra ==" not in rest}
    assert {"pygls", "lsprotocol", "jedi", "parso", "pathspec"} <= unconditional
    assert re.search(r"^Provides-Extra: lsp$", metadata, re.M)  # older install instructions keep working


def test_the_wheel_without_extras_serves_diagnostics(wheel: Path, tmp_path: Path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    install = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-3000:]
    workspace = tmp_path / "workspace"
    shutil.copytree(DEMO, workspace, ignore=shutil.ignore_patterns("__pycache__"))
    target = workspace / "netra_backend" / "app" / "routes" / "websocket_routes.py"
    server = subprocess.Popen([str(bin_dir / "ssot-lsp"), "serve"], cwd=workspace, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={**os.environ, "SSOT_LSP_CODE_CACHE": "0"})
    try:
        send = server.stdin.write
        send(encode({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": os.getpid(), "rootUri": workspace.as_uri(), "capabilities": {},
            "workspaceFolders": [{"uri": workspace.as_uri(), "name": "demo"}],
            "initializationOptions": {"ssot": {"scanOnStartup": False, "debounceMs": 0}}}}))
        server.stdin.flush()
        reply = read_message(server.stdout)
        assert reply is not None and reply.get("id") == 1 and "capabilities" in reply["result"], reply
        send(encode({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        send(encode({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": target.as_uri(), "languageId": "python", "version": 1, "text": target.read_text()}}}))
        server.stdin.flush()
        codes = []
        while True:
            message = read_message(server.stdout)
            assert message is not None, server.stderr.read().decode(errors="replace")[-3000:]
            if "id" in message and "method" in message:  # a request to the client: answer it
                result = [{}] * len(message["params"].get("items", [])) if message["method"] == "workspace/configuration" else None
                send(encode({"jsonrpc": "2.0", "id": message["id"], "result": result}))
                server.stdin.flush()
            elif message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == target.as_uri():
                codes = [d["code"] for d in message["params"]["diagnostics"]]
                if codes:
                    break
        assert "SSOT001" in codes, codes
        send(encode({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        server.stdin.flush()
        while (message := read_message(server.stdout)) is not None and message.get("id") != 2:
            pass
        send(encode({"jsonrpc": "2.0", "method": "exit"}))
        server.stdin.close()
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
