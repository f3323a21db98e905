"""One version for every output: the installed one, found without importing importlib.metadata."""

from __future__ import annotations

from importlib.metadata import version

from ssot_lsp.meta import version as ssot_version


def test_the_installed_version_is_reported():
    assert ssot_version() == version("ssot-lsp")
