"""Sparse parsing for batch runs: parse only the top-level statements that can matter.

`ast.parse` is most of the cost of checking a file, and in most files most top-level
statements cannot lead to a finding. A statement matters only if it contains an import, or
writes one of the registry's trigger names (prefilter.py), or writes a name some import of
the file binds (it may use or rebind that import). Every other top-level statement is
replaced by blank lines before parsing: line numbers and columns stay those of the file,
and the statements kept are parsed exactly as they are written.

Statement boundaries come from a small lexer: with strings and comments blanked, a
top-level statement starts on a line that begins with code at column 0 outside any
bracket and not after a continuation backslash (`else`/`elif`/`except`/`finally` lines and decorated
definitions stay with their statement). Whenever the lexer is unsure (an unterminated
string, unbalanced brackets, a byte-order mark or NUL) or the sparse text does not parse,
the caller parses the whole file as usual; so does the language server, which needs the
whole tree for fixes and incremental re-parsing.
"""

from __future__ import annotations

import re
from typing import Optional

from .source import LineIndex, Parsed, _attempt, normalize_newlines, words

# Strings, then a quote that opens no complete string (unsure: parse everything), then
# comments. No groups: they would keep the regex engine from skipping plain code quickly.
_LEXEME = re.compile(
    r'"""(?:\\.|[^\\])*?"""|\'\'\'(?:\\.|[^\\])*?\'\'\'|"""|\'\'\''
    r'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|"|\''
    r"|#[^\n]*",
    re.S,
)
_UNFINISHED = frozenset(('"', "'", '"""', "'''"))
_CODE_AT_COLUMN_0 = re.compile(r"\n(?=\S)")
_JOINS_PREVIOUS = re.compile(r"(?:else|elif|except|finally)\b")
_KEYWORDS = frozenset((b"from", b"import", b"as"))


class _Unsure(Exception):
    pass


def _blank(match: re.Match) -> str:
    """A string becomes `S` plus the line breaks it spans; a comment disappears.

    The lines a string continues on (a triple-quoted one, or one continued by a backslash)
    start with a space: they never start a statement.
    """
    lexeme = match.group()
    if lexeme[0] == "#":
        return ""
    if lexeme in _UNFINISHED:
        raise _Unsure
    breaks = lexeme.count("\n")
    return "S" + "\n " * breaks if breaks else "S"


def statement_starts(text: str) -> Optional[list[int]]:
    """0-based lines where top-level statements start (0 first), or None when unsure.

    Strings and comments are blanked first (line breaks kept), so what is left is code:
    a line starting at column 0 starts a statement unless a bracket is still open or the
    line before ends with a continuation backslash.
    """
    try:
        code = _LEXEME.sub(_blank, text)
    except _Unsure:
        return None
    starts = [0]
    depth = 0
    line = 0
    previous = 0
    decorators = code.startswith("@")
    for match in _CODE_AT_COLUMN_0.finditer(code):
        start = match.end()
        segment = code[previous:start]
        depth += segment.count("(") + segment.count("[") + segment.count("{")
        depth -= segment.count(")") + segment.count("]") + segment.count("}")
        line += segment.count("\n")
        previous = start
        if depth < 0:
            return None
        if depth or code[start - 2:start - 1] == "\\" or _JOINS_PREVIOUS.match(code, start):
            continue
        if decorators:  # a decorator line is followed by its definition
            decorators = code.startswith("@", start)
            continue
        decorators = code.startswith("@", start)
        starts.append(line)
    segment = code[previous:]
    depth += segment.count("(") + segment.count("[") + segment.count("{")
    depth -= segment.count(")") + segment.count("]") + segment.count("}")
    return starts if depth == 0 else None


def parse_sparse(text: str, relevant: frozenset[bytes]) -> Optional[Parsed]:
    """The tree of the statements of `text` that can matter, or None (parse everything)."""
    if text.startswith("\ufeff") or "\x00" in text:
        return None
    normalized = normalize_newlines(text)
    starts = statement_starts(normalized)
    if starts is None:
        return None
    rows = normalized.split("\n")
    chunks = ["\n".join(rows[first:last]) for first, last in zip(starts, starts[1:] + [len(rows)])]
    keep = set(relevant)
    for chunk in chunks:
        if "import" in chunk:  # every name an import can bind is written in it
            keep |= words(chunk.encode("utf-8", "surrogatepass")) - _KEYWORDS
    pieces = []
    dropped = False
    for chunk in chunks:
        if "import" in chunk or not chunk.isascii() or not keep.isdisjoint(words(chunk.encode("ascii"))):
            pieces.append(chunk)
        else:
            pieces.append("\n" * chunk.count("\n"))
            dropped = True
    tree, _ = _attempt("\n".join(pieces) if dropped else normalized)
    if tree is None:
        return None
    return Parsed(tree, LineIndex(text))
