"""A test that drives an editor or a browser skips without it, except under CI, where it fails."""

from __future__ import annotations


import pytest

from tests.programs import require_program

MISSING = "ssot-lsp-no-such-program"


def test_a_missing_program_skips_naming_the_package(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install some-package"):
        require_program(MISSING, package="some-package")


def test_a_missing_program_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"CI runs this test"):
        require_program(MISSING, package="some-package")


def test_a_present_program_is_found(monkeypatch, tmp_path):
    program = tmp_path / "fake-editor"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    assert require_program(MISSING, "fake-editor", package="x") == str(program)
