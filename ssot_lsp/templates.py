"""Call templates: which template applies to a call, and what it becomes (SPEC §2).

A placeholder naming one of the rule's `params` takes the source text of the argument
passed for it (by position or keyword); `{args}` is the whole argument list verbatim; any
other placeholder is a context placeholder, bound to a variable of that name visible at
the call site. A template applies only when every parameter placeholder is bound and it
uses every argument the call passes: a fix never drops an argument.
"""

from __future__ import annotations

import ast
import string
from dataclasses import dataclass
from typing import Callable, Optional

from .config import template_placeholders
from .model import Rule

ARGS = "args"


@dataclass(frozen=True)
class Argument:
    """One argument of a call: keyword name (None if positional), star ('', '*', '**')."""

    node: ast.expr
    keyword: Optional[str]
    star: str


@dataclass(frozen=True)
class TemplateChoice:
    """The first applicable template, the parameter each argument binds, what is missing."""

    index: int
    template: str
    bound: dict[str, Argument]  # parameter placeholder -> argument
    uses_args: bool
    missing: tuple[str, ...]  # context placeholders not visible at the call site
    context: tuple[str, ...]  # every context placeholder

    @property
    def automatic(self) -> bool:
        return not self.missing


def call_arguments(call: ast.Call) -> list[Argument]:
    """The call's arguments in source order."""
    arguments = [
        Argument(arg.value if isinstance(arg, ast.Starred) else arg, None, "*" if isinstance(arg, ast.Starred) else "")
        for arg in call.args
    ]
    arguments += [Argument(kw.value, kw.arg, "" if kw.arg else "**") for kw in call.keywords]
    return sorted(arguments, key=lambda a: (a.node.lineno, a.node.col_offset))


def choose_template(rule: Rule, call: ast.Call, visible: set[str]) -> Optional[TemplateChoice]:
    """The first template of `rule` that applies to `call`, or None (a manual violation)."""
    arguments = call_arguments(call)
    has_star = any(argument.star for argument in arguments)
    binding: dict[str, Argument] = {}
    unbound: list[Argument] = []
    positional = [a for a in arguments if a.keyword is None and not a.star]
    for position, argument in enumerate(positional):
        if position < len(rule.params) and rule.params[position] not in binding:
            binding[rule.params[position]] = argument
        else:
            unbound.append(argument)
    for argument in arguments:
        if argument.keyword is not None:
            if argument.keyword in rule.params and argument.keyword not in binding:
                binding[argument.keyword] = argument
            else:
                unbound.append(argument)
    for index, template in enumerate(rule.templates):
        names = template_placeholders(template)
        uses_args = ARGS in names and ARGS not in rule.params
        parameters = [name for name in names if name in rule.params]
        context = tuple(dict.fromkeys(n for n in names if n not in rule.params and not (n == ARGS and uses_args)))
        if has_star and not uses_args:
            continue
        if not uses_args:
            if unbound or any(name not in binding for name in parameters):
                continue
            if any(param not in parameters for param in binding):
                continue
        elif any(name not in binding for name in parameters):
            continue
        missing = tuple(name for name in context if name not in visible)
        return TemplateChoice(
            index=index, template=template,
            bound={name: binding[name] for name in parameters}, uses_args=uses_args,
            missing=missing, context=context,
        )
    return None


def render(choice: TemplateChoice, argument_text: Callable[[Argument], str], args_text: str,
           placeholder: Optional[Callable[[str, int], str]] = None) -> str:
    """The template's text: arguments as written, context names as they are called here.

    `argument_text(argument)` gives an argument's source text; `placeholder(name, n)` renders
    a missing context name (a snippet tab stop, say), defaulting to the bare name.
    """
    pieces = []
    stop = 0
    for literal, field_name, _, _ in string.Formatter().parse(choice.template):
        pieces.append(literal)  # `{{`/`}}` already come back as single braces
        if field_name is None:
            continue
        if field_name in choice.bound:
            pieces.append(argument_text(choice.bound[field_name]))
        elif field_name == ARGS and choice.uses_args:
            pieces.append(args_text)
        elif field_name in choice.missing and placeholder is not None:
            stop += 1
            pieces.append(placeholder(field_name, stop))
        else:
            pieces.append(field_name)
    return "".join(pieces)


_SIMPLE = (ast.Name, ast.Constant)


def is_plain(node: ast.expr) -> bool:
    """A plain name, a literal, or an attribute chain of names: evaluating it has no effect."""
    while isinstance(node, ast.Attribute):
        node = node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        return True
    return isinstance(node, _SIMPLE)


def reorders_effects(choice: TemplateChoice, call: ast.Call) -> bool:
    """Whether the template evaluates effectful arguments in another order, or more than once (SPEC §12)."""
    original = [argument for argument in call_arguments(call) if not is_plain(argument.node)]
    if not original:
        return False
    rendered: list[int] = []
    for _, field_name, _, _ in string.Formatter().parse(choice.template):
        if field_name is None:
            continue
        if field_name in choice.bound:
            argument = choice.bound[field_name]
            if not is_plain(argument.node):
                rendered.append(id(argument.node))
        elif field_name == ARGS and choice.uses_args:
            rendered += [id(argument.node) for argument in original]
    order = [id(argument.node) for argument in original]
    return rendered != order
