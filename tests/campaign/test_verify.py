"""`fix --verify CMD` and `fix --undo` (SPEC §14) on the campaign workspace."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from .workspace import ssot, write_workspace

# Fails (and says why) when app/other.py imports from pkg.new: that file's fix "breaks the tests".
CHECKER = """\
import pathlib, sys
if b"from pkg.new" in pathlib.Path("app/other.py").read_bytes():
    print("test_other FAILED: other.py must keep pkg.old")
    sys.exit(1)
print("all tests passed")
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    workspace = write_workspace(tmp_path / "ws")
    (workspace / "checker.txt").write_text(CHECKER, encoding="utf-8")
    # CRLF line endings and a latin-1 comment: "restored byte for byte" must mean bytes.
    other = workspace / "app/other.py"
    other.write_bytes(b"# -*- coding: latin-1 -*-\r\n# caf\xe9\r\n" + other.read_bytes().replace(b"\n", b"\r\n"))
    return workspace


def command() -> str:
    return f'"{sys.executable}" checker.txt'


def journal(workspace: Path) -> dict:
    runs = sorted((workspace / ".ssot/journal").glob("*.json"))
    assert len(runs) == 1
    return json.loads(runs[0].read_text(encoding="utf-8"))


def test_the_file_that_breaks_the_command_is_restored_and_the_others_stay_fixed(workspace: Path):
    other = workspace / "app/other.py"
    original = other.read_bytes()
    result = ssot(workspace, "fix", "--verify", command(), "--batch-size", "3", ".")
    assert result.returncode == 1, result.stderr  # a file was restored (and CALL001 is flag-only)
    assert other.read_bytes() == original
    assert "from pkg.new import thing" in (workspace / "app/core/a.py").read_text(encoding="utf-8")
    assert "from pkg.new import thing\n" in (workspace / "app/services/b.py").read_text(encoding="utf-8")
    assert "app/other.py: restored (its fixes make" in result.stdout
    assert "test_other FAILED: other.py must keep pkg.old" in result.stdout
    assert "1 file restored because" in result.stderr
    files = {Path(f["path"]).relative_to(workspace).as_posix(): f for f in journal(workspace)["files"]}
    assert {name: f["status"] for name, f in files.items()} == {
        "app/core/a.py": "fixed", "app/services/b.py": "fixed", "app/other.py": "restored"}
    kept = workspace / ".ssot/journal" / files["app/other.py"]["kept_at"]
    assert kept.read_bytes() == original


def test_one_file_per_batch_needs_no_bisection(workspace: Path):
    result = ssot(workspace, "fix", "--verify", command(), "--batch-size", "1", ".")
    assert result.returncode == 1
    assert "4 verification runs" in result.stderr  # the untouched tree, then one per file


def test_a_command_failing_before_any_fix_changes_nothing(workspace: Path):
    before = {p: p.read_bytes() for p in workspace.rglob("*.py")}
    result = ssot(workspace, "fix", "--verify", f'"{sys.executable}" -c "raise SystemExit(3)"', ".")
    assert result.returncode == 2
    assert "fails before any fix" in result.stderr
    assert {p: p.read_bytes() for p in workspace.rglob("*.py")} == before


def test_undo_restores_the_last_run_and_refuses_edited_files(workspace: Path):
    before = {p: p.read_bytes() for p in workspace.rglob("*.py")}
    assert ssot(workspace, "fix", "--verify", command(), ".").returncode == 1
    a, b = workspace / "app/core/a.py", workspace / "app/services/b.py"
    b.write_text(b.read_text(encoding="utf-8") + "# edited after the fix\n", encoding="utf-8")
    edited = b.read_bytes()
    result = ssot(workspace, "fix", "--undo")
    assert result.returncode == 2
    assert "app/services/b.py: changed since the fix: left untouched" in result.stderr
    assert "Restored 1 file of run" in result.stderr
    assert a.read_bytes() == before[a] and b.read_bytes() == edited
    # b.py again holds what the fix wrote: a second undo restores it too.
    b.write_bytes(edited.replace(b"# edited after the fix\n", b""))
    assert ssot(workspace, "fix", "--undo").returncode == 0
    assert {p: p.read_bytes() for p in workspace.rglob("*.py")} == before
    assert "Nothing to undo" in ssot(workspace, "fix", "--undo").stderr
