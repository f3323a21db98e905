"""Diagnostics over the protocol: exact ranges and codes, after open and after an edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .helpers import wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")
ROUTES = "netra_backend/app/routes/websocket_routes.py"


def open_document(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="python", version=1, text=path.read_text() if text is None else text)))
    return uri


def close_document(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))


async def diagnostics(client: LanguageClient, uri: str, predicate=lambda items: True) -> list[types.Diagnostic]:
    """The document's diagnostics: pulled when the client pulls, else the next matching push."""
    if client.capabilities.text_document.diagnostic is not None:
        async def pulled():
            while True:
                report = await client.text_document_diagnostic_async(
                    types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))
                if predicate(report.items):
                    return report.items
        import asyncio
        return await asyncio.wait_for(pulled(), 10)
    return await wait_for(lambda: uri in client.diagnostics and predicate(client.diagnostics[uri])
                          and client.diagnostics[uri])


def summary(items):
    return sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
                  for d in items)


async def test_diagnostics_after_open(client: LanguageClient, demo: Path):
    uri = open_document(client, demo / ROUTES)
    items = await diagnostics(client, uri, lambda items: len(items) > 0)
    assert summary(items) == [
        ("SSOT-CANON", 5, 63, 5, 79),
        ("SSOT001", 2, 7, 2, 47),
        ("SSOT001", 3, 7, 3, 47),
        ("SSOT002", 15, 11, 15, 46),
        ("SSOT003", 9, 14, 9, 35),
        ("SSOT003", 23, 11, 23, 32),
    ]
    first = next(d for d in items if d.code == "SSOT001")
    assert first.source == "ssot"
    assert first.severity == types.DiagnosticSeverity.Error
    assert list(first.tags) == [types.DiagnosticTag.Deprecated]
    assert "canonical_imports" in first.message
    canon = next(d for d in items if d.code == "SSOT-CANON")
    assert not canon.tags
    assert canon.data["code"] == "SSOT-CANON" and canon.data["version"] == 1
    close_document(client, uri)


async def test_diagnostics_after_incremental_change(client: LanguageClient, demo: Path):
    uri = open_document(client, demo / ROUTES)
    await diagnostics(client, uri, lambda items: len(items) == 6)
    # Insert a new line with a deprecated call at the top of websocket_endpoint's body.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=9, character=0), end=types.Position(line=9, character=0)),
            text="    other = get_websocket_manager()\n")]))
    items = await diagnostics(client, uri, lambda items: len(items) == 7)
    lines = sorted(d.range.start.line for d in items if d.code == "SSOT003")
    assert lines == [9, 10, 24]
    added = next(d for d in items if d.code == "SSOT003" and d.range.start.line == 9)
    assert (added.range.start.character, added.range.end.character) == (12, 33)
    # Deleting the import makes the call sites unresolvable: their diagnostics go away.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=4, character=0), end=types.Position(line=5, character=0)),
            text="")]))
    items = await diagnostics(client, uri, lambda items: not any(d.code == "SSOT003" for d in items))
    assert "SSOT001" in {d.code for d in items}
    close_document(client, uri)


async def test_excluded_and_unconfigured_files_get_nothing(client: LanguageClient, demo: Path, tmp_path: Path):
    (demo / "build").mkdir(exist_ok=True)
    excluded = demo / "build" / "generated.py"
    excluded.write_text("import netra_backend.app.websocket_core.factory\n")
    outside = tmp_path / "loose.py"
    outside.write_text("import netra_backend.app.websocket_core.factory\n")
    quiet = [open_document(client, path) for path in (excluded, outside)]
    flagged = open_document(client, demo / ROUTES)
    await diagnostics(client, flagged, lambda items: len(items) == 6)
    for uri in quiet:
        if client.capabilities.text_document.diagnostic is not None:
            assert list(await diagnostics(client, uri)) == []
        else:
            assert not client.diagnostics.get(uri)
    for uri in (*quiet, flagged):
        close_document(client, uri)
