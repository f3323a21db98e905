"""Malformed registries exit 2 with the file, the line, the key and the reason (SPEC §2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

GOOD_RULE = """
[[rules]]
id = "R1"
kind = "module"
name = "a.old"
replace = "a.new"
"""

CASES = {
    "unknown-top-level-key": ('srcs = ["."]\n' + GOOD_RULE, "srcs", "unknown key", 1),
    "unknown-rule-key": (GOOD_RULE + 'replacement = "x"\n', "rules[0].replacement", "unknown key", 7),
    "wrong-type": ('scope = "a"\n' + GOOD_RULE, "scope", "must be an array", 1),
    "wrong-rule-type": (GOOD_RULE.replace('name = "a.old"', "name = 3"), "rules[0].name", "must be a string", 5),
    "bad-kind": (GOOD_RULE.replace('"module"', '"function"'), "rules[0].kind", "not one of", 4),
    "bad-severity": (GOOD_RULE + 'severity = "fatal"\n', "rules[0].severity", "not one of", 7),
    "duplicate-id": (GOOD_RULE + GOOD_RULE, "rules[1].id", "duplicate rule id 'R1'", 9),
    "missing-id": (GOOD_RULE.replace('id = "R1"\n', ""), "rules[0].id", "required", 2),
    "unparsable-template": (
        '[[rules]]\nid = "C1"\nkind = "call"\nname = "a.f"\nreplace = ["g({x)"]\n',
        "rules[0].replace[0]", "does not parse", 5,
    ),
    "template-not-expression": (
        '[[rules]]\nid = "C1"\nkind = "call"\nname = "a.f"\nreplace = ["g(x) = 1"]\n',
        "rules[0].replace[0]", "not a Python expression", 5,
    ),
    "bad-import": (
        '[[rules]]\nid = "C1"\nkind = "call"\nname = "a.f"\nimports = ["imprt x"]\n',
        "rules[0].imports[0]", "not an import statement", 5,
    ),
    "unknown-preset": ('presets = ["django-9"]\n', "presets", "unknown preset", 1),
}


def check(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ssot_lsp.cli", "check", "."], cwd=folder,
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize("name", list(CASES))
def test_malformed_config_exits_2_naming_the_key(name: str, tmp_path: Path) -> None:
    text, key, reason, line = CASES[name]
    (tmp_path / "ssot.toml").write_text(text)
    (tmp_path / "main.py").write_text("import a.old\n")
    result = check(tmp_path)
    assert result.returncode == 2, result.stdout
    assert f"error: ssot.toml:{line}: {key}: " in result.stderr
    assert reason in result.stderr


def test_toml_syntax_error_names_line_and_column_without_a_pseudo_key(tmp_path: Path) -> None:
    (tmp_path / "ssot.toml").write_text('scope = ["a"]\nkey = \n')
    (tmp_path / "main.py").write_text("")
    result = check(tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ssot.toml:2:7: invalid TOML: "), result.stderr
    assert "<toml>" not in result.stderr and "(at line" not in result.stderr


def test_pyproject_errors_point_into_the_right_rule_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ssot-lsp]\nscope = ["a"]\n\n'
        '[[tool.ssot-lsp.rules]]\nid = "A"\nkind = "module"\nname = "old"\n\n'
        '[[tool.ssot-lsp.rules]]\nid = "B"\nkind = "modul"\nname = "old2"\n')
    (tmp_path / "main.py").write_text("")
    result = check(tmp_path)
    assert result.returncode == 2
    assert "error: pyproject.toml:14: tool.ssot-lsp.rules[1].kind: 'modul' is not one of" in result.stderr


def test_pyproject_keys_are_qualified(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ssot-lsp]\nscop = ["a"]\n')
    (tmp_path / "main.py").write_text("")
    result = check(tmp_path)
    assert result.returncode == 2
    assert "pyproject.toml:2: tool.ssot-lsp.scop: unknown key" in result.stderr


def test_missing_canonical_module_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "ssot.toml").write_text('canonical-modules = ["app.nowhere"]\n')
    (tmp_path / "main.py").write_text("")
    result = check(tmp_path)
    assert result.returncode == 2
    assert "canonical-modules[0]: module 'app.nowhere' not found" in result.stderr


def test_nested_config_wins_and_config_is_found_upwards(tmp_path: Path) -> None:
    (tmp_path / "ssot.toml").write_text(GOOD_RULE)
    inner = tmp_path / "svc"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.ssot-lsp]\n[[tool.ssot-lsp.rules]]\nid = "R2"\nkind = "module"\nname = "b.old"\n')
    (inner / "deep").mkdir()
    (inner / "deep" / "m.py").write_text("import a.old\nimport b.old\n")
    (tmp_path / "top.py").write_text("import a.old\nimport b.old\n")
    result = check(tmp_path)
    assert result.returncode == 1
    lines = [line.split(" ")[0:2] for line in result.stdout.splitlines() if ": R" in line]
    assert lines == [["svc/deep/m.py:2:8:", "R2"], ["top.py:1:8:", "R1"]]
