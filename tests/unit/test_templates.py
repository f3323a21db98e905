"""Call templates: validation, the callee, which template applies, and what it renders to."""

from __future__ import annotations

import ast
from typing import Callable, Optional

import pytest

from ssot_lsp.model import Rule
from ssot_lsp.templates import (
    Argument, call_arguments, choose_template, parse_template, render, reorders_effects, template_callee, template_placeholders,
    template_problem,
)


def call_of(source: str) -> ast.Call:
    node = ast.parse(source, mode="eval").body
    assert isinstance(node, ast.Call)
    return node


def rule(*templates: str, params: tuple[str, ...] = ()) -> Rule:
    return Rule(id="C1", kind="call", name="lib.old", templates=templates, params=params)


def text_of(source: str) -> Callable[[Argument], str]:
    return lambda argument: ast.get_source_segment(source, argument.node) or ""


@pytest.mark.parametrize("template, callee", [
    ("lib.new({args})", "lib.new"),
    ("  factory.make ( {user} )", "factory.make"),
    ("{x}", "{x}"),
    ("(lambda: 1)()", None),
])
def test_the_callee_is_what_the_template_calls(template: str, callee: Optional[str]) -> None:
    assert template_callee(template) == callee


def test_a_call_rule_names_its_first_template_callee_and_messages_agree() -> None:
    assert rule("new.make({x})", "other()").replacement == "new.make"
    assert rule().replacement is None
    assert Rule(id="M", kind="module", name="a", replace="b").replacement == "b"


def test_placeholders_come_in_order_and_double_braces_are_literal() -> None:
    assert template_placeholders("f({a}, {{b}}, {c}, {a})") == ["a", "c", "a"]
    assert parse_template("f({a})") is parse_template("f({a})")  # read once, then cached


@pytest.mark.parametrize("template, problem", [
    ("new({x}, key={y})", None),
    ("g({x)", "does not parse"),
    ("g({x.y})", "must be a plain name"),
    ("g({x!r})", "must be a plain name"),
    ("g(x) = 1", "not a Python expression"),
])
def test_template_problems(template: str, problem: Optional[str]) -> None:
    found = template_problem(template)
    assert (found is None) if problem is None else (found is not None and problem in found and template in found)


CHOICES = [
    # templates, params, call, chosen index (None: manual), context missing
    (("new({a}, {b})",), ("a", "b"), "old(1, b=2)", 0, ()),
    (("new({a})", "new({a}, {b})"), ("a", "b"), "old(1, 2)", 1, ()),  # the first would drop an argument
    (("new({args})",), (), "old(*xs, **kw)", 0, ()),
    (("new({a})",), ("a",), "old(*xs)", None, ()),  # a starred call needs {args}
    (("new({a}, {request})",), ("a",), "old(1)", 0, ("request",)),
    (("new({a}, {user})",), ("a",), "old(1)", 0, ()),  # `user` is visible at the call site
    (("new()",), ("a",), "old(1)", None, ()),
]


@pytest.mark.parametrize("templates, params, call, index, missing", CHOICES)
def test_the_first_template_using_every_argument_applies(
        templates: tuple[str, ...], params: tuple[str, ...], call: str, index: Optional[int], missing: tuple[str, ...],
) -> None:
    choice = choose_template(rule(*templates, params=params), call_of(call), {"user"})
    assert (choice.index if choice else None) == index
    if choice is not None:
        assert choice.missing == missing
        assert choice.automatic is (not missing)
        assert choice.callee == "new"


def test_rendering_keeps_arguments_as_written_and_marks_missing_context() -> None:
    source = "old(compute( 1 ), flag=True)"
    choice = choose_template(rule("new({flag}, {a}, ctx={request})", params=("a", "flag")), call_of(source), set())
    assert choice is not None
    assert render(choice, text_of(source), "") == "new(True, compute( 1 ), ctx=request)"
    marked = render(choice, text_of(source), "", lambda name, stop: f"<{stop}:{name}>")
    assert marked == "new(True, compute( 1 ), ctx=<1:request>)"


def test_args_renders_the_argument_list_verbatim() -> None:
    source = "old(a,  *rest)"
    choice = choose_template(rule("new({args}, extra=1)"), call_of(source), set())
    assert choice is not None and choice.uses_args
    assert render(choice, text_of(source), "a,  *rest") == "new(a,  *rest, extra=1)"


@pytest.mark.parametrize("template, call, reorders", [
    ("new({b}, {a})", "old(f(), g())", True),
    ("new({b}, {a})", "old(x, y)", False),  # plain names and literals have no effect
    ("new({a}, {a})", "old(f())", True),  # evaluated twice
    ("new({a}, {b})", "old(f(), g())", False),
])
def test_templates_that_reorder_effects_are_detected(template: str, call: str, reorders: bool) -> None:
    node = call_of(call)
    choice = choose_template(rule(template, params=("a", "b")), node, set())
    assert choice is not None
    assert reorders_effects(choice, node) is reorders


def test_arguments_are_listed_in_source_order() -> None:
    arguments = call_arguments(call_of("old(1, *xs, k=2, **kw)"))
    assert [(argument.keyword, argument.star) for argument in arguments] == [(None, ""), (None, "*"), ("k", ""), (None, "**")]
