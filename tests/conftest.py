"""Shared fixtures (the repository layout, the demo workspace) and the two test lanes.

Tests that start a process or take long are marked `slow`: whole folders here, single
tests where they are. `pytest -m "not slow"` is the fast lane, and `process_guard` fails any
test in it that starts a process (docs/testing.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# process_guard: the fast lane's refusal to start processes (hooks and an autouse fixture);
# pytester: tests/unit/test_test_lanes.py runs pytest on a test file of its own.
pytest_plugins = ("tests.process_guard", "pytester")

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "netra_demo"
TESTS = REPO / "tests"
# Where tests start processes (the `slow` lane), relative to tests/. A test that starts one
# and is missing here fails the fast lane (process_guard.py), so these lists cannot fall behind.
# Folders: the language server and real editors over stdio, pip, the fixers' behaviour runs.
SLOW_FOLDERS = ("e2e", "editors", "reliability", "packaging", "behaviour")
# Files whose every test runs the command line as a program, git, or a helper process.
SLOW_FILES = (
    "campaign/test_ratchet.py", "campaign/test_verify.py",
    "cli/test_baseline.py", "cli/test_check_demo.py", "cli/test_config_errors.py", "cli/test_demo_outputs.py",
    "cli/test_infer_cli.py",
    "cli/test_precommit.py", "cli/test_preset_django.py", "cli/test_report_html.py",
    "unit/test_codecache.py", "unit/test_lint.py", "unit/test_startup.py",
)
# Single tests, in files whose other tests stay in this process.
SLOW_TESTS = (
    "campaign/test_history.py::test_a_commit_with_a_broken_configuration_is_reported_not_skipped",
    "campaign/test_history.py::test_history_equals_report_on_each_checkout_and_leaves_the_work_tree_alone",
    "campaign/test_history.py::test_history_outside_a_repository_is_an_error",
    "campaign/test_history.py::test_since_selects_commits_and_formats_render",
    "campaign/test_history.py::test_the_cache_answers_a_second_run_and_a_new_commit_costs_its_files",
    "campaign/test_phases.py::test_check_phase_gates_only_that_phase",
    "campaign/test_phases.py::test_check_phase_with_an_unknown_name_is_an_error",
    "campaign/test_phases.py::test_report_formats_show_the_phases",
    "cli/test_fix_cli.py::test_diff_writes_nothing",
    "cli/test_fix_cli.py::test_fix_demo_leaves_only_manual_work_and_a_working_package",
    "cli/test_fix_cli.py::test_fix_keeps_bom_crlf_and_latin1",
    "cli/test_fix_cli.py::test_sigkill_leaves_old_or_new_text",
    "cli/test_github.py::test_demo_lines_match_the_annotation_syntax",
    "cli/test_readme.py::test_readme_sample_output_matches_the_real_command",
    "cli/test_report_cli.py::test_configuration_errors_exit_2",
    "cli/test_report_cli.py::test_html_to_a_file",
    "cli/test_report_cli.py::test_json_report_exits_zero_with_violations",
    "cli/test_report_cli.py::test_markdown_is_the_default",
    "cli/test_sarif.py::test_artifact_uris_are_relative_to_srcroot",
    "cli/test_sarif.py::test_columns_are_code_points",
    "cli/test_sarif.py::test_demo_fixes_when_the_fix_engine_is_installed",
    "cli/test_sarif.py::test_demo_log_is_valid_sarif",
    "cli/test_sarif.py::test_rules_and_results",
    "unit/test_fix_jobs.py::test_the_helper_process_answers_with_the_fixed_text",
    "unit/test_scan_overlays.py::test_the_helper_process_applies_the_overlay_before_its_batch",
    "unit/test_worker.py::test_a_dead_helper_fails_its_calls_and_the_next_call_starts_a_new_one",
    "unit/test_worker.py::test_closing_fails_the_calls_still_waiting",
    "unit/test_worker.py::test_helper_modules_do_not_load_the_protocol_libraries",
    "unit/test_worker.py::test_the_scan_helper_does_not_load_process_pools",
    "unit/test_worker.py::test_releasing_memory_does_not_load_asyncio_in_a_helper",
    "unit/test_worker.py::test_jobs_are_answered_in_order_and_a_failure_is_contained",
    "unit/test_worker.py::test_scan_results_from_the_helper_equal_in_process_checks",
)


def is_slow(item: pytest.Item) -> bool:
    """Whether a collected test belongs to the slow lane."""
    relative = Path(str(item.path)).resolve().relative_to(TESTS)
    name = f"{relative.as_posix()}::{getattr(item, 'originalname', item.name)}"
    return (relative.parts[0] in SLOW_FOLDERS or relative.as_posix() in SLOW_FILES or name in SLOW_TESTS
            or item.get_closest_marker("e2e") is not None)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if is_slow(item):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A private copy of the demo workspace that a test may change."""
    target = tmp_path / "netra_demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target
