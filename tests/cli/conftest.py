"""Run the command line in-process (fast) on small projects written into a temporary folder."""

from __future__ import annotations

import io
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pytest

from ssot_lsp.cli import main

MODULE_RULES = """
[[rules]]
id = "OLD001"
kind = "module"
name = "oldmod"
replace = "newmod"

[[rules]]
id = "OLD002"
kind = "call"
name = "lib.get_manager"
replace = ["lib.create_manager()"]
"""


@dataclass
class Ran:
    code: int
    out: str
    err: str


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """`project({"a.py": "...", ...}, config=...)`: write the files (dedented) and an ssot.toml."""

    def write(files: dict[str, str], config: Optional[str] = MODULE_RULES) -> Path:
        if config is not None:
            (tmp_path / "ssot.toml").write_text(textwrap.dedent(config), encoding="utf-8")
        for name, text in files.items():
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path

    return write


@pytest.fixture
def ssot(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> Callable[..., Ran]:
    """`ssot(folder, *args, stdin=b"...")`: run `ssot-lsp ARGS` in `folder`; exit code, stdout, stderr."""

    def run(folder: Path, *args: str, stdin: Optional[bytes] = None) -> Ran:
        monkeypatch.chdir(folder)
        monkeypatch.delenv("FORCE_COLOR", raising=False)
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run
