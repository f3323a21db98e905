"""The server names its installed version without importing importlib.metadata at start."""

from __future__ import annotations

from importlib.metadata import version

from ssot_lsp.lsp.server import _version


def test_the_server_reports_the_installed_version():
    assert _version() == version("ssot-lsp")
