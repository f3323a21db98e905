"""mypy stays strict on all of `ssot_lsp/`, and CI runs it (`.ci/run`)."""

from __future__ import annotations

import sys

from tests.conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

LOOSENING = ("ignore_errors", "disable_error_code", "allow_untyped_defs", "allow_incomplete_defs",
             "allow_untyped_calls", "allow_any_generics", "check_untyped_defs", "disallow_untyped_defs")


def test_mypy_is_strict_on_the_whole_package() -> None:
    mypy = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert mypy["strict"] is True
    assert mypy["files"] == ["ssot_lsp"]
    assert mypy["python_version"] == "3.9"  # the oldest Python ssot-lsp supports
    assert not set(mypy) & set(LOOSENING)
    for override in mypy.get("overrides", []):
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        assert not [m for m in modules if m.split(".")[0] == "ssot_lsp"], override  # third-party only
        assert set(override) <= {"module", "ignore_missing_imports"}, override


def test_ci_runs_mypy_with_the_project_configuration() -> None:
    steps = [line.strip() for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert ".venv/bin/python -m mypy" in steps  # its own line: `set -e` fails the run on any error
