"""Source text: decoding, line structure, and an error-tolerant parse (SPEC §3).

Files are decoded as PEP 263 says (coding cookie, BOM); line endings may be LF, CRLF or
CR. The engine parses with CPython's own parser for speed; when a document has syntax
errors, parso's error recovery tells which statements are broken, those lines are blanked
(keeping every other position intact) and the rest is parsed again, so the valid parts of
a half-typed document are still checked at unchanged positions.
"""

from __future__ import annotations

import ast
import codecs
import io
import os
import re
import stat
import sys
import tokenize
import warnings
from functools import cached_property
from dataclasses import dataclass
from itertools import accumulate
from typing import Optional, Protocol, Union

from .lexer import statement_starts

_NEWLINE = re.compile(r"\r\n|\r|\n")
BOM = codecs.BOM_UTF8


@dataclass(frozen=True)
class Decoded:
    """A file's text and what is needed to write it back byte for byte."""

    text: str
    encoding: str
    bom: bool


class DecodeError(ValueError):
    """The bytes are not valid in the encoding the file declares."""


# A Python source file is text written by people or generators; anything bigger is not read.
MAX_SOURCE_BYTES = 64 * 1024 * 1024
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


class SkippedFile(OSError):
    """A path that is not read as source: not a regular file, or too large."""


def read_source(path: Union[str, "os.PathLike[str]"], limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; SkippedFile (an OSError) otherwise.

    Symbolic links are followed (the system caps the chain). A FIFO, device or socket is
    refused before it is opened, and again after (opened without blocking), so a path
    swapped in between cannot block the caller or feed it endless bytes.
    """
    _refuse_special(os.stat(path), limit)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(descriptor, "rb") as stream:
        _refuse_special(os.fstat(descriptor), limit)
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise SkippedFile(f"larger than {limit // (1024 * 1024)} MiB: not read")
    return data


def _refuse_special(status: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _KINDS if test(status.st_mode)), "not a regular file")
        raise SkippedFile(f"{kind}, not a regular file: not read")
    if status.st_size > limit:
        raise SkippedFile(f"larger than {limit // (1024 * 1024)} MiB ({status.st_size:,} bytes): not read")


def decode(data: bytes) -> Decoded:
    """Decode a Python file per PEP 263 (BOM, coding cookie, UTF-8 default)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise DecodeError(str(exc)) from None
    bom = data.startswith(BOM)
    if bom:
        data = data[len(BOM):]
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"cannot decode as {encoding}: {exc}") from None
    return Decoded(text=text, encoding=encoding, bom=bom)


def encode(text: str, decoded: Decoded) -> bytes:
    """The inverse of `decode`: same encoding, BOM kept."""
    data = text.encode(decoded.encoding)
    return BOM + data if decoded.bom else data


def dominant_newline(text: str) -> str:
    """The line ending a file mostly uses (LF when it has none)."""
    counts = {"\r\n": text.count("\r\n")}
    counts["\r"] = text.count("\r") - counts["\r\n"]
    counts["\n"] = text.count("\n") - counts["\r\n"]
    best = max(counts, key=lambda key: counts[key])
    return best if counts[best] else "\n"


class Located(Protocol):
    """A syntax node with a position (statements, expressions, arguments, handlers)."""

    @property
    def lineno(self) -> int: ...
    @property
    def col_offset(self) -> int: ...
    @property
    def end_lineno(self) -> Optional[int]: ...
    @property
    def end_col_offset(self) -> Optional[int]: ...


class LineIndex:
    """Lines of a text (any line ending) and conversions between offsets and positions."""

    def __init__(self, text: str):
        self.text = text
        if "\r" not in text:
            # The common case: line lengths summed in C, no match object per line.
            lengths = [len(row) + 1 for row in text.split("\n")]
            starts = [0, *accumulate(lengths[:-1])]
            ends = [start + length - 1 for start, length in zip(starts, lengths)]
        else:
            starts = [0]
            ends = []
            for match in _NEWLINE.finditer(text):
                ends.append(match.start())
                starts.append(match.end())
            ends.append(len(text))
        self.starts = starts
        self.ends = ends
        self.ascii = text.isascii()  # then byte columns are code-point columns everywhere

    def __len__(self) -> int:
        return len(self.starts)

    @cached_property
    def longest(self) -> int:
        """The length of the longest line, in code points."""
        return max(end - start for start, end in zip(self.starts, self.ends))

    def line(self, number: int) -> str:
        """Line `number` (0-based) without its line ending; '' past the end."""
        if 0 <= number < len(self.starts):
            return self.text[self.starts[number]:self.ends[number]]
        return ""

    def line_ending(self, number: int) -> str:
        if 0 <= number < len(self.starts) - 1:
            return self.text[self.ends[number]:self.starts[number + 1]]
        return ""

    def offset(self, line: int, col: int) -> int:
        """Text offset of a position (clamped into the document)."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        return min(self.starts[line] + max(col, 0), self.ends[line])

    def position(self, offset: int) -> tuple[int, int]:
        """Line and column of a text offset."""
        import bisect

        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def utf8_to_col(self, line: int, byte_col: int) -> int:
        """Convert a UTF-8 byte column (what `ast` reports) to a code-point column."""
        if self.ascii:
            return byte_col
        text = self.line(line)
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


@dataclass
class Parsed:
    """A module tree plus the lines it was parsed from; `broken` lists blanked lines."""

    tree: ast.Module
    lines: LineIndex
    broken: tuple[int, ...] = ()
    rows: Optional[list[str]] = None  # the lines as parsed, kept for incremental re-parsing


def normalize_newlines(text: str) -> str:
    return _NEWLINE.sub("\n", text) if "\r" in text else text


def parse(text: str, previous: Optional[Parsed] = None) -> Optional[Parsed]:
    """Parse `text`, recovering from syntax errors; None if nothing could be salvaged.

    With the parse of the document's previous version, only the statements an edit
    touched are parsed again when that is safe (see `reparse`).
    """
    if previous is not None:
        reparsed = reparse(previous, text)
        if reparsed is not None:
            return reparsed
    lines = LineIndex(text)
    normalized = normalize_newlines(text)
    if normalized.startswith("\ufeff"):
        # Editors strip the BOM before sending text; a stray one must not break the parse.
        normalized = normalized[1:]
    if "\x00" in normalized:
        normalized = normalized.replace("\x00", " ")  # same length: positions stay put
    tree, failing = _attempt(normalized)
    if tree is not None:
        return Parsed(tree, lines, (), normalized.split("\n"))
    rows = normalized.split("\n")
    deep: dict[int, int] = {}
    if failing == TOO_DEEP:
        # Nested deeper than the parser goes: those statements are left out, the rest is parsed.
        deep = {n: 0 for n in deep_statement_lines(rows, max_depth())}
        tree, failing = _attempt(_neutralise(rows, deep)) if deep else (None, None)
        if tree is not None:
            return Parsed(tree, lines, tuple(sorted(deep)))
    if failing is None or failing == TOO_DEEP:
        return None
    # Typing breaks one statement and the C parser names its line: neutralising that is
    # enough almost always. parso's error recovery (seconds on a big file) is the fallback.
    parsed = _recover(rows, lines, {**deep, _clamp(failing, rows): 0}, budget=5)
    if parsed is None:
        modes = {n: 0 for first, last in _error_ranges(normalized) for n in range(first, last + 1)}
        parsed = _recover(rows, lines, {**deep, **modes}, budget=96)
    return parsed


def reparse(previous: Parsed, text: str) -> Optional[Parsed]:
    """Re-parse only the top-level statements an edit touched, or None when that is unsafe.

    Applies when the previous parse was clean and the edit kept the number of lines (typing
    within lines, the common case): the touched statements are parsed alone, preceded by
    blank lines so their positions are already absolute, and every other statement node is
    reused as it is (their positions did not move). Anything the region cannot express on
    its own (an unclosed bracket or string, an indentation change, `from __future__`) fails
    to parse alone and falls back to a full parse.
    """
    if previous.broken or previous.rows is None:
        return None
    normalized = normalize_newlines(text)
    rows = normalized.split("\n")
    old_rows = previous.rows
    if len(rows) != len(old_rows) or normalized.startswith("\ufeff") or "\x00" in normalized:
        return None
    first = next((n for n in range(len(rows)) if rows[n] != old_rows[n]), None)
    if first is None:
        return Parsed(previous.tree, LineIndex(text), (), rows)
    last = next(n for n in range(len(rows) - 1, -1, -1) if rows[n] != old_rows[n])
    body = previous.tree.body
    low, high = first, last
    for statement in body:
        start, end = _extent(statement)
        if start <= last and end >= first:
            low, high = min(low, start), max(high, end)
    region = "\n" * low + "\n".join(rows[low:high + 1]) + "\n"
    tree, _ = _attempt(region)
    if tree is None:
        return None
    before = [s for s in body if _extent(s)[1] < low]
    after = [s for s in body if _extent(s)[0] > high]
    module = ast.Module(body=before + tree.body + after, type_ignores=[])
    return Parsed(module, LineIndex(text), (), rows)


def _extent(statement: ast.stmt) -> tuple[int, int]:
    """0-based first and last line of a top-level statement, decorators included."""
    start = statement.lineno
    for decorator in getattr(statement, "decorator_list", ()):
        start = min(start, decorator.lineno)
    return start - 1, (statement.end_lineno or statement.lineno) - 1


TOO_DEEP = -1  # what `_attempt` reports for code nested deeper than the parser (or the stack) goes


def max_depth() -> int:
    """How deep a statement may nest before it is left out: what the recursion limit lets the engine walk."""
    return max(50, sys.getrecursionlimit() // 8)


def _attempt(text: str) -> tuple[Optional[ast.Module], Optional[int]]:
    """The tree, or the 0-based line the C parser stopped at (None if it gave no line, TOO_DEEP)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text, type_comments=False), None
    except SyntaxError as exc:
        # "expected an indented block after 'if' statement on line 4" is reported on the
        # line after the header; the header is what is unfinished.
        header = _HEADER_LINE.search(str(exc.msg or ""))
        return None, (int(header.group(1)) if header else (exc.lineno or 1)) - 1
    except (MemoryError, RecursionError):
        return None, TOO_DEEP
    except ValueError:
        return None, None


_HEADER_LINE = re.compile(r"statement on line (\d+)")


def _clamp(line: int, rows: list[str]) -> int:
    return min(max(line, 0), len(rows) - 1)


def _recover(rows: list[str], lines: LineIndex, modes: dict[int, int], budget: int) -> Optional[Parsed]:
    """Neutralise the broken lines in `modes`, widening as the C parser objects.

    A broken line is replaced by `pass` (so the block around it stays well-formed) or by
    nothing; when the C parser still objects to a neutralised line, the next replacement is
    tried (own indentation, empty, the previous line's indentation, one level deeper).
    """
    for _ in range(budget):
        tree, failing = _attempt(_neutralise(rows, modes))
        if tree is not None:
            return Parsed(tree, lines, tuple(sorted(modes)))
        if failing == TOO_DEEP:  # a statement too deep besides the broken ones: leave it out too
            deeper = [n for n in deep_statement_lines(_neutralise(rows, modes).split("\n"), max_depth())
                      if n not in modes]
            if not deeper:
                return None
            modes.update(dict.fromkeys(deeper, 0))
            continue
        if failing is None:
            return None
        failing = _clamp(failing, rows)
        if failing in modes and modes[failing] < _LAST_MODE:
            modes[failing] += 1
            continue
        if failing in modes:
            # Every replacement failed here: the damage starts further down (an unclosed
            # bracket is reported where it opened), so neutralise the next intact line.
            failing = next((n for n in range(failing + 1, len(rows)) if n not in modes and rows[n].strip()), None)
            if failing is None:
                return None
        modes[failing] = 0
    return None


_LAST_MODE = 3


def _neutralise(rows: list[str], modes: dict[int, int]) -> str:
    out: list[str] = []
    for number, row in enumerate(rows):
        mode = modes.get(number)
        if mode is None:
            out.append(row)
            continue
        stripped = row.lstrip(" \t\f")
        own = row[: len(row) - len(stripped)]
        previous = next((r for r in reversed(out) if r.strip()), "")
        previous_indent = previous[: len(previous) - len(previous.lstrip(" \t\f"))]
        if mode == 0:
            continues = number - 1 in modes and rows[number - 1].strip()
            out.append(own + "pass" if stripped and not continues else "")
        elif mode == 1:
            out.append("")
        elif mode == 2:
            out.append(previous_indent + "pass")
        else:
            out.append(previous_indent + "    pass")
    return "\n".join(out)


def _error_ranges(text: str) -> list[tuple[int, int]]:
    """0-based line ranges of the statements parso's error recovery could not parse."""
    try:
        import parso
    except ImportError:  # pragma: no cover - parso is a dependency
        return []
    try:
        module = parso.parse(_ascii_for_parso(text), error_recovery=True)
    except Exception:  # parso must never take the engine down with it
        return []
    ranges: list[tuple[int, int]] = []
    stack = [module]
    while stack:
        node = stack.pop()
        if node.type in ("error_node", "error_leaf"):
            start = node.start_pos[0] - 1
            end_line, end_col = node.end_pos
            end = end_line - 1 if end_col > 0 or end_line - 1 == start else end_line - 2
            ranges.append((start, max(start, end)))
            continue
        stack.extend(getattr(node, "children", ()))
    return ranges


def _ascii_for_parso(text: str) -> str:
    """`text` with every non-ASCII character replaced by an ASCII one parso treats alike.

    parso's tokenizer splits a name holding a character that cannot be in an identifier
    (an emoji) one growing prefix at a time: quadratic in the length of the run, seconds
    for a 20,000-character line. A character that can continue an identifier becomes `x`,
    any other `?` (an error token of its own), so tokens, lines and columns stay the same
    and the cost is linear.
    """
    if text.isascii():
        return text
    table = {ord(char): "x" if ("a" + char).isidentifier() else "?" for char in set(text) if not char.isascii()}
    return text.translate(table)


# Bytes that cannot be part of an ASCII identifier become spaces: splitting then yields the
# words of a file (non-ASCII letters split words too, which can only add false matches).
_WORD_BYTES = bytes(c if chr(c).isascii() and (chr(c).isalnum() or c == 95) else 32 for c in range(256))


def words(data: bytes) -> frozenset[bytes]:
    """The ASCII identifier-like words of `data`, for whole-word tests against many names at once."""
    return frozenset(data.translate(_WORD_BYTES).split())


def neutralise_deep_statements(text: str, max_depth: int) -> tuple[str, list[int]]:
    """`text` with each statement nested deeper than `max_depth` neutralised, and those lines.

    For documents whose analysis ran out of stack: a statement too deep (or too deep for
    the parser itself) becomes `pass` at its indentation, continuation lines become empty,
    and every other line, line ending and position stays as it was, so the rest of the
    file is checked as usual. Top-level statements come from `lexer.statement_starts`
    (no parse); inside one that parses, only the deep statements go.
    """
    lines = LineIndex(text)
    rows = [lines.line(number) for number in range(len(lines))]
    deep = deep_statement_lines(rows, max_depth)
    if not deep:
        return text, []
    neutralised = _neutralise(rows, {number: 0 for number in deep}).split("\n")
    return "".join(row + lines.line_ending(n) for n, row in enumerate(neutralised)), deep


def deep_statement_lines(rows: list[str], max_depth: int) -> list[int]:
    """0-based lines of the statements nested deeper than `max_depth` (or than the parser goes)."""
    starts = statement_starts("\n".join(rows)) or [0]
    deep: set[int] = set()
    for first, end in zip(starts, [*starts[1:], len(rows)]):
        deep.update(first + line for line in _deep_lines("\n".join(rows[first:end]), max_depth))
    return sorted(deep)


def _deep_lines(chunk: str, max_depth: int) -> list[int]:
    """0-based lines of `chunk` (one top-level statement) that belong to too deep statements."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(chunk)
    except (RecursionError, MemoryError):
        return list(range(chunk.count("\n") + 1))
    except (SyntaxError, ValueError):
        return []
    found: list[int] = []
    statements: list[ast.stmt] = list(tree.body)
    while statements:
        statement = statements.pop()
        children = list(ast.iter_child_nodes(statement))
        inner = [child for child in children if isinstance(child, ast.stmt)]
        if _depth([child for child in children if not isinstance(child, ast.stmt)]) <= max_depth:
            statements.extend(inner)
            continue
        first, last = _extent(statement)
        found.extend(range(first, last + 1))
    return found


def _depth(nodes: list[ast.AST]) -> int:
    """The depth of the deepest of these trees, walked without recursion."""
    deepest = 0
    stack = [(node, 1) for node in nodes]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest
