"""Whatever an editor sends, the server answers what it must and keeps serving (SPEC §5).

Each test abuses the protocol over a raw stdio pipe, then checks that the server still
answers a normal request (pulled diagnostics of the probe document) correctly.
"""

from __future__ import annotations

import json

import pytest

from .frames import encode, frame
from .jsonrpc import PROBE_PATH, RawServer, uri_of

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS, REQUEST_CANCELLED = -32700, -32600, -32601, -32602, -32800


def answered(reply: dict) -> bool:
    return ("result" in reply) != ("error" in reply)


def error_code(reply: dict) -> int:
    assert "error" in reply, reply
    return reply["error"]["code"]


def responses_since(server: RawServer, start: int) -> list[dict]:
    return [m for m in server.received[start:] if "method" not in m]


@pytest.mark.parametrize("payload", [
    b'{"jsonrpc": "2.0", "id": 900, "method": ',
    b"\x00\xff\xfe garbage",
    b"[1, 2, 3]",
    b'"just a string"',
    b"null",
    b"{}",
    b'{"jsonrpc": "2.0"}',
    b'{"jsonrpc": "2.0", "id": 901}',
    b'{"jsonrpc": "2.0", "method": 5}',
    b'{"jsonrpc": "2.0", "id": {"nested": 1}, "method": "textDocument/hover", "params": {}}',
    b'{"jsonrpc": "2.0", "id": 902, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": {"a": []}}}}',
], ids=lambda p: repr(p[:20]))
def test_malformed_messages_leave_the_server_serving(server: RawServer, payload: bytes) -> None:
    server.send_bytes(frame(payload))
    server.assert_healthy(server.probe)


@pytest.mark.parametrize("skew", [-7, -1, +7, +40], ids=["short", "one-short", "long", "swallows-next"])
def test_wrong_content_length_is_survived(server: RawServer, skew: int) -> None:
    body = json.dumps({"jsonrpc": "2.0", "method": "$/ssotReliabilityPing", "params": {}}).encode()
    server.send_bytes(b"Content-Length: %d\r\n\r\n" % (len(body) + skew) + body)
    if skew > 0:  # the server reads the missing bytes from the next frame, which is lost
        server.send(({"jsonrpc": "2.0", "method": "$/ssotReliabilityPing", "params": {"pad": "x" * 60}}))
    # The stream resynchronises at the next well-formed header: only the damaged frames are lost.
    server.assert_healthy(server.probe, timeout=10)
    server.assert_healthy(server.probe, timeout=10)


@pytest.mark.parametrize("payload", [b'{"jsonrpc": "2.0", "id": 903, "method": ', b"\xff\xfe{}", b"{'single': 1}"])
def test_unparsable_body_gets_a_parse_error(server: RawServer, payload: bytes) -> None:
    start = len(server.received)
    server.send_bytes(frame(payload))
    reply = server.wait_for(lambda m: "method" not in m and m.get("id") is None, start=start)
    assert error_code(reply) == PARSE_ERROR
    server.assert_healthy(server.probe)


def test_headers_without_length_are_skipped(server: RawServer) -> None:
    server.send_bytes(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n")
    server.send_bytes(b"X-Unknown: 1\r\n" + encode({"jsonrpc": "2.0", "method": "$/ping"}))
    server.assert_healthy(server.probe)


@pytest.mark.parametrize("method, params", [
    ("textDocument/hover", {"textDocument": {"uri": "file:///x.py"}, "position": {"line": "one", "character": 0}}),
    ("textDocument/hover", {"textDocument": {"uri": "file:///x.py"}, "position": {"line": -1, "character": -4}}),
    ("textDocument/hover", {"textDocument": 17, "position": None}),
    ("textDocument/completion", []),
    ("textDocument/completion", {"textDocument": {"uri": None}, "position": {"line": 0}}),
    ("textDocument/codeAction", {"textDocument": {"uri": "file:///x.py"}, "range": "0:0-1:0", "context": {}}),
    ("textDocument/diagnostic", {"textDocument": ["file:///x.py"]}),
    ("textDocument/diagnostic", "file:///x.py"),
    ("workspace/diagnostic", {"previousResultIds": "none"}),
])
def test_wrong_param_types_get_invalid_params(server: RawServer, method: str, params: object) -> None:
    reply = server.request(method, params)
    assert error_code(reply) == INVALID_PARAMS
    server.assert_healthy(server.probe)


@pytest.mark.parametrize("method, params", [
    ("textDocument/didOpen", {"textDocument": {"uri": 3, "text": None}}),
    ("textDocument/didChange", {"textDocument": {"uri": "file:///x.py"}, "contentChanges": "all"}),
    ("textDocument/didClose", []),
    ("workspace/didChangeConfiguration", {"settings": {"ssot": {"debounceMs": "fast", "diagnosticScope": 4}}}),
    ("workspace/didChangeWatchedFiles", {"changes": [{"uri": 5, "type": "created"}]}),
])
def test_malformed_notifications_are_dropped(server: RawServer, method: str, params: object) -> None:
    start = len(server.received)
    server.notify(method, params)
    server.assert_healthy(server.probe)
    assert all(m.get("id") is not None for m in responses_since(server, start))


def test_unknown_request_is_method_not_found(server: RawServer) -> None:
    assert error_code(server.request("ssot/noSuchThing", {})) == METHOD_NOT_FOUND
    assert error_code(server.request("$/noSuchThing", {})) == METHOD_NOT_FOUND
    server.assert_healthy(server.probe)


def test_unknown_notification_is_ignored(server: RawServer) -> None:
    start = len(server.received)
    server.notify("ssot/noSuchThing", {"a": 1})
    server.notify("$/noSuchThing", {"a": 1})
    server.assert_healthy(server.probe)
    assert [m for m in responses_since(server, start) if "error" in m] == []


def test_notifications_for_unopened_documents_are_ignored(server: RawServer) -> None:
    uri = uri_of(PROBE_PATH.with_name("never_opened.py"))
    start = len(server.received)
    server.change(uri, 2, [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                            "text": "import os\n"}])
    server.change(uri, 3, [{"text": "x = 1\n"}])
    server.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    server.assert_healthy(server.probe)
    assert [m for m in responses_since(server, start) if "error" in m] == []
    # Requests about a document that is not open are answered too.
    for method, extra in [("textDocument/hover", {"position": {"line": 0, "character": 0}}),
                          ("textDocument/completion", {"position": {"line": 0, "character": 0}}),
                          ("textDocument/diagnostic", {})]:
        assert answered(server.request(method, {"textDocument": {"uri": uri}, **extra}))


FAR = {"line": 10_000, "character": 10_000}


@pytest.mark.parametrize("method, params", [
    ("textDocument/hover", {"position": FAR}),
    ("textDocument/hover", {"position": {"line": 0, "character": 10_000}}),
    ("textDocument/completion", {"position": FAR}),
    ("textDocument/completion", {"position": {"line": 4, "character": 999}}),
    ("textDocument/codeAction", {"range": {"start": {"line": 3, "character": 0}, "end": FAR},
                                 "context": {"diagnostics": []}}),
    ("textDocument/codeAction", {"range": {"start": FAR, "end": {"line": 0, "character": 0}},
                                 "context": {"diagnostics": []}}),
])
def test_out_of_range_positions_are_answered(server: RawServer, method: str, params: dict) -> None:
    reply = server.request(method, {"textDocument": {"uri": server.probe}, **params})
    assert answered(reply), reply
    if "error" in reply:
        assert error_code(reply) == INVALID_PARAMS
    server.assert_healthy(server.probe)


def test_out_of_range_edits_keep_the_document_usable(server: RawServer) -> None:
    uri = server.open(PROBE_PATH.with_name("range_edits.py"), "import os\n", version=1)
    server.change(uri, 2, [{"range": {"start": FAR, "end": FAR}, "text": "import netra_backend.app.websocket_core.factory\n"}])
    server.change(uri, 3, [{"range": {"start": {"line": 5, "character": 3}, "end": {"line": 1, "character": 0}},
                            "text": ""}])
    server.change(uri, 4, [{"range": {"start": {"line": 0, "character": -3}, "end": {"line": 0, "character": 2}},
                            "text": "x"}])
    server.assert_healthy(server.probe)
    assert answered(server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}))
    server.change(uri, 5, [{"text": "import netra_backend.app.websocket_core.factory\n"}])
    assert server.pulled_codes(uri) == ["SSOT001"]


def test_stale_versions_never_win(server: RawServer) -> None:
    uri = server.open(PROBE_PATH.with_name("stale.py"), "import os\n", version=10)
    server.change(uri, 11, [{"text": "import netra_backend.app.websocket_core.factory\n"}])
    server.published(uri, 11)
    start = len(server.received)
    server.change(uri, 4, [{"text": "import os\n"}])
    server.assert_healthy(server.probe)
    assert answered(server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}))
    versions = [m["params"].get("version") for m in server.received[start:]
                if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri]
    assert all(version is None or version >= 11 for version in versions), versions


def test_cancellation_burst(server: RawServer) -> None:
    in_flight = [server.send_request("textDocument/diagnostic", {"textDocument": {"uri": server.probe}})
                 for _ in range(10)]
    in_flight += [server.send_request("workspace/diagnostic", {"previousResultIds": []}) for _ in range(5)]
    in_flight += [server.send_request("textDocument/hover", {"textDocument": {"uri": server.probe},
                                                             "position": {"line": 4, "character": 14}})
                  for _ in range(5)]
    unknown: list = [10_000 + n for n in range(70)] + [f"ghost-{n}" for n in range(8)] + [None, 1.5]
    for request_id in (in_flight + unknown)[:100]:
        server.notify("$/cancelRequest", {"id": request_id})
    for request_id in in_flight:
        reply = server.response(request_id)
        assert answered(reply), reply
        if "error" in reply:
            assert error_code(reply) == REQUEST_CANCELLED
    server.assert_healthy(server.probe)


def test_requests_after_shutdown_are_invalid_then_exit_is_clean(fresh_server: RawServer) -> None:
    fresh_server.initialize()
    probe = fresh_server.open_probe()
    assert "error" not in fresh_server.request("shutdown")
    for method, params in [("textDocument/diagnostic", {"textDocument": {"uri": probe}}),
                           ("textDocument/hover", {"textDocument": {"uri": probe},
                                                   "position": {"line": 0, "character": 0}}),
                           ("shutdown", None)]:
        assert error_code(fresh_server.request(method, params, timeout=5)) == INVALID_REQUEST
    fresh_server.notify("textDocument/didClose", {"textDocument": {"uri": probe}})
    fresh_server.notify("exit")
    assert fresh_server.process.wait(20) == 0


def test_exit_without_shutdown_is_an_error_exit(fresh_server: RawServer) -> None:
    fresh_server.initialize()
    fresh_server.notify("exit")
    assert fresh_server.process.wait(20) == 1


def test_closed_stdin_ends_the_server(fresh_server: RawServer) -> None:
    fresh_server.initialize()
    assert fresh_server.process.stdin is not None
    fresh_server.process.stdin.close()
    assert fresh_server.process.wait(20) is not None
