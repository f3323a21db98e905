"""Real editors against the server: headless Neovim 0.7 and Emacs 28 with eglot, on a demo copy.

CI installs the editors (`.ci/run`) and a missing one fails there; elsewhere these tests
are skipped, naming the Debian package to install.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.programs import require_program

DEMO = Path(__file__).resolve().parents[2] / "examples" / "netra_demo"
ROUTES = "netra_backend/app/routes/websocket_routes.py"
CANONICAL = "netra_backend.app.websocket_core.canonical_imports"
PYTHON = sys.executable


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/editors" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    target = tmp_path / "netra_demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def require(binary: str, package: str) -> str:
    return require_program(binary, package=package)


def run_editor(command: list[str], cwd: Path, out: Path) -> list[str]:
    """Run an editor headless under a hard time limit; return the lines its script wrote."""
    completed = subprocess.run(["timeout", "-k", "5", "120", *command], cwd=cwd, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True)
    lines = out.read_text().splitlines() if out.exists() else []
    assert completed.returncode == 0 and "ok" in lines, (
        f"exit {completed.returncode}\nscript output:\n" + "\n".join(lines)
        + f"\nstdout:\n{completed.stdout[-3000:]}\nstderr:\n{completed.stderr[-3000:]}")
    return lines
