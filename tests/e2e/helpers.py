"""Helpers for the end-to-end tests: client capability sets, waiting, applying edits."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Optional

from lsprotocol import types
from pytest_lsp import client_capabilities


def vscode_capabilities() -> types.ClientCapabilities:
    """VS Code as it talks to servers today: pull diagnostics, snippet edits, documentChanges."""
    caps = client_capabilities("visual-studio-code")
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(
        dynamic_registration=True, related_document_support=False)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    caps.workspace.workspace_edit.document_changes = True
    caps.workspace.workspace_edit.snippet_edit_support = True
    caps.general = types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16])
    return caps


def neovim_capabilities() -> types.ClientCapabilities:
    """Neovim 0.7's built-in client: push diagnostics only, UTF-16, no snippet edits."""
    caps = client_capabilities("neovim@v0.7.0")
    assert caps.text_document.diagnostic is None
    return caps


CLIENTS = {"vscode": vscode_capabilities, "neovim": neovim_capabilities}


async def wait_for(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll until `predicate()` is truthy; fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.02)


def offset(text: str, position: types.Position, encoding: str = "utf-16") -> int:
    """Text offset of an LSP position (counted in `encoding` units)."""
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[:position.line])
    line = lines[position.line] if position.line < len(lines) else ""
    units = 0
    for index, char in enumerate(line):
        if units >= position.character:
            return start + index
        units += len(char.encode("utf-16-le")) // 2 if encoding == "utf-16" else len(char.encode("utf-8"))
    return start + len(line.rstrip("\r\n"))


def apply_text_edits(text: str, edits: list[Any], encoding: str = "utf-16") -> str:
    located = []
    for edit in edits:
        new_text = edit.new_text if hasattr(edit, "new_text") else edit.snippet.value
        located.append((offset(text, edit.range.start, encoding), offset(text, edit.range.end, encoding), new_text))
    for start, end, new_text in sorted(located, key=lambda item: item[0], reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


def edits_of(edit: types.WorkspaceEdit, uri: str) -> list[Any]:
    if edit.document_changes:
        return [e for change in edit.document_changes if change.text_document.uri == uri for e in change.edits]
    return list((edit.changes or {}).get(uri, []))


def versioned(edit: types.WorkspaceEdit) -> Optional[int]:
    if edit.document_changes:
        return edit.document_changes[0].text_document.version
    return None
