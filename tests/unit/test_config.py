"""Config validation: every problem of a registry becomes (file, line, key, reason), nothing is dropped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ssot_lsp.config import config_from_text, format_config_error, parse_config
from ssot_lsp.model import ConfigurationError

RULE = {"id": "R1", "kind": "module", "name": "a.old", "replace": "a.new"}


def problems(table: dict[str, Any], tmp_path: Path) -> list[tuple[str, str]]:
    with pytest.raises(ConfigurationError) as raised:
        parse_config(table, tmp_path / "ssot.toml")
    return [(error.key, error.reason) for error in raised.value.errors]


# (table, [(key, reason)]): the exact messages users see.
CASES = {
    "unknown top-level key": (
        {"srcs": ["."]},
        [("srcs", "unknown key (expected one of: src, scope, canonical-modules, canonical-allow, exclude, presets, "
                  "per-file-ignores, rules, infer, infer-confidence, infer-decorators, phases)")],
    ),
    "wrong top-level type": ({"scope": "a", "infer": "yes"}, [
        ("scope", "must be an array, not a string"), ("infer", "must be a boolean, not a string"),
    ]),
    "non-string elements": ({"src": [".", 3], "exclude": [True]}, [
        ("src[1]", "must be a string, not an integer"), ("exclude[0]", "must be a string, not a boolean"),
    ]),
    "canonical-allow elements are checked too": ({"canonical-allow": [["x"]]}, [
        ("canonical-allow[0]", "must be a string, not an array"),
    ]),
    "dotted module names": ({"scope": ["ok.mod", "not a module"]}, [
        ("scope[1]", "'not a module' is not a dotted module name"),
    ]),
    "the index is the element's position": ({"canonical-modules": [1, "bad-name"]}, [
        ("canonical-modules[0]", "must be a string, not an integer"),
        ("canonical-modules[1]", "'bad-name' is not a dotted module name"),
    ]),
    "decorators need a module": ({"infer-decorators": ["deprecated"]}, [
        ("infer-decorators[0]", "'deprecated' is not a dotted name (module.decorator)"),
    ]),
    "confidence": ({"infer-confidence": "certain"}, [
        ("infer-confidence", "'certain' is not one of low, medium, high"),
    ]),
    "a rule that is not a table": ({"rules": ["R1"]}, [("rules[0]", "must be a table, not a string")]),
    "unknown rule key and missing keys": ({"rules": [{"id": "R1", "replacement": "x"}]}, [
        ("rules[0].replacement",
         "unknown key (expected one of: id, kind, name, replace, message, severity, allow, params, imports)"),
        ("rules[0].kind", "required key is missing"), ("rules[0].name", "required key is missing"),
    ]),
    "rule value checks": ({"rules": [{**RULE, "id": "1x", "kind": "function", "severity": "fatal"}]}, [
        ("rules[0].id", "'1x' is not a valid rule id (letters, digits, '-', '_' and '.')"),
        ("rules[0].kind", "'function' is not one of module, symbol, call"),
        ("rules[0].severity", "'fatal' is not one of error, warning, information, hint"),
    ]),
    "a symbol rule names an attribute": ({"rules": [{**RULE, "kind": "symbol", "name": "old"}]}, [
        ("rules[0].name", "'old' must be a module attribute (pkg.mod.attr)"),
    ]),
    "replace of a module rule": ({"rules": [{**RULE, "replace": ["a.new"]}, {**RULE, "id": "R2", "replace": "a b"}]}, [
        ("rules[0].replace", "must be a dotted name for a module rule, not an array"),
        ("rules[1].replace", "'a b' is not a dotted name"),
    ]),
    "call rule params, imports and templates": ({"rules": [{
        "id": "C1", "kind": "call", "name": "a.f", "params": ["ok", "not ok"], "imports": ["from . import x"],
        "replace": ["g({ok})", 3],
    }]}, [
        ("rules[0].params[1]", "'not ok' is not an identifier"),
        ("rules[0].imports[0]", "'from . import x' must be an absolute import"),
        ("rules[0].replace[1]", "must be a string, not an integer"),
    ]),
    "duplicate ids": ({"rules": [RULE, RULE]}, [("rules[1].id", "duplicate rule id 'R1'")]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_problem_is_reported_with_its_key_and_reason(name: str, tmp_path: Path) -> None:
    table, expected = CASES[name]
    assert problems(table, tmp_path) == expected


def test_a_valid_registry_keeps_every_value(tmp_path: Path) -> None:
    config = parse_config({
        "src": ["src"], "scope": ["app"], "canonical-modules": ["app.api"], "canonical-allow": ["tests/**"],
        "exclude": ["build/"], "infer": True, "infer-confidence": "medium", "infer-decorators": ["lib.deprecated"],
        "rules": [RULE, {"id": "C1", "kind": "call", "name": "a.f", "replace": "g({x})", "params": ["x"],
                         "imports": ["from m import g"], "allow": ["legacy/*"], "severity": "error"}],
    }, tmp_path / "ssot.toml")
    assert config.src == (tmp_path / "src",)
    assert (config.scope, config.canonical_modules, config.canonical_allow, config.exclude) == (
        ("app",), ("app.api",), ("tests/**",), ("build/",))
    assert (config.infer, config.infer_confidence, config.infer_decorators) == (True, "medium", ("lib.deprecated",))
    module_rule, call_rule = config.rules
    assert (module_rule.replace, module_rule.severity, module_rule.templates) == ("a.new", "warning", ())
    assert (call_rule.replace, call_rule.templates, call_rule.params, call_rule.imports, call_rule.allow) == (
        None, ("g({x})",), ("x",), ("from m import g",), ("legacy/*",))
    assert call_rule.severity == "error" and call_rule.replacement == "g"


def test_src_defaults_to_the_config_folder_and_its_src(tmp_path: Path) -> None:
    assert parse_config({}, tmp_path / "ssot.toml").src == (tmp_path,)
    (tmp_path / "src").mkdir()
    assert parse_config({}, tmp_path / "ssot.toml").src == (tmp_path, tmp_path / "src")


def test_errors_point_at_the_line_of_their_key(tmp_path: Path) -> None:
    path = tmp_path / "ssot.toml"
    text = 'scope = ["app"]\n\n[[rules]]\nid = "R1"\nkind = "module"\nname = "a.old"\nseverity = "fatal"\n'
    path.write_text(text)
    with pytest.raises(ConfigurationError) as raised:
        config_from_text(text, path)
    assert [format_config_error(error, "ssot.toml") for error in raised.value.errors] == [
        "ssot.toml:7: rules[0].severity: 'fatal' is not one of error, warning, information, hint",
    ]


def test_pyproject_keys_are_qualified_by_the_tool_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    text = '[tool.ssot-lsp]\nscope = "app"\n'
    path.write_text(text)
    with pytest.raises(ConfigurationError) as raised:
        config_from_text(text, path)
    assert [(e.key, e.reason) for e in raised.value.errors] == [("tool.ssot-lsp.scope", "must be an array, not a string")]
