"""The ratchet (SPEC §14): `baseline --update` only removes; SARIF results carry `baselineState`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_sarif import validate

from .workspace import ssot, write_workspace


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    workspace = write_workspace(tmp_path / "ws")
    result = ssot(workspace, "baseline", ".")
    assert "Recorded 4 violations" in result.stdout, result.stdout + result.stderr
    return workspace


def entries(workspace: Path) -> list[tuple[str, str, int]]:
    document = json.loads((workspace / ".ssot-baseline.json").read_text(encoding="utf-8"))
    assert document["violations"] == sum(entry["count"] for entry in document["entries"])
    return [(entry["file"], entry["code"], entry["count"]) for entry in document["entries"]]


def add_line(path: Path, line: str) -> None:
    path.write_text(line + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")


def test_update_removes_exactly_the_fixed_entries_and_never_adds(recorded: Path):
    before = entries(recorded)
    assert ssot(recorded, "fix", "app/core/a.py", "app/other.py").returncode == 0
    # A new violation arrives at the same time: the ratchet must not record it.
    add_line(recorded / "app/services/b.py", "import pkg.old")
    result = ssot(recorded, "baseline", "--update")
    assert result.returncode == 0, result.stderr
    assert "Removed 2 fixed violations from .ssot-baseline.json; 2 remain." in result.stdout
    after = entries(recorded)
    assert sorted(set(before) - set(after)) == [("app/core/a.py", "OLD001", 1), ("app/other.py", "OLD001", 1)]
    assert set(after) < set(before)
    # The new violation is still reported as new.
    check = ssot(recorded, "check", "--baseline", ".ssot-baseline.json", "--format", "json", ".")
    assert check.returncode == 1
    assert [(v["file"], v["line"], v["code"]) for v in json.loads(check.stdout)] == [
        ("app/services/b.py", 1, "OLD001")]


def test_update_lowers_a_count_and_keeps_it_low(recorded: Path):
    other = recorded / "app/other.py"
    add_line(other, "from pkg.old import thing")  # a second identical occurrence: new, not recorded
    assert ssot(recorded, "baseline", "--update").returncode == 0
    assert ("app/other.py", "OLD001", 1) in entries(recorded)
    other.write_text("print(1)\n", encoding="utf-8")  # both gone
    assert "Removed 1 fixed violation from" in ssot(recorded, "baseline", "--update").stdout
    assert all(file != "app/other.py" for file, _, _ in entries(recorded))


def test_update_without_a_baseline_is_an_error(tmp_path: Path):
    workspace = write_workspace(tmp_path / "ws")
    result = ssot(workspace, "baseline", "--update")
    assert result.returncode == 2 and ".ssot-baseline.json" in result.stderr
    assert not (workspace / ".ssot-baseline.json").exists()


def test_sarif_baseline_states_are_valid_and_exact(recorded: Path):
    assert ssot(recorded, "fix", "app/core/a.py").returncode == 0
    add_line(recorded / "app/services/b.py", "import pkg.old")
    result = ssot(recorded, "check", "--baseline", ".ssot-baseline.json", "--format", "sarif", ".")
    assert result.returncode == 1, result.stderr  # one new violation
    log = json.loads(result.stdout)
    validate(log)
    states = sorted((r["baselineState"], r["ruleId"],
                     r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
                    for r in log["runs"][0]["results"])
    assert states == [
        ("absent", "OLD001", "app/core/a.py"),
        ("new", "OLD001", "app/services/b.py"),
        ("unchanged", "CALL001", "app/services/b.py"),
        ("unchanged", "OLD001", "app/other.py"),
        ("unchanged", "OLD001", "app/services/b.py"),
    ]


def test_sarif_with_a_clean_baseline_exits_zero(recorded: Path):
    result = ssot(recorded, "check", "--baseline", ".ssot-baseline.json", "--format", "sarif", ".")
    assert result.returncode == 0
    log = json.loads(result.stdout)
    validate(log)
    assert {r["baselineState"] for r in log["runs"][0]["results"]} == {"unchanged"}
