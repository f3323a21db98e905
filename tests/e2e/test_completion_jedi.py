"""Completion never depends on jedi: canonical items come first whether jedi answers, hangs or is broken."""

from __future__ import annotations

import asyncio
import os
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from lsprotocol import types

from .conftest import copy_demo, started_server
from .helpers import neovim_capabilities
from .test_diagnostics import open_document

CANONICAL = "netra_backend.app.websocket_core.canonical_imports"
SERVICE = '"""A new service."""\nimport os\n\n\ndef handler():\n    return Web'
FAKE_JEDI = {
    "slow": "import time\ntime.sleep(600)\n",
    "broken": "raise ImportError('jedi is not installed here')\n",
}


@asynccontextmanager
async def server(root: Path, fake_jedi: str = ""):
    """A server on `root`; with `fake_jedi`, a `jedi` package that hangs or fails replaces the real one."""
    env = dict(os.environ)
    if fake_jedi:
        package = root.parent / "fake" / "jedi"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(FAKE_JEDI[fake_jedi])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(package.parent), env.get("PYTHONPATH")]))
    async with started_server(root, neovim_capabilities(), {"scanOnStartup": False}, env) as client:
        yield client


async def complete(client, uri: str, line: int, character: int) -> types.CompletionList:
    return await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=character)))


def ordered(result: types.CompletionList) -> list[str]:
    return [item.label for item in sorted(result.items, key=lambda item: (item.sort_text, item.label))]


async def complete_until_jedi_answered(client, uri: str, line: int, character: int, tries: int = 100):
    """Ask again while the list is incomplete, as an editor does while the user types."""
    for _ in range(tries):
        result = await complete(client, uri, line, character)
        if not result.is_incomplete:
            return result
        await asyncio.sleep(0.2)
    raise AssertionError("jedi never answered")


@pytest.mark.parametrize("fake_jedi", ["slow", "broken"])
async def test_canonical_items_do_not_wait_for_a_hung_or_broken_jedi(tmp_path: Path, fake_jedi: str):
    demo = copy_demo(tmp_path)
    async with server(demo, fake_jedi) as client:
        uri = open_document(client, demo / "netra_backend/app/services/new_service.py", SERVICE)
        for _ in range(3):
            result = await asyncio.wait_for(complete(client, uri, 5, 14), timeout=30)
            labels = ordered(result)
            assert labels[0] == "WebSocketManager"
            assert labels.index("WebSocketManagerMode") < labels.index("WebSocketNotifier")  # deprecated last
        if fake_jedi == "broken":  # a jedi that fails is an empty answer, not a pending one
            result = await complete_until_jedi_answered(client, uri, 5, 14)
            assert ordered(result)[0] == "WebSocketManager"
        else:
            assert result.is_incomplete


async def test_one_jedi_answer_serves_the_rest_of_the_word(tmp_path: Path):
    demo = copy_demo(tmp_path)
    async with server(demo) as client:
        text = "import os\n\nos.pa"
        uri = open_document(client, demo / "netra_backend/app/services/paths.py", text)
        result = await complete_until_jedi_answered(client, uri, 2, 5)
        assert "path" in ordered(result) and "pardir" in ordered(result)
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=2, character=5), end=types.Position(line=2, character=5)),
                text="t")]))
        result = await complete(client, uri, 2, 6)  # `os.pat`: the same question for jedi, answered already
        labels = ordered(result)
        assert not result.is_incomplete and "path" in labels and "pardir" not in labels
        assert all(label.lower().startswith("pat") for label in labels)
