"""Where each part of an import statement is written: the module path, each name, each alias (SPEC §3, §12).

The fixer edits imports in place (a name renamed, moved or dropped, the module path
rewritten), so it needs the exact span of every part of the statement as written, which
the syntax tree does not give. Most imports fit on one physical line without comments or
continuations, and a regex tokenises those exactly; any other statement goes through
`tokenize`. A statement whose tokens do not line up with its names falls back to spans
covering the whole statement, which the fixer treats as "cannot edit in place".
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from typing import NamedTuple, Optional, Union

from .model import Span
from .source import LineIndex, normalize_newlines

ItemSpans = tuple[Span, Optional[Span], Span]  # the name, the alias after `as`, `name as alias`


@dataclass
class ImportLayout:
    """The spans of one import statement's parts, in the order of its names (`*` excluded)."""

    items: list[ItemSpans]
    module_span: Optional[Span] = None
    parenthesized: bool = False


class _Token(NamedTuple):
    type: int
    string: str
    start: tuple[int, int]
    end: tuple[int, int]


_IMPORT_TOKEN = re.compile(r"\w+|[^\s\w]")


def _one_line(segment: str) -> bool:
    return "\n" not in segment and "\r" not in segment and "#" not in segment and "\\" not in segment


def import_layout(node: Union[ast.Import, ast.ImportFrom], lines: LineIndex, span: Span) -> ImportLayout:
    """Exact spans of the module path and of each name, from the statement's tokens."""
    start = lines.offset(span.start_line, span.start_col)
    end = lines.offset(span.end_line, span.end_col)
    segment = lines.text[start:end]
    layout = ImportLayout(items=[])
    if _one_line(segment):
        # One physical line without comments or continuations (most imports): names and
        # punctuation are all there is, so a regex tokenises it exactly, and fast.
        tokens = [_Token(tokenize.NAME if m.group()[0].isidentifier() else tokenize.OP, m.group(),
                         (1, m.start()), (1, m.end())) for m in _IMPORT_TOKEN.finditer(segment)]
    else:
        try:
            tokens = [
                _Token(t.type, t.string, t.start, t.end)
                for t in tokenize.generate_tokens(io.StringIO(normalize_newlines(segment) + "\n").readline)
                if t.type in (tokenize.NAME, tokenize.OP)
            ]
        except (tokenize.TokenError, IndentationError, SyntaxError):
            return fallback_layout(node, span)

    def at(row: int, col: int) -> tuple[int, int]:
        # Token rows restart at 1 for the segment; tokenize splits on any line ending.
        line = span.start_line + row - 1
        return line, (span.start_col + col if row == 1 else col)

    def token_span(first: _Token, last: _Token) -> Span:
        return Span(*at(*first.start), *at(*last.end))

    index = 1  # skip `import` / `from`
    if isinstance(node, ast.ImportFrom):
        first = index
        while index < len(tokens) and not (tokens[index].type == tokenize.NAME and tokens[index].string == "import"):
            index += 1
        if index > first:
            layout.module_span = token_span(tokens[first], tokens[index - 1])
        index += 1
        if index < len(tokens) and tokens[index].string == "(":
            layout.parenthesized = True
            index += 1
    while index < len(tokens):
        token = tokens[index]
        if token.string in (",", ")", "*") or token.type != tokenize.NAME:
            index += 1
            continue
        name_first = name_last = token
        index += 1
        while index + 1 < len(tokens) and tokens[index].string == "." and tokens[index + 1].type == tokenize.NAME:
            name_last = tokens[index + 1]
            index += 2
        alias_span = None
        item_last = name_last
        if index + 1 < len(tokens) and tokens[index].string == "as":
            alias_span = token_span(tokens[index + 1], tokens[index + 1])
            item_last = tokens[index + 1]
            index += 2
        layout.items.append((token_span(name_first, name_last), alias_span, token_span(name_first, item_last)))
    if len(layout.items) != len([a for a in node.names if a.name != "*"]):
        return fallback_layout(node, span)
    return layout


def fallback_layout(node: Union[ast.Import, ast.ImportFrom], span: Span) -> ImportLayout:
    items: list[ItemSpans] = [(span, None, span) for alias in node.names if alias.name != "*"]
    return ImportLayout(items=items, module_span=span if isinstance(node, ast.ImportFrom) else None)
