"""`ssot-lsp check` on the demo workspace: the complete list of planted violations."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import DEMO

# Every planted violation, by file: (line, column, code), 1-based columns in code points.
EXPECTED = {
    "netra_backend/app/agents/supervisor/pipeline.py": [
        (6, 70, "SSOT005"),   # import inside try/except ImportError
        (16, 15, "SSOT002"),  # call of a name imported inside the function
        (17, 14, "SSOT005"),  # engines.ExecutionEngine: symbol through a module object
        (22, 36, "SSOT001"),  # importlib.import_module("...factory")
        (26, 23, "SSOT001"),  # __import__("...factory")
    ],
    "netra_backend/app/routes/admin_routes.py": [
        (3, 12, "SSOT001"),   # import os, ...factory as wsf
        (4, 6, "SSOT001"),    # backslash continuation
        (6, 72, "SSOT004"),   # after a semicolon
        (11, 6, "SSOT001"),   # star import (flag only)
        (15, 12, "SSOT002"),  # alias from a parenthesised import, positional argument
        (19, 12, "SSOT002"),  # no arguments: the TEST-mode template
        (27, 12, "SSOT003"),  # singleton accessor with user_id/connection_id/user_context in scope
    ],
    "netra_backend/app/routes/bom_routes.py": [
        (7, 37, "SSOT003"),   # BOM file, emoji before the callee
    ],
    "netra_backend/app/routes/crlf_routes.py": [
        (3, 66, "SSOT005"),   # CRLF file
        (4, 6, "SSOT001"),
    ],
    "netra_backend/app/routes/latin1_routes.py": [
        (8, 31, "SSOT003"),   # Latin-1 coding cookie, non-ASCII before the callee
    ],
    "netra_backend/app/routes/websocket_routes.py": [
        (3, 8, "SSOT001"),    # import a.b.c
        (4, 8, "SSOT001"),    # import a.b.c as x
        (6, 64, "SSOT-CANON"),  # canonical symbol imported from its origin
        (10, 15, "SSOT003"),  # through the shim's re-export
        (16, 12, "SSOT002"),  # ws_factory.create_websocket_manager(): module object
        (24, 12, "SSOT003"),  # no context in scope: manual
    ],
    "netra_backend/app/routes/websocket_routes.pyi": [
        (1, 66, "SSOT005"),
        (2, 64, "SSOT-CANON"),
    ],
    "netra_backend/app/services/chat_service.py": [
        (8, 33, "SSOT004"),   # relative import
        (10, 46, "SSOT-CANON"),  # canonical symbol through the shim
        (14, 70, "SSOT005"),  # if TYPE_CHECKING:
        (18, 10, "SSOT001"),  # import in a class body
        (21, 24, "SSOT002"),  # keyword argument bound through params
        (23, 25, "SSOT004"),  # notifiers.WebSocketNotifier: module object
        (26, 16, "SSOT003"),  # `from .. import websocket_core` then websocket_core.get_websocket_manager()
    ],
}


def run_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ssot_lsp.cli", "check", *args],
        cwd=DEMO, capture_output=True, text=True, timeout=120,
    )


def test_check_demo_json_lists_exactly_the_planted_violations() -> None:
    result = run_check(".", "--format", "json")
    assert result.returncode == 1, result.stderr
    records = json.loads(result.stdout)
    found: dict[str, list[tuple[int, int, str]]] = {}
    for record in records:
        found.setdefault(record["file"], []).append((record["line"], record["column"], record["code"]))
    assert found == EXPECTED


def test_json_records_have_the_pinned_keys() -> None:
    records = json.loads(run_check("--format", "json").stdout)
    assert records
    for record in records:
        assert set(record) == {"file", "line", "column", "end_line", "end_column", "code", "message",
                               "severity", "fix"}
        assert record["fix"] in ("auto", "manual", None)
        assert record["end_line"] > record["line"] or record["end_column"] > record["column"]
    manual = {(r["file"], r["line"]) for r in records if r["fix"] == "manual"}
    assert manual == {
        ("netra_backend/app/routes/latin1_routes.py", 8),
        ("netra_backend/app/routes/websocket_routes.py", 24),
        ("netra_backend/app/services/chat_service.py", 26),
    }
    star = [r for r in records if r["file"].endswith("admin_routes.py") and r["line"] == 11]
    assert star[0]["fix"] is None


def test_text_output_and_summary() -> None:
    result = run_check("netra_backend/app/routes/websocket_routes.py")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "netra_backend/app/routes/websocket_routes.py:3:8: SSOT001 [*] The websocket factory module is "
        "deprecated; import from canonical_imports (use 'netra_backend.app.websocket_core.canonical_imports')"
    )
    assert lines[-2].startswith("Found 6 violations in 1 file")
    assert lines[-1].startswith("[*] ") and "fixable with `ssot-lsp fix`" in lines[-1]


def test_select_ignore_statistics_and_exit_zero() -> None:
    selected = json.loads(run_check("--format", "json", "--select", "SSOT00").stdout)
    assert selected and all(r["code"].startswith("SSOT00") for r in selected)
    ignored = json.loads(run_check("--format", "json", "--ignore", "SSOT001,SSOT-CANON").stdout)
    assert ignored and not {r["code"] for r in ignored} & {"SSOT001", "SSOT-CANON"}
    statistics = run_check("--statistics", "--exit-zero")
    assert statistics.returncode == 0
    assert any(line.split()[:2] == ["9", "SSOT001"] for line in statistics.stdout.splitlines())


def test_jobs_give_the_same_answer() -> None:
    serial = json.loads(run_check("--format", "json", "--jobs", "1").stdout)
    parallel = json.loads(run_check("--format", "json", "--jobs", "2").stdout)
    assert serial == parallel


def test_clean_file_exits_zero() -> None:
    result = run_check("netra_backend/app/services/lookalikes.py")
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("All checks passed")
