"""Import statements: where each part is written, and the planner's add/remove edits."""

from __future__ import annotations

import ast
from typing import Optional

import pytest

from ssot_lsp.bindings import Analysis, analyze_tree
from ssot_lsp.edits import apply_edits, span_text
from ssot_lsp.imports import ImportSpec, parse_import_specs, remove_name_edits, remove_statement_edits
from ssot_lsp.model import Span
from ssot_lsp.source import LineIndex


def analysed(text: str) -> Analysis:
    return analyze_tree(ast.parse(text), LineIndex(text), "pkg.mod")


def written(text: str, span: Optional[Span]) -> Optional[str]:
    return None if span is None else span_text(LineIndex(text), span)


# -- layout: the text each span covers ---------------------------------------------------
LAYOUTS = [
    # source, module path, [(name, alias, item)], parenthesized
    ("import a.b.c as d, e\n", None, [("a.b.c", "d", "a.b.c as d"), ("e", None, "e")], False),
    ("from ..x.y import (\n    p,  # first\n    q as r,\n)\n", "..x.y", [("p", None, "p"), ("q", "r", "q as r")], True),
    ("from . import \\\n    a as b\n", ".", [("a", "b", "a as b")], False),
    ("if x: from m import n; import o\n", "m", [("n", None, "n")], False),
    ("from  m . sub  import  n  as  k\n", "m . sub", [("n", "k", "n  as  k")], False),
    ("import ünï.cödé as ñ\n", None, [("ünï.cödé", "ñ", "ünï.cödé as ñ")], False),
    ("from m import *\n", "m", [], False),
]


@pytest.mark.parametrize("source, module, items, parenthesized", LAYOUTS)
def test_import_parts_are_located_exactly(source: str, module: Optional[str], items: list, parenthesized: bool) -> None:
    statement = analysed(source).imports[0]
    assert written(source, statement.module_span) == module
    assert [(written(source, n.span), written(source, n.alias_span), written(source, n.item_span))
            for n in statement.names] == items
    assert statement.parenthesized is parenthesized


def test_every_import_records_its_scope_and_whether_it_is_top_level() -> None:
    analysis = analysed("import a\ndef f():\n    import b\nclass C:\n    import c\n")
    assert sorted((s.names[0].name, s.top_level, s.scope.kind) for s in analysis.imports) == [
        ("a", True, "module"), ("b", False, "function"), ("c", False, "class"),
    ]


# -- rule `imports` ----------------------------------------------------------------------
@pytest.mark.parametrize("statement, specs", [
    ("import a.b", [ImportSpec("a.b")]),
    ("import a.b as c, d", [ImportSpec("a.b", None, "c"), ImportSpec("d")]),
    ("from a.b import c as d, e", [ImportSpec("a.b", "c", "d"), ImportSpec("a.b", "e")]),
    ("from . import x", []),
    ("from a import *", []),
    ("not python", []),
])
def test_rule_import_statements_become_specs(statement: str, specs: list[ImportSpec]) -> None:
    assert parse_import_specs(statement) == specs


@pytest.mark.parametrize("spec, bound, target, item", [
    (ImportSpec("a.b"), "a", "a", "a.b"),
    (ImportSpec("a.b", None, "ab"), "ab", "a.b", "a.b as ab"),
    (ImportSpec("a.b", "c"), "c", "a.b.c", "c"),
    (ImportSpec("a.b", "c", "c"), "c", "a.b.c", "c"),
    (ImportSpec("a.b", "c", "d"), "d", "a.b.c", "c as d"),
])
def test_an_import_spec_knows_what_it_binds(spec: ImportSpec, bound: str, target: str, item: str) -> None:
    assert (spec.bound, spec.target, spec.item) == (bound, target, item)


# -- removal -----------------------------------------------------------------------------
@pytest.mark.parametrize("before, drop, after", [
    ("from m import a, b, c\nx = 1\n", "b", "from m import a, c\nx = 1\n"),
    ("from m import a, b\n", "b", "from m import a\n"),
    ("from m import (\n    a,\n    b,  # note\n    c,\n)\n", "b", "from m import (\n    a,\n    c,\n)\n"),
    ("import os\nfrom m import a\nx = 1\n", "a", "import os\nx = 1\n"),
    ("if x:\n    from m import a\n", "a", "if x:\n    pass\n"),
    ("x = 1; from m import a\n", "a", "x = 1\n"),
])
def test_removing_a_name_keeps_the_rest_tidy(before: str, drop: str, after: str) -> None:
    analysis = analysed(before)
    imported = next(n for s in analysis.imports for n in s.names if n.bound == drop)
    assert apply_edits(before, remove_name_edits(analysis, imported)) == after


def test_removing_the_first_statement_of_a_block_leaves_no_blank_first_line() -> None:
    before = "if x:\n    import gone\n\n    y = 1\n"
    analysis = analysed(before)
    assert apply_edits(before, remove_statement_edits(analysis, analysis.imports[0])) == "if x:\n    y = 1\n"
