"""Baselines (SPEC §6, §11): record today's violations, report only new ones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def ssot(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ssot_lsp", *args], cwd=cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def insert_after_docstring(path: Path, text: str) -> None:
    data = path.read_bytes()
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    first, rest = data.split(newline, 1)
    path.write_bytes(first + newline + text.encode().replace(b"\n", newline) + rest)


def test_only_new_violations_are_reported(demo_copy: Path):
    recorded = ssot(demo_copy, "baseline", ".")
    assert recorded.returncode == 0, recorded.stderr
    assert "Recorded 31 violations in .ssot-baseline.json" in recorded.stdout
    baseline = json.loads((demo_copy / ".ssot-baseline.json").read_text(encoding="utf-8"))
    assert sum(entry["count"] for entry in baseline["entries"]) == 31
    assert all("line" not in entry for entry in baseline["entries"])

    clean = ssot(demo_copy, "check", "--baseline", ".ssot-baseline.json", ".")
    assert clean.returncode == 0, clean.stdout + clean.stderr

    # Unrelated edits above old violations shift every line...
    routes = demo_copy / "netra_backend/app/routes"
    insert_after_docstring(routes / "admin_routes.py", "\nimport logging\n\nLOG = logging.getLogger(__name__)\n")
    insert_after_docstring(routes / "crlf_routes.py", "# a comment\n# and another\n")
    insert_after_docstring(demo_copy / "netra_backend/app/services/chat_service.py", "\n\n\n")
    # ...and one new violation arrives, identical in kind to a recorded one elsewhere.
    with (routes / "bom_routes.py").open("a", encoding="utf-8") as handle:
        handle.write("\nfrom netra_backend.app.websocket_core.factory import WebSocketManager\n")

    result = ssot(demo_copy, "check", "--baseline", ".ssot-baseline.json", "--format", "json", ".")
    assert result.returncode == 1, result.stderr
    new = json.loads(result.stdout)
    assert [(v["file"], v["line"], v["code"]) for v in new] == [
        ("netra_backend/app/routes/bom_routes.py", 10, "SSOT001"),
    ]


def test_a_second_identical_occurrence_is_new(demo_copy: Path):
    assert ssot(demo_copy, "baseline", "-o", "base.json", ".").returncode == 0
    admin = demo_copy / "netra_backend/app/routes/admin_routes.py"
    with admin.open("a", encoding="utf-8") as handle:
        handle.write("\n\ndef again():\n    return get_websocket_manager()\n")
    result = ssot(demo_copy, "check", "--baseline", "base.json", ".")
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if ": SSOT" in line]
    assert lines == [lines[0]] and lines[0].startswith("netra_backend/app/routes/admin_routes.py:31:12: SSOT003")


def test_baseline_paths_are_relative_to_the_baseline_file(demo_copy: Path):
    assert ssot(demo_copy, "baseline", ".").returncode == 0
    inner = demo_copy / "netra_backend"
    result = ssot(inner, "check", "--baseline", str(demo_copy / ".ssot-baseline.json"), ".")
    assert result.returncode == 0, result.stdout


def test_a_malformed_baseline_is_an_error(demo_copy: Path):
    (demo_copy / "bad.json").write_text("[1, 2]", encoding="utf-8")
    result = ssot(demo_copy, "check", "--baseline", "bad.json", ".")
    assert result.returncode == 2 and "bad.json" in result.stderr
    missing = ssot(demo_copy, "check", "--baseline", "missing.json", ".")
    assert missing.returncode == 2
