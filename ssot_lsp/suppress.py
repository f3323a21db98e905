"""Suppression comments: `# ssot: ignore[...]` and ruff-style `# noqa` (SPEC §2, §6, §11).

A suppression counts on the line where the flagged span starts or on the first line of
the statement that contains it (the logical line, as Python's tokenizer sees it: a call
on the third line of `x = (` … `)` is silenced by a comment on `x = (`). A comment line
of its own, `# ssot: ignore-file` or `# ssot: noqa` (optionally with codes:
`# ssot: ignore-file[SSOT001]`, `# ssot: noqa: SSOT001`), silences the whole file.
"""

from __future__ import annotations

import re
import tokenize
from typing import Optional

from .source import LineIndex

_SSOT = re.compile(r"#\s*ssot\s*:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.I)
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z][\w-]*(?:[,\s]+[A-Za-z][\w-]*)*))?", re.I)
_FILE_LEVEL = re.compile(
    r"^[ \t]*#[ \t]*ssot[ \t]*:[ \t]*(?:ignore-file|noqa)\b[ \t]*"
    r"(?:\[(?P<listed>[^\]\n]*)\]|:[ \t]*(?P<after>[\w \t,-]*))?[ \t]*$", re.I | re.M)
_MENTIONS = re.compile(r"#[^\n]*?(?:ssot|noqa)", re.I)
ALL = frozenset({"*"})


def comment_of(line: str) -> Optional[str]:
    """The comment on a line (from its `#`), skipping `#` inside string literals."""
    quote = None
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif line.startswith(quote, index):
                index += len(quote) - 1
                quote = None
        elif char in "\"'":
            quote = line[index:index + 3] if line[index:index + 3] in ('"""', "'''") else char
            index += len(quote) - 1
        elif char == "#":
            return line[index:]
        index += 1
    return None


def suppressed_codes(line: str) -> frozenset[str]:
    """Codes a line's comment suppresses; ALL for a bare `# ssot: ignore` or `# noqa`."""
    comment = comment_of(line)
    if not comment or ("ssot" not in comment.lower() and "noqa" not in comment.lower()):
        return frozenset()
    codes: set[str] = set()
    for pattern in (_SSOT, _NOQA):
        for match in pattern.finditer(comment):
            listed = match.group("codes")
            if listed is None or not listed.strip():
                return ALL
            codes.update(code.upper() for code in re.split(r"[,\s]+", listed.strip()) if code)
    return frozenset(codes)


def file_level_codes(text: str) -> frozenset[str]:
    """Codes a file-level `# ssot: ignore-file` / `# ssot: noqa` line silences (ALL without codes)."""
    codes: set[str] = set()
    for match in _FILE_LEVEL.finditer(text.replace("\r\n", "\n").replace("\r", "\n")) if "ssot" in text else ():
        listed = match.group("listed") if match.group("listed") is not None else match.group("after")
        if listed is None or not listed.strip():
            return ALL
        codes.update(code.upper() for code in re.split(r"[,\s]+", listed.strip()) if code)
    return frozenset(codes)


def logical_line_starts(lines: LineIndex) -> list[int]:
    """For each line, the first line of the statement (logical line) it belongs to.

    Lines the tokenizer cannot place (after a tokenize error in a broken file) map to
    themselves.
    """
    count = len(lines)
    starts = list(range(count))
    rows = iter([lines.line(number) + "\n" for number in range(count)])
    first: Optional[int] = None
    try:
        for token in tokenize.generate_tokens(lambda: next(rows, "")):
            if token.type in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                continue
            if first is None:
                first = token.start[0] - 1
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                for number in range(first, min(token.start[0], count)):
                    starts[number] = first
                first = None
    except (tokenize.TokenError, SyntaxError):
        pass
    return starts


class Suppressions:
    """Per-document cache of suppressed codes by line, file-level directives included."""

    def __init__(self, lines: LineIndex):
        self.lines = lines
        self._cache: dict[int, frozenset[str]] = {}
        self._starts: Optional[list[int]] = None
        # Most files carry no suppression comment at all: then nothing below is computed.
        self._mentions = _MENTIONS.search(lines.text) is not None
        self._file_codes = file_level_codes(lines.text) if self._mentions else frozenset()

    def statement_start(self, line: int) -> int:
        """The first line of the statement that contains `line`."""
        if self._starts is None:
            self._starts = logical_line_starts(self.lines)
        return self._starts[line] if 0 <= line < len(self._starts) else line

    def codes(self, line: int) -> frozenset[str]:
        cached = self._cache.get(line)
        if cached is None:
            cached = self._cache[line] = suppressed_codes(self.lines.line(line))
        return cached

    def suppresses(self, code: str, *lines: int) -> bool:
        """Whether `code` is silenced on one of `lines`, their statements' first lines, or the file."""
        if not self._mentions:
            return False
        if _covers(self._file_codes, code):
            return True
        candidates = dict.fromkeys([*lines, *(self.statement_start(line) for line in lines)])
        return any(_covers(self.codes(line), code) for line in candidates)


def _covers(codes: frozenset[str], code: str) -> bool:
    return codes is ALL or "*" in codes or code.upper() in codes


def ignore_comment_edit(lines: LineIndex, code: str, *line_numbers: int) -> Optional[tuple[int, int, int, str]]:
    """Where and what to write so `code` is ignored on the first usable of `line_numbers`.

    Returns (line, start column, end column, new text): an existing `# ssot: ignore[...]`
    gets the code appended to its list; otherwise `  # ssot: ignore[CODE]` goes at the end
    of the line. A line continued with a backslash cannot take a comment and is skipped;
    None when no line can carry one (or the code is ignored there already).
    """
    for number in dict.fromkeys(line_numbers):
        line = lines.line(number)
        stripped = line.rstrip()
        if stripped.endswith("\\"):
            continue
        codes = suppressed_codes(line)
        if codes is ALL or code.upper() in codes:
            return None
        comment = comment_of(line)
        if comment is not None:
            match = _SSOT.search(comment)
            if match is not None and match.group("codes") is not None:
                base = len(line) - len(comment)
                end = base + len(match.group("codes").rstrip()) + match.start("codes")
                return number, end, end, f", {code}"
        return number, len(stripped), len(line), f"  # ssot: ignore[{code}]"
    return None
