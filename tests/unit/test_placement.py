"""How often a file binds and reads a name: the walk over the statements that write it equals the whole walk."""

from __future__ import annotations

import ast

import pytest

from ssot_lsp.placement import Placement, word_lines
from ssot_lsp.source import LineIndex
from tests.unit.test_sparse import read, sample_files

TRICKY = '''\
import os, os.path as osp
from pkg import (
    name,
    other as alias,
)

@decorator(name)
@other_decorator
class Model(Base, metaclass=name):
    name = 1
    def method(self, name=name, *args: alias, **kw) -> name:
        global other
        other = lambda name: name + alias
        return [name for name in args if name]

def outer():
    name = 2
    def inner():
        nonlocal name
        name += 1
    return f"{name!r:>{alias}}"

try:
    import json
except ImportError as name:
    json = None

match os.sep:
    case [first, *name]:
        pass
    case {"k": alias, **name}:
        pass
    case str() as name:
        pass

with open(x) as (name, alias):
    del name
for name, in []: pass
x = (name :=
     5)

@only_in_a_decorator
def decorated():
    pass
'''


def lines_of(text: str, name: str) -> list[int]:
    return word_lines(text, LineIndex(text).starts, name)


def assert_counts_agree(text: str) -> None:
    tree = ast.parse(text)
    whole = Placement(tree).names()
    for name in {*whole.bound_counts, *whole.read_counts, "never_written"}:
        expected = (whole.bound_counts.get(name, 0), whole.read_counts.get(name, 0))
        assert Placement(tree).counts(name, lines_of(text, name)) == expected, name


def test_counts_of_one_name_in_every_kind_of_statement() -> None:
    assert_counts_agree(TRICKY)
    tree = ast.parse(TRICKY)
    # Bound by: the import, the class attribute, the parameter, the lambda's parameter, the
    # comprehension, `name = 2`, `nonlocal`, `+=`, `except ... as`, three match captures,
    # `with ... as`, `del`, `for` and `:=`; read by the decorator, the metaclass, the
    # default, the return annotation, the lambda, the comprehension (twice) and the f-string.
    assert Placement(tree).counts("name", lines_of(TRICKY, "name")) == (16, 8)


def test_counts_without_word_lines_walk_the_whole_file() -> None:
    tree = ast.parse(TRICKY)
    placement = Placement(tree)
    assert placement.counts("alias", None) == (3, 3)
    assert placement.counts("alias", []) == (3, 3)  # the whole walk is done: its answer is used


@pytest.mark.parametrize("path", [p for p in sample_files() if read(p).isascii()][::8], ids=lambda p: p.name)
def test_counts_on_real_files(path) -> None:
    assert_counts_agree(read(path))
