"""The workspace scan gives the same diagnostics whether it runs in a helper process or in the server."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig

from .conftest import accept_registrations, copy_demo, initialize_params
from .helpers import neovim_capabilities, wait_for


async def scan_diagnostics(root: Path, **env: str) -> dict[str, list[tuple]]:
    """The diagnostics of closed files a server publishes for `root` (workspace scope), once its scan ended."""
    config = ClientServerConfig(server_command=[sys.executable, "-m", "ssot_lsp"], server_env={**os.environ, **env})
    client = await config.start()
    accept_registrations(client)
    client.set_configuration({"debounceMs": 0, "diagnosticScope": "workspace"}, section="ssot")
    await client.initialize_session(initialize_params(root, neovim_capabilities(), diagnosticScope="workspace"))
    try:
        ended = await wait_for(lambda: [r for r in client.progress_reports.values()
                                        if r and isinstance(r[-1], types.WorkDoneProgressEnd)], timeout=120)
        assert "violation(s)" in ended[0][-1].message
        return {uri: sorted((d.range.start.line, d.range.start.character, d.range.end.character, d.code, d.message)
                            for d in items)
                for uri, items in client.diagnostics.items() if items}
    finally:
        try:
            await asyncio.wait_for(client.shutdown_session(), timeout=30)
        finally:
            await client.stop()


async def test_scan_in_a_helper_process_equals_the_scan_in_the_server(tmp_path: Path):
    demo = copy_demo(tmp_path)
    with_helper = await scan_diagnostics(demo)
    in_server = await scan_diagnostics(demo, SSOT_LSP_HELPERS="0")
    assert with_helper == in_server
    assert sum(len(items) for items in with_helper.values()) >= 30
    assert (demo / "netra_backend/app/routes/admin_routes.py").as_uri() in with_helper
