"""`ssot.fixWorkspace` over the real protocol (SPEC §14): one applyEdit, annotated, cancellable."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from .conftest import copy_demo, own_client
from .helpers import apply_text_edits, vscode_capabilities, wait_for
from .test_diagnostics import ROUTES, open_document

pytestmark = pytest.mark.asyncio(loop_scope="module")


def capabilities() -> types.ClientCapabilities:
    caps = vscode_capabilities()
    caps.workspace.workspace_edit.change_annotation_support = types.ChangeAnnotationsSupportOptions(
        groups_on_label=True)
    return caps


def record_apply_edit(lsp) -> list:
    received: list = []

    @lsp.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams):
        received.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    return received


def check_json(root: Path) -> list[dict]:
    result = subprocess.run([sys.executable, "-m", "ssot_lsp", "check", "--format", "json", "."], cwd=root,
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    return json.loads(result.stdout)


async def test_one_annotated_edit_fixes_every_file(tmp_path: Path):
    demo = copy_demo(tmp_path)
    auto_before = {v["file"] for v in check_json(demo) if v["fix"] == "auto"}
    async with own_client(demo, capabilities(), scanOnStartup=False) as lsp:
        received = record_apply_edit(lsp)
        opened = open_document(lsp, demo / ROUTES)
        answer = await lsp.workspace_execute_command_async(types.ExecuteCommandParams(
            command="ssot.fixWorkspace", arguments=[{}]))
        assert len(received) == 1
        edit = received[0].edit
        assert answer["applied"] is True and answer["fixed"] > 0
        changed = {change.text_document.uri: change for change in edit.document_changes}
        assert {Path(types_uri_path(uri)).relative_to(demo).as_posix() for uri in changed} == auto_before
        assert changed[opened].text_document.version is not None  # the open document: its version
        unopened = [c for uri, c in changed.items() if uri != opened]
        assert unopened and all(c.text_document.version is None for c in unopened)
        assert edit.change_annotations and all(a.needs_confirmation for a in edit.change_annotations.values())
        assert all(e.annotation_id in edit.change_annotations for c in changed.values() for e in c.edits)
        # The progress ran from begin to end.
        reports = next(r for t, r in lsp.progress_reports.items() if str(t).startswith("ssot-fix-workspace"))
        assert isinstance(reports[0], types.WorkDoneProgressBegin) and reports[0].cancellable
        assert isinstance(reports[-1], types.WorkDoneProgressEnd)
    for uri, change in changed.items():
        path = Path(types_uri_path(uri))
        text = path.read_bytes().decode(detect(path.read_bytes()))
        path.write_bytes(apply_text_edits(text, change.edits).encode(detect(path.read_bytes())))
    left = check_json(demo)
    assert left and {v["fix"] for v in left} <= {"manual", "unsafe", None}


def detect(data: bytes) -> str:
    import io
    import tokenize

    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def types_uri_path(uri: str) -> str:
    from pygls.uris import to_fs_path

    return to_fs_path(uri)


async def test_one_phase_only_and_cancelling_sends_nothing(tmp_path: Path):
    demo = copy_demo(tmp_path)
    routes = demo / "netra_backend/app/routes"
    for index in range(150):  # enough files that the cancel arrives while the server is still fixing
        (routes / f"generated_{index}.py").write_text(
            "from netra_backend.app.websocket_core.factory import WebSocketManager\n", encoding="utf-8")
    async with own_client(demo, capabilities(), scanOnStartup=False) as lsp:
        received = record_apply_edit(lsp)
        task = asyncio.ensure_future(lsp.workspace_execute_command_async(types.ExecuteCommandParams(
            command="ssot.fixWorkspace", arguments=[{"rule": "SSOT001"}])))
        token = await wait_for(lambda: next((t for t in lsp.progress_reports
                                             if str(t).startswith("ssot-fix-workspace")
                                             and lsp.progress_reports[t]), None))
        lsp.protocol.notify(types.WINDOW_WORK_DONE_PROGRESS_CANCEL, types.WorkDoneProgressCancelParams(token=token))
        answer = await task
        assert answer["cancelled"] is True and answer["applied"] is False
        assert received == []
        assert lsp.progress_reports[token][-1].message == "cancelled"

        # One rule only: every edited file had an SSOT001 violation, and nothing else changed.
        answer = await lsp.workspace_execute_command_async(types.ExecuteCommandParams(
            command="ssot.fixWorkspace", arguments=[{"rule": "SSOT001"}]))
        assert answer["applied"] is True and len(received) == 1
        with_rule = {v["file"] for v in check_json(demo) if v["code"] == "SSOT001" and v["fix"] == "auto"}
        edited = {Path(types_uri_path(c.text_document.uri)).relative_to(demo).as_posix()
                  for c in received[0].edit.document_changes}
        assert edited == with_rule


async def test_bad_arguments_are_invalid_params(tmp_path: Path):
    demo = copy_demo(tmp_path)
    async with own_client(demo, capabilities(), scanOnStartup=False) as lsp:
        with pytest.raises(Exception, match="rule"):
            await lsp.workspace_execute_command_async(types.ExecuteCommandParams(
                command="ssot.fixWorkspace", arguments=[{"rules": 3}]))
