"""Detection as data: one row per form SPEC §3 lists and per false-positive trap.

Each case writes a small package `pkg` with a deprecated module, a shim that re-exports
from it, and a canonical module; the snippet is checked as `app/main.py`. Expected
findings are written as (code, flagged text) pairs, read off the snippet itself, so a
row states exactly what must be flagged and nothing else.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from ssot_lsp.config import load_config
from ssot_lsp.engine import analyze
from ssot_lsp.source import LineIndex

REGISTRY = """
scope = ["pkg"]
canonical-modules = ["pkg.canonical"]

[[rules]]
id = "MOD"
kind = "module"
name = "pkg.old"
replace = "pkg.new"
allow = ["pkg/*.py"]

[[rules]]
id = "SYM"
kind = "symbol"
name = "pkg.old.OldThing"
replace = "pkg.new.NewThing"
allow = ["pkg/*.py"]

[[rules]]
id = "CALL"
kind = "call"
name = "pkg.get_manager"
replace = ["make_manager(user_id={user_id})"]
imports = ["from pkg.canonical import make_manager"]
allow = ["pkg/*.py"]

[[rules]]
id = "SHIM"
kind = "symbol"
name = "legacy.utils.make_slug"
replace = "pkg.text.slugify"
"""

PACKAGE = {
    "legacy/__init__.py": "from .utils import make_slug\n",
    "legacy/utils.py": "from pkg.text import slugify as make_slug\n",
    "pkg/text.py": "def slugify(value): ...\n",
    "pkg/__init__.py": "from .old import get_manager, OldThing\n",
    "pkg/old.py": "class OldThing: ...\ndef get_manager(): ...\ndef helper(): ...\n",
    "pkg/new.py": "class NewThing: ...\n",
    "pkg/impl.py": "def make_manager(user_id): ...\nclass Manager: ...\n",
    "pkg/canonical.py": "from .impl import make_manager, Manager\n__all__ = ['make_manager', 'Manager']\n",
    "app/__init__.py": "",
    "app/sibling.py": "",
}


@dataclass
class Case:
    id: str
    source: str
    expected: list[tuple[str, str]]  # (code, exact flagged text)
    path: str = "app/main.py"


CASES = [
    # -- import forms -------------------------------------------------------------
    Case("import-dotted", "import pkg.old\n", [("MOD", "pkg.old")]),
    Case("import-alias", "import pkg.old as o\n", [("MOD", "pkg.old")]),
    Case("from-module", "from pkg.old import helper\n", [("MOD", "pkg.old")]),
    Case("from-submodule-name", "from pkg import old\n", [("MOD", "old")]),
    Case("from-parenthesized-alias",
         "from pkg.old import (OldThing as T,\n    helper)\n", [("MOD", "pkg.old"), ("SYM", "OldThing")]),
    Case("backslash", "from pkg.old import \\\n    helper\n", [("MOD", "pkg.old")]),
    Case("several-in-one", "import os, pkg.old, sys\n", [("MOD", "pkg.old")]),
    Case("semicolons", "import os; import pkg.old; x = 1\n", [("MOD", "pkg.old")]),
    Case("relative-from", "from ..old import helper\n", [("MOD", "..old")], path="pkg/app/main.py"),
    Case("relative-package", "from .. import old\n", [("MOD", "old")], path="pkg/app/main.py"),
    Case("relative-sibling", "from .sibling import x\nfrom . import sibling\n", []),
    Case("star", "from pkg.old import *\n", [("MOD", "pkg.old")]),
    Case("in-function", "def f():\n    import pkg.old\n", [("MOD", "pkg.old")]),
    Case("type-checking",
         "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.old import OldThing\n",
         [("MOD", "pkg.old"), ("SYM", "OldThing")]),
    Case("try-except",
         "try:\n    import pkg.old as o\nexcept ImportError:\n    o = None\n", [("MOD", "pkg.old")]),
    Case("class-body", "class C:\n    from pkg import old\n", [("MOD", "old")]),
    Case("importlib", "import importlib\nm = importlib.import_module('pkg.old')\n", [("MOD", "'pkg.old'")]),
    Case("importlib-from", "from importlib import import_module\nimport_module(\"pkg.old.sub\")\n",
         [("MOD", '"pkg.old.sub"')]),
    Case("dunder-import", "m = __import__('pkg.old')\n", [("MOD", "'pkg.old'")]),
    # -- symbol rule --------------------------------------------------------------
    Case("symbol-import", "from pkg.old import OldThing\nOldThing()\n", [("MOD", "pkg.old"), ("SYM", "OldThing")]),
    Case("symbol-through-shim", "from pkg import OldThing\nx = OldThing\n", [("SYM", "OldThing")]),
    Case("symbol-module-object", "from pkg import old as o\no.OldThing()\n",
         [("MOD", "old"), ("SYM", "o.OldThing")]),
    Case("symbol-dotted-chain", "import pkg\npkg.old.OldThing.attr\n", [("SYM", "pkg.old.OldThing")]),
    # -- call rule ----------------------------------------------------------------
    Case("call-direct", "from pkg import get_manager\nget_manager()\n", [("CALL", "get_manager")]),
    Case("call-alias", "from pkg import get_manager as gm\ngm()\ngm()\n", [("CALL", "gm"), ("CALL", "gm")]),
    Case("call-module-object", "import pkg as p\np.get_manager()\n", [("CALL", "p.get_manager")]),
    Case("call-dotted", "import pkg.sub\npkg.get_manager()\n", [("CALL", "pkg.get_manager")]),
    Case("call-defining-module", "from pkg.old import get_manager\nget_manager()\n",
         [("MOD", "pkg.old"), ("CALL", "get_manager")]),
    Case("call-relative-alias", "from .. import get_manager as g\ng()\n", [("CALL", "g")], path="pkg/app/main.py"),
    Case("call-in-function-defined-later",
         "def f():\n    return get_manager()\nfrom pkg import get_manager\n", [("CALL", "get_manager")]),
    Case("call-in-lambda", "from pkg import get_manager\nf = lambda: get_manager()\n", [("CALL", "get_manager")]),
    Case("call-in-comprehension", "from pkg import get_manager\n[get_manager() for _ in range(2)]\n",
         [("CALL", "get_manager"), ("CALL", "get_manager")][:1]),
    # -- canonical registry -------------------------------------------------------
    Case("canon-origin", "from pkg.impl import make_manager\n", [("SSOT-CANON", "make_manager")]),
    Case("canon-scope", "from pkg.impl import Manager as M\n", [("SSOT-CANON", "Manager")]),
    Case("canon-ok", "from pkg.canonical import make_manager, Manager\n", []),
    Case("canon-exempt-inside-package", "from .impl import Manager\n", [], path="pkg/other.py"),
    # -- suppressions -------------------------------------------------------------
    Case("ssot-ignore", "import pkg.old  # ssot: ignore\n", []),
    Case("ssot-ignore-code", "import pkg.old  # ssot: ignore[MOD]\n", []),
    Case("ssot-ignore-other-code", "import pkg.old  # ssot: ignore[SYM]\n", [("MOD", "pkg.old")]),
    Case("noqa-code", "import pkg.old  # noqa: MOD\n", []),
    Case("noqa-bare", "import pkg.old  # noqa\n", []),
    Case("ignore-on-first-line", "from pkg.old import (  # ssot: ignore[MOD, SYM]\n    OldThing,\n)\n", []),
    Case("noqa-in-string-only", "x = '# noqa'; import pkg.old\n", [("MOD", "pkg.old")]),
    # -- false-positive traps -----------------------------------------------------
    Case("trap-parameter", "from pkg import get_manager\ndef f(get_manager):\n    get_manager()\n", []),
    Case("trap-local", "from pkg import get_manager\ndef f():\n    get_manager = object\n    get_manager()\n", []),
    Case("trap-local-module-level", "get_manager = print\nget_manager()\n", []),
    Case("trap-attribute", "from pkg import get_manager\nclass A:\n    def m(self):\n        self.get_manager()\n", []),
    Case("trap-unrelated-object", "import os\nos.get_manager()\nobj = object()\nobj.get_manager()\n", []),
    Case("trap-string-and-comment", "# from pkg.old import OldThing\ns = 'import pkg.old; get_manager()'\n", []),
    Case("trap-shadowed-import", "from pkg import get_manager\nget_manager = None\nget_manager()\n", []),
    Case("trap-shadowed-by-def", "from pkg import get_manager\ndef get_manager():\n    pass\nget_manager()\n", []),
    Case("trap-similar-module", "import pkg.older\nimport pkg.old_helpers\n", []),
    Case("trap-method-named-like-call", "import pkg\nclass X:\n    def get_manager(self): ...\nX().get_manager()\n", []),
    Case("trap-for-target", "from pkg import get_manager\nfor get_manager in []:\n    get_manager()\n", []),
    # -- a rule that deprecates a path, not an object (SPEC §3: directional re-exports) ---
    Case("path-rule-flags-its-path", "from legacy.utils import make_slug\n", [("SHIM", "make_slug")]),
    Case("path-rule-flags-paths-through-it", "from legacy import make_slug\n", [("SHIM", "make_slug")]),
    Case("path-rule-flags-module-object-use", "import legacy.utils\nlegacy.utils.make_slug('x')\n",
         [("SHIM", "legacy.utils.make_slug")]),
    Case("path-rule-spares-the-replacement", "from pkg.text import slugify\nslugify('x')\n", []),
    Case("path-rule-spares-the-shim-itself", "from pkg.text import slugify as make_slug\n", [],
         path="legacy/utils.py"),
    Case("object-rule-flags-every-path", "from pkg import OldThing\n", [("SYM", "OldThing")]),
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("detect")
    (root / "ssot.toml").write_text(REGISTRY)
    for relative, text in PACKAGE.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    for package in ("pkg/app",):
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").write_text("")
    return root


def flagged(source: str, path: Path, config_path: Path) -> list[tuple[str, str]]:
    lines = LineIndex(source)
    result = []
    for violation in analyze(source, path, load_config(config_path)).violations:
        span = violation.span
        text = source[lines.offset(span.start_line, span.start_col):lines.offset(span.end_line, span.end_col)]
        result.append((violation.code, text))
    return result


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_detection(case: Case, workspace: Path) -> None:
    source = textwrap.dedent(case.source)
    path = workspace / case.path
    assert sorted(flagged(source, path, workspace / "ssot.toml")) == sorted(case.expected)


def test_relative_import_beyond_top_level_is_ignored(workspace: Path) -> None:
    assert flagged("from ..... import old\n", workspace / "app/main.py", workspace / "ssot.toml") == []


def test_positions_are_code_points_after_non_ascii(workspace: Path) -> None:
    source = "x = 'héllo 👋'; import pkg.old\n"
    [violation] = analyze(source, workspace / "app/main.py", load_config(workspace / "ssot.toml")).violations
    assert violation.span.start_col == source.index("pkg.old")
    assert violation.span.end_col == source.index("pkg.old") + len("pkg.old")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_keep_positions(newline: str, workspace: Path) -> None:
    source = newline.join(["import os", "", "from pkg import (", "    old,", ")", ""])
    [violation] = analyze(source, workspace / "app/main.py", load_config(workspace / "ssot.toml")).violations
    assert (violation.span.start_line, violation.span.start_col, violation.span.end_col) == (3, 4, 7)


def test_unfinished_line_keeps_other_violations_in_place(workspace: Path) -> None:
    config = load_config(workspace / "ssot.toml")
    complete = textwrap.dedent(
        """\
        import pkg.old
        from pkg import get_manager


        def handler():
            return get_manager()
        """
    )
    typing = complete.replace("\n\n\ndef", "\nfrom netra_backend.app.\n\ndef", 1)
    before = [(v.code, v.span) for v in analyze(complete, workspace / "app/main.py", config).violations]
    during = [(v.code, v.span) for v in analyze(typing, workspace / "app/main.py", config).violations]
    assert [code for code, _ in before] == ["MOD", "CALL"]
    # The half-typed line shifts nothing: it replaces an empty line.
    assert during == before


@pytest.mark.parametrize(
    "broken",
    [
        "def handler(:\n    pass\n",
        "x = (1,\n",
        "class C\n    pass\n",
        "print('unterminated\n",
        "if True:\nreturn\n",
    ],
)
def test_syntax_errors_elsewhere_do_not_hide_violations(broken: str, workspace: Path) -> None:
    config = load_config(workspace / "ssot.toml")
    source = "import pkg.old\n\n" + broken
    codes = [v.code for v in analyze(source, workspace / "app/main.py", config).violations]
    assert codes == ["MOD"]


def test_excluded_file_gets_no_violations(tmp_path: Path) -> None:
    (tmp_path / "ssot.toml").write_text('exclude = ["generated/"]\n' + REGISTRY)
    config = load_config(tmp_path / "ssot.toml")
    assert analyze("import pkg.old\n", tmp_path / "generated" / "x.py", config).violations == []
    assert [v.code for v in analyze("import pkg.old\n", tmp_path / "src" / "x.py", config).violations] == ["MOD"]
