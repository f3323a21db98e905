"""Suppressions (SPEC §2, §6, §11): the statement's first line, file-level directives, per-file-ignores."""

from __future__ import annotations

import json

import pytest

CALL = "lib.get_manager()"

# Each statement kind, written over several lines with the flagged call on a later line.
# `{c}` is where the comment goes: the statement's first line.
MULTI_LINE = {
    "assignment": "x = (  {c}\n    {call}\n)\n",
    "call": "print(  {c}\n    1,\n    {call},\n)\n",
    "return": "def f():\n    return (  {c}\n        {call}\n    )\n",
    "decorator": "@register(  {c}\n    {call},\n)\ndef g():\n    pass\n",
    "with": "with open(  {c}\n    {call}\n):\n    pass\n",
    "if": "if (  {c}\n    {call}\n):\n    pass\n",
    "default-argument": "def h(a,  {c}\n      b={call}):\n    pass\n",
    "dict": "z = {{  {c}\n    'k': [\n        {call},\n    ],\n}}\n",
}


def _source(kind: str, comment: str) -> str:
    return "import lib\n" + MULTI_LINE[kind].format(c=comment, call=CALL)


def _flagged(ssot, folder) -> list[int]:
    ran = ssot(folder, "check", "--format", "json")
    return [record["line"] for record in json.loads(ran.out)]


@pytest.mark.parametrize("kind", list(MULTI_LINE))
def test_a_comment_on_the_first_line_of_a_multi_line_statement_suppresses_later_lines(kind, project, ssot):
    folder = project({"m.py": _source(kind, "# ssot: ignore[OLD002]")})
    assert _flagged(ssot, folder) == []
    project({"m.py": _source(kind, "# noqa: OLD002")})
    assert _flagged(ssot, folder) == []
    project({"m.py": _source(kind, "# ssot: ignore[OLD001]")})  # another rule's code: still flagged
    assert len(_flagged(ssot, folder)) == 1
    project({"m.py": _source(kind, "#")})
    assert len(_flagged(ssot, folder)) == 1


def test_a_comment_inside_the_statement_on_another_line_does_not_reach_back(project, ssot):
    folder = project({"m.py": "import lib\nx = (\n    1,  # ssot: ignore\n    lib.get_manager(),\n)\n"})
    assert _flagged(ssot, folder) == [4]


def test_a_comment_on_the_statement_before_does_not_count(project, ssot):
    folder = project({"m.py": "import lib\nx = 1  # ssot: ignore\ny = (\n    lib.get_manager()\n)\n"})
    assert _flagged(ssot, folder) == [4]


@pytest.mark.parametrize("directive, left", [
    ("# ssot: ignore-file", []),
    ("# ssot: noqa", []),
    ("# ssot: ignore-file[OLD002]", ["OLD001"]),
    ("# ssot: noqa: OLD001", ["OLD002"]),
    ("x = 1  # ssot: noqa", ["OLD001", "OLD002"]),  # not on a line of its own: not file-level
])
def test_file_level_directives(directive, left, project, ssot):
    folder = project({"m.py": f"import oldmod\nimport lib\n{directive}\nlib.get_manager()\n"})
    ran = ssot(folder, "check", "--format", "json")
    assert [record["code"] for record in json.loads(ran.out)] == left


def test_per_file_ignores_take_globs_to_codes_and_prefixes(project, ssot):
    from .conftest import MODULE_RULES

    config = MODULE_RULES + '\n[per-file-ignores]\n"tests/**" = ["OLD"]\n"legacy_*.py" = ["OLD002"]\n'
    body = "import oldmod\nimport lib\nlib.get_manager()\n"
    folder = project({"tests/test_a.py": body, "pkg/legacy_b.py": body, "pkg/c.py": body}, config=config)
    ran = ssot(folder, "check", "--format", "json")
    found = sorted((record["file"], record["code"]) for record in json.loads(ran.out))
    assert found == [("pkg/c.py", "OLD001"), ("pkg/c.py", "OLD002"), ("pkg/legacy_b.py", "OLD001")]


def test_per_file_ignores_in_pyproject_written_as_a_table(project, ssot):
    config = ('[tool.ssot-lsp]\n[[tool.ssot-lsp.rules]]\nid = "OLD001"\nkind = "module"\nname = "oldmod"\n\n'
              '[tool.ssot-lsp.per-file-ignores]\n"gen/*" = ["OLD001"]\n')
    folder = project({"gen/a.py": "import oldmod\n", "b.py": "import oldmod\n"}, config=None)
    (folder / "pyproject.toml").write_text(config)
    ran = ssot(folder, "check", "--format", "json")
    assert [record["file"] for record in json.loads(ran.out)] == ["b.py"]


def test_per_file_ignores_with_an_unknown_code_is_a_config_error_with_its_line(project, ssot):
    from .conftest import MODULE_RULES

    config = MODULE_RULES.strip() + '\n\n[per-file-ignores]\n"tests/*" = ["NOPE"]\n'
    folder = project({"a.py": "import oldmod\n"}, config=config)
    ran = ssot(folder, "check")
    assert ran.code == 2
    line = config.splitlines().index('"tests/*" = ["NOPE"]') + 1
    assert f'error: ssot.toml:{line}: per-file-ignores."tests/*": no rule has the id or prefix \'NOPE\'' in ran.err
