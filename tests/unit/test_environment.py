"""Static lookups in the Python environment: does the import a fix writes resolve? (SPEC §12)"""

from __future__ import annotations

import sys
from pathlib import Path

from ssot_lsp import environment
from ssot_lsp.environment import UNKNOWN, Environment


def package(root: Path, name: str, text: str) -> None:
    (root / name).mkdir(parents=True)
    (root / name / "__init__.py").write_text(text)


def test_names_read_from_the_files_on_the_path(tmp_path: Path) -> None:
    package(tmp_path, "lib", "from .core import thing\nVALUE = 1\ndef helper(): ...\n")
    (tmp_path / "lib" / "core.py").write_text("thing = 1\n")
    env = Environment([str(tmp_path)])
    assert env.provides("lib", "VALUE") is True and env.provides("lib", "thing") is True
    assert env.provides("lib", "core") is True  # a submodule
    assert env.provides("lib", "gone") is False
    assert env.provides("lib.core", None) is True and env.provides("lib.missing", None) is False
    assert env.has("lib") and not env.has("other")


def test_a_module_that_fills_its_namespace_at_run_time_cannot_be_judged(tmp_path: Path) -> None:
    package(tmp_path, "dyn", "globals().update(made=1)\n")
    package(tmp_path, "lazy", "def __getattr__(name): ...\n")
    env = Environment([str(tmp_path)])
    assert env.provides("dyn", "made") == UNKNOWN and env.provides("lazy", "anything") == UNKNOWN


def test_the_standard_library_is_asked_directly() -> None:
    env = Environment(sys.path)
    assert env.provides("http.client", "OK") is True  # defined at run time from HTTPStatus
    assert env.provides("collections.abc", "Mapping") is True
    assert env.provides("collections", "Mapping") is (sys.version_info < (3, 10))
    assert env.provides("unittest", "mock") is True


def test_the_default_environment_follows_sys_path(tmp_path: Path, monkeypatch) -> None:
    """A long-lived process (a test run, the server) may change sys.path: lookups follow it."""
    package(tmp_path, "onlyhere", "")
    monkeypatch.delenv(environment.PROJECT_PYTHON, raising=False)
    assert not environment.default_environment().has("onlyhere")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert environment.default_environment().has("onlyhere")
    monkeypatch.undo()
    assert not environment.default_environment().has("onlyhere")


def test_the_current_folder_entry_is_left_to_the_workspace(tmp_path: Path, monkeypatch) -> None:
    package(tmp_path, "here", "")
    monkeypatch.chdir(tmp_path)
    assert not Environment(["", *sys.path[1:]]).has("here")
