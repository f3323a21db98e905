"""Phases (SPEC §14): `by_phase` equals the hand count of workspace.py; `check --phase` gates one phase."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from ssot_lsp.config import parse_config
from ssot_lsp.model import ConfigurationError
from ssot_lsp.report import build_report

from .workspace import write_workspace, ssot


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "ws")


def test_by_phase_equals_the_hand_count(workspace: Path):
    rows = {row["name"]: row for row in build_report([str(workspace)]).as_json()["by_phase"]}
    assert list(rows) == ["golden", "services", "rest"]
    picked = ("files", "violations", "auto", "unsafe", "manual", "none", "canonical", "total", "score", "deadline")
    assert {name: tuple(row[key] for key in picked) for name, row in rows.items()} == {
        "golden": (2, 1, 1, 0, 0, 0, 1, 2, 50.0, "2000-01-01"),
        "services": (2, 1, 1, 0, 0, 0, 1, 2, 50.0, "2999-12-31"),
        "rest": (5, 2, 1, 0, 0, 1, 0, 1, 0.0, None),
    }
    # Past its deadline with work left: not on track; before it: on track; no deadline: unknown.
    assert [rows[name]["on_track"] for name in rows] == [False, True, None]


def test_a_finished_phase_is_on_track_after_its_deadline():
    from ssot_lsp.phases import Counted, Phase, by_phase

    rows = by_phase([Phase("done", ("a/",), deadline="2000-01-01")], [Counted("done", 2, 2, ())],
                    today=datetime.date(2030, 1, 1))
    assert rows[0]["on_track"] is True and rows[0]["score"] == 100.0


def test_report_formats_show_the_phases(workspace: Path):
    markdown = ssot(workspace, "report", ".")
    assert "| golden | 2 | 1 | 1 | 0 | 0 | 0 | 50.0% | 2000-01-01 | no |" in markdown.stdout
    html = ssot(workspace, "report", "--format", "html", ".")
    assert '<table class="phases">' in html.stdout and "<td>services</td>" in html.stdout
    data = json.loads(ssot(workspace, "report", "--format", "json", ".").stdout)
    assert [row["name"] for row in data["by_phase"]] == ["golden", "services", "rest"]


def test_check_phase_gates_only_that_phase(workspace: Path):
    golden = ssot(workspace, "check", "--phase", "golden", "--format", "json", ".")
    assert golden.returncode == 1
    assert [(v["file"], v["code"]) for v in json.loads(golden.stdout)] == [("app/core/a.py", "OLD001")]
    services = ssot(workspace, "check", "--phase", "services", "--format", "json", ".")
    assert [(v["file"], v["code"]) for v in json.loads(services.stdout)] == [("app/services/b.py", "OLD001")]
    rest = ssot(workspace, "check", "--phase", "rest", "--format", "json", ".")
    assert sorted((v["file"], v["code"]) for v in json.loads(rest.stdout)) == [
        ("app/other.py", "OLD001"), ("app/services/b.py", "CALL001")]

    assert ssot(workspace, "fix", "app/core").returncode == 0
    assert ssot(workspace, "check", "--phase", "golden", ".").returncode == 0
    assert ssot(workspace, "check", ".").returncode == 1  # the other phases still have work


def test_check_phase_with_an_unknown_name_is_an_error(workspace: Path):
    result = ssot(workspace, "check", "--phase", "nope", ".")
    assert result.returncode == 2
    assert "no phase named 'nope' (declared: golden, rest, services)" in result.stderr


@pytest.mark.parametrize("phases, key, reason", [
    ('[{name = "a", paths = ["x/"], deadline = "2024-13-01"}]', "phases[0].deadline", "is not a date"),
    ('[{name = "rest", paths = ["x/"]}]', "phases[0].name", "reserved"),
    ('[{name = "a"}]', "phases[0].paths", "required key is missing"),
    ('[{name = "a", paths = ["x/"]}, {name = "a", paths = ["y/"]}]', "phases[1].name", "already used"),
    ('[{name = "a", paths = "x/"}]', "phases[0].paths", "must be an array"),
    ('[{name = "a", paths = ["x/"], owner = "me"}]', "phases[0].owner", "unknown key"),
])
def test_bad_phases_are_configuration_errors(tmp_path: Path, phases: str, key: str, reason: str):
    from ssot_lsp.config import tomllib

    table = tomllib.loads(f"phases = {phases}")
    with pytest.raises(ConfigurationError) as raised:
        parse_config(table, tmp_path / "ssot.toml")
    assert any(error.key == key and reason in error.reason for error in raised.value.errors), raised.value.errors
