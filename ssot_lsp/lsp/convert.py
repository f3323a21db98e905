"""The one place that turns engine values into LSP values and back (SPEC §5).

The engine counts columns in Unicode code points; LSP clients count UTF-16 code units
(the default) or UTF-8 bytes (when negotiated). Every range, position, diagnostic and
text edit the server sends is built here, so the position encoding lives nowhere else.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional, Protocol, Sequence

from lsprotocol import types

from ..model import Edit, Span, Violation
from ..source import LineIndex

UTF8 = types.PositionEncodingKind.Utf8.value
UTF16 = types.PositionEncodingKind.Utf16.value
SOURCE = "ssot"

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


class PositionOutOfRange(ValueError):
    """A client position that lies outside the document."""


class TextLines(Protocol):
    """The text of a document's lines: a full LineIndex, or only the lines a scan's violations touch."""

    def line(self, number: int) -> str: ...


def choose_encoding(offered: Optional[Sequence[str]]) -> str:
    """UTF-8 when the client offers it, UTF-16 (the LSP default) otherwise."""
    if offered and UTF8 in offered:
        return UTF8
    return UTF16


def _units(text: str, encoding: str) -> int:
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    if text.isascii() or encoding != UTF16:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_client_column(line_text: str, column: int, encoding: str) -> int:
    """A code-point column of `line_text` in the client's units."""
    if line_text.isascii():
        return column
    return _units(line_text[:column], encoding)


def from_client_column(line_text: str, units: int, encoding: str) -> int:
    """A client column (UTF-8 or UTF-16 units) as a code-point column, clamped to the line.

    A column inside a character (half a surrogate pair, part of a UTF-8 sequence) means
    that character's start, as in VS Code's text model.
    """
    units = max(0, units)
    if line_text.isascii() or encoding not in (UTF8, UTF16):  # utf-32 counts code points
        return min(units, len(line_text))
    if encoding == UTF8:
        return _utf8_column(line_text, units)
    index = counted = 0  # code points and UTF-16 units before the next astral character
    for match in _ASTRAL.finditer(line_text):
        at = match.start()
        reached = counted + at - index  # units at the astral character's start
        if units < reached + 2:
            return index + units - counted if units <= reached else at
        index, counted = at + 1, reached + 2
    return min(len(line_text), index + units - counted)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _utf8_column(line_text: str, units: int) -> int:
    data = line_text.encode("utf-8", "surrogatepass")[:units]
    lead = len(data) - 1
    while lead >= 0 and data[lead] & 0xC0 == 0x80:  # back over continuation bytes
        lead -= 1
    if lead >= 0 and data[lead] >= 0xC0:
        needed = 2 if data[lead] < 0xE0 else 3 if data[lead] < 0xF0 else 4
        if len(data) - lead < needed:  # the last character is cut: its start counts
            data = data[:lead]
    return len(data.decode("utf-8", "surrogatepass"))


def position(lines: TextLines, line: int, column: int, encoding: str) -> types.Position:
    return types.Position(line=line, character=to_client_column(lines.line(line), column, encoding))


def lsp_range(lines: TextLines, span: Span, encoding: str) -> types.Range:
    return types.Range(
        start=position(lines, span.start_line, span.start_col, encoding),
        end=position(lines, span.end_line, span.end_col, encoding),
    )


def engine_position(lines: LineIndex, pos: types.Position, encoding: str) -> tuple[int, int]:
    """A client position as (line, code-point column); raises PositionOutOfRange past the end."""
    if pos.line < 0 or pos.character < 0 or pos.line >= len(lines):
        raise PositionOutOfRange(
            f"position {pos.line}:{pos.character} is outside the document ({len(lines)} lines)"
        )
    return pos.line, from_client_column(lines.line(pos.line), pos.character, encoding)


def engine_span(lines: LineIndex, rng: types.Range, encoding: str) -> Span:
    start = engine_position(lines, rng.start, encoding)
    end = engine_position(lines, rng.end, encoding)
    return Span(start[0], start[1], end[0], end[1])


def span_data(span: Span) -> list[int]:
    return [span.start_line, span.start_col, span.end_line, span.end_col]


def span_from_data(value: Any) -> Optional[Span]:
    if isinstance(value, list) and len(value) == 4 and all(isinstance(v, int) for v in value):
        return Span(*value)
    return None


def diagnostic(violation: Violation, lines: TextLines, encoding: str, version: Optional[int],
               tag_support: bool = True) -> types.Diagnostic:
    """A violation as an LSP diagnostic; `data` lets a code action find its fix directly."""
    tags = [types.DiagnosticTag.Deprecated] if violation.deprecated and tag_support else None
    return types.Diagnostic(
        range=lsp_range(lines, violation.span, encoding),
        message=violation.message,
        severity=SEVERITY.get(violation.severity, types.DiagnosticSeverity.Warning),
        code=violation.code,
        source=SOURCE,
        tags=tags,
        data={"code": violation.code, "span": span_data(violation.span), "version": version,
              "fix": violation.fix},
    )


def config_diagnostic(line: int, message: str, key: str) -> types.Diagnostic:
    """A configuration problem shown on the config file (whole line, column units irrelevant)."""
    return types.Diagnostic(
        range=types.Range(start=types.Position(line=line, character=0),
                          end=types.Position(line=line + 1, character=0)),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        code=key or None,
        source=SOURCE,
    )


def text_edit(lines: LineIndex, edit: Edit, encoding: str) -> types.TextEdit:
    return types.TextEdit(range=lsp_range(lines, edit.span, encoding), new_text=edit.text)


def annotated_edit(lines: LineIndex, edit: Edit, encoding: str, annotation: str) -> types.AnnotatedTextEdit:
    return types.AnnotatedTextEdit(range=lsp_range(lines, edit.span, encoding), new_text=edit.text,
                                   annotation_id=annotation)


def snippet_edit(lines: LineIndex, edit: Edit, encoding: str) -> types.SnippetTextEdit:
    return types.SnippetTextEdit(range=lsp_range(lines, edit.span, encoding),
                                 snippet=types.StringValue(value=edit.text))


def workspace_edit(uri: str, version: Optional[int], lines: LineIndex, edits: Iterable[Edit],
                   encoding: str, *, document_changes: bool, snippets: str = "") -> types.WorkspaceEdit:
    """Edits of one document: versioned `documentChanges` when supported, else `changes`.

    `snippets` is "lsp" (3.18 SnippetTextEdit) or "experimental" (TextEdit with
    insertTextFormat, as rust-analyzer's clients understand it) for snippet-capable clients.
    """
    edits = list(edits)
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    if snippets == "experimental":
        # Plain dicts: lsprotocol has no TextEdit with an insertTextFormat.
        raw: list[Any] = [{"range": _unstructured_range(lines, e.span, encoding), "newText": e.text,
                **({"insertTextFormat": types.InsertTextFormat.Snippet.value} if _is_snippet(e) else {})}
               for e in edits]
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=identifier, edits=raw)])
    if document_changes:
        built: list[Any] = [snippet_edit(lines, e, encoding) if snippets == "lsp" and _is_snippet(e)
                            else text_edit(lines, e, encoding) for e in edits]
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=identifier, edits=built)])
    return types.WorkspaceEdit(changes={uri: [text_edit(lines, e, encoding) for e in edits]})


def _is_snippet(edit: Edit) -> bool:
    return "${" in edit.text


def _unstructured_range(lines: LineIndex, span: Span, encoding: str) -> dict[str, dict[str, int]]:
    rng = lsp_range(lines, span, encoding)
    return {"start": {"line": rng.start.line, "character": rng.start.character},
            "end": {"line": rng.end.line, "character": rng.end.character}}
