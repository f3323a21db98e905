"""Fixtures of the reliability suites: a language server process spoken to in raw frames."""

from __future__ import annotations

from typing import Iterator

import pytest

from .jsonrpc import RawServer


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    """One initialised server per test module, with the probe document open."""
    process = RawServer()
    process.initialize()
    process.probe = process.open_probe()
    yield process
    process.close()


@pytest.fixture
def fresh_server() -> Iterator[RawServer]:
    """A server of its own, for tests that end it."""
    process = RawServer()
    yield process
    process.close()
