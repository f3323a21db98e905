"""The fast lane starts no process: a test not marked `slow` that tries fails.

`pytest -m "not slow"` is the lane a contributor runs after every change (docs/testing.md).
It stays fast only if its tests stay in this process, so every way the standard library
starts a process (subprocess, asyncio's subprocesses, os.fork/spawn/system,
multiprocessing and the process pools built on it) is replaced, for the length of each such
test, by a refusal that raises `ProcessInFastLane` and records the attempt. The refusals are
in place from the start of the test's setup to the end of its teardown, so they also cover
the module- and session-scoped fixtures it sets up (a fixture that runs the command line
once for a whole file starts its process there). The test then fails at teardown even if the
code under test caught the error and fell back to something else. Tests marked `slow` run
untouched.

This module is a pytest plugin (`pytest_plugins` in tests/conftest.py).
"""

from __future__ import annotations

import multiprocessing.process
import os
import subprocess
from typing import Any, Callable, Iterator

import pytest

# (object, attribute, name in messages) for each way a process can be started.
ENTRY_POINTS: tuple[tuple[Any, str, str], ...] = (
    (subprocess.Popen, "_execute_child", "subprocess"),
    (multiprocessing.process.BaseProcess, "start", "multiprocessing"),
    *((os, name, f"os.{name}") for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system")
      if hasattr(os, name)),
)


class ProcessInFastLane(AssertionError):
    """A test outside the `slow` lane tried to start a process."""


class ProcessGuard:
    """The refusals installed for one test, and the attempts they refused."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def refusal(self, what: str) -> Callable[..., Any]:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            self.attempts.append(what)
            raise ProcessInFastLane(f"{what}: this test starts a process; mark it `slow` (docs/testing.md)")

        return refuse


_GUARD = pytest.StashKey[ProcessGuard]()
_PATCH = pytest.StashKey[pytest.MonkeyPatch]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """Install the refusals before any fixture of a fast-lane test is set up, whatever its scope."""
    guard = item.stash[_GUARD] = ProcessGuard()
    if item.get_closest_marker("slow") is None:
        patch = item.stash[_PATCH] = pytest.MonkeyPatch()
        for owner, attribute, what in ENTRY_POINTS:
            patch.setattr(owner, attribute, guard.refusal(what))
    return (yield)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Remove the refusals once every fixture of the test is torn down."""
    try:
        return (yield)
    finally:
        patch = item.stash.get(_PATCH, None)
        if patch is not None:
            patch.undo()
            del item.stash[_PATCH]


@pytest.fixture(autouse=True)
def process_guard(request: pytest.FixtureRequest) -> Iterator[ProcessGuard]:
    """The test's guard; fails the test when it (or a fixture it set up) tried to start a process."""
    guard = request.node.stash.get(_GUARD, None) or ProcessGuard()
    yield guard
    if guard.attempts:
        pytest.fail(f"started a process outside the slow lane ({', '.join(sorted(set(guard.attempts)))}); "
                    "mark the test `slow` (docs/testing.md)", pytrace=False)
