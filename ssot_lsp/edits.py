"""Text edits over spans: applying them, and the few text questions the fixer asks (SPEC §4).

Spans are 0-based lines and code-point columns, end exclusive, over the text with its
original line endings (see `LineIndex`). Edits are applied in one pass from the start of
the text; several insertions at one position keep the order they were given in, so a
planner can append two names to the same import with two edits.
"""

from __future__ import annotations

from typing import Sequence

from .model import Edit, Span
from .source import LineIndex


class OverlappingEdits(ValueError):
    """Two edits touch the same text; applying both would be ambiguous."""


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """`text` with every edit applied; raises `OverlappingEdits` when two of them overlap."""
    if not edits:
        return text
    lines = LineIndex(text)
    located = sorted(
        ((lines.offset(e.span.start_line, e.span.start_col), lines.offset(e.span.end_line, e.span.end_col), order, e)
         for order, e in enumerate(edits)),
        key=lambda item: (item[0], item[1], item[2]),  # insertions before a deletion at one spot
    )
    pieces = []
    cursor = 0
    for start, end, _, edit in located:
        if start < cursor or end < start:
            raise OverlappingEdits(f"edit at {edit.span} overlaps an earlier edit")
        pieces.append(text[cursor:start])
        pieces.append(edit.text)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def span_text(lines: LineIndex, span: Span) -> str:
    """The text a span covers."""
    return lines.text[lines.offset(span.start_line, span.start_col):lines.offset(span.end_line, span.end_col)]


def indentation(lines: LineIndex, line: int) -> str:
    """The leading whitespace of a line (tabs kept as they are)."""
    text = lines.line(line)
    return text[: len(text) - len(text.lstrip(" \t\f"))]


def point(line: int, col: int) -> Span:
    """An empty span: where an insertion goes."""
    return Span(line, col, line, col)


def insert(line: int, col: int, text: str) -> Edit:
    return Edit(point(line, col), text)


def delete(span: Span) -> Edit:
    return Edit(span, "")


def joined(edits: tuple[Edit, ...]) -> tuple[Edit, ...]:
    """Insertions at the start of a replaced span become part of that replacement.

    LSP clients must not receive two edits at one position when one of them replaces text:
    the order they apply them in is theirs to choose.
    """
    starts = {(e.span.start_line, e.span.start_col): e for e in edits if not _empty(e.span)}
    inserted: dict[int, list[Edit]] = {}
    kept = []
    for edit in edits:
        target = starts.get((edit.span.start_line, edit.span.start_col)) if _empty(edit.span) else None
        if target is not None:
            inserted.setdefault(id(target), []).append(edit)
        else:
            kept.append(edit)
    if not inserted:
        return edits
    return tuple(Edit(e.span, "".join(i.text for i in inserted.get(id(e), ())) + e.text) for e in kept)


def _empty(span: Span) -> bool:
    return span.start_line == span.end_line and span.start_col == span.end_col
