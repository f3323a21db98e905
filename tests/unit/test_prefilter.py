"""The batch pre-filter skips only files that cannot violate the registry."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ssot_lsp.batch import check_file, run_checks
from ssot_lsp.configs import ConfigStore
from ssot_lsp.config import find_config_file, load_config
from ssot_lsp.engine import analyze, registry_for
from ssot_lsp.prefilter import ReExports, build_prefilter, import_statements, read_reexports, workspace_reexports
from ssot_lsp.registry import Registry
from ssot_lsp.source import MAX_SOURCE_BYTES
from tests.unit.test_detection import CASES, PACKAGE
from tests.unit.test_detection import REGISTRY as DETECTION_REGISTRY

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
    # The last name alone is not enough: the file must import the path it is found on.
    assert not prefilter.may_violate(b"from elsewhere import mgr\n\nmgr()\n", "app.user", False)
    result = check_file(ConfigStore(), user)
    assert [v.code for v in result.violations] == ["OLD001"]


def test_relative_import_inside_governed_package_is_checked(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    config = load_config(root / "ssot.toml")
    inner = root / "pkg/legacy/inner.py"
    assert build_prefilter(registry_for(config)).may_violate(inner.read_bytes(), "pkg.legacy.inner")
    assert [v.code for v in check_file(ConfigStore(), inner).violations] == ["OLD002"]


def test_non_ascii_spelling_is_read_as_python_reads_it(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    prefilter = build_prefilter(registry_for(load_config(root / "ssot.toml")))
    # NFKC folds the full-width letters into ASCII: Python sees `from pkg.core import get_manager`.
    assert prefilter.may_violate("from ｐkg.core import ｇet_manager\nｇet_manager()\n".encode(), "app.other")
    assert not prefilter.may_violate("ｇet_manager()\n".encode(), "app.other")  # bound by no import


# -- batch runs agree with the plain engine -----------------------------------------------


def batch_codes(root: Path, path: Path) -> list[tuple[str, int, int]]:
    """What `ssot-lsp check` reports for `path`: pre-filter built, registry limited to triggers."""
    (result,) = run_checks(ConfigStore(), [path], jobs=1)  # the pre-filter built, the registry limited
    return [(v.code, v.span.start_line, v.span.start_col) for v in result.violations]


def plain_codes(root: Path, path: Path) -> list[tuple[str, int, int]]:
    registry = Registry(load_config(find_config_file(root)))  # fresh: no pre-filter, no limit
    return [(v.code, v.span.start_line, v.span.start_col)
            for v in analyze(path.read_text(), path, registry).violations]


def detection_workspace(root: Path, relative: str, source: str) -> Path:
    (root / "ssot.toml").write_text(DETECTION_REGISTRY)
    for name, text in {**PACKAGE, "pkg/app/__init__.py": ""}.items():
        write(root, name, text)
    return write(root, relative, source)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_batch_run_finds_what_the_engine_finds(case, tmp_path: Path) -> None:
    path = detection_workspace(tmp_path, case.path, case.source)
    expected = plain_codes(tmp_path, path)
    assert len(expected) == len(case.expected)
    assert batch_codes(tmp_path, path) == expected


@pytest.mark.parametrize("source, count", [
    # An alias bound at module level and used only inside a function body.
    ("from pkg import get_manager as gm\n\ndef f():\n    return gm()\n", 1),
    # A module object renamed, the deprecated call reached through it in a method.
    ("import pkg as p\n\nclass A:\n    def m(self):\n        return p.get_manager()\n", 1),
    # A renamed re-export defined elsewhere in the workspace, used in a nested function.
    ("from app.facade import manager_for\n\ndef f():\n    def g():\n        return manager_for()\n    return g\n", 1),
    # Bodies without any trigger are skipped, and nothing is lost.
    ("from pkg import get_manager\n\ndef f(x):\n    return x + 1\n\nget_manager()\n", 1),
])
def test_function_bodies_skipped_in_batch_runs_lose_nothing(source: str, count: int, tmp_path: Path) -> None:
    path = detection_workspace(tmp_path, "app/main.py", source)
    write(tmp_path, "app/facade.py", "from pkg import (  # re-exported under another name\n"
                                     "    get_manager  # the old accessor\n    as manager_for,\n)\n")
    expected = plain_codes(tmp_path, path)
    assert [code for code, _, _ in expected] == ["CALL"] * count
    assert batch_codes(tmp_path, path) == expected


@pytest.mark.parametrize("source, statements", [
    ("from a import b as c, d as e\n", [("a", [("b", "c"), ("d", "e")])]),
    ("import a.b.c as d\n", [(None, [("a.b.c", "d")])]),
    ("from a import (\n    b  # why)\n    as c,\n)\n", [("a", [("b", "c")])]),
    ("from a import b \\\n    as c\n", [("a", [("b", "c")])]),
    ("from . import x\nfrom ..y import *\n", [("top.pkg", [("x", None)]), ("top.y", [("*", None)])]),
    ("import os; from a . b import (c)\n", [(None, [("os", None)]), ("a.b", [("c", None)])]),
    ("if x: import a as b\n", [(None, [("a", "b")])]),
    # A comment ending in a backslash does not continue: the next line's import is read alone too.
    ("# from a \\\nimport b\n", [("a", [("b", None)]), (None, [("b", None)])]),
    ("with open(x) as f:\n    pass\n", []),
])
def test_import_statements_are_read_from_the_text(source: str, statements) -> None:
    assert import_statements(source.encode(), "top.pkg.mod", False) == statements


def test_non_ascii_name_in_an_import_is_read_like_the_workspace() -> None:
    reexports = ReExports()
    read_reexports("from café import x as y\n".encode(), "pkg.mod", False, reexports)
    assert reexports.targets == {"pkg.mod.y": {"café.x"}}
    assert import_statements("from café import x\n".encode(), "pkg.mod", False) is None


def test_demo_workspace_batch_run_equals_engine() -> None:
    root = Path(__file__).resolve().parents[2] / "examples" / "netra_demo"
    files = sorted(p for p in root.rglob("*.py*") if p.suffix in (".py", ".pyi"))
    assert files
    for path in files:
        try:
            expected = plain_codes(root, path)
        except UnicodeDecodeError:
            continue  # the Latin-1 file: covered by the CLI tests
        assert batch_codes(root, path) == expected, path


def test_alias_in_a_file_outside_src_still_reaches_the_rule(tmp_path: Path) -> None:
    # The rename scan covers `src` only; the walker adds the file's own aliases itself.
    (tmp_path / "ssot.toml").write_text('src = ["lib"]\n' + DETECTION_REGISTRY)
    for name, text in PACKAGE.items():
        if name.startswith("pkg/"):
            write(tmp_path, "lib/" + name, text)
    path = write(tmp_path, "scripts/main.py",
                 "from pkg import get_manager as gm\n\ndef f():\n    return gm()\n")
    expected = plain_codes(tmp_path, path)
    assert [code for code, _, _ in expected] == ["CALL"]
    assert batch_codes(tmp_path, path) == expected


def test_the_store_keeps_a_registry_s_batch_filter_until_a_workspace_module_changes(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    store = ConfigStore()
    registry = store.registry(store.load(root / "ssot.toml"))
    first = store.batch_filter(registry)
    assert store.batch_filter(registry) is first
    assert registry.relevant == frozenset(first.triggers)
    store.module_changed(root / "pkg" / "facade.py")  # its re-exports may have changed: the filter is stale
    assert registry.relevant is None
    assert store.batch_filter(registry) is not first


def test_an_unsaved_re_export_reaches_the_batch_filter(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    user = b"from pkg.facade import make\n\nmake()\n"
    store = ConfigStore()
    registry = store.registry(store.load(root / "ssot.toml"))
    assert not store.batch_filter(registry).may_violate(user, "app.user", False)
    store.set_overlay(root / "pkg" / "facade.py", "from pkg.core import get_manager as make\n")
    assert store.batch_filter(registry).may_violate(user, "app.user", False)


def test_re_exports_read_file_by_file_elsewhere_merge_to_the_same_result(tmp_path: Path) -> None:
    # A batch run reads the workspace's files in its worker processes; the merged result is
    # the one reading them in order gives, whatever order the files come back in.
    root = workspace(tmp_path)
    write(root, "pkg/stars.py", "from pkg.shortcuts import *\n")
    with open(root / "pkg" / "big.py", "wb") as big:
        big.truncate(MAX_SOURCE_BYTES + 1)  # too large to read: the re-exports may be incomplete
    registry = registry_for(load_config(root / "ssot.toml"))
    mapped: list[str] = []

    def backwards(function, context, items):
        mapped.extend(items)
        return [function(context, item) for item in reversed(items)]

    serial = workspace_reexports(registry)
    elsewhere = workspace_reexports(registry, map_files=backwards)
    assert sorted(mapped) == sorted(str(p) for p in root.rglob("*.py"))
    for found in (serial, elsewhere):
        assert found.targets["pkg.facade.manager_for"] == {"pkg.core.get_manager"}
        assert found.stars_of["pkg.stars"] == {"pkg.shortcuts"}
        assert not found.complete
    assert (elsewhere.modules, elsewhere.targets, elsewhere.sources, elsewhere.stars_of, elsewhere.starred_by) == \
        (serial.modules, serial.targets, serial.sources, serial.stars_of, serial.starred_by)
