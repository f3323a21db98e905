"""The workspace scan gives the same diagnostics whether it runs in a helper process or in the server."""

from __future__ import annotations

import os
from pathlib import Path

from lsprotocol import types

from .conftest import copy_demo, started_server
from .helpers import neovim_capabilities, wait_for


async def scan_diagnostics(root: Path, **env: str) -> dict[str, list[tuple]]:
    """The diagnostics of closed files a server publishes for `root` (workspace scope), once its scan ended."""
    async with started_server(root, neovim_capabilities(), {"diagnosticScope": "workspace"},
                              {**os.environ, **env}) as client:
        ended = await wait_for(lambda: [r for r in client.progress_reports.values()
                                        if r and isinstance(r[-1], types.WorkDoneProgressEnd)], timeout=120)
        assert "violation(s)" in ended[0][-1].message
        return {uri: sorted((d.range.start.line, d.range.start.character, d.range.end.character, d.code, d.message)
                            for d in items)
                for uri, items in client.diagnostics.items() if items}


async def test_scan_in_a_helper_process_equals_the_scan_in_the_server(tmp_path: Path):
    demo = copy_demo(tmp_path)
    with_helper = await scan_diagnostics(demo)
    in_server = await scan_diagnostics(demo, SSOT_LSP_HELPERS="0")
    assert with_helper == in_server
    assert sum(len(items) for items in with_helper.values()) >= 30
    assert (demo / "netra_backend/app/routes/admin_routes.py").as_uri() in with_helper


async def fix_all_text(root: Path, relative: str, **env: str) -> str:
    """The text fix-all (code action + resolve) gives for one document of `root`."""
    from .helpers import apply_text_edits, edits_of

    capabilities = neovim_capabilities()  # push diagnostics; fix-all's edit resolved lazily
    capabilities.text_document.code_action.resolve_support = types.ClientCodeActionResolveOptions(properties=["edit"])
    async with started_server(root, capabilities, {"scanOnStartup": False}, {**os.environ, **env}) as client:
        path = root / relative
        text = path.read_text()
        uri = path.as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id="python", version=1, text=text)))
        await wait_for(lambda: client.diagnostics.get(uri), timeout=60)
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.ssot"])))
        action = actions[0] if actions[0].edit is not None else await client.code_action_resolve_async(actions[0])
        return apply_text_edits(text, edits_of(action.edit, uri))


async def test_fix_all_in_a_helper_process_equals_fix_all_in_the_server(tmp_path: Path):
    """Fix-all runs in a helper process so hover and completion are answered meanwhile (lsp/fix_jobs.py)."""
    demo = copy_demo(tmp_path)
    routes = "netra_backend/app/routes/websocket_routes.py"
    with_helper = await fix_all_text(demo, routes)
    in_server = await fix_all_text(demo, routes, SSOT_LSP_HELPERS="0")
    assert with_helper == in_server
    assert "create_isolated_manager(user_id=user_id" in with_helper and ".factory" not in with_helper
