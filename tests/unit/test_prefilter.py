"""The batch pre-filter skips only files that cannot violate the registry."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ssot_lsp.cli import check_one
from ssot_lsp.config import load_config
from ssot_lsp.engine import registry_for
from ssot_lsp.prefilter import build_prefilter

REGISTRY = """\
[[rules]]
id = "OLD001"
kind = "call"
name = "pkg.core.get_manager"

[[rules]]
id = "OLD002"
kind = "module"
name = "pkg.legacy"
"""


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def workspace(tmp_path: Path) -> Path:
    (tmp_path / "ssot.toml").write_text(REGISTRY)
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/core.py", "def get_manager():\n    return None\n")
    # A renamed re-export, itself renamed again one module further.
    write(tmp_path, "pkg/facade.py", "from pkg.core import get_manager as manager_for\n")
    write(tmp_path, "pkg/shortcuts.py", "from pkg.facade import (\n    manager_for as mgr,\n)\n")
    write(tmp_path, "pkg/legacy/__init__.py", "")
    write(tmp_path, "pkg/legacy/inner.py", "from . import helpers\n")
    return tmp_path


def test_file_without_triggers_is_skipped(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    config = load_config(root / "ssot.toml")
    prefilter = build_prefilter(registry_for(config))
    unrelated = b"import os\n\ndef managers():\n    return os.getcwd()\n"
    assert not prefilter.may_violate(unrelated, "app.unrelated")
    assert prefilter.may_violate(b"from pkg.core import get_manager\n", "app.user")


def test_renamed_reexport_is_still_flagged(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    user = write(root, "app/user.py", "from pkg.shortcuts import mgr\n\nmgr()\n")
    config = load_config(root / "ssot.toml")
    prefilter = build_prefilter(registry_for(config))
    assert {"manager_for", "mgr"} <= set(prefilter.triggers)
    result = check_one((user, config.path))
    assert [v.code for v in result.violations] == ["OLD001"]


def test_relative_import_inside_governed_package_is_checked(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    config = load_config(root / "ssot.toml")
    inner = root / "pkg/legacy/inner.py"
    assert build_prefilter(registry_for(config)).may_violate(inner.read_bytes(), "pkg.legacy.inner")
    assert [v.code for v in check_one((inner, config.path)).violations] == ["OLD002"]


def test_non_ascii_file_is_never_skipped(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    prefilter = build_prefilter(registry_for(load_config(root / "ssot.toml")))
    # NFKC folds the full-width letter into `g`: Python sees `get_manager`.
    assert prefilter.may_violate("ｇet_manager()\n".encode(), "app.other")
