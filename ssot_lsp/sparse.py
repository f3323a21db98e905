"""Sparse parsing for batch runs: parse only the top-level statements that can matter.

`ast.parse` is most of the cost of checking a file, and in most files most top-level
statements cannot lead to a finding. A statement matters only if it contains an import, or
writes one of the registry's trigger names (prefilter.py), or writes a name some import of
the file binds (it may use or rebind that import). Every other top-level statement is
replaced by blank lines before parsing: line numbers and columns stay those of the file,
and the statements kept are parsed exactly as they are written.

Statement boundaries come from a small lexer over strings, comments, brackets and line
continuations: a top-level statement starts on a line that begins with code at column 0
outside any bracket or string (`else`/`elif`/`except`/`finally` lines and decorated
definitions stay with their statement). Whenever the lexer is unsure (an unterminated
string, unbalanced brackets, a byte-order mark or NUL) or the sparse text does not parse,
the caller parses the whole file as usual; so does the language server, which needs the
whole tree for fixes and incremental re-parsing.
"""

from __future__ import annotations

import re
from typing import Optional

from .source import LineIndex, Parsed, _attempt, normalize_newlines, words

_LEXEME = re.compile(
    r'(?P<s1>"""(?:\\.|[^\\])*?"""|\'\'\'(?:\\.|[^\\])*?\'\'\')'
    r"|(?P<b1>\"\"\"|\'\'\')"  # a quote that opens no complete string: unsure, parse everything
    r'|(?P<s2>"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\')'
    r"|(?P<b2>\"|')"
    r"|#[^\n]*"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])"
    r"|\\\n"
    r"|(?P<newline>\n)",
    re.S,
)
_JOINS_PREVIOUS = re.compile(r"(?:else|elif|except|finally)\b")
_NOT_A_START = frozenset(" \t\f\n#")
_KEYWORDS = frozenset((b"from", b"import", b"as"))


def statement_starts(text: str) -> Optional[list[int]]:
    """Offsets where top-level statements start (0 first), or None when unsure."""
    starts = [0]
    depth = 0
    decorators = text.startswith("@")
    for match in _LEXEME.finditer(text):
        kind = match.lastgroup
        if kind is None or kind == "s1" or kind == "s2":
            continue
        if kind == "newline":
            if depth:
                continue
            start = match.end()
            if start >= len(text) or text[start] in _NOT_A_START:
                continue
            if _JOINS_PREVIOUS.match(text, start):
                continue
            if decorators:  # a decorator line is followed by its definition
                decorators = text.startswith("@", start)
                continue
            decorators = text.startswith("@", start)
            starts.append(start)
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                return None
        else:  # b1, b2
            return None
    return starts if depth == 0 else None


def parse_sparse(text: str, relevant: frozenset[bytes]) -> Optional[Parsed]:
    """The tree of the statements of `text` that can matter, or None (parse everything)."""
    if text.startswith("\ufeff") or "\x00" in text:
        return None
    normalized = normalize_newlines(text)
    starts = statement_starts(normalized)
    if starts is None:
        return None
    bounds = list(zip(starts, starts[1:] + [len(normalized)]))
    chunks = [normalized[start:end] for start, end in bounds]
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
    tree, _ = _attempt("".join(pieces) if dropped else normalized)
    if tree is None:
        return None
    return Parsed(tree, LineIndex(text))
