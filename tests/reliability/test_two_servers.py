"""Two servers in one process share no state: each has its own session (SPEC §5).

The tests (and any embedding) create several servers in one process. What a server keeps
between messages (documents, settings, config store, reported configuration errors, jedi
and fix-all helpers, the report's registries) lives in its `Session`, so one server's
work can never hide or change another's.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ssot_lsp.lsp.server import create_server

from .jsonrpc import QUIET, uri_of
from .test_state_cleanup import InProcessClient

BROKEN_CONFIG = '[[rules]]\nid = "S1"\nkind = "symbl"\nname = "pkg.old.make"\nreplace = "pkg.new.build"\n'


@pytest.fixture(autouse=True)
def _no_code_cache(monkeypatch) -> None:
    monkeypatch.setenv("SSOT_LSP_CODE_CACHE", "0")


def test_each_server_has_its_own_session_and_helpers() -> None:
    first, second = create_server(), create_server()
    try:
        assert first.session is not second.session
        for name, value in vars(first.session).items():
            if not isinstance(value, (str, int, bool, type(None), frozenset, tuple)) and not _is_settings(value):
                assert value is not getattr(second.session, name), f"session.{name} is shared"
        assert first.session.jedi.worker is not second.session.jedi.worker
        assert first.session.fix_helper.worker is not second.session.fix_helper.worker
    finally:
        for server in (first, second):
            server.session.close()
            server._engine.shutdown(wait=True)


def _is_settings(value: object) -> bool:
    return type(value).__name__ == "Settings"  # frozen: sharing the defaults is harmless


async def _configuration_errors_shown(root: Path) -> list[dict]:
    """The configuration error messages one new in-process server shows for a document under `root`."""
    client = InProcessClient()
    try:
        answer = await client.request("initialize", {
            "processId": None, "rootUri": uri_of(root), "capabilities": {}, "initializationOptions": QUIET})
        assert "result" in answer, answer
        client.notify("initialized", {})
        document = uri_of(root / "app.py")
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": document, "languageId": "python", "version": 1, "text": "from pkg.old import make\n"}})
        await client.published(document, 1)
        await asyncio.sleep(0.1)
        return [m for m in client.received if m.get("method") == "window/showMessage"
                and "configuration error" in m["params"]["message"]]
    finally:
        client.server.session.close()
        client.server._engine.shutdown(wait=True)


def test_configuration_errors_are_shown_by_every_server(tmp_path: Path) -> None:
    """Which errors were shown is remembered per session: a second server shows them too."""
    (tmp_path / "ssot.toml").write_text(BROKEN_CONFIG)

    async def both() -> tuple[list[dict], list[dict]]:
        return await _configuration_errors_shown(tmp_path), await _configuration_errors_shown(tmp_path)

    first, second = asyncio.run(both())
    assert len(first) == 1 and "kind" in first[0]["params"]["message"]
    assert second == first
