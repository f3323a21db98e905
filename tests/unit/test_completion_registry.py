"""Completion's own tables: canonical symbols and the names the rules tell users to import instead."""

from __future__ import annotations

from pathlib import Path

from ssot_lsp.completion import CANONICAL, Context, canonical_symbols, registry_candidates, replacement_names
from ssot_lsp.config import find_config_file, load_config
from ssot_lsp.registry import Registry

CONFIG = '''\
src = ["."]

[[rules]]
id = "R1"
kind = "call"
name = "app.ws.get_manager"
params = []
replace = ["create_isolated_manager(user_id={user_id})"]
imports = ["from app.canonical import create_isolated_manager", "import secrets"]

[[rules]]
id = "R2"
kind = "call"
name = "app.ws.make_manager"
params = []
replace = ["build(mode=Mode.TEST)"]
imports = ["from app.factory import (build, Mode)", "from app.other import thing as alias"]
'''


def registry(tmp_path: Path) -> Registry:
    (tmp_path / "ssot.toml").write_text(CONFIG)
    return Registry(load_config(tmp_path / "ssot.toml"))


def test_replacement_imports_are_offered_without_canonical_modules(tmp_path: Path):
    found = registry(tmp_path)
    assert sorted(replacement_names(found)) == [
        ("Mode", "app.factory"), ("build", "app.factory"), ("create_isolated_manager", "app.canonical")]
    canonical, _ = registry_candidates(found, Context("expression", "create_iso"))
    assert [(c.label, c.module, c.bucket) for c in canonical] == [("create_isolated_manager", "app.canonical", CANONICAL)]
    names, _ = registry_candidates(found, Context("names", "", "app.factory"))
    assert [c.label for c in names] == ["build", "Mode"]
    assert registry_candidates(found, Context("attribute", "bu")) == ([], [])


def test_replacement_names_that_are_canonical_symbols_are_listed_once(demo_copy: Path):
    found = Registry(load_config(find_config_file(demo_copy)))
    symbols = canonical_symbols(found)
    keys = [(c.label, c.module) for c in symbols]
    assert len(keys) == len(set(keys))
    assert {"WebSocketManager", "WebSocketManagerMode", "create_isolated_manager"} <= {c.label for c in symbols}
    assert set(replacement_names(found)) <= set(keys)
