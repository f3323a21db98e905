"""The fix API's building blocks: applying edits and the import planner."""

from __future__ import annotations

import ast

import pytest

from ssot_lsp.bindings import analyze_tree
from ssot_lsp.edits import OverlappingEdits, apply_edits
from ssot_lsp.imports import add_import_edits
from ssot_lsp.model import Edit, Span
from ssot_lsp.source import parse


def planned(text: str, module: str, name, asname=None) -> str:
    parsed = parse(text)
    analysis = analyze_tree(parsed.tree, parsed.lines, "pkg.mod")
    return apply_edits(text, add_import_edits(text, analysis, module, name, asname))


def test_apply_edits_keeps_insertion_order_and_rejects_overlaps() -> None:
    text = "ab\r\ncd\r\n"
    assert apply_edits(text, [Edit(Span(1, 0, 1, 0), "x"), Edit(Span(1, 0, 1, 0), "y")]) == "ab\r\nxycd\r\n"
    with pytest.raises(OverlappingEdits):
        apply_edits(text, [Edit(Span(0, 0, 1, 1), ""), Edit(Span(0, 1, 0, 2), "z")])


@pytest.mark.parametrize("before, module, name, after", [
    ("import os\n\nx = 1\n", "a.b", "c", "import os\nfrom a.b import c\n\nx = 1\n"),
    ("from a.b import d\n", "a.b", "c", "from a.b import d, c\n"),
    ("from a.b import (\n    d,\n)\n", "a.b", "c", "from a.b import (\n    d,\n    c,\n)\n"),
    ("from a.b import c\n", "a.b", "c", "from a.b import c\n"),
    ('"""Doc."""\nx = 1\n', "a", None, '"""Doc."""\n\nimport a\nx = 1\n'),
    ('"""Doc."""\nfrom __future__ import annotations\nx = 1\n', "a", None,
     '"""Doc."""\nfrom __future__ import annotations\nimport a\nx = 1\n'),
    ("import os\r\nx = 1\r\n", "a.b", "c", "import os\r\nfrom a.b import c\r\nx = 1\r\n"),
])
def test_add_import_edits(before: str, module: str, name, after: str) -> None:
    assert planned(before, module, name) == after


def test_a_new_import_joins_its_section(tmp_path) -> None:
    """Standard library, third party, first party (isort's order): a new import goes to its own."""
    from ssot_lsp.imports import new_statements_edit
    from ssot_lsp.modules import Workspace

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    workspace = Workspace((tmp_path,))
    text = "import os\n\nimport requests\n\nimport app.models\n\nx = 1\n"
    parsed = parse(text)
    analysis = analyze_tree(parsed.tree, parsed.lines, "app.main")

    def placed(statement: str) -> str:
        return apply_edits(text, [new_statements_edit(parsed.lines, analysis, [statement], "\n", workspace=workspace)])

    assert placed("import json") == "import os\nimport json\n\nimport requests\n\nimport app.models\n\nx = 1\n"
    assert placed("import django") == "import os\n\nimport requests\nimport django\n\nimport app.models\n\nx = 1\n"
    assert placed("from app import views") == "import os\n\nimport requests\n\nimport app.models\nfrom app import views\n\nx = 1\n"


def test_a_line_that_would_grow_too_long_is_wrapped_when_the_file_wraps() -> None:
    from ssot_lsp.imports import append_name_edit

    text = "from x import (\n    y,\n)\nfrom a.b import " + ", ".join(f"name_{i}" for i in range(8)) + "\n"
    parsed = parse(text)
    analysis = analyze_tree(parsed.tree, parsed.lines, "pkg.mod")
    statement = analysis.imports[1]
    unwrapped = apply_edits(text, [append_name_edit(parsed.lines, statement, "another_long_name")])
    assert unwrapped.endswith(", name_7, another_long_name\n")  # a file that never wraps: one line
    wrapped = apply_edits(text, [append_name_edit(parsed.lines, statement, "another_long_name", wrap=True)])
    assert wrapped.endswith("from a.b import (\n" + "".join(f"    name_{i},\n" for i in range(8))
                            + "    another_long_name,\n)\n")
    ast.parse(wrapped)


def test_a_long_new_import_is_wrapped_in_a_file_that_wraps_its_imports() -> None:
    from ssot_lsp.imports import new_statements_edit

    text = "from x import (\r\n    y,\r\n)\r\n\r\nz = 1\r\n"
    parsed = parse(text)
    analysis = analyze_tree(parsed.tree, parsed.lines, "pkg.mod")
    names = [f"name_number_{i}" for i in range(8)]
    statement = "from a.b import " + ", ".join(names)
    fixed = apply_edits(text, [new_statements_edit(parsed.lines, analysis, [statement], "\r\n")])
    assert fixed == ("from x import (\r\n    y,\r\n)\r\nfrom a.b import (\r\n"
                     + "".join(f"    {name},\r\n" for name in names) + ")\r\n\r\nz = 1\r\n")
