"""Import statements on one line are laid out by a regex; the result equals tokenize's."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest

from ssot_lsp import import_layout as layout_module
from ssot_lsp.bindings import node_span
from ssot_lsp.import_layout import import_layout
from ssot_lsp.source import LineIndex

FORMS = [
    "import os", "import os.path", "import a.b.c as d, e", "import  a  as  b ,c",
    "from . import x", "from ... import x as y", "from .a.b import (c, d as e)", "from a import *",
    "from a import (b,)", "from  a.b  import  c as d , e", "import ünïcode.mödule as ñ",
    "if True: import os; import sys",
]


def layouts(source: str, force_tokenize: bool, monkeypatch: pytest.MonkeyPatch) -> list:
    lines = LineIndex(source)
    tree = ast.parse(source)
    found = []
    with monkeypatch.context() as patch:
        if force_tokenize:  # every statement goes through tokenize
            patch.setattr(layout_module, "_one_line", lambda segment: False)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(import_layout(node, lines, node_span(lines, node)))
    return found


def parses(line: str) -> bool:
    try:
        ast.parse(line)
    except SyntaxError:
        return False
    return True


@pytest.mark.parametrize("source", FORMS)
def test_one_line_layout_equals_tokenize(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert layouts(source, False, monkeypatch) == layouts(source, True, monkeypatch)


def test_standard_library_imports_lay_out_as_tokenize_does(monkeypatch: pytest.MonkeyPatch) -> None:
    stdlib = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[::2]
    source = "\n".join(
        line for path in stdlib for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
        if line.startswith(("import ", "from ")) and parses(line)
    )
    assert source.count("\n") > 300
    assert layouts(source, False, monkeypatch) == layouts(source, True, monkeypatch)
