"""The server answers every request while documents are edited at random (SPEC §5).

Hypothesis drives one server process through sequences of didOpen / incremental didChange
(random ranges, some outside the document) / completion / hover / codeAction on the demo
workspace's own files. Every request must get a result or an error response, the process
must stay alive, and damage below a region leaves that region's diagnostics unchanged.
The engine itself is fuzzed in tests/fuzz/test_engine_fuzz.py.
"""

from __future__ import annotations

import itertools
from typing import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssot_lsp.source import decode
from tests.conftest import DEMO

from .jsonrpc import PROBE_PATH, PROBE_TEXT, RawServer
from .text_model import NOT_LINE_BREAKS

SOURCES = [decode(p.read_bytes()).text for p in sorted(DEMO.rglob("*.py")) if p.stat().st_size > 200]
JUNK = st.sampled_from(["(", ")", "[", "]", "{", "}", ":", "'", '"', '"""', "\\", "\x00", "\t", "\r",
                        "\r\n", "\n", "def ", "class ", "import ", "from ", " as ", ",", ".", "lambda",
                        "é", "👋", "\ufeff", "𝔘", "get_websocket_manager()", "    ", "", *NOT_LINE_BREAKS])
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
names = itertools.count()


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[RawServer]:
    process = RawServer()
    process.initialize()
    yield process
    process.close()


def positions(line_count: int) -> st.SearchStrategy[dict]:
    """Positions mostly inside the document, some far outside it."""
    line = st.one_of(st.integers(0, max(0, line_count)), st.integers(0, 100_000))
    return st.builds(lambda row, column: {"line": row, "character": column}, line, st.one_of(st.integers(0, 120), st.integers(0, 10**6)))


def operations(line_count: int) -> st.SearchStrategy[tuple]:
    position = positions(line_count)
    change = st.tuples(st.just("change"), position, position, st.lists(JUNK, max_size=4).map("".join))
    request = st.tuples(st.sampled_from(["completion", "hover", "codeAction"]), position, position)
    return st.lists(st.one_of(change, request, st.just(("diagnostic",))), min_size=1, max_size=8)


def ordered(a: dict, b: dict) -> tuple[dict, dict]:
    return (a, b) if (a["line"], a["character"]) <= (b["line"], b["character"]) else (b, a)


def run_request(server: RawServer, uri: str, op: tuple) -> dict:
    kind = op[0]
    document = {"textDocument": {"uri": uri}}
    if kind == "diagnostic":
        return server.request("textDocument/diagnostic", document)
    if kind == "codeAction":
        start, end = ordered(op[1], op[2])
        return server.request("textDocument/codeAction", {**document, "range": {"start": start, "end": end},
                                                          "context": {"diagnostics": []}})
    method = "textDocument/completion" if kind == "completion" else "textDocument/hover"
    return server.request(method, {**document, "position": op[1]})


@FUZZ
@given(data=st.data())
def test_every_request_is_answered_while_editing(fuzz_server: RawServer, data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(SOURCES))
    uri = fuzz_server.open(PROBE_PATH.with_name(f"fuzz_{next(names)}.py"), text)
    version = 1
    for op in data.draw(operations(text.count("\n"))):
        if op[0] == "change":
            version += 1
            start, end = ordered(op[1], op[2])
            fuzz_server.change(uri, version, [{"range": {"start": start, "end": end}, "text": op[3]}])
            continue
        reply = run_request(fuzz_server, uri, op)
        assert ("result" in reply) != ("error" in reply), reply
        if "error" in reply:
            assert reply["error"]["code"] in (-32602, -32800), reply
    reply = run_request(fuzz_server, uri, ("diagnostic",))
    assert "result" in reply, reply
    fuzz_server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert fuzz_server.process.poll() is None


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 80), st.integers(0, 3),
                                st.lists(JUNK, max_size=6).map("".join)), min_size=1, max_size=10))
def test_damage_below_leaves_diagnostics_above_stable(fuzz_server: RawServer, edits: list) -> None:
    protected = PROBE_TEXT.count("\n") + 1  # the probe, then one blank line that edits never reach
    uri = fuzz_server.open(PROBE_PATH.with_name(f"stable_{next(names)}.py"), PROBE_TEXT + "\n" + "x = 1\n" * 5)
    expected = fuzz_server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})["result"]["items"]
    assert [item["code"] for item in expected] == ["SSOT001", "SSOT003"]
    for version, (line, column, span, text) in enumerate(edits, start=2):
        start = {"line": protected + line, "character": column}
        end = {"line": protected + line + span, "character": column}
        fuzz_server.change(uri, version, [{"range": {"start": start, "end": end}, "text": text}])
    items = fuzz_server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})["result"]["items"]
    above = [(item["code"], item["range"]) for item in items if item["range"]["start"]["line"] < protected]
    assert above == [(item["code"], item["range"]) for item in expected]
    fuzz_server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
