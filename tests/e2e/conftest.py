"""Language clients talking to `python -m ssot_lsp` over stdio, on a copy of the demo workspace.

Starting the server costs about a second of imports, so each test module shares one
server per client capability set (module scope); tests open and close their own documents.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Optional

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from .helpers import CLIENTS

DEMO = Path(__file__).resolve().parents[2] / "examples" / "netra_demo"
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "ssot_lsp"])


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


def copy_demo(folder: Path) -> Path:
    target = folder / "netra_demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A copy of the demo workspace shared by one test module."""
    return copy_demo(tmp_path_factory.mktemp("workspace"))


def initialize_params(root: Path, capabilities: types.ClientCapabilities, **settings) -> types.InitializeParams:
    return types.InitializeParams(
        capabilities=capabilities,
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options={"ssot": {"debounceMs": 0, **settings}},
    )


def accept_registrations(client: LanguageClient) -> list:
    """Answer `client/registerCapability` like an editor does, remembering what was registered."""
    registered: list = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams):
        registered.extend(params.registrations)
        return None

    client.registered = registered  # type: ignore[attr-defined]
    return registered


@pytest_lsp.fixture(config=SERVER, params=sorted(CLIENTS), scope="module")
async def client(lsp_client: LanguageClient, request, demo: Path):
    """A client with the capabilities of `request.param` (vscode or neovim), initialized on the demo."""
    accept_registrations(lsp_client)
    lsp_client.set_configuration({"debounceMs": 0}, section="ssot")
    await lsp_client.initialize_session(initialize_params(demo, CLIENTS[request.param]()))
    yield
    await lsp_client.shutdown_session()


@asynccontextmanager
async def own_client(root: Path, capabilities: types.ClientCapabilities, configuration=None, **settings):
    """A client and server of its own, for tests that need special settings or capabilities."""
    lsp_client = await SERVER.start()
    accept_registrations(lsp_client)
    lsp_client.set_configuration({"debounceMs": 0, **(configuration or {})}, section="ssot")
    lsp_client.init_result = await lsp_client.initialize_session(initialize_params(root, capabilities, **settings))
    try:
        yield lsp_client
    finally:
        await lsp_client.shutdown_session()
        await lsp_client.stop()


@asynccontextmanager
async def started_server(root: Path, capabilities: types.ClientCapabilities, settings: dict,
                         env: Optional[dict] = None):
    """A server of its own on `root` (`env`: its whole environment), shut down afterwards."""
    config = ClientServerConfig(server_command=[sys.executable, "-m", "ssot_lsp"],
                                server_env=env if env is not None else dict(os.environ))
    client = await config.start()
    accept_registrations(client)
    client.set_configuration({"debounceMs": 0, **settings}, section="ssot")
    await client.initialize_session(initialize_params(root, capabilities, **settings))
    try:
        yield client
    finally:
        try:
            await asyncio.wait_for(client.shutdown_session(), timeout=30)
        finally:
            await client.stop()
