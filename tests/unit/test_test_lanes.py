"""The fast lane (`pytest -m "not slow"`) starts no process, and the slow lane's lists are current."""

from __future__ import annotations

import ast
import asyncio
import multiprocessing
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest

from tests.conftest import SLOW_FILES, SLOW_FOLDERS, SLOW_TESTS, TESTS
from tests.process_guard import ENTRY_POINTS, ProcessGuard, ProcessInFastLane


def test_every_way_to_start_a_process_is_refused_in_the_fast_lane(process_guard: ProcessGuard) -> None:
    with pytest.raises(ProcessInFastLane):
        subprocess.run([sys.executable, "-c", "pass"], check=False)
    with pytest.raises(ProcessInFastLane):
        asyncio.run(asyncio.create_subprocess_exec(sys.executable, "-c", "pass"))
    with pytest.raises(ProcessInFastLane):
        multiprocessing.get_context("spawn").Process(target=print).start()
    with pytest.raises(ProcessInFastLane):
        with ProcessPoolExecutor(max_workers=1) as pool:
            pool.submit(print).result()
    with pytest.raises(ProcessInFastLane):
        os.system("true")
    # Forking would copy the test run itself: check that the refusal is in place instead.
    for owner, attribute, what in ENTRY_POINTS:
        assert getattr(owner, attribute).__qualname__.startswith("ProcessGuard.refusal"), what
    assert {"subprocess", "multiprocessing", "os.system"} <= set(process_guard.attempts)
    process_guard.attempts.clear()  # refused as expected: this test itself must pass


def test_a_refusal_the_code_catches_still_fails_the_test_and_slow_tests_run_untouched(
        pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\nmarkers =\n    slow: starts a process\n")
    pytester.makeconftest('pytest_plugins = ("tests.process_guard",)\n')
    pytester.makepyfile(test_lanes="""
        import subprocess
        import sys

        import pytest

        BEFORE = subprocess.Popen._execute_child  # as this file was imported

        def test_falls_back_quietly():
            try:
                subprocess.run([sys.executable, "-c", "pass"])
            except Exception:
                pass  # code under test that swallows the error and carries on

        def test_unmarked_is_guarded():
            assert subprocess.Popen._execute_child is not BEFORE

        @pytest.mark.slow
        def test_marked_slow_is_left_alone():
            assert subprocess.Popen._execute_child is BEFORE
    """)
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*started a process outside the slow lane (subprocess)*"])


def test_a_process_started_by_a_module_fixture_fails_the_fast_test_that_sets_it_up(
        pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\nmarkers =\n    slow: starts a process\n")
    pytester.makeconftest('pytest_plugins = ("tests.process_guard",)\n')
    pytester.makepyfile(test_scoped="""
        import subprocess
        import sys

        import pytest

        @pytest.fixture(scope="module")
        def output_of_a_run():
            try:
                return subprocess.run([sys.executable, "-c", "print(1)"], capture_output=True).stdout
            except Exception:
                return b""  # a fixture that falls back quietly

        def test_sets_it_up(output_of_a_run):
            pass

        def test_reuses_it(output_of_a_run):
            pass
    """)
    fast_only = pytester.runpytest_inprocess()
    fast_only.assert_outcomes(passed=2, errors=1)  # the test whose setup started it fails at teardown
    fast_only.stdout.fnmatch_lines(["*ERROR at teardown of test_sets_it_up*", "started a process outside the slow lane (subprocess)*"])


def test_the_slow_lists_name_tests_that_exist() -> None:
    for folder in SLOW_FOLDERS:
        assert (TESTS / folder).is_dir(), folder
    for file in SLOW_FILES:
        assert (TESTS / file).is_file(), file
    for entry in SLOW_TESTS:
        file, name = entry.split("::")
        tree = ast.parse((TESTS / file).read_text(encoding="utf-8"))
        defined = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
        assert name in defined, entry
