"""Statement boundaries without parsing: a small lexer over code with its strings and comments blanked.

With strings blanked to `S` and comments removed (line breaks kept), a top-level
statement starts on a line that begins with code at column 0, outside any bracket and not
after a continuation backslash (`else`/`elif`/`except`/`finally` lines and decorated
definitions stay with their statement). Whenever the lexer is unsure (an unterminated
string, unbalanced brackets) it answers None. Batch runs use it to parse only the
statements that can matter (`sparse.py`); the error-tolerant parse uses it to find the
statements nested too deeply to analyse (`source.py`).
"""

from __future__ import annotations

import re
from typing import Optional

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
_PREFIX = re.compile(r"[A-Za-z]{1,2}\Z")
_WORD = re.compile(r"[^\W\d]\w*")


class _Unsure(Exception):
    pass


def _blank(match: re.Match[str]) -> str:
    """A string becomes `S` plus the line breaks it spans; a comment disappears.

    The lines a string continues on (a triple-quoted one, or one continued by a backslash)
    start with a space: they never start a statement. An f-string's replacement fields are
    code (`f"{re.escape(x)}"` calls `re.escape`), so an f-string with a `{` keeps its words,
    each on the line it was on, and nothing else: no bracket, quote or operator that could
    move a statement boundary.
    """
    lexeme = match.group()
    if lexeme[0] == "#":
        return ""
    if lexeme in _UNFINISHED:
        raise _Unsure
    if "{" in lexeme and _formatted(match):
        return "S " + "\n ".join(" ".join(_WORD.findall(line)) for line in lexeme.split("\n"))
    breaks = lexeme.count("\n")
    return "S" + "\n " * breaks if breaks else "S"


def _formatted(match: re.Match[str]) -> bool:
    """Whether the string has an `f` among the prefix letters just before it (`f`, `rf`, `Fr`, ...)."""
    prefix = _PREFIX.search(match.string, max(0, match.start() - 2), match.start())
    return prefix is not None and "f" in prefix.group().lower()


def code_only(text: str) -> Optional[str]:
    """`text` with strings blanked to `S` and comments removed, line breaks kept (None: unsure)."""
    try:
        return _LEXEME.sub(_blank, text)
    except _Unsure:
        return None


def statement_starts(text: str) -> Optional[list[int]]:
    """0-based lines where the top-level statements of `text` start (0 first), or None when unsure."""
    code = code_only(text)
    return starts_in_code(code) if code is not None else None


def starts_in_code(code: str) -> Optional[list[int]]:
    """Statement starts in code whose strings and comments are blanked (`code_only`).

    A line starting at column 0 starts a statement unless a bracket is still open or the
    line before ends with a continuation backslash.
    """
    starts = [0]
    depth = 0
    line = 0
    previous = 0
    decorators = code.startswith("@")
    for match in _CODE_AT_COLUMN_0.finditer(code):
        start = match.end()
        segment = code[previous:start]
        depth += depth_change(segment)
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
    return starts if depth + depth_change(code[previous:]) == 0 else None


def depth_change(code: str) -> int:
    """Brackets opened minus brackets closed."""
    opened = code.count("(") + code.count("[") + code.count("{")
    return opened - code.count(")") - code.count("]") - code.count("}")
