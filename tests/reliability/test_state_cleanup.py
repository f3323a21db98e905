"""Closing documents leaves nothing of them behind (SPEC §5; memory under load).

The server runs in this process, fed JSON-RPC messages the way its stdio loop feeds them,
so its tables can be inspected directly: after documents are opened, edited and closed,
no per-document state, overlay, cached export table, pending task or handler future may
remain. Each of these kept per message or per document would make a long editing
session grow without bound (benchmarks/load.py measures the memory itself).
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import pytest

from ssot_lsp.lsp import memory
from ssot_lsp.lsp.server import SsotServer, create_server
from tests.conftest import DEMO

from .jsonrpc import PROBE_PATH, QUIET, uri_of
from .workload import Document, random_edit

DOCUMENTS = 20
EDITS = 300


class InProcessClient:
    """Speaks to a server object in this process; remembers everything it writes."""

    def __init__(self) -> None:
        self.server: SsotServer = create_server()
        self.server.protocol.set_writer(self, include_headers=False)
        self.received: list[dict] = []
        self.ids = iter(range(1, 1_000_000))
        self.probe = ""
        self.lasting_tasks: set[asyncio.Task] = set()

    # the writer interface pygls expects
    def write(self, data: bytes) -> None:
        self.received.append(json.loads(data))

    def close(self) -> None:
        pass

    def send(self, message: dict) -> None:
        protocol = self.server.protocol
        protocol.handle_message(json.loads(json.dumps(message), object_hook=protocol.structure_message))

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any) -> dict:
        request_id = next(self.ids)
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        return await self.wait_for(lambda m: m.get("id") == request_id and "method" not in m)

    async def wait_for(self, predicate, timeout: float = 60.0) -> dict:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            for message in self.received:
                if predicate(message):
                    return message
            await asyncio.sleep(0.01)
        raise TimeoutError("no matching message")

    async def published(self, uri: str, version: int) -> dict:
        return await self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                   and m["params"]["uri"] == uri and m["params"].get("version") == version)


def stray_tasks(client: "InProcessClient") -> list[asyncio.Task]:
    """Tasks other than the test's own and those the server keeps for its whole life."""
    return [task for task in asyncio.all_tasks()
            if task is not asyncio.current_task() and task not in client.lasting_tasks]


async def settle(client: InProcessClient) -> None:
    """Let every handler, check and callback that is still scheduled run to its end."""
    for _ in range(200):
        await asyncio.sleep(0.01)
        if not stray_tasks(client):
            break
    await client.request("textDocument/diagnostic", {"textDocument": {"uri": client.probe}})
    await asyncio.sleep(0.05)


async def open_edit_close(client: InProcessClient, rng: random.Random, prefix: str) -> list[Document]:
    documents = []
    for index in range(DOCUMENTS):
        path = PROBE_PATH.with_name(f"{prefix}_{index}.py")
        lines = ["import os\n", "from netra_backend.app.websocket_core import get_websocket_manager\n", "\n",
                 "import netra_backend.app.websocket_core.factory as old\n", "x = 1\n"]
        document = Document(path, uri_of(path), lines)
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": document.uri, "languageId": "python", "version": 1, "text": document.text}})
        documents.append(document)
    for serial in range(EDITS):
        document = rng.choice(documents)
        change = random_edit(document, rng, serial)
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": document.uri, "version": document.version}, "contentChanges": [change]})
        if serial % 25 == 0:
            await asyncio.sleep(0)  # let the server work between edits, as a real client would
    for document in documents:
        await client.published(document.uri, document.version)
    for document in documents:
        client.notify("textDocument/didClose", {"textDocument": {"uri": document.uri}})
    await settle(client)
    return documents


async def session(check) -> None:
    client = InProcessClient()
    try:
        answer = await client.request("initialize", {
            "processId": None, "rootUri": uri_of(DEMO), "capabilities": {
                "textDocument": {"publishDiagnostics": {"versionSupport": True}}},
            "initializationOptions": QUIET})
        assert "result" in answer, answer
        client.notify("initialized", {})
        client.probe = uri_of(PROBE_PATH.with_name("cleanup_probe.py"))
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": client.probe, "languageId": "python", "version": 1, "text": "import os\n"}})
        await client.published(client.probe, 1)
        await asyncio.sleep(0.2)
        client.lasting_tasks = {task for task in asyncio.all_tasks() if task is not asyncio.current_task()}
        await settle(client)
        await check(client)
    finally:
        client.server._engine.shutdown(wait=True)


@pytest.fixture(autouse=True)
def _no_code_cache(monkeypatch) -> None:
    monkeypatch.setenv("SSOT_LSP_CODE_CACHE", "0")  # nothing written to the user's cache folder


def run(check) -> None:
    asyncio.run(session(check))


def test_closed_documents_leave_no_state_behind() -> None:
    async def check(client: InProcessClient) -> None:
        server = client.server
        documents = await open_edit_close(client, random.Random(8), "cleanup")
        closed = {document.uri for document in documents}
        paths = {document.path.resolve() for document in documents}
        assert set(server.workspace.text_documents) == {client.probe}
        assert set(server.session.documents) <= {client.probe}
        assert not closed & set(server.session.workspace_results)
        assert not paths & set(server.session.configs.overlays)
        for registry in server.session.configs.registries():
            assert registry.workspace.overlays is server.session.configs.overlays
            assert not paths & set(registry.workspace._exports)
        assert stray_tasks(client) == []

    run(check)


def test_handled_messages_leave_no_futures_behind() -> None:
    """pygls files every handler's future under an id; only a request's answer removed it."""
    async def check(client: InProcessClient) -> None:
        futures = client.server.protocol._request_futures
        await open_edit_close(client, random.Random(9), "futures")
        # 2 * (opens + edits + closes) futures were kept before this was fixed.
        assert len(futures) == 0, f"{len(futures)} finished handler futures are still referenced"

    run(check)


def test_repeated_cycles_do_not_accumulate() -> None:
    """A second and third open/edit/close cycle end with exactly the tables of the first."""
    async def check(client: InProcessClient) -> None:
        server = client.server
        rng = random.Random(10)
        sizes = []
        for cycle in range(3):
            await open_edit_close(client, rng, f"cycle{cycle}")
            sizes.append((len(server.session.documents), len(server.workspace.text_documents), len(server.session.configs.overlays),
                          len(server.protocol._request_futures), len(stray_tasks(client))))
        assert sizes[0] == sizes[1] == sizes[2], sizes

    run(check)


def test_a_burst_of_closes_gives_memory_back_once(monkeypatch) -> None:
    """Freed heap pages go back to the system once, after the last of many closes (the server's
    start-up gives its own back once too)."""
    trims: list[int] = []
    releases: list[int] = []
    monkeypatch.setattr(memory, "_trim_function", lambda: lambda pad: trims.append(pad) or 1)
    monkeypatch.setattr(memory, "DELAY_S", 0.2)
    delayed = memory.MemoryRelease._release

    def counted(self: memory.MemoryRelease) -> None:
        releases.append(len(trims))
        delayed(self)

    monkeypatch.setattr(memory.MemoryRelease, "_release", counted)

    async def check(client: InProcessClient) -> None:
        await open_edit_close(client, random.Random(11), "trim")
        await asyncio.sleep(0.5)
        assert len(releases) == 1  # one release for the whole burst of closes
        assert trims[releases[0]:] == [0]  # ... which trimmed the heap once

    run(check)
