"""Each handler runs where it declares it runs (`lsp/handlers/declare.py`).

Engine handlers run on the engine thread (the engine's caches are only ever touched
there); loop handlers on the event loop, so hover answers while a check runs.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from ssot_lsp.lsp.handlers import code_actions, declared, hover
from ssot_lsp.lsp.handlers.declare import Runs

from .jsonrpc import PROBE_PATH, PROBE_TEXT, QUIET, uri_of
from .test_state_cleanup import InProcessClient
from tests.conftest import DEMO


@pytest.fixture(autouse=True)
def _no_code_cache(monkeypatch) -> None:
    monkeypatch.setenv("SSOT_LSP_CODE_CACHE", "0")


def test_every_method_is_declared_once_with_where_it_runs() -> None:
    handlers = declared()
    methods = [handler.method for handler in handlers]
    assert len(methods) == len(set(methods))
    where = {handler.method: handler.runs for handler in handlers}
    assert where["textDocument/codeAction"] is Runs.ENGINE
    assert where["textDocument/hover"] is Runs.LOOP and where["textDocument/completion"] is Runs.LOOP


def test_handlers_run_on_the_thread_they_declare(monkeypatch) -> None:
    threads: dict[str, str] = {}

    def recording(name: str, function: Any) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            threads[name] = threading.current_thread().name
            return function(*args, **kwargs)
        return record

    monkeypatch.setattr(code_actions, "_quick_fix_actions", recording("codeAction", code_actions._quick_fix_actions))
    monkeypatch.setattr(hover, "hover_markdown", recording("hover", hover.hover_markdown))

    async def session() -> None:
        client = InProcessClient()
        try:
            await client.request("initialize", {"processId": None, "rootUri": uri_of(DEMO), "capabilities": {},
                                                "initializationOptions": QUIET})
            client.notify("initialized", {})
            uri = uri_of(PROBE_PATH.with_name("threads_probe.py"))
            client.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri, "languageId": "python", "version": 1, "text": PROBE_TEXT}})
            await client.published(uri, 1)
            position = {"line": 4, "character": 12}  # on get_websocket_manager()
            answer = await client.request("textDocument/codeAction", {
                "textDocument": {"uri": uri}, "range": {"start": position, "end": position},
                "context": {"diagnostics": []}})
            assert answer["result"], answer
            answer = await client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position})
            assert answer["result"], answer
        finally:
            client.server.session.close()
            client.server._engine.shutdown(wait=True)

    asyncio.run(session())
    assert threads["codeAction"].startswith("ssot-engine")
    assert threads["hover"] == threading.main_thread().name
