"""Only `ssot_lsp/lsp/` may import pygls or lsprotocol; the engine stays protocol-free."""

from __future__ import annotations

import ast
from pathlib import Path

from lsprotocol import types

from ssot_lsp.completion import CANONICAL, DEPRECATED, JEDI, Candidate, context_at, rank
from ssot_lsp.lsp import convert
from ssot_lsp.model import Span
from ssot_lsp.source import LineIndex
from ssot_lsp.suppress import ignore_comment_edit

PACKAGE = Path(__file__).resolve().parents[2] / "ssot_lsp"
PROTOCOL_PACKAGES = {"pygls", "lsprotocol"}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_only_the_lsp_package_imports_the_protocol_libraries():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "lsp" != path.relative_to(PACKAGE).parts[0] and imported_packages(path) & PROTOCOL_PACKAGES
    ]
    assert offenders == []


def test_columns_convert_between_code_points_and_client_units():
    lines = LineIndex('x = "🚀é"; y\n')
    span = Span(0, 9, 0, 10)  # the `y`
    assert convert.lsp_range(lines, span, convert.UTF16).start.character == 10
    assert convert.lsp_range(lines, span, convert.UTF8).start.character == 13
    for encoding, units in ((convert.UTF16, 10), (convert.UTF8, 13)):
        assert convert.engine_position(lines, types.Position(line=0, character=units), encoding) == (0, 9)
    assert convert.choose_encoding(["utf-32", "utf-8"]) == convert.UTF8
    assert convert.choose_encoding(None) == convert.UTF16


def test_completion_ranking_keeps_buckets_and_jedi_order():
    ranked = rank([Candidate("WebSocketManager", "class", CANONICAL)],
                  [Candidate("zeta", "function", JEDI), Candidate("alpha", "function", JEDI),
                   Candidate("WebSocketManager", "class", JEDI)],
                  [Candidate("get_websocket_manager", "function", DEPRECATED)])
    assert [(c.label, c.sort_text) for c in ranked] == [
        ("WebSocketManager", "000000"), ("zeta", "100000"), ("alpha", "100001"), ("get_websocket_manager", "200000")]
    assert ranked[0].preselect and not ranked[1].preselect
    assert context_at("from a.b import (x, Y").kind == "names"
    assert context_at("    return mod.ge").kind == "attribute"


def test_ignore_comment_edit_appends_or_extends():
    lines = LineIndex("import a  # ssot: ignore[S1]\nimport b\nfrom c import \\\n    d\n")
    assert ignore_comment_edit(lines, "S2", 0) == (0, 27, 27, ", S2")
    assert ignore_comment_edit(lines, "S1", 0) is None
    assert ignore_comment_edit(lines, "S2", 1) == (1, 8, 8, "  # ssot: ignore[S2]")
    assert ignore_comment_edit(lines, "S2", 2, 3) == (3, 5, 5, "  # ssot: ignore[S2]")
