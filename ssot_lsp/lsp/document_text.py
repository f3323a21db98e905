"""The text of an open document as the editor has it: LSP's line model and position rules (SPEC §5).

LSP knows three line endings, `\\n`, `\\r\\n` and `\\r`; nothing else ends a line. pygls
splits a document with `str.splitlines`, which also breaks at form feeds, `\\v`,
`\\x1c`-`\\x1e`, `\\x85`, U+2028 and U+2029, so an edit below such a character landed on
another line than the editor meant. Incremental changes are applied here instead, on
`source.LineIndex` (the engine's own line model, which is LSP's), and positions follow
LSP 3.17 and VS Code's text model:

- a character past the end of its line means the line's end, which is before the line
  ending (a change can never land between `\\r` and `\\n`);
- a line past the last line means the end of the document;
- a column inside a character (half a UTF-16 surrogate pair, part of a UTF-8 sequence)
  means the start of that character, as VS Code's `validatePosition` does;
- a range whose start comes after its end is used with its ends swapped, as VS Code's
  `Range` constructor does, and a log line says so.

The other way round, `whole_text_edit` turns a whole new text (fix-all's) into the one
edit that changes only the part that differs.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from lsprotocol import types

from ..model import Edit, Span
from ..source import LineIndex
from .convert import from_client_column

log = logging.getLogger("ssot_lsp")


def apply_changes(text: str, changes: Any, encoding: str, uri: str = "") -> str:
    """`text` after the content changes of one didChange, applied in order."""
    for change in changes:
        text = apply_change(text, change, encoding, uri)
    return text


def apply_change(text: str, change: Any, encoding: str, uri: str = "") -> str:
    """`text` after one content change: a whole new text, or a range replaced."""
    change_range: Optional[types.Range] = getattr(change, "range", None)
    inserted: str = change.text
    if change_range is None:
        return inserted
    start, end = change_range.start, change_range.end
    if (start.line, start.character) > (end.line, end.character):
        log.warning("didChange for %s: range %d:%d-%d:%d ends before it starts; applied with its ends swapped",
                    uri, start.line, start.character, end.line, end.character)
        start, end = end, start
    start_bounds = line_bounds(text, start.line)
    end_bounds = start_bounds if end.line == start.line else line_bounds(text, end.line)
    low, high = offset(text, start_bounds, start, encoding), offset(text, end_bounds, end, encoding)
    return text[:low] + inserted + text[high:]


def offset(text: str, bounds: Optional[tuple[int, int]], position: types.Position, encoding: str) -> int:
    """The text offset of a client position on a line with `bounds`, clamped as LSP says (module docstring)."""
    if bounds is None:
        return len(text)
    start, end = bounds
    return start + from_client_column(text[start:end], position.character, encoding)


def line_bounds(text: str, line: int) -> Optional[tuple[int, int]]:
    """Start and end (before its line ending) of line `line` of `text`; None past the last line.

    Finds only that line, so an edit in a big document costs a scan, not a line table.
    """
    if "\r" in text:
        index = LineIndex(text)
        return (index.starts[line], index.ends[line]) if line < len(index) else None
    start = 0
    if line > 0:
        rest = text.split("\n", line)
        if len(rest) <= line:
            return None
        start = len(text) - len(rest[-1])
    end = text.find("\n", start)
    return start, end if end >= 0 else len(text)


def whole_text_edit(lines: LineIndex, new_text: str) -> Edit:
    """One edit turning `lines.text` into `new_text`, trimmed to the part that differs."""
    old = lines.text
    start = 0
    limit = min(len(old), len(new_text))
    while start < limit and old[start] == new_text[start]:
        start += 1
    end_old, end_new = len(old), len(new_text)
    while end_old > start and end_new > start and old[end_old - 1] == new_text[end_new - 1]:
        end_old -= 1
        end_new -= 1
    # Keep "\r\n" pairs whole so a range never ends between the two characters.
    while start > 0 and old[start - 1] == "\r":
        start -= 1
    while end_old < len(old) and old[end_old] == "\n" and end_old > 0 and old[end_old - 1] == "\r":
        end_old += 1
        end_new += 1
    first, last = lines.position(start), lines.position(end_old)
    return Edit(Span(first[0], first[1], last[0], last[1]), new_text[start:end_new])
