"""The fast lane starts no process: a test not marked `slow` that tries fails.

`pytest -m "not slow"` is the lane a contributor runs after every change (docs/testing.md).
It stays fast only if its tests stay in this process, so every way the standard library
starts a process (subprocess, asyncio's subprocesses, os.fork/spawn/system,
multiprocessing and the process pools built on it) is replaced, for the length of each such
test, by a refusal that raises `ProcessInFastLane` and records the attempt. The test then
fails at teardown even if the code under test caught the error and fell back to something
else. Tests marked `slow` run untouched.
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


@pytest.fixture(autouse=True)
def process_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProcessGuard]:
    guard = ProcessGuard()
    if request.node.get_closest_marker("slow") is None:
        for owner, attribute, what in ENTRY_POINTS:
            monkeypatch.setattr(owner, attribute, guard.refusal(what))
    yield guard
    if guard.attempts:
        pytest.fail(f"started a process outside the slow lane ({', '.join(sorted(set(guard.attempts)))}); "
                    "mark the test `slow` (docs/testing.md)", pytrace=False)
