"""The pre-commit hooks (SPEC §6) run from this repository via `pre-commit try-repo`.

pre-commit installs the repository into a fresh virtualenv (dependencies come from the
package index), so this test needs network access to PyPI; it is bounded by a timeout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO



def test_manifest_is_valid():
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"ssot-check", "ssot-fix"}
    assert hooks["ssot-check"]["entry"] == "ssot-lsp check" and hooks["ssot-fix"]["entry"] == "ssot-lsp fix"
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types"] == ["python"]

REGISTRY = """\
[[rules]]
id = "SSOT001"
kind = "module"
name = "legacy.factory"
replace = "legacy.canonical"
severity = "error"
"""


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def snapshot(target: Path) -> Path:
    """This working tree (tracked and new files, .gitignore honoured) as a one-commit repo.

    `try-repo` on a dirty checkout would only carry tracked changes; a snapshot tests
    exactly the files on disk.
    """
    listed = subprocess.run(["git", "ls-files", "-z", "-c", "-o", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True, timeout=60).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file() and not name.startswith(("clients/", "benchmarks/")):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", ".")
    git(target, "-c", "user.email=dev@example.com", "-c", "user.name=Dev", "commit", "-q", "-m", "snapshot")
    return target


def try_repo(hooks: Path, project: Path, home: Path, hook: str = "ssot-check") -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PIP_DISABLE_PIP_VERSION_CHECK="1")
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), hook, "--all-files"]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_ssot_check_hook_fails_on_violations_and_passes_when_clean(tmp_path: Path):
    hooks = snapshot(tmp_path / "ssot-lsp")
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    git(project, "config", "user.email", "dev@example.com")
    git(project, "config", "user.name", "Dev")
    (project / "ssot.toml").write_text(REGISTRY, encoding="utf-8")
    (project / "app.py").write_text("from legacy.factory import make\n\nmake()\n", encoding="utf-8")
    git(project, "add", ".")

    failing = try_repo(hooks, project, tmp_path / "cache")
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert "app.py:1:6: SSOT001" in output

    # ssot-fix rewrites the import (and fails, as pre-commit hooks do when they change files).
    fixing = try_repo(hooks, project, tmp_path / "cache", "ssot-fix")
    assert fixing.returncode == 1, fixing.stdout + fixing.stderr
    clean = "from legacy.canonical import make\n\nmake()\n"
    assert (project / "app.py").read_text(encoding="utf-8") == clean

    (project / "app.py").write_text(clean, encoding="utf-8")
    git(project, "add", ".")
    passing = try_repo(hooks, project, tmp_path / "cache")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout
