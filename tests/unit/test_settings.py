"""Client settings: the valid ones apply, the others come back as problems naming key, value and expectation."""

from __future__ import annotations

from typing import Any

import pytest

from ssot_lsp.lsp.settings import SCOPE_WORKSPACE, Settings

DEFAULTS = Settings()


@pytest.mark.parametrize("raw, applied", [
    ({"ssot": {"debounceMs": 20}}, {"debounceMs": 20}),
    ({"debounceMs": 20.7, "jediCompletion": False}, {"debounceMs": 20, "jediCompletion": False}),
    ({"ssot": {"diagnosticScope": "workspace", "trace": {"server": "verbose"}, "interpreter": []}},
     {"diagnosticScope": SCOPE_WORKSPACE}),
    ({"ssot": {"debounceMs": None}}, {}),  # unset in the client: the default stays, nothing to say
    ({"python": {"analysis": 1}}, {}),  # another extension's section, sent whole: not ours to judge
    (None, {}),
])
def test_valid_settings_apply_without_problems(raw: Any, applied: dict[str, Any]) -> None:
    settings, problems = DEFAULTS.update(raw)
    assert problems == []
    assert {key: getattr(settings, key) for key in applied} == applied
    assert all(getattr(settings, key) == getattr(DEFAULTS, key) for key in vars(DEFAULTS) if key not in applied)


@pytest.mark.parametrize("raw, shown", [
    ({"ssot": {"debounceMs": -5}}, ['ssot.debounceMs = -5 ignored: expected a number of milliseconds, 0 or more']),
    ({"ssot": {"completionBudgetMs": True}},
     ['ssot.completionBudgetMs = true ignored: expected a number of milliseconds, 0 or more']),
    ({"jediCompletion": "yes"}, ['ssot.jediCompletion = "yes" ignored: expected true or false']),
    ({"diagnosticScope": "everything"},
     ['ssot.diagnosticScope = "everything" ignored: expected "openFiles" or "workspace"']),
    ({"ssot": {"debounce": 3}},
     ['ssot.debounce = 3 ignored: expected one of completionBudgetMs, debounceMs, diagnosticScope, '
      'jediCompletion, scanOnStartup']),
    ("fast", ['ssot = "fast" ignored: expected an object of ssot.* settings']),
])
def test_invalid_settings_are_returned_and_not_applied(raw: Any, shown: list[str]) -> None:
    settings, problems = DEFAULTS.update(raw)
    assert [str(problem) for problem in problems] == shown
    assert settings == DEFAULTS


def test_the_valid_part_applies_next_to_an_invalid_one() -> None:
    settings, problems = DEFAULTS.update({"ssot": {"debounceMs": "soon", "scanOnStartup": False}})
    assert [problem.key for problem in problems] == ["ssot.debounceMs"]
    assert settings.scanOnStartup is False and settings.debounceMs == DEFAULTS.debounceMs


def test_an_unknown_key_is_a_problem_only_in_the_ssot_section() -> None:
    assert DEFAULTS.update({"debounce": 3})[1] == []  # could be any extension's settings
    assert [p.key for p in DEFAULTS.update({"debounce": 3}, section=True)[1]] == ["ssot.debounce"]
