"""`infer = true`: inferred rules in force, overridden by written ones, kept up to date (SPEC §13)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ssot_lsp.config import load_config
from ssot_lsp.engine import analyze
from ssot_lsp.fixer import fix_all
from ssot_lsp.infer.output import appended_text, validate
from ssot_lsp.model import ConfigurationError
from ssot_lsp.registry import Registry

OLD = """\
import warnings
from pkg.new import make

def build(name):
    warnings.warn("build() is deprecated; use make()", DeprecationWarning, stacklevel=2)
    return make(name)

def legacy(name):
    warnings.warn("legacy() is deprecated; use pkg.new.make", DeprecationWarning)
    print(name)
"""
USER = "from pkg.old import build, legacy\n\nbuild('a')\nlegacy('b')\n"


def workspace(tmp_path: Path, config: str = "infer = true\n", old: str = OLD) -> Registry:
    (tmp_path / "pyproject.toml").write_text("[tool.ssot-lsp]\n" + textwrap.dedent(config))
    (tmp_path / "pkg").mkdir(exist_ok=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "new.py").write_text("def make(name):\n    return name\n")
    (tmp_path / "pkg" / "old.py").write_text(old)
    (tmp_path / "main.py").write_text(USER)
    return Registry(load_config(tmp_path / "pyproject.toml"))


def codes(registry: Registry, path: Path) -> list[str]:
    return [v.code for v in analyze(path.read_text(), path, registry).violations]


def test_without_infer_nothing_is_inferred(tmp_path: Path) -> None:
    registry = workspace(tmp_path, config="")
    assert registry.inference is None and codes(registry, tmp_path / "main.py") == []


def test_high_confidence_rules_are_in_force_and_fix_the_call(tmp_path: Path) -> None:
    registry = workspace(tmp_path)
    assert codes(registry, tmp_path / "main.py") == ["INF-pkg.old.build"]
    fixed = fix_all(USER, tmp_path / "main.py", registry)
    assert "pkg.new.make('a')" in fixed.text and "import pkg.new" in fixed.text
    assert "build" not in fixed.text.split("\n", 1)[0]  # the old import lost the name


def test_infer_confidence_lowers_the_bar(tmp_path: Path) -> None:
    registry = workspace(tmp_path, "infer = true\ninfer-confidence = \"medium\"\n")
    assert sorted(codes(registry, tmp_path / "main.py")) == ["INF-pkg.old.build", "INF-pkg.old.legacy"]


def test_a_written_rule_with_the_same_name_overrides_the_inferred_one(tmp_path: Path) -> None:
    registry = workspace(tmp_path, """\
        infer = true
        [[tool.ssot-lsp.rules]]
        id = "OURS"
        kind = "call"
        name = "pkg.old.build"
        message = "ask the platform team"
        """)
    assert "INF-pkg.old.build" not in registry.rules
    assert codes(registry, tmp_path / "main.py") == ["OURS"]


def test_the_inferred_rule_shows_its_evidence_as_its_origin(tmp_path: Path) -> None:
    rule = workspace(tmp_path).rules["INF-pkg.old.build"]
    assert rule.origin.startswith("the deprecation at pkg/old.py:5")


def test_an_edit_of_the_deprecated_function_updates_the_rules(tmp_path: Path) -> None:
    registry = workspace(tmp_path)
    old = tmp_path / "pkg" / "old.py"
    assert registry.inference.holds_evidence(old)
    registry.workspace.overlays[old] = OLD.replace("    warnings.warn(\"build()", "    # warnings.warn(\"build()")
    registry.invalidate(old, content_only=True)
    assert "INF-pkg.old.build" not in registry.rules
    assert codes(registry, tmp_path / "main.py") == []
    registry.workspace.overlays[old] = OLD + "\ndef broken(:\n"  # half-typed: the last rules stay
    registry.invalidate(old, content_only=True)
    assert "INF-pkg.old.build" not in registry.rules
    del registry.workspace.overlays[old]
    registry.invalidate(old, content_only=True)
    assert codes(registry, tmp_path / "main.py") == ["INF-pkg.old.build"]


def test_a_new_deprecation_in_another_file_is_picked_up(tmp_path: Path) -> None:
    registry = workspace(tmp_path)
    extra = tmp_path / "pkg" / "extra.py"
    extra.write_text("import warnings\nfrom pkg.new import make\n\n"
                     "def other(x):\n    warnings.warn('use make', DeprecationWarning)\n    return make(x)\n")
    registry.invalidate(extra)
    assert "INF-pkg.extra.other" in registry.rules


def test_editing_an_unrelated_file_keeps_the_rules(tmp_path: Path) -> None:
    registry = workspace(tmp_path)
    before = registry.all_rules
    registry.workspace.overlays[tmp_path / "main.py"] = USER + "x = 1\n"
    registry.invalidate(tmp_path / "main.py", content_only=True)
    assert registry.all_rules is before


@pytest.mark.parametrize("config, key", [
    ("infer = \"yes\"\n", "infer"),
    ("infer-confidence = \"certain\"\n", "infer-confidence"),
    ("infer-decorators = [\"deprecated\"]\n", "infer-decorators[0]"),
    ("infer-decorators = \"pkg.deprecated\"\n", "infer-decorators"),
])
def test_bad_infer_keys_are_configuration_errors(tmp_path: Path, config: str, key: str) -> None:
    (tmp_path / "ssot.toml").write_text(config)
    with pytest.raises(ConfigurationError) as caught:
        load_config(tmp_path / "ssot.toml")
    assert [error.key for error in caught.value.errors] == [key]


# -- writing rules into a config file -------------------------------------------------------
def inferred(tmp_path: Path):
    return workspace(tmp_path).inference.inferred()


def test_appended_rules_keep_the_file_and_validate(tmp_path: Path) -> None:
    items = inferred(tmp_path)
    config = tmp_path / "pyproject.toml"
    original = "[project]\nname = 'x'  # keep me\r\n\r\n[tool.ssot-lsp]\r\nsrc = ['.']\r\n".replace("\r\n", "\n")
    text = appended_text(original.replace("\n", "\r\n"), items, config)
    assert text.startswith(original.replace("\n", "\r\n"))
    assert "\n" not in text.replace("\r\n", "")  # the file's line endings throughout
    validate(text, config)
    config.write_bytes(text.encode("utf-8"))
    written = load_config(config)
    assert {rule.id for rule in written.rules} == {item.rule.id for item in items}


def test_rules_that_would_break_the_config_are_refused(tmp_path: Path) -> None:
    items = inferred(tmp_path)
    config = tmp_path / "pyproject.toml"
    with pytest.raises(ConfigurationError):  # `rules` is already an inline array: TOML cannot extend it
        validate(appended_text("[tool.ssot-lsp]\nrules = []\n", items, config), config)


def test_inferred_ids_can_be_suppressed_and_selected(tmp_path: Path) -> None:
    from ssot_lsp.runner import select

    registry = workspace(tmp_path)
    main = tmp_path / "main.py"
    violations = analyze(USER, main, registry).violations
    assert [v.code for v in select(violations, ["INF"], [])] == ["INF-pkg.old.build"]
    assert select(violations, [], ["INF-pkg.old"]) == []
    suppressed = USER.replace("build('a')", "build('a')  # ssot: ignore[INF-pkg.old.build]")
    assert analyze(suppressed, main, registry).violations == []
