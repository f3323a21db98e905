"""Invalid client settings are shown to the user, not dropped in silence; the valid ones still apply."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from .conftest import copy_demo, own_client
from .helpers import vscode_capabilities, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="module")


def warnings_of(lsp) -> list[str]:
    return [m.message for m in lsp.messages if m.type == types.MessageType.Warning and "setting" in m.message]


async def closed_file_diagnostics(lsp, uri: str, attempts: int = 100) -> list:
    """The diagnostics a workspace pull gives the closed file `uri`, once the scan has found some."""
    for _ in range(attempts):
        report = await lsp.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
        items = [item for entry in report.items if entry.uri == uri for item in entry.items]
        if items:
            return items
        await asyncio.sleep(0.1)
    return []


def logged(lsp) -> str:
    return "\n".join(m.message for m in lsp.log_messages)


async def test_invalid_settings_are_shown_and_the_valid_ones_apply(tmp_path: Path):
    demo = copy_demo(tmp_path)
    section = {"jediCompletion": "yes", "debounce": 3}  # what workspace/configuration answers
    async with own_client(demo, vscode_capabilities(), configuration=section,
                          debounceMs=-5, diagnosticScope="workspace") as lsp:
        # the valid part applies: with the workspace scope, closed files get diagnostics
        closed = (demo / "netra_backend/app/routes/admin_routes.py").as_uri()
        assert await closed_file_diagnostics(lsp, closed)
        shown = await wait_for(lambda: warnings_of(lsp))
        assert len(shown) == 1  # one message for the three; the log has each
        assert "ssot.debounceMs = -5 ignored: expected a number of milliseconds, 0 or more" in shown[0]
        assert "2 more" in shown[0]
        log = logged(lsp)
        assert 'ssot.jediCompletion = "yes" ignored: expected true or false' in log
        assert "ssot.debounce = 3 ignored: expected one of" in log

        lsp.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"ssot": {"completionBudgetMs": "fast"}}))
        await wait_for(lambda: len(warnings_of(lsp)) == 2)
        assert warnings_of(lsp)[1] == ('ssot: setting ssot.completionBudgetMs = "fast" ignored: '
                                       'expected a number of milliseconds, 0 or more')  # only what is new
