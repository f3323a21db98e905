"""jedi completes against the project's Python (`SSOT_LSP_JEDI_PYTHON`) when the server runs on
another one, as the VS Code extension's bundled server does (SPEC §9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ssot_lsp.lsp import jedi_jobs

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project_python(tmp_path: Path, monkeypatch) -> str:
    """A fresh venv with one package of its own, `projectonly`, and no ssot-lsp."""
    venv = tmp_path / "project-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "projectonly").mkdir()
    (Path(purelib) / "projectonly" / "__init__.py").write_text("VALUE = 1\n")
    return str(python)


def names(text: str, folder: Path) -> list:
    """jedi's completions at the end of a one-line file in `folder` (outside the repository), from fresh jobs."""
    return [name for name, _ in jedi_jobs.JediJobs().complete(text, str(folder / "edited.py"), 0, len(text))]


def test_completion_sees_the_project_environment(project_python, monkeypatch, tmp_path):
    monkeypatch.delenv(jedi_jobs.PROJECT_PYTHON, raising=False)
    assert "projectonly" not in names("import projecto", tmp_path)  # the server's own Python lacks it
    monkeypatch.setenv(jedi_jobs.PROJECT_PYTHON, project_python)
    assert "projectonly" in names("import projecto", tmp_path)


def test_the_server_library_folder_is_not_the_projects(project_python, monkeypatch, tmp_path):
    # The bundled server runs with its library folder on PYTHONPATH; the project must not see it.
    own = str(Path(jedi_jobs.__file__).resolve().parents[2])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([own, "/somewhere/else"]))
    monkeypatch.setenv(jedi_jobs.PROJECT_PYTHON, project_python)
    env = jedi_jobs.project_env_vars()
    assert env["PYTHONPATH"] == "/somewhere/else" and jedi_jobs.PROJECT_PYTHON not in env
    assert "ssot_lsp" not in names("import ssot_ls", tmp_path)


def test_an_unusable_project_python_falls_back_to_the_servers(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(jedi_jobs.PROJECT_PYTHON, str(tmp_path / "no-such-python"))
    assert "path" in names("import os; os.pa", tmp_path)  # the server's own environment answered
    assert "cannot use" in caplog.text


def test_fixes_check_their_imports_against_the_projects_python(project_python, monkeypatch):
    """SPEC §12: an import a fix writes must resolve in the project's environment, not the bundle's."""
    from ssot_lsp import environment

    monkeypatch.setenv(environment.PROJECT_PYTHON, project_python)
    project = environment._project_environment()
    assert project is not None
    assert project.has("projectonly") and project.provides("projectonly", "missing_name") is False
    assert not environment.Environment().has("projectonly")  # the server's own Python lacks it
