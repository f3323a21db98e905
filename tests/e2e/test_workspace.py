"""Workspace features and robustness over the protocol: progress, config changes, the report,
position encodings, and requests the server must refuse without going down."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from .conftest import copy_demo, own_client
from .helpers import neovim_capabilities, vscode_capabilities, wait_for
from .test_diagnostics import ROUTES, close_document, diagnostics, open_document

pytestmark = pytest.mark.asyncio(loop_scope="module")
EMOJI_LINE = 'banner = "🚀🚀"; manager = get_websocket_manager()\n'


async def test_workspace_scan_reports_progress(client: LanguageClient):
    reports = await wait_for(lambda: next((r for r in client.progress_reports.values()
                                           if r and isinstance(r[-1], types.WorkDoneProgressEnd)), None))
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    percentages = [r.percentage for r in reports if isinstance(r, types.WorkDoneProgressReport)]
    assert percentages and percentages == sorted(percentages) and percentages[-1] == 100
    assert "31 violation(s)" in reports[-1].message


async def test_compliance_report(client: LanguageClient):
    report = await client.protocol.send_request_async("ssot/complianceReport", {})
    for key in ("score", "canonical", "total", "by_rule", "by_folder", "top_files"):
        assert hasattr(report, key) or key in report
    total = report.total if hasattr(report, "total") else report["total"]
    assert total > 0


async def test_config_change_rechecks_open_document(client: LanguageClient, demo: Path):
    uri = open_document(client, demo / ROUTES)
    await diagnostics(client, uri, lambda i: len(i) == 6)
    config = demo / "pyproject.toml"
    original = config.read_text()
    config.write_text(original.replace('id = "SSOT003"', 'id = "SSOT033"'))
    try:
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
        items = await diagnostics(client, uri, lambda i: any(d.code == "SSOT033" for d in i))
        assert sorted(d.range.start.line for d in items if d.code == "SSOT033") == [9, 23]
    finally:
        config.write_text(original)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
        close_document(client, uri)


async def test_watchers_registered_when_the_client_can(client: LanguageClient):
    watching = client.capabilities.workspace.did_change_watched_files
    if not (watching and watching.dynamic_registration):
        assert client.registered == []
        return
    registrations = await wait_for(lambda: client.registered)
    watchers = registrations[0].register_options["watchers"]
    assert {"**/ssot.toml", "**/pyproject.toml", "**/*.py"} <= {w["globPattern"] for w in watchers}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
async def test_positions_after_emoji(tmp_path: Path, encoding: str):
    demo = copy_demo(tmp_path)
    capabilities = vscode_capabilities()
    capabilities.general = types.GeneralClientCapabilities(position_encodings=[encoding, "utf-16"])
    path = demo / "netra_backend/app/routes/emoji.py"
    text = "from netra_backend.app.websocket_core import get_websocket_manager\n" + EMOJI_LINE
    async with own_client(demo, capabilities, scanOnStartup=False) as lsp:
        assert lsp.init_result.capabilities.position_encoding == encoding
        uri = open_document(lsp, path, text)
        items = await diagnostics(lsp, uri, lambda i: len(i) == 1)
        prefix = 'banner = "🚀🚀"; manager = '
        start = len(prefix.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(prefix.encode("utf-8"))
        assert (items[0].range.start.line, items[0].range.start.character) == (1, start)
        assert items[0].range.end.character == start + len("get_websocket_manager")
        hover = await lsp.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=start + 2)))
        assert hover is not None and hover.range == items[0].range


async def test_workspace_scope_publishes_closed_files(tmp_path: Path):
    demo = copy_demo(tmp_path)
    async with own_client(demo, neovim_capabilities(), diagnosticScope="workspace") as lsp:
        closed = (demo / "netra_backend/app/routes/admin_routes.py").as_uri()
        items = await wait_for(lambda: lsp.diagnostics.get(closed))
        assert {d.code for d in items} >= {"SSOT001", "SSOT002", "SSOT003", "SSOT004"}


async def test_the_scan_follows_an_unsaved_reexport_into_closed_files(tmp_path: Path):
    """A closed file reaches a deprecated call only through a re-export that exists in an
    open document's unsaved text: the scan (batch path, in its helper process) flags it."""
    demo = copy_demo(tmp_path)
    package = demo / "netra_backend/app/websocket_core"
    facade = package / "shortcuts.py"
    facade.write_text("def shared_manager_for():\n    return None\n")
    user = demo / "netra_backend/app/routes/shortcut_user.py"
    user.write_text("from netra_backend.app.websocket_core.shortcuts import shared_manager_for\n\n\n"
                    "def handler():\n    return shared_manager_for()\n")
    async with own_client(demo, neovim_capabilities(), diagnosticScope="workspace", scanOnStartup=False) as lsp:
        uri = open_document(lsp, facade, "from netra_backend.app.websocket_core import "
                                         "get_websocket_manager as shared_manager_for\n")
        await wait_for(lambda: uri in lsp.diagnostics)  # the document is open and checked
        config = demo / "pyproject.toml"  # a configuration event makes the server scan again
        lsp.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]))
        items = await wait_for(lambda: lsp.diagnostics.get(user.as_uri()), timeout=30)
        assert [(d.code, d.range.start.line) for d in items] == [("SSOT003", 4)]


async def test_config_error_is_shown_on_the_config_file(tmp_path: Path):
    demo = copy_demo(tmp_path)
    config = demo / "pyproject.toml"
    config.write_text(config.read_text().replace('kind = "symbol"', 'kind = "symbl"', 1))
    async with own_client(demo, neovim_capabilities(), scanOnStartup=False) as lsp:
        uri = open_document(lsp, demo / ROUTES)
        items = await wait_for(lambda: lsp.diagnostics.get(config.as_uri()))
        assert "kind" in items[0].message and items[0].severity == types.DiagnosticSeverity.Error
        await wait_for(lambda: lsp.messages)
        assert lsp.messages[0].type == types.MessageType.Error
        assert not lsp.diagnostics.get(uri)


async def send_raw(client: LanguageClient, method: str, params: object):
    """Send a request the typed client API would refuse to build, and await its answer."""
    import asyncio
    from concurrent.futures import Future

    request_id = f"raw-{method}"
    future: Future = Future()
    client.protocol._request_futures[request_id] = future
    client.protocol._send_data({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
    return await asyncio.wait_for(asyncio.wrap_future(future), 10)


async def test_bad_requests_get_errors_and_the_server_keeps_answering(client: LanguageClient, demo: Path):
    uri = open_document(client, demo / ROUTES)
    await diagnostics(client, uri, lambda i: len(i) == 6)
    with pytest.raises(JsonRpcException) as malformed:
        await send_raw(client, "textDocument/hover", {"textDocument": {"uri": uri},
                                                      "position": {"line": "one", "character": 0}})
    assert malformed.value.code == -32602
    with pytest.raises(JsonRpcException) as outside:
        await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=9999, character=0)))
    assert outside.value.code == -32602
    # An edit for a document that was never opened is ignored.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=(demo / "nowhere.py").as_uri(), version=4),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="import os\n")]))
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=2, character=10)))
    assert "SSOT001" in hover.contents.value
    close_document(client, uri)
