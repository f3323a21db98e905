"""Sparse parsing keeps exactly the top-level statements that can matter, parsed as written."""

from __future__ import annotations

from dataclasses import replace

import ast
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssot_lsp.config import load_config
from ssot_lsp.engine import analyze
from ssot_lsp.prefilter import build_prefilter
from ssot_lsp.registry import Registry
from ssot_lsp.source import decode, normalize_newlines, words
from ssot_lsp.exports import read_exports
from ssot_lsp.lexer import code_only, statement_starts
from ssot_lsp.modules import _read_exports
from ssot_lsp.sparse import outline, parse_sparse

ROOT = Path(__file__).resolve().parents[2]


def sample_files() -> list[Path]:
    """Real code of every shape: a slice of the standard library, this project, the demo."""
    stdlib = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))
    ours = sorted((ROOT / "ssot_lsp").rglob("*.py")) + sorted((ROOT / "examples").rglob("*.py"))
    return stdlib[::3] + ours


def read(path: Path) -> str:
    return decode(path.read_bytes()).text


def extent_start(statement: ast.stmt) -> int:
    lines = [statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", ())]
    return min(lines) - 1


def dump(statement: ast.stmt) -> str:
    return ast.dump(statement, include_attributes=True)


def chosen_words(text: str) -> frozenset[bytes]:
    """A deterministic handful of the file's own words, as a registry's trigger names."""
    found = sorted(words(text.encode("utf-8", "surrogatepass")))
    return frozenset(found[::40])


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_sparse_tree_is_the_full_tree_minus_irrelevant_statements(path: Path) -> None:
    text = read(path)
    full = ast.parse(text)
    relevant = chosen_words(text)
    sparse = parse_sparse(text, relevant)
    if sparse is None:
        return  # unsure: the caller parses everything, which is always right
    rows = code_only(normalize_newlines(text)).split("\n")  # what counts is code: strings blanked
    full_units = dict(flat(full.body, rows))
    kept = {key for key, _ in flat(sparse.tree.body, rows)}
    inserted = {key for key in kept if key not in full_units and key.startswith("Pass(")}
    assert kept - inserted <= set(full_units), "a statement was parsed differently"
    for key, segment in full_units.items():
        written = words(segment.encode("utf-8", "surrogatepass"))
        if "import" in segment or not segment.isascii() or not relevant.isdisjoint(written):
            assert key in kept, f"{key[:60]} was dropped"


def flat(body: list[ast.stmt], rows: list[str]):
    """(dump, source) of each top-level statement; a class gives its header and its members."""
    for statement in body:
        source = "\n".join(rows[extent_start(statement):statement.end_lineno])
        if isinstance(statement, ast.ClassDef) and statement.body:
            header = ast.ClassDef(**{**vars(statement), "body": [], "end_lineno": None, "end_col_offset": None})
            yield dump(header), "\n".join(rows[extent_start(statement):extent_start(statement.body[0])])
            for member in statement.body:
                yield dump(member), "\n".join(rows[extent_start(member):member.end_lineno])
        else:
            yield dump(statement), source


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_statements_start_where_the_parser_says(path: Path) -> None:
    text = read(path)
    full = ast.parse(text)
    normalized = normalize_newlines(text)
    starts = statement_starts(normalized)
    if starts is None:
        return
    lines = set(starts[1:])
    assert lines == {extent_start(s) for s in full.body} - {0}


def test_real_files_split_cleanly() -> None:
    files = sample_files()
    unsure = [p.name for p in files if statement_starts(p.read_text(encoding="utf-8", errors="surrogateescape")) is None]
    assert len(unsure) <= len(files) // 50, unsure


@pytest.mark.parametrize("source", [
    'x = "abc\nimport os\n',  # unterminated string
    "x = (\nimport os\n",  # unclosed bracket
    "x = )\n",  # a bracket closed that was never opened
    '"""never closed\nimport os\n',
    "\ufeffimport os\n",
    "import os\x00\n",
])
def test_unsure_splits_fall_back_to_a_full_parse(source: str) -> None:
    assert parse_sparse(source, frozenset({b"os"})) is None


@pytest.mark.parametrize("source, starts", [
    ("v = 'x\\\ny'\nimport os\n", [0, 2]),  # a string continued by a backslash
    ('w = """a\nb""" + c\nimport os\n', [0, 2]),
    ("x = [\n1,\n]\ny = 2 + \\\n3\nz = 3\n", [0, 3, 5]),
    ("@a\n@b(\n1)\nclass C:\n    pass\nif x:\n    y\nelif z:\n    pass\nelse:\n    pass\n", [0, 5]),
    ("# c ' \ntry:\n    pass\nexcept E:\n    pass\nfinally:\n    pass\n", [0, 1]),
])
def test_statement_starts(source: str, starts: list[int]) -> None:
    assert statement_starts(source) == starts


def test_dropped_statements_keep_line_numbers() -> None:
    source = "import os\n\ndef f():\n    return 1\n\nx = os.getcwd()\n"
    sparse = parse_sparse(source, frozenset({b"getcwd"}))
    assert [type(s).__name__ for s in sparse.tree.body] == ["Import", "Assign"]
    assert sparse.tree.body[1].lineno == 6


def test_statements_rebinding_a_name_a_finding_uses_are_kept() -> None:
    source = ("from pkg import api, other\nother.thing()\napi = None\nother = None\n"
              "def f():\n    return api.get_manager()\n")
    sparse = parse_sparse(source, frozenset({b"get_manager"}))
    kept = [ast.unparse(s) for s in sparse.tree.body]
    assert kept == ["from pkg import api, other", "api = None", "def f():\n    return api.get_manager()"]


def test_names_used_next_to_a_local_import_are_protected_too() -> None:
    source = "from pkg import api\ndef f():\n    import os\n    return api.get_manager(os)\napi = None\n"
    sparse = parse_sparse(source, frozenset({b"get_manager"}))
    assert [type(s).__name__ for s in sparse.tree.body] == ["ImportFrom", "FunctionDef", "Assign"]


def test_definitions_are_kept_only_when_they_rebind_a_used_name() -> None:
    source = ("from pkg import api\n@api.wrap\ndef helper():\n    return api.other()\n"
              "class Api(api.Base):\n    x = api\ndef api():\n    pass\n"
              "@(api := None)\ndef decorated():\n    pass\napi.get_manager()\n")
    sparse = parse_sparse(source, frozenset({b"get_manager"}))
    kept = [getattr(s, "name", type(s).__name__) for s in sparse.tree.body]
    assert kept == ["ImportFrom", "api", "decorated", "Expr"]


def test_a_class_keeps_only_the_members_that_can_matter() -> None:
    source = ("from pkg import api\n\nclass Tests(api.TestCase):\n    \"\"\"Doc.\"\"\"\n\n"
              "    def test_one(self):\n        return api.other()\n\n"
              "    @decorated\n    def test_two(self):\n        return api.get_manager()\n\n"
              "    api = None\n\n    def api(self):\n        pass\n")
    sparse = parse_sparse(source, frozenset({b"get_manager"}))
    (cls,) = [s for s in sparse.tree.body if isinstance(s, ast.ClassDef)]
    assert [getattr(m, "name", type(m).__name__) for m in cls.body] == ["test_two", "Assign", "api"]
    assert cls.body[0].lineno == 10


def test_a_class_kept_for_its_name_keeps_no_member() -> None:
    source = "from pkg import api\nclass api:\n    x = 1\n    y = 2\napi.get_manager()\n"
    sparse = parse_sparse(source, frozenset({b"get_manager"}))
    assert ast.unparse(sparse.tree) == "from pkg import api\n\nclass api:\n    pass\napi.get_manager()"


def test_a_class_whose_header_holds_a_trigger_is_kept() -> None:
    source = "from pkg import api\nclass C(api.get_manager):\n    x = 1\n"
    sparse = parse_sparse(source, frozenset({b"get_manager"}))
    assert ast.unparse(sparse.tree) == "from pkg import api\n\nclass C(api.get_manager):\n    pass"


def test_an_alias_is_a_trigger_name_of_its_file() -> None:
    source = "from pkg import get_manager as gm\nx = 1\ngm()\n"
    sparse = parse_sparse(source, frozenset({b"get_manager"}))
    assert [ast.unparse(s) for s in sparse.tree.body] == ["from pkg import get_manager as gm", "gm()"]


def test_a_name_used_only_in_an_f_string_is_found() -> None:
    source = ("import re\nimport os\n\nx = 1\npattern = rf'(?<![a-z]){re.escape(x)}'\n"
              'multi = f"""\n{os.sep}\n"""\nplain = "{re.escape(x)}"\n')
    sparse = parse_sparse(source, frozenset({b"escape", b"sep"}))
    assert sparse is not None
    kept = [ast.unparse(s).split(" =")[0] for s in sparse.tree.body]
    assert kept == ["import re", "import os", "pattern", "multi"]


SNIPPETS = [
    "import os\n", "from pkg import get_manager as gm\n", "x = 1\n", "def f():\n    return gm()\n",
    "@dec\n", "class C:\n    y = os.sep\n", "if x:\n    pass\n", "else:\n    pass\n",
    's = """\nimport sys\n"""\n', "t = ('a',\n'b')\n", "# comment ' \"\n", "u = 'x' \\\n    'y'\n",
    "try:\n    import json\n", "except ImportError:\n    json = None\n", "z = [\n]\n", ")\n", "(\n", "'\n",
    "\n", "    indented = 1\n", "get_manager()\n", 'f = f"{get_manager()}"\n', "g = rf'''(\n{gm}'''\n",
    "v = 'x\\\nimport y'\n", 'w = """a\nb"""; get_manager()\n',
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SNIPPETS), max_size=12))
def test_sparse_parse_never_disagrees_with_a_full_parse(parts: list[str]) -> None:
    source = "".join(parts)
    sparse = parse_sparse(source, frozenset({b"get_manager"}))
    try:
        full = ast.parse(source)
    except SyntaxError:
        return  # broken files: the sparse result (if any) only has to be a valid parse
    if sparse is not None:
        assert {dump(s) for s in sparse.tree.body} <= {dump(s) for s in full.body}


def rules_for(tree: ast.Module) -> str:
    """Rules on what a file itself imports and uses, so that checking it finds plenty."""
    bound: dict[str, str] = {}
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.append(node.module)
            for alias in node.names:
                if alias.name != "*":
                    bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                modules.append(alias.name)
                bound[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
    used: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, base = [], node
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in bound:
                used.append(".".join([bound[base.id], *reversed(chain)]))
    names = [n for n in sorted(set(used)) + sorted(set(bound.values())) if "." in n]
    rules = []
    for index, name in enumerate(names[::3]):
        kind = ("symbol", "call")[index % 2]
        rules.append(f'[[rules]]\nid = "R{index}"\nkind = "{kind}"\nname = "{name}"\n')
    for index, name in enumerate(sorted(set(modules))[::4]):
        rules.append(f'[[rules]]\nid = "M{index}"\nkind = "module"\nname = "{name}"\n')
    return "\n".join(rules)


@pytest.mark.parametrize("path", sample_files()[::2], ids=lambda p: p.name)
def test_batch_check_finds_what_a_full_check_finds(path: Path, tmp_path: Path) -> None:
    text = read(path)
    rules = rules_for(ast.parse(text))
    if not rules:
        return  # a file without imports: nothing to compare
    (tmp_path / "ssot.toml").write_text(rules)
    config = load_config(tmp_path / "ssot.toml")
    target = tmp_path / "module_under_test.py"
    full = analyze(text, target, Registry(config)).violations
    limited = Registry(config)
    limited.limit_to(frozenset(build_prefilter(limited, []).triggers))
    batch = analyze(text, target, limited, findings_only=True).violations
    # Detection must agree; `fix` is the planner's answer, given by the full analysis that follows.
    assert [replace(v, fix=None) for v in batch] == [replace(v, fix=None) for v in full]


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_exports_read_from_the_outline_equal_the_full_tree(path: Path) -> None:
    text = read(path)
    expected = read_exports(ast.parse(text).body, "pkg.mod", False)
    assert outline(text) is not None
    assert _read_exports(text, "pkg.mod", False) == expected
