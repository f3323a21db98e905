"""The CLI's outputs on the demo workspace, byte for byte.

Restructuring the engine must change nothing a user sees: each command below is run on a copy
of the demo and compared with the output recorded in `tests/cli/demo_outputs/`. After an
intended change of output, re-record with `SSOT_RECORD_DEMO=1 pytest tests/cli/test_demo_outputs.py`
and review the diff of the recorded files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO

RECORDED = Path(__file__).parent / "demo_outputs"

COMMANDS = {
    "check.txt": ["check", "."],
    "check-full.txt": ["check", "--output-format", "full", "."],
    "check.json": ["check", "--output-format", "json", "."],
    "check.sarif": ["check", "--output-format", "sarif", "."],
    "check-junit.xml": ["check", "--output-format", "junit", "."],
    "check-gitlab.json": ["check", "--output-format", "gitlab", "."],
    "check-pylint.txt": ["check", "--output-format", "pylint", "."],
    "check-github.txt": ["check", "--output-format", "github", "."],
    "check-statistics.txt": ["check", "--statistics", "."],
    "check-diff.txt": ["check", "--diff", "."],
    "check-diff-unsafe.txt": ["check", "--diff", "--unsafe-fixes", "."],
    "rules.txt": ["rules", "."],
    "report.md": ["report", "."],
    "report.json": ["report", "--format", "json", "."],
    "fix.txt": ["fix", "."],
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    produced = {}
    for name, args in COMMANDS.items():
        # A fresh copy per command: `fix` writes, and nothing may depend on the order.
        workspace = tmp_path_factory.mktemp("demo") / "netra_demo"
        shutil.copytree(DEMO, workspace, ignore=shutil.ignore_patterns("__pycache__"))
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
        run = subprocess.run([sys.executable, "-m", "ssot_lsp", *args], cwd=workspace, env=env,
                             capture_output=True, timeout=120)
        # Where the copy lives is the only thing that may differ between runs.
        text = run.stdout.replace(workspace.as_uri().encode(), b"file://<demo>")
        produced[name] = b"exit %d\n" % run.returncode + text.replace(str(workspace).encode(), b"<demo>")
    return produced


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_demo_output_is_unchanged(outputs: dict[str, bytes], name: str) -> None:
    recorded = RECORDED / name
    if os.environ.get("SSOT_RECORD_DEMO") == "1":
        RECORDED.mkdir(exist_ok=True)
        recorded.write_bytes(outputs[name])
    assert outputs[name] == recorded.read_bytes(), f"`ssot-lsp {' '.join(COMMANDS[name])}` changed its output"
