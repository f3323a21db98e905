"""Suppression comments: `# ssot: ignore[...]` and ruff-style `# noqa` (SPEC §2, §11).

A suppression counts on the line where the flagged span starts or on the first line of
the statement that contains it.
"""

from __future__ import annotations

import re
from typing import Optional

from .source import LineIndex

_SSOT = re.compile(r"#\s*ssot\s*:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.I)
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z][\w-]*(?:[,\s]+[A-Za-z][\w-]*)*))?", re.I)
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


class Suppressions:
    """Per-document cache of suppressed codes by line."""

    def __init__(self, lines: LineIndex):
        self.lines = lines
        self._cache: dict[int, frozenset[str]] = {}

    def codes(self, line: int) -> frozenset[str]:
        cached = self._cache.get(line)
        if cached is None:
            cached = self._cache[line] = suppressed_codes(self.lines.line(line))
        return cached

    def suppresses(self, code: str, *lines: int) -> bool:
        for line in lines:
            codes = self.codes(line)
            if codes is ALL or "*" in codes or code.upper() in codes:
                return True
        return False


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
