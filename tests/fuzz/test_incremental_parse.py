"""Incremental re-parsing gives exactly the tree a full parse gives, or declines."""

from __future__ import annotations

import ast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lsp.source import decode, parse, reparse
from tests.conftest import DEMO

SOURCES = [decode(p.read_bytes()).text for p in sorted(DEMO.rglob("*.py")) if p.stat().st_size > 300]
PIECES = st.sampled_from(["x", " ", "(", ")", ":", "'", '"""', "#", "  # note", "\\", "import os", "pass",
                          "get_websocket_manager()", ",", "=", "    ", "def", "@", "from . import a"])


def dump(tree: ast.AST) -> str:
    return ast.dump(tree, include_attributes=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_reparse_matches_a_full_parse(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(SOURCES))
    previous = parse(text)
    assert previous is not None and not previous.broken
    for _ in range(data.draw(st.integers(1, 5))):
        rows = text.split("\n")
        line = data.draw(st.integers(0, len(rows) - 1))
        column = data.draw(st.integers(0, len(rows[line])))
        if data.draw(st.booleans()):
            rows[line] = rows[line][:column] + data.draw(PIECES) + rows[line][column:]
        else:
            rows[line] = rows[line][:column] + rows[line][column + data.draw(st.integers(1, 6)):]
        text = "\n".join(rows)
        reparsed = reparse(previous, text)
        try:
            expected = ast.parse(text)
        except SyntaxError:
            assert reparsed is None
            return
        if reparsed is not None:
            assert dump(reparsed.tree) == dump(expected)
            previous = reparsed
        else:
            previous = parse(text)


def test_reparse_declines_when_lines_are_added() -> None:
    previous = parse("import os\n\nx = 1\n")
    assert reparse(previous, "import os\n\nx = 1\ny = 2\n") is None


def test_reparse_reuses_untouched_statements() -> None:
    previous = parse("import os\n\ndef f():\n    return 1\n\ny = 2\n")
    reparsed = reparse(previous, "import os\n\ndef f():\n    return 12\n\ny = 2\n")
    assert reparsed is not None
    assert reparsed.tree.body[0] is previous.tree.body[0] and reparsed.tree.body[2] is previous.tree.body[2]
    assert reparsed.tree.body[1] is not previous.tree.body[1]
