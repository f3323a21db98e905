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
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from lsprotocol import types

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
    if change_range is None:
        return change.text
    start, end = change_range.start, change_range.end
    if (start.line, start.character) > (end.line, end.character):
        log.warning("didChange for %s: range %d:%d-%d:%d ends before it starts; applied with its ends swapped",
                    uri, start.line, start.character, end.line, end.character)
        start, end = end, start
    lines = LineIndex(text)
    return text[:offset(lines, start, encoding)] + change.text + text[offset(lines, end, encoding):]


def offset(lines: LineIndex, position: types.Position, encoding: str) -> int:
    """The text offset of a client position, clamped as LSP says (see the module docstring)."""
    if position.line >= len(lines):
        return len(lines.text)
    column = from_client_column(lines.line(position.line), position.character, encoding)
    return lines.starts[position.line] + column
