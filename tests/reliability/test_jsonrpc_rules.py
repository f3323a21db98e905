"""The JSON-RPC layer answers what the specification says, over raw frames (SPEC §5).

Huge Content-Length values are refused and the stream goes on; header names in any case
and LF-only header lines are understood; requests before `initialize` get
ServerNotInitialized, messages that are not JSON-RPC 2.0 requests get InvalidRequest
(with their id when it is a valid one, else `"id": null`), and a batch gets one error per
element.
"""

from __future__ import annotations

import json

import pytest

from .frames import encode, frame
from .jsonrpc import PROBE_PATH, RawServer

PARSE_ERROR, INVALID_REQUEST, SERVER_NOT_INITIALIZED = -32700, -32600, -32002


def null_id_error(server: RawServer, start: int, code: int) -> dict:
    reply = server.wait_for(lambda m: "error" in m and "id" in m and m["id"] is None, start=start)
    assert reply["error"]["code"] == code, reply
    return reply


@pytest.mark.parametrize("length", [1_000_000_000_000, 9_223_372_036_854_775_808, 2_000_000_000])
def test_a_huge_content_length_is_refused_and_the_stream_goes_on(server: RawServer, length: int) -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": 7_000, "method": "textDocument/diagnostic",
                       "params": {"textDocument": {"uri": server.probe}}}).encode()
    server.send_bytes(b"Content-Length: %d\r\n\r\n" % length + body)
    server.assert_healthy(server.probe, timeout=10)
    assert f"ignoring a frame of {length} bytes" in server.stderr_text()
    assert all(m.get("id") != 7_000 for m in server.received)  # the refused frame was not run


@pytest.mark.parametrize("header, blank", [
    (b"content-length: %d\r\n", b"\r\n"),
    (b"CONTENT-LENGTH:%d\r\n", b"\r\n"),
    (b"Content-Length: %d\n", b"\n"),
    (b"content-length : %d\nContent-Type: application/vscode-jsonrpc; charset=utf-8\n", b"\n"),
], ids=["lowercase", "uppercase-no-space", "lf-only", "lf-only-two-headers"])
def test_header_spellings_are_understood(server: RawServer, header: bytes, blank: bytes) -> None:
    request_id = 7_100 + len(server.received)
    body = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": "textDocument/diagnostic",
                       "params": {"textDocument": {"uri": server.probe}}}).encode()
    server.send_bytes(header % len(body) + blank + body)
    reply = server.response(request_id, timeout=10)
    assert sorted(item["code"] for item in reply["result"]["items"]) == ["SSOT001", "SSOT003"]


@pytest.mark.parametrize("payload, expected_id", [
    ({"jsonrpc": "2.0", "id": None, "method": "textDocument/hover", "params": {}}, None),
    ({"jsonrpc": "2.0", "id": 1.5, "method": "textDocument/hover", "params": {}}, None),
    ({"jsonrpc": "1.0", "id": 7_201, "method": "textDocument/hover", "params": {}}, 7_201),
    ({"id": 7_202, "method": "textDocument/hover", "params": {}}, 7_202),
    ({"jsonrpc": "2.0", "id": "s-7203", "method": 5}, "s-7203"),
    ({"jsonrpc": "2.0", "method": 5}, None),
    ({"jsonrpc": "2.0"}, None),
    ({}, None),
    ("just a string", None),
    (None, None),
], ids=lambda p: json.dumps(p)[:40])
def test_invalid_requests_get_invalid_request(server: RawServer, payload: object, expected_id: object) -> None:
    start = len(server.received)
    server.send_bytes(frame(json.dumps(payload).encode()))
    if expected_id is None:
        reply = null_id_error(server, start, INVALID_REQUEST)
    else:
        reply = server.response(expected_id)
        assert reply["error"]["code"] == INVALID_REQUEST, reply
    server.assert_healthy(server.probe)
    assert reply["jsonrpc"] == "2.0"


def test_a_batch_gets_one_error_per_element(server: RawServer) -> None:
    batch = [{"jsonrpc": "2.0", "id": 7_301, "method": "textDocument/diagnostic",
              "params": {"textDocument": {"uri": server.probe}}},
             {"jsonrpc": "2.0", "method": "$/ssotReliabilityPing"},
             3]
    before = len(server.batches)
    server.send_bytes(frame(json.dumps(batch).encode()))
    server.assert_healthy(server.probe)  # answered after the batch, which is answered at once
    assert len(server.batches) == before + 1
    errors = server.batches[before]
    assert [e["id"] for e in errors] == [7_301, None, None]
    assert {e["error"]["code"] for e in errors} == {INVALID_REQUEST}
    assert all(m.get("id") != 7_301 for m in server.received)  # no element was run


def test_an_empty_batch_gets_one_error(server: RawServer) -> None:
    start = len(server.received)
    server.send_bytes(frame(b"[]"))
    null_id_error(server, start, INVALID_REQUEST)
    server.assert_healthy(server.probe)


def test_a_parse_error_names_a_null_id(server: RawServer) -> None:
    start = len(server.received)
    server.send_bytes(frame(b'{"jsonrpc": "2.0", "id": 7_400'))
    null_id_error(server, start, PARSE_ERROR)


def test_requests_before_initialize_get_server_not_initialized(fresh_server: RawServer) -> None:
    hover = {"textDocument": {"uri": PROBE_PATH.as_uri()}, "position": {"line": 0, "character": 0}}
    reply = fresh_server.request("textDocument/hover", hover, timeout=10)
    assert reply["error"]["code"] == SERVER_NOT_INITIALIZED, reply
    fresh_server.send_bytes(encode({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {}}))
    fresh_server.initialize()
    probe = fresh_server.open_probe()
    fresh_server.assert_healthy(probe)
    assert "error" not in fresh_server.request("textDocument/hover", {**hover, "textDocument": {"uri": probe}})
