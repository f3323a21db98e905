"""Special files never block a run: only regular files are read, and each skip is reported (SPEC §5, §6).

A FIFO named `*.py` blocks whoever opens it for reading until a writer comes, a FIFO
`.gitignore` blocks every config lookup, and a symbolic link to `/dev/zero` is an endless
file. The command line and the server's workspace scan must finish, check the regular
files as usual and say which paths they did not read, and why.
"""

from __future__ import annotations

import json

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ssot_lsp.source import SkippedFile, read_source

from .jsonrpc import RawServer, uri_of

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX feature")
TIMEOUT = 60
CONFIG = '[[rules]]\nid = "T001"\nkind = "module"\nname = "oldmod"\nreplace = "newmod"\n'


@pytest.fixture
def strange_workspace(tmp_path: Path) -> Path:
    (tmp_path / "ssot.toml").write_text(CONFIG)
    (tmp_path / "good.py").write_text("import oldmod\n")
    os.mkfifo(tmp_path / "pipe.py")
    os.mkfifo(tmp_path / ".gitignore")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    (tmp_path / "loop.py").symlink_to(tmp_path / "loop.py")
    return tmp_path


def run_cli(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ssot_lsp", *args], cwd=folder, capture_output=True,
                          text=True, timeout=TIMEOUT)


def test_read_source_reads_regular_files_only(strange_workspace: Path) -> None:
    assert read_source(strange_workspace / "good.py") == b"import oldmod\n"
    for name, reason in (("pipe.py", "a FIFO"), ("zero.py", "a character device"), (".gitignore", "a FIFO")):
        with pytest.raises(SkippedFile, match=reason):
            read_source(strange_workspace / name)
    with pytest.raises(OSError):
        read_source(strange_workspace / "loop.py")
    with pytest.raises(SkippedFile, match="larger than"):
        read_source(strange_workspace / "good.py", limit=4)


def test_check_finishes_and_reports_what_it_did_not_read(strange_workspace: Path) -> None:
    done = run_cli(strange_workspace, "check", ".", "--format", "json")
    assert '"code": "T001"' in done.stdout, done
    # Unread files are errors in the output itself (SSOT-E902 entries), as ruff's E902.
    unread = {(r["file"], r["message"]) for r in json.loads(done.stdout) if r["code"] == "SSOT-E902"}
    for name, reason in (("pipe.py", "a FIFO"), ("zero.py", "a character device"), ("loop.py", "")):
        assert any(name in file and reason in message for file, message in unread), unread
    assert ".gitignore: a FIFO, not a regular file" in done.stderr


def test_check_of_a_fifo_named_directly_reports_it(strange_workspace: Path) -> None:
    done = run_cli(strange_workspace, "check", "pipe.py")
    assert done.returncode == 1, done
    assert "pipe.py:1:1: SSOT-E902 cannot read the file: a FIFO, not a regular file" in done.stdout, done


def test_fix_and_report_finish(strange_workspace: Path) -> None:
    fixed = run_cli(strange_workspace, "fix", ".", "--diff")
    assert "+import newmod" in fixed.stdout, fixed
    assert "pipe.py" in fixed.stdout + fixed.stderr
    report = run_cli(strange_workspace, "report", ".", "--format", "json")
    assert '"total"' in report.stdout, report


def test_workspace_scan_finishes_and_logs_each_skip(strange_workspace: Path) -> None:
    server = RawServer(cwd=strange_workspace, settings={"scanOnStartup": True, "diagnosticScope": "workspace"})
    try:
        server.initialize(root=strange_workspace)
        good = uri_of(strange_workspace / "good.py")
        published = server.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                    and m["params"]["uri"] == good, timeout=TIMEOUT)
        assert [item["code"] for item in published["params"]["diagnostics"]] == ["T001"]
        done = server.wait_for(lambda m: m.get("method") == "window/logMessage"
                               and "workspace scan done" in m["params"]["message"], timeout=TIMEOUT)
        assert done["params"]["message"].endswith("in 1 file(s), 3 file(s) skipped (see the log)"), done
        logged = [m["params"]["message"] for m in server.received if m.get("method") == "window/logMessage"]
        assert any("pipe.py" in line and "a FIFO" in line for line in logged), logged
        assert any("zero.py" in line and "a character device" in line for line in logged), logged
        answer = server.request("ssot/complianceReport", {}, timeout=TIMEOUT)
        assert "result" in answer, answer
    finally:
        server.close()
