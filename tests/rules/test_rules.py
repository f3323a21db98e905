"""Rule behaviour as data: each row is a registry, a file before and after `fix_all`.

`codes` are the violations expected before fixing, `manual` the codes left for a person,
`refused` the codes the planner declines with a reason (SPEC §12). Every row also goes
through the safety promises: the result parses, a re-check reports none of the fixed
violations, every violation `check` calls automatic is applied, and fixing again changes
nothing.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from ssot_lsp.config import load_config
from ssot_lsp.engine import check
from ssot_lsp.fixer import fix_all

MODULE = """
[[rules]]
id = "M1"
kind = "module"
name = "old.factory"
replace = "new.canonical"
"""
SYMBOL = """
[[rules]]
id = "S1"
kind = "symbol"
name = "lib.legacy.make_thing"
replace = "lib.modern.build_thing"
"""
CALL = """
[[rules]]
id = "C1"
kind = "call"
name = "lib.legacy.get_manager"
params = ["name"]
replace = ["Manager({name}, user_id={user_id})", "Manager.default({args})"]
imports = ["from lib.modern import Manager"]
"""
MOCK = """
[[rules]]
id = "P1"
kind = "module"
name = "mock"
replace = "unittest.mock"
"""
PACKAGE = """
[[rules]]
id = "M2"
kind = "module"
name = "pkg.old"
replace = "other.new"
"""
SPECIFIC = """
[[rules]]
id = "S4"
kind = "symbol"
name = "old.factory.gone"
message = "removed without a replacement"
"""
SAME_CALLEE = """
[[rules]]
id = "C3"
kind = "call"
name = "lib.get_manager"
replace = ["lib.create_manager()"]
imports = ["import lib"]
"""
SAME_MODULE = """
[[rules]]
id = "S3"
kind = "symbol"
name = "lib.text.force_text"
replace = "lib.text.force_str"
"""
TOP_LEVEL = """
[[rules]]
id = "M3"
kind = "module"
name = "pkg.old"
replace = "newmod"
"""
REORDER = """
[[rules]]
id = "C2"
kind = "call"
name = "lib.legacy.connect"
params = ["user", "room"]
replace = ["join(room={room}, user={user})"]
imports = ["from lib.modern import join"]
"""


@dataclass(frozen=True)
class Case:
    config: str
    before: str
    after: str
    codes: tuple[str, ...]
    manual: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()


CASES = {
    "module-from": Case(MODULE, "from old.factory import a\n", "from new.canonical import a\n", ("M1",)),
    "module-submodule": Case(MODULE, "from old import factory\nfactory.x()\n",
                             "from new import canonical as factory\nfactory.x()\n", ("M1",)),
    "module-semicolon": Case(MODULE, "import os; import old.factory as f\nf.x(os)\n",
                             "import os; import new.canonical as f\nf.x(os)\n", ("M1",)),
    "module-string": Case(MODULE, "import importlib\nimportlib.import_module('old.factory')\n",
                          "import importlib\nimportlib.import_module('new.canonical')\n", ("M1",)),
    "module-star-flag-only": Case(MODULE, "from old.factory import *\n", "from old.factory import *\n", ("M1",)),
    "symbol-rename": Case(SYMBOL, "from lib.legacy import make_thing\nmake_thing()\n",
                          "from lib.modern import build_thing\nbuild_thing()\n", ("S1",)),
    "symbol-keeps-other-names": Case(SYMBOL, "from lib.legacy import a, make_thing, b\nmake_thing(a, b)\n",
                                     "from lib.legacy import a, b\nfrom lib.modern import build_thing\nbuild_thing(a, b)\n",
                                     ("S1",)),
    "symbol-rebound-old-name": Case(SYMBOL, "from lib.legacy import make_thing\nif 0:\n    make_thing = None\n",
                                    "from lib.modern import build_thing as make_thing\nif 0:\n    make_thing = None\n",
                                    ("S1",)),
    "symbol-dunder-all": Case(SYMBOL, "from lib.legacy import make_thing\n__all__ = ['make_thing']\n",
                              "from lib.modern import build_thing as make_thing\n__all__ = ['make_thing']\n", ("S1",)),
    "symbol-module-object-kept": Case(SYMBOL, "from lib import legacy\nlegacy.make_thing()\nlegacy.other()\n",
                                      "from lib import legacy\nfrom lib.modern import build_thing\nbuild_thing()\nlegacy.other()\n",
                                      ("S1",)),
    "symbol-dotted": Case(SYMBOL, "import lib.legacy\nlib.legacy.make_thing()\n",
                          "from lib.modern import build_thing\nbuild_thing()\n", ("S1",)),
    "symbol-only-statement-in-block": Case(
        SYMBOL, "try:\n    from lib.legacy import make_thing\nexcept ImportError:\n    pass\n",
        "try:\n    from lib.modern import build_thing\nexcept ImportError:\n    pass\n", ("S1",)),
    "call-keyword": Case(CALL, "from lib.legacy import get_manager\ndef f(user_id):\n    return get_manager(name='x')\n",
                         "from lib.modern import Manager\ndef f(user_id):\n    return Manager('x', user_id=user_id)\n",
                         ("C1",)),
    "call-args-fallback": Case(CALL, "from lib.legacy import get_manager\nget_manager(*xs)\n",
                               "from lib.modern import Manager\nManager.default(*xs)\n", ("C1",)),
    "call-missing-context": Case(CALL, "from lib.legacy import get_manager\nget_manager('x')\n",
                                 "from lib.legacy import get_manager\nget_manager('x')\n", ("C1",), ("C1",)),
    "call-keeps-used-import": Case(
        CALL, "from lib.legacy import get_manager\ndef f(user_id):\n    return get_manager('a'), get_manager\n",
        "from lib.legacy import get_manager\nfrom lib.modern import Manager\n"
        "def f(user_id):\n    return Manager('a', user_id=user_id), get_manager\n", ("C1",)),
    "call-name-collision-skipped": Case(
        CALL, "from lib.legacy import get_manager\nManager = 1\ndef f(user_id):\n    return get_manager('a')\n",
        "from lib.legacy import get_manager\nManager = 1\ndef f(user_id):\n    return get_manager('a')\n", ("C1",),
        refused=("C1",)),
    # SPEC §12: block-local edits, binding before use, kept names, per-scope collisions.
    "fallback-import-keeps-both-branches": Case(
        SYMBOL, "try:\n    from lib.legacy import make_thing\nexcept ImportError:\n"
                "    from lib.compat import make as make_thing\nmake_thing()\n",
        "try:\n    from lib.modern import build_thing as make_thing\nexcept ImportError:\n"
        "    from lib.compat import make as make_thing\nmake_thing()\n", ("S1",)),
    "no-merge-into-type-checking": Case(
        SYMBOL, "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from lib.modern import Other\n"
                "from lib.legacy import make_thing\nmake_thing()\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from lib.modern import Other\n"
        "from lib.modern import build_thing\nbuild_thing()\n", ("S1",)),
    "no-merge-into-later-import": Case(
        SYMBOL, "from lib.legacy import make_thing\nmake_thing()\nfrom lib.modern import Other\n",
        "from lib.modern import build_thing\nbuild_thing()\nfrom lib.modern import Other\n", ("S1",)),
    "module-keeps-local-name": Case(MOCK, "import mock\nmock.patch()\n",
                                    "from unittest import mock\nmock.patch()\n", ("P1",)),
    "module-keeps-local-name-despite-rebinding": Case(
        MOCK, "import mock\nimport compat as unittest\nmock.patch(unittest)\n",
        "from unittest import mock\nimport compat as unittest\nmock.patch(unittest)\n", ("P1",)),
    "module-in-import-error-fallback": Case(
        MOCK, "try:\n    from unittest import mock\nexcept ImportError:\n    import mock\nmock.patch()\n",
        "try:\n    from unittest import mock\nexcept ImportError:\n    from unittest import mock\nmock.patch()\n",
        ("P1",)),
    "module-dotted-parent-kept-by-other-import": Case(
        PACKAGE, "import pkg.old\nimport pkg.util\npkg.old.run()\npkg.util.go()\n",
        "import other.new\nimport pkg.util\nother.new.run()\npkg.util.go()\n", ("M2",)),
    "module-dotted-parent-still-used-stays-bound": Case(
        PACKAGE, "import pkg.old\npkg.old.run()\nprint(pkg)\n",
        "import other.new\nimport pkg\nother.new.run()\nprint(pkg)\n", ("M2",)),
    "module-dotted-parent-path-still-used-refused": Case(
        PACKAGE, "import pkg.old.mod\npkg.old.mod.run()\nprint(pkg.old.util)\n",
        "import pkg.old.mod\npkg.old.mod.run()\nprint(pkg.old.util)\n", ("M2",), refused=("M2",)),
    "module-attribute-chain-through-parent": Case(
        PACKAGE, "import pkg\npkg.old.run()\n", "import other.new\nother.new.run()\n", ("M2",)),
    "module-to-top-level-module": Case(
        TOP_LEVEL, "from pkg import old, keep\nold.run(keep)\n",
        "from pkg import keep\nimport newmod as old\nold.run(keep)\n", ("M3",)),
    "call-reordering-effects-is-unsafe": Case(
        REORDER, "from lib.legacy import connect\nconnect(load_user(), load_room())\n",
        "from lib.legacy import connect\nconnect(load_user(), load_room())\n", ("C2",)),
    "call-reordering-plain-names-is-safe": Case(
        REORDER, "from lib.legacy import connect\nconnect(user, room)\n",
        "from lib.modern import join\njoin(room=room, user=user)\n", ("C2",)),
    "call-collision-judged-per-scope": Case(
        CALL, "from lib.legacy import get_manager\ndef g():\n    Manager = 1\n    return Manager\n"
              "def f(user_id):\n    return get_manager('a')\n",
        "from lib.modern import Manager\ndef g():\n    Manager = 1\n    return Manager\n"
        "def f(user_id):\n    return Manager('a', user_id=user_id)\n", ("C1",)),
    "call-collision-in-own-scope-refused": Case(
        CALL, "from lib.legacy import get_manager\ndef f(user_id):\n    Manager = 1\n    return get_manager('a')\n",
        "from lib.legacy import get_manager\ndef f(user_id):\n    Manager = 1\n    return get_manager('a')\n",
        ("C1",), refused=("C1",)),
    "call-import-before-module-level-use": Case(
        CALL, "from lib.legacy import get_manager\nuser_id = 1\nm = get_manager('a')\nimport os\n",
        "from lib.modern import Manager\nuser_id = 1\nm = Manager('a', user_id=user_id)\nimport os\n", ("C1",)),
    "symbol-renamed-in-its-own-module-in-place": Case(
        SAME_MODULE, "from lib.text import (  # keep\n    force_text as force_unicode, other,\n)\nforce_unicode(other)\n",
        "from lib.text import (  # keep\n    force_str as force_unicode, other,\n)\nforce_unicode(other)\n", ("S3",)),
    "module-fix-waits-for-a-name-with-its-own-rule": Case(
        MODULE + SPECIFIC, "from old.factory import gone, kept\nprint(gone, kept)\n",
        "from old.factory import gone, kept\nprint(gone, kept)\n", ("M1", "S4"), refused=("M1",)),
    "call-template-through-the-same-module-keeps-its-import": Case(
        SAME_CALLEE, "import lib\ny = lib.get_manager()\n", "import lib\ny = lib.create_manager()\n", ("C3",)),
    "module-replacement-top-name-taken-gets-a-fresh-name": Case(
        PACKAGE, "import pkg.old\nother = {'a': 1}\nprint(pkg.old.run(), other)\n",
        "import other.new as new\nother = {'a': 1}\nprint(new.run(), other)\n", ("M2",)),
    "broken-file-untouched": Case(
        SYMBOL, "from lib.legacy import make_thing\nmake_thing(\n", "from lib.legacy import make_thing\nmake_thing(\n",
        ("S1",), refused=("S1",)),
}


def run_case(case: Case, tmp_path: Path) -> None:
    (tmp_path / "ssot.toml").write_text('src = ["."]\n' + case.config, encoding="utf-8")
    config = load_config(tmp_path / "ssot.toml")
    path = tmp_path / "mod.py"
    before, after = textwrap.dedent(case.before), textwrap.dedent(case.after)
    assert tuple(v.code for v in check(before, path, config)) == case.codes
    promised = [v for v in check(before, path, config) if v.fix == "auto"]
    result = fix_all(before, path, config)
    assert result.text == after
    if not result.not_parsed:
        ast.parse(result.text)
    assert not result.skipped, f"'auto' violations left unfixed: {result.skipped}"
    assert len(result.applied) >= len(promised)
    assert tuple(v.code for v, _ in result.unfixable) == case.refused
    fixed = {v.code for v in result.applied}
    left = check(result.text, path, config)
    assert not [v for v in left if v.code in fixed and v.fix == "auto"], "a fixed rule still reports"
    assert tuple(v.code for v in result.manual) == case.manual
    assert fix_all(result.text, path, config).text == result.text, "fix-all is not idempotent"


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_case(name: str, tmp_path: Path) -> None:
    run_case(CASES[name], tmp_path)
