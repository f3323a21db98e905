"""Name binding analysis of one module: scopes, string imports, exports, the batch body filter."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Optional

import pytest

from ssot_lsp.bindings import Analysis, analyze_tree
from ssot_lsp.modules import Workspace
from ssot_lsp.source import LineIndex


def analysed(source: str, module: Optional[str] = "pkg.mod", relevant: Optional[frozenset[bytes]] = None,
             is_package: bool = False) -> Analysis:
    text = textwrap.dedent(source)
    return analyze_tree(ast.parse(text), LineIndex(text), module, is_package, relevant=relevant)


def uses(analysis: Analysis) -> list[tuple[int, str]]:
    """(1-based line, qualified name) of every reference rooted in an import."""
    return sorted((r.spans[0].start_line + 1, r.full_qualname) for r in analysis.references)


# -- scopes ------------------------------------------------------------------------------
SCOPE_CASES = {
    "a later binding ends the import": ("""
        import os
        os.getcwd()
        os = None
        os.getcwd()
    """, [(3, "os.getcwd")]),
    "functions see the final module state": ("""
        def f():
            return json.dumps(1)
        import json
    """, [(3, "json.dumps")]),
    "a local of the same name hides the import": ("""
        import json
        def f(json):
            return json.dumps(1)
    """, []),
    "class bodies do not enclose methods": ("""
        import json
        class C:
            json = None
            def m(self):
                return json.dumps(1)
    """, [(6, "json.dumps")]),
    "an import in either branch stays tracked": ("""
        try:
            import simplejson as json
        except ImportError:
            json = None
        json.dumps(1)
    """, [(6, "simplejson.dumps")]),
    "del ends the import": ("""
        import os
        del os
        os.getcwd()
    """, []),
    "a comprehension variable shadows": ("""
        import os
        [os for os in range(3)]
        os.sep
    """, [(4, "os.sep")]),
    "relative imports resolve against the module": ("""
        from .sibling import thing
        from .. import top
        thing.run(top)
    """, [(4, "pkg.sub.sibling.thing.run"), (4, "pkg.top")]),
}


@pytest.mark.parametrize("name", list(SCOPE_CASES))
def test_references_follow_python_scoping(name: str) -> None:
    source, expected = SCOPE_CASES[name]
    assert uses(analysed(source, module="pkg.sub.mod")) == expected


def test_an_unresolvable_relative_import_binds_nothing_trackable() -> None:
    analysis = analysed("from ... import x\nx.y\n", module="pkg")
    assert analysis.imports[0].resolved is None
    assert analysis.references == []


def test_imported_as_lists_every_import_of_a_name() -> None:
    analysis = analysed("""
        import a.b
        import a.c
        from x import a as aa
        def f():
            import a
    """)
    assert [imported.name for imported in analysis.imported_as("a")] == ["a.b", "a.c", "a"]
    assert [imported.target for imported in analysis.imported_as("aa")] == ["x.a"]
    assert analysis.imported_as("missing") == []


# -- string imports ----------------------------------------------------------------------
def test_string_imports_with_a_literal_are_recorded() -> None:
    analysis = analysed("""
        import importlib
        a = importlib.import_module("pkg.old")
        b = __import__("other.mod")
        c = importlib.import_module(".relative", "pkg")
        d = importlib.import_module(name)
    """)
    assert [(s.module, s.span.start_line, s.statement_line) for s in analysis.string_imports] == [
        ("pkg.old", 2, 2), ("other.mod", 3, 3),
    ]


def test_a_shadowed_dunder_import_is_not_a_string_import() -> None:
    analysis = analysed("""
        def __import__(name):
            return name
        __import__("pkg.old")
    """)
    assert analysis.string_imports == []


# -- exports: one reading of __all__ for the analysis and the workspace ------------------
ALL_CASES = {
    "assigned list": ('__all__ = ["a", "b"]\n', ["a", "b"]),
    "assigned tuple": ('__all__ = ("a",)\n', ["a"]),
    "annotated": ('__all__: list[str] = ["a"]\n', ["a"]),
    "extended with +=": ('__all__ = ["a"]\n__all__ += ["b", "a"]\n', ["a", "b"]),
    "+= alone": ('__all__ += ["b"]\n', ["b"]),
    "a later assignment replaces": ('__all__ = ["a"]\n__all__ = ["b"]\n', ["b"]),
    "branches union": ('if X:\n    __all__ = ["a"]\nelse:\n    __all__ = ["b"]\n', ["a", "b"]),
    "try and except union": ('try:\n    __all__ = ["a"]\nexcept ImportError:\n    __all__ = ["b"]\n', ["a", "b"]),
    "one branch extends": ('__all__ = ["a"]\nif X:\n    __all__ += ["b"]\n', ["a", "b"]),
    "with block": ('with ctx():\n    __all__ = ["a"]\n', ["a"]),
    "non-strings skipped": ('__all__ = ["a", 1, name]\n', ["a"]),
    "computed value leaves it unset": ("__all__ = base.__all__ + ['a']\n", None),
    ".append is not read": ('__all__ = ["a"]\n__all__.append("b")\n', ["a"]),
    "in a function it is not the module's": ('def f():\n    __all__ = ["a"]\n', None),
}


@pytest.mark.parametrize("name", list(ALL_CASES))
def test_dunder_all_reads_the_same_for_the_file_and_the_workspace(name: str, tmp_path: Path) -> None:
    source, expected = ALL_CASES[name]
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "mod.py").write_text(source + "def visible(): pass\n")
    exports = Workspace((tmp_path,)).exports("pkg.mod")
    assert exports is not None
    assert exports.dunder_all == expected
    assert analysed(source).dunder_all == frozenset(expected or ())
    if expected is None:  # without a readable __all__, the public names are exported
        assert "visible" in exports.public() and "__all__" not in exports.public()
    else:
        assert exports.public() == expected


def test_exports_name_what_each_top_level_binding_refers_to(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text(textwrap.dedent("""
        import os.path
        import json as j
        from .impl import run as go
        from .stars import *
        x, (y, *z) = 1, (2, 3)
        obj.attr = 1
        items[0] = 1
        if FLAG:
            class Fast: pass
        else:
            from .slow import Slow as Fast
    """))
    exports = Workspace((tmp_path,)).exports("pkg")
    assert exports is not None
    assert exports.names == {
        "os": "os", "j": "json", "go": "pkg.impl.run", "x": None, "y": None, "z": None, "Fast": "pkg.slow.Slow",
    }
    assert exports.stars == ["pkg.stars"]


# -- the batch body filter ---------------------------------------------------------------
BODIES = """
    import pkg.old as legacy

    def unrelated():
        return 1 + 2

    def through_alias():
        return legacy.run()
"""


def test_without_trigger_names_every_body_that_names_an_import_is_walked() -> None:
    assert uses(analysed(BODIES)) == [(8, "pkg.old.run")]


def test_with_trigger_names_a_body_that_writes_none_of_them_is_skipped() -> None:
    # `legacy` is an alias this file binds: it joins the trigger names, so the body is walked.
    assert uses(analysed(BODIES, relevant=frozenset({b"old"}))) == [(8, "pkg.old.run")]
    unaliased = BODIES.replace("import pkg.old as legacy", "import legacy")
    assert uses(analysed(unaliased, relevant=frozenset({b"old"}))) == []
    assert uses(analysed(unaliased, relevant=frozenset({b"legacy"}))) == [(8, "legacy.run")]
