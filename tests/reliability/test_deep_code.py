"""Deeply nested code never costs a document its diagnostics, hover or code actions (SPEC §5).

A valid `'a' + 'a' + ...` of 500 terms is deeper than Python's default recursion limit.
The command line reports such a file's violations; the server must publish the same ones,
answer hover on them and offer their fixes. Deeper still, the too-deep statement is left
out and every other line keeps its diagnostics.
"""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys

import pytest

from ssot_lsp.source import neutralise_deep_statements, parse
from tests.conftest import DEMO

from .jsonrpc import PROBE_PATH, PROBE_TEXT, RawServer

names = itertools.count()
CALL_LINE = PROBE_TEXT.count("\n") + 1  # the line after the deep statement


def deep_text(terms: int) -> str:
    return PROBE_TEXT + "x = " + " + ".join(["'a'"] * terms) + "\ny = get_websocket_manager()\n"


def cli_codes(text: str) -> list[tuple[str, int]]:
    """What `ssot-lsp check` reports for `text` saved next to the probe: (code, 0-based line)."""
    path = PROBE_PATH.with_name(f"deep_cli_{next(names)}.py")
    path.write_text(text)
    try:
        done = subprocess.run([sys.executable, "-m", "ssot_lsp", "check", "--format", "json", str(path)],
                              cwd=DEMO, capture_output=True, text=True, timeout=120)
    finally:
        path.unlink()
    import json

    return sorted((item["code"], item["line"] - 1) for item in json.loads(done.stdout))


@pytest.mark.parametrize("terms", [500, 5000, 30000])
def test_deep_expressions_keep_every_diagnostic(server: RawServer, terms: int) -> None:
    text = deep_text(terms)
    uri = server.open(PROBE_PATH.with_name(f"deep_{next(names)}.py"), text)
    published = server.published(uri, 1, timeout=60)
    pushed = sorted((item["code"], item["range"]["start"]["line"]) for item in published["diagnostics"])
    assert pushed == cli_codes(text)
    assert ("SSOT003", CALL_LINE) in pushed
    answer = server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout=60)
    assert sorted((item["code"], item["range"]["start"]["line"]) for item in answer["result"]["items"]) == pushed
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


@pytest.mark.parametrize("terms", [500, 5000])
def test_hover_and_code_actions_answer_on_deep_documents(server: RawServer, terms: int) -> None:
    uri = server.open(PROBE_PATH.with_name(f"deep_{next(names)}.py"), deep_text(terms))
    position = {"line": CALL_LINE, "character": 6}
    hover = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position}, timeout=60)
    assert "SSOT003" in str(hover.get("result")) or "get_websocket_manager" in str(hover.get("result")), hover
    diagnostics = server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout=60)
    on_call = [item for item in diagnostics["result"]["items"] if item["range"]["start"]["line"] == CALL_LINE]
    actions = server.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": on_call[0]["range"], "context": {"diagnostics": on_call}}, timeout=60)
    assert "result" in actions, actions
    assert any(action.get("kind") == "quickfix" for action in actions["result"]), actions
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def test_only_the_too_deep_statements_are_neutralised() -> None:
    text = "import os\r\ndef f():\r\n    y = (" + " + ".join(["1"] * 300) + " +\r\n  2)\r\n    return y\r\nz = 1\r\n"
    shallow, lines = neutralise_deep_statements(text, 100)
    assert lines == [2, 3]
    assert shallow == "import os\r\ndef f():\r\n    pass\r\n\r\n    return y\r\nz = 1\r\n"
    assert neutralise_deep_statements("x = 1 + 2\n", 100) == ("x = 1 + 2\n", [])


def test_a_broken_document_with_a_too_deep_statement_keeps_the_rest() -> None:
    text = "import os\ndef f(:\n    pass\nx = " + " + ".join(["1"] * 30000) + "\ny = os.sep\n"
    parsed = parse(text)
    assert parsed is not None and 3 in parsed.broken and 1 in parsed.broken
    assert [type(node).__name__ for node in parsed.tree.body][0] == "Import"
    assert any(isinstance(node, ast.Assign) and node.lineno == 5 for node in parsed.tree.body)
