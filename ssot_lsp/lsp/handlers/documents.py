"""Document notifications and diagnostics: push on open/change/save, pull when the client asks (SPEC §5, §11).

Every handler here runs on the event loop: it records the edit in the session and
schedules the check (`diagnostics.py`), which runs on the engine thread after the
debounce.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ..diagnostics import current_result, diagnostics_of, recheck_open_documents, schedule_check
from ..workspace import refresh_from_disk
from .declare import on_loop

if TYPE_CHECKING:
    from ..server import SsotServer


@on_loop(types.TEXT_DOCUMENT_DID_OPEN)
async def text_document_did_open(ls: "SsotServer", params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.session.workspace_results.pop(uri, None)
    ls.session.workspace_cleared.discard(uri)
    await _overlay(ls, uri)
    schedule_check(ls, uri, delay=0)


@on_loop(types.TEXT_DOCUMENT_DID_CHANGE)
async def text_document_did_change(ls: "SsotServer", params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    if ls.open_document(uri) is None:
        return
    others = await _overlay(ls, uri)
    schedule_check(ls, uri, delay=ls.session.settings.debounceMs / 1000)
    if others:
        recheck_open_documents(ls, skip=uri)


@on_loop(types.TEXT_DOCUMENT_DID_SAVE)
async def text_document_did_save(ls: "SsotServer", params: types.DidSaveTextDocumentParams) -> None:
    if ls.open_document(params.text_document.uri) is not None:
        schedule_check(ls, params.text_document.uri, delay=0)


@on_loop(types.TEXT_DOCUMENT_DID_CLOSE)
async def text_document_did_close(ls: "SsotServer", params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    session = ls.session
    state = session.documents.pop(uri, None)
    if state is not None and state.pending is not None:
        state.pending.cancel()
    path = ls.path_of(uri)
    if path is not None:
        await ls.run_engine(session.configs.set_overlay, path, None)
    if session.settings.workspace_scope:  # the file as saved: unsaved changes are gone
        await refresh_from_disk(ls, uri, closing=True)
    elif not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    session.memory.soon()


async def _overlay(ls: "SsotServer", uri: str) -> bool:
    """Put the document's text in the overlays; True when other documents may be affected."""
    document, path = ls.open_document(uri), ls.path_of(uri)
    if document is None or path is None or path.suffix not in (".py", ".pyi"):
        return False
    configs = ls.session.configs
    await ls.run_engine(configs.set_overlay, path, document.source)
    return configs.affects_others(path)


# -- pull ------------------------------------------------------------------------------
@on_loop(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(
    identifier="ssot", inter_file_dependencies=True, workspace_diagnostics=True))
async def text_document_diagnostic(ls: "SsotServer", params: types.DocumentDiagnosticParams
                                   ) -> types.RelatedFullDocumentDiagnosticReport:
    result = await current_result(ls, params.text_document.uri)
    items = diagnostics_of(ls, result) if result is not None else []
    return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=None)


@on_loop(types.WORKSPACE_DIAGNOSTIC)
async def workspace_diagnostic(ls: "SsotServer", params: types.WorkspaceDiagnosticParams
                               ) -> types.WorkspaceDiagnosticReport:
    session = ls.session
    reports: list[Any] = []
    for uri in list(ls.workspace.text_documents):
        result = await current_result(ls, uri)
        if result is not None:
            reports.append(types.WorkspaceFullDocumentDiagnosticReport(
                uri=uri, version=result.version, items=diagnostics_of(ls, result)))
    if session.settings.workspace_scope:
        for uri, record in list(session.workspace_results.items()):
            if uri not in ls.workspace.text_documents:
                reports.append(types.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri, version=None, items=diagnostics_of(ls, record)))
    for uri in sorted(session.workspace_cleared - set(ls.workspace.text_documents)):  # gone, or out of scope: once
        reports.append(types.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=None, items=[]))
    session.workspace_cleared.clear()
    return types.WorkspaceDiagnosticReport(items=reports)


