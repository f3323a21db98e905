"""Rule behaviour as data: each row is a registry, a file before and after `fix_all`.

`codes` are the violations expected before fixing, `manual` the codes left for a person.
Every row also goes through the safety promises: the result parses, a re-check reports
none of the fixed violations, and fixing again changes nothing.
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


@dataclass(frozen=True)
class Case:
    config: str
    before: str
    after: str
    codes: tuple[str, ...]
    manual: tuple[str, ...] = ()


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
        "from lib.legacy import get_manager\nManager = 1\ndef f(user_id):\n    return get_manager('a')\n", ("C1",)),
}


def run_case(case: Case, tmp_path: Path) -> None:
    (tmp_path / "ssot.toml").write_text('src = ["."]\n' + case.config, encoding="utf-8")
    config = load_config(tmp_path / "ssot.toml")
    path = tmp_path / "mod.py"
    before, after = textwrap.dedent(case.before), textwrap.dedent(case.after)
    assert tuple(v.code for v in check(before, path, config)) == case.codes
    result = fix_all(before, path, config)
    assert result.text == after
    ast.parse(result.text)
    fixed = {v.code for v in result.applied}
    left = check(result.text, path, config)
    assert not [v for v in left if v.code in fixed and v.fix == "auto"], "a fixed rule still reports"
    assert tuple(v.code for v in result.manual) == case.manual
    assert fix_all(result.text, path, config).text == result.text, "fix-all is not idempotent"


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_case(name: str, tmp_path: Path) -> None:
    run_case(CASES[name], tmp_path)
