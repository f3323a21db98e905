"""Quick fixes, fix-all, the ignore action, completion and hover over the protocol."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .helpers import apply_text_edits, edits_of, versioned
from .test_diagnostics import ROUTES, close_document, diagnostics, open_document

pytestmark = pytest.mark.asyncio(loop_scope="module")
CANONICAL = "netra_backend.app.websocket_core.canonical_imports"


def snippets(client: LanguageClient) -> bool:
    return bool(client.capabilities.workspace.workspace_edit.snippet_edit_support)


async def actions_for(client: LanguageClient, uri: str, diagnostic: types.Diagnostic, only=("quickfix",)):
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic], only=list(only))))


def apply(client: LanguageClient, text: str, uri: str, edit: types.WorkspaceEdit) -> str:
    if client.capabilities.workspace.workspace_edit.document_changes:
        assert versioned(edit) == 1
    return apply_text_edits(text, edits_of(edit, uri))


async def test_each_quick_fix_applies(client: LanguageClient, demo: Path):
    text = (demo / ROUTES).read_text()
    uri = open_document(client, demo / ROUTES)
    items = {(d.code, d.range.start.line): d for d in await diagnostics(client, uri, lambda i: len(i) == 6)}
    lines = text.splitlines(keepends=True)

    module_fix, ignore = await actions_for(client, uri, items["SSOT001", 2])
    assert module_fix.kind == types.CodeActionKind.QuickFix and module_fix.is_preferred
    assert list(module_fix.diagnostics) == [items["SSOT001", 2]]
    fixed = apply(client, text, uri, module_fix.edit)
    expected = lines.copy()
    expected[2] = f"import {CANONICAL}\n"
    expected[19] = f"    return {CANONICAL}.WebSocketManager()\n"
    assert fixed == "".join(expected)

    canon_fix = (await actions_for(client, uri, items["SSOT-CANON", 5]))[0]
    fixed = apply(client, text, uri, canon_fix.edit)
    assert fixed.splitlines()[5] == f"from {CANONICAL} import WebSocketManager"

    call_fix = (await actions_for(client, uri, items["SSOT003", 9]))[0]
    assert call_fix.is_preferred
    fixed = apply(client, text, uri, call_fix.edit)
    assert ("    manager = create_isolated_manager(user_id=user_id, connection_id=connection_id, "
            "user_context=user_context)\n") in fixed
    assert f"from {CANONICAL} import create_isolated_manager\n" in fixed

    manual = (await actions_for(client, uri, items["SSOT003", 23]))[0]
    assert not manual.is_preferred and list(manual.diagnostics) == [items["SSOT003", 23]]
    call = edits_of(manual.edit, uri)[0]
    if snippets(client):
        assert isinstance(call, types.SnippetTextEdit)
        assert "user_id=${1:user_id}" in call.snippet.value
    else:
        assert isinstance(call, types.TextEdit) and "${" not in call.new_text
        assert "create_isolated_manager(user_id=user_id" in apply(client, text, uri, manual.edit)
    close_document(client, uri)


async def test_ignore_action_adds_the_comment(client: LanguageClient, demo: Path):
    text = (demo / ROUTES).read_text()
    uri = open_document(client, demo / ROUTES)
    items = {(d.code, d.range.start.line): d for d in await diagnostics(client, uri, lambda i: len(i) == 6)}
    actions = await actions_for(client, uri, items["SSOT-CANON", 5])
    ignore = next(a for a in actions if a.title == "Ignore SSOT-CANON on this line")
    assert ignore.kind == types.CodeActionKind.QuickFix and list(ignore.diagnostics) == [items["SSOT-CANON", 5]]
    fixed = apply(client, text, uri, ignore.edit)
    assert fixed.splitlines()[5] == ("from netra_backend.app.websocket_core.websocket_manager import "
                                     "WebSocketManager  # ssot: ignore[SSOT-CANON]")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)]))
    remaining = await diagnostics(client, uri, lambda i: len(i) == 5)
    assert "SSOT-CANON" not in {d.code for d in remaining}
    close_document(client, uri)


async def test_fix_all(client: LanguageClient, demo: Path):
    text = (demo / ROUTES).read_text()
    uri = open_document(client, demo / ROUTES)
    items = await diagnostics(client, uri, lambda i: len(i) == 6)
    actions = await actions_for(client, uri, items[0], only=["source.fixAll.ssot"])
    assert [a.kind for a in actions] == ["source.fixAll.ssot"]
    action = actions[0]
    if action.edit is None:
        action = await client.code_action_resolve_async(action)
    fixed = apply(client, text, uri, action.edit)
    assert "create_isolated_manager(user_id=user_id, connection_id=connection_id" in fixed
    assert "WebSocketManager(mode=WebSocketManagerMode.TEST)" in fixed
    assert ".factory" not in fixed
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)]))
    remaining = await diagnostics(client, uri, lambda i: len(i) == 1)
    assert remaining[0].code == "SSOT003" and remaining[0].data["fix"] == "manual"
    close_document(client, uri)


NEW_SERVICE = '"""A new service."""\nimport os\n\n\ndef handler():\n    return Web'


async def test_completion_puts_canonical_first(client: LanguageClient, demo: Path):
    path = demo / "netra_backend/app/services/new_service.py"
    uri = open_document(client, path, NEW_SERVICE)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=5, character=14)))
    items = sorted(result.items, key=lambda item: (item.sort_text, item.label))
    assert all(item.sort_text for item in result.items)
    first = items[0]
    assert first.label == "WebSocketManager" and first.preselect
    assert first.detail == CANONICAL
    assert apply_text_edits(NEW_SERVICE, first.additional_text_edits).splitlines()[2] == (
        f"from {CANONICAL} import WebSocketManager")
    labels = [item.label for item in items]
    assert labels.index("WebSocketManagerMode") < labels.index("WebSocketNotifier")
    deprecated = [item for item in items if item.sort_text.startswith("2")]
    assert {"WebSocketNotifier", "create_websocket_manager", "get_websocket_manager"} <= {d.label for d in deprecated}
    assert items[-len(deprecated):] == deprecated
    notifier = next(d for d in deprecated if d.label == "WebSocketNotifier")
    assert "agent_websocket_bridge.WebSocketNotifier" in notifier.detail
    tag_support = client.capabilities.text_document.completion.completion_item.tag_support
    if tag_support and types.CompletionItemTag.Deprecated in tag_support.value_set:
        assert list(notifier.tags) == [types.CompletionItemTag.Deprecated]
    close_document(client, uri)


async def test_completion_after_from_offers_canonical_modules(client: LanguageClient, demo: Path):
    path = demo / "netra_backend/app/services/other_service.py"
    uri = open_document(client, path, "from netra_backend.app.websocket_core")
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=38)))
    items = sorted(result.items, key=lambda item: (item.sort_text, item.label))
    assert items[0].label == CANONICAL
    assert items[-1].label == "netra_backend.app.websocket_core.factory"
    close_document(client, uri)


async def test_hover_explains_the_violation(client: LanguageClient, demo: Path):
    uri = open_document(client, demo / ROUTES)
    await diagnostics(client, uri, lambda i: len(i) == 6)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=2, character=20)))
    text = hover.contents.value
    assert "**SSOT001**" in text and "The websocket factory module is deprecated" in text
    assert f"`{CANONICAL}`" in text and "quick fix" in text
    assert (hover.range.start.line, hover.range.start.character, hover.range.end.character) == (2, 7, 47)
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=3)))
    assert nothing is None
    close_document(client, uri)
