"""Sparse parsing for batch runs: parse only the statements that can matter.

`ast.parse` is most of the cost of checking a file, and in most files most statements
cannot lead to a finding. Findings sit on imports and on references rooted in imported
names, and a reference can reach a rule only if its code writes one of the registry's
trigger names (prefilter.py) or an alias an import of the file binds. So, judging each
statement by its code (strings and comments blanked), a top-level statement is kept when
it contains an import or writes a trigger name or alias; of the others, one is kept when
it may rebind an imported name that a kept statement uses (a `def` or `class` binds only
its own name; any other statement is kept when it writes the name). A top-level class is
judged member by member the same way (test classes are often most of a file). Everything
else becomes blank lines: line numbers and columns stay those of the file, and the kept
statements are parsed exactly as written.

Statement boundaries come from a small lexer: with strings and comments blanked, a
statement starts on a line that begins with code at the block's indentation, outside any
bracket and not after a continuation backslash (`else`/`elif`/`except`/`finally` lines
and decorated definitions stay with their statement). Whenever the lexer is unsure (an
unterminated string, unbalanced brackets, a byte-order mark or NUL) or the sparse text
does not parse, the caller parses the whole file as usual; so does the language server,
which needs the whole tree for fixes and incremental re-parsing.
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
_ALIAS = re.compile(r"\bas\s+(\w+)")
# A plain import statement (no `;`, no block): it uses none of the names it mentions.
_IMPORT_ONLY = re.compile(r"(?:import|from)\b[^;:]*\Z")


class _Unsure(Exception):
    pass


def _blank(match: re.Match[str]) -> str:
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


def code_only(text: str) -> Optional[str]:
    """`text` with strings blanked to `S` and comments removed, line breaks kept (None: unsure)."""
    try:
        return _LEXEME.sub(_blank, text)
    except _Unsure:
        return None


def statement_starts(text: str) -> Optional[list[int]]:
    """0-based lines where the top-level statements of `text` start (0 first), or None when unsure."""
    code = code_only(text)
    return _starts_in_code(code) if code is not None else None


def _starts_in_code(code: str) -> Optional[list[int]]:
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
        depth += _depth_change(segment)
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
    return starts if depth + _depth_change(code[previous:]) == 0 else None


def _depth_change(code: str) -> int:
    """Brackets opened minus brackets closed."""
    opened = code.count("(") + code.count("[") + code.count("{")
    return opened - code.count(")") - code.count("]") - code.count("}")


def _split(text: str) -> Optional[tuple[list[str], list[str], list[int]]]:
    """The lines of `text`, the same lines as code (`code_only`), and the statement starts."""
    normalized = normalize_newlines(text)
    code = code_only(normalized)
    starts = _starts_in_code(code) if code is not None else None
    if code is None or starts is None:
        return None
    return normalized.split("\n"), code.split("\n"), starts


def parse_sparse(text: str, relevant: frozenset[bytes]) -> Optional[Parsed]:
    """The tree of the statements of `text` that can matter, or None (parse everything).

    Kept: every statement with an import (it binds names, and `import_module` calls contain
    the word too) and every statement that writes a trigger name or an alias an import
    binds (only those can hold a finding). Of the others, a statement is kept when it may
    rebind an imported name the kept ones use: a `def` or `class` binds only its own name
    (its body runs in its own scope), any other statement is kept when it writes such a
    name. Dropping the rest changes no finding. A top-level class is looked into the same
    way, member by member (test classes are often most of a file).
    """
    kept = sparse_text(text, relevant)
    if kept is None:
        return None
    tree, _ = _attempt(kept)
    if tree is None:
        return None
    return Parsed(tree, LineIndex(text))


def sparse_text(text: str, relevant: frozenset[bytes]) -> Optional[str]:
    """`text` (lines joined by `\\n`) with the statements that cannot matter blanked, or None when unsure."""
    split = _split(text) if not text.startswith("\ufeff") and "\x00" not in text else None
    if split is None:
        return None
    rows, code_rows, starts = split
    units = [_Unit(first, last, code_rows) for first, last in zip(starts, starts[1:] + [len(rows)])]
    imported, aliases = _import_words(code_rows)  # every name an import can bind is among them
    triggers = set(relevant) | aliases
    used: set[bytes] = set()  # imported names that statements able to hold a finding write
    for unit in units:
        if "import" in unit.text or not unit.text.isascii() or not triggers.isdisjoint(unit.words):
            unit.split(code_rows)
        header = _Unit(unit.first, unit.header_end, code_rows) if unit.members else unit
        for part in [header, *unit.members]:
            if "import" in part.text:
                part.keep = unit.keep = True
                if not _IMPORT_ONLY.match(part.text.strip()):
                    used |= part.words & imported
            elif not part.text.isascii() or not triggers.isdisjoint(part.words):
                part.keep = unit.keep = True
                used |= part.words & imported
    out = list(rows)
    for unit in units:
        unit.decide(used, code_rows)
        unit.blank(out)
    return "\n".join(out)


def _import_words(code_rows: list[str]) -> tuple[set[bytes], set[bytes]]:
    """Words and `as` aliases of every line with `import` (and of the lines it continues on)."""
    found: set[bytes] = set()
    aliases: set[bytes] = set()
    index = 0
    while index < len(code_rows):
        if "import" in code_rows[index]:
            lines = [code_rows[index]]
            depth = lines[0].count("(") - lines[0].count(")")
            while (depth > 0 or lines[-1].rstrip().endswith("\\")) and index + 1 < len(code_rows):
                index += 1
                lines.append(code_rows[index])
                depth += code_rows[index].count("(") - code_rows[index].count(")")
            statement = "\n".join(lines)
            found |= words(statement.encode("utf-8", "surrogatepass"))
            aliases.update(alias.encode("utf-8", "surrogatepass") for alias in _ALIAS.findall(statement))
        index += 1
    return found - _KEYWORDS, aliases


class _Unit:
    """A statement (rows `first` to `last`), split into members when it is a class."""

    def __init__(self, first: int, last: int, code_rows: list[str], indent: int = 0):
        self.first, self.last, self.indent = first, last, indent
        self.text = "\n".join(code_rows[first:last])  # strings and comments blanked
        self.words = words(self.text.encode("utf-8", "surrogatepass"))
        self.keep = False
        self.members: list[_Unit] = []
        self.header_end = first

    def split(self, code_rows: list[str]) -> None:
        """Members of a top-level class whose header writes no trigger name (else: none)."""
        layout = _class_layout(code_rows, self.first, self.last)
        if layout is None:
            return
        self.header_end, indent, starts = layout
        self.members = [_Unit(first, last, code_rows, indent) for first, last in zip(starts, starts[1:] + [self.last])]

    def decide(self, used: set[bytes], code_rows: list[str]) -> None:
        """Keep what may rebind a name in `used` (see parse_sparse)."""
        if self.keep:
            for member in self.members:
                if not member.keep and not used.isdisjoint(member.words):
                    member.keep = _may_rebind(member, used, code_rows)
        elif not used.isdisjoint(self.words):
            self.keep = _may_rebind(self, used, code_rows)
            if self.keep:
                self.split(code_rows)  # kept for its name only: no member need be

    def blank(self, out: list[str]) -> None:
        if not self.keep:
            out[self.first:self.last] = [""] * (self.last - self.first)
            return
        dropped = [member for member in self.members if not member.keep]
        for member in dropped:
            out[member.first:member.last] = [""] * (member.last - member.first)
        if self.members and len(dropped) == len(self.members):
            first = self.members[0].first
            out[first] = " " * self.members[0].indent + "pass"  # a class body cannot be empty


def _may_rebind(unit: _Unit, used: set[bytes], code_rows: list[str]) -> bool:
    name = _defined_name([row[unit.indent:] for row in code_rows[unit.first:unit.last]])
    return name is None or name.encode() in used


def _class_layout(code_rows: list[str], first: int, last: int) -> Optional[tuple[int, int, list[int]]]:
    """Where a class statement's body starts, its indentation and its members' first rows.

    None when the statement is not a class with an indented body, or its layout is unusual.
    """
    row = first
    while row < last and code_rows[row].startswith("@"):
        row += 1
    if row >= last or not code_rows[row].startswith("class"):
        return None
    depth = 0
    while row < last:
        line = code_rows[row].rstrip()
        depth += _depth_change(line)
        row += 1
        if depth == 0:
            if line.endswith(":"):
                break
            if not line.endswith("\\"):
                return None  # `class C: pass` on one line
    body = code_rows[row:last]
    indent = next((len(line) - len(line.lstrip()) for line in body if line.strip()), 0)
    if indent == 0:
        return None
    dedented = []
    for line in body:
        if line[:indent].strip():
            return None  # code left of the body's indentation: unsure
        dedented.append(line[indent:])
    starts = _starts_in_code("\n".join(dedented))
    if starts is None:
        return None
    return row, indent, [row + start for start in starts]


def outline(text: str) -> Optional[str]:
    """The top-level statements of `text` with each `def` and `class` reduced to a stub.

    What a module binds at top level (its exports) reads the same from the outline, which
    parses in a fraction of the time; None when the statement split is unsure.
    """
    split = _split(text.lstrip("\ufeff")) if "\x00" not in text else None
    if split is None:
        return None
    rows, code_rows, starts = split
    pieces = []
    for first, last in zip(starts, starts[1:] + [len(rows)]):
        name = _defined_name(code_rows[first:last])
        pieces.append(f"def {name}(): pass" if name is not None else "\n".join(rows[first:last]))
    return "\n".join(pieces)


_DEFINITION = re.compile(r"(?:async\s+def|def|class)\s+(\w+)")


def _defined_name(code_rows: list[str]) -> Optional[str]:
    """The name a (decorated) `def` or `class` statement binds; None for other statements.

    `code_rows` are its lines with strings and comments blanked. An assignment expression
    (`:=`) in a decorator, default or base class would bind in the enclosing scope: such a
    definition counts as an ordinary statement.
    """
    if not code_rows or not code_rows[0].startswith(("@", "def", "async", "class")):
        return None
    for row in code_rows:
        if ":=" in row:
            return None
    for row in code_rows:
        match = _DEFINITION.match(row)
        if match:
            return match.group(1)
    return None
